"""Whether a same-module function deals with its own errors, so that a task running it has
no exception to lose (AIO400, AIO401, AIO402): the one answer, judged one way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from ..calls.tasks import CANCELLED_ERRORS, EVERY_ERROR, QUIET_AWAITS, QUIET_METHODS
from ..names import Scope
from ..walk import descendants
from .tasks_analysis import LOG_METHODS, Handler, raises
from .tasks_handles import holds_task
from .tasks_starts import coroutine_argument

if TYPE_CHECKING:
    from ..engine import Context


def runs_own_error_handler(ctx: "Context", factory: str, call: cst.Call) -> bool:
    """What the task made by `call` runs deals with its own errors: a call of a same-module
    coroutine that does (see `coroutine_handles_own`), or, given to `run_in_executor`, a
    same-module sync function that does."""
    given = coroutine_argument(factory, call)
    if isinstance(given, cst.Call):
        return coroutine_handles_own(ctx, given, ctx.scope)
    if given is None or factory.rsplit(".", 1)[-1] != "run_in_executor":
        return False
    func = ctx.names.definition(given, ctx.scope)
    return isinstance(func, cst.FunctionDef) and func.asynchronous is None \
        and handles_own_exceptions(ctx, func)


def coroutine_handles_own(ctx: "Context", expr: cst.BaseExpression, scope: Optional[Scope]
                          ) -> bool:
    """`self.safe(x)`: a call (made in `scope`) of a same-module coroutine function whose
    body deals with its own errors (see `handles_own_exceptions`)."""
    if not isinstance(expr, cst.Call) or scope is None \
            or not ctx.index.is_coroutine_call(expr, scope):
        return False
    func = ctx.names.definition(expr.func, scope)
    return isinstance(func, cst.FunctionDef) and handles_own_exceptions(ctx, func)


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
        and expr.func.attr.value in LOG_METHODS


def _is_quiet_method_call(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    """`self.started.set()` on an `asyncio.Event`, `self._task.cancel()` on a task."""
    if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)
            and _plain_target(expr.func.value)):
        return False
    method, receiver = expr.func.attr.value, expr.func.value
    if method == "cancel":
        return holds_task(ctx, receiver, scope, unknown_attribute=False)
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
            and holds_task(ctx, test.func.value, scope, unknown_attribute=False):
        return True
    return _plain_target(test)
