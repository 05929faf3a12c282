"""Which files can hold a finding at all, decided without libcst.

Every rule needs async code, or at least a call into asyncio (a sync def that calls
`asyncio.sleep()` and drops the coroutine, a protocol callback's `self._loop.create_task()`),
to have anything to report. Two stages, cheapest first:

1. `may_contain_findings(source)`: a C-speed search for the words `async`, `await`, `asyncio`.
   Most files of most projects stop here.
2. `has_async_code(tree)`: on the `ast` tree flake8 has already built, whether the words are
   code: an async def, `await`, `async for`/`async with`/async comprehension, a call through a
   name from asyncio, or a call of an event-loop or future method. A file that mentions asyncio
   only in docstrings, comments, annotations, base classes or exception names stops here.
   Breadth-first, so an async file is recognised after a few nodes.
"""
from __future__ import annotations

import ast
import re
from typing import FrozenSet, Optional, Set

from .calls import blocking, coroutines, tasks

_ASYNC_WORDS = re.compile(r"\b(?:async|await|asyncio)\b")

_ASYNC_NODES = (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith)


def _loop_and_future_methods() -> FrozenSet[str]:
    """Method names that schedule, await or take callbacks on a loop or future.

    Taken from the catalogues, so that a new loop method there is never skipped here.
    """
    qualified = (set(coroutines.STDLIB_COROUTINE_FUNCTIONS) | set(coroutines.CALLBACK_APIS)
                 | set(tasks.TASK_FACTORIES) | set(blocking.BLOCKING_CALLS))
    loop_types = tuple(loop + "." for loop in coroutines.LOOP_TYPES)
    names = {name.rsplit(".", 1)[1] for name in qualified if name.startswith(loop_types)}
    return frozenset(names | set(tasks.LOOP_FACTORY_METHODS) | set(coroutines.CALLBACK_METHODS))


LOOP_AND_FUTURE_METHODS = _loop_and_future_methods()


def may_contain_findings(source: str) -> bool:
    return _ASYNC_WORDS.search(source) is not None


def _root_name(node: ast.expr) -> Optional[str]:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def has_async_code(tree: Optional[ast.AST]) -> bool:
    """Whether the module's code (not its text) is async or calls into asyncio.

    `None` (no tree at hand) answers True: the full check then decides.
    """
    if tree is None:
        return True
    from_asyncio: Set[str] = {"asyncio"}     # names bound to asyncio or to what it exports
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, _ASYNC_NODES):
            return True
        if isinstance(node, ast.comprehension) and node.is_async:
            return True
        if isinstance(node, ast.Import):
            from_asyncio.update((alias.asname or alias.name).split(".")[0]
                                for alias in node.names if alias.name.split(".")[0] == "asyncio")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "asyncio":
                from_asyncio.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Call):
            calls.append(node.func)
    # Imports anywhere in the file count, so calls are judged once every import is known.
    for func in calls:
        if isinstance(func, ast.Attribute) and func.attr in LOOP_AND_FUTURE_METHODS:
            return True
        if _root_name(func) in from_asyncio:
            return True
    return False
