"""Whether a same-module function deals with its own errors, so that a task running it has
no exception to lose (AIO400, AIO401, AIO402): the one answer, judged one way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, AbstractSet, List, Optional, Set

import libcst as cst

from ..calls.tasks import (CANCELLED_ERRORS, EVERY_ERROR, QUEUE_ROUND_METHODS,
                           QUIET_AWAIT_METHODS, QUIET_AWAITS, QUIET_METHODS, UNBOUNDED_QUEUES)
from ..names import Scope, self_class, target_leaves
from ..walk import descendants
from .tasks_analysis import LOG_METHODS, Handler, raises
from .tasks_elsewhere import judged_elsewhere
from .tasks_handles import holds_task
from .tasks_starts import coroutine_argument

if TYPE_CHECKING:
    from .base import Context


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
    """`self.safe(x)`: a call (made in `scope`) of a coroutine function whose body deals
    with its own errors (see `handles_own_exceptions`): a def of this module, or a
    module-level one of another module, judged there the same way (`tasks_elsewhere`)."""
    if not isinstance(expr, cst.Call) or scope is None \
            or not ctx.index.is_coroutine_call(expr, scope):
        return False
    func = ctx.names.definition(expr.func, scope)
    if isinstance(func, cst.FunctionDef):
        return handles_own_exceptions(ctx, func)
    return func is None and judged_elsewhere(ctx, expr, scope, handles_own_exceptions)


def loses_no_error(ctx: "Context", expr: cst.BaseExpression, scope: Optional[Scope]) -> bool:
    """An awaitable (made in `scope`) with no exception of its own to lose: a call of a
    same-module coroutine that handles its own errors, or one that raises nothing but the
    task's own cancellation (`asyncio.sleep(...)`, `event.wait()` on an `asyncio.Event`)."""
    return scope is not None and isinstance(expr, cst.Call) \
        and (_raises_nothing(ctx, scope, expr) or coroutine_handles_own(ctx, expr, scope))


def _raises_nothing(ctx: "Context", scope: Scope, call: cst.Call) -> bool:
    if ctx.names.qualname(call.func, scope) in QUIET_AWAITS:
        return True
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value in QUIET_AWAIT_METHODS.get(
        ctx.names.instance_type(func.value, scope) or "", ()) \
        and _text(ctx, func.value) not in _shut_down(ctx)


def _shut_down(ctx: "Context") -> Set[str]:
    """What the module calls `.shutdown()` on, as source text (`self.queue`): a queue shut
    down makes its `get()` raise QueueShutDown (Python 3.13). Computed once per file."""
    found: Optional[Set[str]] = ctx.shared.get("shut_down_receivers")
    if found is None:
        found = ctx.shared["shut_down_receivers"] = {
            _text(ctx, node.func.value) for node in descendants(ctx.module)
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "shutdown"}
    return found


def _text(ctx: "Context", node: cst.CSTNode) -> str:
    return ctx.module.code_for_node(node).strip()


def handles_own_exceptions(ctx: "Context", func: cst.FunctionDef) -> bool:
    """Whether every statement of the def's body cannot fail (see `_cannot_fail`) or is a
    `try` with a handler that catches every Exception (`Exception`, `BaseException`, bare)
    and raises nothing (see `_try_keeps_errors`), or is a `while True:` whose body is made
    the same way; with at least one such `try`, or one call of a same-module helper read
    whole (see `_is_quiet_helper_call`): a body of sleeps and logs alone is taken for a
    stand-in, not judged. What the coroutine raises is then dealt with inside it, so
    nothing is left for the task to lose. "Cannot fail" means: but on a programming error
    (the program's own data of another shape than the code says, an attribute its own
    class lacks); real work, outside data, a configuration and a caller's callbacks can."""
    scope = ctx.names.scope_of.get(func, ctx.names.module_scope)    # where handlers run
    return _handles_own(ctx, scope, func.body, loop_allowed=True)


def _handles_own(ctx: "Context", scope: Scope, body: cst.BaseSuite, loop_allowed: bool
                 ) -> bool:
    if not isinstance(body, cst.IndentedBlock):
        return False
    guarded = False
    got: Set[str] = set()       # queues this round took an item from (`await q.get()`)
    for statement in body.body:
        if isinstance(statement, cst.Try):
            if not _try_keeps_errors(ctx, scope, statement, got):
                return False
            guarded = True
        elif loop_allowed and isinstance(statement, cst.While) and statement.orelse is None \
                and _cannot_fail_test(statement.test):
            # `while True:` around such tries: each round's errors are dealt with there.
            if not _handles_own(ctx, scope, statement.body, loop_allowed=False):
                return False
            guarded = True
        elif not _cannot_fail(ctx, scope, statement, got=got):
            return False
        elif _calls_quiet_helper(ctx, scope, statement):
            guarded = True
        got.update(_queues_got(ctx, statement))
    return guarded


def _queues_got(ctx: "Context", statement: cst.BaseStatement) -> List[str]:
    """`self.queue` for `item = await self.queue.get()` (a statement judged not to fail)."""
    found = []
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            value = getattr(small, "value", None)
            if isinstance(value, cst.Await) and isinstance(value.expression, cst.Call) \
                    and isinstance(value.expression.func, cst.Attribute) \
                    and value.expression.func.attr.value == "get":
                found.append(_text(ctx, value.expression.func.value))
    return found


def _calls_quiet_helper(ctx: "Context", scope: Scope, statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Expr) and _is_quiet_helper_call(ctx, scope, small.value)
        for small in statement.body)


def _try_keeps_errors(ctx: "Context", scope: Scope, statement: cst.Try,
                      got: AbstractSet[str] = frozenset()) -> bool:
    """A handler catches every Exception and raises nothing; any other handler that raises
    only re-raises the task's own cancellation (`except CancelledError: ... raise`); the
    `else` and `finally` blocks cannot fail. (What an earlier handler raises, or the `else`
    and `finally` blocks, is not caught by the catch-all.) `got`: the queues this round took
    an item from before the `try`, whose `task_done()` there cannot fail."""
    if not any(_catches_every_error(ctx, scope, handler) and not raises(handler.body)
               for handler in statement.handlers):
        return False
    if not all(_reraises_only_cancellation(ctx, scope, handler)
               for handler in statement.handlers if raises(handler.body)):
        return False
    for block in (statement.orelse, statement.finalbody):
        if block is not None and not (isinstance(block.body, cst.IndentedBlock) and all(
                _cannot_fail(ctx, scope, line, got=got) for line in block.body.body)):
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


def _cannot_fail(ctx: "Context", scope: Scope, statement: cst.BaseStatement,
                 follow_helpers: bool = True, got: AbstractSet[str] = frozenset()) -> bool:
    """A docstring, `pass`, `x = 0.0`, `self.x = None`, `url = self.url`, unpacking
    (`retries, delay = self.policy`), `handler = getattr(self, name)`, a bare annotation
    `data: str` (not evaluated in a function), an `assert` (a type-narrowing idiom, taken as
    true), a guard `if self.interval is None: return`, a log call, `event.set()` or
    `task.cancel()` on a known event or task, `put_nowait()` on an unbounded queue,
    `await asyncio.sleep(...)`, `await event.wait()` or `await queue.get()` (which raise
    only the task's own cancellation; the last also stored in a name or `self.x`, or
    unpacked), `queue.task_done()` on a queue in `got` (this round took an item from it), or
    (with `follow_helpers`) a call with plain arguments of a same-module sync function made
    only of such statements (`self.enqueue("flush")`)."""
    if isinstance(statement, cst.If):
        return _is_guard_clause(ctx, scope, statement)
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Pass, cst.Assert)):
            continue
        if isinstance(small, cst.Expr) and (isinstance(small.value, _CONSTANTS)
                                            or _is_log_call(small.value)
                                            or _is_quiet_method_call(ctx, scope, small.value,
                                                                     got)
                                            or _is_quiet_await(ctx, scope, small.value)
                                            or (follow_helpers and _is_quiet_helper_call(
                                                ctx, scope, small.value))):
            continue
        if _is_quiet_store(ctx, scope, small):
            continue
        return False
    return True


def _is_quiet_store(ctx: "Context", scope: Scope, small: cst.BaseSmallStatement) -> bool:
    """`x = 0.0`, `url = self.url`, `data: str` (an annotation alone: not evaluated in a
    function), `item = await self.queue.get()`, `name, args = await self.queue.get()`,
    `handler = getattr(self, name)`: plain targets (or an unpacking into them), a value
    that cannot fail but on a programming error."""
    value: Optional[cst.BaseExpression]
    if isinstance(small, cst.Assign):
        targets = [target.target for target in small.targets]
        value = small.value
    elif isinstance(small, cst.AnnAssign):
        targets, value = [small.target], small.value
    else:
        return False
    # Unpacking the program's own data (a name, an attribute, its own queue's item) fails
    # only when it has another shape than the code says: a programming error, not the
    # failure of some work that the task would lose.
    return all(_unpacking_target(target) for target in targets) and (
        value is None or _is_plain_value(value) or _is_quiet_await(ctx, scope, value)
        or _is_own_lookup(ctx, scope, value))


def _unpacking_target(target: cst.BaseExpression) -> bool:
    """`x`, `self.x`, or `name, (a, *rest)` made of them."""
    return all(_plain_target(leaf) for leaf in target_leaves(target))


def _is_own_lookup(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    """`getattr(self, name)`: the object's own attribute under a plain name, read as
    `self.x` is (an unknown name is the program's own mistake). A name computed there
    (`"on_" + kind`) or another object's attribute (`getattr(self.plugin, name)`) is not."""
    if not (isinstance(expr, cst.Call) and 2 <= len(expr.args) <= 3
            and ctx.names.qualname(expr.func, scope) == "getattr"
            and all(arg.star == "" and arg.keyword is None and _is_plain_value(arg.value)
                    for arg in expr.args)):
        return False
    receiver = expr.args[0].value
    return isinstance(receiver, cst.Name) and self_class(scope, receiver.value) is not None


def _is_quiet_helper_call(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    """`self.enqueue("flush")`: a same-module sync def (not a generator), called with plain
    arguments, whose every statement cannot fail (helpers it calls are not followed)."""
    if not isinstance(expr, cst.Call) or not all(
            arg.star == "" and _is_plain_value(arg.value) for arg in expr.args):
        return False
    func = ctx.names.definition(expr.func, scope)
    inner = ctx.names.scope_of.get(func) if isinstance(func, cst.FunctionDef) else None
    if not isinstance(func, cst.FunctionDef) or func.asynchronous is not None \
            or inner is None or inner.yields or not isinstance(func.body, cst.IndentedBlock):
        return False
    return all(_cannot_fail(ctx, inner, line, follow_helpers=False)
               for line in func.body.body)


def _is_plain_value(expr: cst.BaseExpression) -> bool:
    """A constant, a name, `self.x`, or a tuple of them: evaluating it cannot fail."""
    if isinstance(expr, cst.Tuple):
        return all(_is_plain_value(element.value) for element in expr.elements)
    return isinstance(expr, _CONSTANTS) or _plain_target(expr)


def _plain_target(target: cst.BaseExpression) -> bool:
    """`x` or `self._future`: a store that cannot fail (a property setter is not expected)."""
    return isinstance(target, cst.Name) or (isinstance(target, cst.Attribute)
                                            and isinstance(target.value, cst.Name))


def _is_log_call(expr: cst.BaseExpression) -> bool:
    """`LOGGER.debug(...)`, `self.log.warning(...)`: a log call (taken not to fail)."""
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) \
        and expr.func.attr.value in LOG_METHODS


def _is_quiet_method_call(ctx: "Context", scope: Scope, expr: cst.BaseExpression,
                          got: AbstractSet[str] = frozenset()) -> bool:
    """`self.started.set()` on an `asyncio.Event`, `self._task.cancel()` on a task,
    `self.queue.task_done()` on a queue in `got`."""
    if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)
            and _plain_target(expr.func.value)):
        return False
    method, receiver = expr.func.attr.value, expr.func.value
    if method == "cancel":
        return holds_task(ctx, receiver, scope, unknown_attribute=False)
    if method == "put_nowait":
        return all(_is_plain_value(arg.value) for arg in expr.args) \
            and _is_unbounded_queue(ctx, scope, receiver)
    if method in QUEUE_ROUND_METHODS:
        return not expr.args and _text(ctx, receiver) in got
    return method in QUIET_METHODS.get(ctx.names.instance_type(receiver, scope) or "", ())


def _is_unbounded_queue(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    """`self.queue` whose every store in its class is `asyncio.Queue()` (no maxsize)."""
    if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)):
        return False
    owner = ctx.names.class_of(expr.value, scope)
    stores = owner.attributes.get(expr.attr.value, []) if owner is not None else []
    return bool(stores) and all(
        isinstance(store.node, cst.Call) and not store.node.args
        and ctx.names.qualname(store.node.func, store.scope) in UNBOUNDED_QUEUES
        for store in stores)


def _is_quiet_await(ctx: "Context", scope: Scope, expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Await) and isinstance(expr.expression, cst.Call) \
        and _raises_nothing(ctx, scope, expr.expression)


def _catches_every_error(ctx: "Context", scope: Scope, handler: cst.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    kinds = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) \
        else [caught]
    return any(ctx.names.qualname(kind, scope) in EVERY_ERROR for kind in kinds)


def _is_guard_clause(ctx: "Context", scope: Scope, statement: cst.If) -> bool:
    """`if <test>: return` (or `continue`, `break`; log calls may come first), with no else,
    where the test cannot fail: names and attributes, `is [not] None`, `not`, `and`/`or`,
    and `.done()` or `.cancelled()` of a task (`if self._scan is not None and not
    self._scan.done(): continue`)."""
    if statement.orelse is not None or not _is_quiet_test(ctx, scope, statement.test):
        return False
    body = statement.body
    lines = body.body if isinstance(body, cst.IndentedBlock) else [body]
    smalls: List[cst.BaseSmallStatement] = []
    for line in lines:
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        smalls.extend(line.body)
    # Log calls first (`LOGGER.debug("Discarding %s", name)`), then the exit.
    if not all(isinstance(small, cst.Expr) and _is_log_call(small.value)
               for small in smalls[:-1]):
        return False
    last = smalls[-1]
    if isinstance(last, (cst.Continue, cst.Break)):
        return True
    return isinstance(last, cst.Return) \
        and (last.value is None
             or isinstance(last.value, cst.Name) and last.value.value == "None")


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
