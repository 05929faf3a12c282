"""Fixes of AIO4xx: keep the dangling task, observe the unobserved one, re-raise the
swallowed cancellation."""
from __future__ import annotations

from typing import Dict, Optional, Sequence

import libcst as cst

from ..calls.tasks import CANCELLED_ERRORS
from ..rules.base import Finding
from .edits import UNSAFE, Edit, FileFix, wrapped

# Statements that end a handler by swallowing: the re-raise takes their place.
_SWALLOWING_ENDS: tuple = (cst.Pass, cst.Continue, cst.Break)


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
    """AIO403: the handler re-raises at its end. A handler of `CancelledError` alone ends in
    `raise`; one that catches more (bare, `BaseException`, a tuple) ends in `if
    isinstance(error, CancelledError): raise`, so that the other exceptions stay caught."""
    handler = finding.node
    if not isinstance(handler, cst.ExceptHandler):
        return None                            # `contextlib.suppress(...)`: not covered
    scope = f.sites.scope(handler)
    if handler.type is not None and f.ctx.names.qualname(handler.type, scope) \
            in CANCELLED_ERRORS:
        if _reraising_body(handler.body, cst.Raise()) is None:
            return None

        def reraise(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.ExceptHandler)
            return updated.with_changes(body=_reraising_body(updated.body, cst.Raise()))

        return Edit(UNSAFE, reraise)
    cancelled = f.names.ref("CancelledError", scope)
    if cancelled is None or not isinstance(handler.body, cst.IndentedBlock):
        return None
    name = handler.name.name if handler.name is not None else None
    if name is not None and not isinstance(name, cst.Name):
        return None
    fresh = name.value if name is not None else f.names.fresh_name("error")
    check = cst.If(
        test=cst.Call(cst.Name("isinstance"), [
            cst.Arg(cst.Name(fresh), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(cancelled)]),
        body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Raise()])]))

    def apply(updated: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(updated, cst.ExceptHandler)
        changes: Dict[str, object] = {
            "body": _reraising_body(updated.body, check, replace_pass=False)}
        if name is None:                       # `except:` is `except BaseException:`
            changes["type"] = updated.type or cst.Name("BaseException")
            changes["name"] = cst.AsName(cst.Name(fresh))
            changes["whitespace_after_except"] = cst.SimpleWhitespace(" ")
        return updated.with_changes(**changes)

    return Edit(UNSAFE, apply)


def _reraising_body(body: cst.BaseSuite, reraise: cst.CSTNode, replace_pass: bool = True
                    ) -> Optional[cst.BaseSuite]:
    """`body` ending in `reraise` (a `raise`, or an `if` that raises): a trailing `pass`,
    `continue` or `break` is replaced by a bare `raise`, or follows the conditional one;
    None when a bare `raise` would follow a `return` (what it returns would be dropped)."""
    conditional = isinstance(reraise, cst.If)
    statements: Sequence[cst.CSTNode] = body.body
    last = statements[-1] if statements else None
    if isinstance(body, cst.SimpleStatementSuite):
        if conditional:
            return None
        small = list(body.body)
        if small and isinstance(small[-1], cst.Return):
            return None
        if small and isinstance(small[-1], _SWALLOWING_ENDS):
            small = small[:-1]
        return body.with_changes(body=small + [cst.Raise()])
    small = list(last.body) if isinstance(last, cst.SimpleStatementLine) else []
    ends = bool(small) and isinstance(small[-1], _SWALLOWING_ENDS + (cst.Return,))
    if ends and len(small) == 1 and conditional:
        # The check goes before the statement that ends the handler, which stays.
        moved = last.with_changes(leading_lines=[])  # type: ignore[union-attr]
        check = reraise.with_changes(leading_lines=last.leading_lines)  # type: ignore
        return body.with_changes(body=list(statements[:-1]) + [check, moved])
    if ends and not conditional:
        if isinstance(small[-1], cst.Return):
            return None
        ending = small[:-1] + [cst.Raise()]
        return body.with_changes(
            body=list(statements[:-1]) + [last.with_changes(body=ending)])  # type: ignore
    if ends:
        return None                            # `x(); return` on one line: not covered
    addition = reraise if conditional else cst.SimpleStatementLine([cst.Raise()])
    return body.with_changes(body=list(statements) + [addition])
