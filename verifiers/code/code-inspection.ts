import { z } from 'zod';

/**
 * What python/inspect_code.py reports about a pytest file and a solution, read with Python's `ast` and never run.
 * These schemas are the types; every line the Python process writes is checked against them.
 */

/** Why code could not be read. */
export const InspectionError = z.object({
  /** `invalid`: Python cannot compile the code (a syntax error, null bytes, nesting too deep); `uninspected`: the
   * inspector could not decide (timeout, crash, input too large), which says nothing about the code. */
  kind: z.enum(['invalid', 'uninspected']),
  line: z.number().int().nullable(),
  message: z.string(), // "SyntaxError: invalid syntax", "inspection timed out", ...
});
export type InspectionError = z.infer<typeof InspectionError>;

/** A pytest file as pytest's default collection would see it; every list is empty when `ok` is false. */
export const TestsInspection = z.object({
  ok: z.boolean(),
  error: InspectionError.optional(),
  /** Items collected by default, as node ids without the file and parametrize brackets ("test_x", "TestA::test_y"), sorted. */
  expected: z.array(z.string()),
  /** Original names in `from solution import a, b as c` anywhere in the file, sorted. */
  importsFromSolution: z.array(z.string()),
  /** The file has `from solution import *`. */
  importsStar: z.boolean(),
  /** The file imports the solution module in any way (`import solution`, any from-import, `importlib.import_module`). */
  importsSolution: z.boolean(),
  /** The file has `from __future__` imports (right after its docstring, where Python requires them). */
  hasFuture: z.boolean(),
  /** Last line of the module docstring and `from __future__` block, 0 if none: a new import goes after this line. */
  futureEndLine: z.number().int().min(0),
});
export type TestsInspection = z.infer<typeof TestsInspection>;

/**
 * Stable ids of the prescreen rules, each a way code inside the test process could forge or hide test results:
 * - `always-equal`: `__eq__`/`__contains__` that always return a truthy constant, `__ne__` a falsy one.
 * - `process-exit`: os._exit, os.abort, os.kill(pg), signal.pthread_kill/raise_signal, sys.exit, exit(), quit(),
 *   `raise SystemExit` outside the `if __name__ == "__main__":` block (the soft exits also in functions only it calls).
 * - `exec-process`: subprocess, pty, os.exec*, os.spawn*, os.posix_spawn*, os.fork, os.system, os.popen.
 * - `atexit`: any use of the atexit module.
 * - `test-framework`: pytest, _pytest, pluggy or py imported or fetched (sys.modules["pytest"], `._pytest`).
 * - `introspection`: gc, ctypes, cffi, frames (sys._getframe, inspect.stack, .f_back, .f_globals, .tb_frame, ...),
 *   trace and audit hooks, any use of sys.modules, `__subclasses__`, importlib.reload.
 * - `builtins-patch`: writes to builtins / `__builtins__`, rebinding `__import__`, module-level AssertionError,
 *   Exception or BaseException, replacing sys.excepthook / displayhook / unraisablehook / breakpointhook.
 * - `file-tamper`: file calls (open, os.*, shutil.*, pathlib) naming conftest, pytest.ini, tox.ini, setup.cfg,
 *   pyproject.toml, sitecustomize, usercustomize, .pth, test_solution, __pycache__ or .pyc; writes next to `__file__`.
 * - `star-shadow`: the tests use `from solution import *` and a public solution name replaces a builtin or an earlier
 *   import the tests use (`sorted`, `pytest`, `math`), so the tests would call the solution's version.
 */
export const PrescreenRule = z.enum(['always-equal', 'process-exit', 'exec-process', 'atexit', 'test-framework', 'introspection', 'builtins-patch', 'file-tamper', 'star-shadow']);
export type PrescreenRule = z.infer<typeof PrescreenRule>;

/** One rule that fired, at the first line where it did. */
export const PrescreenFinding = z.object({
  rule: PrescreenRule,
  line: z.number().int().min(0),
  detail: z.string(), // what was seen: "os._exit outside the __main__ block", "import subprocess", ...
});
export type PrescreenFinding = z.infer<typeof PrescreenFinding>;

/**
 * A solution's top-level names and its prescreen. An empty prescreen means "nothing seen", not "safe": the screen
 * cannot see through eval or computed names, and it is empty when the solution was `uninspected`.
 * A solution with a syntax error is screened from its tokens instead; those findings say so.
 */
export const SolutionInspection = z.object({
  ok: z.boolean(),
  error: InspectionError.optional(),
  /** Names bound at import by top-level def, class or assignment (not under `if __name__ == "__main__":`), sorted. */
  defines: z.array(z.string()),
  /** Names bound at import by top-level imports (`from math import gcd` gives "gcd"), sorted. */
  imported: z.array(z.string()),
  /** At most one finding per rule, by line. */
  prescreen: z.array(PrescreenFinding),
});
export type SolutionInspection = z.infer<typeof SolutionInspection>;

/** The inspection of one (tests, solution) pair. */
export const CodeInspection = z.object({ tests: TestsInspection, solution: SolutionInspection });
export type CodeInspection = z.infer<typeof CodeInspection>;

/** One reply line of the inspector process: the request's id and its inspection. */
export const InspectionReply = CodeInspection.extend({ id: z.union([z.number(), z.string(), z.null()]) });
export type InspectionReply = z.infer<typeof InspectionReply>;

/** An inspection of code that could not be inspected (timeout, crash, too large): both sides not ok with `message`. */
export function uninspected(message: string): CodeInspection {
  const error = { kind: 'uninspected' as const, line: null, message };
  return {
    tests: { ok: false, error, expected: [], importsFromSolution: [], importsStar: false, importsSolution: false, hasFuture: false, futureEndLine: 0 },
    solution: { ok: false, error, defines: [], imported: [], prescreen: [] },
  };
}
