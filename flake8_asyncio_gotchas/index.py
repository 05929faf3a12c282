"""What is a coroutine function: calling it returns a coroutine that must be awaited.

Known without running anything:
- `async def` of the same module: module functions, nested functions through enclosing
  scopes, methods through `self.`/`cls.`/`ClassName.` (inherited from same-module bases too);
- the standard library's coroutine functions and methods (`calls.STDLIB_COROUTINE_FUNCTIONS`).

An `async def` whose decorators may change what a call returns is not assumed to return a
coroutine: only the pass-through decorators below are trusted.
"""
from __future__ import annotations

import libcst as cst

from .calls import STDLIB_COROUTINE_FUNCTIONS
from .names import Resolver, Scope

PASS_THROUGH_DECORATORS = frozenset({
    "staticmethod", "classmethod",
    "abc.abstractmethod",
    "functools.wraps", "functools.cache", "functools.lru_cache",
    "typing.overload", "typing_extensions.overload",
    "typing.override", "typing_extensions.override",
})


class CoroutineIndex:
    """Answers "does this call make a coroutine?" for one module."""

    def __init__(self, resolver: Resolver) -> None:
        self.names = resolver

    def is_coroutine_def(self, func: cst.FunctionDef, scope: Scope) -> bool:
        """An `async def` (not an async generator) whose decorators all pass calls through.

        `scope` is where the def statement stands (decorators are resolved there).
        """
        if func.asynchronous is None:
            return False
        body_scope = self.names.scope_of.get(func)
        if body_scope is None or body_scope.yields:
            return False
        for decorator in func.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            if self.names.qualname(expr, scope) not in PASS_THROUGH_DECORATORS:
                return False
        return True

    def is_coroutine_call(self, call: cst.Call, scope: Scope) -> bool:
        """Whether `call` (made in `scope`) calls a coroutine function."""
        target = self.names.definition(call.func, scope)
        if isinstance(target, cst.FunctionDef):
            def_scope = self.names.scope_of.get(target)
            outer = def_scope.parent if def_scope is not None else None
            return outer is not None and self.is_coroutine_def(target, outer)
        if target is not None:
            return False
        return self.names.qualname(call.func, scope) in STDLIB_COROUTINE_FUNCTIONS

