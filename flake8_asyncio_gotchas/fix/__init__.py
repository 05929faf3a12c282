"""`flake8-asyncio-gotchas fix`: the findings' edits, made with libcst so that every comment,
blank line and quote of the file stays as it was.

`fix_source` runs the plugin's rules on one file (`engine.analyse`, which hands back each
finding's libcst node), asks the fixer of each finding's code for an edit of exactly that node,
applies them in one transformation (fixes nest: an edit gets its node as already rewritten
below it), adds the imports and helpers the edits asked for, and checks that the result still
compiles. Safe edits are applied always, unsafe ones only when asked. The plugin never imports
this package.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Type

import libcst as cst

from ..engine import Analysis, Result, analyse
from .. import peers
from ..fast_path import has_async_code, may_contain_findings
from ..rules.base import Finding, Rule
from .blocking import fix_blocking_sleep, fix_to_thread
from .coroutines import fix_async_callback, fix_never_awaited, fix_wait_on_coroutines
from .edits import SAFE, UNSAFE, Edit, FileFix, Replacement
from .imports import AsyncioNames
from .sites import Sites
from .tasks import fix_cancellation_swallowed, fix_dangling_task, fix_unobserved_task

__all__ = ["FIXERS", "FixResult", "NotFixable", "fix_source", "SAFE", "UNSAFE"]

Fixer = Callable[[Finding, FileFix], Optional[Edit]]

# One fixer per code; the rule classes' `fix_safety` says which codes have one (a test checks
# the two agree).
FIXERS: Dict[str, Fixer] = {
    "AIO100": fix_never_awaited,
    "AIO102": fix_async_callback,
    "AIO103": fix_wait_on_coroutines,
    "AIO200": fix_blocking_sleep,
    "AIO201": fix_to_thread,
    "AIO202": fix_to_thread,
    "AIO203": fix_to_thread,
    "AIO206": fix_to_thread,
    "AIO400": fix_dangling_task,
    "AIO401": fix_unobserved_task,
    "AIO403": fix_cancellation_swallowed,
}

# flake8's `# noqa` and `# noqa: AIO100,AIO200` comments (codes as flake8 reads them: letters
# then digits; a list it cannot read makes the comment a bare `# noqa`).
_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
                   re.IGNORECASE)


class NotFixable(Exception):
    """The file cannot be parsed, or the fixed text would not compile (a bug of ours)."""


@dataclass
class FixResult:
    source: str
    # (line, code, safety) of every finding fixed, line in the original file.
    fixed: List[Tuple[int, str, str]] = field(default_factory=list)
    # Findings an unsafe fix exists for, left because unsafe fixes were not asked for.
    unsafe_left: int = 0
    # What the rules still report on the fixed text.
    remaining: List[Result] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def _suppressed(lines: Sequence[str], line: int, code: str) -> bool:
    """Whether flake8 would hide this finding: our `# noqa`, or another linter's code for
    the same check (peers.py), as the plugin honours them."""
    if not 1 <= line <= len(lines):
        return False
    text = lines[line - 1]
    if code in peers.silenced_on(text) or code in peers.silenced_in_file("\n".join(lines)):
        return True
    match = _NOQA.search(text)
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or any(code.startswith(c.strip().upper())
                                for c in re.split(r"[,\s]+", codes) if c.strip())


def _reported(analysis: Analysis, lines: Sequence[str]) -> List[Result]:
    """What flake8 would show of an analysis: `# noqa` comments honoured."""
    return [r for r in analysis.results() if not _suppressed(lines, r[0], r[2])]


def findings_of(source: str, filename: str, rule_classes: Sequence[Type[Rule]],
                settings: Mapping[str, Any]) -> List[Result]:
    """What the rules report on `source`, `# noqa` comments honoured."""
    analysis = analyse(source, filename, rule_classes, settings)
    return _reported(analysis, peers.source_lines(source)) if analysis is not None else []


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: Dict[cst.CSTNode, Edit]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node: cst.CSTNode,  # type: ignore[override]
                 updated_node: cst.CSTNode) -> Replacement:
        edit = self.edits.get(original_node)
        return edit.apply(updated_node) if edit is not None else updated_node


def _ast_of(source: str) -> Optional[ast.Module]:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _compile_error(text: str) -> Optional[str]:
    try:
        compile(text, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return str(error)
    return None


def fix_source(source: str, filename: str, rule_classes: Sequence[Type[Rule]],
               settings: Mapping[str, Any], unsafe: bool = False) -> FixResult:
    """The fixed text of one file and what was done; raises NotFixable."""
    bom = "\ufeff" if source.startswith("\ufeff") else ""
    result = FixResult(source)
    tree = _ast_of(source[len(bom):])
    if not may_contain_findings(source) or (tree is not None and not has_async_code(tree)):
        return result                      # what the plugin's fast path skips: nothing to do
    analysis = analyse(source, filename, rule_classes, settings, tree)
    if analysis is None:
        raise NotFixable("cannot parse")
    module, ctx = analysis.module, analysis.ctx
    lines = peers.source_lines(source[len(bom):])
    edits: Dict[cst.CSTNode, Edit] = {}
    if not any(finding.code in FIXERS for finding in analysis.findings):
        result.remaining = _reported(analysis, lines)
        return result
    file_fix = FileFix(Sites(module, ctx.names), AsyncioNames(module, ctx.names), ctx)
    for finding in sorted(analysis.findings, key=lambda f: analysis.positions.get(
            f.node, (0, 0))):
        position = analysis.positions.get(finding.node)
        fixer = FIXERS.get(finding.code)
        if position is None or fixer is None or finding.node in edits \
                or _suppressed(lines, position[0], finding.code):
            continue
        before = file_fix.names.checkpoint()
        edit = fixer(finding, file_fix)
        if edit is None:
            file_fix.names.rollback(before)
            continue
        if edit.safety == UNSAFE and not unsafe:
            file_fix.names.rollback(before)           # what it asked to add is not needed
            result.unsafe_left += 1
            continue
        edits[finding.node] = edit
        result.fixed.append((position[0], finding.code, edit.safety))
    if not edits:
        result.remaining = _reported(analysis, lines)
        return result
    fixed = file_fix.names.finish(module.visit(_Apply(edits)))
    text = bom + fixed.code
    error = _compile_error(text[len(bom):])
    if error is not None and _compile_error(source[len(bom):]) is None:
        raise NotFixable("the fixed text would not compile (%s); left unchanged" % error)
    result.source = text
    result.remaining = findings_of(text, filename, rule_classes, settings)
    return result
