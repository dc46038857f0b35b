import { VeridataError } from '../core/errors.js';

/** USD per token, in and out. */
export interface Price {
  readonly promptUsdPerToken: number;
  readonly completionUsdPerToken: number;
}

/** Where a cost figure came from: the provider's own report, the configured price table, or nowhere. */
export type CostSource = 'provider' | 'price-table' | 'unknown';

/** A sample's cost: the provider's figure when it gives one, else price x tokens, else unknown (null). */
export function costOf(usage: { promptTokens: number; completionTokens: number; providerCostUsd: number | null }, price: Price | undefined): { costUsd: number | null; costSource: CostSource } {
  if (usage.providerCostUsd !== null) return { costUsd: usage.providerCostUsd, costSource: 'provider' };
  if (price === undefined) return { costUsd: null, costSource: 'unknown' };
  return { costUsd: usage.promptTokens * price.promptUsdPerToken + usage.completionTokens * price.completionUsdPerToken, costSource: 'price-table' };
}

/** The most a request can cost: its prompt (estimated) and every sample using all of max_tokens. */
export function worstCaseUsd(price: Price | undefined, request: { promptTokens: number; maxTokens: number; samples: number }): number {
  if (price === undefined) return 0;
  return request.samples * (request.promptTokens * price.promptUsdPerToken + request.maxTokens * price.completionUsdPerToken);
}

/** The run stopped before a request that might not fit in --max-usd; everything finished is kept. */
export class BudgetExceededError extends VeridataError {
  constructor(maxUsd: number, spentUsd: number, neededUsd: number) {
    super('BUDGET_EXCEEDED', `--max-usd ${maxUsd}: spent $${spentUsd.toFixed(4)}, the next request could cost up to $${neededUsd.toFixed(4)} more`, {
      hint: 'Raise --max-usd and rerun the same command to resume; finished work is kept and nothing is bought twice.',
    });
  }
}

/** A reservation held while its request is in flight. */
export interface Reservation {
  /** Replaces the reservation by what the request really cost (null: unknown, counted as the reservation). */
  settle(actualUsd: number | null): void;
  /** Releases it: the request was never answered (it will be retried or was abandoned). */
  release(): void;
}

/**
 * A spending cap that is never overshot: each request reserves its worst case before it is sent, and is refused when
 * spent + reserved + that would pass the cap; settling swaps the reservation for the real cost.
 */
export function createBudget(maxUsd: number | undefined, alreadySpentUsd = 0) {
  let spent = alreadySpentUsd;
  let reserved = 0;
  return {
    get spentUsd() {
      return spent;
    },
    get reservedUsd() {
      return reserved;
    },
    reserve(worstUsd: number): Reservation {
      if (maxUsd !== undefined && spent + reserved + worstUsd > maxUsd + 1e-12) throw new BudgetExceededError(maxUsd, spent, worstUsd);
      reserved += worstUsd;
      let open = true;
      return {
        settle(actualUsd) {
          if (!open) return;
          open = false;
          reserved -= worstUsd;
          spent += actualUsd ?? worstUsd;
        },
        release() {
          if (!open) return;
          open = false;
          reserved -= worstUsd;
        },
      };
    },
  };
}

/** A spending cap. */
export type Budget = ReturnType<typeof createBudget>;
