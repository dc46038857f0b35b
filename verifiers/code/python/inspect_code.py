"""veridata's static inspector of LLM-written pytest files and solutions: parses both with `ast`, never runs them.

Protocol (one JSON object per line; code-inspection.ts holds the schemas of record):
  in:   {"id": 7, "tests": "<test file source>", "solution": "<solution source>"}
  out:  {"id": 7, "tests": {...}, "solution": {...}}     one line per request, flushed, whatever the input

tests:     the items pytest's default collection would find (node ids without file and parametrize brackets), what
           the file imports from the `solution` module, and where its docstring/`from __future__` block ends.
solution:  its top-level names and `prescreen`, a static screen for code that could forge test results from inside
           the test process (exits, exec, frame and gc introspection, builtins patches, always-equal objects, ...).
           The screen is best effort: it flags what ordinary solutions never do, and cannot see through eval or
           computed attribute names, so the sandbox and the report plugin must not rely on it.
"""

import ast
import io
import json
import os
import sys
import tokenize
import warnings

SOLUTION_MODULE = "solution"
TEST_HOOKS = os.environ.get("VERIDATA_INSPECT_TEST_HOOKS") == "1"

# CPython's default: ast construction then refuses nesting past about 3000 levels (RecursionError), as the compiler in
# the sandbox would. Every walk below is iterative or depth-capped, so no input makes this process itself recurse deep.
sys.setrecursionlimit(1000)

# A huge input becomes a MemoryError answered as "could not inspect" instead of pushing the machine into swap.
try:
    import resource

    _limit = int(os.environ.get("VERIDATA_INSPECT_MEMORY_MB", "2048")) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
except Exception:
    pass

# Ctrl-C reaches the whole process group; the client decides when this process ends (closing stdin, or a kill).
try:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
except Exception:
    pass

# "\d" in a string literal is a SyntaxWarning on stderr; the input is not ours to lint.
warnings.simplefilter("ignore")

# The largest nesting a helper recursing over expressions follows before answering "unknown".
EXPRESSION_DEPTH = 60
MAIN_GUARD = "main-guard"


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def parse(source):
    """The module's AST and None, or None and {line, message}: anything ast.parse raises becomes an error."""
    try:
        return ast.parse(source), None
    except SyntaxError as error:
        return None, {"kind": "invalid", "line": error.lineno, "message": f"{type(error).__name__}: {error.msg}"}
    except RecursionError:
        return None, {"kind": "invalid", "line": None, "message": "RecursionError: the code is nested too deeply to parse"}
    except MemoryError:
        return None, {"kind": "invalid", "line": None, "message": "MemoryError: the code is too large or nested too deeply to parse"}
    except Exception as error:  # ValueError (null bytes before 3.11.4), UnicodeEncodeError (lone surrogates), ...
        return None, {"kind": "invalid", "line": None, "message": f"{type(error).__name__}: {error}"}


# ---------------------------------------------------------------------------------------------------------------------
# Small static evaluation


def dotted(node):
    """`a.b.c` as "a.b.c", else None; iterative, so a 3000-link chain costs no recursion."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def constant_string(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def truth(node, depth=0):
    """True/False when the expression's truth value is fixed whatever the names in it mean, else None."""
    if depth > EXPRESSION_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        try:
            return bool(node.value)
        except Exception:
            return None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts) > 0
    if isinstance(node, ast.Dict):
        return len(node.keys) > 0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = truth(node.operand, depth + 1)
        return None if inner is None else not inner
    if isinstance(node, ast.BoolOp):
        values = [truth(value, depth + 1) for value in node.values]
        if isinstance(node.op, ast.Or):
            # `x or True` is x when x is truthy and True otherwise: truthy either way.
            if any(value is True for value in values):
                return True
            return False if all(value is False for value in values) else None
        if any(value is False for value in values):
            return False
        return True if all(value is True for value in values) else None
    if isinstance(node, ast.IfExp):
        body, orelse = truth(node.body, depth + 1), truth(node.orelse, depth + 1)
        return body if body is not None and body == orelse else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "bool" and len(node.args) == 1 and not node.keywords:
        return truth(node.args[0], depth + 1)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right = node.left, node.comparators[0]
        same_name = isinstance(left, ast.Name) and isinstance(right, ast.Name) and left.id == right.id
        if same_name and isinstance(node.ops[0], ast.Is):
            return True
        if same_name and isinstance(node.ops[0], ast.IsNot):
            return False
        if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
            try:
                return bool({ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}[type(node.ops[0])](left.value, right.value))
            except Exception:
                return None
    return None


def is_main_guard(node):
    """`if __name__ == "__main__":`, either way round."""
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side for side in sides if isinstance(side, ast.Name) and side.id == "__name__"]
    strings = [side for side in sides if constant_string(side) == "__main__"]
    return len(names) == 1 and len(strings) == 1


def run_at_import(body):
    """The statements of a module or class body that run when it is executed, in order: compound statements are
    entered (both branches of an unknown `if`), `if __name__ == "__main__":` and constant-false branches are not."""
    for statement in body:
        if isinstance(statement, ast.If):
            if is_main_guard(statement):
                yield from run_at_import(statement.orelse)
                continue
            known = truth(statement.test)
            if known is not False:
                yield from run_at_import(statement.body)
            if known is not True:
                yield from run_at_import(statement.orelse)
            continue
        yield statement
        if isinstance(statement, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield from run_at_import(statement.body)
            for handler in statement.handlers:
                yield from run_at_import(handler.body)
            yield from run_at_import(statement.orelse)
            yield from run_at_import(statement.finalbody)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            yield from run_at_import(statement.body)
        elif isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
            yield from run_at_import(statement.body)
            yield from run_at_import(statement.orelse)
        elif isinstance(statement, getattr(ast, "Match", ())):
            for case in statement.cases:
                yield from run_at_import(case.body)


def target_names(target, names):
    """Names bound by an assignment target (a, (b, *c), [d])."""
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack.extend(reversed(node.elts))
        elif isinstance(node, ast.Starred):
            stack.append(node.value)
    return names


def bindings(statement):
    """(kind, name, payload) for each name a statement binds in its scope; kind: def, class, alias, import, other,
    del. Compound statements bind only their own targets here; run_at_import yields the statements inside them."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [("def", statement.name, statement)]
    if isinstance(statement, ast.ClassDef):
        return [("class", statement.name, statement)]
    if isinstance(statement, ast.Assign):
        found = []
        for target in statement.targets:
            if isinstance(target, ast.Name) and isinstance(statement.value, ast.Name):
                found.append(("alias", target.id, statement.value.id))
            else:
                found.extend(("other", name, statement) for name in target_names(target, []))
        return found
    if isinstance(statement, ast.AnnAssign):
        if statement.value is None or not isinstance(statement.target, ast.Name):
            return []
        if isinstance(statement.value, ast.Name):
            return [("alias", statement.target.id, statement.value.id)]
        return [("other", statement.target.id, statement)]
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        return [("other", statement.target.id, statement)]
    if isinstance(statement, ast.Import):
        return [("import", alias.asname or alias.name.split(".")[0], statement) for alias in statement.names]
    if isinstance(statement, ast.ImportFrom):
        return [("import", alias.asname or alias.name, statement) for alias in statement.names if alias.name != "*"]
    if isinstance(statement, ast.Delete):
        return [("del", name, statement) for target in statement.targets for name in target_names(target, [])]
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        return [("other", name, statement) for name in target_names(statement.target, [])]
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return [("other", name, statement) for item in statement.items if item.optional_vars is not None for name in target_names(item.optional_vars, [])]
    return []


# ---------------------------------------------------------------------------------------------------------------------
# Tests: what pytest would collect


class Binding:
    """What a name refers to after a body ran: a function, a class, or anything else (`value`)."""

    __slots__ = ("kind", "node", "info")

    def __init__(self, kind, node=None, info=None):
        self.kind = kind  # def, class, value
        self.node = node
        self.info = info


VALUE = Binding("value")


class ClassInfo:
    __slots__ = ("name", "bases", "namespace", "unittest_base", "_mro", "_unittest")

    def __init__(self, name):
        self.name = name
        self.bases = []  # ClassInfo of bases defined in this file
        self.namespace = {}
        self.unittest_base = False  # a base spelled TestCase / unittest.TestCase / ...IsolatedAsyncioTestCase
        self._mro = None
        self._unittest = None

    def mro(self):
        if self._mro is None:
            self._mro = [self] + linearize([base.mro() for base in self.bases] + [list(self.bases)])
        return self._mro

    def lookup(self, name):
        for klass in self.mro():
            if name in klass.namespace:
                return klass.namespace[name]
        return None

    def is_unittest(self):
        if self._unittest is None:
            self._unittest = self.unittest_base or any(base.is_unittest() for base in self.bases)
        return self._unittest

    def collectable(self):
        marker = self.lookup("__test__")
        return not (marker is not None and marker.kind == "value" and getattr(marker, "node", None) is False)


def linearize(sequences):
    """C3 linearization; an inconsistent hierarchy (a TypeError in Python) falls back to depth-first order."""
    sequences = [list(sequence) for sequence in sequences if sequence]
    result = []
    while sequences:
        for sequence in sequences:
            head = sequence[0]
            if not any(head in other[1:] for other in sequences):
                break
        else:
            seen = set(map(id, result))
            for sequence in sequences:
                for klass in sequence:
                    if id(klass) not in seen:
                        seen.add(id(klass))
                        result.append(klass)
            return result
        result.append(head)
        sequences = [[klass for klass in sequence if klass is not head] for sequence in sequences]
        sequences = [sequence for sequence in sequences if sequence]
    return result


UNITTEST_BASES = {"TestCase", "IsolatedAsyncioTestCase"}
NOT_COLLECTED_DECORATORS = {"fixture", "property", "cached_property"}


def execute_body(body, scopes):
    """The namespace a module or class body leaves behind, following Python's rebinding semantics; `scopes` are the
    enclosing namespaces a class statement's bases are looked up in (innermost first)."""
    namespace = {}
    chain = [namespace] + scopes
    for statement in run_at_import(body):
        for kind, name, payload in bindings(statement):
            if kind == "def":
                decorators = {(dotted(decorator.func if isinstance(decorator, ast.Call) else decorator) or "").split(".")[-1] for decorator in payload.decorator_list}
                namespace[name] = VALUE if decorators & NOT_COLLECTED_DECORATORS else Binding("def", payload)
            elif kind == "class":
                namespace[name] = Binding("class", payload, define_class(payload, chain))
            elif kind == "alias":
                namespace[name] = resolve(payload, chain) or VALUE
            elif kind == "del":
                namespace.pop(name, None)
            elif kind == "import":
                namespace[name] = Binding("value", info=import_origin(payload, name))
            else:
                namespace[name] = VALUE
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id == "__test__" and truth(statement.value) is False:
                marker = Binding("value")
                marker.node = False
                namespace["__test__"] = marker
            elif isinstance(target, ast.Attribute) and target.attr == "__test__" and isinstance(target.value, ast.Name) and truth(statement.value) is False:
                # `test_x.__test__ = False` (or on a class): pytest then skips that object.
                if target.value.id in namespace:
                    namespace[target.value.id] = VALUE
    return namespace


def import_origin(statement, name):
    """"unittest.TestCase" for `from unittest import TestCase as TC` and name "TC"."""
    for alias in statement.names:
        if isinstance(statement, ast.ImportFrom) and (alias.asname or alias.name) == name:
            return f"{statement.module}.{alias.name}"
        if isinstance(statement, ast.Import) and (alias.asname or alias.name.split(".")[0]) == name:
            return alias.name if alias.asname else name
    return None


def resolve(name, chain):
    for namespace in chain:
        if name in namespace:
            return namespace[name]
    return None


def define_class(node, chain):
    info = ClassInfo(node.name)
    for base in node.bases:
        name = dotted(base)
        if name is None:
            continue
        head, _, rest = name.partition(".")
        found = resolve(head, chain)
        if found is not None and found.kind == "class" and not rest:
            info.bases.append(found.info)
            continue
        origin = found.info if found is not None and found.kind == "value" and isinstance(found.info, str) else head
        if f"{origin}.{rest}".rstrip(".").split(".")[-1] in UNITTEST_BASES:
            info.unittest_base = True
    # Nested class bases see the enclosing class body, and names resolve in it first.
    info.namespace = execute_body(node.body, chain)
    return info


def class_items(info, prefix, items, depth=0):
    if depth > 50 or not info.collectable():
        return
    seen = set()
    for klass in info.mro():
        for name in klass.namespace:
            if name in seen:
                continue
            seen.add(name)
            binding = info.lookup(name)
            if binding.kind == "def" and name.startswith("test"):
                items.add(f"{prefix}::{name}")
            elif binding.kind == "class" and not info.is_unittest():
                collect_class(binding.info, name, prefix, items, depth + 1)


def collect_class(info, name, prefix, items, depth=0):
    """pytest's rules: a unittest.TestCase subclass under any name; else a `Test*` name without __init__/__new__."""
    path = f"{prefix}::{name}" if prefix else name
    if info.is_unittest():
        class_items(info, path, items, depth)
    elif name.startswith("Test") and info.lookup("__init__") is None and info.lookup("__new__") is None:
        class_items(info, path, items, depth)


def inspect_tests(source):
    tree, error = parse(source)
    result = {"ok": tree is not None, "expected": [], "importsFromSolution": [], "importsStar": False, "importsSolution": False, "hasFuture": False, "futureEndLine": 0}
    if tree is None:
        result["error"] = error
        return result, None
    namespace = execute_body(tree.body, [])
    items = set()
    for name, binding in namespace.items():
        if binding.kind == "def" and name.startswith("test"):
            items.add(name)
        elif binding.kind == "class":
            collect_class(binding.info, name, "", items)
    result["expected"] = sorted(items)

    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (node.module == SOLUTION_MODULE or node.module.startswith(SOLUTION_MODULE + ".")):
            result["importsSolution"] = True
            for alias in node.names:
                if alias.name == "*":
                    result["importsStar"] = result["importsStar"] or node.module == SOLUTION_MODULE
                elif node.module == SOLUTION_MODULE:
                    imported.add(alias.name)
        elif isinstance(node, ast.Import) and any(alias.name == SOLUTION_MODULE or alias.name.startswith(SOLUTION_MODULE + ".") for alias in node.names):
            result["importsSolution"] = True
        elif isinstance(node, ast.Call) and node.args and constant_string(node.args[0]) == SOLUTION_MODULE and dotted(node.func) in ("__import__", "importlib.import_module", "import_module"):
            result["importsSolution"] = True
    result["importsFromSolution"] = sorted(imported)

    statements = tree.body
    index = 0
    if statements and isinstance(statements[0], ast.Expr) and constant_string(statements[0].value) is not None:
        result["futureEndLine"] = statements[0].end_lineno
        index = 1
    while index < len(statements) and isinstance(statements[index], ast.ImportFrom) and statements[index].module == "__future__":
        result["hasFuture"] = True
        result["futureEndLine"] = statements[index].end_lineno
        index += 1
    return result, tree


# ---------------------------------------------------------------------------------------------------------------------
# Solution: top-level names and the prescreen

# Calls that end the test process (or raise SystemExit) from inside it. `soft` ones (SystemExit) are also allowed in
# functions reachable only from the __main__ block, since importing the module never runs them.
HARD_EXITS = {"os._exit", "posix._exit", "nt._exit", "os.abort", "posix.abort", "os.kill", "os.killpg", "posix.kill", "posix.killpg", "signal.pthread_kill", "signal.raise_signal"}
SOFT_EXITS = {"sys.exit", "_thread.exit"}
EXEC_MODULES = {"subprocess", "pty", "_posixsubprocess", "asyncio.subprocess"}
EXEC_PREFIXES = ("exec", "spawn", "posix_spawn")
EXEC_NAMES = {"fork", "forkpty", "system", "popen", "startfile"}
EXEC_CALLS = {"asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"}
TEST_FRAMEWORK_MODULES = {"pytest", "_pytest", "pluggy", "py"}
INTROSPECTION_MODULES = {"gc", "ctypes", "_ctypes", "cffi"}
INTROSPECTION_CALLS = {
    "sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile", "sys.addaudithook", "sys.monitoring",
    "threading.settrace", "threading.setprofile", "threading.settrace_all_threads", "threading.setprofile_all_threads",
    "inspect.currentframe", "inspect.stack", "inspect.getouterframes", "inspect.getinnerframes", "inspect.trace",
    "traceback.walk_stack", "importlib.reload", "imp.reload",
}
FRAME_ATTRIBUTES = {"f_back", "f_globals", "f_locals", "f_builtins", "tb_frame", "gi_frame", "cr_frame", "ag_frame", "__subclasses__"}
SYSTEM_HOOKS = {"excepthook", "displayhook", "unraisablehook", "breakpointhook"}
PROTECTED_NAMES = {"AssertionError", "Exception", "BaseException"}
MUTATORS = {"update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"}
TAMPER_WORDS = ("conftest", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", "sitecustomize", "usercustomize", ".pth", "test_solution", "__pycache__", ".pyc")
WRITE_FUNCTIONS = {
    "os.remove", "os.unlink", "os.rename", "os.renames", "os.replace", "os.rmdir", "os.removedirs", "os.mkdir", "os.makedirs",
    "os.chmod", "os.chown", "os.truncate", "os.symlink", "os.link", "os.utime", "os.open", "os.mkfifo",
}
WRITE_METHODS = {"write_text", "write_bytes", "unlink", "rename", "replace", "touch", "rmdir", "chmod", "symlink_to", "hardlink_to", "mkdir"}
DYNAMIC_ACCESS = {"globals", "vars", "locals", "eval", "exec", "compile", "getattr", "__import__", "import_module"}
BUILTIN_NAMES = set(dir(__builtins__)) if not isinstance(__builtins__, dict) else set(__builtins__)


class Screen:
    """One pass over a parsed solution collecting, per rule, the first line where it fires."""

    def __init__(self, tree, tests_tree, tests_result):
        self.tree = tree
        self.findings = {}
        self.aliases = {}  # local name -> dotted origin ("e" -> "os._exit", "o" -> "os")
        self.star_modules = set()
        self.rebound = set()  # names given another meaning somewhere (a parameter, def, class or assignment)
        self.tests_tree = tests_tree
        self.tests_result = tests_result or {}
        self.top_level = {}  # id of a function defined at module level -> its node
        for statement in run_at_import(tree.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.top_level[id(statement)] = statement
        self.entries = self.flatten()
        self.scan_names()

    def fire(self, rule, line, detail):
        line = line or 0
        if rule not in self.findings or line < self.findings[rule][0]:
            self.findings[rule] = (line, detail)

    def result(self):
        return [{"rule": rule, "line": line, "detail": detail} for rule, (line, detail) in sorted(self.findings.items(), key=lambda item: (item[1][0], item[0]))]

    def flatten(self):
        """Every node once, parents before children, as (node, inside a __main__ block, top-level function whose body
        holds it or None): one traversal that all checks share."""
        entries = []
        stack = [(node, False, None) for node in reversed(self.tree.body)]
        while stack:
            node, guarded, owner = stack.pop()
            entries.append((node, guarded, owner))
            if isinstance(node, ast.If) and is_main_guard(node):
                children = [(node.test, guarded, owner)] + [(child, True, owner) for child in node.body] + [(child, guarded, owner) for child in node.orelse]
            elif owner is None and id(node) in self.top_level:
                body = set(map(id, node.body))
                children = [(child, guarded, node if id(child) in body else None) for child in ast.iter_child_nodes(node)]
            else:
                children = [(child, guarded, owner) for child in ast.iter_child_nodes(node)]
            stack.extend(reversed(children))
        return entries

    def scan_names(self):
        kept = set()
        for node, _, _ in self.entries:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name == "*":
                        self.star_modules.add(node.module)
                    else:
                        self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.rebound.add(node.id)
            elif isinstance(node, ast.arg):
                self.rebound.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.rebound.add(node.name)
            # `exit = exit` keeps the builtin: only a binding to something else makes the bare name ordinary.
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in ("exit", "quit"):
                if all(isinstance(target, ast.Name) and target.id == node.value.id for target in node.targets):
                    kept.add(node.value.id)
        self.rebound -= kept

    def builtin(self, name):
        return name not in self.rebound and name not in self.aliases

    def qualify(self, node):
        """The dotted origin of an expression through import aliases, `__import__("m")`, `importlib.import_module`,
        `getattr(x, "name")` and `sys.modules["m"]`, else None. Iterative over attribute chains."""
        parts = []
        while True:
            if isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
                continue
            if isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.func, ast.Name) and node.func.id == "getattr" and self.builtin("getattr") and constant_string(node.args[1]) is not None:
                parts.append(node.args[1].value)
                node = node.args[0]
                continue
            break
        base = None
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.aliases:
                base = self.aliases[name]
            elif name not in self.rebound:
                base = next((f"{module}.{name}" for module in sorted(self.star_modules) if self.dangerous(f"{module}.{name}")), name)
            else:
                base = None
        # One level only, and only into plain dotted names: `x["a"]["a"]...` 3000 deep must not recurse.
        elif isinstance(node, ast.Call) and node.args and constant_string(node.args[0]) is not None and dotted(node.func) is not None:
            if self.qualify(node.func) in ("__import__", "importlib.import_module"):
                base = node.args[0].value
        elif isinstance(node, ast.Subscript) and constant_string(node.slice) is not None and dotted(node.value) is not None and self.qualify(node.value) == "sys.modules":
            base = node.slice.value
        if base is None:
            return None
        return ".".join([base] + list(reversed(parts)))

    def dangerous(self, name):
        return self.reference_rule(name) is not None

    @staticmethod
    def module_rule(module):
        """The rule an import of `module` (or a submodule) fires, if any."""
        top = module.split(".")[0]
        if module in EXEC_MODULES or top in ("subprocess", "pty", "_posixsubprocess"):
            return "exec-process"
        if top == "atexit":
            return "atexit"
        if top in TEST_FRAMEWORK_MODULES:
            return "test-framework"
        if top in INTROSPECTION_MODULES:
            return "introspection"
        return None

    def reference_rule(self, name):
        """The rule a reference to dotted `name` fires (the exits are handled apart: they have exemptions)."""
        module, _, attribute = name.rpartition(".")
        if module in ("os", "posix", "nt") and (attribute.startswith(EXEC_PREFIXES) or attribute in EXEC_NAMES):
            return "exec-process"
        if name in EXEC_CALLS:
            return "exec-process"
        if name in INTROSPECTION_CALLS or name.startswith("sys.monitoring."):
            return "introspection"
        if name in HARD_EXITS or name in SOFT_EXITS:
            return "process-exit"
        return self.module_rule(name)

    def main_only_functions(self):
        """Top-level functions referenced only from the __main__ block (or from other such functions): importing the
        module never calls them. None of them when the module reaches names dynamically (globals(), getattr, ...)."""
        if not self.top_level:
            return set()
        by_name = {node.name: node for node in self.top_level.values()}
        explicit = set(self.tests_result.get("importsFromSolution", []))
        owners = {name: set() for name in by_name}
        for node, guarded, owner in self.entries:
            if isinstance(node, ast.Name) and node.id in DYNAMIC_ACCESS:
                return set()
            if isinstance(node, ast.Attribute) and node.attr in ("__dict__", "modules", "import_module"):
                return set()
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in owners:
                owners[node.id].add(MAIN_GUARD if guarded else owner.name if owner is not None else None)
        main_only = {name for name, refs in owners.items() if refs and name not in explicit and None not in refs}
        changed = True
        while changed:
            changed = False
            for name in list(main_only):
                if any(owner != MAIN_GUARD and owner != name and owner not in main_only for owner in owners[name]):
                    main_only.discard(name)
                    changed = True
        return {id(by_name[name]) for name in main_only}

    def run(self):
        main_only = self.main_only_functions()
        self.check_module_level()
        self.inner = set()  # links inside an attribute chain already checked from its outermost link
        for node, guarded, owner in self.entries:
            self.visit(node, guarded, owner is not None and id(owner) in main_only)
        return self.result()

    def visit(self, node, guarded, main_only):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                rule = self.module_rule(alias.name)
                if rule:
                    self.fire(rule, line, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            rule = self.module_rule(node.module)
            if rule:
                self.fire(rule, line, f"from {node.module} import ...")
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                rule = self.reference_rule(name)
                if rule and rule != "process-exit":
                    self.fire(rule, line, f"from {node.module} import {alias.name}")
        elif isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Load):
            self.visit_reference(node, line, guarded, main_only)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            exception = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exception, ast.Name) and exception.id == "SystemExit" and self.builtin("SystemExit") and not guarded and not main_only:
                self.fire("process-exit", line, "raise SystemExit outside the __main__ block")
        elif isinstance(node, ast.Call):
            self.visit_call(node, line, guarded, main_only)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                self.visit_target(target, node, line)
        elif isinstance(node, ast.NamedExpr):
            self.visit_target(node.target, node, line)
        elif isinstance(node, ast.ClassDef):
            self.check_class(node)
        if isinstance(node, ast.Attribute) and node.attr == "_pytest":
            self.fire("test-framework", line, "attribute _pytest")
        if isinstance(node, ast.Attribute) and node.attr in FRAME_ATTRIBUTES:
            self.fire("introspection", line, f"attribute {node.attr}")

    def visit_reference(self, node, line, guarded, main_only):
        if id(node) in self.inner:
            return
        link = node
        while isinstance(link, ast.Attribute):
            link = link.value
            self.inner.add(id(link))
        full = self.qualify(node)
        if full is None:
            return
        # Every prefix of `a.b.c.d` that could be a rule's name (they have at most three parts), checked once.
        parts = full.split(".")
        for count in range(1, min(len(parts), 4) + 1):
            self.check_reference(".".join(parts[:count]), line, guarded, main_only)
        if len(parts) > 4:
            self.check_reference(full, line, guarded, main_only)

    def check_reference(self, name, line, guarded, main_only):
        if name in ("exit", "quit"):
            return  # bare builtins: only their calls count, see visit_call
        if name in HARD_EXITS and not guarded:
            self.fire("process-exit", line, f"{name} outside the __main__ block")
        elif name in SOFT_EXITS and not guarded and not main_only:
            self.fire("process-exit", line, f"{name} outside the __main__ block")
        elif name == "sys.modules" or name.startswith("sys.modules."):
            self.fire("introspection", line, "sys.modules")
        else:
            rule = self.reference_rule(name)
            if rule and rule != "process-exit":
                self.fire(rule, line, name)

    def visit_call(self, node, line, guarded, main_only):
        function = self.qualify(node.func)
        if isinstance(node.func, ast.Name) and node.func.id in ("exit", "quit") and self.builtin(node.func.id) and not guarded and not main_only:
            self.fire("process-exit", line, f"{node.func.id}() outside the __main__ block")
        if function in ("__import__", "importlib.import_module", "sys.modules.get") and node.args:
            module = constant_string(node.args[0])
            rule = self.module_rule(module) if module else None
            if rule:
                self.fire(rule, line, f"{function}({module!r})")
        if isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") and self.builtin(node.func.id) and node.args:
            owner = self.qualify(node.args[0])
            attribute = constant_string(node.args[1]) if len(node.args) > 1 else None
            if owner in ("builtins", "__builtins__"):
                self.fire("builtins-patch", line, f"{node.func.id}({owner}, ...)")
            elif owner == "sys" and attribute in SYSTEM_HOOKS:
                self.fire("builtins-patch", line, f"{node.func.id}(sys, {attribute!r})")
            elif owner == "sys" and attribute == "modules":
                self.fire("introspection", line, "setattr(sys, 'modules')")
            elif attribute in ("__eq__", "__ne__") and node.args[2:] and isinstance(node.args[2], ast.Lambda):
                self.check_equality_function(attribute, node.args[2], line)
        if isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            receiver = self.builtins_dict(node.func.value)
            if receiver:
                self.fire("builtins-patch", line, f"{receiver}.{node.func.attr}(...)")
        if function is not None:
            self.check_file_call(node, function, line)
        if isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS | {"open", "read_text", "read_bytes"}:
            word = tamper_word(node.func.value)
            if word:
                self.fire("file-tamper", line, f".{node.func.attr}() on a path naming {word}")
            elif node.func.attr not in ("read_text", "read_bytes") and mentions_file(node.func.value) and (node.func.attr != "open" or writes(node, 0)):
                self.fire("file-tamper", line, f".{node.func.attr}() on a path built from __file__")

    def builtins_dict(self, node):
        """"__builtins__" or "builtins.__dict__" when `node` is the builtins namespace (as a dict or a module)."""
        name = self.qualify(node)
        if name in ("__builtins__", "builtins.__dict__", "__builtins__.__dict__"):
            return name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars" and node.args and self.qualify(node.args[0]) in ("builtins", "__builtins__"):
            return "vars(builtins)"
        return None

    def visit_target(self, target, node, line):
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.visit_target(element.value if isinstance(element, ast.Starred) else element, node, line)
            return
        if isinstance(target, ast.Name) and target.id in ("__import__", "__builtins__"):
            self.fire("builtins-patch", line, f"rebinds {target.id}")
        elif isinstance(target, ast.Attribute):
            owner = self.qualify(target.value)
            if owner in ("builtins", "__builtins__"):
                self.fire("builtins-patch", line, f"assigns {owner}.{target.attr}")
            elif owner == "sys" and target.attr in SYSTEM_HOOKS:
                self.fire("builtins-patch", line, f"assigns sys.{target.attr}")
            elif owner == "sys" and target.attr == "modules":
                self.fire("introspection", line, "assigns sys.modules")
            elif target.attr in ("__eq__", "__ne__") and isinstance(getattr(node, "value", None), (ast.Lambda, ast.Name)):
                self.check_equality_function(target.attr, node.value, line)
        elif isinstance(target, ast.Subscript):
            receiver = self.builtins_dict(target.value)
            if receiver:
                self.fire("builtins-patch", line, f"assigns {receiver}[...]")
            elif self.qualify(target.value) == "sys.modules":
                self.fire("introspection", line, "changes sys.modules[...]")

    def check_file_call(self, node, function, line):
        module = function.split(".")[0]
        if not (function in ("open", "io.open", "builtins.open", "codecs.open") or module in ("os", "shutil", "pathlib")):
            return
        if function == "open" and not self.builtin("open"):
            return
        for argument in list(node.args) + [keyword.value for keyword in node.keywords]:
            word = tamper_word(argument)
            if word:
                self.fire("file-tamper", line, f"{function}(...) with a path naming {word}")
                return
        if function in ("open", "io.open", "builtins.open", "codecs.open"):
            if node.args and mentions_file(node.args[0]) and writes(node, 1):
                self.fire("file-tamper", line, "open(..., 'w') on a path built from __file__")
        elif function in WRITE_FUNCTIONS or (module == "shutil" and function not in ("shutil.which", "shutil.disk_usage", "shutil.get_terminal_size")):
            if any(mentions_file(argument) for argument in node.args):
                self.fire("file-tamper", line, f"{function}(...) on a path built from __file__")

    def check_module_level(self):
        for statement in run_at_import(self.tree.body):
            for kind, name, payload in bindings(statement):
                if kind != "del" and name in PROTECTED_NAMES:
                    self.fire("builtins-patch", statement.lineno, f"rebinds {name} at module level")
        self.check_star_shadow()

    def check_star_shadow(self):
        """`from solution import *` in the tests brings the solution's public names into the test module: a builtin
        or a name the tests imported before it (sorted, len, pytest, ...) would then be the solution's."""
        tests = self.tests_tree
        if tests is None or not self.tests_result.get("importsStar"):
            return
        exported = {}
        for statement in run_at_import(self.tree.body):
            for kind, name, payload in bindings(statement):
                if kind == "del":
                    exported.pop(name, None)
                else:
                    exported[name] = (kind, payload, statement)
        public = exported_names(self.tree, exported)
        # The tests' own module-level bindings around the star import: a later one wins over the solution's.
        before, after, star_seen = {}, set(), False
        for statement in run_at_import(tests.body):
            if isinstance(statement, ast.ImportFrom) and statement.module == SOLUTION_MODULE and any(alias.name == "*" for alias in statement.names):
                star_seen = True
                after.clear()
                continue
            for kind, name, payload in bindings(statement):
                if star_seen:
                    after.add(name)
                else:
                    before[name] = statement
        used = {node.id for node in ast.walk(tests) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        for name in sorted(public):
            if name in after or name not in used:
                continue
            kind, payload, statement = exported[name]
            if name in before:
                if kind == "import" and same_import(statement, before[name], name):
                    continue
                self.fire("star-shadow", statement.lineno, f"defines {name}, which `from solution import *` puts over the tests' own {name}")
            elif name in BUILTIN_NAMES and not name.startswith("_"):
                self.fire("star-shadow", statement.lineno, f"defines {name}, which `from solution import *` puts over the builtin the tests use")

    def check_class(self, node):
        builtin_base = any(isinstance(base, ast.Name) and base.id in BUILTIN_NAMES for base in node.bases)
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in ("__eq__", "__ne__", "__contains__"):
                self.check_equality_function(statement.name, statement, statement.lineno, node.name, builtin_base)
            elif isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.Lambda, ast.Name)):
                for target in statement.targets:
                    if isinstance(target, ast.Name) and target.id in ("__eq__", "__ne__", "__contains__"):
                        self.check_equality_function(target.id, statement.value, statement.lineno, node.name, builtin_base)

    def check_equality_function(self, dunder, function, line, class_name=None, builtin_base=False):
        if isinstance(function, ast.Name):
            function = module_function(self.tree, function.id)
            if function is None:
                return
        constant = constant_result(function)
        wanted = dunder != "__ne__"
        if constant is wanted:
            where = f"class {class_name}" if class_name else "an assignment"
            base = " (a builtin subclass)" if builtin_base else ""
            self.fire("always-equal", line, f"{dunder} in {where}{base} always returns {constant}")


def module_function(tree, name):
    """The last module-level `def name` or `name = lambda ...`, if any."""
    found = None
    for statement in run_at_import(tree.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            found = statement
        elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Lambda) and any(isinstance(target, ast.Name) and target.id == name for target in statement.targets):
            found = statement.value
    return found


def exported_names(tree, exported):
    """What `from solution import *` takes: a literal `__all__`, else the names without a leading underscore."""
    names = None
    for statement in run_at_import(tree.body):
        if isinstance(statement, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "__all__" for target in statement.targets):
            if isinstance(statement.value, (ast.List, ast.Tuple)) and all(constant_string(element) is not None for element in statement.value.elts):
                names = {element.value for element in statement.value.elts}
            else:
                names = None
    if names is not None:
        return names & set(exported)
    return {name for name in exported if not name.startswith("_")}


def same_import(solution_statement, tests_statement, name):
    """Both sides bind `name` by the same import (`from typing import List` twice): the same object, no shadow."""
    def origin(statement):
        if isinstance(statement, ast.ImportFrom):
            return next(((statement.module, alias.name) for alias in statement.names if (alias.asname or alias.name) == name), None)
        if isinstance(statement, ast.Import):
            return next(((alias.name, None) for alias in statement.names if (alias.asname or alias.name.split(".")[0]) == name), None)
        return None
    found = origin(solution_statement)
    return found is not None and found == origin(tests_statement)


def constant_result(function):
    """The truth value every call of `function` returns when that is fixed (all returns constant, no fall-through)."""
    if isinstance(function, ast.Lambda):
        return truth(function.body)
    body = function.body
    if not body or not isinstance(body[-1], ast.Return):
        return None
    values = set()
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            values.add(truth(node.value) if node.value is not None else False)
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            return None
        stack.extend(ast.iter_child_nodes(node))
    return values.pop() if len(values) == 1 else None


def mentions_file(node):
    return any(isinstance(child, ast.Name) and child.id == "__file__" for child in ast.walk(node))


def writes(call, mode_index):
    """Whether an open-like call has a mode that writes ('w', 'a', 'x' or '+')."""
    mode = call.args[mode_index] if len(call.args) > mode_index else next((keyword.value for keyword in call.keywords if keyword.arg == "mode"), None)
    text = constant_string(mode) if mode is not None else None
    return text is not None and any(letter in text for letter in "wax+")


def tamper_word(node):
    """The first file name of the test setup (conftest, pytest.ini, a .pyc, ...) in string literals under `node`."""
    for child in ast.walk(node):
        text = constant_string(child)
        if text is None:
            continue
        lowered = text.lower()
        for word in TAMPER_WORDS:
            if word in lowered:
                return word
    return None


def scan_tokens(source):
    """The prescreen of a solution this Python cannot parse (it may parse in the sandbox's): dotted names and imports
    read from tokens, without aliases. Each finding says so."""
    screen_rules = {}
    chains = []
    try:
        current, line, expect_name = [], 0, True
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NAME and expect_name:
                if not current:
                    line = token.start[0]
                current.append(token.string)
                expect_name = False
            elif token.type == tokenize.OP and token.string == "." and current and not expect_name:
                expect_name = True
            else:
                if current:
                    chains.append((line, current))
                current, expect_name = [], True
                if token.type == tokenize.NAME:
                    current, line, expect_name = [token.string], token.start[0], False
        if current:
            chains.append((line, current))
    except Exception:  # tokenize.TokenError, IndentationError, ...: keep the chains read so far
        pass

    def fire(rule, line, detail):
        if rule not in screen_rules or line < screen_rules[rule][0]:
            screen_rules[rule] = (line, f"{detail} (token scan: the solution does not parse on the host's Python)")

    for index, (line, chain) in enumerate(chains):
        name = ".".join(chain)
        if chain[0] in ("import", "from") and index + 1 < len(chains):
            module = ".".join(chains[index + 1][1])
            rule = Screen.module_rule(module)
            if rule:
                fire(rule, line, f"import {module}")
            continue
        if name in HARD_EXITS:
            fire("process-exit", line, name)
        elif name.split(".")[0] in ("subprocess", "pty") or (chain[0] == "os" and len(chain) == 2 and (chain[1].startswith(EXEC_PREFIXES) or chain[1] in EXEC_NAMES)):
            fire("exec-process", line, name)
        elif chain[0] == "atexit":
            fire("atexit", line, name)
        elif name in INTROSPECTION_CALLS or chain[-1] in FRAME_ATTRIBUTES:
            fire("introspection", line, name)
        elif chain[0] in ("builtins", "__builtins__") and len(chain) > 1:
            fire("builtins-patch", line, name)
        elif chain[-1] == "_pytest":
            fire("test-framework", line, name)
    return [{"rule": rule, "line": line, "detail": detail} for rule, (line, detail) in sorted(screen_rules.items(), key=lambda item: (item[1][0], item[0]))]


def inspect_solution(source, tests_tree, tests_result):
    tree, error = parse(source)
    if tree is None:
        return {"ok": False, "error": error, "defines": [], "imported": [], "prescreen": scan_tokens(source) if isinstance(source, str) else []}
    names = {}
    for statement in run_at_import(tree.body):
        for kind, name, payload in bindings(statement):
            if kind == "del":
                names.pop(name, None)
            else:
                names[name] = kind
    defines = sorted(name for name, kind in names.items() if kind != "import")
    imported = sorted(name for name, kind in names.items() if kind == "import")
    return {"ok": True, "defines": defines, "imported": imported, "prescreen": Screen(tree, tests_tree, tests_result).run()}


# ---------------------------------------------------------------------------------------------------------------------
# The loop


def failed(message):
    error = {"kind": "uninspected", "line": None, "message": message}
    return (
        {"ok": False, "error": error, "expected": [], "importsFromSolution": [], "importsStar": False, "importsSolution": False, "hasFuture": False, "futureEndLine": 0},
        {"ok": False, "error": error, "defines": [], "imported": [], "prescreen": []},
    )


def answer(line):
    request_id = None
    try:
        request = json.loads(line)
        request_id = request.get("id") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not isinstance(request.get("tests"), str) or not isinstance(request.get("solution"), str):
            tests, solution = failed("the request is not {id, tests: string, solution: string}")
            return {"id": request_id, "tests": tests, "solution": solution}
        if TEST_HOOKS:
            test_hook(request)
        tests, tests_tree = inspect_tests(request["tests"])
        try:
            solution = inspect_solution(request["solution"], tests_tree, tests)
        except (RecursionError, MemoryError) as error:
            solution = failed(f"{type(error).__name__} while inspecting the solution")[1]
        return {"id": request_id, "tests": tests, "solution": solution}
    except BaseException as error:  # anything at all: each line gets its answer
        if isinstance(error, KeyboardInterrupt):
            raise
        tests, solution = failed(f"{type(error).__name__} while inspecting: {str(error)[:200]}")
        return {"id": request_id, "tests": tests, "solution": solution}


def test_hook(request):
    """Misbehaviour on purpose, only with VERIDATA_INSPECT_TEST_HOOKS=1, so the client's guards can be tested: a test
    file whose first line is `#test-hooks {"sleep": seconds, "exit": code, "garbage": true}`."""
    first = request["tests"].split("\n", 1)[0]
    if not first.startswith("#test-hooks "):
        return
    hooks = json.loads(first[len("#test-hooks "):])
    if "sleep" in hooks:
        import time

        time.sleep(float(hooks["sleep"]))
    if "exit" in hooks:
        sys.stdout.flush()
        os._exit(int(hooks["exit"]))
    if hooks.get("garbage"):
        sys.stdout.write("not json\n")
        sys.stdout.flush()


def main():
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        reply = answer(line)
        try:
            emit(reply)
        except (ValueError, TypeError, MemoryError, RecursionError) as error:
            tests, solution = failed(f"{type(error).__name__} while writing the answer")
            emit({"id": reply.get("id") if isinstance(reply.get("id"), (int, str)) else None, "tests": tests, "solution": solution})


if __name__ == "__main__":
    main()
