"""Whether a loop inside an async def holds the event loop for long (AIO300), and which calls
are slow even once (AIO302): the judge `HoggingChecker` asks.

A loop with no suspension point is judged long when
- its iteration count, known from literals (directly, through a module constant, nested literal
  loops multiplying), is above `--asyncio-long-loop-threshold`, whatever it does; or
- it is not known to be short (a literal count of at most `--asyncio-cpu-loop-threshold`) and
  each iteration does known-heavy work: calls a CPU-heavy or slow function (`calls/hogging.py`
  and the options), or goes over the loop's own data again (a nested loop over it, or an
  aggregate such as `sum(rows[i - w:i])` of a slice whose width is not a literal: quadratic
  work; `rows.index(x)` and `max(rows)` stay quiet, as code for short lists is written so).
An inner loop that may leave early (`break`, `return`) counts as a cap, not a length.
The catalogues in force (`calls/hogging.py` and the options) are read once per file.
"""
from __future__ import annotations

from typing import FrozenSet, Iterable, List, NamedTuple, Optional, Tuple, Union

import libcst as cst

from ..calls.hogging import (AGGREGATES, DICT_VIEWS, HEAVY_CALL_PREFIXES, ITERATION_WRAPPERS,
                             QUICK_ROUNDS, ROUNDS_ARGUMENT, SLOW_CALLS, SLOW_METHODS)
from ..names import dotted_name
from ..options import CPU_HEAVY_CALLS, CPU_LOOP_THRESHOLD, CPU_SLOW_CALLS, LONG_LOOP_THRESHOLD
from ..syntax import argument, has_suspension_point, literal_int
from ..walk import children, descendants
from .base import Context

Loop = Union[cst.For, cst.While]
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_MAX_CONSTANT_DEPTH = 4


class Verdict(NamedTuple):
    kind: str       # "`for` loop over `rows`"
    why: str        # "calls `hashlib.sha256()` on each iteration"


def _split(names: Iterable[str]) -> Tuple[FrozenSet[str], Tuple[str, ...]]:
    """Exact names, and prefixes (the entries ending in ".")."""
    names = tuple(names)
    return (frozenset(n for n in names if not n.endswith(".")),
            tuple(n for n in names if n.endswith(".")))


class LoopJudge:
    """The per-file judgements of loops, and the catalogues in force (see the docstring)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        settings = ctx.settings
        self.threshold = CPU_LOOP_THRESHOLD.value(settings)
        self.long_threshold = LONG_LOOP_THRESHOLD.value(settings)
        heavy_exact, heavy_prefixes = _split(CPU_HEAVY_CALLS.value(settings))
        self.heavy_exact = heavy_exact
        self.heavy_prefixes = HEAVY_CALL_PREFIXES + heavy_prefixes
        slow_exact, slow_prefixes = _split(CPU_SLOW_CALLS.value(settings))
        self.slow_exact = SLOW_CALLS | slow_exact
        self.slow_prefixes = slow_prefixes
        # A method call whose name ends in none of these cannot be slow (cheap rejection; a
        # bare name may be an alias, so it is always resolved).
        self.slow_last_names: Optional[FrozenSet[str]] = None if slow_prefixes else frozenset(
            [name.rpartition(".")[2] for name in self.slow_exact]
            + [method for methods in SLOW_METHODS.values() for method in methods])

    # -- calls --------------------------------------------------------------------------------

    def slow_call(self, call: cst.Call) -> Optional[str]:
        """The qualified name of a call that is slow even once (AIO302), or None."""
        func = call.func
        if (isinstance(func, cst.Attribute) and self.slow_last_names is not None
                and func.attr.value not in self.slow_last_names):
            return None
        name = self.ctx.qualname(func)
        if name is None or not self._is_slow(name):
            return None
        rounds = ROUNDS_ARGUMENT.get(name)
        if rounds is not None:
            count = literal_int(argument(call, *rounds))
            if count is not None and count <= QUICK_ROUNDS:
                return None
        return name

    def _is_slow(self, name: str) -> bool:
        if name in self.slow_exact or name.startswith(self.slow_prefixes):
            return True
        owner, _, method = name.rpartition(".")
        return any(owner.startswith(prefix) and method in methods
                   for prefix, methods in SLOW_METHODS.items())

    def _is_heavy(self, name: str) -> bool:
        return (name in self.heavy_exact or name.startswith(self.heavy_prefixes)
                or self._is_slow(name))

    # -- loops --------------------------------------------------------------------------------

    def judge(self, loop: Loop) -> Optional[Verdict]:
        """Why `loop` (in an async def, not `async for`) holds the event loop long, or None."""
        roots: List[cst.CSTNode] = [loop.body]
        if isinstance(loop, cst.While):
            roots.append(loop.test)
        if has_suspension_point(roots):
            return None
        count = self.iterations(loop)
        if count is not None and count <= self.threshold:
            return None
        kind = self._describe(loop)
        if count is not None and count > self.long_threshold and not _leaves_early(loop):
            return Verdict(kind, "runs %s iterations" % format(count, ","))
        data = self.data_of(loop.iter) if isinstance(loop, cst.For) else None
        # Over a collection, the loop is as long as the data: only work that is heavy
        # whatever the item's size counts (a slow call), or going over the data again.
        over_collection = (isinstance(loop, cst.For) and count is None
                           and not self._counts(loop.iter))
        heavy = self._heavy_call(roots, slow_only=over_collection)
        if heavy is not None:
            return Verdict(kind, "calls `%s()` on each iteration" % heavy)
        if data is not None and self._goes_over_again(loop.body, data):
            return Verdict(kind, "goes over `%s` again on each iteration" % data)
        return None

    def _counts(self, iterable: cst.BaseExpression) -> bool:
        """`range(n)` (not `range(len(rows))`) or `itertools.count()`: a count, not data."""
        if not isinstance(iterable, cst.Call):
            return False
        called = self.ctx.qualname(iterable.func)
        return called == "itertools.count" or (called == "range"
                                               and _len_argument(iterable) is None)

    def _describe(self, loop: Loop) -> str:
        if isinstance(loop, cst.While):
            return "`while` loop"
        if isinstance(loop.iter, cst.Call):
            called = self.ctx.qualname(loop.iter.func)
            if called in ("range", "itertools.count"):
                return "`for` loop over `%s()`" % called
        data = self.data_of(loop.iter)
        return "`for` loop over `%s`" % data if data else "`for` loop"

    def _heavy_call(self, roots: List[cst.CSTNode], slow_only: bool) -> Optional[str]:
        """A heavy (or, with `slow_only`, slow) callee in the loop (the shortest name)."""
        is_heavy = self._is_slow if slow_only else self._is_heavy
        heavy: Optional[str] = None
        for root in roots:
            for node in descendants(root, into_scopes=False):
                if isinstance(node, cst.Call):
                    called = self.ctx.qualname(node.func)
                    if called is not None and is_heavy(called) and (
                            heavy is None or len(called) < len(heavy)):
                        heavy = called
        return heavy

    # -- how many iterations ------------------------------------------------------------------

    def iterations(self, loop: Loop) -> Optional[int]:
        """The literal iteration count of `loop` times that of its longest literal inner loop;
        None when its own count is not known from literals."""
        own = self._own_count(loop)
        if own is None:
            return None
        inner = [self.iterations(child) for child in _child_loops(loop.body)
                 if not _leaves_early(child)]       # a cut-short inner loop: a cap
        return own * max([count for count in inner if count is not None] or [1])

    def _own_count(self, loop: Loop) -> Optional[int]:
        if isinstance(loop, cst.While):
            return None
        iterable = loop.iter
        if isinstance(iterable, (cst.Tuple, cst.List, cst.Set)):
            if any(isinstance(element, cst.StarredElement) for element in iterable.elements):
                return None
            return len(iterable.elements)
        if not (isinstance(iterable, cst.Call) and self.ctx.qualname(iterable.func) == "range"):
            return None
        args = iterable.args
        if not args or len(args) > 3 or any(arg.keyword or arg.star for arg in args):
            return None
        values = [self.literal_int(arg.value) for arg in args]
        if any(value is None for value in values):
            return None
        start, stop, step = ((0, values[0], 1) if len(values) == 1 else
                             (values[0], values[1], values[2] if len(values) == 3 else 1))
        return _range_length(start, stop, step)  # type: ignore[arg-type]

    def literal_int(self, expr: Optional[cst.BaseExpression], depth: int = 0) -> Optional[int]:
        """`literal_int`, also through module constants (`N = 10**6` at module level)."""
        return literal_int(expr, lambda name: self._constant(name, depth))

    def _constant(self, name: cst.Name, depth: int) -> Optional[int]:
        names = self.ctx.names
        if depth >= _MAX_CONSTANT_DEPTH:
            return None
        owner = names.binding_scope(name.value, self.ctx.scope)
        if owner is not names.module_scope:
            return None
        bindings = owner.bindings[name.value]
        if len(bindings) != 1 or bindings[0].kind != "assign":
            return None
        return self.literal_int(bindings[0].node, depth + 1)  # type: ignore[arg-type]

    # -- the loop's own data, again -----------------------------------------------------------

    def data_of(self, expr: cst.BaseExpression) -> Optional[str]:
        """The collection a loop over `expr` goes through, as written: `rows` for `rows`,
        `enumerate(rows)`, `rows.items()`, `rows[1:]`, `range(len(rows))`."""
        for _ in range(4):
            if isinstance(expr, (cst.Name, cst.Attribute)):
                return dotted_name(expr)
            if isinstance(expr, cst.Subscript):
                if not all(isinstance(e.slice, cst.Slice) for e in expr.slice):
                    return None
                expr = expr.value
                continue
            if not isinstance(expr, cst.Call):
                return None
            func = expr.func
            if (isinstance(func, cst.Attribute) and func.attr.value in DICT_VIEWS
                    and not expr.args):
                expr = func.value
                continue
            called = self.ctx.qualname(func)
            if called == "range":
                return _len_argument(expr)
            if called not in ITERATION_WRAPPERS or not expr.args or expr.args[0].star:
                return None
            expr = expr.args[0].value
        return None

    def _goes_over_again(self, body: cst.CSTNode, data: str) -> bool:
        for node in descendants(body, into_scopes=False):
            if isinstance(node, (cst.For, cst.CompFor)) and self._whole(node.iter, data):
                return True
            if (isinstance(node, cst.Call) and node.args and not node.args[0].star
                    and isinstance(node.args[0].value, cst.Subscript)
                    and self.ctx.qualname(node.func) in AGGREGATES
                    and self._whole(node.args[0].value, data)):
                return True
        return False

    def _whole(self, expr: cst.BaseExpression, data: str) -> bool:
        """Whether going over `expr` goes over `data`, or an unknown part of it (a slice whose
        width is not a literal: `rows[i:]`, `rows[i - n:i]`, not `rows[i:i + 2]`)."""
        if isinstance(expr, cst.Subscript) and _narrow_slice(expr, self.ctx.module):
            return False
        return self.data_of(expr) == data


def _leaves_early(loop: Loop) -> bool:
    """A `break` or `return` that leaves `loop` (not one of an inner loop or function)."""
    stack = children(loop.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Break, cst.Return)):
            return True
        if isinstance(current, (cst.For, cst.While)):
            stack.extend(n for n in descendants(current.body, into_scopes=False)
                         if isinstance(n, cst.Return))
            if current.orelse is not None:      # an inner loop's `else: break` leaves this one
                stack.extend(children(current.orelse))
            continue
        if not isinstance(current, _SCOPES):
            stack.extend(children(current))
    return False


def _range_length(start: int, stop: int, step: int) -> Optional[int]:
    """`len(range(start, stop, step))`, without its overflow on huge literals."""
    if step > 0:
        return max(0, (stop - start + step - 1) // step)
    if step < 0:
        return max(0, (start - stop - step - 1) // -step)
    return None


def _child_loops(node: cst.CSTNode) -> List[Loop]:
    """The loops directly inside `node` (not inside another loop, nor a nested scope)."""
    found: List[Loop] = []
    stack = children(node)
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.For, cst.While)):
            found.append(current)
        elif not isinstance(current, _SCOPES):
            stack.extend(children(current))
    return found


def _len_argument(call: cst.Call) -> Optional[str]:
    """`rows` for `range(len(rows))`, `range(i + 1, len(rows) - 1)`."""
    for node in descendants(call, into_scopes=False):
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
                and node.func.value == "len" and len(node.args) == 1):
            return dotted_name(node.args[0].value)
    return None


def _narrow_slice(expr: cst.Subscript, module: cst.Module) -> bool:
    """`rows[i:i + 3]`, `rows[i - 2:i]`: both bounds given, a literal apart; or a literal
    width at one end, `rows[:3]`, `rows[-3:]`."""
    for element in expr.slice:
        part = element.slice
        if not isinstance(part, cst.Slice):
            return False
        lower, upper = part.lower, part.upper
        if lower is None or upper is None:
            width = literal_int(upper) if lower is None else literal_int(lower)
            # `[:k]` with k >= 0, `[-k:]` with k > 0: at most k items whatever the data.
            if width is None or (width < 0 if lower is None else width >= 0):
                return False
            continue
        if not (_offset_of(upper, lower, cst.Add, module)
                or _offset_of(lower, upper, cst.Subtract, module)):
            return False
    return True


def _offset_of(expr: cst.BaseExpression, base: cst.BaseExpression, operator: type,
               module: cst.Module) -> bool:
    """Whether `expr` is `base <operator> <integer literal>`."""
    return (isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, operator)
            and literal_int(expr.right) is not None
            and module.code_for_node(expr.left) == module.code_for_node(base))
