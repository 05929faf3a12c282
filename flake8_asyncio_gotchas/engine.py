"""One parse, one walk, every enabled rule; positions for reported nodes only.

`check_source` is the whole pipeline for one file:
1. a fast path: a file without the words `async`, `await` or `asyncio` holds no finding;
2. `libcst.parse_module`, once;
3. `names.collect_scopes`: the bindings every rule resolves names through (one pass);
4. one walk that calls the `visit_<Node>`/`leave_<Node>` methods of each family's checker
   and of each rule that visits for itself (`rules/base.py`);
5. findings that are a test's scaffolding are dropped (`testcode.py`: in test files, test
   functions, test classes and fixtures, unless `--asyncio-check-tests=all`), then those
   quiet in a one-shot program (`scriptcode.py`, unless `--asyncio-check-scripts=all`);
6. positions, computed only when there are findings, by regenerating the source of the
   statements that hold them (`positions.py`; libcst's PositionProvider records every node
   and costs seven times as much);
7. findings on a line whose `# noqa:` names another linter's code for the same check are
   dropped (`peers.py`).
Nothing here raises: a file that cannot be parsed or analysed yields no findings, and a rule
that fails on a file is dropped for that file only. Both are logged under flake8's logger
(`flake8 -v` shows them; without it flake8 keeps them quiet): "rule AIO100 failed on FILE:
error" and "FILE skipped: why" as warnings, a file libcst cannot parse as information. The
tests fail on any warning logged here (tests/conftest.py).
"""
from __future__ import annotations

import ast
import logging
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

import libcst as cst

from . import summary_cache
from .fast_path import may_contain_findings
from .modules import ProjectModules
from .names import Scope, collect_scopes
from .options import CACHE_DIR
from .peers import drop_peer_suppressed
from .positions import locate
from .rules.base import Context, Finding, Rule, Visitor
from .scriptcode import drop_script_scaffolding
from .testcode import drop_scaffolding
from .walk import children

# (line, column, code, message); line 1-based, column 0-based, as flake8 wants them.
Result = Tuple[int, int, str, str]

LOG = logging.getLogger("flake8.asyncio_gotchas")


def _log_rule_failure(visitor: Visitor, filename: str, error: Exception) -> None:
    LOG.warning("rule %s failed on %s: %r", visitor.label, filename, error,
                exc_info=LOG.isEnabledFor(logging.DEBUG))


def visitors(ctx: Context, rule_classes: Sequence[Type[Rule]]) -> List[Visitor]:
    """One visitor per family checker (given the family's enabled rules), and each rule that
    has no checker, in the order of their first rule."""
    families: Dict[type, List[Type[Rule]]] = {}
    order: List[Any] = []
    for rule_class in rule_classes:
        checker = rule_class.checker
        if checker is None:
            order.append(rule_class)
        else:
            if checker not in families:
                order.append(checker)
            families.setdefault(checker, []).append(rule_class)
    return [entry(ctx, families[entry]) if entry in families else entry(ctx)
            for entry in order]


# node class -> [(index of the visitor in the set, method name)], for visits and for leaves.
_Subscribers = Dict[type, List[Tuple[int, str]]]
_SUBSCRIBERS: Dict[Tuple[Type[Visitor], ...], Tuple[_Subscribers, _Subscribers]] = {}


def _subscribers(visitor_classes: Tuple[Type[Visitor], ...]
                 ) -> Tuple[_Subscribers, _Subscribers]:
    """Which visitors of a set want which node classes: read from the method names once per
    set (flake8 checks every file with the same one), not once per file."""
    cached = _SUBSCRIBERS.get(visitor_classes)
    if cached is None:
        visits: _Subscribers = {}
        leaves: _Subscribers = {}
        for index, visitor_class in enumerate(visitor_classes):
            subscriptions = visitor_class.subscriptions()
            for table, prefix in ((visits, "visit"), (leaves, "leave")):
                for type_name in subscriptions[prefix]:
                    table.setdefault(getattr(cst, type_name), []).append(
                        (index, "%s_%s" % (prefix, type_name)))
        cached = _SUBSCRIBERS[visitor_classes] = (visits, leaves)
    return cached


def _dispatch_table(active: Sequence[Visitor]) -> Tuple[Dict[type, list], Dict[type, list]]:
    """node class -> [(visitor, bound method)] for this file's visitors."""
    def bound(table: _Subscribers) -> Dict[type, list]:
        return {node_type: [(active[index], getattr(active[index], name))
                            for index, name in entries]
                for node_type, entries in table.items()}

    visits, leaves = _subscribers(tuple(type(visitor) for visitor in active))
    return bound(visits), bound(leaves)


_DEFERRED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _walk(ctx: Context, active: Sequence[Visitor]) -> None:
    visits, leaves = _dispatch_table(active)
    failed: set = set()

    def call(entries: list, node: cst.CSTNode) -> None:
        for visitor, method in entries:
            if visitor in failed:
                continue
            try:
                method(node)
            except Exception as error:  # a rule's bug must not hide the other rules' findings
                failed.add(visitor)
                visitor.findings.clear()
                _log_rule_failure(visitor, ctx.filename, error)

    scope_of = ctx.names.scope_of
    ancestors = ctx.ancestors
    saved_scopes: List[Scope] = []
    # Where the walk enters a new scope. A def, class or lambda's decorators, defaults,
    # annotations and bases run in the enclosing scope: only its body is inside. A
    # comprehension is inside from its start.
    scope_starts: Dict[cst.CSTNode, Scope] = {}
    # Entries: (node, False) to enter, (node, True) to leave.
    stack: List[Tuple[cst.CSTNode, bool]] = [(ctx.module, False)]
    while stack:
        node, leaving = stack.pop()
        node_type = type(node)
        if leaving:
            ancestors.pop()
            if node in scope_starts:
                ctx.scope = saved_scopes.pop()
            entries = leaves.get(node_type)
            if entries:
                call(entries, node)
            continue
        if node in scope_starts:          # the body of a def, class or lambda
            saved_scopes.append(ctx.scope)
            ctx.scope = scope_starts[node]
        entries = visits.get(node_type)
        if entries:
            call(entries, node)
        inner = scope_of.get(node)
        if inner is not None and node is not ctx.module:
            if isinstance(node, _DEFERRED_SCOPES):
                scope_starts[node.body] = inner
            else:                         # a comprehension: its children are inside
                scope_starts[node] = inner
                saved_scopes.append(ctx.scope)
                ctx.scope = inner
        ancestors.append(node)
        stack.append((node, True))
        kids = children(node)
        for kid in reversed(kids):
            stack.append((kid, False))
    for visitor in active:
        if visitor not in failed:
            try:
                visitor.finish()
            except Exception as error:
                visitor.findings.clear()
                _log_rule_failure(visitor, ctx.filename, error)


def _without_bom(source: str) -> str:
    return source[1:] if source.startswith("\ufeff") else source


def parse(source: str) -> Optional[cst.Module]:
    """The libcst module, or None when libcst cannot parse it (flake8 reports E999)."""
    source = _without_bom(source)
    try:
        return cst.parse_module(source)
    except Exception:
        return None
    except BaseException as error:   # the native parser's panics are BaseExceptions
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return None


def check_source(source: str, filename: str, rule_classes: Sequence[Type[Rule]],
                 settings: Mapping[str, Any], tree: Optional[ast.Module] = None) -> List[Result]:
    """All findings for one file, sorted by position; never raises.

    `tree` is the file's `ast` when the caller has it (flake8 does): it makes positions cheap.
    """
    if not rule_classes or not may_contain_findings(source):
        return []
    try:
        return _check(source, filename, rule_classes, settings, tree)
    except Exception as error:
        LOG.warning("%s skipped: %r", filename, error, exc_info=LOG.isEnabledFor(logging.DEBUG))
        return []


class Analysis:
    """One file's findings with their libcst nodes, for callers that edit the tree (the
    `fix` command): `module` is the tree the nodes belong to, `ctx` answers name questions."""

    def __init__(self, module: cst.Module, ctx: Context, findings: List[Finding],
                 positions: Mapping[cst.CSTNode, Tuple[int, int]]) -> None:
        self.module = module
        self.ctx = ctx
        self.findings = findings
        self.positions = positions

    def results(self) -> List[Result]:
        found = set()
        for finding in self.findings:
            position = self.positions.get(finding.node)
            if position is not None:      # a node with no source text of its own: never seen
                message = (finding.message if finding.render is None
                           else finding.render(self.positions))
                found.add((position[0], position[1], finding.code, message))
        return sorted(found)


def analyse(source: str, filename: str, rule_classes: Sequence[Type[Rule]],
            settings: Mapping[str, Any], tree: Optional[ast.Module] = None
            ) -> Optional[Analysis]:
    """Parse and check one file; None when libcst cannot parse it. May raise."""
    source = _without_bom(source)
    module = parse(source)
    if module is None:
        LOG.info("%s skipped: libcst cannot parse it", filename)
        return None
    summary_cache.configure(CACHE_DIR.value(settings))    # before the index looks modules up
    ctx = Context(module, collect_scopes(module, ProjectModules(filename)), filename, settings,
                  tree)
    active = visitors(ctx, rule_classes)
    _walk(ctx, active)
    findings: List[Finding] = [finding for visitor in active for finding in visitor.findings]
    # Filters after the walk: each asks its own module, and only when there are findings.
    findings = drop_script_scaffolding(drop_scaffolding(findings, ctx.names, filename, settings),
                                       module, ctx.names, filename, settings)
    positions = locate(module, (node for finding in findings
                                for node in (finding.node,) + finding.related), source,
                       tree) if findings else {}
    return Analysis(module, ctx, findings, positions)


def _check(source: str, filename: str, rule_classes: Sequence[Type[Rule]],
           settings: Mapping[str, Any], tree: Optional[ast.Module] = None) -> List[Result]:
    analysis = analyse(source, filename, rule_classes, settings, tree)
    if analysis is None:
        return []
    results = analysis.results()
    if not results or settings.get("disable_noqa"):   # flake8's --disable-noqa
        return results
    return drop_peer_suppressed(results, _without_bom(source))
