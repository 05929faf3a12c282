"""Fixes of AIO2xx: `time.sleep()` becomes `await asyncio.sleep()`; other blocking calls move
into a thread with `await asyncio.to_thread()`."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..calls.blocking import THREAD_BOUND
from ..names import Scope
from ..rules.base import Finding
from .edits import SAFE, UNSAFE, Edit, FileFix, awaited, expression


def fix_blocking_sleep(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO200: `time.sleep(x)` -> `await asyncio.sleep(x)`, the arguments as written."""
    call = finding.node
    if not isinstance(call, cst.Call) or not f.sites.await_allowed(call):
        return None
    scope = f.sites.scope(call)
    if f.ctx.names.qualname(call.func, scope) != "time.sleep":
        return None
    sleep = f.names.ref("sleep", scope)
    if sleep is None:
        return None
    parent = f.sites.up(call)
    return Edit(SAFE, lambda updated: awaited(
        call, parent, expression(updated.with_changes(func=sleep))))


def _thread_bound(f: FileFix, call: cst.Call, scope: Scope) -> bool:
    """A call of, or on, an object bound to the thread that made it (`sqlite3`)."""
    called = f.ctx.names.qualname(call.func, scope)
    if called is None and isinstance(call.func, cst.Attribute):
        owner = f.ctx.names.instance_type(call.func.value, scope)
        called = owner + "." + call.func.attr.value if owner is not None else None
    return called is not None and called.startswith(THREAD_BOUND)


def fix_to_thread(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO201-AIO203, AIO206: `f(*args, **kwargs)` -> `await asyncio.to_thread(f, *args,
    **kwargs)`: the callee and the arguments are evaluated where they were, the call runs in
    the default executor's thread."""
    call = finding.node
    if not isinstance(call, cst.Call) or not f.sites.await_allowed(call):
        return None
    parent = f.sites.up(call)
    if isinstance(parent, cst.WithItem):
        # `with open(p) as f:`, `with client.stream(...)`: the blocking goes on in the
        # context manager's methods and the body, which a thread for the call does not move.
        return None
    scope = f.sites.scope(call)
    if _thread_bound(f, call, scope):
        return None
    to_thread = f.names.ref("to_thread", scope)
    if to_thread is None:
        return None

    def apply(updated: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(updated, cst.Call)
        # Laid out as the call was: `f(\n    a,\n)` becomes `to_thread(\n    f,\n    a,\n)`.
        opening = updated.whitespace_before_args
        after_callee = opening if isinstance(opening, cst.ParenthesizedWhitespace) \
            else cst.SimpleWhitespace(" ")
        comma = cst.Comma(whitespace_after=after_callee)
        first = cst.Arg(updated.func, comma=comma if updated.args else cst.MaybeSentinel.DEFAULT)
        moved = cst.Call(func=to_thread, args=[first, *updated.args],
                         whitespace_before_args=opening)
        return awaited(call, parent, moved)

    return Edit(UNSAFE, apply)
