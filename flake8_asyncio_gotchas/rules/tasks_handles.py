"""Which expressions hold a task or future: the one answer the AIO4xx rules share.

Two degrees of certainty, one function: `holds_task(..., unknown_attribute=True)` is how an
awaited expression is judged (AIO402, AIO403: an attribute is taken for a handle unless it is
seen holding a coroutine); `unknown_attribute=False` is how a statement that cannot fail is
judged (`self._task.cancel()` outside a try: only a task known from its stores counts).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from ..calls.tasks import TASK_FACTORY_SUFFIXES, TASK_TYPES
from ..names import Binding, Scope
from ..syntax import is_none
from .tasks_analysis import last_name, task_factory

if TYPE_CHECKING:
    from .base import Context


def holds_task(ctx: "Context", expr: cst.BaseExpression, scope: Optional[Scope] = None,
               unknown_attribute: bool = True) -> bool:
    """Whether `expr` (read in `scope`, by default where the walk is) is known to hold a
    task or future, whose CancelledError says that task was cancelled.

    Typed so (`asyncio.Task`, `Future`, also `Optional[...]`); a name whose every binding
    but `None` is a task (a task factory's call, a project factory named `*_task`/`*_future`
    of another module, or a loop variable over a collection of tasks); an attribute whose
    every store in its class is `None` or a task factory's call. Any other attribute counts
    when `unknown_attribute`, unless some store makes it a coroutine (`self._waiter =
    self._wait()`). A parameter or a local holding a coroutine is where this task's own
    cancellation lands: not a handle.
    """
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return False    # a call is judged by what it waits for (`gather(t1, t2)`: its arguments)
    scope = scope or ctx.scope
    if ctx.names.instance_type(expr, scope) in TASK_TYPES:
        return True
    if isinstance(expr, cst.Name):
        # `task = None`, then `if wanted: task = asyncio.create_task(...)`: a task or None.
        bindings = [binding for binding in ctx.names.bindings(expr.value, scope) or ()
                    if not (binding.kind == "assign" and binding.node is not None
                            and is_none(binding.node))]
        return bool(bindings) and all(_binds_task(ctx, binding) for binding in bindings)
    if unknown_attribute:
        return not _holds_coroutine(ctx, expr, scope)
    return _stores_only_tasks(ctx, expr, scope)


def _binds_task(ctx: "Context", binding: Binding) -> bool:
    """`task = asyncio.create_task(...)`, `task = create_referenced_task(...)` (a project
    factory named like one), or `for task in self._tasks` (iterating a collection of tasks)."""
    value = binding.node
    if binding.kind == "assign" and isinstance(value, cst.Call):
        if task_factory(ctx, value, binding.scope) is not None:
            return True
        called = last_name(value.func)
        # The name is the only clue for another module's factory; a def here says what it is.
        return called is not None and called.endswith(TASK_FACTORY_SUFFIXES) \
            and ctx.names.definition(value.func, binding.scope) is None
    if binding.iterable is None:
        return False
    # `list(tasks)`, `sorted(tasks)`, `tasks.copy()`, `tasks.values()`: the same tasks.
    iterable = ctx.names.types.copied(binding.iterable, binding.scope, _VIEWS)
    return holds_tasks(ctx, iterable, binding.scope)


_VIEWS = frozenset({"values"})


def holds_tasks(ctx: "Context", expr: cst.BaseExpression,
                scope: Optional[Scope] = None) -> bool:
    """`*tasks` given to gather/wait: a collection known to hold tasks or futures
    (`tasks: list[asyncio.Task]`, `[create_task(c) for c in coros]`); an attribute is taken
    for one, as in `holds_task`."""
    scope = scope or ctx.scope
    if isinstance(expr, cst.Attribute):
        return not _holds_coroutine(ctx, expr, scope)
    return ctx.names.element_type(expr, scope) in TASK_TYPES


def _holds_coroutine(ctx: "Context", expr: cst.Attribute, scope: Scope) -> bool:
    """`self._waiter` when some `self._waiter = self._wait()` makes it a coroutine."""
    owner = ctx.names.class_of(expr.value, scope)
    bindings = owner.attributes.get(expr.attr.value, ()) if owner is not None else ()
    return any(isinstance(binding.node, cst.Call)
               and ctx.index.is_coroutine_call(binding.node, binding.scope)
               for binding in bindings)


def _stores_only_tasks(ctx: "Context", expr: cst.Attribute, scope: Scope) -> bool:
    """`self.x` whose every store in the class is `None` or a task factory's call (one at
    least)."""
    if not isinstance(expr.value, cst.Name):
        return False
    owner = ctx.names.class_of(expr.value, scope)
    stores = owner.attributes.get(expr.attr.value, []) if owner is not None else []
    tasks = [store for store in stores if isinstance(store.node, cst.Call)
             and task_factory(ctx, store.node, store.scope)]
    nones = [store for store in stores if store.node is not None and is_none(store.node)]
    return bool(tasks) and len(tasks) + len(nones) == len(stores)
