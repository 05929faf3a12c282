"""What the AIO4xx rules need to know about tasks: factories, uses that observe a task,
cancellations seen so far, and small facts about handlers.

Kept apart from rules/tasks.py so that the rule classes there read as what they report.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from ..calls.tasks import (ASYNC_ONLY_FACTORIES, CANCELLED_ERRORS, EVERY_ERROR, FACTORY_NAMES,
                           LOOP_FACTORY_METHODS, LOOP_NAMES, NON_OBSERVING_METHODS,
                           QUIET_AWAITS, QUIET_METHODS, TASK_FACTORIES, TASK_TYPES,
                           WAITERS)
from ..names import Scope, format_call, self_class
from ..walk import children, descendants

if TYPE_CHECKING:
    from .base import Context


def task_factory(ctx: "Context", call: cst.Call, scope: Optional[Scope] = None
                 ) -> Optional[str]:
    """The factory's name as written when `call` (made in `scope`, by default where the walk
    is) creates a task or executor future."""
    if isinstance(call.func, cst.Attribute) and call.func.attr.value not in FACTORY_NAMES:
        return None  # cheap: most calls are methods with other names
    scope = scope or ctx.scope
    called = ctx.names.qualname(call.func, scope)
    if called in TASK_FACTORIES:
        if called in ASYNC_ONLY_FACTORIES and not scope.is_async:
            return None
        return format_call(call.func)
    func = call.func
    if called is None and isinstance(func, cst.Attribute) \
            and func.attr.value in LOOP_FACTORY_METHODS:
        receiver = func.value
        if last_name(receiver) in LOOP_NAMES \
                and ctx.names.instance_type(receiver, scope) is None:
            return format_call(func)
    return None


def _is_none(expr: cst.CSTNode) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def observes(node: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether this read of a task may retrieve its outcome or hand it to code that could.

    `ancestors` are the node's ancestors, nearest last. Not observing: `t.cancel()`,
    `t.done()` and the other NON_OBSERVING_METHODS (called or not), `t is None`, truth tests
    (`if t`, `not t`, `t and ...` in a test), `del t`. Anything else observes.
    """
    if not ancestors:
        return True
    up = ancestors[-1]
    if isinstance(up, cst.Attribute) and up.value is node:
        return up.attr.value not in NON_OBSERVING_METHODS
    if isinstance(up, (cst.Comparison, cst.ComparisonTarget)):
        comparison = up if isinstance(up, cst.Comparison) else (
            ancestors[-2] if len(ancestors) > 1 else None)
        if isinstance(comparison, cst.Comparison) and all(
                isinstance(target.operator, (cst.Is, cst.IsNot))
                or (isinstance(target.operator, (cst.Equal, cst.NotEqual))
                    and (_is_none(target.comparator) or _is_none(comparison.left)))
                for target in comparison.comparisons):
            return False
        return True
    if isinstance(up, cst.Del):
        return False
    current: cst.CSTNode = node
    level = len(ancestors) - 1
    while level >= 0 and isinstance(ancestors[level], cst.BooleanOperation):
        current = ancestors[level]
        level -= 1
    if level < 0:
        return True
    holder = ancestors[level]
    if isinstance(holder, cst.UnaryOperation) and isinstance(holder.operator, cst.Not):
        return False
    if isinstance(holder, (cst.If, cst.While, cst.IfExp, cst.Assert)) \
            and holder.test is current:
        return False
    return True


def last_name(expr: cst.BaseExpression) -> Optional[str]:
    """`create_task` for `self._loop.create_task`, `run` for `run`; None for anything else."""
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else None


def is_store(node: cst.Name, up: Optional[cst.CSTNode]) -> bool:
    """Whether a Name node is not a read (a target, a definition's name, a keyword)."""
    if up is None:
        return False
    if isinstance(up, cst.Attribute):
        return up.attr is node
    if isinstance(up, cst.Arg):
        return up.keyword is node
    if isinstance(up, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor,
                       cst.NamedExpr)):
        return getattr(up, "target", None) is node
    if isinstance(up, (cst.AsName, cst.Param, cst.FunctionDef, cst.ClassDef, cst.NameItem,
                       cst.ImportAlias, cst.Del)):
        return True
    return False


Parents = Dict[cst.CSTNode, cst.CSTNode]


def walk_with_parents(root: cst.CSTNode) -> Tuple[List[cst.CSTNode], Parents]:
    """Every node under `root` (nested scopes included) and each one's parent."""
    parent: Dict[cst.CSTNode, cst.CSTNode] = {}
    order: List[cst.CSTNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for kid in children(node):
            parent[kid] = node
            stack.append(kid)
    return order, parent


def _ancestors(node: cst.CSTNode, parent: Dict[cst.CSTNode, cst.CSTNode],
               depth: int = 8) -> List[cst.CSTNode]:
    chain: List[cst.CSTNode] = []
    current = parent.get(node)
    while current is not None and len(chain) < depth:
        chain.append(current)
        current = parent.get(current)
    chain.reverse()
    return chain


def name_observed(root: cst.CSTNode, name: str) -> bool:
    """Whether some read of `name` under `root` observes it (see `observes`)."""
    order, parent = walk_with_parents(root)
    for node in order:
        if isinstance(node, cst.Name) and node.value == name \
                and not is_store(node, parent.get(node)):
            if observes(node, _ancestors(node, parent)):
                return True
        elif isinstance(node, cst.Call) and getattr_literal(node) == name:
            return True
    return False


def getattr_literal(call: cst.Call) -> Optional[str]:
    """"x" for `getattr(obj, "x")`: the attribute is read under a name we cannot follow."""
    if isinstance(call.func, cst.Name) and call.func.value == "getattr" and len(call.args) >= 2:
        name = call.args[1].value
        if isinstance(name, cst.SimpleString):
            return name.raw_value
    return None


def single_target(node: Union[cst.Assign, cst.AnnAssign]) -> Optional[cst.BaseExpression]:
    if isinstance(node, cst.AnnAssign):
        return node.target
    return node.targets[0].target if len(node.targets) == 1 else None


Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]

_CLEANUP_PREFIXES = ("close", "aclose", "stop", "shutdown", "cleanup", "clean_up", "teardown",
                     "terminate", "disconnect", "dispose", "finalize", "__aexit__")


def is_cleanup_name(name: str) -> bool:
    return name.lstrip("_").startswith(_CLEANUP_PREFIXES) or name == "__aexit__"


class CancelTracker:
    """What each function has called `.cancel()` on so far, as source text.

    Fed every call of the walk; `for t in tasks: t.cancel()` records both `t` and `tasks`.
    """

    def __init__(self, ctx: "Context") -> None:
        self.ctx = ctx
        self.texts: Dict[Scope, Set[str]] = {}

    def text(self, node: cst.CSTNode) -> str:
        return self.ctx.module.code_for_node(node).strip()

    def visit_call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "cancel"):
            return
        function = self.ctx.scope.function
        if function is None:
            return
        texts = self.texts.setdefault(function, set())
        text = self.text(func.value)
        texts.add(text)
        for ancestor in self.ctx.ancestors:
            if isinstance(ancestor, cst.For) and self.text(ancestor.target) == text:
                texts.add(self.text(ancestor.iter))

    def is_cancelled(self, expr: cst.BaseExpression) -> bool:
        function = self.ctx.scope.function
        texts = self.texts.get(function) if function is not None else None
        return bool(texts) and self.text(expr) in texts  # type: ignore[operator]

    def gathers_cancelled(self, call: cst.Call) -> bool:
        """A gather/wait/wait_for/shield given something this function cancelled."""
        return self.ctx.qualname(call.func) in WAITERS and any(
            self.is_cancelled(arg.value) for arg in call.args if arg.keyword is None)


# Nodes an exception passes through on its way into a log message.
_TEXT_PARTS = (cst.Arg, cst.FormattedStringExpression, cst.FormattedString,
               cst.ConcatenatedString, cst.BinaryOperation, cst.Tuple, cst.Element,
               cst.Attribute)

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                          "critical", "log", "print"})


def is_logged(node: cst.Name, parent: Parents) -> bool:
    """Only logged: `log.debug("%s", exc)`, `logger.error(f"{exc!r}", exc_info=exc)`."""
    current: Optional[cst.CSTNode] = parent.get(node)
    while current is not None:
        if isinstance(current, cst.Call):
            called = last_name(current.func)
            if called in _LOG_METHODS:
                return True
            if called not in ("str", "repr", "type", "format"):
                return False
        elif not isinstance(current, _TEXT_PARTS):
            return False
        current = parent.get(current)
    return False


def awaited_exprs(body: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    for node in descendants(body, into_scopes=False):
        if isinstance(node, cst.Await):
            yield node.expression


def raises(body: cst.CSTNode) -> bool:
    return any(isinstance(node, cst.Raise) for node in descendants(body, into_scopes=False))


def handles_own_exceptions(ctx: "Context", func: cst.FunctionDef) -> bool:
    """Whether every statement of the def's body cannot fail (see `_cannot_fail`) or is a
    `try` with a handler that catches every Exception (`Exception`, `BaseException`, bare)
    and raises nothing (see `_try_keeps_errors`), or is a `while True:` whose body is made
    the same way; with at least one such `try`. What the coroutine raises is then dealt with
    inside it, so nothing is left for the task to lose."""
    scope = ctx.names.scope_of.get(func, ctx.names.module_scope)    # where handlers run
    return _handles_own(ctx, scope, func.body, loop_allowed=True)


def _handles_own(ctx: "Context", scope: Scope, body: cst.BaseSuite, loop_allowed: bool
                 ) -> bool:
    if not isinstance(body, cst.IndentedBlock):
        return False
    guarded = False
    for statement in body.body:
        if isinstance(statement, cst.Try):
            if not _try_keeps_errors(ctx, scope, statement):
                return False
            guarded = True
        elif loop_allowed and isinstance(statement, cst.While) and statement.orelse is None \
                and _cannot_fail_test(statement.test):
            # `while True:` around such tries: each round's errors are dealt with there.
            if not _handles_own(ctx, scope, statement.body, loop_allowed=False):
                return False
            guarded = True
        elif not _cannot_fail(ctx, scope, statement):
            return False
    return guarded


def _try_keeps_errors(ctx: "Context", scope: Scope, statement: cst.Try) -> bool:
    """A handler catches every Exception and raises nothing; any other handler that raises
    only re-raises the task's own cancellation (`except CancelledError: ... raise`); the
    `else` and `finally` blocks cannot fail. (What an earlier handler raises, or the `else`
    and `finally` blocks, is not caught by the catch-all.)"""
    if not any(_catches_every_error(ctx, scope, handler) and not raises(handler.body)
               for handler in statement.handlers):
        return False
    if not all(_reraises_only_cancellation(ctx, scope, handler)
               for handler in statement.handlers if raises(handler.body)):
        return False
    for block in (statement.orelse, statement.finalbody):
        if block is not None and not (isinstance(block.body, cst.IndentedBlock) and all(
                _cannot_fail(ctx, scope, line) for line in block.body.body)):
            return False
    return True


def _reraises_only_cancellation(ctx: "Context", scope: Scope, handler: Handler) -> bool:
    caught = handler.type
    if caught is None or ctx.names.qualname(caught, scope) not in CANCELLED_ERRORS:
        return False
    return all(node.exc is None for node in descendants(handler.body, into_scopes=False)
               if isinstance(node, cst.Raise))


def _cannot_fail_test(test: cst.BaseExpression) -> bool:
    """`True`, `1`, `self._running`, `not self.closed`: a loop condition that cannot raise."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, (cst.Name, cst.Integer)):
        return True
    return isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name)


_CONSTANTS = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Name)


def _cannot_fail(ctx: "Context", scope: Scope, statement: cst.BaseStatement) -> bool:
    """A docstring, `pass`, `x = 0.0` or `self.x = None`, an `assert` (a type-narrowing
    idiom, taken as true), a guard `if self.interval is None: return`, a log call,
    `event.set()` or `task.cancel()` on a known event or task, or `await asyncio.sleep(...)`
    (which raises only the task's own cancellation)."""
    if isinstance(statement, cst.If):
        return _is_guard_clause(ctx, scope, statement)
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Pass, cst.Assert)):
            continue
        if isinstance(small, cst.Expr) and (isinstance(small.value, _CONSTANTS)
                                            or _is_log_call(small.value)
                                            or _is_quiet_method_call(ctx, scope, small.value)
                                            or _is_quiet_await(ctx, scope, small.value)):
            continue
        if isinstance(small, (cst.Assign, cst.AnnAssign)) and isinstance(small.value, _CONSTANTS) \
                and all(_plain_target(target.target)
                        for target in getattr(small, "targets", ())):
            continue
        return False
    return True


def _plain_target(target: cst.BaseExpression) -> bool:
    """`x` or `self._future`: a store that cannot fail (a property setter is not expected)."""
    return isinstance(target, cst.Name) or (isinstance(target, cst.Attribute)
                                            and isinstance(target.value, cst.Name))


def _is_log_call(expr: cst.BaseExpression) -> bool:
    """`LOGGER.debug(...)`, `self.log.warning(...)`: a log call (taken not to fail)."""
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) \
        and expr.func.attr.value in _LOG_METHODS


def _is_quiet_method_call(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    """`self.started.set()` on an `asyncio.Event`, `self._task.cancel()` on a task."""
    if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)
            and _plain_target(expr.func.value)):
        return False
    method, receiver = expr.func.attr.value, expr.func.value
    if method == "cancel":
        return _holds_a_task(ctx, scope, receiver)
    return method in QUIET_METHODS.get(ctx.names.instance_type(receiver, scope) or "", ())


def _is_quiet_await(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Await) and isinstance(expr.expression, cst.Call) \
        and ctx.names.qualname(expr.expression.func, scope) in QUIET_AWAITS


def _catches_every_error(ctx: "Context", scope: Scope, handler: cst.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    kinds = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) \
        else [caught]
    return any(ctx.names.qualname(kind, scope) in EVERY_ERROR for kind in kinds)


def _is_guard_clause(ctx: "Context", scope: Scope, statement: cst.If) -> bool:
    """`if <test>: return` (or `continue`, `break`), with no else, where the test cannot
    fail: names and attributes, `is [not] None`, `not`, `and`/`or`, and `.done()` or
    `.cancelled()` of a task (`if self._scan is not None and not self._scan.done(): continue`)."""
    if statement.orelse is not None or not _is_quiet_test(ctx, scope, statement.test):
        return False
    body = statement.body
    lines = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if len(lines) != 1 or not isinstance(lines[0], (cst.SimpleStatementLine,
                                                    cst.SimpleStatementSuite)):
        return False
    smalls = lines[0].body
    if len(smalls) != 1:
        return False
    if isinstance(smalls[0], (cst.Continue, cst.Break)):
        return True
    return isinstance(smalls[0], cst.Return) \
        and (smalls[0].value is None
             or isinstance(smalls[0].value, cst.Name) and smalls[0].value.value == "None")


_TASK_STATE_METHODS = frozenset({"done", "cancelled"})


def _is_quiet_test(ctx: "Context", scope: Scope, test: cst.BaseExpression) -> bool:
    """A condition whose evaluation cannot raise (see `_is_guard_clause`)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _is_quiet_test(ctx, scope, test.expression)
    if isinstance(test, cst.BooleanOperation):
        return _is_quiet_test(ctx, scope, test.left) and _is_quiet_test(ctx, scope, test.right)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
            and isinstance(test.comparisons[0].operator, (cst.Is, cst.IsNot)) \
            and isinstance(test.comparisons[0].comparator, cst.Name):
        test = test.left
    if isinstance(test, cst.Call) and not test.args and isinstance(test.func, cst.Attribute) \
            and test.func.attr.value in _TASK_STATE_METHODS \
            and _holds_a_task(ctx, scope, test.func.value):
        return True
    return _plain_target(test)


def _holds_a_task(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    """Known to hold a task (or None): typed so, or `self.x` whose every store in the class
    is `None` or a task factory's call."""
    if ctx.names.instance_type(expr, scope) in TASK_TYPES:
        return True
    if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)):
        return False
    owner = self_class(scope, expr.value.value)
    stores = owner.attributes.get(expr.attr.value, []) if owner is not None else []
    tasks = [store for store in stores if isinstance(store.node, cst.Call)
             and task_factory(ctx, store.node, store.scope)]
    nones = [store for store in stores if store.node is not None and _is_none(store.node)]
    return bool(tasks) and len(tasks) + len(nones) == len(stores)
