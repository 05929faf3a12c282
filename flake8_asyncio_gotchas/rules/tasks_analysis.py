"""What the AIO4xx rules need to know about tasks: factories, uses that observe a task, and
small facts about handlers.

Kept apart from rules/tasks.py so that the rule classes there read as what they report.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Union

import libcst as cst

from ..calls.tasks import (ASYNC_ONLY_FACTORIES, FACTORY_NAMES, LOOP_FACTORY_METHODS,
                           LOOP_NAMES, NON_OBSERVING_METHODS, TASK_FACTORIES)
from ..names import Scope, format_call
from ..syntax import Parents, is_none, walk_with_parents
from ..walk import descendants

if TYPE_CHECKING:
    from .base import Context


def task_factory(ctx: "Context", call: cst.Call, scope: Optional[Scope] = None
                 ) -> Optional[str]:
    """The factory's name as written when `call` (made in `scope`, by default where the walk
    is) creates a task or executor future."""
    if isinstance(call.func, cst.Attribute) and call.func.attr.value not in FACTORY_NAMES:
        return None  # cheap: most calls are methods with other names
    scope = scope or ctx.scope
    called = ctx.names.qualname(call.func, scope)
    if called in TASK_FACTORIES:
        if called in ASYNC_ONLY_FACTORIES and not scope.is_async:
            return None
        return format_call(call.func)
    func = call.func
    if called is None and isinstance(func, cst.Attribute) \
            and func.attr.value in LOOP_FACTORY_METHODS:
        receiver = func.value
        if last_name(receiver) in LOOP_NAMES \
                and ctx.names.instance_type(receiver, scope) is None:
            return format_call(func)
    return None


def observes(node: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether this read of a task may retrieve its outcome or hand it to code that could.

    `ancestors` are the node's ancestors, nearest last. Not observing: `t.cancel()`,
    `t.done()` and the other NON_OBSERVING_METHODS (called or not), `t is None`, truth tests
    (`if t`, `not t`, `t and ...` in a test), `del t`. Anything else observes.
    """
    if not ancestors:
        return True
    up = ancestors[-1]
    if isinstance(up, cst.Attribute) and up.value is node:
        return up.attr.value not in NON_OBSERVING_METHODS
    if isinstance(up, (cst.Comparison, cst.ComparisonTarget)):
        comparison = up if isinstance(up, cst.Comparison) else (
            ancestors[-2] if len(ancestors) > 1 else None)
        if isinstance(comparison, cst.Comparison) and all(
                isinstance(target.operator, (cst.Is, cst.IsNot))
                or (isinstance(target.operator, (cst.Equal, cst.NotEqual))
                    and (is_none(target.comparator) or is_none(comparison.left)))
                for target in comparison.comparisons):
            return False
        return True
    if isinstance(up, cst.Del):
        return False
    current: cst.CSTNode = node
    level = len(ancestors) - 1
    while level >= 0 and isinstance(ancestors[level], cst.BooleanOperation):
        current = ancestors[level]
        level -= 1
    if level < 0:
        return True
    holder = ancestors[level]
    if isinstance(holder, cst.UnaryOperation) and isinstance(holder.operator, cst.Not):
        return False
    if isinstance(holder, (cst.If, cst.While, cst.IfExp, cst.Assert)) \
            and holder.test is current:
        return False
    return True


def last_name(expr: cst.BaseExpression) -> Optional[str]:
    """`create_task` for `self._loop.create_task`, `run` for `run`; None for anything else."""
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else None


def is_store(node: cst.Name, up: Optional[cst.CSTNode]) -> bool:
    """Whether a Name node is not a read (a target, a definition's name, a keyword)."""
    if up is None:
        return False
    if isinstance(up, cst.Attribute):
        return up.attr is node
    if isinstance(up, cst.Arg):
        return up.keyword is node
    if isinstance(up, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor,
                       cst.NamedExpr)):
        return getattr(up, "target", None) is node
    if isinstance(up, (cst.AsName, cst.Param, cst.FunctionDef, cst.ClassDef, cst.NameItem,
                       cst.ImportAlias, cst.Del)):
        return True
    return False


def _ancestors(node: cst.CSTNode, parent: Dict[cst.CSTNode, cst.CSTNode],
               depth: int = 8) -> List[cst.CSTNode]:
    chain: List[cst.CSTNode] = []
    current = parent.get(node)
    while current is not None and len(chain) < depth:
        chain.append(current)
        current = parent.get(current)
    chain.reverse()
    return chain


def name_observed(root: cst.CSTNode, name: str) -> bool:
    """Whether some read of `name` under `root` observes it (see `observes`)."""
    order, parent = walk_with_parents(root)
    for node in order:
        if isinstance(node, cst.Name) and node.value == name \
                and not is_store(node, parent.get(node)):
            if observes(node, _ancestors(node, parent)):
                return True
        elif isinstance(node, cst.Call) and getattr_literal(node) == name:
            return True
    return False


def getattr_literal(call: cst.Call) -> Optional[str]:
    """"x" for `getattr(obj, "x")`: the attribute is read under a name we cannot follow."""
    if isinstance(call.func, cst.Name) and call.func.value == "getattr" and len(call.args) >= 2:
        name = call.args[1].value
        if isinstance(name, cst.SimpleString):
            return name.raw_value
    return None


def single_target(node: Union[cst.Assign, cst.AnnAssign]) -> Optional[cst.BaseExpression]:
    if isinstance(node, cst.AnnAssign):
        return node.target
    return node.targets[0].target if len(node.targets) == 1 else None


Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]

_CLEANUP_PREFIXES = ("close", "aclose", "stop", "shutdown", "cleanup", "clean_up", "teardown",
                     "terminate", "disconnect", "dispose", "finalize", "__aexit__")


def is_cleanup_name(name: str) -> bool:
    return name.lstrip("_").startswith(_CLEANUP_PREFIXES) or name == "__aexit__"


# Nodes an exception passes through on its way into a log message.
_TEXT_PARTS = (cst.Arg, cst.FormattedStringExpression, cst.FormattedString,
               cst.ConcatenatedString, cst.BinaryOperation, cst.Tuple, cst.Element,
               cst.Attribute)

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                         "critical", "log", "print"})


def is_logged(node: cst.Name, parent: Parents) -> bool:
    """Only logged: `log.debug("%s", exc)`, `logger.error(f"{exc!r}", exc_info=exc)`."""
    current: Optional[cst.CSTNode] = parent.get(node)
    while current is not None:
        if isinstance(current, cst.Call):
            called = last_name(current.func)
            if called in LOG_METHODS:
                return True
            if called not in ("str", "repr", "type", "format"):
                return False
        elif not isinstance(current, _TEXT_PARTS):
            return False
        current = parent.get(current)
    return False


def awaited_exprs(body: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    for node in descendants(body, into_scopes=False):
        if isinstance(node, cst.Await):
            yield node.expression


def raises(body: cst.CSTNode) -> bool:
    return any(isinstance(node, cst.Raise) for node in descendants(body, into_scopes=False))
