"""Script code: one-shot programs, where blocking the event loop delays nobody else.

A command-line tool or a maintenance script that runs `asyncio.run(main())` and exits has
nothing else on its loop: when it waits on `input()`, reads a file or calls `subprocess.run`,
the only work it holds up is its own. The blocking family (and the CPU-heavy codes) are
quiet there by default; `--asyncio-check-scripts=all` reports them as in other code. What is
a bug in any program stays reported: a coroutine that never runs, a task lost, a swallowed
cancellation, a busy-wait that never ends, an event loop started inside a running one.

Script code is a file whose path matches `--asyncio-script-paths` (by default `__main__.py`,
and anything under `scripts/` or `examples/`) and that does not run anything else on its loop.
A file that shows any of these signs is a service, however it is named, and stays checked:
- it serves or listens (`start_server`, `create_server`, `serve_forever`, `run_forever`,
  aiohttp's `run_app`/`TCPSite`, a bot's `run_polling`, `add_event_handler`, `add_handler`...);
- it starts concurrent work (`create_task`, `ensure_future`, `gather`, `TaskGroup`, `wait`,
  `as_completed`, `call_soon`/`call_later`, `add_reader`...): a blocking call then stalls the
  script's own other tasks;
- one of its `async def`s is decorated (other than by `functools`, `contextlib`, `abc`,
  `typing`, `click`/`asyncclick`/`typer`, the builtins, or a decorator of the module that
  only wraps, below): `@bot.command()`, `@app.get("/")`, `@client.event` register handlers
  that run while the program serves;
- one of its `async def`s is used as a value rather than called (`add_handler(start)`,
  `functions = [download]`, `uvicorn.run(app)`): something else calls it, maybe many times
  at once. Not values: a decorator returning its own wrapper (`return wrapped`: the wrapper
  stands in for the decorated function, judged where that is used), and the object of
  `hasattr`/`getattr`/`setattr` (read or marked, not called);
- a class with a base class other than `object` defines an `async def`: callbacks called by
  name (`discord.Client.on_message`, a `slixmpp.ClientXMPP` handler, a protocol).
A file under a command-line package is script code too (`command_packages.py`): a folder
named `cli`, `cmds` or `commands` (`--asyncio-command-packages`) in which some module runs a
program from a function (`asyncio.run(...)` in a click command), with the same signs checked.
Only the file itself is script code: the package a `__main__.py` starts is checked as usual,
so a server launched by `python -m server` keeps every finding in its own modules.

The engine asks `drop_script_scaffolding` after the walk, only when there are findings of the
codes quiet here and the path matches: other files cost nothing more.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Set

import libcst as cst

from .calls.tasks import PROGRAM_RUNNERS
from .command_packages import in_command_package
from .names import Resolver
from .options import CHECK_SCRIPTS, COMMAND_PACKAGES, SCRIPT_PATHS
from .rules.base import Finding
from .testcode import path_matches
from .walk import descendants

# Codes not reported in script code by default, and why (rendered on the rule pages).
_BLOCKING = ("a one-shot program (a command-line tool, a script) that blocks its own event loop "
             "while it waits for input, files or a process holds up only itself: nothing else "
             "runs on that loop")
_CPU = "CPU-heavy work in a one-shot program delays only that program"
QUIET_IN_SCRIPTS: Dict[str, str] = {
    "AIO200": _BLOCKING, "AIO201": _BLOCKING, "AIO202": _BLOCKING, "AIO203": _BLOCKING,
    "AIO204": _BLOCKING, "AIO206": _BLOCKING, "AIO207": _BLOCKING,
    "AIO300": _CPU, "AIO302": _CPU,
}

# Last names of calls that serve, listen or dispatch handlers: the file is a service.
_SERVING = frozenset({
    "create_server", "create_unix_server", "start_server", "start_unix_server",
    "serve", "serve_forever", "run_forever", "create_datagram_endpoint",
    "connect_accepted_socket", "run_app", "AppRunner", "TCPSite", "UnixSite", "SockSite",
    "run_polling", "run_webhook", "start_polling", "start_webhook", "add_event_handler",
    "add_handler", "add_listener", "add_route", "add_routes",
})
# Last names of calls that start concurrent work on the loop.
_CONCURRENT = frozenset({
    "create_task", "ensure_future", "gather", "as_completed", "TaskGroup", "start_soon",
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_reader", "add_writer",
    "run_coroutine_threadsafe",
})
_CONCURRENT_QUALNAMES = frozenset({"asyncio.wait"})
# Decorators that wrap a function without registering it anywhere.
_NEUTRAL_DECORATOR_ROOTS = frozenset({"functools", "contextlib", "abc", "typing",
                                      "typing_extensions", "click", "asyncclick", "typer"})
_NEUTRAL_DECORATORS = frozenset({"staticmethod", "classmethod", "property"})
# Builtins that read or mark an object without calling it: their first argument is not
# handed to anyone.
_INTROSPECTION = frozenset({"hasattr", "getattr", "setattr"})


def _last_name(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


def _is_neutral_decorator(qualname: str) -> bool:
    return (qualname in _NEUTRAL_DECORATORS
            or qualname.split(".", 1)[0] in _NEUTRAL_DECORATOR_ROOTS)


def runs_alone(module: cst.Module, resolver: Resolver) -> bool:
    """Whether nothing in the module runs other work on its loop (no sign listed above)."""
    scope = resolver.module_scope
    nodes = list(descendants(module))
    wrapper_uses = _wrapper_uses(nodes)
    wrapping = _wrapping_decorators(module, wrapper_uses)
    async_names: Set[str] = set()
    for node in nodes:
        if isinstance(node, cst.FunctionDef) and node.asynchronous is not None:
            async_names.add(node.name.value)
            for decorator in node.decorators:
                expr = decorator.decorator
                target = expr.func if isinstance(expr, cst.Call) else expr
                qualname = resolver.qualname(target, scope) or ""
                if not (_is_neutral_decorator(qualname)
                        or isinstance(expr, cst.Name) and expr.value in wrapping):
                    return False
        elif isinstance(node, cst.ClassDef) and any(
                _last_name(base.value) != "object" for base in node.bases) and any(
                isinstance(inner, cst.FunctionDef) and inner.asynchronous is not None
                for inner in descendants(node.body)):
            return False
    # Names that are not read as values: definitions, attribute names, called functions.
    not_values: Set[int] = set()
    for node in nodes:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            not_values.add(id(node.name))
        elif isinstance(node, cst.Attribute):
            not_values.add(id(node.attr))
        elif isinstance(node, cst.Call):
            name = _last_name(node.func)
            qualname = resolver.qualname(node.func, scope) or ""
            if name in _SERVING or name in _CONCURRENT or qualname in _CONCURRENT_QUALNAMES:
                return False
            not_values.add(id(node.func))
            if (qualname in PROGRAM_RUNNERS or qualname in _INTROSPECTION) and node.args:
                not_values.add(id(node.args[0].value))
    not_values.update(wrapper_uses)
    for node in nodes:
        if id(node) in not_values:
            continue
        if isinstance(node, (cst.Name, cst.Attribute)) and _last_name(node) in async_names:
            return False
    return True


def _wrapping_decorators(module: cst.Module, wrapper_uses: Set[int]) -> Set[str]:
    """Names of the module's own decorators that only wrap: a module-level def that defines
    an `async def` wrapper and returns it (see `_wrapper_uses`). Decorating a command with one
    registers it nowhere."""
    found = set()
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and any(
                isinstance(inner, cst.Return) and id(inner.value) in wrapper_uses
                for inner in descendants(statement.body, into_scopes=False)):
            found.add(statement.name.value)
    return found


def _wrapper_uses(nodes: List[cst.CSTNode]) -> Set[int]:
    """Ids of the names by which a decorator hands back its own wrapper: `return wrapped` in
    the def that defines the `async def wrapped`. The wrapper stands in for the function it
    decorates, which is judged where it is used: returning it hands it to nobody. Anything
    else done with it (`registry.append(wrapped)`) is still a value."""
    found: Set[int] = set()
    for node in nodes:
        if not isinstance(node, cst.FunctionDef):
            continue
        wrappers = {inner.name.value for inner in node.body.body
                    if isinstance(inner, cst.FunctionDef) and inner.asynchronous is not None}
        if not wrappers:
            continue
        for inner in descendants(node.body, into_scopes=False):
            if isinstance(inner, cst.Return) and isinstance(inner.value, cst.Name) \
                    and inner.value.value in wrappers:
                found.add(id(inner.value))
    return found


def drop_script_scaffolding(findings: List[Finding], module: cst.Module, resolver: Resolver,
                            filename: str, settings: Mapping[str, Any]) -> List[Finding]:
    """`findings` without those quiet in script code (see QUIET_IN_SCRIPTS)."""
    if not any(finding.code in QUIET_IN_SCRIPTS for finding in findings):
        return findings
    if CHECK_SCRIPTS.value(settings) == "all":
        return findings
    if not (path_matches(filename, SCRIPT_PATHS.value(settings))
            or in_command_package(filename, COMMAND_PACKAGES.value(settings))):
        return findings
    if not runs_alone(module, resolver):
        return findings
    return [finding for finding in findings if finding.code not in QUIET_IN_SCRIPTS]
