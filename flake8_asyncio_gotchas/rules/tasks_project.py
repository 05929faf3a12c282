"""Coroutine functions the project starts only as tasks, seen across its modules (AIO403).

`tasks_starts.task_entry_names` answers for one module: the functions it calls only to start
tasks with. A background loop is often defined in one module and started in others
(`asyncio.ensure_future(heartbeater(...))` in two protocol modules, nothing in its own):
from its own module nothing says how it runs. `started_only_elsewhere` asks the rest of the
project, for a module-level `async def` without decorators (a decorator may register it
with something that calls it some other way):

- at least one non-test module hands a call of it to a task factory (`create_task`,
  `ensure_future`, `run`, `run_until_complete`, a factory named `*_task`/`*_future`),
  directly or through a local assigned once in the same function, and names it through a
  module-level import that resolves to the def's module (`ProjectModules.lookup`); a task
  awaited where it is made (`await create_task(loop())`) is awaited as the call is;
- no non-test module, the linted one included, mentions the name in any other way: an
  `await`, another call, a value passed on (`partial(f, ...)`, a callback), an attribute of any
  object so named. By name, not by resolution: a same-named function elsewhere makes the
  finding stay, never go.
- Test code (by path, `--asyncio-test-paths`) does not decide: a test that awaits the loop
  directly to exercise it does not change how the application runs it.

Cost: asked only for a `try` that would otherwise be reported. The project's `.py` files (under
the nearest directory with pyproject.toml, setup.cfg or setup.py, by `sources.python_files`;
none at all past `_MAX_FILES`, or `_MAX_ENTRIES` entries of any kind) are
listed once per process; each is read as bytes and only those whose text holds the name are
parsed, with `ast`; what a file says of a name is kept per process, keyed by its path, mtime
and size. On the application corpus: 4 questions in all, 6 to 30 ms each (chia's 941 files:
about 45 ms to list them, 30 ms to read them).
"""
from __future__ import annotations

import ast
import os
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Set, Tuple

from ..calls.tasks import TASK_FACTORY_SUFFIXES, TASK_RUNNERS
from ..modules import FunctionEntry, ProjectModules, load_summary, project_root
from ..modules import ast_dotted_name as dotted_of
from ..options import TEST_PATHS
from ..sources import TooManyEntries, python_files
from ..testcode import is_test_path

if TYPE_CHECKING:
    from .base import Context

# Past these (`.py` files; entries of any kind), listing and reading the project would cost
# more than the answer is worth: the finding stays.
_MAX_FILES = 5000
_MAX_ENTRIES = 50000

_Scope = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

# What one module says of a name: the dotted names (as written) of the calls of it it starts
# as tasks, and whether it mentions the name in any other way.
Mentions = Tuple[Tuple[str, ...], bool]

_files: Dict[str, Optional[List[str]]] = {}
_mentions: Dict[Tuple[str, int, int, str], Mentions] = {}


def started_only_elsewhere(ctx: "Context", name: str) -> bool:
    """Whether the project starts the linted module's module-level `async def name` only as a
    task, and somewhere outside the linted module (see the module docstring)."""
    cache: Dict[str, bool] = ctx.shared.setdefault("started_only_elsewhere", {})
    if name not in cache:
        cache[name] = _started_only_elsewhere(ctx, name)
    return cache[name]


def _started_only_elsewhere(ctx: "Context", name: str) -> bool:
    here = _real(ctx.filename)
    root = project_root(os.path.dirname(here)) if os.path.isfile(here) else None
    if root is None:
        return False
    try:
        tree = ctx.tree if ctx.tree is not None else ast.parse(ctx.module.code)
        if mentions(tree, name)[1]:
            return False
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    files = _project_files(root)
    if files is None:
        return False
    started = False
    patterns = TEST_PATHS.value(ctx.settings)
    for path in files:
        if path == here or is_test_path(os.path.relpath(path, root), patterns):
            continue
        found = _file_mentions(path, name)
        if found is None:
            continue
        calls, other = found
        if other:
            return False
        started = started or any(_names_def(path, call, here) for call in calls)
    return started


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _project_files(root: str) -> Optional[List[str]]:
    """The project's `.py` files (real paths, sorted), listed once per process; None when
    there are more than `_MAX_FILES`, or more than `_MAX_ENTRIES` files and folders."""
    if root not in _files:
        found: List[str] = []
        try:
            for path in python_files(root, _MAX_ENTRIES):
                found.append(_real(path))
                if len(found) > _MAX_FILES:
                    raise TooManyEntries(root)
        except TooManyEntries:
            _files[root] = None
        else:
            _files[root] = found
    return _files[root]


def _file_mentions(path: str, name: str) -> Optional[Mentions]:
    """`mentions` of the file at `path`; None when its text does not hold the name (or it
    cannot be read or parsed)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    key = (path, status.st_mtime_ns, status.st_size, name)
    if key not in _mentions:
        try:
            with open(path, "rb") as stream:
                data = stream.read()
        except OSError:
            return None
        if name.encode("utf-8") not in data:
            _mentions[key] = ((), False)
        else:
            try:
                _mentions[key] = mentions(ast.parse(data), name)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
    return _mentions[key]


def _names_def(path: str, dotted: str, definition: str) -> bool:
    """Whether `dotted` (a call's callee as written in the module at `path`) names the
    module-level def of the module at `definition`, through an import of `path`'s module."""
    project = ProjectModules(path)
    summary = load_summary(path, project.cache)
    head, _, rest = dotted.partition(".")
    if summary is None or head not in summary.imports:
        return False
    qualname = summary.imports[head] + ("." + rest if rest else "")
    entry = project.lookup(qualname, os.path.dirname(path))
    return isinstance(entry, FunctionEntry) and entry.module is not None \
        and _real(entry.module.path) == definition


def mentions(tree: ast.Module, name: str) -> Mentions:
    """The calls of `name` (by its last name, or a name it is imported as) a module hands to
    a task factory, as dotted names, and whether it mentions the name in any other way (a
    read of a variable or an attribute so named, other than as the callee of those calls)."""
    started: List[str] = []
    counted: Set[int] = set()             # ids of the callees of the calls started as tasks
    # A task awaited where it is made (`await create_task(run())`) is awaited as `run()` is.
    awaited = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Await)}
    # The name, and what `from module import name as other` binds it to here.
    names = {name} | {alias.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                      for alias in node.names if alias.name == name and alias.asname}
    for scope in [tree, *(node for node in ast.walk(tree) if isinstance(node, _Scope))]:
        assigned = _assigned_calls(scope)
        for node in _own_nodes(scope):
            if not isinstance(node, ast.Call) or id(node) in awaited:
                continue
            call = _started_call(node, assigned)
            if call is not None and _last_name(call.func) in names:
                written = dotted_of(call.func)
                if written is not None:
                    started.append(written)
                counted.add(id(call.func))
    other = any(id(node) not in counted and (
        (isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load))
        or (isinstance(node, ast.Attribute) and node.attr == name))
        for node in ast.walk(tree))
    return tuple(started), other


def _started_call(call: ast.Call, assigned: Dict[str, ast.Call]) -> Optional[ast.Call]:
    """The coroutine call a task factory is given: `create_task(run())`, through a local
    assigned once in the same function, or `Context().run(loop.create_task, run())`."""
    given = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if _is_factory(call.func) and given:
        value = given[0]
    elif len(given) > 1 and _is_factory(given[0]):
        value = given[1]
    else:
        return None
    if isinstance(value, ast.Name):
        return assigned.get(value.id)
    return value if isinstance(value, ast.Call) else None


def _is_factory(func: ast.expr) -> bool:
    name = _last_name(func)
    return name is not None and (name in TASK_RUNNERS or name.endswith(TASK_FACTORY_SUFFIXES))


def _assigned_calls(scope: ast.AST) -> Dict[str, ast.Call]:
    """Locals of the scope bound once, by `name = call(...)`: name -> the call."""
    bound: Dict[str, int] = {}
    calls: Dict[str, ast.Call] = {}
    for node in _own_nodes(scope):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound[node.id] = bound.get(node.id, 0) + 1
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call):
            calls[node.targets[0].id] = node.value
    return {name: call for name, call in calls.items() if bound.get(name) == 1}


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module's or function's body, not those of the functions inside it."""
    stack: List[ast.AST] = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _Scope):
            stack.extend(ast.iter_child_nodes(node))


def _last_name(func: ast.expr) -> Optional[str]:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None
