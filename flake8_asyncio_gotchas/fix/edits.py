"""What a fix is (an edit of one node, safe or unsafe), and what every fix may consult."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Union

import libcst as cst

from ..rules.base import Context
from .imports import AsyncioNames
from .sites import Sites

SAFE = "safe"
UNSAFE = "unsafe"

Replacement = Union[cst.CSTNode, cst.FlattenSentinel]


@dataclass
class Edit:
    safety: str                                      # SAFE or UNSAFE
    # Given the node as already rewritten below it (fixes nest), the node to put in its place.
    apply: Callable[[cst.CSTNode], Replacement]


@dataclass
class FileFix:
    """What the fixes of one file share: where nodes sit, how to name asyncio's functions
    there, and the engine's context (the name resolver and the coroutine index)."""

    sites: Sites
    names: AsyncioNames
    ctx: Context


# Where an `await` expression must be parenthesised: it takes a primary, not an expression.
def _needs_parentheses(parent: Optional[cst.CSTNode], node: cst.CSTNode) -> bool:
    if isinstance(parent, (cst.Attribute, cst.Subscript)):
        return parent.value is node
    if isinstance(parent, cst.Call):
        return parent.func is node
    return isinstance(parent, cst.Await)


def awaited(original: cst.BaseExpression, parent: Optional[cst.CSTNode],
            expression: cst.BaseExpression) -> cst.Await:
    """`await <expression>` standing where `original` stood: the parentheses around
    `original` move outside, and are added where the grammar needs them."""
    lpar, rpar = list(original.lpar), list(original.rpar)
    expression = expression.with_changes(lpar=[], rpar=[])
    if not lpar and _needs_parentheses(parent, original):
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    return cst.Await(expression=expression, lpar=lpar, rpar=rpar)


def expression(node: cst.CSTNode) -> cst.BaseExpression:
    """`node`, an edited expression as `Edit.apply` receives it, typed as the expression it is."""
    if not isinstance(node, cst.BaseExpression):
        raise TypeError("an expression's edit was given %s" % type(node).__name__)
    return node


def wrapped(function: cst.BaseExpression, value: cst.BaseExpression) -> cst.Call:
    """`function(value)`, `value` keeping its own formatting."""
    return cst.Call(func=function, args=[cst.Arg(value)])
