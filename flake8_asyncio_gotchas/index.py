"""What is a coroutine function: calling it returns a coroutine that must be awaited.

Known without running anything:
- `async def` of the same module: module functions, nested functions through enclosing
  scopes, methods through `self.`/`cls.`/`ClassName.`/`super().` and through any object whose
  type `inference.TypeInference` knows (`c = Client()`, `client: Client`, `self.a.b.client`,
  `await connect()`), inherited from same-module, first-party or installed bases, looked up in
  the method resolution order (`mro.py`); the standard library's async hooks of a base we
  cannot read (`IsolatedAsyncioTestCase.asyncSetUp`);
- the standard library's coroutine functions and methods (`calls.STDLIB_COROUTINE_FUNCTIONS`);
- `async def` in other first-party modules and installed packages, imported with
  `from .service import fetch`, `from pkg.service import fetch`, `import pkg.service as s`
  (re-exports through `__init__.py`, star imports and bases followed). Modules are found on
  disk (see `modules.py`), summarised with `ast` (never imported), and cached per process and
  on disk (`summary_cache.py`);
- a sync `def` annotated to return `Coroutine[...]`, a name or attribute annotated
  `Callable[..., Coroutine[...]]`, a name bound to `functools.partial` of coroutine functions,
  and an object whose class has an `async def __call__`;
- a method every type of a union defines as a coroutine function (a declared `A | B`, or a
  name bound to an A here and a B there: `inference.TypeInference.type_options`).

An `async def` whose decorators may change what a call returns is not assumed to return a
coroutine: only the pass-through decorators below are trusted (a class's metaclass is
trusted, its decorators only when catalogued). A name bound several times is a coroutine
function when every binding that may be the one read is an `async def` (which bindings those
are is `names.Resolver.definitions`' question: in module-level code, the ones that reach the
read; in a function, all of them). A method looked up through a base class that cannot be read
(dynamic, compiled, not installed) is not assumed to be anything.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Union

import libcst as cst

from .calls import STDLIB_COROUTINE_FUNCTIONS
from .calls.coroutines import (COROUTINE_ANNOTATIONS, NEUTRAL_BASES, OVERLOAD_DECORATORS,
                               PASS_THROUGH_CLASS_WRAPPERS, PASS_THROUGH_DECORATORS)
from .modules import (MAX_DEPTH, ClassEntry, FunctionEntry, ProjectModules, stdlib_method_kind,
                      wrapper_level)
from .inference import parse_def
from .mro import linearize
from .names import LOCAL_PREFIX, Resolver, Scope


def _local_wrapper_level(node: Union[cst.FunctionDef, cst.ClassDef]) -> int:
    """`modules.wrapper_level` of a def or class of the linted file: its source, read with
    `ast` like every other module's (one reading of what a decorator does)."""
    tree = parse_def(node)
    return wrapper_level(tree) if tree is not None else 0


_PARTIALS = frozenset({"functools.partial"})


def _generic(annotation: cst.BaseExpression) -> cst.BaseExpression:
    """`Coroutine[Any, Any, int]` -> `Coroutine`."""
    return annotation.value if isinstance(annotation, cst.Subscript) else annotation


class CoroutineIndex:
    """Answers "does this call make a coroutine?" for one module."""

    def __init__(self, resolver: Resolver, filename: str = "") -> None:
        self.names = resolver
        if resolver.types.project is None:
            resolver.types.project = ProjectModules(filename)
        self.project = resolver.types.project
        self._levels: Dict[cst.CSTNode, int] = {}
        self._partials: Set[int] = set()
        self._orders: Dict[str, Optional[List[str]]] = {}       # `mro.linearize`'s memo
        self._local_classes: Dict[str, Scope] = {}              # its keys of this module's

    def is_coroutine_def(self, func: cst.FunctionDef, scope: Scope) -> bool:
        """An `async def` (not an async generator), or a `def` annotated to return a
        `Coroutine`, whose decorators all pass calls through.

        `scope` is where the def statement stands (decorators are resolved there).
        """
        body_scope = self.names.scope_of.get(func)
        if body_scope is None:
            return False
        if func.asynchronous is None:
            if func.returns is None or self.names.qualname(
                    _generic(func.returns.annotation), scope) not in COROUTINE_ANNOTATIONS:
                return False
        elif body_scope.yields:
            return False
        for decorator in func.decorators:
            expr = decorator.decorator
            called = isinstance(expr, cst.Call)
            if isinstance(expr, cst.Call):
                expr = expr.func
            name = self.names.qualname(expr, scope)
            if name in PASS_THROUGH_DECORATORS or name in OVERLOAD_DECORATORS:
                continue
            if self._wrapper_level(expr, name, scope) != (2 if called else 1):
                return False
        return True

    def _wrapper_level(self, expr: cst.BaseExpression, name: Optional[str], scope: Scope
                       ) -> int:
        """`modules.wrapper_level` of a decorator defined here or in another module."""
        defined = self.names.definitions(expr, scope)
        if defined is not None:
            if len(defined) != 1:
                return 0
            if defined[0] not in self._levels:        # once per decorator of the file
                self._levels[defined[0]] = _local_wrapper_level(defined[0])
            return self._levels[defined[0]]
        if name is None or name.startswith(LOCAL_PREFIX):
            return 0
        entry = self.project.find(name)
        return entry.wrapper if isinstance(entry, (FunctionEntry, ClassEntry)) else 0

    def is_coroutine_call(self, call: cst.Call, scope: Scope) -> bool:
        """Whether `call` (made in `scope`) calls a coroutine function."""
        return self.is_coroutine_function(call.func, scope)

    def is_coroutine_function(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        """Whether `expr` (evaluated in `scope`) is known to be a coroutine function, or an
        object whose class's `__call__` is one (`response(scope, receive, send)`)."""
        return self._is_coroutine_function(expr, scope) or self._has_async_call(expr, scope) \
            or self._union_call(expr, scope)

    def _has_async_call(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        kind = self.names.instance_type(expr, scope)
        return kind is not None and self.is_coroutine_method(kind, "__call__")

    def is_coroutine_method(self, kind: str, name: str) -> bool:
        """Whether method `name` of an object of type `kind` is a coroutine function."""
        local = self.names.local_class(kind)
        if local is not None:
            return bool(self._method_kind(local, name, 0))
        qualname = "%s.%s" % (kind, name)
        if qualname in STDLIB_COROUTINE_FUNCTIONS:
            return True
        entry = self.project.find(qualname)
        return isinstance(entry, FunctionEntry) and entry.is_coroutine

    def _union_call(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        """A method (or `__call__`) that every type a value may hold defines as a coroutine
        function, as type checkers read a union: `self._adapter.close()` with `_adapter:
        BaseAdapter | AiohttpAdapter`, `responder(...)` bound to one of two responders."""
        target, name = (expr.value, expr.attr.value) if isinstance(expr, cst.Attribute) \
            else (expr, "__call__")
        options = self.names.types.type_options(target, scope)
        return options is not None and all(self.is_coroutine_method(kind, name)
                                           for kind in options)

    def _is_coroutine_function(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        if isinstance(expr, cst.Name):
            bindings = self.names.bindings(expr.value, scope, expr)
            if bindings and any(binding.kind != "import" for binding in bindings):
                defined = self.names.definitions(expr, scope)
                if defined is None:
                    return self.names.types.is_coroutine_callable(expr, scope) \
                        or self._partial_of_coroutine(expr, scope)
                return all(isinstance(func, cst.FunctionDef) and self._is_local_coroutine(func)
                           for func in defined)
        elif isinstance(expr, cst.Attribute):
            owner = self._super_class(expr.value, scope)
            if owner is not None:
                return bool(self._bases_kind(owner, expr.attr.value, 0))
            owner = self._class_of(expr.value, scope)
            if owner is not None:
                return bool(self._method_kind(owner, expr.attr.value, 0)) \
                    or self.names.types.is_coroutine_callable(expr, scope)
        else:
            return False
        qualname = self.names.qualname(expr, scope)
        if qualname is None or qualname.startswith(LOCAL_PREFIX):
            return False
        if qualname in STDLIB_COROUTINE_FUNCTIONS:
            return True
        entry = self.project.find(qualname)
        return isinstance(entry, FunctionEntry) and entry.is_coroutine

    def _partial_of_coroutine(self, expr: cst.Name, scope: Scope) -> bool:
        """A name bound only to `functools.partial(f, ...)` of coroutine functions: calling
        it calls f (starlette's `send_file = partial(self._handle_simple, send, ...)`)."""
        bindings = self.names.bindings(expr.value, scope, expr)
        if not bindings or id(expr) in self._partials:
            return False
        self._partials.add(id(expr))                # `f = partial(f)`: no endless lookup
        try:
            for binding in bindings:
                value = binding.node
                if binding.kind != "assign" or not isinstance(value, cst.Call) \
                        or not value.args or value.args[0].keyword is not None \
                        or value.args[0].star \
                        or self.names.qualname(value.func, binding.scope) not in _PARTIALS \
                        or not self.is_coroutine_function(value.args[0].value, binding.scope):
                    return False
            return True
        finally:
            self._partials.discard(id(expr))

    def _is_local_coroutine(self, func: cst.FunctionDef) -> bool:
        def_scope = self.names.scope_of.get(func)
        outer = def_scope.parent if def_scope is not None else None
        return outer is not None and self.is_coroutine_def(func, outer)

    def _class_of(self, expr: cst.BaseExpression, scope: Scope) -> Optional[Scope]:
        """`names.class_of`, also for a method's `self` used in a nested lambda or def."""
        owner = self.names.class_of(expr, scope)
        if owner is None and isinstance(expr, cst.Name):
            owner = self.names.types.method_owner(expr.value, scope)
        return owner

    def _super_class(self, expr: cst.BaseExpression, scope: Scope) -> Optional[Scope]:
        """The class whose method runs `super().…` (argument-less `super()` only)."""
        if not (isinstance(expr, cst.Call) and not expr.args
                and isinstance(expr.func, cst.Name) and expr.func.value == "super"
                and self.names.bindings("super", scope) is None):
            return None
        function = scope.function
        if function is None or not isinstance(function.node, cst.FunctionDef):
            return None
        owner = function.parent
        return owner if owner is not None and owner.kind == "class" else None

    def _method_kind(self, owner: Scope, name: str, depth: int) -> Optional[bool]:
        """True/False when same-module class `owner` (or a base) defines `name`, else None."""
        kind = self._own_kind(owner, name)
        return kind if kind is not None else self._bases_kind(owner, name, depth)

    def _own_kind(self, owner: Scope, name: str) -> Optional[bool]:
        """True/False when same-module class `owner`'s own body binds `name`, else None."""
        if name in owner.attributes:
            return False                     # `self.name = …` somewhere: not only the method
        bindings = owner.bindings.get(name)
        if bindings:
            # `@overload` stubs describe the one def that follows them: judge that def.
            real = [b for b in bindings if not self._is_overload(b.node, owner)]
            method = real[0].node if real else None
            if len(real) == 1 and isinstance(method, cst.FunctionDef):   # a "def" binding
                return self._leaves_methods_alone(owner) and self.is_coroutine_def(method, owner)
            return False
        return None

    def _local_key(self, owner: Scope) -> str:
        """A same-module class as an `mro.py` key (its path, told apart from a namesake)."""
        key = "%s#%d" % (owner.path, id(owner))
        self._local_classes[key] = owner
        return key

    def _base_keys(self, key: str) -> Optional[List[str]]:
        """`mro.py`'s bases: a same-module class's (as keys, `object` and the like left out),
        another module's (`ProjectModules.base_keys`)."""
        owner = self._local_classes.get(key)
        if owner is None:
            return self.project.base_keys(key)
        if not isinstance(owner.node, cst.ClassDef):
            return None
        outer = owner.parent or self.names.module_scope
        found = []
        for base in owner.node.bases:
            expr = base.value.value if isinstance(base.value, cst.Subscript) else base.value
            local = self.names.class_of(expr, outer)
            if local is not None:
                found.append(self._local_key(local))
                continue
            qualname = self.names.qualname(expr, outer)
            if qualname in NEUTRAL_BASES:
                continue
            entry = self.project.find(qualname) if qualname else None
            found.append(entry.ref if isinstance(entry, ClassEntry)
                         else qualname or "?%s#%d" % (key, id(expr)))
        return found

    def _is_overload(self, node: Optional[cst.CSTNode], scope: Scope) -> bool:
        return isinstance(node, cst.FunctionDef) and any(
            self.names.qualname(d.decorator, scope) in OVERLOAD_DECORATORS
            for d in node.decorators)

    def _leaves_methods_alone(self, owner: Scope) -> bool:
        """Whether the class's decorators are known not to wrap its methods."""
        node = owner.node
        if not isinstance(node, cst.ClassDef):
            return False
        outer = owner.parent or self.names.module_scope
        # A metaclass is trusted, as type checkers trust it: it makes the class, it does not
        # usually rewrite its methods. A class decorator returns whatever it likes.
        wrappers = [decorator.decorator for decorator in node.decorators]
        for wrapper in wrappers:
            if isinstance(wrapper, cst.Call):
                wrapper = wrapper.func
            if self.names.qualname(wrapper, outer) not in PASS_THROUGH_CLASS_WRAPPERS:
                return False
        return True

    def _bases_kind(self, owner: Scope, name: str, depth: int) -> Optional[bool]:
        if depth > MAX_DEPTH or not isinstance(owner.node, cst.ClassDef):
            return False
        order = linearize(self._local_key(owner), self._base_keys, self._orders)
        if order is not None:               # the method resolution order (`mro.py`)
            for key in order[1:]:
                local = self._local_classes.get(key)
                kind = self._own_kind(local, name) if local is not None \
                    else self.project.own_kind(key, name)
                if kind is not None:
                    return kind
            return None
        outer = owner.parent or self.names.module_scope
        for base in owner.node.bases:
            expr = base.value
            if isinstance(expr, cst.Subscript):
                expr = expr.value
            local = self.names.class_of(expr, outer)
            if local is not None:
                kind = self._method_kind(local, name, depth + 1)
            else:
                qualname = self.names.qualname(expr, outer)
                if qualname in NEUTRAL_BASES:
                    continue
                entry = self.project.find(qualname) if qualname else None
                if not isinstance(entry, ClassEntry):
                    # a base we cannot read may define it: only the stdlib's are known
                    return stdlib_method_kind(qualname, name) if qualname else False
                kind = self.project.method_kind(entry.module, entry.cls, name, depth + 1)
            if kind is not None:
                return kind
        return None
