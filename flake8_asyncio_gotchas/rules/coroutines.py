"""AIO1xx: coroutines that never run.

Which calls make coroutines is `index.CoroutineIndex`'s business; these rules decide what
happens to the coroutine afterwards.
"""
from __future__ import annotations

from typing import List, Type

import libcst as cst

from ..names import format_call
from .base import Rule

_FIX = "add `await`, or schedule it with `asyncio.create_task()` and keep the task"


class CoroutineNeverAwaited(Rule):
    code = "AIO100"
    name = "coroutine-never-awaited"
    message = ("AIO100 `{callee}()` is a coroutine function; its coroutine is never awaited: "
               + _FIX)
    summary = ("A call to a coroutine function whose coroutine is dropped: an expression "
               "statement, assigned to `_`, or assigned to a local name that is never read.")
    why = ("Calling an `async def` function does not run it: it only creates a coroutine "
           "object. Unless that object is awaited (or wrapped in a task), the function's body "
           "never executes, and Python merely prints `RuntimeWarning: coroutine '...' was never "
           "awaited` when the object is garbage-collected, long after the mistake.")
    example = ("async def save(record):\n"
               "    ...\n\n"
               "async def handler(record):\n"
               "    save(record)  # nothing is saved\n")
    instead = ("async def handler(record):\n"
               "    await save(record)\n")
    limits = ("Coroutine functions are those the module can see: `async def` of the same module "
              "(functions, nested functions, methods through `self`, `cls` or the class name, "
              "inherited from same-module bases) and the standard library's coroutine functions. "
              "An `async def` with a decorator that may change what calling it returns is not "
              "assumed to return a coroutine. A module-level name is never judged unread: "
              "other modules may import it.")
    references = (
        "https://docs.python.org/3/library/asyncio-dev.html#detect-never-awaited-coroutines",
        "https://docs.python.org/3/library/asyncio-task.html#coroutines",
    )

    def visit_Expr(self, node: cst.Expr) -> None:
        self._check(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if name == "_" or self._never_read(name):
            self._check(node.value)

    def _never_read(self, name: str) -> bool:
        scope = self.ctx.scope
        if scope.function is not scope or name in scope.globals or name in scope.nonlocals:
            return False
        return self.ctx.names.read_count(name, scope) == 0

    def _check(self, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Call) and self.ctx.is_coroutine_call(value):
            self.report(value, callee=format_call(value.func))


RULES: List[Type[Rule]] = [CoroutineNeverAwaited]
