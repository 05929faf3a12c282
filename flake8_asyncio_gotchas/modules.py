"""Other modules of the linted project and installed packages, found on disk, read with `ast`.

What `index.CoroutineIndex` needs to know about a module it does not lint: its module-level
async defs, its classes (methods and bases), and what it imports or re-exports. A module is found
from the linted file's path (packages with `__init__.py`, the directory holding pyproject.toml /
setup.cfg / setup.py, and its `src/`), then in the site-packages of the environment running
flake8 (`installed.py`; the standard library aside), parsed with `ast.parse` (never imported or
executed). Its summary is cached per process keyed by path, mtime and size, so that `flake8 -j`
over a package reads each module once per worker, and on disk between runs
(`summary_cache.py`), so that an editor's new flake8 process on every save parses none again.
"""
from __future__ import annotations

import ast
import os
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple, Union

from .calls.coroutines import (NEUTRAL_BASES, STDLIB_COROUTINE_FUNCTIONS, OVERLOAD_DECORATORS,
                               PASS_THROUGH_CLASS_WRAPPERS, PASS_THROUGH_DECORATORS)
from .installed import is_stdlib, site_directories
from .summary_cache import SummaryCache, cache_for

MAX_DEPTH = 8
_PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
# Display names flake8 uses for standard input: no file on disk to start from.
_NO_FILE = frozenset({"", "-", "stdin", "<stdin>"})


# -- summaries of other modules (ast, cached per process) -------------------------------------

class ClassSummary:
    """Methods of a class (name -> is a coroutine function) and its bases as written."""

    __slots__ = ("methods", "bases")

    def __init__(self) -> None:
        self.methods: Dict[str, bool] = {}
        self.bases: List[Optional[str]] = []   # dotted names; None for anything else


class ModuleSummary:
    """What another module binds at module level, as far as coroutine functions go."""

    __slots__ = ("path", "functions", "classes", "imports", "stars")

    def __init__(self, path: str) -> None:
        self.path = path
        self.functions: Dict[str, bool] = {}          # name -> coroutine function?
        self.classes: Dict[str, ClassSummary] = {}
        self.imports: Dict[str, str] = {}             # name -> imported qualname (dots kept)
        self.stars: List[str] = []                    # `from X import *`: X


_Def = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def _dotted(node: ast.expr) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _statements(body: Iterable[ast.stmt]) -> Iterable[ast.stmt]:
    """Statements of a block, looking into if/try/with/for/while blocks (not defs).

    Iterative, in source order: a chain of a thousand `elif`s nests a thousand deep.
    """
    pending: List[Iterator[ast.stmt]] = [iter(body)]
    while pending:
        stmt = next(pending[-1], None)
        if stmt is None:
            pending.pop()
            continue
        yield stmt
        blocks: List[Iterable[ast.stmt]] = []
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            blocks.extend(getattr(stmt, field, ()) for field in ("body", "orelse", "finalbody"))
        blocks.extend(handler.body for handler in getattr(stmt, "handlers", ()))
        pending.extend(iter(block) for block in reversed(blocks))


def _bound_names(stmt: ast.stmt) -> Iterable[str]:
    """Names a non-def, non-import statement binds (its own header only, not its blocks)."""
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor,
                         ast.With, ast.AsyncWith, ast.Delete, ast.Expr, ast.If, ast.While)):
        headers: List[ast.AST] = [getattr(stmt, name) for name in (
            "targets", "target", "items", "test", "value", "iter") if hasattr(stmt, name)]
        for header in headers:
            for part in header if isinstance(header, list) else [header]:
                if part is None:
                    continue
                for node in ast.walk(part):
                    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                        yield node.id
    elif isinstance(stmt, ast.Try):
        for handler in stmt.handlers:
            if handler.name:
                yield handler.name


def _is_generator(func: _Def) -> bool:
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _decorator_names(func: Union[_Def, ast.ClassDef], imports: Dict[str, str]
                     ) -> List[Optional[str]]:
    names = []
    wrappers = list(func.decorator_list)
    if isinstance(func, ast.ClassDef):
        wrappers.extend(keyword.value for keyword in func.keywords if keyword.arg == "metaclass")
    for decorator in wrappers:
        dotted = _dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if dotted is not None:
            head, _, rest = dotted.partition(".")
            if head in imports:
                dotted = imports[head] + ("." + rest if rest else "")
        names.append(dotted)
    return names


def _coroutine_defs(defs: List[ast.AST], imports: Dict[str, str]) -> bool:
    """Whether every binding (overload stubs aside) is a plain `async def`."""
    real = [node for node in defs if not (
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and OVERLOAD_DECORATORS.intersection(_decorator_names(node, imports)))]
    if not real:
        return False
    for node in real:
        if not isinstance(node, ast.AsyncFunctionDef) or _is_generator(node):
            return False
        if any(name not in PASS_THROUGH_DECORATORS for name in _decorator_names(node, imports)):
            return False
    return True


def _collect(body: Iterable[ast.stmt], imports: Optional[Dict[str, str]],
             stars: Optional[List[str]]) -> Dict[str, List[ast.AST]]:
    """Every binding of a module or class body: name -> def/class nodes, or None markers."""
    bound: Dict[str, List[ast.AST]] = {}
    for stmt in _statements(body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.setdefault(stmt.name, []).append(stmt)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for name, qualname in _import_bindings(stmt):
                if name == "*":
                    if stars is not None:
                        stars.append(qualname)
                    continue
                bound.setdefault(name, []).append(ast.Constant(qualname))
                if imports is not None:
                    imports.setdefault(name, qualname)
        else:
            for name in _bound_names(stmt):
                bound.setdefault(name, []).append(ast.Pass())
    return bound


def _import_bindings(stmt: Union[ast.Import, ast.ImportFrom]) -> Iterable[Tuple[str, str]]:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                head = alias.name.split(".")[0]
                yield head, head
        return
    base = "." * stmt.level + (stmt.module or "")
    for alias in stmt.names:
        if alias.name == "*":
            yield "*", base
            continue
        full = base + alias.name if base.endswith(".") else base + "." + alias.name
        yield alias.asname or alias.name, full


def summarize(source: str, path: str) -> ModuleSummary:
    """The summary of one module's source; an unparsable module summarises to nothing."""
    summary = ModuleSummary(path)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # too deep, null bytes...
        return summary
    imports: Dict[str, str] = {}
    bound = _collect(tree.body, imports, summary.stars)
    for name, nodes in bound.items():
        if len(nodes) == 1 and isinstance(nodes[0], ast.ClassDef):
            summary.classes[name] = _summarize_class(nodes[0], imports)
        elif (len(nodes) == 1 and isinstance(nodes[0], ast.Constant)
              and isinstance(nodes[0].value, str)):       # an import's marker: its qualname
            summary.imports[name] = nodes[0].value
        else:
            summary.functions[name] = _coroutine_defs(nodes, imports)
    return summary


def _summarize_class(node: ast.ClassDef, imports: Dict[str, str]) -> ClassSummary:
    summary = ClassSummary()
    for base in node.bases:
        summary.bases.append(_dotted(base.value if isinstance(base, ast.Subscript) else base))
    trusted = all(name in PASS_THROUGH_CLASS_WRAPPERS for name in _decorator_names(node, imports))
    for name, nodes in _collect(node.body, None, None).items():
        summary.methods[name] = trusted and _coroutine_defs(nodes, imports)
    return summary


_summaries: Dict[str, Tuple[Tuple[int, int], ModuleSummary]] = {}
_is_file_cache: Dict[str, bool] = {}


def _is_file(path: str) -> bool:
    found = _is_file_cache.get(path)
    if found is None:
        found = _is_file_cache[path] = os.path.isfile(path)
    return found


def load_summary(path: str, cache: Optional[SummaryCache] = None) -> Optional[ModuleSummary]:
    """The summary of the module file at `path`, cached by (mtime, size); None if unreadable.

    Cached per process, and in `cache` (on disk, between runs) when one is given.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _summaries.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    summary = cache.read(path, key) if cache is not None else None
    if not isinstance(summary, ModuleSummary):
        try:
            with open(path, "rb") as stream:
                source = stream.read().decode("utf-8", "replace")
        except OSError:
            return None
        summary = summarize(source, path)
        if cache is not None:
            cache.write(path, key, summary)
    _summaries[path] = (key, summary)
    return summary


# -- finding first-party modules on disk ------------------------------------------------------

_roots_cache: Dict[str, List[str]] = {}
_project_root_cache: Dict[str, Optional[str]] = {}


def project_root(directory: str) -> Optional[str]:
    """The nearest directory from `directory` up with pyproject.toml, setup.cfg or setup.py."""
    if directory in _project_root_cache:
        return _project_root_cache[directory]
    current, found = directory, None
    while True:
        if any(_is_file(os.path.join(current, marker)) for marker in _PROJECT_MARKERS):
            found = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    _project_root_cache[directory] = found
    return found


def import_roots(directory: str) -> List[str]:
    """Where absolute imports of first-party modules start, for a file in `directory`.

    The directory above the outermost package holding the file (for a file outside any
    package, its own directory: that is `sys.path[0]` for a script), then the project root
    (the nearest directory with pyproject.toml, setup.cfg or setup.py) and its `src/`.
    """
    cached = _roots_cache.get(directory)
    if cached is not None:
        return cached
    top = directory
    while _is_file(os.path.join(top, "__init__.py")) and os.path.dirname(top) != top:
        top = os.path.dirname(top)
    roots = [top]
    project = project_root(directory)
    if project is not None:
        for root in (project, os.path.join(project, "src")):
            if root not in roots and os.path.isdir(root):
                roots.append(root)
    _roots_cache[directory] = roots
    return roots


def _find_module(base: str, parts: List[str], allow_package_itself: bool
                 ) -> Optional[Tuple[str, List[str]]]:
    """The module file for the longest prefix of `parts` under `base`, and the rest."""
    for size in range(len(parts), -1 if allow_package_itself else 0, -1):
        stem = os.path.join(base, *parts[:size])
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if _is_file(candidate):
                return candidate, parts[size:]
    return None


_Found = Optional[Tuple[str, List[str]]]         # a module file, and the attributes left
_installed_cache: Dict[Tuple[Tuple[str, ...], Tuple[str, ...]], _Found] = {}


def _find_installed(parts: List[str]) -> _Found:
    """`_find_module` in the environment's site-packages (the standard library aside).

    A compiled module (`.so`) or a stub-only package has no `.py` to read: not found.
    Cached per process: every file of a run asks for the same few packages.
    """
    if not parts or is_stdlib(parts[0]):
        return None
    sites = site_directories()
    key = (sites, tuple(parts))
    if key not in _installed_cache:
        found = None
        for site in sites:
            found = _find_module(site, parts, allow_package_itself=False)
            if found is not None:
                break
        _installed_cache[key] = found
    return _installed_cache[key]


class FunctionEntry(NamedTuple):
    """A lookup that found a function (or method): whether it is a coroutine function."""
    is_coroutine: bool


class ClassEntry(NamedTuple):
    """A lookup that found a class, with the module it is defined in."""
    module: ModuleSummary
    cls: ClassSummary


class ModuleEntry(NamedTuple):
    """A lookup that found a module."""
    module: ModuleSummary


# What `ProjectModules.lookup` finds.
Entry = Union[FunctionEntry, ClassEntry, ModuleEntry]


class ProjectModules:
    """Looks dotted names up in the first-party modules of one linted file's project."""

    def __init__(self, filename: str) -> None:
        self.directory: Optional[str] = None
        if filename not in _NO_FILE:
            directory = os.path.dirname(os.path.abspath(filename))
            if os.path.isdir(directory):
                self.directory = directory
        self.roots = import_roots(self.directory) if self.directory else []
        self.cache = cache_for(project_root(self.directory)) if self.directory else None

    def lookup(self, qualname: str, from_dir: Optional[str] = None, depth: int = 0
               ) -> Optional[Entry]:
        """What `qualname` (relative ones from `from_dir`) names in a first-party module."""
        if depth > MAX_DEPTH or self.directory is None:
            return None
        if qualname in STDLIB_COROUTINE_FUNCTIONS:
            return FunctionEntry(True)
        base_dir = from_dir or self.directory
        stripped = qualname.lstrip(".")
        level = len(qualname) - len(stripped)
        parts = stripped.split(".") if stripped else []
        found = None
        if level:
            for _ in range(level - 1):
                base_dir = os.path.dirname(base_dir)
            found = _find_module(base_dir, parts, allow_package_itself=True)
        else:
            for root in self.roots:
                found = _find_module(root, parts, allow_package_itself=False)
                if found is not None:
                    break
            else:
                found = _find_installed(parts)
        if found is None:
            return None
        return self._in_module(found[0], found[1], depth + 1)

    def _in_module(self, path: str, attrs: List[str], depth: int) -> Optional[Entry]:
        summary = load_summary(path, self.cache)
        if summary is None or depth > MAX_DEPTH:
            return None
        if not attrs:
            return ModuleEntry(summary)
        name, rest = attrs[0], attrs[1:]
        here = os.path.dirname(path)
        if name in summary.imports:
            return self.lookup(".".join([summary.imports[name]] + rest), here, depth + 1)
        if name in summary.functions:
            return FunctionEntry(summary.functions[name]) if not rest else None
        if name in summary.classes:
            cls = summary.classes[name]
            if not rest:
                return ClassEntry(summary, cls)
            if len(rest) == 1:
                kind = self.method_kind(summary, cls, rest[0], depth + 1)
                return None if kind is None else FunctionEntry(kind)
            return None
        for star in summary.stars:
            entry = self.lookup(".".join([star] + attrs), here, depth + 1)
            if entry is not None:
                return entry
        return None

    def method_kind(self, summary: ModuleSummary, cls: ClassSummary, name: str, depth: int
                    ) -> Optional[bool]:
        """True/False when class `cls` (or a base) defines `name`; None when none does."""
        if name in cls.methods:
            return cls.methods[name]
        if depth > MAX_DEPTH:
            return False
        for base in cls.bases:
            if base is None:
                return False
            head, _, rest = base.partition(".")
            qualified = summary.imports.get(head, head) + ("." + rest if rest else "")
            if qualified in NEUTRAL_BASES and head not in summary.classes:
                continue
            entry = self._in_module(summary.path, base.split("."), depth + 1)
            if not isinstance(entry, ClassEntry):
                return False          # a base we cannot read may define it
            kind = self.method_kind(entry.module, entry.cls, name, depth + 1)
            if kind is not None:
                return kind
        return None
