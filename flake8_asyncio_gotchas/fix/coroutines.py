"""Fixes of AIO1xx: await the dropped coroutine, schedule the async callback, wrap what
`asyncio.wait()` is given."""
from __future__ import annotations

from typing import Callable, Iterator, Optional, Sequence

import libcst as cst

from ..names import Scope
from ..rules.base import Finding
from ..walk import descendants
from .edits import SAFE, UNSAFE, Edit, FileFix, awaited, expression, wrapped

# Loop methods (and the futures' `add_done_callback`) that call their callback in the event
# loop's thread, where `asyncio.create_task()` works. Threads, executors, signal and exit
# handlers call it elsewhere: no mechanical edit is right there.
_LOOP_THREAD_APIS = frozenset({
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_signal_handler",
    "add_reader", "add_writer", "add_done_callback"})

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)
_SEQUENCES = (cst.List, cst.Set, cst.Tuple)


def fix_never_awaited(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO100 on an expression statement: `await` it in an async def (safe); at module level,
    run it with `asyncio.run()` (unsafe: wrong where a loop already runs)."""
    call = finding.node
    statement = f.sites.up(call)
    if not isinstance(statement, cst.Expr) or statement.value is not call:
        return None
    if f.sites.await_allowed(call):
        return Edit(SAFE, lambda updated: awaited(call, statement, expression(updated)))
    if f.sites.runs_at_module_level(call):
        run = f.names.ref("run", f.sites.scope(call))
        if run is not None:
            return Edit(UNSAFE, lambda updated: wrapped(run, expression(updated)))
    return None


def fix_async_callback(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO102: `loop.call_soon(shutdown)` -> `loop.call_soon(_aio_schedule(shutdown))`."""
    callback = finding.node
    arg = f.sites.up(callback)
    api = f.sites.up(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(api, cst.Call) or not isinstance(api.func, cst.Attribute) \
            or api.func.attr.value not in _LOOP_THREAD_APIS:
        return None
    schedule = f.names.helper("_aio_schedule")
    if schedule is None:
        return None
    return Edit(UNSAFE, lambda updated: wrapped(schedule, expression(updated)))


def fix_wait_on_coroutines(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO103: each coroutine given to `asyncio.wait()` wrapped in `asyncio.create_task()`."""
    call = finding.node
    assert isinstance(call, cst.Call)
    scope = f.sites.scope(call)
    argument = _fs_argument(call)
    if argument is None:
        return None
    value = argument.value
    is_coroutine = f.ctx.index.is_coroutine_call
    if isinstance(value, (cst.List, cst.Set, cst.Tuple)) and not any(
            isinstance(e, cst.StarredElement) for e in value.elements):
        targets = [e.value for e in value.elements
                   if isinstance(e.value, cst.Call) and is_coroutine(e.value, scope)]
    elif isinstance(value, _COMPREHENSIONS):
        inner = f.ctx.names.scope_of.get(value, scope)
        targets = [value.elt] if isinstance(value.elt, cst.Call) and is_coroutine(
            value.elt, inner) else []
    else:
        return _wrap_each(call, argument, f, scope)
    create_task = f.names.ref("create_task", scope) if targets else None
    if create_task is None:
        return None
    return Edit(SAFE, _wrapping(call, targets, create_task))


def _wrapping(call: cst.Call, targets: Sequence[cst.BaseExpression],
              create_task: cst.BaseExpression) -> Callable[[cst.CSTNode], cst.CSTNode]:
    """Wrap the `targets` (elements of the original `call`) in `create_task(...)`; the
    elements are matched by position, since a nested fix may have rewritten them."""
    return lambda updated: _rewrap(call, updated, targets, create_task)


def _rewrap(call: cst.Call, updated: cst.CSTNode, targets: Sequence[cst.BaseExpression],
            create_task: cst.BaseExpression) -> cst.CSTNode:
    argument = _fs_argument(call)
    new_argument = _fs_argument(updated)  # type: ignore[arg-type]
    assert argument is not None and new_argument is not None
    value, new_value = argument.value, new_argument.value
    replaced: cst.BaseExpression
    if isinstance(value, _COMPREHENSIONS) and isinstance(new_value, _COMPREHENSIONS):
        replaced = new_value.with_changes(elt=wrapped(create_task, new_value.elt))
    else:
        assert isinstance(value, _SEQUENCES) and isinstance(new_value, _SEQUENCES)
        elements = [
            new.with_changes(value=wrapped(create_task, new.value))
            if any(old.value is target for target in targets) else new
            for old, new in zip(value.elements, new_value.elements)]
        replaced = new_value.with_changes(elements=elements)
    return updated.with_deep_changes(new_argument, value=replaced)


def _wrap_each(call: cst.Call, argument: cst.Arg, f: FileFix, scope: Scope
               ) -> Optional[Edit]:
    """`asyncio.wait(coros)` -> `asyncio.wait([asyncio.ensure_future(c) for c in coros])`:
    `ensure_future` since a name's list may hold tasks already, which it passes through."""
    ensure_future = f.names.ref("ensure_future", scope)
    if ensure_future is None:
        return None
    element = "aw"
    used = {n.value for n in _names_in(argument.value)}
    while element in used:
        element += "_"

    def apply(updated: cst.CSTNode) -> cst.CSTNode:
        new_argument = _fs_argument(updated)  # type: ignore[arg-type]
        assert new_argument is not None
        comprehension = cst.ListComp(
            elt=wrapped(ensure_future, cst.Name(element)),
            for_in=cst.CompFor(target=cst.Name(element), iter=new_argument.value))
        return updated.with_deep_changes(new_argument, value=comprehension)

    return Edit(SAFE, apply)


def _names_in(node: cst.CSTNode) -> Iterator[cst.Name]:
    if isinstance(node, cst.Name):
        yield node
    for inner in descendants(node):
        if isinstance(inner, cst.Name):
            yield inner


def _fs_argument(call: cst.Call) -> Optional[cst.Arg]:
    """The argument `asyncio.wait()` takes its awaitables from (first positional, or `fs=`)."""
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None or arg.keyword.value == "fs":
            return arg
    return None
