"""What AIO402 and AIO403 need to know about cancellation: what a function cancelled before a
point (`Cancellations`, one per file), whose a caught CancelledError is (one the function
injected itself) and whether a handler re-raises it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, FrozenSet, List, Set, Tuple, Union

import libcst as cst

from ..calls.tasks import CANCELLED_ERRORS, INJECTING_NAMES, WAITERS
from ..names import Scope
from ..walk import children, descendants

if TYPE_CHECKING:
    from .base import Context

Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def reraises(handler: Handler) -> bool:
    """Whether the handler has a `raise` that may re-raise what it caught.

    A bare `raise` inside a nested handler (`try: ... except (KeyboardInterrupt, SystemExit):
    raise`) re-raises the nested handler's exception, not this one's. Any other `raise`
    counts, also `raise Other() from e` (which still ends the task) and conditional ones.
    """
    stack: List[Tuple[cst.CSTNode, bool]] = [(kid, False) for kid in children(handler.body)]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, cst.Raise) and not (nested and node.exc is None):
            return True
        if isinstance(node, _SCOPES):
            continue
        inner = nested or isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler))
        stack.extend((kid, inner) for kid in children(node))
    return False


def injects_cancellation(ctx: "Context", node: Union[cst.Try, cst.TryStar]) -> bool:
    """Whether the CancelledError this try catches may be one its own function made: a
    `raise CancelledError` in the try's body or in a def nested in the function, or a mock
    told to raise it (`side_effect=`, `exception=`, `mock.side_effect = [msg,
    CancelledError()]`, also through a local). Tests do this to stop an endless loop."""
    if any(isinstance(inner, cst.Raise) and inner.exc is not None
           and _mentions_cancellation(ctx, inner.exc, ctx.scope)
           for inner in descendants(node.body, into_scopes=False)):
        return True
    function = ctx.scope.function
    if function is None or not isinstance(function.node, cst.FunctionDef):
        return False
    cache: Dict[Scope, bool] = ctx.shared.setdefault("injects_cancellation", {})
    if function not in cache:
        cache[function] = _function_injects(ctx, function)
    return cache[function]


def _function_injects(ctx: "Context", function: Scope) -> bool:
    definition = function.node
    if not isinstance(definition, cst.FunctionDef):    # the caller checked: narrows the type
        return False
    for nested in descendants(definition.body, into_scopes=False):
        # A fake defined here that raises it (in the function's own body, only a raise in the
        # try's body counts: see injects_cancellation).
        if isinstance(nested, (cst.FunctionDef, cst.ClassDef)) and any(
                isinstance(node, cst.Raise) and node.exc is not None
                and _mentions_cancellation(ctx, node.exc, function)
                for node in descendants(nested)):
            return True
    given: Set[str] = set()          # locals handed to `side_effect=` / `.side_effect =`
    holding: Set[str] = set()        # locals whose value mentions CancelledError
    for node in descendants(definition.body, into_scopes=True):
        value = None
        if isinstance(node, cst.Arg) and node.keyword is not None \
                and node.keyword.value in INJECTING_NAMES:
            value = node.value
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Attribute) \
                        and target.target.attr.value in INJECTING_NAMES:
                    value = node.value
                elif isinstance(target.target, cst.Name) \
                        and _mentions_cancellation(ctx, node.value, function):
                    holding.add(target.target.value)
        if value is None:
            continue
        if _mentions_cancellation(ctx, value, function):
            return True
        if isinstance(value, cst.Name):
            given.add(value.value)
    return bool(given & holding)


def _mentions_cancellation(ctx: "Context", expr: cst.BaseExpression, scope: Scope) -> bool:
    for node in [expr, *descendants(expr)]:
        if isinstance(node, (cst.Name, cst.Attribute)) \
                and ctx.names.qualname(node, scope) in CANCELLED_ERRORS:
            return True
    return False


class Cancellations:
    """What each function calls `.cancel()` on, as source text, in the order the engine's
    walk meets the calls; `for t in tasks: t.cancel()` records both `t` and `tasks`.

    One per file (`cancellations(ctx)`), made on the first question by a walk of its own, so
    that neither AIO402 nor AIO403 has to follow every call of the file.
    """

    def __init__(self, ctx: "Context") -> None:
        self.ctx = ctx
        self.first: Dict[cst.CSTNode, int] = {}   # node -> its place in the walk
        self.last: Dict[cst.CSTNode, int] = {}    # try/with -> the place of its last node
        # function scope -> [(place of the `.cancel()` call, what it cancels)]
        self.cancels: Dict[Scope, List[Tuple[int, FrozenSet[str]]]] = {}
        self._walk()

    def text(self, node: cst.CSTNode) -> str:
        return self.ctx.module.code_for_node(node).strip()

    def _walk(self) -> None:
        """Preorder, with the scopes the engine gives each node: a def, class or lambda's
        body is inside it, its decorators and defaults are not; a comprehension is inside
        from its start."""
        names = self.ctx.names
        scope: Scope = names.module_scope
        saved: List[Scope] = []
        starts: Dict[cst.CSTNode, Scope] = {}
        ancestors: List[cst.CSTNode] = []
        stack: List[Tuple[cst.CSTNode, bool]] = [(self.ctx.module, False)]
        place = 0
        while stack:
            node, leaving = stack.pop()
            if leaving:
                ancestors.pop()
                if node in starts:
                    scope = saved.pop()
                if isinstance(node, _BOUNDED):
                    self.last[node] = place - 1
                continue
            if node in starts:
                saved.append(scope)
                scope = starts[node]
            self.first[node] = place
            if isinstance(node, cst.Call):
                self._record(node, scope, ancestors, place)
            place += 1
            inner = names.scope_of.get(node)
            if inner is not None and node is not self.ctx.module:
                if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                    starts[node.body] = inner
                else:
                    starts[node] = inner
                    saved.append(scope)
                    scope = inner
            ancestors.append(node)
            stack.append((node, True))
            stack.extend((kid, False) for kid in reversed(children(node)))

    def _record(self, call: cst.Call, scope: Scope, ancestors: List[cst.CSTNode],
                place: int) -> None:
        func = call.func
        function = scope.function
        if function is None or not (isinstance(func, cst.Attribute)
                                    and func.attr.value == "cancel"):
            return
        text = self.text(func.value)
        texts = {text}
        for ancestor in ancestors:
            if isinstance(ancestor, cst.For) and self.text(ancestor.target) == text:
                texts.add(self.text(ancestor.iter))
        self.cancels.setdefault(function, []).append((place, frozenset(texts)))

    def before(self, node: cst.CSTNode, through: bool = False) -> Set[str]:
        """What the function the walk is in cancelled before reaching `node` (with
        `through`, before leaving it: calls inside it count)."""
        function = self.ctx.scope.function
        if function is None or node not in self.first:
            return set()
        bound = self.last.get(node, self.first[node]) if through else self.first[node] - 1
        return {text for place, texts in self.cancels.get(function, ()) if place <= bound
                for text in texts}

    def gathers_cancelled(self, call: cst.Call, cancelled: Set[str]) -> bool:
        """A gather/wait/wait_for/shield given something in `cancelled`."""
        return bool(cancelled) and self.ctx.qualname(call.func) in WAITERS and any(
            self.text(arg.value) in cancelled for arg in call.args if arg.keyword is None)


# Nodes whose end the questions ask about: AIO403 judges a try or a `with` when leaving it.
_BOUNDED = (cst.Try, cst.TryStar, cst.With)


def cancellations(ctx: "Context") -> Cancellations:
    """The file's one `Cancellations`, shared by AIO402 and AIO403 (made by the first)."""
    found = ctx.shared.get("cancellations")
    if found is None:
        found = ctx.shared["cancellations"] = Cancellations(ctx)
    return found
