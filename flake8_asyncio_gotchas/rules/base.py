"""The shape of a rule and of a checker, and the `Context` both read the file through.

A rule is documentation and metadata: a `Rule` subclass with its code, name, message
template, docs as data, options and fix safety. The visiting is done by a checker: a family
of rules that shares its analysis (AIO1xx, AIO2xx, AIO3xx) names one `Checker` class in
`checker`, which visits the tree once for the whole family and may report any of its codes
(`self.report(code, node, **fields)`, reported only when that code's rule is enabled). A rule
without a checker is its own visitor (`visit_<NodeType>`/`leave_<NodeType>` methods on the
rule class, `self.report(node, **fields)`).

Either way the engine walks each file once and calls the `visit_`/`leave_` methods (libcst
node class names: `visit_Call`, `leave_FunctionDef`) of one visitor object per checker (or
per visitor-style rule), made per file, so per-file state lives on `self`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import (Any, Callable, ClassVar, Dict, FrozenSet, List, Mapping, Optional, Sequence,
                    Tuple, Type)

import libcst as cst

from ..index import CoroutineIndex
from ..names import Resolver, Scope
from ..options import Option

# Where nodes start, as the engine found them: {node: (line, column)}.
Positions = Mapping[cst.CSTNode, Tuple[int, int]]


class Context:
    """What checkers and rules share about the file being checked, and where the walk is."""

    def __init__(self, module: cst.Module, resolver: Resolver, filename: str,
                 settings: Mapping[str, Any], tree: Optional[ast.Module] = None) -> None:
        self.module = module
        # The file's `ast` when the caller has it (flake8 hands one to the plugin); None
        # otherwise (stdin through the engine, tests): whoever needs it parses `module.code`.
        self.tree = tree
        self.names = resolver
        self.index = CoroutineIndex(resolver, filename)
        self.filename = filename
        self.settings = settings
        self.scope: Scope = resolver.module_scope
        # Ancestors of the node being visited, outermost first (the node itself excluded).
        self.ancestors: List[cst.CSTNode] = []
        # Per-file caches of the AIO4xx helpers (rules/tasks_*.py), by key. The families with
        # a checker keep their shared work on the checker instead.
        self.shared: Dict[str, Any] = {}
        self._imported: Optional[FrozenSet[str]] = None

    @property
    def in_async_def(self) -> bool:
        """Whether the current node runs directly in an `async def` body."""
        return self.scope.is_async

    @property
    def parent(self) -> Optional[cst.CSTNode]:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def imported_names(self) -> FrozenSet[str]:
        """The qualified names the module imports anywhere (`threading`, `redis.Redis`)."""
        if self._imported is None:
            found = set()
            stack = [self.names.module_scope]
            while stack:
                scope = stack.pop()
                stack.extend(scope.children)
                for bindings in scope.bindings.values():
                    for binding in bindings:
                        if binding.kind == "import" and binding.qualname:
                            found.add(binding.qualname)
            self._imported = frozenset(found)
        return self._imported

    def qualname(self, expr: cst.BaseExpression) -> Optional[str]:
        return self.names.qualname(expr, self.scope)

    def instance_type(self, expr: cst.BaseExpression) -> Optional[str]:
        return self.names.instance_type(expr, self.scope)

    def is_coroutine_call(self, node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Call) and self.index.is_coroutine_call(node, self.scope)


@dataclass
class Finding:
    node: cst.CSTNode
    code: str
    message: str
    # A message that names other places in the file: the engine locates `related` too (only
    # for findings, so it stays cheap) and builds the message with `render(positions)`.
    related: Tuple[cst.CSTNode, ...] = ()
    render: Optional[Callable[[Positions], str]] = None


class Visitor:
    """What the engine walks with: `visit_<Node>`/`leave_<Node>` methods, findings, finish."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.findings: List[Finding] = []

    @property
    def label(self) -> str:
        """The codes it reports, for the log line of a failure."""
        raise NotImplementedError

    def finish(self) -> None:
        """Called once after the walk, for decisions made at the end of the file."""

    @classmethod
    def subscriptions(cls) -> Dict[str, List[str]]:
        """{"visit": [node class names], "leave": [...]}, from the method names."""
        found: Dict[str, List[str]] = {"visit": [], "leave": []}
        for attribute in dir(cls):
            for prefix in ("visit", "leave"):
                if attribute.startswith(prefix + "_"):
                    found[prefix].append(attribute[len(prefix) + 1:])
        return found


class Rule(Visitor):
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
    # The family checker that decides this rule's findings; None: the rule visits itself.
    checker: ClassVar[Optional[Type["Checker"]]] = None

    @property
    def label(self) -> str:
        return self.code

    def report(self, node: cst.CSTNode, **fields: Any) -> None:
        self.findings.append(Finding(node, self.code, self.message.format(**fields)))

    def report_with_positions(self, node: cst.CSTNode, related: Tuple[cst.CSTNode, ...],
                              render: Callable[[Positions], str]) -> None:
        """Report `node` with a message built once the positions of `related` are known."""
        self.findings.append(Finding(node, self.code, "", related, render))


class Checker(Visitor):
    """One visitor for a family of rules: its analysis is made once per file, and it reports
    any code of the family whose rule is enabled (`rules`: the enabled ones)."""

    def __init__(self, ctx: Context, rules: Sequence[Type[Rule]]) -> None:
        super().__init__(ctx)
        self.rules: Dict[str, Type[Rule]] = {rule.code: rule for rule in rules}

    @property
    def label(self) -> str:
        return ", ".join(self.rules)

    def wants(self, code: str) -> bool:
        return code in self.rules

    def report(self, code: str, node: cst.CSTNode, **fields: Any) -> None:
        rule = self.rules.get(code)
        if rule is not None:
            self.findings.append(Finding(node, code, rule.message.format(**fields)))

    def report_with_positions(self, code: str, node: cst.CSTNode,
                              related: Tuple[cst.CSTNode, ...],
                              render: Callable[[str, Positions], str]) -> None:
        """Report `node` with a message built, from the rule's template, once the positions of
        `related` are known: `render(template, positions)`."""
        rule = self.rules.get(code)
        if rule is not None:
            template = rule.message
            self.findings.append(Finding(node, code, "", related,
                                         lambda positions: render(template, positions)))
