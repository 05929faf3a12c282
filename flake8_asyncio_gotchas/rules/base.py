"""The shape every rule has: code, name, message, docs as data, and node subscriptions.

A rule subclasses `Rule`, sets the class attributes, and defines `visit_<NodeType>` and/or
`leave_<NodeType>` methods (libcst node class names: `visit_Call`, `leave_FunctionDef`). The
engine walks each file once and calls them; a rule calls `self.report(node, **fields)`, and
`message` is formatted with those fields. One rule object is made per file, so a rule may keep
per-file state on `self`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import (TYPE_CHECKING, Any, Callable, ClassVar, Dict, List, Mapping, Optional,
                    Tuple)

import libcst as cst

from ..options import Option

if TYPE_CHECKING:
    from ..engine import Context


# Where nodes start, as the engine found them: {node: (line, column)}.
Positions = Mapping[cst.CSTNode, Tuple[int, int]]


@dataclass
class Finding:
    node: cst.CSTNode
    code: str
    message: str
    # A message that names other places in the file: the engine locates `related` too (only
    # for findings, so it stays cheap) and builds the message with `render(positions)`.
    related: Tuple[cst.CSTNode, ...] = ()
    render: Optional[Callable[[Positions], str]] = None


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    message: ClassVar[str] = ""
    # Documentation, as data: rendered into docs/rules/<code>.md and the README's rule table.
    summary: ClassVar[str] = ""        # one line: what it reports
    why: ClassVar[str] = ""            # why it is a bug
    example: ClassVar[str] = ""        # code that is reported
    instead: ClassVar[str] = ""        # the same code, fixed
    limits: ClassVar[str] = ""         # what it knowingly does not report
    options: ClassVar[Tuple[Option, ...]] = ()
    # Option values (flag -> raw value) the example needs to be reported, e.g. AIO207's.
    example_options: ClassVar[Dict[str, str]] = {}
    references: ClassVar[Tuple[str, ...]] = ()
    # What `flake8-asyncio-gotchas fix` does with a finding: "safe" (applied by default),
    # "unsafe" (only with --unsafe-fixes: it may change behaviour) or "none" (no mechanical
    # edit is right). `fix_summary` says what the edit is, or why there is none.
    fix_safety: ClassVar[str] = "none"
    fix_summary: ClassVar[str] = ""

    def __init__(self, ctx: "Context") -> None:
        self.ctx = ctx
        self.findings: List[Finding] = []

    def report(self, node: cst.CSTNode, **fields: Any) -> None:
        self.findings.append(Finding(node, self.code, self.message.format(**fields)))

    def report_with_positions(self, node: cst.CSTNode, related: Tuple[cst.CSTNode, ...],
                              render: Callable[[Positions], str]) -> None:
        """Report `node` with a message built once the positions of `related` are known."""
        self.findings.append(Finding(node, self.code, "", related, render))

    def option(self, dest: str) -> Any:
        return self.ctx.settings[dest]

    def finish(self) -> None:
        """Called once after the walk, for rules that decide at the end of the file."""

    @classmethod
    def subscriptions(cls) -> Dict[str, List[str]]:
        """{"visit": [node class names], "leave": [...]}, from the method names."""
        found: Dict[str, List[str]] = {"visit": [], "leave": []}
        for attribute in dir(cls):
            for prefix in ("visit", "leave"):
                if attribute.startswith(prefix + "_"):
                    found[prefix].append(attribute[len(prefix) + 1:])
        return found
