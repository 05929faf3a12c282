"""AIO100-AIO103 decided: what happens to the coroutine a call makes.

`CoroutineChecker` visits once for the family and reports any of its codes: a coroutine
dropped (AIO100), used as a value (AIO101), an async function given where a plain callback
is called (AIO102), coroutines given to `asyncio.wait()` (AIO103). Whether a call makes a
coroutine is `index.CoroutineIndex`'s answer.
"""
from __future__ import annotations

from typing import Optional, Sequence, Set, Type

import libcst as cst

from ..calls.coroutines import (AWAITABLE_RESULTS, CALLBACK_APIS, CALLBACK_METHODS,
                                COROUTINE_ATTRIBUTES, FORMATTING_BUILTINS, ITERATING_BUILTINS,
                                PARTIAL_WRAPPERS, WAIT_FUNCTIONS, CallbackApi)
from ..names import Scope, format_call
from ..syntax import argument
from .base import Checker, Context, Rule

NEVER_AWAITED = "AIO100"
USED_AS_VALUE = "AIO101"
AS_CALLBACK = "AIO102"
BARE_COROUTINES = "AIO103"

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)


class CoroutineChecker(Checker):
    """The AIO1xx family's one visitor (see the module docstring)."""

    def __init__(self, ctx: Context, rules: Sequence[Type[Rule]]) -> None:
        super().__init__(ctx, rules)
        self.never_awaited = self.wants(NEVER_AWAITED)
        self.used_as_value = self.wants(USED_AS_VALUE)
        self.as_callback = self.wants(AS_CALLBACK)
        self.bare_coroutines = self.wants(BARE_COROUTINES)
        self._seen: Set[int] = set()      # AIO101: calls reported already

    # -- the visits, for every code ---------------------------------------------------------------

    def visit_Expr(self, node: cst.Expr) -> None:
        if self.never_awaited:
            self._dropped_statement(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.never_awaited:
            self._dropped_assignment(node)
        self._unpacked(node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.used_as_value:
            self._used_in_call(node)
        if self.as_callback:
            self._callback(node)
        if self.bare_coroutines:
            self._wait_on(node)

    # -- what every code asks ---------------------------------------------------------------------

    def coroutine_call(self, expr: Optional[cst.BaseExpression],
                       scope: Optional[Scope] = None) -> Optional[cst.Call]:
        if isinstance(expr, cst.Call) and self.ctx.index.is_coroutine_call(
                expr, scope or self.ctx.scope):
            return expr
        return None

    def builtin(self, func: cst.BaseExpression) -> Optional[str]:
        """The builtin a call's callee names (not shadowed), or None."""
        if isinstance(func, cst.Name) and self.ctx.names.bindings(func.value,
                                                                  self.ctx.scope) is None:
            return func.value
        return None

    # -- AIO100 ---------------------------------------------------------------------------------

    def _dropped_statement(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, cst.IfExp):           # `fetch() if x else other()`
            self._dropped(value.body)
            self._dropped(value.orelse)
        elif isinstance(value, _COMPREHENSIONS):   # `[fetch(u) for u in urls]` as a statement
            self._dropped(value.elt, self.ctx.names.scope_of.get(value))
        else:
            self._dropped(value)

    def _dropped_assignment(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if name == "_" or self._never_read(name):
            self._dropped(node.value)

    def _never_read(self, name: str) -> bool:
        scope = self.ctx.scope
        if scope.function is not scope or name in scope.globals or name in scope.nonlocals:
            return False
        return self.ctx.names.read_count(name, scope) == 0

    def _dropped(self, value: cst.BaseExpression, scope: Optional[Scope] = None) -> None:
        call = self.coroutine_call(value, scope)
        if call is not None:
            self.report(NEVER_AWAITED, call, callee=format_call(call.func))

    # -- AIO101 ---------------------------------------------------------------------------------

    def _use(self, expr: Optional[cst.BaseExpression], use: str,
             scope: Optional[Scope] = None) -> None:
        if not self.used_as_value:
            return
        call = self.coroutine_call(expr, scope)
        if call is not None and id(call) not in self._seen:
            self._seen.add(id(call))
            self.report(USED_AS_VALUE, call, callee=format_call(call.func), use=use)

    # -- boolean context ----------------------------------------------------------------------

    _TRUTH = "tested for truth (always true)"

    def visit_If(self, node: cst.If) -> None:
        self._use(node.test, self._TRUTH)

    def visit_While(self, node: cst.While) -> None:
        self._use(node.test, self._TRUTH)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._use(node.test, self._TRUTH)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._use(node.test, self._TRUTH)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._use(node.test, self._TRUTH)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._use(node.expression, self._TRUTH)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # The left operand is always tested; the right one only when the whole is.
        self._use(node.left, self._TRUTH)
        if self._in_boolean_context(len(self.ctx.ancestors) - 1, node):
            self._use(node.right, self._TRUTH)

    def _in_boolean_context(self, index: int, node: cst.CSTNode) -> bool:
        while index >= 0:
            parent = self.ctx.ancestors[index]
            if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.Assert, cst.CompIf)):
                return getattr(parent, "test", None) is node
            if isinstance(parent, cst.UnaryOperation):
                return isinstance(parent.operator, cst.Not)
            if not isinstance(parent, cst.BooleanOperation):
                return False
            if parent.left is node:
                return True
            node, index = parent, index - 1
        return False

    # -- iteration ----------------------------------------------------------------------------

    _ITERATED = "iterated"

    def visit_For(self, node: cst.For) -> None:
        self._use(node.iter, self._ITERATED)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._use(node.iter, self._ITERATED)

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._use(node.value, "unpacked")

    def _unpacked(self, node: cst.Assign) -> None:
        if any(isinstance(target.target, (cst.Tuple, cst.List)) for target in node.targets):
            self._use(node.value, "unpacked")

    # -- the call's item or attribute -----------------------------------------------------------

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._use(node.value, "subscripted")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in COROUTINE_ATTRIBUTES:
            self._use(node.value, "asked for `.%s`" % node.attr.value)

    # -- comparison and formatting --------------------------------------------------------------

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._use(node.left, "compared")
        for target in node.comparisons:
            self._use(target.comparator, "compared")

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        self._use(node.expression, "formatted")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Modulo) and isinstance(
                node.left, (cst.SimpleString, cst.ConcatenatedString)):
            right = node.right
            values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [
                right]
            for value in values:
                self._use(value, "formatted")

    def _used_in_call(self, node: cst.Call) -> None:
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if isinstance(node.func, cst.Attribute):
            if node.func.attr.value == "format" and isinstance(
                    node.func.value, (cst.SimpleString, cst.ConcatenatedString)):
                for arg in node.args:
                    if not arg.star:
                        self._use(arg.value, "formatted")
            return
        builtin = self.builtin(node.func)
        if builtin in FORMATTING_BUILTINS:
            for value in positional if builtin == "print" else positional[:1]:
                self._use(value, "formatted")
        elif builtin in ITERATING_BUILTINS:
            first, rest = ITERATING_BUILTINS[builtin]
            for value in positional[first:] if rest else positional[first:first + 1]:
                self._use(value, "iterated" if builtin != "len" else "measured")

    # -- returned from an async def ---------------------------------------------------------------

    def visit_Return(self, node: cst.Return) -> None:
        if self.used_as_value and self.ctx.in_async_def \
                and not self._declares_awaitable_result():
            self._use(node.value, "returned from an async def (the caller's `await` gets the "
                                  "coroutine back)")

    def _declares_awaitable_result(self) -> bool:
        """`async def f() -> Awaitable[X]`: the coroutine is the declared result, returned on
        purpose for the caller to await in turn (`await (await f())`)."""
        function = self.ctx.scope.node
        returns = getattr(function, "returns", None)
        if not isinstance(function, cst.FunctionDef) or returns is None:
            return False
        annotation = returns.annotation
        if isinstance(annotation, cst.SimpleString):    # `-> "Awaitable[Result]"`
            try:
                annotation = cst.parse_expression(str(annotation.evaluated_value))
            except (cst.ParserSyntaxError, TypeError):
                return False
        declared = self.ctx.names.annotation_type(annotation, self.ctx.scope.parent
                                                  or self.ctx.scope)
        return declared in AWAITABLE_RESULTS

    # -- AIO102 ---------------------------------------------------------------------------------

    def _callback(self, node: cst.Call) -> None:
        api = self._api(node)
        if api is None:
            return
        callback = argument(node, api.keyword or None, api.position)
        if callback is None:
            return
        what = self._async_callback(callback)
        if what is not None:
            self.report(AS_CALLBACK, callback, what=what, api=format_call(node.func),
                        fix=api.fix)

    def _api(self, node: cst.Call) -> Optional[CallbackApi]:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CALLBACK_METHODS:
            return CALLBACK_METHODS[func.attr.value]
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        qualname = self.ctx.qualname(func)
        return CALLBACK_APIS.get(qualname) if qualname else None

    def _async_callback(self, callback: cst.BaseExpression) -> Optional[str]:
        """How to name the async function `callback` is, or None when it is not one."""
        index, scope = self.ctx.index, self.ctx.scope
        if isinstance(callback, cst.Lambda):
            body_scope = self.ctx.names.scope_of.get(callback)
            call = self.coroutine_call(callback.body, body_scope)
            if call is None:
                return None
            return "this lambda returns the coroutine of `%s()`" % format_call(call.func)
        if isinstance(callback, cst.Call) and self.ctx.qualname(callback.func) in PARTIAL_WRAPPERS:
            callback = argument(callback, "func", 0) or callback
        if isinstance(callback, (cst.Name, cst.Attribute)) and index.is_coroutine_function(
                callback, scope):
            return "`%s` is an async function" % format_call(callback)
        return None

    # -- AIO103 ---------------------------------------------------------------------------------

    def _wait_on(self, node: cst.Call) -> None:
        if not isinstance(node.func, (cst.Name, cst.Attribute)) \
                or self.ctx.qualname(node.func) not in WAIT_FUNCTIONS:
            return
        waited = argument(node, "fs", 0)
        callee = self._coroutines_in(waited, self.ctx.scope, 0) if waited else None
        if callee is not None:
            self.report(BARE_COROUTINES, node, api=format_call(node.func), callee=callee)

    def _coroutines_in(self, expr: cst.BaseExpression, scope: Scope, depth: int
                       ) -> Optional[str]:
        """The callee of a coroutine call that `expr` (evaluated in `scope`) collects."""
        if isinstance(expr, (cst.List, cst.Set, cst.Tuple)):
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    found = self._coroutines_in(element.value, scope, depth + 1)
                else:
                    call = self.coroutine_call(element.value, scope)
                    found = format_call(call.func) if call is not None else None
                if found is not None:
                    return found
            return None
        if isinstance(expr, _COMPREHENSIONS):
            call = self.coroutine_call(expr.elt, self.ctx.names.scope_of.get(expr))
            return format_call(call.func) if call is not None else None
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and \
                self.ctx.names.bindings("map", scope) is None and expr.func.value == "map":
            function = argument(expr, None, 0)
            if function is not None and self.ctx.index.is_coroutine_function(function, scope):
                return format_call(function)
            return None
        if isinstance(expr, cst.Name) and depth < 3:
            return self._name_collects(expr, scope, depth)
        return None

    def _name_collects(self, name: cst.Name, scope: Scope, depth: int) -> Optional[str]:
        bindings = self.ctx.names.bindings(name.value, scope, name)
        if not bindings:
            return None
        found = None
        for binding in bindings:
            if binding.kind != "assign" or binding.node is None:
                return None
            found = self._coroutines_in(binding.node,  # type: ignore[arg-type]
                                        binding.scope, depth + 1)
            if found is None:
                return None
        return found
