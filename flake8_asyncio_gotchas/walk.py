"""Fast iteration over a libcst tree.

libcst's own visitor machinery costs about ten times a plain walk (it looks up visit_/leave_
methods and rebuilds children for every node). We only read the tree, so we walk the dataclass
fields directly, skipping whitespace and punctuation, in source order.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, List, Tuple, Type

import libcst as cst

# Fields that only ever hold whitespace, punctuation or operators: never worth a visit.
_SKIPPED_FIELDS = frozenset({
    "lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer", "indent",
    "comma", "semicolon", "colon", "equal", "star", "dot", "lbracket", "rbracket", "lbrace",
    "rbrace", "trailing_whitespace", "asynchronous", "operator", "encoding", "default_indent",
    "default_newline", "has_trailing_newline", "walrus", "arrow", "prefix", "start", "end",
})

# Where dataclass field order is not source (and evaluation) order.
_FIELD_ORDER: Dict[type, Tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
}

_fields_cache: Dict[type, Tuple[str, ...]] = {}


def child_fields(node_type: Type[cst.CSTNode]) -> Tuple[str, ...]:
    """The names of the fields of `node_type` that may hold interesting child nodes."""
    names = _fields_cache.get(node_type)
    if names is None:
        names = _FIELD_ORDER.get(node_type) or tuple(
            f.name for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _fields_cache[node_type] = names
    return names


# CSTNode is an ABC, and isinstance() against an ABC is slow: remember the answer per type.
_is_node_type: Dict[type, bool] = {}


def _is_node(value: object) -> bool:
    kind = type(value)
    known = _is_node_type.get(kind)
    if known is None:
        known = _is_node_type[kind] = isinstance(value, cst.CSTNode)
    return known


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The child nodes of `node` worth visiting, in source order."""
    found: List[cst.CSTNode] = []
    for name in child_fields(type(node)):
        value = getattr(node, name, None)
        kind = type(value)
        if kind is tuple or kind is list:
            found.extend(v for v in value if _is_node(v))  # type: ignore[union-attr]
        elif _is_node(value):
            found.append(value)  # type: ignore[arg-type]
    return found


_SCOPE_BOUNDARIES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def descendants(node: cst.CSTNode, *, into_scopes: bool = True) -> Iterator[cst.CSTNode]:
    """Every node below `node` in source order (not `node` itself), iteratively.

    With into_scopes=False, nested def/class/lambda nodes are yielded but not entered: their
    bodies run somewhere else.
    """
    stack = children(node)
    stack.reverse()
    while stack:
        current = stack.pop()
        yield current
        if not into_scopes and isinstance(current, _SCOPE_BOUNDARIES):
            continue
        kids = children(current)
        kids.reverse()
        stack.extend(kids)
