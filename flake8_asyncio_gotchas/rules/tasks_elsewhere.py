"""A coroutine function of another module, judged as the linted module's own are.

Whether a task's coroutine deals with its own errors (`tasks_errors.handles_own_exceptions`)
is judged on libcst trees with the resolver's answers (the type of `self.queue`, the
module's own helpers). When a task of the linted file runs a coroutine function of another
module (`from .protocol import heartbeater`, `create_task(protocol.heartbeater(...))`), that
module is parsed with libcst and given a context of its own, so that the same function judges
it there: one judgement, wherever the def is. The module is read as text, never imported,
and only when a task runs one of its functions; each answer is kept per process, keyed by
the file's path, mtime and size.

Only module-level `async def`s found through their qualified name are followed; a method
reached through an instance (`self.client.run()`) is not.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Dict, List, Tuple

import libcst as cst

from ..modules import FunctionEntry, ProjectModules
from ..names import Scope, collect_scopes
from .base import Context

if TYPE_CHECKING:
    Judge = Callable[[Context, cst.FunctionDef], bool]

# (path, mtime in ns, size) -> each module-level coroutine function's judgement: a module is
# parsed once however many of its functions tasks run.
_JUDGED: Dict[Tuple[str, int, int], Dict[str, bool]] = {}


def judged_elsewhere(ctx: Context, call: cst.Call, scope: Scope, judge: "Judge") -> bool:
    """`judge` of the module-level coroutine function of another module that `call` (made in
    `scope`) calls; False when it is not one, or cannot be read."""
    qualname = ctx.names.qualname(call.func, scope)
    if not qualname or "." not in qualname.lstrip("."):
        return False
    entry = ctx.index.project.find(qualname)
    name = qualname.rsplit(".", 1)[1]
    if not isinstance(entry, FunctionEntry) or not entry.is_coroutine or entry.module is None \
            or name not in entry.module.functions:
        return False
    path = entry.module.path
    try:
        status = os.stat(path)
    except OSError:
        return False
    key = (path, status.st_mtime_ns, status.st_size)
    if key not in _JUDGED:
        _JUDGED[key] = _judge(path, ctx, judge)
    return _JUDGED[key].get(name, False)


def _judge(path: str, ctx: Context, judge: "Judge") -> Dict[str, bool]:
    try:
        with open(path, "rb") as source:         # libcst reads the coding declaration
            module = cst.parse_module(source.read())
        there = Context(module, collect_scopes(module, ProjectModules(path)), path, ctx.settings)
        return {name: judge(there, func) for name, func in _module_level_defs(module).items()}
    except Exception:     # an unreadable or unparsable module: judged as unknown, never a crash
        return {}
    except BaseException as error:      # the native parser's panics are BaseExceptions
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return {}


def _module_level_defs(module: cst.Module) -> Dict[str, cst.FunctionDef]:
    """The module-level async defs, by name. A name bound twice (`if PY2: def f...`), or
    bound once to a sync def, is not judged."""
    found: Dict[str, List[cst.FunctionDef]] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            found.setdefault(statement.name.value, []).append(statement)
    return {name: defs[0] for name, defs in found.items()
            if len(defs) == 1 and defs[0].asynchronous is not None}
