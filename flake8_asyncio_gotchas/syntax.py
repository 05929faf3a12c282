"""Questions about syntax alone: no scope, no name resolution, no catalogue.

Every rule family reads call arguments, literal numbers and suspension points the same way;
what a name means is `names.py`'s question, what a call does is `calls/`'s.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Tuple, Union

import libcst as cst

from .walk import children, descendants

Number = Union[int, float]


# -- call arguments -----------------------------------------------------------------------------

def argument(call: cst.Call, keyword: Optional[str], position: Optional[int]
             ) -> Optional[cst.BaseExpression]:
    """The expression passed as `keyword` or at `position` (among the positional arguments);
    None when absent, or when a `*args`/`**kwargs` before it makes the position unsure."""
    index = 0
    for arg in call.args:
        if arg.keyword is not None:
            if keyword is not None and arg.keyword.value == keyword:
                return arg.value
            continue
        if arg.star:
            return None
        if index == position:
            return arg.value
        index += 1
    return None


def alternatives(expr: cst.BaseExpression) -> List[cst.BaseExpression]:
    """`expr` and the operands of `|` inside it (`os.WNOHANG | os.WUNTRACED`)."""
    found: List[cst.BaseExpression] = []
    stack = [expr]
    while stack:
        current = stack.pop()
        found.append(current)
        if isinstance(current, cst.BinaryOperation):
            stack.extend((current.left, current.right))
    return found


# -- literal numbers ------------------------------------------------------------------------------

def literal_number(expr: Optional[cst.BaseExpression],
                   constant: Optional[Callable[[cst.Name], Optional[Number]]] = None
                   ) -> Optional[Number]:
    """The value of a number literal or of simple arithmetic on them (`10**6`, `1_000 * 5`,
    `-1`, `0.5`); names through `constant(name)` when given, else None."""
    if expr is None:
        return None
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            value = expr.evaluated_value
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, (int, float)) else None
    if isinstance(expr, cst.Name):
        return constant(expr) if constant is not None else None
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        operand = literal_number(expr.expression, constant)
        return None if operand is None else -operand
    if isinstance(expr, cst.BinaryOperation):
        left = literal_number(expr.left, constant)
        right = literal_number(expr.right, constant)
        if left is None or right is None:
            return None
        operator = expr.operator
        if isinstance(operator, cst.Multiply):
            return left * right
        if isinstance(operator, cst.Add):
            return left + right
        if isinstance(operator, cst.Subtract):
            return left - right
        if isinstance(operator, cst.FloorDivide) and right:
            return left // right
        if isinstance(operator, cst.Power) and isinstance(right, int) and 0 <= right <= 64 \
                and isinstance(left, int):
            return left ** right
    return None


def literal_int(expr: Optional[cst.BaseExpression],
                constant: Optional[Callable[[cst.Name], Optional[Number]]] = None
                ) -> Optional[int]:
    """`literal_number` when it is a whole number written without floats (`10**6`)."""
    value = literal_number(expr, constant)
    return value if isinstance(value, int) else None


def is_none(expr: Optional[cst.CSTNode]) -> bool:
    """The literal `None`."""
    return isinstance(expr, cst.Name) and expr.value == "None"


def is_false(expr: Optional[cst.BaseExpression]) -> bool:
    """A literal `False` or zero (`blocking=False`, `setblocking(0)`)."""
    return (isinstance(expr, cst.Name) and expr.value == "False") or literal_number(expr) == 0


# -- suspension points ----------------------------------------------------------------------------

def is_suspension(node: cst.CSTNode) -> bool:
    """Whether `node` lets the event loop run other tasks (for nodes inside an async def)."""
    if isinstance(node, (cst.Await, cst.Yield)):
        return True
    if isinstance(node, (cst.For, cst.With, cst.CompFor)):
        return node.asynchronous is not None
    return False


def has_suspension_point(nodes: Iterable[cst.CSTNode]) -> bool:
    """Whether any of `nodes` or anything below them (not in nested scopes) suspends."""
    for root in nodes:
        if is_suspension(root):
            return True
        for node in descendants(root, into_scopes=False):
            if is_suspension(node):
                return True
    return False


# -- parents ----------------------------------------------------------------------------------

Parents = Dict[cst.CSTNode, cst.CSTNode]


def walk_with_parents(root: cst.CSTNode) -> Tuple[List[cst.CSTNode], Parents]:
    """Every node under `root` (nested scopes included, `root` first) and each one's parent."""
    parent: Parents = {}
    order: List[cst.CSTNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for kid in children(node):
            parent[kid] = node
            stack.append(kid)
    return order, parent
