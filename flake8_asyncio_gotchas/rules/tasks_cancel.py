"""What AIO403 needs to know about a caught CancelledError: whose it is (this task's, another
task's it awaited, or one the function injected itself) and whether the handler re-raises it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from ..calls.tasks import CANCELLED_ERRORS, INJECTING_NAMES, TASK_FACTORY_SUFFIXES, TASK_TYPES
from ..names import Binding, Scope
from ..walk import children, descendants
from .tasks_analysis import last_name

if TYPE_CHECKING:
    from .base import Context

Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def reraises(handler: Handler) -> bool:
    """Whether the handler has a `raise` that may re-raise what it caught.

    A bare `raise` inside a nested handler (`try: ... except (KeyboardInterrupt, SystemExit):
    raise`) re-raises the nested handler's exception, not this one's. Any other `raise`
    counts, also `raise Other() from e` (which still ends the task) and conditional ones.
    """
    stack: List[Tuple[cst.CSTNode, bool]] = [(kid, False) for kid in children(handler.body)]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, cst.Raise) and not (nested and node.exc is None):
            return True
        if isinstance(node, _SCOPES):
            continue
        inner = nested or isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler))
        stack.extend((kid, inner) for kid in children(node))
    return False


def holds_task(ctx: "Context", expr: cst.BaseExpression) -> bool:
    """Whether an awaited expression is known to be another task or future, whose
    CancelledError says that task was cancelled.

    A name must be known to hold one (made by `create_task`, `ensure_future`, `gather`,
    `loop.create_future`, `run_in_executor`, or annotated `Task`/`Future`): a parameter or a
    local holding a coroutine is where this task's own cancellation lands. An attribute
    (`self._task`) is taken for a handle unless it is seen holding a coroutine.
    """
    if isinstance(expr, cst.Name):
        if ctx.instance_type(expr) in TASK_TYPES:
            return True
        bindings = ctx.names.bindings(expr.value, ctx.scope)
        if not bindings:
            return False
        return all(_binds_task(ctx, binding) for binding in bindings)
    if not isinstance(expr, cst.Attribute):
        return False
    if ctx.instance_type(expr) in TASK_TYPES:
        return True
    return not _holds_coroutine(ctx, expr)


def _binds_task(ctx: "Context", binding: Binding) -> bool:
    """`task = create_referenced_task(...)` (a project factory named like one), or
    `for task in self._tasks` (iterating a collection of tasks)."""
    value = binding.node
    if binding.kind == "assign" and isinstance(value, cst.Call):
        called = last_name(value.func)
        # The name is the only clue for another module's factory; a def here says what it is.
        return called is not None and called.endswith(TASK_FACTORY_SUFFIXES) \
            and ctx.names.definition(value.func, binding.scope) is None
    if binding.iterable is None:
        return False
    iterable = binding.iterable
    while isinstance(iterable, cst.Call) and len(iterable.args) <= 1:
        # `list(tasks)`, `sorted(tasks)`, `tasks.copy()`, `tasks.values()`
        if isinstance(iterable.func, cst.Name) and iterable.func.value in _COPIES \
                and iterable.args:
            iterable = iterable.args[0].value
        elif isinstance(iterable.func, cst.Attribute) and not iterable.args \
                and iterable.func.attr.value in _VIEWS:
            iterable = iterable.func.value
        else:
            break
    return holds_tasks(ctx, iterable, binding.scope)


_COPIES = frozenset({"list", "tuple", "set", "sorted", "reversed", "frozenset"})
_VIEWS = frozenset({"copy", "values"})


def holds_tasks(ctx: "Context", expr: cst.BaseExpression,
                scope: Optional[Scope] = None) -> bool:
    """`*tasks` given to gather/wait: a collection known to hold tasks or futures
    (`tasks: list[asyncio.Task]`, `[create_task(c) for c in coros]`); an attribute is taken
    for one, as in `holds_task`."""
    if isinstance(expr, cst.Attribute):
        return not _holds_coroutine(ctx, expr)
    return ctx.names.element_type(expr, scope or ctx.scope) in TASK_TYPES


def _holds_coroutine(ctx: "Context", expr: cst.Attribute) -> bool:
    """`self._waiter` when some `self._waiter = self._wait()` makes it a coroutine."""
    owner = ctx.names.class_of(expr.value, ctx.scope)
    bindings = owner.attributes.get(expr.attr.value, ()) if owner is not None else ()
    return any(isinstance(binding.node, cst.Call)
               and ctx.index.is_coroutine_call(binding.node, binding.scope)
               for binding in bindings)


def injects_cancellation(ctx: "Context", node: Union[cst.Try, cst.TryStar]) -> bool:
    """Whether the CancelledError this try catches may be one its own function made: a
    `raise CancelledError` in the try's body or in a def nested in the function, or a mock
    told to raise it (`side_effect=`, `exception=`, `mock.side_effect = [msg,
    CancelledError()]`, also through a local). Tests do this to stop an endless loop."""
    if any(isinstance(inner, cst.Raise) and inner.exc is not None
           and _mentions_cancellation(ctx, inner.exc, ctx.scope)
           for inner in descendants(node.body, into_scopes=False)):
        return True
    function = ctx.scope.function
    if function is None or not isinstance(function.node, cst.FunctionDef):
        return False
    cache: Dict[Scope, bool] = ctx.shared.setdefault("injects_cancellation", {})
    if function not in cache:
        cache[function] = _function_injects(ctx, function)
    return cache[function]


def _function_injects(ctx: "Context", function: Scope) -> bool:
    definition = function.node
    if not isinstance(definition, cst.FunctionDef):    # the caller checked: narrows the type
        return False
    for nested in descendants(definition.body, into_scopes=False):
        # A fake defined here that raises it (in the function's own body, only a raise in the
        # try's body counts: see injects_cancellation).
        if isinstance(nested, (cst.FunctionDef, cst.ClassDef)) and any(
                isinstance(node, cst.Raise) and node.exc is not None
                and _mentions_cancellation(ctx, node.exc, function)
                for node in descendants(nested)):
            return True
    given: Set[str] = set()          # locals handed to `side_effect=` / `.side_effect =`
    holding: Set[str] = set()        # locals whose value mentions CancelledError
    for node in descendants(definition.body, into_scopes=True):
        value = None
        if isinstance(node, cst.Arg) and node.keyword is not None \
                and node.keyword.value in INJECTING_NAMES:
            value = node.value
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Attribute) \
                        and target.target.attr.value in INJECTING_NAMES:
                    value = node.value
                elif isinstance(target.target, cst.Name) \
                        and _mentions_cancellation(ctx, node.value, function):
                    holding.add(target.target.value)
        if value is None:
            continue
        if _mentions_cancellation(ctx, value, function):
            return True
        if isinstance(value, cst.Name):
            given.add(value.value)
    return bool(given & holding)


def _mentions_cancellation(ctx: "Context", expr: cst.BaseExpression, scope: Scope) -> bool:
    for node in [expr, *descendants(expr)]:
        if isinstance(node, (cst.Name, cst.Attribute)) \
                and ctx.names.qualname(node, scope) in CANCELLED_ERRORS:
            return True
    return False
