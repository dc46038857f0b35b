import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseRunnerOutput } from './runner-protocol.js';

const NONCE = '4f1d2c3b4a59687766554433';
const OTHER = '00112233445566778899aabb';

/** The result object runner.py prints (it carries residue and no backend). */
const printed = (overrides: Record<string, unknown> = {}) => ({
  stop: 'exited',
  exitCode: 1,
  signal: null,
  stdout: '1 failed, 3 passed in 0.03s\n',
  stderr: '',
  report: '{"event": "start", "pytest": "8.3.4"}\n',
  truncated: false,
  outputBytes: 120,
  wallMs: 310.4,
  cpuMs: 250.1,
  peakMemoryBytes: 30_000_000,
  leftoverProcesses: 0,
  residue: [],
  ...overrides,
});
const line = (nonce: string, value: unknown) => `\n@@VERIDATA-RESULT ${nonce} ${typeof value === 'string' ? value : JSON.stringify(value)}\n`;

const { residue: _residue, ...fields } = printed();
const parsed = { ...fields, backend: 'bwrap', discarded: false, residue: [] };

describe('parseRunnerOutput', () => {
  test("reads the supervisor's result line, names the backend, and keeps the residue apart", () => {
    expect(parseRunnerOutput(`runner starting\n${line(NONCE, printed())}`, NONCE, 'bwrap')).toEqual(parsed);
    expect(parseRunnerOutput(line(NONCE, printed({ residue: ['/work/job/left.txt', 3] })), NONCE, 'docker')).toEqual({ ...parsed, backend: 'docker', residue: ['/work/job/left.txt', '3'] });
  });

  test('the backend is the one given, whatever the line says; residue that is not a list is empty', () => {
    expect(parseRunnerOutput(line(NONCE, printed({ backend: 'forged', residue: 'x' })), NONCE, 'bwrap')).toEqual(parsed);
    const { residue: _, ...withoutResidue } = printed();
    expect(parseRunnerOutput(line(NONCE, withoutResidue), NONCE, 'bwrap')).toEqual(parsed);
  });

  test('a line at the very end without a newline is read', () => {
    expect(parseRunnerOutput(`@@VERIDATA-RESULT ${NONCE} ${JSON.stringify(printed())}`, NONCE, 'bwrap')).toEqual(parsed);
  });

  test('the last line carrying the nonce wins', () => {
    const stdout = line(NONCE, printed({ exitCode: 0 })) + line(NONCE, printed({ exitCode: 7 }));
    expect(parseRunnerOutput(stdout, NONCE, 'bwrap')?.exitCode).toBe(7);
  });

  test('lines with another nonce are ignored, valid or not', () => {
    const stdout = line(NONCE, printed()) + line(OTHER, printed({ exitCode: 0 })) + line(OTHER, '{"stop": ') + line(`${NONCE}ff`, printed({ exitCode: 0 }));
    expect(parseRunnerOutput(stdout, NONCE, 'bwrap')).toEqual(parsed);
    expect(parseRunnerOutput(stdout, '999999999999999999999999', 'bwrap')).toBeUndefined();
  });

  test('no line with the nonce: undefined', () => {
    for (const stdout of ['', 'Killed\n', `@@VERIDATA-RESULT ${NONCE}`, `@@VERIDATA-RESULT${NONCE} {}`, line(OTHER, printed())]) {
      expect(parseRunnerOutput(stdout, NONCE, 'bwrap')).toBeUndefined();
    }
  });

  test('a line with the nonce whose JSON is malformed or not a result: undefined', () => {
    for (const value of ['{"stop": "exited", "exitCode"', 'not json', 'null', '42', '"text"', '[]', '{}', printed({ stop: 'exploded' }), printed({ exitCode: 1.5 }), printed({ wallMs: -1 })]) {
      expect(parseRunnerOutput(line(NONCE, value), NONCE, 'bwrap')).toBeUndefined();
    }
  });

  test('a cut-off last line is not replaced by an earlier one', () => {
    // The supervisor prints exactly one result line; a second with its secret, truncated, means its output was cut.
    expect(parseRunnerOutput(line(NONCE, printed()) + line(NONCE, '{"stop": "exi'), NONCE, 'bwrap')).toBeUndefined();
  });

  test('never throws, and any noise before the line leaves the result unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (stdout) => void parseRunnerOutput(stdout, NONCE, 'bwrap')));
    fc.assert(fc.property(fc.json({ maxDepth: 3 }), (json) => void parseRunnerOutput(line(NONCE, json), NONCE, 'bwrap')));
    const noise = fc.string({ maxLength: 200 }).filter((text) => !text.includes(NONCE));
    const result = fc.record({
      stop: fc.constantFrom('exited', 'cpu-limit', 'wall-limit', 'memory-limit', 'output-limit', 'supervisor-lost'),
      exitCode: fc.option(fc.integer({ min: 0, max: 255 })),
      signal: fc.option(fc.constantFrom('SIGKILL', 'SIGXCPU')),
      stdout: fc.string(),
      stderr: fc.string(),
      report: fc.string(),
      truncated: fc.boolean(),
      outputBytes: fc.nat(),
      wallMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
      cpuMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
      peakMemoryBytes: fc.nat(),
      leftoverProcesses: fc.nat(),
      residue: fc.array(fc.string()),
    });
    fc.assert(
      fc.property(noise, result, (before, value) => {
        expect(parseRunnerOutput(`${before}${line(NONCE, value)}`, NONCE, 'docker')).toEqual({ ...value, backend: 'docker', discarded: false, wallMs: value.wallMs + 0, cpuMs: value.cpuMs + 0 });
      }),
    );
  });
});
