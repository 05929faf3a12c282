"""AIO3xx: hogging the event loop inside async def.

Both rules look at loops in the direct body of an `async def` that have no suspension point
(`await`, `async for`, `async with`, `yield`): while such a loop runs, no other task, callback
or I/O completion can run. AIO300 reports the ones that compute for long; AIO301 the `while`
loops that wait for state no one can change while they spin.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, List, Optional, Set, Type, Union

import libcst as cst

from ..calls.hogging import (HEAVY_CALL_PREFIXES, PURE_BUILTINS, STATE_QUERIES,
                             THREAD_SHARED_PREFIXES)
from ..walk import descendants
from ..options import CPU_HEAVY_CALLS, CPU_LOOP_THRESHOLD
from .base import Rule

if TYPE_CHECKING:
    from ..engine import Context

Loop = Union[cst.For, cst.While]


def is_suspension(node: cst.CSTNode) -> bool:
    """Whether `node` lets the event loop run other tasks (for nodes inside an async def)."""
    if isinstance(node, (cst.Await, cst.Yield)):
        return True
    if isinstance(node, (cst.For, cst.With)):
        return node.asynchronous is not None
    if isinstance(node, cst.CompFor):
        return node.asynchronous is not None
    return False


def has_suspension_point(nodes: Iterable[cst.CSTNode]) -> bool:
    """Whether any of `nodes` or anything below them (not in nested scopes) suspends."""
    for root in nodes:
        if is_suspension(root):
            return True
        for node in descendants(root, into_scopes=False):
            if is_suspension(node):
                return True
    return False


def literal_int(expr: cst.BaseExpression) -> Optional[int]:
    """The value of an integer literal or simple arithmetic on them (`10**6`, `1_000 * 5`)."""
    if isinstance(expr, cst.Integer):
        return int(expr.value.replace("_", ""), 0)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        value = literal_int(expr.expression)
        return None if value is None else -value
    if isinstance(expr, cst.BinaryOperation):
        left, right = literal_int(expr.left), literal_int(expr.right)
        if left is None or right is None:
            return None
        if isinstance(expr.operator, cst.Multiply):
            return left * right
        if isinstance(expr.operator, cst.Add):
            return left + right
        if isinstance(expr.operator, cst.Subtract):
            return left - right
        if isinstance(expr.operator, cst.Power) and 0 <= right <= 64:
            return left ** right
    return None


def _mentions_len(expr: cst.BaseExpression) -> bool:
    """`len(x)` anywhere in a range bound: the loop is as long as a collection, not longer."""
    nodes = [expr, *descendants(expr, into_scopes=False)]
    return any(isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
               and node.func.value == "len" for node in nodes)


class CpuBoundLoop(Rule):
    code = "AIO300"
    name = "cpu-bound-loop"
    message = ("AIO300 {kind} with no `await` calls `{heavy}()`: it holds the event loop "
               "until it ends; run the work in a thread (`await asyncio.to_thread(...)`, "
               "`loop.run_in_executor(...)`) or `await asyncio.sleep(0)` every few iterations")
    summary = ("A long loop with no suspension point inside async def whose body does heavy "
               "computation (hashing, compression, key derivation, or a call named in "
               "`--asyncio-cpu-heavy-calls`).")
    why = ("asyncio runs one task at a time and switches only at an `await`. A loop that "
           "computes for a long time without one keeps every other task, timer and socket "
           "waiting: servers stop answering, heartbeats time out. In debug mode asyncio logs "
           "`Executing <Task ...> took 2.5 seconds`.")
    example = ("async def calculate(n):\n"
               "    h = hashlib.sha256()\n"
               "    for i in range(n):\n"
               "        h = hashlib.sha256(h.digest())\n"
               "    return h.hexdigest()\n")
    instead = ("async def calculate(n):\n"
               "    def compute():\n"
               "        h = hashlib.sha256()\n"
               "        for i in range(n):\n"
               "            h = hashlib.sha256(h.digest())\n"
               "        return h.hexdigest()\n\n"
               "    return await asyncio.to_thread(compute)\n")
    limits = ("Reported only when both hold: the loop is long, meaning a `while` loop, a "
              "`for` over `range()` whose bound is not a literal of at most "
              "`--asyncio-cpu-loop-threshold` iterations and does not involve `len()`, or over "
              "`itertools.count()`; and its body (nested loops included, nested functions not) "
              "calls a CPU-heavy function: `hashlib`, `hmac`, `zlib`, `bz2`, `lzma`, "
              "`gzip.compress/decompress`, `bcrypt`, `scrypt`, `argon2`, and what "
              "`--asyncio-cpu-heavy-calls` adds. Loops over collections (`for item in items`) "
              "are never reported, however heavy their body: their length is the data's. "
              "Pure arithmetic loops and comprehensions are not reported: how long they run "
              "cannot be told from the code. Of nested reported loops only the outermost one "
              "is reported.")
    options = (
        CPU_LOOP_THRESHOLD,
        CPU_HEAVY_CALLS,
    )
    references = (
        "https://docs.python.org/3/library/asyncio-dev.html#concurrency-and-multithreading",
        "https://docs.python.org/3/library/asyncio-dev.html#debug-mode",
        "https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread",
    )
    fix_safety = "none"
    fix_summary = ("A long computation is split, given suspension points, or moved to a process "
                   "pool; which one is a design choice.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self.reported: Set[cst.CSTNode] = set()
        self.threshold = CPU_LOOP_THRESHOLD.value(ctx.settings)
        extra = CPU_HEAVY_CALLS.value(ctx.settings)
        self.heavy_exact = frozenset(name for name in extra if not name.endswith("."))
        self.heavy_prefixes = HEAVY_CALL_PREFIXES + tuple(n for n in extra if n.endswith("."))

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node)

    def visit_While(self, node: cst.While) -> None:
        self._check(node)

    def _check(self, loop: Loop) -> None:
        if not self.ctx.in_async_def or any(a in self.reported for a in self.ctx.ancestors):
            return
        kind = self._length(loop)
        if kind is None:
            return
        roots: List[cst.CSTNode] = [loop.body]
        if isinstance(loop, cst.While):
            roots.append(loop.test)
        heavy = self._heavy_call(roots)
        if heavy is not None:
            self.reported.add(loop)
            self.report(loop, kind=kind, heavy=heavy)

    def _length(self, loop: Loop) -> Optional[str]:
        """What makes the loop long ("`for` loop over `range()`"), or None for a short loop."""
        if isinstance(loop, cst.While):
            return "`while` loop"
        if not isinstance(loop.iter, cst.Call):
            return None
        called = self.ctx.qualname(loop.iter.func)
        args = loop.iter.args
        if called == "itertools.count":
            return "`for` loop over `itertools.count()`"
        if called != "range" or not args or len(args) > 3 or any(a.keyword or a.star
                                                                 for a in args):
            return None
        bounds = [arg.value for arg in args]
        stop = bounds[0] if len(bounds) == 1 else bounds[1]
        if _mentions_len(stop):
            return None
        values = [literal_int(bound) for bound in bounds]
        if all(value is not None for value in values):
            start, end, step = (0, values[0], 1) if len(values) == 1 else (
                values[0], values[1], values[2] if len(values) == 3 else 1)
            if not step or len(range(start, end, step)) <= self.threshold:  # type: ignore
                return None
        return "`for` loop over `range()`"

    def _heavy_call(self, roots: List[cst.CSTNode]) -> Optional[str]:
        """A CPU-heavy callee in the loop (the shortest name); None if none, or it suspends."""
        heavy: Optional[str] = None
        for root in roots:
            for node in descendants(root, into_scopes=False):
                if is_suspension(node):
                    return None
                if isinstance(node, cst.Call):
                    called = self.ctx.qualname(node.func)
                    if called is not None and self._is_heavy(called) and (
                            heavy is None or len(called) < len(heavy)):
                        heavy = called
        return heavy

    def _is_heavy(self, called: str) -> bool:
        return called in self.heavy_exact or called.startswith(self.heavy_prefixes)


class BusyWait(Rule):
    code = "AIO301"
    name = "busy-wait"
    message = ("AIO301 busy-wait: nothing in this `while` loop changes `{state}`, and with no "
               "`await` no other task can run to change it, so it never ends; wait with "
               "`await` (`await event.wait()`, `await fut`, or `await asyncio.sleep(...)` in "
               "the loop)")
    summary = ("A `while` loop with no suspension point inside async def whose condition reads "
               "state the loop body never changes: it never ends.")
    why = ("While a coroutine runs, no other task does: asyncio switches tasks only at an "
           "`await`. A loop that waits for a flag, an `asyncio.Event`, or a future to be set "
           "by another task, without ever awaiting, never lets that task run: the program hangs "
           "at 100% CPU.")
    example = ("async def wait_ready(self):\n"
               "    while not self.ready:\n"
               "        pass\n")
    instead = ("async def wait_ready(self):\n"
               "    await self.ready_event.wait()\n")
    limits = ("To stay certain that the loop cannot end, it is reported only when its "
              "condition reads names, attributes, subscripts, `len()` and the state queries "
              "`is_set()`, `done()`, `cancelled()`, `locked()`, `empty()`, `full()`, "
              "`qsize()`, `is_closing()` of objects that are not `threading`, `queue`, "
              "`multiprocessing` or `concurrent.futures` objects (another thread may change "
              "those); and its body calls nothing but a few pure builtins (`print`, `len`, ...), "
              "assigns nothing the condition reads (any attribute or item of an object the "
              "condition reads counts), and has no `break`, `return` or `raise`. A "
              "`while True:` loop is never reported.")
    references = (
        "https://docs.python.org/3/library/asyncio-sync.html#asyncio.Event",
        "https://docs.python.org/3/library/asyncio-dev.html#concurrency-and-multithreading",
    )
    fix_safety = "none"
    fix_summary = ("The loop needs an `asyncio.Event` (or a condition) that the other side sets, "
                   "which no mechanical edit can find.")

    def visit_While(self, node: cst.While) -> None:
        if not self.ctx.in_async_def:
            return
        state = self._condition_state(node.test)
        if not state or not self._body_leaves_alone(node.body, state):
            return
        self.report(node, state=self.ctx.module.code_for_node(node.test).strip())

    # -- the condition ------------------------------------------------------------------------

    def _condition_state(self, test: cst.BaseExpression) -> Optional[Set[str]]:
        """The base names the condition reads, or None when it may change by itself."""
        names: Set[str] = set()
        if not self._collect_state(test, names):
            return None
        names.discard("True")
        names.discard("False")
        names.discard("None")
        return names

    def _collect_state(self, expr: cst.CSTNode, names: Set[str]) -> bool:
        if isinstance(expr, cst.Name):
            names.add(expr.value)
            return True
        if isinstance(expr, (cst.Integer, cst.Float, cst.SimpleString, cst.Ellipsis)):
            return True
        if isinstance(expr, cst.Attribute):
            return self._collect_state(expr.value, names)
        if isinstance(expr, cst.Subscript):
            return self._collect_state(expr.value, names) and all(
                isinstance(element.slice, cst.Index)
                and self._collect_state(element.slice.value, names)
                for element in expr.slice)
        if isinstance(expr, cst.UnaryOperation):
            return self._collect_state(expr.expression, names)
        if isinstance(expr, (cst.BooleanOperation, cst.BinaryOperation)):
            return (self._collect_state(expr.left, names)
                    and self._collect_state(expr.right, names))
        if isinstance(expr, cst.Comparison):
            return self._collect_state(expr.left, names) and all(
                self._collect_state(target.comparator, names) for target in expr.comparisons)
        if isinstance(expr, cst.Call):
            return self._collect_query(expr, names)
        return False

    def _collect_query(self, call: cst.Call, names: Set[str]) -> bool:
        """`event.is_set()`, `fut.done()`, `len(queue)`: reads, and cannot change by itself."""
        func = call.func
        if isinstance(func, cst.Name) and func.value == "len" and len(call.args) == 1:
            return (self.ctx.qualname(func) == "len"
                    and self._collect_state(call.args[0].value, names))
        if not (isinstance(func, cst.Attribute) and func.attr.value in STATE_QUERIES
                and not call.args):
            return False
        kind = self.ctx.instance_type(func.value)
        if kind is not None and kind.startswith(THREAD_SHARED_PREFIXES):
            return False
        return self._collect_state(func.value, names)

    # -- the body -----------------------------------------------------------------------------

    def _body_leaves_alone(self, body: cst.BaseSuite, state: Set[str]) -> bool:
        for node in descendants(body, into_scopes=False):
            if is_suspension(node) or isinstance(node, (cst.Break, cst.Return, cst.Raise)):
                return False
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Import,
                                 cst.ImportFrom, cst.Global, cst.Nonlocal)):
                return False
            if isinstance(node, cst.Call) and self.ctx.qualname(node.func) not in PURE_BUILTINS:
                return False
            for target in _assigned_targets(node):
                if _base_name(target) in state or _base_name(target) is None:
                    return False
        return True


def _assigned_targets(node: cst.CSTNode) -> List[cst.BaseExpression]:
    """What a statement or expression binds or mutates: assignment, loop and `with` targets."""
    if isinstance(node, cst.Assign):
        return [target.target for target in node.targets]
    if isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For, cst.CompFor)):
        return [node.target]
    if isinstance(node, cst.AsName):
        return [node.name]
    if isinstance(node, cst.Del):
        return [node.target]
    return []


def _base_name(target: cst.BaseExpression) -> Optional[str]:
    """The name a target hangs off (`self` for `self.a.b = ...`); "" for tuples handled below."""
    while isinstance(target, (cst.Attribute, cst.Subscript)):
        target = target.value
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, (cst.Tuple, cst.List)):
        return None  # unpacking: checked conservatively as "may change anything"
    return None


RULES: List[Type[Rule]] = [CpuBoundLoop, BusyWait]
