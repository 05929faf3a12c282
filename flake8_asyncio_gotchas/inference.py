"""What type of object an expression holds: the one owner of that question.

Inferred from what the source says, never by importing or running it. A type is a name:
- "<module>.Outer.Client": a class of the linted module (a scope `names.Resolver.local_class`
  finds);
- "@/abs/path/mod.py:Client": a class of another module of the project
  (`modules.ClassEntry.ref`), found through the summaries of `modules.py`;
- "asyncio.StreamWriter", "requests.Session", "pkg.mod.Client": anything else, by the qualified
  name `names.Resolver.qualname` spells (relative ones from the linted file's directory).

Where a type comes from:
- `self` (and `self` used in a def nested in a method): the method's class;
- annotations of parameters, variables, class-body names and `self.x: T`, read through
  `Optional`, `X | None`, `Annotated[X, ...]` (X alone) and string annotations
  (`annotation_type`), a TypeVar with a bound as its bound (`T = TypeVar("T", bound=Bot)`:
  a Bot); a name with an annotation has the declared type, whatever it is later assigned, as
  type checkers read it;
- assigned values: `Client()` and `cls(...)` (the class), a call of a def or method with a
  return annotation (its type), `await f()` where `async def f() -> T` (T), factories of the
  catalogues (`calls.FACTORY_RETURNS`, `AWAITED_RETURNS`), tuples unpacked from
  `await asyncio.open_connection()` (`AWAITED_TUPLES`), `await x` where x's class declares
  `__await__(self) -> Generator[Any, None, T]` (T); a call of a name or attribute declared
  `Callable[..., R]` (R; awaited, of `Callable[..., Awaitable[T]]`: T); a call of a name or
  attribute holding a class (declared `type[X]`, or bound to the class: `X_CLASS = X`);
  `a or b` when both sides have the one type;
- return types a call binds (`-> Self`, `self: B -> B`, `kind: type[W] -> W`, classmethod
  factories returning `cls(...)`), and those of unannotated same-module defs, inferred from
  their returns; `with` targets of `@contextmanager`/`@asynccontextmanager` factories;
- loop variables: the element type of what they iterate (`element_type`), through copies
  (`list(xs)`, `xs.copy()`) and views of declared mappings (`d.values()`, `d.keys()`); names a
  loop unpacks (`for k, v in d.items()`, `enumerate`, `zip`, `list[tuple[A, B]]`), by part;
  names unpacked along element paths (`[[a], b] = x`, `for a, b in pairs`) from declared
  annotations and type aliases, those of other modules included (`_foreign_annotation`);
- attributes, to any depth: the class's annotation or values of the attribute, in its body or
  any method, properties' return annotations, then its bases (same module, other modules);
  attributes of the standard library's asyncio objects (`STDLIB_ATTRIBUTE_TYPES`);
- `isinstance` guards: where one narrows a name or attribute chain, its class (`narrowing.py`).
Bindings to `None` say nothing about the type (an attribute set to None in `__init__` and to a
client later holds a client when used). A name bound to two different types has none.
"""
from __future__ import annotations

import ast
import textwrap
from typing import Callable, Dict, FrozenSet, List, Optional, Tuple, Union

import libcst as cst

from .calls import FACTORY_RETURNS
from .calls.coroutines import (ASYNCIO_REEXPORTING, AWAITABLE_RESULTS, AWAITED_RETURNS,
                               AWAITED_TUPLES, CONTEXT_MANAGER_DECORATORS,
                               COROUTINE_ANNOTATIONS, GENERATOR_ANNOTATIONS,
                               GENERATOR_TYPES, OPTIONAL_WRAPPERS, PROPERTY_DECORATORS,
                               SAME_TYPE_RETURNS, SELF_TYPES, STDLIB_ATTRIBUTE_TYPES,
                               TYPEVAR_FACTORIES, UNION_TYPES, MARKING_WRAPPERS)
from .modules import (RECEIVER, REF_PREFIX, ClassEntry, FunctionEntry, ProjectModules,
                      bound_return, class_argument)
from .narrowing import Narrowing
from .names import (LOCAL_PREFIX, Binding, Resolver, Scope, cls_class, decorator_names,
                    self_class)
from .syntax import is_none
from .walk import descendants

# Hops through names, attributes and calls; a cursor of a connection of a module (`cur =
# conn.cursor()`, `conn = sqlite3.connect(...)`) takes eight.
MAX_DEPTH = 10
_MAX_NESTING = 24

# Wrappers whose object is their one argument other than None (`calls/coroutines.py`).
_PEELED = OPTIONAL_WRAPPERS | UNION_TYPES
# Collections whose element type an annotation's argument names.
_COLLECTIONS = frozenset({
    "list", "set", "frozenset", "tuple", "typing.List", "typing.Set", "typing.FrozenSet",
    "typing.Tuple", "typing.Sequence", "typing.MutableSequence", "typing.Iterable",
    "typing.Collection", "typing.AbstractSet", "typing.MutableSet", "typing.Iterator",
    "collections.abc.Sequence", "collections.abc.MutableSequence", "collections.abc.Iterable",
    "collections.abc.Collection", "collections.abc.Set", "collections.abc.MutableSet",
    "collections.abc.Iterator", "collections.deque", "typing.Deque",
})
_TUPLES = frozenset({"tuple", "typing.Tuple"})
_TYPES = frozenset({"type", "typing.Type", "typing_extensions.Type"})
_MAPPINGS = frozenset({
    "dict", "typing.Dict", "typing.Mapping", "typing.MutableMapping", "typing.DefaultDict",
    "typing.OrderedDict", "collections.abc.Mapping", "collections.abc.MutableMapping",
    "collections.defaultdict", "collections.OrderedDict",
})
_MAPPING_GETTERS = frozenset({"get", "pop", "setdefault"})
_CALLABLES = frozenset({"typing.Callable", "collections.abc.Callable"})
# Builtins whose result iterates like their one argument; views of a mapping (-> K or V).
_COPIES = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed"})
_VIEWS = {"keys": 0, "values": 1}


def asyncio_public_name(name: Optional[str]) -> Optional[str]:
    """`asyncio.base_events.Server` -> `asyncio.Server`: a class of an asyncio submodule that
    asyncio re-exports, by the name the catalogues know it by."""
    if name is None or not name.startswith("asyncio."):
        return name
    parts = name.split(".")
    if len(parts) == 3 and parts[1] in ASYNCIO_REEXPORTING:
        return "asyncio." + parts[2]
    return name


def parse_def(node: Union[cst.FunctionDef, cst.ClassDef]) -> Optional[ast.stmt]:
    """A def or class of the linted file read with `ast`, as other modules' are (`modules.py`
    answers what a def does once, for both)."""
    try:
        tree = ast.parse(textwrap.dedent(cst.Module([]).code_for_node(node)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree.body[0] if tree.body else None


def _is_empty(expr: cst.BaseExpression) -> bool:
    """`None`, `[]`, `()`, `{}`: no element to give a type."""
    return is_none(expr) or (isinstance(expr, (cst.List, cst.Tuple, cst.Dict, cst.Set))
                             and not expr.elements)


def _subscript_args(node: cst.Subscript) -> List[cst.BaseExpression]:
    """The arguments of `X[a, b]`, as expressions (slices are not arguments)."""
    found: List[cst.BaseExpression] = []
    for element in node.slice:
        if isinstance(element.slice, cst.Index):
            found.append(element.slice.value)
    return found


def _peeled_args(node: cst.Subscript, generic: Optional[str]) -> Optional[List[cst.BaseExpression]]:
    """What a typing wrapper holds, None for another generic: `Optional[X]`, `Final[X]`,
    `Union[X, None]` -> their arguments; `Annotated[X, Depends(...)]`, `Required[X]` -> X
    alone (what follows X in `Annotated` is metadata, not a type)."""
    if generic in _PEELED:
        return _subscript_args(node)
    if generic in MARKING_WRAPPERS:
        return _subscript_args(node)[:1]
    return None


def one_type(bindings: List[Binding],
             of_annotation: Callable[[cst.BaseExpression, Scope], Optional[str]],
             of_binding: Callable[[Binding], Optional[str]]) -> Optional[str]:
    """The one type the bindings of a name give it: its declared type when any binding has an
    annotation (all must agree), else what every binding not to None gives it."""
    declared = [binding for binding in bindings if binding.annotation is not None]
    types = set()
    if declared:
        for binding in declared:
            types.add(of_annotation(binding.annotation, binding.scope))  # type: ignore[arg-type]
    else:
        for binding in bindings:
            if binding.kind == "assign" and is_none(binding.node):
                continue
            types.add(of_binding(binding))
    if len(types) != 1:
        return None
    return types.pop()


class TypeInference:
    """Answers "what type does this expression hold?" for one module; see the module doc."""

    def __init__(self, names: Resolver, project: Optional[ProjectModules] = None) -> None:
        self.names = names
        self.project = project
        # Questions come back through names.py (`qualname`, `class_of`) without a depth: the
        # nesting of `type_of` calls bounds every path, and each answer is kept per node and
        # scope. A question met again while it is being answered (`a = b; b = a`, a cycle
        # through attributes) answers None there: exploring cycles again would be exponential.
        self._nesting = 0
        self._known: Dict[Tuple[int, int], Optional[str]] = {}
        self.narrowing = Narrowing()
        # String annotations, parsed once each. The parsed nodes stay alive here: caches keyed
        # by node id (`_known`, `_options`) must never meet a recycled id.
        self._parsed: Dict[cst.SimpleString, Optional[cst.BaseExpression]] = {}
        self._options: Dict[Tuple[int, int], Optional[List[str]]] = {}
        self._bound_returns: Dict[cst.FunctionDef, Optional[str]] = {}
        self._returned: Dict[cst.FunctionDef, List[cst.BaseExpression]] = {}
        # Other modules' aliases and attribute annotations, parsed (`_foreign_annotation`).
        self._foreign: Dict[str, Optional[Tuple[cst.BaseExpression, Scope]]] = {}

    def _parse_annotation(self, node: cst.SimpleString) -> Optional[cst.BaseExpression]:
        if node not in self._parsed:
            self._parsed[node] = _parse_annotation(node)
        return self._parsed[node]

    # -- expressions ------------------------------------------------------------------------

    def type_of(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> Optional[str]:
        """The type of the object `expr` (evaluated in `scope`) holds, when known."""
        key = (id(expr), id(scope))
        if key in self._known:
            return self._known[key]
        if depth > MAX_DEPTH or self._nesting > _MAX_NESTING:
            return None
        self._known[key] = None                  # in progress: a cycle back here finds None
        self._nesting += 1
        try:
            found = self._known[key] = self._type_of(expr, scope, depth)
        finally:
            self._nesting -= 1
        return found

    def _type_of(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> Optional[str]:
        if isinstance(expr, cst.Call):
            return self._call_type(expr, scope, depth)
        if isinstance(expr, cst.Await):
            return self._awaited_type(expr.expression, scope, depth) \
                or self._awaited_callable_type(expr.expression, scope, depth) \
                or self._awaited_object_type(expr.expression, scope, depth)
        if isinstance(expr, (cst.Name, cst.Attribute)):
            narrowed = self._narrowed_type(expr, scope, depth)
            if narrowed is not None:
                return narrowed
        if isinstance(expr, cst.Name):
            owner = self.method_owner(expr.value, scope)
            if owner is not None:
                return owner.path
            bindings = self.names.bindings(expr.value, scope, expr)
            if bindings:       # `runner = runner` (narrowing it for mypy) adds no type
                bindings = [b for b in bindings if not (
                    b.kind == "assign" and isinstance(b.node, cst.Name)
                    and b.node.value == expr.value)] or bindings
            return self._type_of_bindings(bindings, depth) if bindings else None
        if isinstance(expr, cst.Attribute):
            base = self.type_of(expr.value, scope, depth + 1)
            return self.attribute_type(base, expr.attr.value, depth + 1) if base else None
        if isinstance(expr, cst.Subscript):
            return self._item_type(expr, scope, depth)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            # `self.exchange or default`: one of the sides, when both have the one type.
            sides = {self.same_class(self.type_of(side, scope, depth + 1))
                     for side in (expr.left, expr.right) if not is_none(side)}
            return sides.pop() if len(sides) == 1 else None
        return None

    def same_class(self, kind: Optional[str]) -> Optional[str]:
        """One spelling of a type for comparisons: another module's class by its
        `ClassEntry.ref` however it was reached ("pkg.abc.Exchange", "@/…/abc.py:Exchange")."""
        if kind is None or kind.startswith((LOCAL_PREFIX, REF_PREFIX)) or self.project is None:
            return kind
        entry = self.project.find(kind)
        return entry.ref if isinstance(entry, ClassEntry) else kind

    def _narrowed_type(self, expr: cst.BaseExpression, scope: Scope, depth: int
                       ) -> Optional[str]:
        """The class an `isinstance` guard narrows `expr` to where it is read (`narrowing`)."""
        cls = self.narrowing.narrowed_class(expr, scope)
        if cls is None or self.names.bindings("isinstance", scope) is not None:
            return None                         # no guard, or not the builtin isinstance
        return self.annotation_type(cls, scope, depth + 1)

    def method_owner(self, name: str, scope: Scope) -> Optional[Scope]:
        """The class when `name` is a method's `self`, there or in a def nested in it."""
        owner = self_class(scope, name)
        if owner is None:
            binder = self.names.binding_scope(name, scope)
            if binder is not None and binder is not scope and binder.kind == "function":
                owner = self_class(binder, name)
        return owner

    def _call_type(self, call: cst.Call, scope: Scope, depth: int) -> Optional[str]:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MAPPING_GETTERS:
            held = self._value_type(func.value, scope, depth)  # `peers.get(key)` of dict[K, V]
            if held is not None:
                return held
        defined = self.names.definitions(call.func, scope)
        if defined is not None:
            if len(defined) != 1:
                return None
            target = defined[0]
            if isinstance(target, cst.ClassDef):
                found = self.names.scope_of.get(target)
                return found.path if found is not None else None
            body = self.names.scope_of.get(target)
            if target.asynchronous is not None:      # an async generator's is declared
                return self.declared_return(target, depth) \
                    if body is not None and body.yields else None
            bound = self._local_bound_return(target)
            return self._bound_type(bound, call, scope, depth) if bound \
                else self.declared_return(target, depth) or self._inferred_return(target, depth)
        called = self.names.qualname(call.func, scope, depth + 1)
        if called is None:
            cls = self._cls_call(call.func, scope)
            if cls is not None:
                return cls.path
            made = self._class_held(call.func, scope, depth)
            if made is not None:
                return made
            result = self._callable_result(call.func, scope, depth)
            return self.annotation_type(result[0], result[1], depth + 1) if result else None
        if called.startswith(LOCAL_PREFIX):
            return None
        if called in SAME_TYPE_RETURNS:                 # `dataclasses.replace(request)`
            first = call.args[0] if call.args else None
            return self.type_of(first.value, scope, depth + 1) \
                if first is not None and first.keyword is None and not first.star else None
        entry = self.project.find(called) if self.project is not None else None
        if isinstance(entry, FunctionEntry):
            if entry.is_coroutine or self.project is None:
                return None
            if entry.returns.startswith("<"):
                return self._bound_type(entry.returns, call, scope, depth)
            return self.project.return_type(entry)
        if isinstance(entry, ClassEntry):
            return called
        return FACTORY_RETURNS.get(called, called)

    def _cls_call(self, func: cst.BaseExpression, scope: Scope) -> Optional[Scope]:
        """`cls(...)` in a classmethod: its class."""
        return cls_class(scope, func.value) if isinstance(func, cst.Name) else None

    def _awaited_type(self, inner: cst.BaseExpression, scope: Scope, depth: int
                      ) -> Optional[str]:
        """What `await inner` gives, for a call of a coroutine function with a known result."""
        if not isinstance(inner, cst.Call):
            return None
        called = self.names.qualname(inner.func, scope, depth + 1)
        if called == "asyncio.to_thread":
            # `await asyncio.to_thread(f, ...)` holds what `f(...)` returns (as a type checker
            # reads it): the sync connection a fix moved into a thread is still one.
            if not inner.args or inner.args[0].keyword is not None or inner.args[0].star:
                return None
            made = self.names.qualname(inner.args[0].value, scope, depth + 1)
            return FACTORY_RETURNS.get(made, made) if made is not None else None
        if called in AWAITED_RETURNS:
            return AWAITED_RETURNS[called]
        defined = self.names.definitions(inner.func, scope)
        if defined is not None:
            target = defined[0] if len(defined) == 1 else None
            if isinstance(target, cst.FunctionDef) and target.asynchronous is not None:
                bound = self._local_bound_return(target)
                return self._bound_type(bound, inner, scope, depth) if bound \
                    else self.declared_return(target, depth) \
                    or self._inferred_return(target, depth)
            return None
        if called is None or called.startswith(LOCAL_PREFIX) or self.project is None:
            return None
        entry = self.project.find(called)
        if isinstance(entry, FunctionEntry) and entry.is_coroutine:
            if entry.returns.startswith("<"):
                return self._bound_type(entry.returns, inner, scope, depth)
            return self.project.return_type(entry)
        return None

    def _class_held(self, func: cst.BaseExpression, scope: Scope, depth: int) -> Optional[str]:
        """The class a name or attribute holds, so that calling it makes one: declared
        `type[X]` (`connection_class: Type[Connection]`), or bound only to a class
        (aio-pika's class attribute `EXCHANGE_CLASS = Exchange`)."""
        found = self.declared(func, scope, depth + 1)
        if found is not None:
            annotation, where = found
            if isinstance(annotation, cst.Subscript) \
                    and self.names.qualname(annotation.value, where) in _TYPES:
                args = _subscript_args(annotation)
                return self.annotation_type(args[0], where, depth + 1) \
                    if len(args) == 1 else None
            return None
        bindings = self._collection_bindings(func, scope)
        if not bindings or len(bindings) != 1 or bindings[0].kind != "assign" \
                or bindings[0].annotation is not None \
                or not isinstance(bindings[0].node, (cst.Name, cst.Attribute)):
            return None
        value, where = bindings[0].node, bindings[0].scope
        defined = self.names.definitions(value, where)
        if defined is not None:
            target = self.names.scope_of.get(defined[0]) if len(defined) == 1 \
                and isinstance(defined[0], cst.ClassDef) else None
            return target.path if target is not None else None
        held = self.names.qualname(value, where, depth + 1)
        if held is None or held.startswith(LOCAL_PREFIX) or self.project is None:
            return None
        return held if isinstance(self.project.find(held), ClassEntry) else None

    def _callable_result(self, func: cst.BaseExpression, scope: Scope, depth: int
                         ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """R of a name or attribute declared `Callable[..., R]` (directly, through a type
        alias, or assigned from one declared so: `self.make = make`), where to read it."""
        found = self.declared(func, scope, depth + 1)
        if found is None:
            return None
        annotation, where = found
        if isinstance(annotation, cst.Name):          # `Handler = Callable[..., Response]`
            bindings = self.names.bindings(annotation.value, where) or []
            if len(bindings) != 1 or bindings[0].kind != "assign" \
                    or not isinstance(bindings[0].node, cst.Subscript):
                return None
            annotation, where = bindings[0].node, bindings[0].scope
        if not isinstance(annotation, cst.Subscript) \
                or self.names.qualname(annotation.value, where) not in _CALLABLES:
            return None
        args = _subscript_args(annotation)
        return self._unwrapped(args[1], where, depth) if len(args) == 2 else None

    def _awaited_callable_type(self, inner: cst.BaseExpression, scope: Scope, depth: int
                               ) -> Optional[str]:
        """What `await f(...)` gives where `f` is declared `Callable[..., Awaitable[T]]`
        (or `Coroutine[Any, Any, T]`): T."""
        if not isinstance(inner, cst.Call) \
                or self.names.qualname(inner.func, scope, depth + 1) is not None:
            return None
        result = self._callable_result(inner.func, scope, depth)
        if result is None or not isinstance(result[0], cst.Subscript):
            return None
        awaitable = self.names.qualname(result[0].value, result[1])
        args = _subscript_args(result[0])
        if awaitable in AWAITABLE_RESULTS and len(args) in (1, 3):
            return self.annotation_type(args[-1], result[1], depth + 1)
        return None

    def _awaited_object_type(self, inner: cst.BaseExpression, scope: Scope, depth: int
                             ) -> Optional[str]:
        """What `await inner` gives when `inner` holds an object whose class defines
        `__await__` annotated `-> Generator[..., T]` (T; `Self`: the class): aiosqlite's
        `await connect(...)`, a sync def returning a `Connection` that awaits to itself."""
        held = self.type_of(inner, scope, depth + 1)
        if held is None:
            return None
        local = self.names.local_class(held)
        if local is not None:
            method = self.names.method(local, "__await__")
            if not isinstance(method, cst.FunctionDef) or method.returns is None:
                return None
            body = self.names.scope_of.get(method)
            where = body.parent if body is not None and body.parent is not None else local
            return self._generator_result(method.returns.annotation, where, held, depth)
        entry = self.project.find(held) if self.project is not None else None
        if isinstance(entry, ClassEntry) and self.project is not None:
            return self.project.awaited_type(entry)
        return None

    def _generator_result(self, annotation: cst.BaseExpression, scope: Scope, owner: str,
                          depth: int) -> Optional[str]:
        """T of an annotation `Generator[Y, S, T]` (`Self`: `owner`)."""
        if isinstance(annotation, cst.SimpleString):
            parsed = self._parse_annotation(annotation)
            if parsed is None:
                return None
            annotation = parsed
        if not isinstance(annotation, cst.Subscript) \
                or self.names.qualname(annotation.value, scope) not in GENERATOR_TYPES:
            return None
        args = _subscript_args(annotation)
        if len(args) != 3:
            return None
        if self.names.qualname(args[2], scope) in SELF_TYPES:
            return owner
        return self.annotation_type(args[2], scope, depth + 1)

    def _inferred_return(self, func: cst.FunctionDef, depth: int) -> Optional[str]:
        """What an unannotated def of this module returns, as type checkers infer it: the one
        type of every value it returns (`found = Handler(...); ...; return found`; returns of
        None aside); None for a generator, or returns of different or unknown types."""
        body = self.names.scope_of.get(func)
        if func.returns is not None or body is None or body.yields:
            return None
        if func not in self._returned:
            self._returned[func] = _returned_values(func)
        values = [value for value in self._returned[func] if not is_none(value)]
        types = {self.type_of(value, body, depth + 1) for value in values}
        return types.pop() if len(types) == 1 else None

    def declared_return(self, func: cst.FunctionDef, depth: int = 0) -> Optional[str]:
        """The type `func` is annotated to return (for an async def: what awaiting gives)."""
        if func.returns is None:
            return None
        body = self.names.scope_of.get(func)
        where = body.parent if body is not None and body.parent is not None \
            else self.names.module_scope
        return self.annotation_type(func.returns.annotation, where, depth + 1)

    def _local_bound_return(self, func: cst.FunctionDef) -> Optional[str]:
        """`modules.bound_return` of a def of the linted file (read as other modules' are)."""
        if (func.returns is None and not func.decorators) \
                or (func.returns is not None and isinstance(func.returns.annotation,
                                                            cst.Subscript)):
            return None
        if func not in self._bound_returns:
            body = self.names.scope_of.get(func)
            in_class = body is not None and body.parent is not None \
                and body.parent.kind == "class"
            tree = parse_def(func)
            self._bound_returns[func] = bound_return(tree, in_class) \
                if isinstance(tree, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        return self._bound_returns[func]

    def _bound_type(self, marker: str, call: cst.Call, scope: Scope, depth: int
                    ) -> Optional[str]:
        """The type a call binds a `bound_return` marker to: its receiver's, or that of the
        class passed for the `type[T]` parameter."""
        if marker == RECEIVER:
            if not isinstance(call.func, cst.Attribute):
                return None
            receiver = call.func.value
            return self.type_of(receiver, scope, depth + 1) \
                or self._class_named(receiver, scope, depth)
        parameter = class_argument(marker)
        if parameter is None:
            return None
        position, name = parameter
        for index, arg in enumerate(call.args):
            if arg.star:
                return None
            if (arg.keyword is not None and arg.keyword.value == name) \
                    or (arg.keyword is None and index == position):
                return self._class_named(arg.value, scope, depth)
        return None

    def _class_named(self, expr: cst.BaseExpression, scope: Scope, depth: int
                     ) -> Optional[str]:
        """The type of instances of the class `expr` names (`VCWallet`), or of a parameter
        declared `type[X]` (X), when it names one."""
        declared = self.declared(expr, scope, depth + 1) \
            if isinstance(expr, cst.Name) else None
        if declared is not None and isinstance(declared[0], cst.Subscript) \
                and self.names.qualname(declared[0].value, declared[1]) in _TYPES:
            args = _subscript_args(declared[0])
            return self.annotation_type(args[0], declared[1], depth + 1) \
                if len(args) == 1 else None
        defined = self.names.definitions(expr, scope)
        if defined is not None:
            target = defined[0] if len(defined) == 1 else None
            found = self.names.scope_of.get(target) if isinstance(target, cst.ClassDef) \
                else None
            return found.path if found is not None else None
        named = self.names.qualname(expr, scope, depth + 1)
        if named is None or named.startswith(LOCAL_PREFIX) or self.project is None:
            return None
        return named if isinstance(self.project.find(named), ClassEntry) else None

    # -- bindings ---------------------------------------------------------------------------

    def _type_of_bindings(self, bindings: List[Binding], depth: int) -> Optional[str]:
        return one_type(
            bindings,
            lambda annotation, scope: self.annotation_type(annotation, scope, depth + 1),
            lambda binding: self._binding_type(binding, depth + 1))

    def _binding_type(self, binding: Binding, depth: int) -> Optional[str]:
        if binding.kind == "unpack" and isinstance(binding.node, (cst.For, cst.CompFor)):
            found = self._unpacked_type(binding.node, binding.position, binding.scope, depth)
            if found is not None:       # else the element paths below (aliases, nesting)
                return found
        if binding.path is not None \
                and (len(binding.path) > 1 or binding.element_of or binding.entered):
            part = self._unpacked_part(binding, depth)
            return self.annotation_type(part[0], part[1], depth + 1) if part else None
        if binding.kind == "assign" and binding.entered and isinstance(binding.node, cst.Call):
            yielded = self._yielded_type(binding.node, binding.scope, depth)
            if yielded is not None:
                return yielded
        if binding.kind == "assign" and binding.node is not None:
            found = self.type_of(binding.node, binding.scope, depth)  # type: ignore[arg-type]
            return self._entered_type(found, depth) if binding.entered and found else found
        if binding.kind == "unpack" and binding.node is not None:
            return self._unpacked_type(binding.node, binding.position, binding.scope, depth)
        if binding.iterable is not None:
            found = self.element_type(binding.iterable, binding.scope, depth)
            if found is None:       # `for x in xs` where xs was unpacked, or is `pairs[0]`
                part = self._tuple_part(binding.iterable, None, binding.scope, depth + 1)
                found = self.annotation_type(part[0], part[1], depth + 1) if part else None
            return found
        return None

    def _yielded_type(self, call: cst.Call, scope: Scope, depth: int) -> Optional[str]:
        """`with f() as x` for a `@contextmanager`/`@asynccontextmanager` generator `f`
        annotated `-> Iterator[T]`/`AsyncIterator[T]`: T."""
        part = self._yielded_part(call, scope, depth)
        return self.annotation_type(part[0], part[1], depth + 1) if part else None

    def _yielded_part(self, call: cst.Call, scope: Scope, depth: int
                      ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """`_yielded_type`, as the annotation T (and where to read it)."""
        defined = self.names.definitions(call.func, scope)
        if defined is not None:
            func = defined[0] if len(defined) == 1 else None
            body = self.names.scope_of.get(func) if isinstance(func, cst.FunctionDef) else None
            if not isinstance(func, cst.FunctionDef) or func.returns is None or body is None \
                    or not CONTEXT_MANAGER_DECORATORS.intersection(
                        self._decorators(func, body.parent or self.names.module_scope)):
                return None
            returned = func.returns.annotation
            where = body.parent or self.names.module_scope
            if not isinstance(returned, cst.Subscript) or (self.names.qualname(
                    returned.value, where) or "").rpartition(".")[2] not in GENERATOR_ANNOTATIONS:
                return None
            args = _subscript_args(returned)
            return self._unwrapped(args[0], where, depth + 1) if args else None
        called = self.names.qualname(call.func, scope, depth + 1)
        if called is None or called.startswith(LOCAL_PREFIX) or self.project is None:
            return None
        entry = self.project.find(called)
        if not isinstance(entry, FunctionEntry) or not entry.returns.startswith("<with:"):
            return None
        if called not in self._foreign:
            self._foreign[called] = self._foreign_annotation(self.project.entered_text(entry))
        found = self._foreign[called]
        return self._unwrapped(found[0], found[1], depth + 1) if found is not None else None

    def _entered_type(self, manager: str, depth: int) -> Optional[str]:
        """What `with manager as x` binds: `__aenter__`/`__enter__`'s return annotation when
        the class has one, else the manager itself (what most return)."""
        local = self.names.local_class(manager)
        for name in ("__aenter__", "__enter__"):
            if local is not None:
                method = self.names.method(local, name)
                if isinstance(method, cst.FunctionDef) and method.returns is not None:
                    return self.declared_return(method, depth + 1)
            elif self.project is not None:
                entry = self.project.find("%s.%s" % (manager, name))
                if isinstance(entry, FunctionEntry) and entry.returns:
                    return self.project.return_type(entry)
        return manager

    def _unpacked_part(self, binding: Binding, depth: int
                       ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """The declared annotation of a name unpacked from a nested target (`[[a], b] = x`)
        or a loop's elements (`for a, b in pairs`), element by element along its path."""
        path = binding.path or ()
        if not path:
            return None
        if binding.element_of is not None:
            found = self._tuple_part(binding.element_of, None, binding.scope, depth + 1)
        elif binding.entered and isinstance(binding.node, cst.Call):  # `with f() as (a, b)`
            found = self._yielded_part(binding.node, binding.scope, depth + 1)
        elif isinstance(binding.node, cst.BaseExpression) and path:
            found = self._tuple_part(binding.node, path[0], binding.scope, depth + 1)
            path = path[1:]
        else:
            return None
        for position in path:
            if found is None:
                return None
            found = self._annotation_part(found[0], found[1], position, depth + 1)
        return found

    def _unpacked_type(self, value: cst.CSTNode, position: int, scope: Scope,
                       depth: int) -> Optional[str]:
        """The type of element `position` of a tuple `value` is unpacked from (for a loop,
        `for a, b in xs`: of each element of `xs`)."""
        if isinstance(value, (cst.For, cst.CompFor)):
            return self._loop_part_type(value.iter, position, scope, depth)
        if isinstance(value, cst.Await) and isinstance(value.expression, cst.Call):
            called = self.names.qualname(value.expression.func, scope, depth + 1)
            elements = AWAITED_TUPLES.get(called or "")
            return elements[position] if elements and position < len(elements) else None
        if isinstance(value, cst.Tuple) and position < len(value.elements):
            element = value.elements[position]
            if isinstance(element, cst.Element):
                return self.type_of(element.value, scope, depth + 1)
            return None
        part = self._tuple_part(value, position, scope, depth) \
            if isinstance(value, cst.BaseExpression) else None
        return self.annotation_type(part[0], part[1], depth + 1) if part else None

    # -- generic containers: read from the declared annotation, element by element ----------

    def declared(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0
                 ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """The annotation `expr` is declared with (and where to read it), with `Optional`
        and `| None` taken off: a name's or a same-module class attribute's own annotation,
        the annotation of the one name it was assigned from (`self.make = make`), or its
        part of an annotated tuple (or loop element) it was unpacked from (`a, b = pair`)."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.Subscript):
            return self._part_of(expr, scope, depth + 1)
        bindings = self._collection_bindings(expr, scope)
        if not bindings:
            return self._foreign_attribute(expr, scope, depth) \
                if isinstance(expr, cst.Attribute) else None
        annotations = [(b.annotation, b.scope) for b in bindings if b.annotation is not None]
        if annotations:
            if not all(a.deep_equals(annotations[0][0]) for a, _ in annotations[1:]):
                return None
            return self._unwrapped(annotations[0][0], annotations[0][1], depth)
        only = bindings[0]
        if len(bindings) == 1 and only.kind == "assign" \
                and isinstance(only.node, (cst.Name, cst.Attribute)):
            return self.declared(only.node, only.scope, depth + 1)   # `self.make = make`
        if len(bindings) == 1 and only.kind == "unpack" \
                and isinstance(only.node, (cst.For, cst.CompFor)):
            source = self.copied(only.node.iter, only.scope)
            return self._loop_part(source, only.position, only.scope, depth + 1)
        if len(bindings) == 1 and only.path is not None:      # nested: `[[a], b] = x`
            return self._unpacked_part(only, depth + 1)
        if len(bindings) == 1 and only.iterable is not None:      # `for pair in pairs`
            return self._tuple_part(only.iterable, None, only.scope, depth + 1)
        if len(bindings) == 1 and only.kind == "assign" \
                and isinstance(only.node, cst.Subscript):          # `pair = pairs[0]`
            return self.declared(only.node, only.scope, depth + 1)
        return None

    # -- unions: the types a value may hold when it holds one of several --------------------

    def type_options(self, expr: cst.BaseExpression, scope: Scope) -> Optional[List[str]]:
        """Every type a name or same-module class attribute may hold, when it may hold one of
        several (`type_of` knows none): its declared union (`A | B`, `Union[A, B]`, None
        aside), or, undeclared, the types of its bindings (`x = A()` here, `x = B()` there).
        None when any of them is unknown."""
        key = (id(expr), id(scope))
        if key not in self._options:
            self._options[key] = None               # in progress: a cycle finds None
            self._options[key] = self._type_options(expr, scope)
        return self._options[key]

    def _type_options(self, expr: cst.BaseExpression, scope: Scope) -> Optional[List[str]]:
        bindings = self._collection_bindings(expr, scope)
        if not bindings:
            return None
        declared = [binding for binding in bindings if binding.annotation is not None]
        types: List[Optional[str]] = []
        if declared:
            first = declared[0].annotation
            if first is None or not all(binding.annotation is not None
                                        and first.deep_equals(binding.annotation)
                                        for binding in declared[1:]):
                return None
            members = self._union_members(first, declared[0].scope)
            types = [self.annotation_type(member, declared[0].scope)
                     for member in members or ()]
        else:
            types = [self._binding_type(binding, 1) for binding in bindings
                     if not (binding.kind == "assign" and is_none(binding.node))]
        known = [kind for kind in types if kind is not None]
        if not types or len(known) != len(types):
            return None
        unique = list(dict.fromkeys(self.same_class(kind) or kind for kind in known))
        return unique if len(unique) > 1 else None

    def _union_members(self, annotation: cst.BaseExpression, scope: Scope
                       ) -> Optional[List[cst.BaseExpression]]:
        """The members of a union annotation, None aside (`A | B | None`, `Union[A, B]`)."""
        found: List[cst.BaseExpression] = []
        pending = [annotation]
        while pending and len(found) < MAX_DEPTH:
            current = pending.pop()
            if isinstance(current, cst.SimpleString):
                parsed = self._parse_annotation(current)
                if parsed is None:
                    return None
                pending.append(parsed)
            elif isinstance(current, cst.BinaryOperation) \
                    and isinstance(current.operator, cst.BitOr):
                pending.extend((current.right, current.left))
            elif isinstance(current, cst.Subscript) and (peeled := _peeled_args(
                    current, self.names.qualname(current.value, scope))) is not None:
                pending.extend(reversed(peeled))
            elif not is_none(current):
                found.append(current)
        return found if not pending else None

    def _part_of(self, item: cst.Subscript, scope: Scope, depth: int
                 ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """The declared annotation of `xs[i]`: an element of what `xs` is declared."""
        if len(item.slice) != 1 or not isinstance(item.slice[0].slice, cst.Index):
            return None
        index = item.slice[0].slice.value
        position = int(index.evaluated_value) if isinstance(index, cst.Integer) \
            and index.evaluated_value is not None else None        # any element
        return self._tuple_part(item.value, position, scope, depth + 1)

    def _alias(self, annotation: cst.BaseExpression, scope: Scope
               ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """What a same-module type alias stands for: a name bound once, to a subscripted
        type (`Pair = tuple[Node, Node]`, `Pair: TypeAlias = ...`)."""
        if not isinstance(annotation, (cst.Name, cst.Attribute)):
            return None
        if isinstance(annotation, cst.Name):
            bindings = self.names.bindings(annotation.value, scope) or []
            if len(bindings) == 1 and bindings[0].kind == "assign" \
                    and isinstance(bindings[0].node, cst.Subscript):
                return bindings[0].node, bindings[0].scope
        named = self.names.qualname(annotation, scope)
        if named is None or named.startswith(LOCAL_PREFIX) or self.project is None:
            return None
        if named not in self._foreign:
            self._foreign[named] = self._foreign_annotation(self.project.alias_of(named))
        return self._foreign[named]

    def _foreign_attribute(self, expr: cst.Attribute, scope: Scope, depth: int
                           ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """The declared annotation of an attribute of another module's class."""
        owner = self.type_of(expr.value, scope, depth + 1)
        entry = self.project.find(owner) if owner is not None and self.project is not None \
            and not owner.startswith(LOCAL_PREFIX) else None
        if not isinstance(entry, ClassEntry) or self.project is None:
            return None
        key = "%s.%s" % (entry.ref, expr.attr.value)
        if key not in self._foreign:
            self._foreign[key] = self._foreign_annotation(
                self.project.declared_text(entry, expr.attr.value))
        found = self._foreign[key]
        return self._unwrapped(found[0], found[1], depth) if found is not None else None

    @staticmethod
    def _foreign_annotation(found: Optional[Tuple[str, Dict[str, str]]]
                            ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """Another module's annotation or alias (`ProjectModules.alias_of`, `declared_text`),
        parsed, with a scope of its own where each name it uses is bound to what it means
        there."""
        if found is None:
            return None
        text, meanings = found
        try:
            expr = cst.parse_expression(text)
        except Exception:     # libcst raises its ParserSyntaxError and others on odd input
            return None
        where = Scope("module", expr, None)
        for name, meaning in meanings.items():
            where.bind(name, Binding("import", where, qualname=meaning))
        return expr, where

    def _unwrapped(self, annotation: cst.BaseExpression, scope: Scope, depth: int
                   ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """`Optional[X]`, `X | None`, `"X"` -> X (Unions of two types: None); a type alias
        (`Pair = tuple[A, B]`) -> what it stands for."""
        for _ in range(MAX_DEPTH):
            alias = self._alias(annotation, scope)
            if alias is not None:
                annotation, scope = alias
                continue
            if isinstance(annotation, cst.SimpleString):
                parsed = self._parse_annotation(annotation)
                if parsed is None:
                    return None
                annotation = parsed
            elif isinstance(annotation, cst.BinaryOperation) \
                    and isinstance(annotation.operator, cst.BitOr):
                others = [side for side in (annotation.left, annotation.right)
                          if not is_none(side)]
                if len(others) != 1:
                    return None
                annotation = others[0]
            elif isinstance(annotation, cst.Subscript) and (peeled := _peeled_args(
                    annotation, self.names.qualname(annotation.value, scope))) is not None:
                inner = [arg for arg in peeled if not is_none(arg)]
                if len(inner) != 1:
                    return None
                annotation = inner[0]
            else:
                return annotation, scope
        return None

    def _tuple_part(self, value: cst.BaseExpression, position: Optional[int], scope: Scope,
                    depth: int) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """Element `position` of a value declared `tuple[A, B, C]` (or `tuple[A, ...]`), or
        any element of one declared `list[X]`/`Sequence[X]` (`a, b, c = three_nodes`)."""
        found = self.declared(value, scope, depth + 1)
        return self._annotation_part(found[0], found[1], position, depth) if found else None

    def _annotation_part(self, annotation: cst.BaseExpression, scope: Scope,
                         position: Optional[int], depth: int
                         ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """`_tuple_part` of an annotation (unwrapped first)."""
        found = self._unwrapped(annotation, scope, depth)
        if found is None or not isinstance(found[0], cst.Subscript):
            return None
        generic = self.names.qualname(found[0].value, found[1])
        args = _subscript_args(found[0])
        if generic in _COLLECTIONS and generic not in _TUPLES and len(args) == 1:
            return self._unwrapped(args[0], found[1], depth)
        if generic not in _TUPLES:
            return None
        if len(args) == 2 and isinstance(args[1], cst.Ellipsis):
            return self._unwrapped(args[0], found[1], depth)
        if position is None and args and all(arg.deep_equals(args[0]) for arg in args[1:]):
            position = 0                    # `tuple[A, A]`: any element is an A
        if position is None or not -len(args) <= position < len(args):
            return None                     # which element of `tuple[A, B]` is unknown
        return self._unwrapped(args[position], found[1], depth)

    def _item_type(self, expr: cst.Subscript, scope: Scope, depth: int) -> Optional[str]:
        """`xs[i]` on a value declared `list[X]` / `Sequence[X]` / `dict[K, X]` /
        `tuple[A, B]` (a literal index)."""
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return None                                      # a slice: another container
        index = expr.slice[0].slice.value
        if isinstance(index, cst.Integer) and index.evaluated_value is not None:
            part = self._tuple_part(expr.value, int(index.evaluated_value), scope, depth)
            if part is not None:
                return self.annotation_type(part[0], part[1], depth + 1)
        return self._value_type(expr.value, scope, depth)

    def _value_type(self, container: cst.BaseExpression, scope: Scope, depth: int
                    ) -> Optional[str]:
        """The type of the values of a container declared as a sequence or a mapping."""
        found = self.declared(container, scope, depth + 1)
        if found is None or not isinstance(found[0], cst.Subscript):
            return None
        generic = self.names.qualname(found[0].value, found[1])
        args = _subscript_args(found[0])
        if generic in _MAPPINGS and len(args) == 2:
            return self.annotation_type(args[1], found[1], depth + 1)
        if generic in _COLLECTIONS and generic not in _TUPLES and len(args) == 1:
            return self.annotation_type(args[0], found[1], depth + 1)
        return None

    # -- attributes -------------------------------------------------------------------------

    def attribute_type(self, owner_type: str, name: str, depth: int = 0) -> Optional[str]:
        """The type of attribute `name` of an object of type `owner_type`."""
        if depth > MAX_DEPTH:
            return None
        local = self.names.local_class(owner_type)
        if local is not None:
            return self._local_attribute(local, name, depth)
        known = STDLIB_ATTRIBUTE_TYPES.get("%s.%s" % (owner_type, name))
        if known is not None or self.project is None:
            return known
        entry = self.project.find(owner_type)
        if isinstance(entry, ClassEntry):
            return self.project.attribute_type(entry, name)
        return None

    def is_data(self, owner_type: str, name: str, depth: int = 0) -> bool:
        """Whether `name` on an object of type `owner_type` is (or may be) data the instance
        holds rather than a method of its class. For a same-module class: anything but a def
        (or nested class) found in it or its same-module bases, or a property; elsewhere:
        what has a known type."""
        local = self.names.local_class(owner_type)
        if local is None:
            return self.attribute_type(owner_type, name, depth) is not None
        found = self.names.method(local, name)
        if found is None or name in local.attributes:
            return True
        return isinstance(found, cst.FunctionDef) \
            and bool(PROPERTY_DECORATORS.intersection(self._decorators(found, local)))

    def attribute_bindings(self, owner: Scope, name: str) -> List[Binding]:
        """How a same-module class's instances get attribute `name`: its class body and
        `self.name = ...` in its methods (not its bases)."""
        return owner.bindings.get(name, []) + owner.attributes.get(name, [])

    def _local_attribute(self, owner: Scope, name: str, depth: int) -> Optional[str]:
        bindings = self.attribute_bindings(owner, name)
        if bindings:
            defs = [b.node for b in bindings if b.kind == "def"]
            if defs:
                func = defs[0]
                if len(bindings) == len(defs) and isinstance(func, cst.FunctionDef) \
                        and PROPERTY_DECORATORS.intersection(self._decorators(func, owner)) \
                        and all(_is_accessor(other, name) for other in defs[1:]):
                    return self.declared_return(func, depth)
                return None           # a method, or a name bound to a method and more
            return self._type_of_bindings(bindings, depth)
        for base in self.base_types(owner):
            found = self.attribute_type(base, name, depth + 1)
            if found is not None:
                return found
        return None

    def _decorators(self, func: cst.FunctionDef, owner: Scope) -> List[Optional[str]]:
        return [self.names.qualname(d.decorator.func if isinstance(d.decorator, cst.Call)
                                    else d.decorator, owner) or name
                for d, name in zip(func.decorators, decorator_names(func))]

    def base_types(self, owner: Scope) -> List[str]:
        """The types of a same-module class's bases, in lookup order (`Base[int]` is Base)."""
        node = owner.node
        if not isinstance(node, cst.ClassDef):
            return []
        outer = owner.parent or self.names.module_scope
        found = []
        for base in node.bases:
            expr = base.value.value if isinstance(base.value, cst.Subscript) else base.value
            local = self.names.class_of(expr, outer)
            kind = local.path if local is not None else self.names.qualname(expr, outer)
            if kind is not None:
                found.append(kind)
        return found

    # -- callables ---------------------------------------------------------------------------

    def is_coroutine_callable(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        """Whether `expr` is declared a callable that returns a coroutine: a name or a
        same-module class's attribute annotated `Callable[..., Coroutine[...]]`."""
        bindings = self._collection_bindings(expr, scope)
        declared = [binding for binding in bindings or () if binding.annotation is not None]
        return bool(declared) and all(
            self._makes_coroutines(binding.annotation, binding.scope)  # type: ignore[arg-type]
            for binding in declared)

    def _makes_coroutines(self, annotation: cst.BaseExpression, scope: Scope, depth: int = 0
                          ) -> bool:
        if depth > MAX_DEPTH:
            return False
        if isinstance(annotation, cst.SimpleString):
            parsed = self._parse_annotation(annotation)
            return parsed is not None and self._makes_coroutines(parsed, scope, depth + 1)
        if isinstance(annotation, cst.BinaryOperation) \
                and isinstance(annotation.operator, cst.BitOr):
            others = [side for side in (annotation.left, annotation.right) if not is_none(side)]
            return len(others) == 1 and self._makes_coroutines(others[0], scope, depth + 1)
        if isinstance(annotation, cst.Name):            # a type alias: `Handler = Callable[...]`
            bindings = self.names.bindings(annotation.value, scope) or []
            return len(bindings) == 1 and bindings[0].kind == "assign" \
                and isinstance(bindings[0].node, cst.Subscript) \
                and self._makes_coroutines(bindings[0].node, bindings[0].scope, depth + 1)
        if not isinstance(annotation, cst.Subscript):
            return False
        generic = self.names.qualname(annotation.value, scope)
        args = _subscript_args(annotation)
        if (generic in MARKING_WRAPPERS and args) \
                or (generic in OPTIONAL_WRAPPERS and len(args) == 1):   # `Annotated[X, ...]`: X
            return self._makes_coroutines(args[0], scope, depth + 1)
        if generic not in _CALLABLES or len(args) != 2:
            return False
        returned = args[1].value if isinstance(args[1], cst.Subscript) else args[1]
        return self.names.qualname(returned, scope) in COROUTINE_ANNOTATIONS

    # -- annotations and collections --------------------------------------------------------

    def annotation_type(self, annotation: cst.BaseExpression, scope: Scope, depth: int = 0
                        ) -> Optional[str]:
        """The type an annotation names: `asyncio.Task[None]` -> "asyncio.Task";
        `Optional[X]`, `X | None`, `"X"` -> X's type (None is no object to use)."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(annotation, cst.SimpleString):
            parsed = self._parse_annotation(annotation)
            return self.annotation_type(parsed, scope, depth + 1) if parsed else None
        if isinstance(annotation, cst.BinaryOperation) \
                and isinstance(annotation.operator, cst.BitOr):
            others = [side for side in (annotation.left, annotation.right) if not is_none(side)]
            if len(others) != 1:
                return None
            return self.annotation_type(others[0], scope, depth + 1)
        if isinstance(annotation, cst.Subscript):
            generic = self.names.qualname(annotation.value, scope, depth + 1)
            peeled = _peeled_args(annotation, generic)
            if peeled is not None:
                inner = [arg for arg in peeled if not is_none(arg)]
                return self.annotation_type(inner[0], scope, depth + 1) \
                    if len(inner) == 1 else None
            return asyncio_public_name(generic)
        if isinstance(annotation, cst.Name):
            bound = self._typevar_bound(annotation, scope)
            if bound is not None:
                return self.annotation_type(bound[0], bound[1], depth + 1)
        return asyncio_public_name(self.names.qualname(annotation, scope, depth + 1))

    def _typevar_bound(self, name: cst.Name, scope: Scope
                       ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """The bound of a same-module `T = TypeVar("T", bound=Bound)`: a value of type T is at
        least a Bound, as type checkers read it (other modules: `ModuleSummary.bounds`)."""
        bindings = self.names.bindings(name.value, scope) or []
        value = bindings[0].node if len(bindings) == 1 and bindings[0].kind == "assign" \
            else None
        if not isinstance(value, cst.Call) \
                or self.names.qualname(value.func, bindings[0].scope) not in TYPEVAR_FACTORIES:
            return None
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value == "bound":
                return arg.value, bindings[0].scope
        return None

    def element_type(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0
                     ) -> Optional[str]:
        """The type of every element of the collection `expr` holds, when visible:
        `tasks: list[asyncio.Task]`, `tasks = [asyncio.create_task(c) for c in coros]`,
        `self.items: list[Item]`."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.Call):
            return self._call_element_type(expr, scope, depth)
        bindings = self._collection_bindings(expr, scope)
        if bindings is None:
            return self._literal_element_type(expr, scope, depth)
        if not bindings:
            return None
        return one_type(bindings, lambda a, s: self._element_of_annotation(a, s, depth),
                        lambda b: self._assigned_element_type(b, depth))

    # -- iterating: copies, views of mappings, loops that unpack --------------------------

    def copied(self, expr: cst.BaseExpression, scope: Scope,
               views: FrozenSet[str] = frozenset()) -> cst.BaseExpression:
        """The collection a copy iterates like: `list(xs)`, `sorted(xs)`, `xs.copy()` -> xs;
        also through the zero-argument methods named in `views` (`tasks.values()`)."""
        for _ in range(MAX_DEPTH):
            if not isinstance(expr, cst.Call):
                break
            func, args = expr.func, expr.args
            if isinstance(func, cst.Name) and func.value in _COPIES and len(args) == 1 \
                    and args[0].keyword is None and not args[0].star \
                    and self.names.bindings(func.value, scope) is None:
                expr = args[0].value
            elif isinstance(func, cst.Attribute) and not args \
                    and (func.attr.value == "copy" or func.attr.value in views):
                expr = func.value
            else:
                break
        return expr

    def _call_element_type(self, call: cst.Call, scope: Scope, depth: int) -> Optional[str]:
        """The elements of `list(xs)` (a copy: xs's), `d.values()`, `d.keys()` (of a
        mapping declared `dict[K, V]`)."""
        source = self.copied(call, scope)
        if source is not call:
            return self.element_type(source, scope, depth + 1)
        func = call.func
        if isinstance(func, cst.Attribute) and not call.args:
            view = _VIEWS.get(func.attr.value)
            if view is not None:
                return self._mapping_part_type(func.value, view, scope, depth)
        return None

    def _mapping_part_type(self, mapping: cst.BaseExpression, position: int, scope: Scope,
                           depth: int) -> Optional[str]:
        """The key (0) or value (1) type of a mapping declared `dict[K, V]` (or a copy)."""
        part = self._mapping_part(mapping, position, scope, depth)
        return self.annotation_type(part[0], part[1], depth + 1) if part else None

    def _mapping_part(self, mapping: cst.BaseExpression, position: int, scope: Scope,
                      depth: int) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        found = self.declared(self.copied(mapping, scope), scope, depth + 1)
        if found is None or not isinstance(found[0], cst.Subscript) \
                or self.names.qualname(found[0].value, found[1]) not in _MAPPINGS:
            return None
        args = _subscript_args(found[0])
        return self._unwrapped(args[position], found[1], depth) if len(args) == 2 else None

    def _loop_part_type(self, iterable: cst.BaseExpression, position: int, scope: Scope,
                        depth: int) -> Optional[str]:
        """Part `position` of each element `for a, b in iterable` unpacks: `d.items()`,
        `enumerate(xs)`, `zip(xs, ys)`, or a collection declared `list[tuple[A, B]]`."""
        source = self.copied(iterable, scope)
        if isinstance(source, cst.Call) and isinstance(source.func, cst.Name) \
                and self.names.bindings(source.func.value, scope) is None:
            args = [arg.value for arg in source.args if arg.keyword is None and not arg.star]
            if len(args) != len(source.args):
                return None
            if source.func.value == "enumerate" and position == 1 and args:
                return self.element_type(args[0], scope, depth + 1)
            if source.func.value == "zip" and position < len(args):
                return self.element_type(args[position], scope, depth + 1)
            return None
        part = self._loop_part(source, position, scope, depth)
        return self.annotation_type(part[0], part[1], depth + 1) if part else None

    def _loop_part(self, source: cst.BaseExpression, position: int, scope: Scope, depth: int
                   ) -> Optional[Tuple[cst.BaseExpression, Scope]]:
        """The declared annotation of part `position` of each element of `source`."""
        if isinstance(source, cst.Call):
            func = source.func
            if isinstance(func, cst.Attribute) and func.attr.value == "items" \
                    and not source.args:
                return self._mapping_part(func.value, position, scope, depth)
            return None
        found = self.declared(source, scope, depth + 1)
        if found is None or not isinstance(found[0], cst.Subscript):
            return None
        generic = self.names.qualname(found[0].value, found[1])
        inner = _subscript_args(found[0])
        if generic not in _COLLECTIONS or generic in _TUPLES or len(inner) != 1:
            return None
        element = self._unwrapped(inner[0], found[1], depth)
        if element is None or not isinstance(element[0], cst.Subscript) \
                or self.names.qualname(element[0].value, element[1]) not in _TUPLES:
            return None
        parts = _subscript_args(element[0])
        if len(parts) == 2 and isinstance(parts[1], cst.Ellipsis):
            return self._unwrapped(parts[0], element[1], depth)
        return self._unwrapped(parts[position], element[1], depth) \
            if position < len(parts) else None

    def _assigned_element_type(self, binding: Binding, depth: int) -> Optional[str]:
        if binding.kind != "assign" or not isinstance(binding.node, cst.BaseExpression):
            return None
        value = binding.node
        if isinstance(value, cst.IfExp):   # `[] if traces is None else traces`
            sides = [side for side in (value.body, value.orelse) if not _is_empty(side)]
            types = {self.element_type(side, binding.scope, depth + 1) for side in sides}
            return types.pop() if len(types) == 1 else None
        return self.element_type(value, binding.scope, depth + 1)

    def _collection_bindings(self, expr: cst.BaseExpression, scope: Scope
                             ) -> Optional[List[Binding]]:
        """The bindings of a name or a same-module class's attribute; None for other
        expressions (literals are read as they are)."""
        if isinstance(expr, cst.Name):
            return self.names.bindings(expr.value, scope, expr) or []   # flow order
        if isinstance(expr, cst.Attribute):
            base = self.type_of(expr.value, scope)
            local = self.names.local_class(base) if base else None
            return self.attribute_bindings(local, expr.attr.value) if local else []
        return None

    def _element_of_annotation(self, annotation: cst.BaseExpression, scope: Scope,
                               depth: int) -> Optional[str]:
        """`list[asyncio.Task]`, `Sequence[Task]`, `tuple[Task, ...]` -> the element type."""
        if isinstance(annotation, cst.BinaryOperation) \
                and isinstance(annotation.operator, cst.BitOr):
            others = [side for side in (annotation.left, annotation.right) if not is_none(side)]
            return self._element_of_annotation(others[0], scope, depth) \
                if len(others) == 1 else None
        if not (isinstance(annotation, cst.Subscript)
                and self.names.qualname(annotation.value, scope) in _COLLECTIONS):
            return None
        inner = _subscript_args(annotation)
        if len(inner) == 1 or (len(inner) == 2 and isinstance(inner[1], cst.Ellipsis)):
            return self.annotation_type(inner[0], scope, depth + 1)
        return None

    def _literal_element_type(self, expr: cst.BaseExpression, scope: Scope, depth: int
                              ) -> Optional[str]:
        """`[f(x) for x in xs]`, `(a, b)`, `{a, b}`: the one type of every element."""
        if isinstance(expr, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            inner = self.names.scope_of.get(expr, scope)
            return self.type_of(expr.elt, inner, depth + 1)
        if isinstance(expr, (cst.List, cst.Set, cst.Tuple)) and expr.elements:
            types = {self.type_of(element.value, scope, depth + 1)
                     if isinstance(element, cst.Element) else None
                     for element in expr.elements}
            return types.pop() if len(types) == 1 else None
        return None


def _returned_values(func: cst.FunctionDef) -> List[cst.BaseExpression]:
    """The values a def's own `return` statements give (a bare `return` gives None)."""
    return [node.value if node.value is not None else cst.Name("None")
            for node in descendants(func.body, into_scopes=False) if isinstance(node, cst.Return)]


def _is_accessor(node: Optional[cst.CSTNode], name: str) -> bool:
    """`@name.setter` / `@name.deleter` over a def: the property's other halves."""
    return isinstance(node, cst.FunctionDef) and len(node.decorators) == 1 \
        and decorator_names(node)[0] in ("%s.setter" % name, "%s.deleter" % name)


def _parse_annotation(node: cst.SimpleString) -> Optional[cst.BaseExpression]:
    """A string annotation's expression (`"Client | None"`), or None when it is not one."""
    value = node.evaluated_value
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return cst.parse_expression(value.strip())
    except Exception:        # libcst raises its ParserSyntaxError and others on odd input
        return None
