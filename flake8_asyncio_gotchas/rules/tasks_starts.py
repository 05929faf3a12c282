"""How a module starts tasks: catalogued factories, the project's own wrappers around them
(`def safe_ensure_future(coro): return asyncio.ensure_future(coro)`), and the coroutines it
only ever runs as tasks (AIO400, AIO401, AIO403).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

from ..calls.tasks import FUNCTION_ARGUMENT, TASK_FACTORY_SUFFIXES, TASK_RUNNERS
from ..names import Scope, format_call
from ..walk import children, descendants
from .tasks_analysis import last_name, task_factory

if TYPE_CHECKING:
    from .base import Context

# A wrapper that returns the task it starts and keeps nothing ("plain"), or one that also
# keeps, watches or hands on the task itself ("keeps").
PLAIN, KEEPS = "plain", "keeps"


def started_task(ctx: "Context", call: cst.Call) -> Optional[str]:
    """The factory as written when `call` makes a task whose only handle it returns: a
    catalogued factory, or a same-module plain wrapper (`self.create_task(coro)`)."""
    factory = task_factory(ctx, call)
    if factory is not None:
        return factory
    if not call.args or not isinstance(call.func, (cst.Name, cst.Attribute)):
        return None
    target = ctx.names.definition(call.func, ctx.scope)
    if isinstance(target, cst.FunctionDef) and wrapper_kind(ctx, target) == PLAIN:
        return format_call(call.func)
    return None


def coroutine_argument(factory: str, call: cst.Call) -> Optional[cst.BaseExpression]:
    """What `call` runs: the coroutine given to a factory, the function given to
    `run_in_executor(executor, func)`."""
    position = FUNCTION_ARGUMENT.get(factory.rsplit(".", 1)[-1], 0)
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return positional[position] if len(positional) > position else None


def wrapper_kind(ctx: "Context", func: cst.FunctionDef) -> Optional[str]:
    """PLAIN or KEEPS when the sync def starts a task from one of its parameters, else None.

    PLAIN: it returns the factory's result (`return loop.create_task(coro)`, or `task = ...;
    return task` with `task` read nowhere else). Computed once per def."""
    cache: Dict[cst.FunctionDef, Optional[str]] = ctx.shared.setdefault("task_wrappers", {})
    if func not in cache:
        cache[func] = _wrapper_kind(ctx, func)
    return cache[func]


def _wrapper_kind(ctx: "Context", func: cst.FunctionDef) -> Optional[str]:
    body = ctx.names.scope_of.get(func)
    if func.asynchronous is not None or body is None or body.yields:
        return None
    params = {param.name.value for param in _parameters(func.params)}
    started = None
    for node in descendants(func.body, into_scopes=False):
        if isinstance(node, cst.Call):
            factory = task_factory(ctx, node, body)
            if factory is None:
                continue
            argument = coroutine_argument(factory, node)
            if isinstance(argument, cst.Name) and argument.value in params:
                started = node
                break
    if started is None:
        return None
    for node in descendants(func.body, into_scopes=False):
        if isinstance(node, cst.Return) and node.value is started:
            return PLAIN
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if isinstance(small, cst.Assign) and small.value is started \
                        and len(small.targets) == 1 \
                        and isinstance(small.targets[0].target, cst.Name):
                    name = small.targets[0].target.value
                    if ctx.names.read_count(name, body) == 1 and _returns_name(func, name):
                        return PLAIN
    return KEEPS


def _returns_name(func: cst.FunctionDef, name: str) -> bool:
    return any(isinstance(node, cst.Return) and isinstance(node.value, cst.Name)
               and node.value.value == name
               for node in descendants(func.body, into_scopes=False))


def _parameters(params: cst.Parameters) -> List[cst.Param]:
    found = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    found.extend(extra for extra in (params.star_arg, params.star_kwarg)
                 if isinstance(extra, cst.Param))
    return found


def _calls_with_scopes(ctx: "Context") -> Iterator[Tuple[cst.Call, Scope]]:
    """Every call of the module with the scope it runs in."""
    scope_of = ctx.names.scope_of
    stack: List[Tuple[cst.CSTNode, Scope]] = [(ctx.module, ctx.names.module_scope)]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, cst.Call):
            yield node, scope
        inner = scope_of.get(node)
        for kid in reversed(children(node)):
            if inner is None or node is ctx.module:
                stack.append((kid, scope))
            elif isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                stack.append((kid, inner if kid is node.body else scope))
            else:                               # a comprehension
                stack.append((kid, inner))


def _wrapper_names(ctx: "Context") -> Set[str]:
    """Names of the module's functions and methods that start a task from a parameter."""
    names = set()
    for node in descendants(ctx.module):
        if isinstance(node, cst.FunctionDef) and wrapper_kind(ctx, node) is not None:
            names.add(node.name.value)
    return names


def _through_a_module(ctx: "Context", call: cst.Call) -> bool:
    """`connect_utils._cancel(...)`: another module's function, not this module's `_cancel`."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
        return False
    bindings = ctx.names.bindings(func.value.value, ctx.names.module_scope)
    if not bindings:
        return False
    return all(binding.kind == "import" for binding in bindings)


def _started_call(ctx: "Context", value: cst.BaseExpression, scope: Scope
                  ) -> Optional[cst.Call]:
    """The coroutine call a runner is given: `run(main())`, or through a local assigned once
    (`wrapped = self._run(); loop.create_task(wrapped)`)."""
    if isinstance(value, cst.Call):
        return value
    if isinstance(value, cst.Name):
        bindings = ctx.names.bindings(value.value, scope)
        if bindings and len(bindings) == 1 and bindings[0].kind == "assign" \
                and isinstance(bindings[0].node, cst.Call):
            return bindings[0].node
    return None


def _is_runner(ctx: "Context", func: cst.BaseExpression, scope: Scope, runners: Set[str]
               ) -> bool:
    """A call that runs its coroutine argument as a task: asyncio's, a same-module wrapper,
    or another module's factory named like one (`create_referenced_task`; a same-module def
    so named is judged by what it is, not by its name)."""
    name = last_name(func)
    if name is None:
        return False
    return name in runners or (name.endswith(TASK_FACTORY_SUFFIXES)
                               and ctx.names.definition(func, scope) is None)


def task_entry_names(ctx: "Context") -> Set[str]:
    """Names of functions this module calls only to start a task with
    (`create_task(self._run())`, `asyncio.run(main())`, through a local first, through a
    same-module wrapper such as `safe_ensure_future(coro)`, or another module's factory named
    like one, `create_referenced_task(coro)`), never to await or pass on. A task awaited
    where it is made (`await create_task(self._run())`) is awaited: its awaiting caller
    carries on if the task swallows the cancellation it forwards.

    By name, not by resolution: a name also called anywhere else is left out. Computed once
    per file, on first use.
    """
    if "task_entry_names" not in ctx.shared:
        runners = set(TASK_RUNNERS) | _wrapper_names(ctx)
        calls = list(_calls_with_scopes(ctx))
        awaited = {node.expression for node in descendants(ctx.module)
                   if isinstance(node, cst.Await)}
        started: Set[cst.Call] = set()
        for call, scope in calls:
            if not call.args or call in awaited:
                continue
            coroutine = None
            if _is_runner(ctx, call.func, scope, runners):
                coroutine = _started_call(ctx, call.args[0].value, scope)
            if coroutine is None and len(call.args) > 1 \
                    and _is_runner(ctx, call.args[0].value, scope, runners):
                # `contextvars.Context().run(loop.create_task, self.run_asgi(app))`
                coroutine = _started_call(ctx, call.args[1].value, scope)
            if coroutine is not None:
                started.add(coroutine)
        names = {last_name(call.func) for call in started}
        names.difference_update(last_name(call.func) for call, _ in calls
                                if call not in started and not _through_a_module(ctx, call))
        names.discard(None)
        ctx.shared["task_entry_names"] = names
    return ctx.shared["task_entry_names"]
