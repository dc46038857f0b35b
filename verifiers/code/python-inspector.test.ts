import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { VeridataError } from '../../src/core/errors.js';
import { CodeInspection, type PrescreenRule } from './code-inspection.js';
import { createPythonInspector, maxInspectedCharacters } from './python-inspector.js';

// Runs the real python3 (standard library only): one shared inspector, plus short-lived ones for the failure paths.
const inspector = createPythonInspector();
afterAll(() => inspector.close());

const tests = (source: string) => inspector.inspect(source, '').then((inspection) => inspection.tests);
const solution = (source: string, testSource = 'from solution import *\n') => inspector.inspect(testSource, source).then((inspection) => inspection.solution);
const rules = async (source: string, testSource?: string) => (await solution(source, testSource)).prescreen.map((finding) => finding.rule);

describe('expected test items', () => {
  test('functions, classes, inherited methods, nested classes and unittest cases, as pytest collects them', async () => {
    const source = [
      '"""Tests."""',
      'from __future__ import annotations',
      'import pytest, unittest',
      'from unittest import TestCase as Case',
      'from solution import solve, Parser as P',
      '',
      'def test_plain(): assert solve(1) == 2',
      'async def test_async(): pass',
      'def testing_prefix(): pass',
      'def helper(): pass',
      '@pytest.mark.parametrize("n", [1, 2, 3])',
      'def test_param(n): assert solve(n)',
      '@pytest.fixture',
      'def test_data(): return 1',
      'def test_redefined(): assert False',
      'def test_redefined(): assert True',
      'def test_rebound(): pass',
      'test_rebound = 3',
      'def test_deleted(): pass',
      'del test_deleted',
      'test_alias = test_plain',
      '',
      'class Mixin:',
      '    def test_from_mixin(self): pass',
      'class TestThing(Mixin):',
      '    def test_own(self): pass',
      '    @staticmethod',
      '    def test_static(): pass',
      '    @property',
      '    def test_property(self): return 1',
      '    def not_a_test(self): pass',
      '    class TestInner:',
      '        def test_z(self): pass',
      'class TestWithInit:',
      '    def __init__(self): pass',
      '    def test_never(self): pass',
      'class NotCollected:',
      '    def test_no(self): pass',
      'class Legacy(unittest.TestCase):',
      '    def test_legacy(self): pass',
      '    def helper(self): pass',
      'class Aliased(Case):',
      '    def test_aliased(self): pass',
      'class Derived(Legacy):',
      '    def test_derived(self): pass',
      'class TestSkipped:',
      '    __test__ = False',
      '    def test_hidden(self): pass',
      'if __name__ == "__main__":',
      '    def test_main_only(): pass',
      '    unittest.main()',
    ].join('\n');
    expect(await tests(source)).toEqual({
      ok: true,
      expected: [
        'Aliased::test_aliased',
        'Derived::test_derived',
        'Derived::test_legacy',
        'Legacy::test_legacy',
        'TestThing::TestInner::test_z',
        'TestThing::test_from_mixin',
        'TestThing::test_own',
        'TestThing::test_static',
        'test_alias',
        'test_async',
        'test_param',
        'test_plain',
        'test_redefined',
        'testing_prefix',
      ],
      importsFromSolution: ['Parser', 'solve'],
      importsStar: false,
      importsSolution: true,
      hasFuture: true,
      futureEndLine: 2,
    });
  });

  test('a class inheriting __init__ is not collected; a later class of the same name replaces the earlier one', async () => {
    const source = 'class Base:\n    def __init__(self): pass\n    def test_b(self): pass\nclass TestA(Base):\n    def test_a(self): pass\nclass TestC:\n    def test_first(self): pass\nclass TestC:\n    def test_second(self): pass\n';
    expect((await tests(source)).expected).toEqual(['TestC::test_second']);
  });

  test('star and module imports of the solution, and where a caller may add an import', async () => {
    expect(await tests('"""Doc\nstring."""\nimport solution\nfrom solution import *\ndef test_a(): pass\n')).toMatchObject({ importsStar: true, importsSolution: true, importsFromSolution: [], hasFuture: false, futureEndLine: 2 });
    expect(await tests('import importlib\nmod = importlib.import_module("solution")\n')).toMatchObject({ importsSolution: true, importsStar: false });
    expect(await tests('def test_a(): pass\n')).toMatchObject({ importsSolution: false, futureEndLine: 0 });
  });
});

describe('code that does not parse', () => {
  test('a syntax error is not ok, with its line', async () => {
    expect(await tests('import pytest\n\ndef test_a(:\n    pass\n')).toEqual({
      ok: false,
      error: { kind: 'invalid', line: 3, message: 'SyntaxError: invalid syntax' },
      expected: [],
      importsFromSolution: [],
      importsStar: false,
      importsSolution: false,
      hasFuture: false,
      futureEndLine: 0,
    });
  });

  test('null bytes, lone surrogates and 2000-deep nesting are answered, and the process goes on', async () => {
    const starts = inspector.starts;
    expect(await tests('def test_a():\n    pass\u0000\n')).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining('null bytes') } });
    expect(await tests('x = "\ud800"\n')).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    const sum = `x = ${Array.from({ length: 2000 }, () => 'a').join(' + ')}\ndef test_a(): pass\n`;
    expect(await tests(sum)).toMatchObject({ ok: true, expected: ['test_a'] });
    const unary = `x = ${'-'.repeat(2000)}1\ndef test_a(): pass\n`;
    expect((await tests(unary)).ok).toBeTypeOf('boolean');
    const parentheses = `x = ${'('.repeat(2000)}1${')'.repeat(2000)}\n`;
    expect(await tests(parentheses)).toMatchObject({ ok: false, error: { kind: 'invalid', line: 1 } });
    const deeper = `x = ${Array.from({ length: 100_000 }, () => 'a').join('+')}\n`;
    expect(await inspector.inspect(deeper, deeper)).toMatchObject({ tests: { ok: false, error: { kind: 'invalid', message: expect.stringContaining('RecursionError') } }, solution: { ok: false } });
    const chain = `import os\nx = os${'.b'.repeat(2500)}\nos._exit(0)\n`;
    expect((await solution(chain)).prescreen).toEqual([{ rule: 'process-exit', line: 3, detail: 'os._exit outside the __main__ block' }]);
    const subscripts = `import os, sys\nx = sys.modules${'["a"]'.repeat(2500)}\nos._exit(0)\n`;
    expect((await solution(subscripts)).prescreen.map((finding) => finding.rule)).toEqual(['introspection', 'process-exit']);
    expect(inspector.starts).toBe(starts);
  });

  test('a solution that does not parse here is still screened, from its tokens', async () => {
    const inspection = await solution('import subprocess\ndef f(:\n    os._exit(1)\n');
    expect(inspection).toMatchObject({ ok: false, error: { kind: 'invalid', line: 2 }, defines: [] });
    expect(inspection.prescreen.map((finding) => finding.rule)).toEqual(['exec-process', 'process-exit']);
    expect(inspection.prescreen[0]?.detail).toContain('token scan');
  });
});

describe('the process', () => {
  test('50 requests in a row are answered in order', async () => {
    const sources = Array.from({ length: 50 }, (_, index) => `def test_${index}(): pass\n`);
    const inspections = await Promise.all(sources.map((source, index) => inspector.inspect(source, `def f${index}(): pass\n`)));
    inspections.forEach((inspection, index) => {
      expect(CodeInspection.safeParse(inspection).success).toBe(true);
      expect(inspection.tests.expected).toEqual([`test_${index}`]);
      expect(inspection.solution.defines).toEqual([`f${index}`]);
    });
  });

  test('an inspection over its budget times out, and the next one gets a fresh process', async () => {
    const slow = createPythonInspector({ timeoutMs: 500, testHooks: true });
    try {
      const started = performance.now();
      const sleeping = slow.inspect('#test-hooks {"sleep": 60}\n', '');
      const queued = slow.inspect('def test_after(): pass\n', '');
      const timedOut = await Promise.race([sleeping, queued.then(() => 'overtaken')]);
      expect(performance.now() - started).toBeLessThan(10_000); // a backstop, not a measurement
      expect(timedOut).toMatchObject({ tests: { ok: false, error: { kind: 'uninspected', line: null, message: 'inspection timed out' } }, solution: { ok: false, error: { message: 'inspection timed out' } } });
      expect((await queued).tests.expected).toEqual(['test_after']);
      expect(slow.starts).toBe(2);
    } finally {
      await slow.close();
    }
  });

  test('a process that dies or writes outside the protocol fails that inspection only', async () => {
    const flaky = createPythonInspector({ testHooks: true });
    try {
      expect((await flaky.inspect('#test-hooks {"exit": 9}\n', '')).tests.error).toMatchObject({ kind: 'uninspected', message: expect.stringContaining('code 9') });
      expect((await flaky.inspect('#test-hooks {"garbage": true}\n', '')).tests.error).toMatchObject({ kind: 'uninspected', message: expect.stringContaining('outside the protocol') });
      expect((await flaky.inspect('def test_ok(): pass\n', '')).tests.expected).toEqual(['test_ok']);
      expect(flaky.starts).toBe(3);
    } finally {
      await flaky.close();
    }
  });

  test('a side over the size cap is not inspected; the other side still is', async () => {
    const huge = `# ${'x'.repeat(maxInspectedCharacters)}\n`;
    const inspection = await inspector.inspect(huge, 'def f(): pass\n');
    expect(inspection.tests).toMatchObject({ ok: false, error: { kind: 'uninspected', message: expect.stringContaining('over the 1000000') } });
    expect(inspection.solution).toMatchObject({ ok: true, defines: ['f'] });
  });

  test('a missing interpreter is an INFRASTRUCTURE error naming it', async () => {
    const missing = createPythonInspector({ python: 'python3-that-does-not-exist' });
    const failure = await missing.inspect('', '').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(VeridataError);
    expect(failure).toMatchObject({ code: 'INFRASTRUCTURE', message: 'cannot inspect code: python3-that-does-not-exist was not found', hint: expect.stringContaining('apt-get install python3') });
    await missing.close();
  });

  test('close() ends the process, and an idle inspector never keeps Node running', async () => {
    const closing = createPythonInspector();
    await closing.inspect('', '');
    await closing.close();
    await expect(closing.inspect('', '')).rejects.toThrow('closed');

    const directory = mkdtempSync(join(tmpdir(), 'veridata-inspector-'));
    try {
      const script = join(directory, 'idle.mts'); // .mts: an ES module outside this package
      const module = fileURLToPath(new URL('./python-inspector.ts', import.meta.url));
      writeFileSync(script, `import { createPythonInspector } from ${JSON.stringify(module)};\nconst inspector = createPythonInspector();\nconsole.log((await inspector.inspect('def test_a(): pass\\n', '')).tests.expected.join());\n`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
      expect(run.stdout.trim()).toBe('test_a');
      expect(run.status).toBe(0); // exited by itself, with the Python process still idle
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('solution names', () => {
  test('top-level definitions and imports that run at import, not the __main__ block', async () => {
    const source = 'import os, collections.abc\nfrom math import gcd as g\nA, (B, *C) = 1, (2, 3)\nD: int = 4\nE: int\nclass K: pass\nasync def run(): pass\ntry:\n    import numpy\nexcept ImportError:\n    numpy = None\nif __name__ == "__main__":\n    MAIN = 1\ntemporary = 1\ndel temporary\n';
    expect(await solution(source)).toEqual({ ok: true, defines: ['A', 'B', 'C', 'D', 'K', 'numpy', 'run'], imported: ['collections', 'g', 'os'], prescreen: [] });
  });
});

describe('prescreen', () => {
  const firing: Record<PrescreenRule, string[]> = {
    'always-equal': [
      'class Anything:\n    def __eq__(self, other):\n        return True\n',
      'class Sneaky(int):\n    __eq__ = lambda *args: True\n',
      'class Listy(list):\n    def __eq__(self, other):\n        """Equal."""\n        return not None\n',
      'class Never:\n    def __ne__(self, other):\n        return False\n',
      'def yes(*args):\n    return True\nclass Alias:\n    __eq__ = yes\n',
      'class Later: pass\nLater.__eq__ = lambda self, other: True\n',
      'class Bag:\n    def __contains__(self, item):\n        return 1\n',
    ],
    'process-exit': [
      'import os\ndef solve(x):\n    os._exit(0)\n',
      'import sys\nsys.exit(0)\n',
      'exit()\n',
      'raise SystemExit\n',
      'from os import _exit as bye\ndef solve():\n    bye(0)\n',
      'import os, signal\ndef solve():\n    os.kill(os.getpid(), signal.SIGKILL)\n',
      'import sys\ndef solve():\n    sys.exit(0)\n',
      'import os\nif __name__ != "__main__":\n    os.abort()\n',
    ],
    'exec-process': ['import subprocess\n', 'import os\nos.system("true")\n', 'from os import execv\n', 'import os\nos.fork()\n', 'import pty\n', 'm = __import__("subprocess")\n', 'import os\nos.posix_spawn("/bin/true", [], {})\n'],
    atexit: ['import atexit\natexit.register(print)\n', 'from atexit import register\n'],
    'test-framework': ['import pytest\n', 'from _pytest import runner\n', 'import pluggy\n', 'import sys\np = sys.modules["pytest"]\n', 'def f(module):\n    return module._pytest\n'],
    introspection: [
      'import gc\n',
      'import sys\nframe = sys._getframe(1)\n',
      'import inspect\ndef f():\n    return inspect.stack()\n',
      'def f(frame):\n    return frame.f_back.f_globals\n',
      'import sys\nsys.settrace(None)\n',
      'import ctypes\n',
      'import sys\nsys.modules["x"] = None\n',
      'classes = object.__subclasses__()\n',
      'import importlib, json\nimportlib.reload(json)\n',
      'def f(error):\n    return error.__traceback__.tb_frame\n',
    ],
    'builtins-patch': [
      'import builtins\nbuiltins.print = len\n',
      '__builtins__["len"] = lambda x: 0\n',
      'import builtins as b\nsetattr(b, "len", None)\n',
      '__import__ = None\n',
      'AssertionError = Exception\n',
      'import sys\nsys.excepthook = print\n',
      'class Exception(BaseException): pass\n',
    ],
    'file-tamper': [
      'open("conftest.py", "w").write("")\n',
      'import os\nos.remove("pytest.ini")\n',
      'from pathlib import Path\nPath("test_solution.py").write_text("")\n',
      'import os\nopen(os.path.join(os.path.dirname(__file__), "x.py"), "w")\n',
      'import shutil\nshutil.rmtree("__pycache__")\n',
      'from pathlib import Path\n(Path(__file__).parent / "conftest.py").write_text("")\n',
      'def solve():\n    return open("test_solution.py").read()\n',
    ],
    'star-shadow': ['def sorted(values):\n    return []\n', 'import pytest as _p\npytest = None\n'],
  };
  const starTests = 'import pytest\nfrom solution import *\n\ndef test_a():\n    assert sorted(solve([2, 1])) == [1, 2]\n    with pytest.raises(ValueError):\n        solve(None)\n';

  for (const [rule, sources] of Object.entries(firing)) {
    test(`${rule} fires`, async () => {
      for (const source of sources) expect({ source, rules: await rules(source, starTests) }).toEqual({ source, rules: expect.arrayContaining([rule]) });
    });
  }

  test('each rule is reported once, at its first line', async () => {
    const inspection = await solution('import os\n\ndef a():\n    os._exit(1)\n\ndef b():\n    os._exit(2)\n    os.abort()\n');
    expect(inspection.prescreen).toEqual([{ rule: 'process-exit', line: 4, detail: 'os._exit outside the __main__ block' }]);
  });

  test('star-shadow needs a star import, a name the tests use, and a binding that is not the same import', async () => {
    expect(await rules('def sorted(values):\n    return []\n', 'from solution import sorted_copy\ndef test_a(): assert sorted([1])\n')).toEqual([]);
    expect(await rules('def sorted(values):\n    return []\n', 'from solution import *\ndef test_a(): assert solve(1)\n')).toEqual([]);
    expect(await rules('from typing import List\nimport math\n', 'import math\nfrom typing import List\nfrom solution import *\ndef test_a(l: List): assert math.pi\n')).toEqual([]);
    expect(await rules('math = None\n', 'from solution import *\nimport math\ndef test_a(): assert math.pi\n')).toEqual([]);
    expect(await rules('__all__ = ["solve"]\ndef solve(): pass\ndef sorted(v): return []\n', starTests)).toEqual([]);
  });

  const ordinary = [
    // String algorithms.
    'def reverse_words(s: str) -> str:\n    return " ".join(reversed(s.split()))\n\ndef is_palindrome(s):\n    t = [c.lower() for c in s if c.isalnum()]\n    return t == t[::-1]\n',
    'import re\nfrom collections import Counter\n\ndef top_words(text, k):\n    words = re.findall(r"[a-z\']+", text.lower())\n    return [w for w, _ in Counter(words).most_common(k)]\n',
    // Dynamic programming with a raised recursion limit.
    'import sys\nfrom functools import lru_cache\nsys.setrecursionlimit(10000)\n\ndef lcs(a, b):\n    @lru_cache(maxsize=None)\n    def go(i, j):\n        if i == len(a) or j == len(b):\n            return 0\n        if a[i] == b[j]:\n            return 1 + go(i + 1, j + 1)\n        return max(go(i + 1, j), go(i, j + 1))\n    return go(0, 0)\n',
    // Classes with a real __eq__.
    'class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n    def __eq__(self, other):\n        if not isinstance(other, Point):\n            return NotImplemented\n        return self.x == other.x and self.y == other.y\n    def __ne__(self, other):\n        return not self == other\n    def __hash__(self):\n        return hash((self.x, self.y))\n',
    'class Matrix:\n    def __init__(self, rows):\n        self.rows = rows\n    def __eq__(self, other):\n        return isinstance(other, Matrix) and self.rows == other.rows\n    def __contains__(self, value):\n        return any(value in row for row in self.rows)\n',
    // Dataclasses.
    'from dataclasses import dataclass, field\nfrom typing import List\n\n@dataclass(order=True)\nclass Item:\n    weight: int\n    value: int\n    tags: List[str] = field(default_factory=list)\n\ndef knapsack(items, cap):\n    dp = [0] * (cap + 1)\n    for it in items:\n        for c in range(cap, it.weight - 1, -1):\n            dp[c] = max(dp[c], dp[c - it.weight] + it.value)\n    return dp[cap]\n',
    // A __main__ block with sys.exit, and exits in functions only it calls.
    'import sys\n\ndef solve(n):\n    return n * 2\n\ndef main():\n    data = sys.stdin.read().split()\n    print(solve(int(data[0])))\n    return 0\n\nif __name__ == "__main__":\n    sys.exit(main())\n',
    'import sys\ninput = sys.stdin.readline\n\ndef read():\n    n = int(input())\n    if n < 0:\n        sys.exit(1)\n    return n\n\ndef main():\n    print(read())\n    raise SystemExit(0)\n\nif __name__ == "__main__":\n    main()\n',
    // Standard library imports, os.path, reading files next to the module.
    'import collections, heapq, math, itertools, functools, re, typing, dataclasses\nimport os\n\nDATA = os.path.join(os.path.dirname(__file__), "data.txt")\n\ndef load():\n    with open(DATA) as f:\n        return f.read()\n\ndef dijkstra(graph, source):\n    dist = collections.defaultdict(lambda: math.inf)\n    dist[source] = 0\n    queue = [(0, source)]\n    while queue:\n        d, u = heapq.heappop(queue)\n        if d > dist[u]:\n            continue\n        for v, w in graph[u]:\n            if d + w < dist[v]:\n                dist[v] = d + w\n                heapq.heappush(queue, (d + w, v))\n    return dict(dist)\n',
    // File writing to caller-given paths, a local variable called exit, threads and json.
    'import json, threading\n\ndef save(path, rows):\n    with open(path, "w") as f:\n        json.dump(rows, f)\n\nclass Maze:\n    def __init__(self, grid):\n        exit = (len(grid) - 1, len(grid[0]) - 1)\n        self.exit = exit\n        self.lock = threading.Lock()\n',
    // Custom exceptions and validation.
    'class ValidationError(ValueError):\n    pass\n\ndef parse_age(text):\n    try:\n        age = int(text)\n    except ValueError as error:\n        raise ValidationError(str(error)) from error\n    if age < 0:\n        raise ValidationError("negative")\n    return age\n',
  ];

  test('ordinary solutions fire nothing', async () => {
    for (const source of ordinary) expect({ source, prescreen: (await solution(source, starTests)).prescreen }).toEqual({ source, prescreen: [] });
  });
});
