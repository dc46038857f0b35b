"""veridata's SymPy checker: a persistent worker that decides whether two answers are equal, the way SymPy-based
math checkers do, for parity reports against veridata's built-in checker.

Protocol (one JSON object per line; see sympy-protocol.ts, which is the schema of record):
  out, once at start:  {"ready": true, "sympy": "1.11.1", "python": "3.11.2"}  or  {"ready": false, "error": "..."}
  in:                  {"id": 7, "kind": "compare", "gold": "<SymPy expression>", "answer": "<SymPy expression>",
                        "tolerance": 1e-06}
  out:                 {"id": 7, "equal": true | false | null, "detail": "..."}   (null: SymPy could not decide)

The expressions are written by serialize-sympy.ts from veridata's own AST, never by users: Debian's SymPy cannot parse
LaTeX, and extraction and normalisation stay veridata's. One request is answered before the next is read; the client
kills this process when a check overruns its time budget (a signal-based timeout cannot interrupt big-integer work).
"""

import functools
import json
import os
import random
import sys


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


try:
    import sympy
    from sympy import (
        And, Abs, Add, E, Eq, Float, Function, FiniteSet, Ge, Gt, I, ImmutableMatrix, Integer, Interval, Le, Lt, Mul,
        Ne, Or, Pow, Rational, S, Symbol, Tuple, Union, acos, acot, asin, atan, binomial, ceiling, cos, cosh, cot, csc,
        exp, factorial, floor, gcd, lcm, log, nan, oo, pi, sec, simplify, sin, sinh, sqrt, sympify, tan, tanh, zoo,
    )
    from sympy.core import random as sympy_random
    from sympy.core.cache import clear_cache
    from sympy.core.relational import Relational
    from sympy.logic.boolalg import BooleanAtom
    from sympy.matrices import MatrixBase
    from sympy.sets.sets import Set
except Exception as error:  # ImportError, or a broken installation
    emit({"ready": False, "error": f"cannot import sympy with {sys.executable}: {error}"})
    sys.exit(3)

# Exact integers may be long (veridata's guards allow 10,000 digits); Python 3.11 refuses more than 4,300 by default.
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

# A memory bomb raises MemoryError here instead of pushing the machine into swap.
try:
    import resource

    limit = int(os.environ.get("VERIDATA_SYMPY_MEMORY_MB", "2048")) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except Exception:
    pass

# Ctrl-C in a terminal reaches the whole process group; the client decides when this process ends (it closes stdin
# or kills it), so an interrupt must not turn the comparison in flight into a crash written as a verdict.
try:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
except Exception:
    pass

TEST_HOOKS = os.environ.get("VERIDATA_SYMPY_TEST_HOOKS") == "1"

# Everything the serializer may write, and nothing else: the expressions are evaluated with no builtins.
NAMESPACE = {
    "__builtins__": {},
    "Integer": Integer, "Rational": Rational, "Float": Float, "Symbol": Symbol, "Function": Function,
    "Add": Add, "Mul": Mul, "Pow": Pow, "sqrt": sqrt, "pi": pi, "E": E, "I": I, "oo": oo,
    "sin": sin, "cos": cos, "tan": tan, "cot": cot, "sec": sec, "csc": csc, "asin": asin, "acos": acos, "atan": atan,
    "acot": acot, "sinh": sinh, "cosh": cosh, "tanh": tanh, "log": log, "exp": exp, "Abs": Abs, "floor": floor,
    "ceiling": ceiling, "factorial": factorial, "binomial": binomial, "gcd": gcd, "lcm": lcm,
    "Eq": Eq, "Ne": Ne, "Lt": Lt, "Le": Le, "Gt": Gt, "Ge": Ge, "And": And, "Or": Or,
    "Tuple": Tuple, "FiniteSet": FiniteSet, "Interval": Interval, "Union": Union, "Matrix": ImmutableMatrix,
    "True": True, "False": False,
}

DETAIL_LIMIT = 300


def short(value):
    text = str(value)
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT] + "..."


def read(expression):
    return sympify(eval(expression, NAMESPACE))  # noqa: S307 - restricted namespace, input written by veridata


def has_float(value):
    return bool(getattr(value, "atoms", None)) and bool(value.atoms(Float))


def is_set(value):
    return isinstance(value, Set)


def is_relation(value):
    return isinstance(value, (Relational, And, Or))


def combine(results):
    """All equal -> True; any unequal -> False; otherwise None (some pair undecided)."""
    if any(result is False for result in results):
        return False
    if all(result is True for result in results):
        return True
    return None


# Fixed probe values for free symbols (real of both signs, complex); equals() draws random ones instead, and its
# answer for the same pair changed with the process's history.
PROBES = [Rational(7, 10), Rational(-13, 10), Rational(23, 10), Rational(1, 3) + Rational(2, 5) * I]


def probe_difference(difference):
    """False with the point where `difference` is clearly nonzero; None when it vanishes at every probe point."""
    symbols = sorted(difference.free_symbols, key=lambda symbol: symbol.name)
    for shift, value in enumerate(PROBES):
        point = {symbol: PROBES[(shift + index) % len(PROBES)] for index, symbol in enumerate(symbols)}
        number = difference.subs(point).evalf(30)
        if number.is_number and number.is_finite is not False and number.is_comparable is not None:
            size = abs(number)
            if size.is_comparable and size > Float("1e-20"):
                where = ", ".join(f"{symbol}={point[symbol]}" for symbol in symbols)
                return False, f"gold - answer = {short(difference)} is {short(number.evalf(6))} at {where}"
    return None, f"undecided: gold - answer = {short(difference)} vanishes at every probe point but does not simplify to 0"


def scalar_equal(gold, answer, tolerance):
    """Equality of two scalar expressions: structure, then numeric tolerance when a float is involved, then
    simplify(gold - answer) == 0, then equals() for constants and fixed probe points for expressions in variables."""
    if gold == answer:
        return True, "identical"
    if gold in (oo, -oo, zoo, nan) or answer in (oo, -oo, zoo, nan):
        return False, "an infinite or undefined value differs"
    if has_float(gold) or has_float(answer):
        if gold.is_number and answer.is_number:
            g, a = gold.evalf(30), answer.evalf(30)
            scale = max(abs(g), abs(a))
            if scale.is_comparable:
                close = bool(abs(g - a) <= tolerance * scale)
                return close, f"numeric, relative tolerance {tolerance:g}: {short(g)} vs {short(a)}"
    difference = simplify(gold - answer)
    if difference == 0:
        return True, "simplify(gold - answer) == 0"
    if difference.is_number:
        if difference.is_zero is False:
            return False, f"gold - answer simplifies to the nonzero {short(difference)}"
        verdict = gold.equals(answer)
        if verdict is True:
            return True, "equals()"
        if verdict is False:
            return False, f"equals() is False; gold - answer = {short(difference)}"
        return None, f"undecided: gold - answer = {short(difference)}"
    return probe_difference(difference)


def normal_relation(relation):
    """(lhs - rhs, operator) with > and >= flipped to < and <=."""
    if isinstance(relation, (Gt, Ge)):
        return relation.rhs - relation.lhs, "<" if isinstance(relation, Gt) else "<="
    operator = {Eq: "=", Ne: "!=", Lt: "<", Le: "<="}[type(relation)]
    return relation.lhs - relation.rhs, operator


def relation_equal(gold, answer, tolerance):
    if isinstance(gold, Relational) and isinstance(answer, Relational):
        (g, gold_operator), (a, answer_operator) = normal_relation(gold), normal_relation(answer)
        if gold_operator == answer_operator:
            if simplify(g - a) == 0:
                return True, "same relation, same lhs - rhs"
            if gold_operator in ("=", "!=") and simplify(g + a) == 0:
                return True, "same relation, lhs - rhs negated"
            if a != 0:
                ratio = simplify(g / a)
                if ratio.is_number and ratio.is_zero is False and ratio.is_finite:
                    if gold_operator in ("=", "!=") or ratio.is_positive:
                        return True, f"lhs - rhs in a constant ratio {short(ratio)}"
    symbols = gold.free_symbols | answer.free_symbols
    if len(symbols) == 1:
        return set_equal(gold.as_set(), answer.as_set(), "solution sets")
    if isinstance(gold, (And, Or)) and type(gold) is type(answer):
        return unordered_equal(list(gold.args), list(answer.args), tolerance, "relations")
    return False, "relations differ"


def set_equal(gold, answer, how):
    if gold == answer:
        return True, f"{how} identical"
    forward, backward = gold.is_subset(answer), answer.is_subset(gold)
    if forward is True and backward is True:
        return True, f"{how}: each a subset of the other"
    if forward is False or backward is False:
        return False, f"{how} differ: {short(gold)} vs {short(answer)}"
    return None, f"{how}: subset relation undecided"


def unordered_equal(gold_items, answer_items, tolerance, what):
    if len(gold_items) != len(answer_items):
        return False, f"{len(gold_items)} {what} vs {len(answer_items)}"
    remaining = list(answer_items)
    undecided = False
    for item in gold_items:
        match = None
        for index, candidate in enumerate(remaining):
            result, _ = values_equal(item, candidate, tolerance)
            if result is True:
                match = index
                break
            if result is None:
                undecided = True
        if match is None:
            return (None, f"no certain match for {short(item)}") if undecided else (False, f"{short(item)} has no match")
        remaining.pop(match)
    return True, f"{what} match one to one"


def ordered_equal(gold_items, answer_items, tolerance, what):
    if len(gold_items) != len(answer_items):
        return False, f"{len(gold_items)} {what} vs {len(answer_items)}"
    results = [values_equal(g, a, tolerance) for g, a in zip(gold_items, answer_items)]
    verdict = combine([result for result, _ in results])
    details = [detail for result, detail in results if result is not True]
    return verdict, f"{what} element-wise" + (f": {details[0]}" if details else "")


def assigned_value(relation):
    """The value of an assignment `x = 5` (a symbol on the left), as SymPy-based checkers unwrap it."""
    if isinstance(relation, Eq) and isinstance(relation.lhs, Symbol):
        return relation.rhs
    return None


def values_equal(gold, answer, tolerance):
    if gold == answer:
        return True, "identical"
    if isinstance(gold, MatrixBase) or isinstance(answer, MatrixBase):
        if not (isinstance(gold, MatrixBase) and isinstance(answer, MatrixBase)):
            return False, "a matrix vs a non-matrix"
        if gold.shape != answer.shape:
            return False, f"shape {gold.shape} vs {answer.shape}"
        return ordered_equal(list(gold), list(answer), tolerance, "matrix entries")
    if isinstance(gold, Tuple) or isinstance(answer, Tuple):
        if not (isinstance(gold, Tuple) and isinstance(answer, Tuple)):
            return False, "a tuple vs a non-tuple"
        return ordered_equal(list(gold), list(answer), tolerance, "tuple items")
    if is_relation(gold) or is_relation(answer):
        if is_relation(gold) and is_relation(answer):
            return relation_equal(gold, answer, tolerance)
        relation, other = (gold, answer) if is_relation(gold) else (answer, gold)
        value = assigned_value(relation)
        if value is not None:
            return values_equal(value, answer, tolerance) if relation is gold else values_equal(gold, value, tolerance)
        if is_set(other) and len(relation.free_symbols) == 1:
            return set_equal(relation.as_set(), other, "relation as a set vs set")
        return False, "a relation vs a non-relation"
    if isinstance(gold, FiniteSet) and not is_set(answer) and len(gold) == 1:
        return values_equal(list(gold)[0], answer, tolerance)
    if isinstance(answer, FiniteSet) and not is_set(gold) and len(answer) == 1:
        return values_equal(gold, list(answer)[0], tolerance)
    if isinstance(gold, FiniteSet) and isinstance(answer, FiniteSet):
        return unordered_equal(list(gold), list(answer), tolerance, "set elements")
    if isinstance(gold, Interval) and isinstance(answer, Interval):
        if gold.left_open != answer.left_open or gold.right_open != answer.right_open:
            return False, "interval ends differ in openness"
        return ordered_equal([gold.start, gold.end], [answer.start, answer.end], tolerance, "interval ends")
    if is_set(gold) or is_set(answer):
        if not (is_set(gold) and is_set(answer)):
            return False, "a set vs a non-set"
        return set_equal(gold, answer, "sets")
    if isinstance(gold, BooleanAtom) or isinstance(answer, BooleanAtom):
        return gold == answer, "truth values"
    return scalar_equal(gold, answer, tolerance)


# Samples of one problem often repeat an answer; a decision is a pure function of the two strings and the tolerance.
@functools.lru_cache(maxsize=4096)
def compare_expressions(gold_expression, answer_expression, tolerance):
    # Some SymPy routines test at random points (equals(), is_constant()) and its cache changes how many draws they
    # take: seeded generators and a cleared cache keep each decision independent of what this process compared before.
    # It costs about half the speed of a warm cache; a run's output must not depend on which process took a case.
    random.seed(0)
    sympy_random.seed(0)
    clear_cache()
    return values_equal(read(gold_expression), read(answer_expression), tolerance)


def compare(request):
    return compare_expressions(request["gold"], request["answer"], float(request.get("tolerance", 1e-6)))


def test_hook(request):
    """Misbehaviour on purpose, only with VERIDATA_SYMPY_TEST_HOOKS=1, so the client's guards can be tested."""
    kind = request["kind"]
    if kind == "test-sleep":
        import time

        time.sleep(float(request.get("seconds", 3600)))
        return {"id": request["id"], "equal": True, "detail": "slept"}
    if kind == "test-exit":
        os._exit(9)
    if kind == "test-garbage":
        sys.stdout.write("this is not JSON\n")
        sys.stdout.flush()
        return None
    if kind == "test-wrong-id":
        return {"id": "not-" + str(request["id"]), "equal": True, "detail": "wrong id"}
    return {"id": request["id"], "equal": None, "detail": f"unknown test kind {kind}"}


def answer(request):
    identifier = request.get("id")
    kind = request.get("kind")
    if TEST_HOOKS and isinstance(kind, str) and kind.startswith("test-"):
        return test_hook(request)
    if kind != "compare":
        return {"id": identifier, "equal": None, "detail": f"unknown request kind {kind!r}"}
    try:
        equal, detail = compare(request)
        return {"id": identifier, "equal": None if equal is None else bool(equal), "detail": detail}
    except MemoryError:
        return {"id": identifier, "equal": None, "detail": "out of memory"}
    except RecursionError:
        return {"id": identifier, "equal": None, "detail": "recursion too deep"}
    except Exception as error:  # SymPy raises many kinds on hard input; each is "could not decide"
        return {"id": identifier, "equal": None, "detail": short(f"{type(error).__name__}: {error}")}


def main():
    emit({"ready": True, "sympy": sympy.__version__, "python": sys.version.split()[0]})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as error:
            emit({"id": None, "equal": None, "detail": f"request is not JSON: {error}"})
            continue
        reply = answer(request)
        if reply is not None:
            emit(reply)


if __name__ == "__main__":
    main()
