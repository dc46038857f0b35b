import { z } from 'zod';

/** How one test ended, over its setup, call and teardown phases. */
export type TestOutcome = 'passed' | 'failed' | 'error' | 'skipped' | 'xfailed' | 'not-run';

const ReportEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('start'), pytest: z.string() }),
  z.object({ event: z.literal('collect-error'), nodeid: z.string(), message: z.string() }),
  z.object({ event: z.literal('collected'), items: z.array(z.string()), foreign: z.array(z.string()) }),
  z.object({
    event: z.literal('test'),
    nodeid: z.string(),
    when: z.enum(['setup', 'call', 'teardown']),
    outcome: z.enum(['passed', 'failed', 'skipped']),
    xfail: z.boolean().optional(),
    message: z.string().optional(),
  }),
  z.object({ event: z.literal('end'), exitstatus: z.number().int(), collected: z.number().int(), failed: z.number().int() }),
]);

/** One test's result as the reporter plugin saw it. */
export interface ReportedTest {
  readonly nodeid: string;
  readonly outcome: TestOutcome;
  readonly message?: string;
}

/** The report channel read back: what pytest said while it ran (see harness/veridata_report.py). */
export interface PytestReport {
  readonly started: boolean;
  readonly end?: { readonly exitstatus: number; readonly collected: number };
  readonly collected?: readonly string[];
  readonly foreign: readonly string[];
  readonly collectErrors: readonly { nodeid: string; message: string }[];
  readonly tests: ReadonlyMap<string, ReportedTest>;
  /** Lines that are not events of the reporter, or a phase reported twice: someone else wrote to the channel. */
  readonly anomalies: readonly string[];
}

interface Phases {
  setup?: z.infer<typeof ReportEvent> & { event: 'test' };
  call?: z.infer<typeof ReportEvent> & { event: 'test' };
  teardown?: z.infer<typeof ReportEvent> & { event: 'test' };
}

function outcomeOf(phases: Phases): { outcome: TestOutcome; message?: string } {
  const { setup, call, teardown } = phases;
  const messageOf = (phase: { message?: string } | undefined) => (phase?.message === undefined ? {} : { message: phase.message });
  if (setup?.outcome === 'failed') return { outcome: 'error', ...messageOf(setup) };
  if (call?.outcome === 'failed') return { outcome: 'failed', ...messageOf(call) };
  if (teardown?.outcome === 'failed') return { outcome: 'error', ...messageOf(teardown) };
  const skipped = [setup, call].find((phase) => phase?.outcome === 'skipped');
  if (skipped) return { outcome: skipped.xfail ? 'xfailed' : 'skipped', ...messageOf(skipped) };
  if (call?.outcome === 'passed') return { outcome: call.xfail ? 'failed' : 'passed' };
  return { outcome: 'not-run' };
}

/** Parses the report channel's text; never throws, whatever was written to it. */
export function readPytestReport(text: string): PytestReport {
  let started = false;
  let end: PytestReport['end'];
  let collected: string[] | undefined;
  const foreign: string[] = [];
  const collectErrors: { nodeid: string; message: string }[] = [];
  const phases = new Map<string, Phases>();
  const anomalies: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      anomalies.push(`not JSON: ${line.slice(0, 120)}`);
      continue;
    }
    const parsed = ReportEvent.safeParse(value);
    if (!parsed.success) {
      anomalies.push(`not a reporter event: ${line.slice(0, 120)}`);
      continue;
    }
    const event = parsed.data;
    if (end !== undefined) anomalies.push(`event after the end: ${line.slice(0, 120)}`);
    switch (event.event) {
      case 'start':
        if (started) anomalies.push('session started twice');
        started = true;
        break;
      case 'collect-error':
        collectErrors.push({ nodeid: event.nodeid, message: event.message });
        break;
      case 'collected':
        if (collected !== undefined) anomalies.push('collected twice');
        collected = event.items;
        foreign.push(...event.foreign);
        break;
      case 'test': {
        const entry = phases.get(event.nodeid) ?? {};
        if (entry[event.when] !== undefined) anomalies.push(`${event.nodeid} ${event.when} reported twice`);
        entry[event.when] = event;
        phases.set(event.nodeid, entry);
        break;
      }
      case 'end':
        if (end !== undefined) anomalies.push('session ended twice');
        end = { exitstatus: event.exitstatus, collected: event.collected };
        break;
    }
  }
  const tests = new Map<string, ReportedTest>();
  for (const [nodeid, entry] of phases) tests.set(nodeid, { nodeid, ...outcomeOf(entry) });
  return { started, ...(end === undefined ? {} : { end }), ...(collected === undefined ? {} : { collected }), foreign, collectErrors, tests, anomalies };
}

/** A node id's test name as the host's parser names it: no file part, no parametrize brackets. */
export function baseTestName(nodeid: string): string {
  const withoutFile = nodeid.includes('::') ? nodeid.slice(nodeid.indexOf('::') + 2) : nodeid;
  const bracket = withoutFile.indexOf('[');
  return bracket < 0 ? withoutFile : withoutFile.slice(0, bracket);
}
