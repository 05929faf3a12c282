"""Other modules of the linted project and installed packages, found on disk, read with `ast`.

What `index.CoroutineIndex` needs to know about a module it does not lint: its module-level
async defs, its classes (methods and bases), and what it imports or re-exports. A module is found
from the linted file's path (packages with `__init__.py`, a package a namespace portion without
one sits in, the directory holding pyproject.toml / setup.cfg / setup.py, and its `src/`), then
in the site-packages of the environment running flake8 (`installed.py`; the standard library
aside), parsed with `ast.parse` (never imported or executed). Its summary is cached per
process keyed by path, mtime and size, so that `flake8 -j` over a package reads each module once
per worker, and on disk between runs (`summary_cache.py`), so that an editor's new flake8
process on every save parses none again.
"""
from __future__ import annotations

import ast
import os
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Set, Tuple, Union

from .calls import FACTORY_RETURNS
from .calls.coroutines import (CONTEXT_MANAGER_DECORATORS, COROUTINE_ANNOTATIONS,
                               GENERATOR_ANNOTATIONS, NEUTRAL_BASES, STDLIB_COROUTINE_FUNCTIONS,
                               OVERLOAD_DECORATORS, PROPERTY_DECORATORS,
                               PASS_THROUGH_CLASS_WRAPPERS, PASS_THROUGH_DECORATORS,
                               GENERATOR_TYPES, SELF_TYPES, TYPEVAR_FACTORIES,
                               OPTIONAL_WRAPPERS, UNION_TYPES, MARKING_WRAPPERS)
from .installed import is_stdlib, site_directories
from .mro import linearize
from .summary_cache import SummaryCache, cache_for

MAX_DEPTH = 8
_PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
# Display names flake8 uses for standard input: no file on disk to start from.
_NO_FILE = frozenset({"", "-", "stdin", "<stdin>"})


# -- summaries of other modules (ast, cached per process) -------------------------------------

# When what a summary holds changes, bump `summary_cache.FORMAT_VERSION` (caches key on it).

# Types in summaries are written as in the source, as dotted names: "Connection" is what an
# annotation names, "Connection()" what calling that name returns (a constructor or a function,
# told apart when the type is resolved: `ProjectModules.resolve_type`). "" marks a name given
# different types in different places: unknown.


class ClassSummary:
    """A class: its methods (name -> is a coroutine function), bases as written, and types."""

    __slots__ = ("methods", "bases", "types", "returns", "awaits", "pending",
                 "annotation_texts")

    def __init__(self) -> None:
        self.methods: Dict[str, bool] = {}
        # Methods that are coroutine functions if their decorators imported from other
        # modules keep them one: name -> (decorator, its `wrapper_level` needed), as
        # `_pending_decorators` gives them; `ProjectModules.resolved` looks them up.
        self.pending: Dict[str, List[Tuple[str, int]]] = {}
        # Attributes declared with a subscripted type (`environments: list[Environment]`),
        # as written: the linted file reads their structure (`ProjectModules.declared_text`).
        self.annotation_texts: Dict[str, str] = {}
        self.bases: List[Optional[str]] = []   # dotted names; None for anything else
        # Attribute -> its type: class-body annotations and values, `self.x: T`, `self.x =
        # Client()`, `self.x = param` (the parameter's annotation), properties' return types.
        self.types: Dict[str, str] = {}
        self.returns: Dict[str, str] = {}      # method -> its return annotation
        # What awaiting an instance gives: T of `def __await__(self) -> Generator[..., T]`.
        self.awaits = ""


class ModuleSummary:
    """What another module binds at module level: functions, classes, imports, types."""

    __slots__ = ("path", "functions", "classes", "imports", "stars", "types", "returns",
                 "wrappers", "bounds", "pending", "aliases", "alias_texts")

    def __init__(self, path: str) -> None:
        self.path = path
        self.functions: Dict[str, bool] = {}          # name -> coroutine function?
        self.classes: Dict[str, ClassSummary] = {}
        self.imports: Dict[str, str] = {}             # name -> imported qualname (dots kept)
        self.stars: List[str] = []                    # `from X import *`: X
        self.types: Dict[str, str] = {}               # module variable -> its type
        self.returns: Dict[str, str] = {}             # function -> its return annotation
        # Decorators that keep a coroutine function one (`wrapper_level`): name -> 1 when used
        # bare (`@log_duration`), 2 when called (`@Job(name=...)`).
        self.wrappers: Dict[str, int] = {}
        # TypeVars with a bound (`BotT = TypeVar("BotT", bound=Bot)`): name -> the bound as
        # written. A value of that type is at least a Bot: lookups of the name find the bound.
        self.bounds: Dict[str, str] = {}
        self.pending: Dict[str, List[Tuple[str, int]]] = {}     # as ClassSummary's
        # Names bound once to another name (`InitBuilder = Builder[Bot, Context]`, `Alias =
        # pkg.Client`): name -> that dotted name, as written (lookups go on through it).
        self.aliases: Dict[str, str] = {}
        # ... and those bound to a subscripted type, as written (`Pair = tuple[A, B]`): the
        # linted file reads their structure (`ProjectModules.alias_of`).
        self.alias_texts: Dict[str, str] = {}


_Def = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def ast_dotted_name(node: ast.expr) -> Optional[str]:
    """`a.b.c` for an `ast` chain of names and attributes, else None (the `ast` twin of
    names.dotted_name)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _statements(body: Iterable[ast.stmt], checked: bool = False) -> Iterable[ast.stmt]:
    """Statements of a block, looking into if/try/with/for/while blocks (not defs); with
    `checked`, as type checkers read them: the `if TYPE_CHECKING:` branch, never its `else:`
    (`if TYPE_CHECKING: from .node import Node` / `else: Node = object`).

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
        if checked and isinstance(stmt, ast.If) and _is_type_checking(stmt):
            blocks.append(stmt.body)
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            blocks.extend(getattr(stmt, field, ()) for field in ("body", "orelse", "finalbody"))
        blocks.extend(handler.body for handler in getattr(stmt, "handlers", ()))
        pending.extend(iter(block) for block in reversed(blocks))


def _is_type_checking(stmt: ast.If) -> bool:
    """`if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`."""
    test = stmt.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


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
    """Decorators as qualified dotted names (calls by their callee); None where not one."""
    return [_dotted_qualified(decorator, imports) for decorator in func.decorator_list]


def _returns_coroutine(func: ast.FunctionDef, imports: Dict[str, str]) -> bool:
    """A sync def annotated to return a coroutine (`-> Coroutine[Any, Any, T]`)."""
    text = _annotation_text(func.returns)
    if text is None:
        return False
    head, _, rest = text.partition(".")
    return _qualified(head, rest, imports) in COROUTINE_ANNOTATIONS


def _qualified(head: str, rest: str, imports: Dict[str, str]) -> str:
    return imports.get(head, head) + ("." + rest if rest else "")


def _pending_decorators(defs: List[ast.AST], imports: Dict[str, str],
                        wrappers: Optional[Dict[str, int]] = None
                        ) -> Optional[List[Tuple[str, int]]]:
    """Whether every binding (overload stubs aside) is a plain `async def`, or a def annotated
    to return a coroutine, under decorators that keep it one (`wrappers`: this module's own, by
    name): [] when it is a coroutine function; when that depends on decorators imported from
    other modules (which this module's summary cannot look up), those decorators (qualified)
    with the `wrapper_level` each must have; None when it is not one."""
    real = [node for node in defs if not (
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and OVERLOAD_DECORATORS.intersection(_decorator_names(node, imports)))]
    if not real and defs and all(isinstance(node, ast.FunctionDef) for node in defs):
        real = defs                      # only overloads: their annotations say what it is
    if not real:
        return None
    pending: List[Tuple[str, int]] = []
    for node in real:
        if isinstance(node, ast.FunctionDef):
            if not _returns_coroutine(node, imports):
                return None
        elif not isinstance(node, ast.AsyncFunctionDef) or _is_generator(node):
            return None
        for decorator, name in zip(node.decorator_list, _decorator_names(node, imports)):
            if name in PASS_THROUGH_DECORATORS or name in OVERLOAD_DECORATORS:
                continue
            wanted = 2 if isinstance(decorator, ast.Call) else 1
            if wrappers and name is not None and wrappers.get(name) == wanted:
                continue
            head = ast_dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
            if name is None or head is None or head.partition(".")[0] not in imports:
                return None
            pending.append((name, wanted))
    return pending


# -- decorators that keep coroutine functions ------------------------------------------------

def wrapper_level(node: ast.stmt, depth: int = 0) -> int:
    """What a def or class does to an `async def` it decorates, read from its source:
    1 when `@node` keeps it a coroutine function (it returns an inner `async def`, or it is
    typed to return its argument: `def deco(func: F) -> F`), 2 when `@node(...)` does (a
    factory returning such a decorator, or a class whose `__call__` is one), 0 otherwise."""
    if isinstance(node, ast.ClassDef):
        call = next((stmt for stmt in node.body if isinstance(
            stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__call__"), None)
        return 2 if call is not None and wrapper_level(call, depth + 1) == 1 else 0
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 0
    returned = _returned_defs(node)
    if any(isinstance(inner, ast.AsyncFunctionDef) for inner in returned) or _is_identity(node) \
            or _returns_its_argument(node):
        return 1
    if depth == 0 and any(wrapper_level(inner, depth + 1) == 1 for inner in returned):
        return 2
    return 0


def _returned_defs(func: _Def) -> List[_Def]:
    """The defs made in `func`'s own body that it returns by name (`return wrapper`)."""
    made = {stmt.name: stmt for stmt in _statements(func.body)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found = []
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) \
                and node.value.id in made:
            found.append(made[node.value.id])
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                 ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _is_identity(func: _Def) -> bool:
    """`def deco(func: F) -> F` (a method's `self` aside): typed to return what it is given."""
    params = func.args.posonlyargs + func.args.args
    if params and params[0].arg in ("self", "cls"):
        params = params[1:]
    if len(params) != 1 or not isinstance(func.returns, ast.Name):
        return False
    annotation = params[0].annotation
    return isinstance(annotation, ast.Name) and annotation.id == func.returns.id


def _returns_its_argument(func: _Def) -> bool:
    """`def register(func): func.tag = ...; return func`: a plain def of one parameter (a
    method's `self` aside) whose every `return` gives that parameter back, never rebound (a
    registering decorator; type checkers infer it returns what it is given)."""
    if not isinstance(func, ast.FunctionDef) or func.args.vararg or func.args.kwarg \
            or func.args.kwonlyargs:
        return False
    params = func.args.posonlyargs + func.args.args
    if params and params[0].arg in ("self", "cls"):
        params = params[1:]
    if len(params) != 1:
        return False
    name = params[0].arg
    returns = 0
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            if not (isinstance(node.value, ast.Name) and node.value.id == name):
                return False
            returns += 1
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return False
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            return False
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                 ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return returns > 0


# -- types as written --------------------------------------------------------------------------

# Annotation wrappers whose object is their (first, or only not-None) argument's, by the last
# part of their name: summaries read names as written.
_UNWRAPPED = frozenset(name.rpartition(".")[2]
                       for name in OPTIONAL_WRAPPERS | UNION_TYPES | MARKING_WRAPPERS)
_UNIONS = frozenset(name.rpartition(".")[2] for name in UNION_TYPES)


def _annotation_text(node: Optional[ast.expr]) -> Optional[str]:
    """The dotted type an annotation names: `Optional[pkg.Client]` -> "pkg.Client",
    `"Client" | None` -> "Client", `list[Item]` -> "list"; None for anything else."""
    for _ in range(8):
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                return None
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            sides = [side for side in (node.left, node.right) if not _is_none(side)]
            if len(sides) != 1:
                return None
            node = sides[0]
            continue
        if isinstance(node, ast.Subscript):
            head = ast_dotted_name(node.value)
            if head is None:
                return None
            wrapper = head.rpartition(".")[2]
            if wrapper in _UNWRAPPED:
                inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                if wrapper in _UNIONS:
                    inner = [arg for arg in inner if not _is_none(arg)]
                    if len(inner) != 1:
                        return None
                node = inner[0]
                continue
            return head
        return ast_dotted_name(node)
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _value_text(node: Optional[ast.expr]) -> Optional[str]:
    """The type of an assigned value as written: `Client(...)` -> "Client()"."""
    if isinstance(node, ast.Await):
        node = node.value     # `await connect()`: what the coroutine function is declared to return
    if isinstance(node, ast.Call):
        callee = ast_dotted_name(node.func)
        return callee + "()" if callee is not None else None
    return None


def _note(types: Dict[str, str], name: str, text: Optional[str]) -> None:
    """Record `name`'s type; a second, different type makes it unknown ("")."""
    if text is None:
        return
    known = types.get(name)
    types[name] = text if known is None or known == text else ""


def _self_types(func: _Def, declared: Dict[str, str], inferred: Dict[str, str]) -> None:
    """`self.x: T`, `self.x = Client()` and `self.x = param` (annotated) in a method."""
    args = func.args.posonlyargs + func.args.args
    if not args:
        return
    me = args[0].arg
    params = {arg.arg: arg.annotation for arg in args + func.args.kwonlyargs}
    for node in _statements(func.body):      # statements only: assignments are statements
        targets: List[ast.expr]
        if isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == me):
                continue
            if isinstance(node, ast.AnnAssign):
                _note(declared, target.attr, _annotation_text(node.annotation))
            elif isinstance(value, ast.Name) and value.id in params and value.id != me:
                _note(inferred, target.attr, _annotation_text(params[value.id]) or "")
            elif value is not None and not _is_none(value):
                # A value of unknown type may be of another type: then the attribute's is unknown.
                _note(inferred, target.attr, _value_text(value) or "")


def _collect(body: Iterable[ast.stmt], imports: Optional[Dict[str, str]],
             stars: Optional[List[str]], checked: bool = False) -> Dict[str, List[ast.AST]]:
    """Every binding of a module or class body: name -> def/class nodes, or None markers
    (`checked`: see `_statements`)."""
    bound: Dict[str, List[ast.AST]] = {}
    for stmt in _statements(body, checked):
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
    # A module's names as type checkers see them (a class body's, as it runs: a property in
    # `else:` of `if TYPE_CHECKING:` says more than a descriptor we cannot read).
    bound = _collect(tree.body, imports, summary.stars, checked=True)
    for name, nodes in bound.items():
        level = wrapper_level(nodes[0]) if len(nodes) == 1 else 0  # type: ignore[arg-type]
        if level:
            summary.wrappers[name] = level
    for name, nodes in bound.items():
        if len(nodes) == 1 and isinstance(nodes[0], ast.ClassDef):
            summary.classes[name] = _summarize_class(nodes[0], imports, summary.wrappers)
        elif (len(nodes) == 1 and isinstance(nodes[0], ast.Constant)
              and isinstance(nodes[0].value, str)):       # an import's marker: its qualname
            summary.imports[name] = nodes[0].value
        else:
            pending = _pending_decorators(nodes, imports, summary.wrappers)
            summary.functions[name] = pending == []
            if pending:
                summary.pending[name] = pending
    _body_types(tree.body, summary.types, summary.returns, {})
    summary.bounds = _typevar_bounds(tree.body, imports)
    for stmt in _statements(tree.body):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                else getattr(stmt, "target", None)
            value = stmt.value.value if isinstance(stmt.value, ast.Subscript) else stmt.value
            named = ast_dotted_name(value) if value is not None else None
            if isinstance(target, ast.Name) and named is not None \
                    and len(bound.get(target.id, ())) == 1 and named != target.id:
                summary.aliases[target.id] = named
                if isinstance(stmt.value, ast.Subscript):
                    summary.alias_texts[target.id] = ast.unparse(stmt.value)
    return summary


def _typevar_bounds(body: List[ast.stmt], imports: Dict[str, str]) -> Dict[str, str]:
    """`T = TypeVar("T", bound=Bound)` at module level: T -> "Bound" (a string bound parsed;
    `Bound | None`: Bound)."""
    bounds: Dict[str, str] = {}
    for stmt in _statements(body):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)
                and _dotted_qualified(stmt.value, imports) in TYPEVAR_FACTORIES):
            continue
        for keyword in stmt.value.keywords:
            if keyword.arg == "bound":
                _note(bounds, stmt.targets[0].id, _annotation_text(keyword.value) or "")
    return {name: bound for name, bound in bounds.items() if bound}


def _body_types(body: List[ast.stmt], types: Dict[str, str], returns: Dict[str, str],
                inferred: Dict[str, str], in_class: bool = False) -> None:
    """Types of what a module or class body binds: annotated and constructed names, the
    return annotations of its defs (a property's is its attribute's type)."""
    for stmt in _statements(body):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            _note(types, stmt.target.id, _annotation_text(stmt.annotation))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) and not _is_none(stmt.value):
            _note(inferred, stmt.targets[0].id, _value_text(stmt.value) or "")
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = {ast_dotted_name(d) for d in stmt.decorator_list}
            text = _annotation_text(stmt.returns)
            if decorators & PROPERTY_DECORATORS:
                _note(types, stmt.name, text)
            elif decorators & CONTEXT_MANAGER_DECORATORS:
                _note(returns, stmt.name, _yielded(stmt.returns) or text or "")
            elif not any(name and name.endswith(".setter") for name in decorators):
                _note(returns, stmt.name, bound_return(stmt, in_class) or text or "")
    for name, text in inferred.items():
        types.setdefault(name, text)


# Return types a call binds (`bound_return`): the receiver's type, or the class passed as an
# argument ("<class-arg:POSITION:NAME>", POSITION -1 for a keyword-only parameter).
RECEIVER = "<receiver>"
_CLASS_ARG = "<class-arg:%d:%s>"
_TYPE_OF = frozenset({"type", "Type", "typing.Type"})


def _yielded(returns: Optional[ast.expr]) -> Optional[str]:
    """A context manager factory's `-> AsyncIterator[T]` as a marker of what `with` binds,
    "<with:T's type|T as written>" (`ProjectModules.entered_type`, `entered_text`); None for
    another annotation."""
    node = _annotation_node(returns)
    if not isinstance(node, ast.Subscript):
        return None
    head = ast_dotted_name(node.value)
    if head is None or head.rpartition(".")[2] not in GENERATOR_ANNOTATIONS:
        return None
    first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts \
        else node.slice
    text = _annotation_text(first)
    written = _annotation_node(first)
    return "<with:%s|%s>" % (text, ast.unparse(written)) if text and written else None


def bound_return(func: _Def, in_class: bool) -> Optional[str]:
    """What a def returns when its return annotation is bound by the call: `-> Self`, or
    `def copy(self: T) -> T` / `def create(cls: type[T]) -> T` (the receiver's type, for a
    builder's chained calls: `Builder().token(t).build()`), `def get(self, kind: type[T])
    -> T` (the class passed as `kind`); None for any other."""
    decorators = {ast_dotted_name(d) for d in func.decorator_list}
    if func.returns is None:
        return RECEIVER if in_class and "classmethod" in decorators \
            and _makes_its_class(func) else None
    returned = _annotation_node(func.returns)
    name = ast_dotted_name(returned) if returned is not None else None
    if name is None:
        return None
    params = func.args.posonlyargs + func.args.args
    bound = in_class and "staticmethod" not in decorators
    if bound:
        if name.rpartition(".")[2] == "Self":
            return RECEIVER
        if params and name in (_dotted_annotation(params[0].annotation),
                               _type_argument(params[0].annotation)):
            return RECEIVER
        params = params[1:]
    for position, param in enumerate(params):
        if _type_argument(param.annotation) == name:
            return _CLASS_ARG % (position, param.arg)
    for param in func.args.kwonlyargs:
        if _type_argument(param.annotation) == name:
            return _CLASS_ARG % (-1, param.arg)
    return None


def _makes_its_class(func: _Def) -> bool:
    """An unannotated classmethod factory: every `return` gives `cls(...)`, or the one local
    bound to `cls(...)` (`self = cls(); await self._setup(); return self`)."""
    params = func.args.posonlyargs + func.args.args
    if not params:
        return False
    me = params[0].arg
    stores: Dict[str, int] = {}               # how often each local is bound
    made: Set[str] = set()                    # locals bound to `cls(...)`
    returns: List[Optional[ast.expr]] = []
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            returns.append(node.value)
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            return False
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and _calls(node.value, me):
            made.add(node.targets[0].id)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                 ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return bool(returns) and all(
        _calls(value, me) or (isinstance(value, ast.Name) and value.id in made
                              and stores.get(value.id) == 1)
        for value in returns)


def _calls(node: Optional[ast.expr], name: str) -> bool:
    """`name(...)`."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == name


def class_argument(marker: str) -> Optional[Tuple[int, str]]:
    """The (position, name) of the parameter a `bound_return` marker names, if it names one."""
    if not marker.startswith("<class-arg:"):
        return None
    position, _, name = marker[len("<class-arg:"):-1].partition(":")
    return int(position), name


def _annotation_node(node: Optional[ast.expr]) -> Optional[ast.expr]:
    """An annotation, a string one parsed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return None
    return node


def _dotted_annotation(node: Optional[ast.expr]) -> Optional[str]:
    found = _annotation_node(node)
    return ast_dotted_name(found) if found is not None else None


def _type_argument(node: Optional[ast.expr]) -> Optional[str]:
    """`type[T]` / `Type[T]` -> "T"."""
    found = _annotation_node(node)
    if isinstance(found, ast.Subscript) and ast_dotted_name(found.value) in _TYPE_OF:
        return ast_dotted_name(found.slice)
    return None


def _summarize_class(node: ast.ClassDef, imports: Dict[str, str],
                     wrappers: Dict[str, int]) -> ClassSummary:
    summary = ClassSummary()
    for base in node.bases:
        named = base.value if isinstance(base, ast.Subscript) else base    # `Base[T]`: Base
        summary.bases.append(ast_dotted_name(named))
    # A metaclass is trusted as type checkers trust it: it makes the class, it does not
    # usually rewrite its methods. A class decorator returns whatever it likes.
    trusted = all(name in PASS_THROUGH_CLASS_WRAPPERS for name in _decorator_names(node, imports))
    for name, nodes in _collect(node.body, None, None).items():
        pending = _pending_decorators(nodes, imports, wrappers) if trusted else None
        summary.methods[name] = pending == []
        if pending:
            summary.pending[name] = pending
    inferred: Dict[str, str] = {}
    for stmt in _statements(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _self_types(stmt, summary.types, inferred)
    _body_types(node.body, summary.types, summary.returns, inferred, in_class=True)
    _annotation_texts(node, summary.annotation_texts)
    awaits = _awaited_text(node.body, imports) or ""
    # `-> Generator[Any, None, Self]`: awaiting gives the instance itself.
    summary.awaits = node.name if _qualified(*awaits.partition(".")[::2], imports) in SELF_TYPES \
        else awaits
    return summary


def _awaited_text(body: List[ast.stmt], imports: Dict[str, str]) -> Optional[str]:
    """T of a class body's `def __await__(self) -> Generator[Y, S, T]`, as written."""
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__await__":
            returns = _annotation_node(stmt.returns)
            if isinstance(returns, ast.Subscript) \
                    and _dotted_qualified(returns.value, imports) in GENERATOR_TYPES \
                    and isinstance(returns.slice, ast.Tuple) and len(returns.slice.elts) == 3:
                return _annotation_text(returns.slice.elts[2])
    return None


def _annotation_texts(node: ast.ClassDef, texts: Dict[str, str]) -> None:
    """`ClassSummary.annotation_texts`: class-body `name: X[...]` and `self.name: X[...]` in
    its methods (a name declared two different ways: none)."""
    found: Dict[str, str] = {}
    for stmt in _statements(node.body):
        declared: List[Tuple[ast.expr, ast.expr]] = []
        if isinstance(stmt, ast.AnnAssign):
            declared.append((stmt.target, stmt.annotation))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.args.args:
            me = stmt.args.args[0].arg
            declared.extend((inner.target, inner.annotation) for inner in _statements(stmt.body)
                            if isinstance(inner, ast.AnnAssign)
                            and isinstance(inner.target, ast.Attribute)
                            and isinstance(inner.target.value, ast.Name)
                            and inner.target.value.id == me)
        for target, annotation in declared:
            name = target.id if isinstance(target, ast.Name) else \
                target.attr if isinstance(target, ast.Attribute) else None
            value = _annotation_node(annotation)
            if name is None or not isinstance(value, ast.Subscript):
                continue
            _note(found, name, ast.unparse(value))
    texts.update((name, text) for name, text in found.items() if text)


def _dotted_qualified(node: ast.expr, imports: Dict[str, str]) -> Optional[str]:
    dotted = ast_dotted_name(node.func if isinstance(node, ast.Call) else node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    return _qualified(head, rest, imports)


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
    package, its own directory: that is `sys.path[0]` for a script), then the directory
    above a package the file's directory is a namespace portion of (`_namespace_root`), then
    the project root (the nearest directory with pyproject.toml, setup.cfg or setup.py) and
    its `src/`.
    """
    cached = _roots_cache.get(directory)
    if cached is not None:
        return cached
    top = _outside_packages(directory)
    roots = [top]
    outer = _namespace_root(top)
    if outer is not None:
        roots.append(outer)
    project = project_root(directory)
    if project is not None:
        for root in (project, os.path.join(project, "src")):
            if root not in roots and os.path.isdir(root):
                roots.append(root)
    _roots_cache[directory] = roots
    return roots


def _outside_packages(directory: str) -> str:
    """The directory above the outermost regular package (`__init__.py`) holding `directory`
    (`directory` itself when it is no package)."""
    top = directory
    while _is_file(os.path.join(top, "__init__.py")) and os.path.dirname(top) != top:
        top = os.path.dirname(top)
    return top


# How many directories without `__init__.py` a namespace portion nests in its package.
_NAMESPACE_LEVELS = 2


def _namespace_root(top: str) -> Optional[str]:
    """Where the package starts when `top` (a directory without `__init__.py`) sits inside a
    regular package, as a PEP 420 namespace portion does (twitchio's `twitchio/ext/`, holding
    the regular package `commands/`, imports `twitchio.client`): the directory above that
    package. None when no directory a level or two up is a package."""
    current = top
    for _ in range(_NAMESPACE_LEVELS):
        parent = os.path.dirname(current)
        if parent == current:
            return None
        if _is_file(os.path.join(parent, "__init__.py")):
            return _outside_packages(parent)
        current = parent
    return None


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


def stdlib_method_kind(base: str, name: str) -> bool:
    """Method `name` looked up through a base class we cannot read (`base`, qualified): a
    coroutine function when the standard library's class has it as one (`asyncSetUp` of
    `unittest.IsolatedAsyncioTestCase`); otherwise unknown, so False (the base may define it
    as anything)."""
    return "%s.%s" % (base, name) in STDLIB_COROUTINE_FUNCTIONS


class FunctionEntry(NamedTuple):
    """A lookup that found a function (or method): whether it is a coroutine function, and
    its return annotation as written in `module` (see `ProjectModules.return_type`)."""
    is_coroutine: bool
    module: Optional[ModuleSummary] = None
    returns: str = ""
    wrapper: int = 0            # as a decorator: `wrapper_level`


class ClassEntry(NamedTuple):
    """A lookup that found a class, with the module it is defined in and its name there."""
    module: ModuleSummary
    cls: ClassSummary
    name: str = ""

    @property
    def wrapper(self) -> int:
        """As a decorator: `wrapper_level` (2 when its instances' `__call__` keeps coroutines)."""
        return self.module.wrappers.get(self.name, 0)

    @property
    def ref(self) -> str:
        """The class as a type name any lookup finds again: "@/path/to/module.py:Name"."""
        return "%s%s:%s" % (REF_PREFIX, self.module.path, self.name)


class ModuleEntry(NamedTuple):
    """A lookup that found a module."""
    module: ModuleSummary


# What `ProjectModules.lookup` finds.
Entry = Union[FunctionEntry, ClassEntry, ModuleEntry]

# Types of classes found in other modules are named by file: a relative import there means
# nothing from the linted file, a path means the same everywhere.
REF_PREFIX = "@"


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
        self._found: Dict[str, Optional[Entry]] = {}
        self._orders: Dict[str, Optional[List[str]]] = {}       # `mro.linearize`'s memo

    def find(self, qualname: str) -> Optional[Entry]:
        """`lookup` from the linted file, cached per file."""
        if qualname not in self._found:
            self._found[qualname] = self.lookup(qualname)
        return self._found[qualname]

    def lookup(self, qualname: str, from_dir: Optional[str] = None, depth: int = 0
               ) -> Optional[Entry]:
        """What `qualname` (relative ones from `from_dir`) names in a first-party module."""
        if depth > MAX_DEPTH or self.directory is None:
            return None
        if qualname in STDLIB_COROUTINE_FUNCTIONS:
            return FunctionEntry(True)
        if qualname.startswith(REF_PREFIX):
            path, _, dotted = qualname[len(REF_PREFIX):].rpartition(":")
            return self._in_module(path, dotted.split("."), depth + 1)
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
        if name in summary.bounds:           # a bound TypeVar: its values are at least a Bound
            return self._in_module(path, summary.bounds[name].split(".") + rest, depth + 1)
        if name in summary.aliases:
            return self._in_module(path, summary.aliases[name].split(".") + rest, depth + 1)
        if name in summary.functions:
            if not rest:
                return FunctionEntry(self.resolved(summary, summary, name, depth), summary,
                                     summary.returns.get(name, ""),
                                     summary.wrappers.get(name, 0))
            # `db.connect` where the module binds `db = Database()`
            held = summary.types.get(name)
            made = self.resolve_type(summary, held, depth + 1) if held else None
            return self.lookup(".".join([made] + rest), here, depth + 1) if made else None
        if name in summary.classes:
            entry = ClassEntry(summary, summary.classes[name], name)
            if not rest:
                return entry
            if len(rest) == 1:
                kind = self.inherited_kind(entry, rest[0], depth + 1)
                if kind is None:
                    return None
                owner = self.defining_class(entry, rest[0], depth + 1)
                returns = owner.cls.returns.get(rest[0], "") if owner else ""
                return FunctionEntry(kind, owner.module if owner else None, returns)
            return None
        for star in summary.stars:
            found = self.lookup(".".join([star] + attrs), here, depth + 1)
            if found is not None:
                return found
        return None

    def method_kind(self, summary: ModuleSummary, cls: ClassSummary, name: str, depth: int
                    ) -> Optional[bool]:
        """True/False when class `cls` (or a base) defines `name`; None when none does."""
        if name in cls.methods:
            return self.resolved(summary, cls, name, depth)
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
                return stdlib_method_kind(qualified, name)
            kind = self.method_kind(entry.module, entry.cls, name, depth + 1)
            if kind is not None:
                return kind
        return None

    def inherited_kind(self, entry: ClassEntry, name: str, depth: int = 0) -> Optional[bool]:
        """`method_kind`, looked up in the class's method resolution order (`mro.py`)."""
        order = linearize(entry.ref, self.base_keys, self._orders)
        if order is None:
            return self.method_kind(entry.module, entry.cls, name, depth)
        for key in order:
            kind = self.own_kind(key, name)
            if kind is not None:
                return kind
        return None

    def base_keys(self, key: str) -> Optional[List[str]]:
        """The bases of class `key` (a `ClassEntry.ref`) as `mro.py` keys: a readable class by
        its ref, any other by its qualified name (or a "?" name: not even that); None for a
        class we cannot read. Neutral bases (`object`, `Generic`) are left out."""
        entry = self.find(key) if key.startswith(REF_PREFIX) else None
        if not isinstance(entry, ClassEntry):
            return None
        found = []
        for position, base in enumerate(entry.cls.bases):
            if base is None:
                found.append("?%s#%d" % (key, position))
                continue
            head, _, rest = base.partition(".")
            qualified = _qualified(head, rest, entry.module.imports)
            if qualified in NEUTRAL_BASES and head not in entry.module.classes:
                continue
            made = self._in_module(entry.module.path, base.split("."), 0)
            found.append(made.ref if isinstance(made, ClassEntry) else qualified)
        return found

    def own_kind(self, key: str, name: str) -> Optional[bool]:
        """Whether class `key`'s own body defines `name` as a coroutine function (None when
        it does not bind it); for a class we cannot read, `stdlib_method_kind`."""
        entry = self.find(key) if key.startswith(REF_PREFIX) else None
        if isinstance(entry, ClassEntry):
            return self.resolved(entry.module, entry.cls, name) \
                if name in entry.cls.methods else None
        return stdlib_method_kind(key, name)

    def resolved(self, summary: ModuleSummary, body: Union[ModuleSummary, ClassSummary],
                 name: str, depth: int = 0) -> bool:
        """Whether function or method `name` of `body` (in `summary`'s module) is a coroutine
        function, its decorators imported from other modules (`pending`) looked up."""
        known = body.functions.get(name, False) if isinstance(body, ModuleSummary) \
            else body.methods.get(name, False)
        pending = body.pending.get(name)
        if known or not pending or depth > MAX_DEPTH:
            return known
        here = os.path.dirname(summary.path)
        for decorator, wanted in pending:
            entry = self.lookup(decorator, here, depth + 1)
            if not isinstance(entry, (FunctionEntry, ClassEntry)) or entry.wrapper != wanted:
                return False
        return True

    def alias_of(self, qualname: str) -> Optional[Tuple[str, Dict[str, str]]]:
        """A type alias of another module (`Setup = tuple[list[Node], int]`): its text, and
        what each name it uses means there, as a type name any lookup finds (a class by its
        `ClassEntry.ref`, an import by its qualified name)."""
        module, _, name = qualname.rpartition(".")
        found = self.find(module) if module else None
        if not isinstance(found, ModuleEntry):
            return None
        summary = found.module
        text = summary.alias_texts.get(name)
        if text is None:
            imported = summary.imports.get(name)
            return self.alias_of(imported) if imported and not imported.startswith(".") \
                else None
        return self._with_meanings(summary, text)

    def declared_text(self, entry: ClassEntry, name: str) -> Optional[Tuple[str, Dict[str, str]]]:
        """An attribute of another module's class declared with a subscripted type: its
        annotation's text, with what each name means (as `alias_of`)."""
        owner = self.defining_class(entry, name)
        text = owner.cls.annotation_texts.get(name) if owner is not None else None
        return self._with_meanings(owner.module, text) if owner is not None and text else None

    def _with_meanings(self, summary: ModuleSummary, text: str
                       ) -> Optional[Tuple[str, Dict[str, str]]]:
        try:
            tree = ast.parse(text, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        meanings: Dict[str, str] = {}
        here = os.path.dirname(summary.path)
        nodes: List[ast.AST] = list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                inner = _annotation_node(node)        # `list["Environment"]`
                if inner is not None and len(nodes) < 200:
                    nodes.extend(ast.walk(inner))
            if not isinstance(node, ast.Name) or node.id in meanings:
                continue
            if node.id in summary.classes:
                meanings[node.id] = ClassEntry(summary, summary.classes[node.id], node.id).ref
            elif node.id in summary.imports:
                imported = summary.imports[node.id]
                entry = self.lookup(imported, here) if imported.startswith(".") else None
                if isinstance(entry, ClassEntry):
                    meanings[node.id] = entry.ref
                elif not imported.startswith("."):
                    meanings[node.id] = imported
            elif node.id in summary.functions:     # another name of that module
                meanings[node.id] = "%s%s:%s" % (REF_PREFIX, summary.path, node.id)
        return text, meanings

    # -- types -----------------------------------------------------------------------------

    def defining_class(self, entry: ClassEntry, name: str, depth: int = 0
                       ) -> Optional[ClassEntry]:
        """The class, `entry` or the first base in lookup order, whose body binds `name`."""
        if name in entry.cls.methods or name in entry.cls.types:
            return entry
        if depth > MAX_DEPTH:
            return None
        for base in entry.cls.bases:
            found = self._in_module(entry.module.path, base.split("."), depth + 1) \
                if base is not None else None
            if isinstance(found, ClassEntry):
                owner = self.defining_class(found, name, depth + 1)
                if owner is not None:
                    return owner
        return None

    def attribute_type(self, entry: ClassEntry, name: str) -> Optional[str]:
        """The type of attribute `name` of an instance of `entry`'s class, if known."""
        owner = self.defining_class(entry, name)
        if owner is None:
            return None
        written = owner.cls.types.get(name)
        return self.resolve_type(owner.module, written) if written else None

    def awaited_type(self, entry: ClassEntry) -> Optional[str]:
        """What awaiting an instance of `entry`'s class gives (its or a base's `__await__`)."""
        owner = self.defining_class(entry, "__await__")
        if owner is None or not owner.cls.awaits:
            return None
        return self.resolve_type(owner.module, owner.cls.awaits)

    def entered_type(self, entry: FunctionEntry) -> Optional[str]:
        """What `with f() as x` binds for a context manager factory `f` (`_yielded`)."""
        if entry.module is None or not entry.returns.startswith("<with:"):
            return None
        return self.resolve_type(entry.module, entry.returns[len("<with:"):-1].split("|")[0])

    def entered_text(self, entry: FunctionEntry) -> Optional[Tuple[str, Dict[str, str]]]:
        """`entered_type`'s annotation as written, with what its names mean (`alias_of`)."""
        if entry.module is None or not entry.returns.startswith("<with:"):
            return None
        return self._with_meanings(entry.module, entry.returns[:-1].partition("|")[2])

    def return_type(self, entry: FunctionEntry) -> Optional[str]:
        """The type a found function is annotated to return (awaiting it, for an async def);
        None for a type the call binds (`bound_return`: the caller reads the call)."""
        if entry.module is None or not entry.returns or entry.returns.startswith("<"):
            return None
        return self.resolve_type(entry.module, entry.returns)

    def resolve_type(self, summary: ModuleSummary, written: str, depth: int = 0
                     ) -> Optional[str]:
        """A type as written in `summary`'s module, as a type name the linted file can use:
        a class of the project by its `ClassEntry.ref`, anything else by its qualified name."""
        called = written.endswith("()")
        dotted = written[:-2] if called else written
        found = self._in_module(summary.path, dotted.split("."), depth + 1)
        if isinstance(found, ClassEntry):
            return found.ref
        if isinstance(found, FunctionEntry):
            return self.return_type(found) if called else None
        if found is not None:
            return None
        head, _, rest = dotted.partition(".")
        qualified = _qualified(head, rest, summary.imports)
        if qualified.startswith("."):
            return None          # a project name we could not find
        return FACTORY_RETURNS.get(qualified, qualified) if called else qualified
