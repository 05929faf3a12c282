"""Fixes of AIO4xx: keep the dangling task, observe the unobserved one, re-raise the
swallowed cancellation."""
from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from ..calls.tasks import CANCELLED_ERRORS
from ..rules.base import Finding
from .edits import UNSAFE, Edit, FileFix, wrapped

# Statements that end a handler by swallowing: the re-raise takes their place.
_SWALLOWING_ENDS = (cst.Pass, cst.Continue, cst.Break)


def fix_dangling_task(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO400: `asyncio.create_task(x())` -> `_aio_keep_task(asyncio.create_task(x()))`."""
    keep = f.names.helper("_aio_keep_task")
    if keep is None:
        return None
    return Edit(UNSAFE, lambda updated: wrapped(keep, updated))  # type: ignore[arg-type]


def fix_unobserved_task(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO401: the task gets a done callback that hands its exception to the event loop."""
    observe = f.names.helper("_aio_observe")
    if observe is None:
        return None
    return Edit(UNSAFE, lambda updated: wrapped(observe, updated))  # type: ignore[arg-type]


def fix_cancellation_swallowed(finding: Finding, f: FileFix) -> Optional[Edit]:
    """AIO403: `except asyncio.CancelledError:` re-raises at its end; a handler that catches
    more (bare, `BaseException`, a tuple) gets an `except CancelledError: raise` before it, so
    that the other exceptions it catches stay caught."""
    handler = finding.node
    if not isinstance(handler, cst.ExceptHandler):
        return None                            # `contextlib.suppress(...)`: not covered
    scope = f.sites.scope(handler)
    if handler.type is not None and f.ctx.names.qualname(handler.type, scope) \
            in CANCELLED_ERRORS:
        ended = _reraising_body(handler.body)
        if ended is None:
            return None
        return Edit(UNSAFE, lambda updated: updated.with_changes(  # type: ignore[attr-defined]
            body=_reraising_body(updated.body)))  # type: ignore[attr-defined]
    cancelled = f.names.ref("CancelledError", scope)
    if cancelled is None:
        return None

    def apply(updated: cst.CSTNode) -> cst.FlattenSentinel:
        assert isinstance(updated, cst.ExceptHandler)
        indent = updated.body.indent if isinstance(updated.body, cst.IndentedBlock) else None
        reraise = cst.ExceptHandler(
            type=cancelled,
            body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Raise()])], indent=indent),
            whitespace_after_except=cst.SimpleWhitespace(" "),
            leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([reraise, updated.with_changes(leading_lines=[])])

    return Edit(UNSAFE, apply)


def _reraising_body(body: cst.BaseSuite) -> Optional[cst.BaseSuite]:
    """`body` ending in `raise`: a trailing `pass`/`continue`/`break` replaced, otherwise a
    `raise` appended; None when it ends in `return` (what it returns would be dropped)."""
    statements: Sequence[cst.CSTNode] = body.body
    last = statements[-1] if statements else None
    small = last.body if isinstance(last, cst.SimpleStatementLine) else None
    if isinstance(body, cst.SimpleStatementSuite):
        small = body.body
    if small and isinstance(small[-1], cst.Return):
        return None
    if small and isinstance(small[-1], _SWALLOWING_ENDS):
        ending = list(small[:-1]) + [cst.Raise()]
        if isinstance(body, cst.SimpleStatementSuite):
            return body.with_changes(body=ending)
        return body.with_changes(body=list(statements[:-1]) + [last.with_changes(body=ending)])
    if isinstance(body, cst.SimpleStatementSuite):
        return body.with_changes(body=list(small or []) + [cst.Raise()])
    return body.with_changes(body=list(statements) + [cst.SimpleStatementLine([cst.Raise()])])
