import fc from 'fast-check';
import { expect, test } from 'vitest';
import { BudgetExceededError, costOf, createBudget, worstCaseUsd } from './budget.js';

const price = { promptUsdPerToken: 1e-6, completionUsdPerToken: 2e-6 };

test('cost: the provider figure first, else the price table, else unknown', () => {
  expect(costOf({ promptTokens: 10, completionTokens: 5, providerCostUsd: 0.5 }, price)).toEqual({ costUsd: 0.5, costSource: 'provider' });
  const table = costOf({ promptTokens: 10, completionTokens: 5, providerCostUsd: null }, price);
  expect(table.costSource).toBe('price-table');
  expect(table.costUsd).toBeCloseTo(20e-6, 15);
  expect(costOf({ promptTokens: 10, completionTokens: 5, providerCostUsd: null }, undefined)).toEqual({ costUsd: null, costSource: 'unknown' });
  expect(worstCaseUsd(price, { promptTokens: 100, maxTokens: 50, samples: 2 })).toBeCloseTo(2 * (100e-6 + 100e-6), 12);
});

test('the cap is never overshot, whatever the order of reservations and settlements', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { maxLength: 60 }), (cap, requests) => {
      const budget = createBudget(cap);
      const open: { settle: (usd: number) => void; actual: number }[] = [];
      for (const [worst, share, settleNow] of requests) {
        try {
          const reservation = budget.reserve(worst);
          const actual = worst * share; // a request never costs more than its worst case
          if (settleNow) reservation.settle(actual);
          else open.push({ settle: (usd) => reservation.settle(usd), actual });
        } catch (error) {
          expect(error).toBeInstanceOf(BudgetExceededError);
        }
        expect(budget.spentUsd + budget.reservedUsd).toBeLessThanOrEqual(cap + 1e-9);
      }
      for (const entry of open) entry.settle(entry.actual);
      expect(budget.spentUsd).toBeLessThanOrEqual(cap + 1e-9);
    }),
  );
});

test('a refused request names what was spent and what it needed; released reservations free the room', () => {
  const budget = createBudget(1, 0.5);
  const held = budget.reserve(0.4);
  expect(() => budget.reserve(0.2)).toThrowError(/--max-usd 1: spent \$0\.5000, the next request could cost up to \$0\.2000 more/);
  held.release();
  expect(() => budget.reserve(0.2)).not.toThrow();
  expect((() => { try { createBudget(0).reserve(1); } catch (error) { return (error as BudgetExceededError).exitCode; } return 0; })()).toBe(4);
});
