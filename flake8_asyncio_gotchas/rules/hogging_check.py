"""AIO300-AIO302 decided: loops and calls that hold the event loop in an async def.

`HoggingChecker` visits loops and calls once for the family: AIO300 reports the loops the
loop judge (`hogging_loops.py`) finds long, only the outermost of nested ones; AIO302 the
calls that are slow even once; AIO301 the `while` loops whose condition reads state nothing
can change while they spin (read here: the condition, the body, and whether the module may
start threads, which keeps loops that call anything quiet).
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from ..calls.hogging import (INERT_CALLS, INERT_PREFIXES, PURE_BUILTINS, STATE_QUERIES,
                             THREAD_MODULES, THREAD_SHARED_PREFIXES, THREAD_STARTER_METHODS,
                             THREAD_STARTERS)
from ..names import format_call
from ..syntax import is_suspension
from ..walk import descendants
from .base import Checker, Context, Rule
from .hogging_loops import Loop, LoopJudge

LONG_LOOP = "AIO300"
BUSY_WAIT = "AIO301"
SLOW_CALL = "AIO302"


class HoggingChecker(Checker):
    """The AIO3xx family's one visitor (see the module docstring)."""

    def __init__(self, ctx: Context, rules: Sequence[Type[Rule]]) -> None:
        super().__init__(ctx, rules)
        self.judge = LoopJudge(ctx)
        self.reported_loops: Set[cst.CSTNode] = set()
        # AIO301: whether the module may start threads (only worked out when AIO301 is on),
        # and the loops whose body makes inert calls, reported at the end if it starts none.
        self.busy_wait = self.wants(BUSY_WAIT)
        self.starts_threads = self.busy_wait and any(
            name.startswith(THREAD_MODULES) for name in ctx.imported_names)
        self.deferred: List[Tuple[cst.While, str]] = []

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._long_loop(node)

    def visit_While(self, node: cst.While) -> None:
        self._long_loop(node)
        if self.busy_wait:
            self._busy_wait(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._slow_call(node)
        if self.busy_wait and not self.starts_threads:
            self._note_thread_start(node)

    def finish(self) -> None:
        if not self.starts_threads:
            for node, text in self.deferred:
                self.report(BUSY_WAIT, node, state=text)

    # -- AIO300 ---------------------------------------------------------------------------------

    def _long_loop(self, loop: Loop) -> None:
        if not self.wants(LONG_LOOP) or not self.ctx.in_async_def \
                or any(a in self.reported_loops for a in self.ctx.ancestors):
            return
        verdict = self.judge.judge(loop)
        if verdict is not None:
            self.reported_loops.add(loop)
            self.report(LONG_LOOP, loop, kind=verdict.kind, why=verdict.why)

    # -- AIO302 ---------------------------------------------------------------------------------

    def _slow_call(self, node: cst.Call) -> None:
        if not self.wants(SLOW_CALL) or not self.ctx.in_async_def \
                or isinstance(self.ctx.parent, cst.Await):
            return
        name = self.judge.slow_call(node)
        if name is not None:
            self.report(SLOW_CALL, node, name=name, written=format_call(node.func))

    # -- AIO301 ---------------------------------------------------------------------------------

    def _busy_wait(self, node: cst.While) -> None:
        if not self.ctx.in_async_def:
            return
        state = self._condition_state(node.test)
        if not state:
            return
        body = self._body_leaves_alone(node.body, state)
        if body is None:
            return
        text = self.ctx.module.code_for_node(node.test).strip()
        if body == _CALLS:
            self.deferred.append((node, text))
        else:
            self.report(BUSY_WAIT, node, state=text)

    def _note_thread_start(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            last = func.attr.value
            if last in THREAD_STARTER_METHODS:
                self.starts_threads = True
                return
            if last not in _THREAD_STARTER_LAST_NAMES:
                return
        elif isinstance(func, cst.Name) and func.value not in _THREAD_STARTER_LAST_NAMES:
            # Cheap: most calls are `print()`, `len()`... An alias (`from threading import
            # Thread as T`) needs an import of a thread module, seen in __init__; only an
            # alias of `asyncio.to_thread` goes unseen.
            return
        if self.ctx.qualname(func) in THREAD_STARTERS:
            self.starts_threads = True

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

    def _body_leaves_alone(self, body: cst.BaseSuite, state: Set[str]) -> Optional[str]:
        """None when the body may change the state or leave the loop; _PURE when it calls
        only pure builtins; _CALLS when it also makes other calls that change no state."""
        found = _PURE
        for node in descendants(body, into_scopes=False):
            if is_suspension(node) or isinstance(node, (cst.Break, cst.Return, cst.Raise)):
                return None
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Import,
                                 cst.ImportFrom, cst.Global, cst.Nonlocal)):
                return None
            if isinstance(node, cst.Call):
                called = self.ctx.qualname(node.func)
                if called not in PURE_BUILTINS:
                    if not self._inert(node, called):
                        return None
                    found = _CALLS
            for target in _assigned_targets(node):
                if _base_name(target) in state or _base_name(target) is None:
                    return None
        return found

    def _inert(self, call: cst.Call, called: Optional[str]) -> bool:
        """A call that changes no state: sleeping, logging, or a coroutine function called
        without `await` (its body never runs)."""
        if called is not None and (called in INERT_CALLS or called.startswith(INERT_PREFIXES)):
            return True
        return self.ctx.is_coroutine_call(call)


_PURE = "pure"
_CALLS = "calls"
_THREAD_STARTER_LAST_NAMES = frozenset(name.rpartition(".")[2] for name in THREAD_STARTERS)


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
