import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { baseTestName, readPytestReport, type TestOutcome } from './read-pytest-report.js';

type Phase = 'setup' | 'call' | 'teardown';

const lines = (events: readonly unknown[]) => events.map((event) => JSON.stringify(event)).join('\n') + '\n';
const phase = (nodeid: string, when: Phase, outcome: 'passed' | 'failed' | 'skipped', extra: { xfail?: boolean; message?: string } = {}) => ({
  event: 'test',
  nodeid,
  when,
  outcome,
  ...(extra.xfail ? { xfail: true } : {}),
  ...(extra.message === undefined ? {} : { message: extra.message }),
});
const start = { event: 'start', pytest: '8.3.4' };
const collected = (items: string[], foreign: string[] = []) => ({ event: 'collected', items, foreign });
const end = (exitstatus = 0, count = 0, failed = 0) => ({ event: 'end', exitstatus, collected: count, failed });

const node = 'test_solution.py::test_add';

describe('one test over its phases', () => {
  const cases: [string, unknown[], { outcome: TestOutcome; message?: string }][] = [
    ['all three passed', [phase(node, 'setup', 'passed'), phase(node, 'call', 'passed'), phase(node, 'teardown', 'passed')], { outcome: 'passed' }],
    ['setup failed', [phase(node, 'setup', 'failed', { message: 'fixture broke' }), phase(node, 'teardown', 'passed')], { outcome: 'error', message: 'fixture broke' }],
    ['call failed', [phase(node, 'setup', 'passed'), phase(node, 'call', 'failed', { message: 'assert 1 == 2' }), phase(node, 'teardown', 'passed')], { outcome: 'failed', message: 'assert 1 == 2' }],
    ['teardown failed after a passing call', [phase(node, 'setup', 'passed'), phase(node, 'call', 'passed'), phase(node, 'teardown', 'failed', { message: 'cleanup broke' })], { outcome: 'error', message: 'cleanup broke' }],
    ['setup and teardown failed: the setup is the cause', [phase(node, 'setup', 'failed', { message: 'first' }), phase(node, 'teardown', 'failed', { message: 'second' })], { outcome: 'error', message: 'first' }],
    ['call and teardown failed: the call is the cause', [phase(node, 'setup', 'passed'), phase(node, 'call', 'failed', { message: 'call' }), phase(node, 'teardown', 'failed', { message: 'teardown' })], { outcome: 'failed', message: 'call' }],
    ['skipped at setup (skip marker)', [phase(node, 'setup', 'skipped', { message: "('test_solution.py', 3, 'Skipped: later')" }), phase(node, 'teardown', 'passed')], { outcome: 'skipped', message: "('test_solution.py', 3, 'Skipped: later')" }],
    ['skipped in the call (pytest.skip)', [phase(node, 'setup', 'passed'), phase(node, 'call', 'skipped', { message: 'skip' }), phase(node, 'teardown', 'passed')], { outcome: 'skipped', message: 'skip' }],
    ['xfail: the call failed as expected', [phase(node, 'setup', 'passed'), phase(node, 'call', 'skipped', { xfail: true, message: 'reason' }), phase(node, 'teardown', 'passed')], { outcome: 'xfailed', message: 'reason' }],
    ['xpass: a test expected to fail passed', [phase(node, 'setup', 'passed'), phase(node, 'call', 'passed', { xfail: true }), phase(node, 'teardown', 'passed')], { outcome: 'failed' }],
    ['setup passed, then nothing (the process died)', [phase(node, 'setup', 'passed')], { outcome: 'not-run' }],
    ['setup and teardown passed without a call', [phase(node, 'setup', 'passed'), phase(node, 'teardown', 'passed')], { outcome: 'not-run' }],
    ['only a teardown', [phase(node, 'teardown', 'passed')], { outcome: 'not-run' }],
  ];

  test.each(cases)('%s', (_name, events, expected) => {
    const report = readPytestReport(lines([start, collected([node]), ...events, end()]));
    expect(report.anomalies).toEqual([]);
    expect(report.tests.get(node)).toEqual({ nodeid: node, ...expected });
  });

  test('the phases of a test may arrive in any order', () => {
    const report = readPytestReport(lines([phase(node, 'teardown', 'passed'), phase(node, 'call', 'failed', { message: 'm' }), phase(node, 'setup', 'passed')]));
    expect(report.tests.get(node)).toEqual({ nodeid: node, outcome: 'failed', message: 'm' });
  });

  test('what pytest emits for each outcome reads back as that outcome, for any set of tests', () => {
    const emitted: Record<TestOutcome | 'teardown-error' | 'xpass', (nodeid: string) => unknown[]> = {
      passed: (id) => [phase(id, 'setup', 'passed'), phase(id, 'call', 'passed'), phase(id, 'teardown', 'passed')],
      failed: (id) => [phase(id, 'setup', 'passed'), phase(id, 'call', 'failed', { message: 'E' }), phase(id, 'teardown', 'passed')],
      xpass: (id) => [phase(id, 'setup', 'passed'), phase(id, 'call', 'passed', { xfail: true }), phase(id, 'teardown', 'passed')],
      error: (id) => [phase(id, 'setup', 'failed', { message: 'E' }), phase(id, 'teardown', 'passed')],
      'teardown-error': (id) => [phase(id, 'setup', 'passed'), phase(id, 'call', 'passed'), phase(id, 'teardown', 'failed', { message: 'E' })],
      skipped: (id) => [phase(id, 'setup', 'skipped', { message: 'S' }), phase(id, 'teardown', 'passed')],
      xfailed: (id) => [phase(id, 'setup', 'passed'), phase(id, 'call', 'skipped', { xfail: true, message: 'X' }), phase(id, 'teardown', 'passed')],
      'not-run': (id) => [phase(id, 'setup', 'passed')],
    };
    const read: Record<keyof typeof emitted, TestOutcome> = { passed: 'passed', failed: 'failed', xpass: 'failed', error: 'error', 'teardown-error': 'error', skipped: 'skipped', xfailed: 'xfailed', 'not-run': 'not-run' };
    const kinds = Object.keys(emitted) as (keyof typeof emitted)[];
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^test_[a-z0-9_]{1,8}$/), fc.constantFrom(...kinds)), { selector: ([name]) => name, maxLength: 12 }), (tests) => {
        const nodeids = tests.map(([name]) => `test_solution.py::${name}`);
        const report = readPytestReport(lines([start, collected(nodeids), ...tests.flatMap(([name, kind]) => emitted[kind](`test_solution.py::${name}`)), end(1, tests.length)]));
        expect(report.anomalies).toEqual([]);
        expect(report.started).toBe(true);
        expect(report.collected).toEqual(nodeids);
        expect(report.end).toEqual({ exitstatus: 1, collected: tests.length });
        expect([...report.tests.values()].map((test) => [test.nodeid, test.outcome])).toEqual(tests.map(([name, kind]) => [`test_solution.py::${name}`, read[kind]]));
      }),
    );
  });
});

describe('the session', () => {
  test('an empty channel: not started, nothing collected, no end, no anomaly', () => {
    for (const text of ['', '\n', '  \n\n\t\n']) {
      expect(readPytestReport(text)).toEqual({ started: false, foreign: [], collectErrors: [], tests: new Map(), anomalies: [] });
    }
  });

  test('start, collected (with foreign items), collect errors and end are read back', () => {
    const report = readPytestReport(
      lines([
        start,
        { event: 'collect-error', nodeid: 'test_solution.py', message: "E   ModuleNotFoundError: No module named 'numpy'" },
        { event: 'collect-error', nodeid: 'test_other.py', message: 'second' },
        collected(['test_solution.py::test_a'], ['test_solution.py::test_helper']),
        end(2, 1, 0),
      ]),
    );
    expect(report).toEqual({
      started: true,
      end: { exitstatus: 2, collected: 1 },
      collected: ['test_solution.py::test_a'],
      foreign: ['test_solution.py::test_helper'],
      collectErrors: [
        { nodeid: 'test_solution.py', message: "E   ModuleNotFoundError: No module named 'numpy'" },
        { nodeid: 'test_other.py', message: 'second' },
      ],
      tests: new Map(),
      anomalies: [],
    });
  });

  test('CRLF line endings and blank lines are not anomalies', () => {
    const text = [start, collected([node]), phase(node, 'call', 'passed'), end()].map((event) => JSON.stringify(event)).join('\r\n\r\n');
    const report = readPytestReport(text);
    expect(report.anomalies).toEqual([]);
    expect(report.tests.get(node)?.outcome).toBe('passed');
    expect(report.end).toEqual({ exitstatus: 0, collected: 0 });
  });
});

describe('anomalies: someone else wrote to the channel', () => {
  test('a line that is not JSON is named, cut at 120 characters', () => {
    const long = `PASSED ${'x'.repeat(300)}`;
    const report = readPytestReport(`${JSON.stringify(start)}\nall tests passed\n${long}\n{"event": "start"\n`);
    expect(report.anomalies).toEqual(['not JSON: all tests passed', `not JSON: ${long.slice(0, 120)}`, 'not JSON: {"event": "start"']);
    expect(report.started).toBe(true);
  });

  test('JSON that is not one of the reporter events is named and otherwise ignored', () => {
    const unknown = [
      { event: 'pass' },
      { event: 'start' },
      { event: 'test', nodeid: node, when: 'call', outcome: 'error' },
      { event: 'test', nodeid: node, when: 'later', outcome: 'passed' },
      { event: 'test', nodeid: node, when: 'call', outcome: 'passed', xfail: 'yes' },
      { event: 'end', exitstatus: 0.5, collected: 1, failed: 0 },
      { event: 'collected', items: ['a'] },
      { nodeid: node, when: 'call', outcome: 'passed' },
      42,
      'start',
      null,
      [start],
    ];
    const report = readPytestReport(lines(unknown));
    expect(report.anomalies).toEqual(unknown.map((value) => `not a reporter event: ${JSON.stringify(value)}`));
    expect(report.started).toBe(false);
    expect(report.tests.size).toBe(0);
    expect(report.end).toBeUndefined();
    expect(report.collected).toBeUndefined();
  });

  test('a phase reported twice is an anomaly; the later report is the one kept', () => {
    const report = readPytestReport(lines([start, phase(node, 'setup', 'passed'), phase(node, 'call', 'failed', { message: 'real' }), phase(node, 'call', 'passed'), end(1)]));
    expect(report.anomalies).toEqual(['test_solution.py::test_add call reported twice']);
    expect(report.tests.get(node)?.outcome).toBe('passed');
  });

  test('any event after the end is an anomaly', () => {
    const after = phase(node, 'call', 'passed');
    const report = readPytestReport(lines([start, collected([node]), end(1), after]));
    expect(report.anomalies).toEqual([`event after the end: ${JSON.stringify(after)}`]);
    expect(report.tests.get(node)?.outcome).toBe('passed');
  });

  test('start, collected and end twice are each named', () => {
    const second = collected(['test_solution.py::test_forged'], ['test_solution.py::test_more']);
    const report = readPytestReport(lines([start, start, collected([node], ['test_solution.py::test_helper']), second, end(1, 1, 1), end(0, 1, 0)]));
    expect(report.anomalies).toEqual(['session started twice', 'collected twice', `event after the end: ${JSON.stringify(end(0, 1, 0))}`, 'session ended twice']);
    expect(report.collected).toEqual(['test_solution.py::test_forged']);
    expect(report.foreign).toEqual(['test_solution.py::test_helper', 'test_solution.py::test_more']);
    expect(report.end).toEqual({ exitstatus: 0, collected: 1 });
  });
});

describe('never throws', () => {
  const check = (text: string) => {
    const report = readPytestReport(text);
    expect(typeof report.started).toBe('boolean');
    expect(Array.isArray(report.anomalies)).toBe(true);
    for (const [nodeid, test] of report.tests) expect(test.nodeid).toBe(nodeid);
  };

  test('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check));
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 20 }).map((parts) => parts.join('\n')), check));
  });

  test('on arbitrary JSON lines, and every line that is not JSON is counted as an anomaly', () => {
    const line = fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 }).filter((text) => !text.includes('\n')));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (items) => {
        const text = items.join('\n');
        check(text);
        const notJson = items.filter((item) => {
          if (item.trim() === '') return false;
          try {
            JSON.parse(item);
            return false;
          } catch {
            return true;
          }
        });
        expect(readPytestReport(text).anomalies.filter((anomaly) => anomaly.startsWith('not JSON: '))).toHaveLength(notJson.length);
      }),
    );
  });

  test('on reporter-shaped events with arbitrary fields, in any order', () => {
    const text = fc.string({ maxLength: 12 });
    const event = fc.oneof(
      fc.record({ event: fc.constant('start'), pytest: fc.oneof(text, fc.integer()) }),
      fc.record({ event: fc.constant('collect-error'), nodeid: text, message: fc.oneof(text, fc.constant(null)) }),
      fc.record({ event: fc.constant('collected'), items: fc.array(text), foreign: fc.oneof(fc.array(text), fc.constant('x')) }),
      fc.record(
        {
          event: fc.constant('test'),
          nodeid: fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'toString')),
          when: fc.constantFrom('setup', 'call', 'teardown', 'other'),
          outcome: fc.constantFrom('passed', 'failed', 'skipped', 'error'),
          xfail: fc.oneof(fc.boolean(), fc.constant(1)),
          message: fc.oneof(text, fc.integer()),
        },
        { requiredKeys: ['event'] },
      ),
      fc.record({ event: fc.constant('end'), exitstatus: fc.oneof(fc.integer(), fc.double()), collected: fc.integer(), failed: fc.integer() }, { requiredKeys: ['event'] }),
    );
    fc.assert(fc.property(fc.array(event, { maxLength: 25 }), (events) => check(lines(events))));
  });
});

describe('baseTestName', () => {
  test('drops the file part and the parametrize brackets, keeps a class', () => {
    expect(baseTestName('test_solution.py::test_add')).toBe('test_add');
    expect(baseTestName('test_solution.py::test_add[1-2-3]')).toBe('test_add');
    expect(baseTestName('test_solution.py::TestMath::test_mul')).toBe('TestMath::test_mul');
    expect(baseTestName('test_solution.py::TestMath::test_mul[a::b]')).toBe('TestMath::test_mul');
    expect(baseTestName('test_add')).toBe('test_add');
    expect(baseTestName('test_add[x]')).toBe('test_add');
  });

  test('any parametrize id gives back the function or method name', () => {
    const name = fc.stringMatching(/^(Test[A-Z][a-z]{0,5}::)?test_[a-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(name, fc.string({ maxLength: 20 }), (test, id) => {
        expect(baseTestName(`test_solution.py::${test}`)).toBe(test);
        expect(baseTestName(`test_solution.py::${test}[${id}]`)).toBe(test);
      }),
    );
  });
});
