"""Scopes, bindings and qualified names: "sleep" -> "time.sleep", "self._lock" -> "threading.Lock".

One pass over the module (`collect_scopes`) records, for every scope, what each name is bound
to: an import, a def, a class, a parameter, or an assigned value. Then `Resolver` answers:
- `qualname(expr, scope)`: the dotted name an expression refers to ("time.sleep"), through
  imports and aliases, with local shadowing (a parameter called `requests` is not the module);
- `instance_type(expr, scope)`: the type of the object an expression holds, asked of
  `inference.TypeInference` (the owner of types: annotations, constructors, returns, chains);
- `definition(expr, scope)`: the same-module def or class a name or `self.method` refers to;
  `definitions(expr, scope)`: every one a name may refer to, when it refers to nothing else.

Module-level code is read in flow order (a notebook's cells, laid end to end, rebind the same
names): a name read by a module-level statement means the bindings that may reach that
statement (`reaching`), the last one made unconditionally at module level before it and any
made conditionally (in an `if`, a loop, a `try`...) since. Code in a def or lambda body runs
at an unknown later time: there a module-level name means all its bindings, and is resolved
only when they agree (five `async def count` are a coroutine function; an `async def idle`
and a `def idle` are not known to be either).

Same-module classes are named "<module>.Outer.Inner"; relative imports keep their leading dots.
Python's rules are followed where they matter: class bodies are not enclosing scopes for the
functions inside them, `global`/`nonlocal` redirect a name, comprehensions have their own scope.
Anything ambiguous (a name bound two different ways where it is read) resolves to None:
precision first.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set, Tuple, Union

import libcst as cst

from .walk import children

if TYPE_CHECKING:
    from .inference import TypeInference
    from .modules import ProjectModules

LOCAL_PREFIX = "<module>"

FunctionLike = Union[cst.FunctionDef, cst.Lambda]
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
# Every node class `_Collector.visit` reads (it tests them with isinstance, which narrows the
# type; this set lets the many other nodes out with one lookup, as fast as the old `type(...) is`).
_BINDING_KINDS = frozenset((
    cst.Name, cst.Attribute, cst.Arg, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr,
    cst.For, cst.CompFor, cst.WithItem, cst.ExceptHandler, cst.ExceptStarHandler, cst.Import,
    cst.ImportFrom, cst.Global, cst.Nonlocal, cst.FunctionDef, cst.Lambda, cst.ClassDef,
    cst.Yield, cst.MatchAs, cst.MatchStar) + _COMPREHENSIONS)

# Decorators that leave a method's first parameter alone.
_STATIC = "staticmethod"
_CLASSMETHOD = "classmethod"


class Binding:
    """One way a name gets a value in a scope."""

    __slots__ = ("kind", "node", "qualname", "scope", "annotation", "iterable", "statement",
                 "conditional", "position", "entered", "path", "element_of")

    def __init__(self, kind: str, scope: "Scope", node: Optional[cst.CSTNode] = None,
                 qualname: Optional[str] = None,
                 annotation: Optional[cst.BaseExpression] = None,
                 iterable: Optional[cst.BaseExpression] = None) -> None:
        self.kind = kind            # import | def | class | param | assign | unpack | other
        self.scope = scope          # where `node` (a value expression) is evaluated
        self.node = node            # the FunctionDef/ClassDef, or the assigned value
        self.qualname = qualname    # for imports: the imported dotted name
        self.annotation = annotation
        self.iterable = iterable    # for `for name in iterable`: what it iterates
        self.position = 0           # for "unpack" (`a, b = node`): which element of node;
        #                             `for a, b in xs`: node is the For (or CompFor)
        self.entered = False        # `with node as name`: name is what entering node gives
        # Unpacking (`[[a], (b, c)] = node`, `for b, c in iterable`): the element positions
        # from the outer tuple in, when known (`position` is the first); None otherwise.
        self.path: Optional[Tuple[int, ...]] = None
        self.element_of: Optional[cst.BaseExpression] = None   # `for a, b in element_of`
        # Module level only: the number of the top-level statement that makes the binding,
        # and whether it may not happen when that statement runs (set by the collector).
        self.statement = 0
        self.conditional = False


class Scope:
    """A module, class, function, lambda or comprehension scope."""

    def __init__(self, kind: str, node: cst.CSTNode, parent: Optional["Scope"],
                 name: str = "") -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.name = name
        self.bindings: Dict[str, List[Binding]] = {}
        self.globals: Set[str] = set()
        self.nonlocals: Set[str] = set()
        self.loads: List[str] = []          # names read here, resolved lazily
        self.reads: Optional[Dict[str, int]] = None
        # For class scopes: `self.<attr> = value` bindings made in its methods.
        self.attributes: Dict[str, List[Binding]] = {}
        self.children: List["Scope"] = []
        self.yields = False                 # a def whose body yields is a generator
        # Whether code here runs as the module body runs, in its order: the module itself,
        # and the class bodies and (non-generator) comprehensions it runs directly.
        self.runs_in_order: bool = kind == "module" or (
            kind in ("class", "comprehension") and parent is not None
            and parent.runs_in_order and not isinstance(node, cst.GeneratorExp))

    @property
    def path(self) -> str:
        """Dotted path of defs and classes from the module: "<module>.Runner.run"."""
        parts = []
        scope: Optional[Scope] = self
        while scope is not None and scope.kind != "module":
            parts.append(scope.name or "<%s>" % scope.kind)
            scope = scope.parent
        return ".".join([LOCAL_PREFIX] + parts[::-1])

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    @property
    def function(self) -> Optional["Scope"]:
        """The innermost def/lambda scope, looking through comprehensions."""
        scope: Optional[Scope] = self
        while scope is not None and scope.kind == "comprehension":
            scope = scope.parent
        if scope is not None and scope.kind in ("function", "lambda"):
            return scope
        return None

    @property
    def is_async(self) -> bool:
        """Whether code here runs directly in the body of an `async def`."""
        function = self.function
        return (function is not None and isinstance(function.node, cst.FunctionDef)
                and function.node.asynchronous is not None)


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` as the string "a.b.c"; None for anything that is not a plain dotted name."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def format_call(func: cst.BaseExpression) -> str:
    """A callee as written, for messages: `fetch`, `self.fetch`, `asyncio.sleep`."""
    parts = []
    while isinstance(func, cst.Attribute):
        parts.append(func.attr.value)
        func = func.value
    if isinstance(func, cst.Name):
        parts.append(func.value)
    elif parts:
        parts.append("…")
    return ".".join(reversed(parts)) or "…"


def decorator_names(func: Union[cst.FunctionDef, cst.ClassDef]) -> List[Optional[str]]:
    """Decorators as dotted names (calls by their callee); None where not a dotted name."""
    found = []
    for decorator in func.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call):
            expr = expr.func
        found.append(dotted_name(expr))
    return found


def target_leaves(target: cst.BaseExpression) -> Iterable[cst.BaseExpression]:
    """What an assignment target stores into, through tuples, lists and starred elements, in
    order: names, attributes, subscripts.

    Iterative: a target nested a thousand deep must not exhaust the recursion limit.
    """
    stack = [target]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Tuple, cst.List)):
            stack.extend(element.value for element in reversed(current.elements))
        elif isinstance(current, cst.StarredElement):
            stack.append(current.value)
        else:
            yield current


def _target_names(target: cst.BaseExpression) -> Iterable[cst.Name]:
    """Names bound by an assignment target (through tuples, lists and starred), in order."""
    return (leaf for leaf in target_leaves(target) if isinstance(leaf, cst.Name))


def _target_paths(target: cst.BaseExpression
                  ) -> List[Tuple[cst.Name, Optional[Tuple[int, ...]]]]:
    """The names an unpacking target binds, in order, each with its element positions from
    the outer tuple in (`[[a], (b, c)]`: a (0, 0), b (1, 0), c (1, 1)); None from a starred
    element on (its position is not known). Iterative, as `_target_names`."""
    found: List[Tuple[cst.Name, Optional[Tuple[int, ...]]]] = []
    stack: List[Tuple[cst.BaseExpression, Optional[Tuple[int, ...]]]] = [(target, ())]
    while stack:
        current, path = stack.pop()
        if isinstance(current, cst.Name):
            found.append((current, path))
        elif isinstance(current, (cst.Tuple, cst.List)):
            parts: List[Tuple[cst.BaseExpression, Optional[Tuple[int, ...]]]] = []
            after_star = False
            for position, element in enumerate(current.elements):
                after_star = after_star or isinstance(element, cst.StarredElement)
                parts.append((element.value, None if after_star or path is None
                              else path + (position,)))
            stack.extend(reversed(parts))
    return found


def _import_binding_names(node: Union[cst.Import, cst.ImportFrom]
                          ) -> Iterable[Tuple[str, str, cst.CSTNode]]:
    """(bound name, imported qualname, name node) for each alias of an import."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                yield alias.asname.name.value, full, alias.asname.name
            else:
                yield full.split(".")[0], full.split(".")[0], alias.name
        return
    if isinstance(node.names, cst.ImportStar):
        return
    base = "." * len(node.relative) + ((dotted_name(node.module) or "") if node.module else "")
    for alias in node.names:
        imported = alias.name.value if isinstance(alias.name, cst.Name) else ""
        full = (base + imported) if base.endswith(".") else "%s.%s" % (base, imported)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            yield alias.asname.name.value, full, alias.asname.name
        else:
            yield imported, full, alias.name


class _Collector:
    """Builds the scope tree in one iterative pass over the module."""

    def __init__(self, module: cst.Module) -> None:
        self.module_scope = Scope("module", module, None)
        self.scope_of: Dict[cst.CSTNode, Scope] = {module: self.module_scope}
        self.not_loads: Set[int] = set()   # ids of Name nodes that are not reads
        # Flow order at module level. Statements are numbered in source order, the simple
        # statements of a `a = 1; b = a` line one by one; compound statements (if, for, while,
        # try, with, match) may bind conditionally and, as loops, run their parts in any order.
        self.statements: Dict[int, int] = {}          # by id(): a node's hash is Python code
        self.compound: Set[int] = set()
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.statements[id(small)] = len(self.statements)
            else:
                if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                    self.compound.add(len(self.statements))
                self.statements[id(statement)] = len(self.statements)
        self.statement = 0                 # the top-level statement being walked
        # The statement each name read by module-level code (see Scope.runs_in_order) is in.
        self.read_at: Dict[int, int] = {}            # by id() of the Name node

    def run(self) -> None:
        stack: List[Tuple[cst.CSTNode, Scope]] = [(self.module_scope.node, self.module_scope)]
        statements = self.statements
        while stack:
            node, scope = stack.pop()
            number = statements.get(id(node))
            if number is not None:          # depth first: its nodes come before the next one
                self.statement = number
            inner = self.visit(node, scope)
            kids = children(node)
            for kid in reversed(kids):
                stack.append((kid, self._scope_for_child(node, kid, scope, inner)))

    @staticmethod
    def _scope_for_child(parent: cst.CSTNode, kid: cst.CSTNode, outer: Scope,
                         inner: Scope) -> Scope:
        """Decorators, defaults, annotations and bases run in the enclosing scope."""
        if inner is outer:
            return outer
        if isinstance(parent, cst.FunctionDef):
            return inner if kid is parent.body or kid is parent.params else outer
        if isinstance(parent, cst.ClassDef):
            return inner if kid is parent.body else outer
        if isinstance(parent, _COMPREHENSIONS):
            # The first iterable runs outside; approximated by running all in the inner scope.
            return inner
        return inner

    def bind(self, scope: Scope, name: str, binding: Binding) -> None:
        binding.statement = self.statement
        binding.conditional = self.statement in self.compound
        scope.bind(name, binding)

    def _new_scope(self, kind: str, node: cst.CSTNode, parent: Scope, name: str = "") -> Scope:
        scope = Scope(kind, node, parent, name)
        parent.children.append(scope)
        self.scope_of[node] = scope
        return scope

    def visit(self, node: cst.CSTNode, scope: Scope) -> Scope:
        """Record what `node` binds; return the scope its children (mostly) belong to."""
        if type(node) not in _BINDING_KINDS:    # most nodes: one set lookup, no isinstance chain
            return scope
        if isinstance(node, cst.Name):
            if id(node) not in self.not_loads:
                scope.loads.append(node.value)
                if scope.runs_in_order:
                    self.read_at[id(node)] = self.statement
            return scope
        if isinstance(node, cst.Attribute):
            self.not_loads.add(id(node.attr))
            return scope
        if isinstance(node, cst.Arg):
            if node.keyword is not None:
                self.not_loads.add(id(node.keyword))
            return scope
        if isinstance(node, cst.Assign):
            for target in node.targets:
                self._bind_target(target.target, scope, node.value)
            return scope
        if isinstance(node, cst.AnnAssign):
            if isinstance(node.target, cst.Name):
                self.bind(scope, node.target.value,
                          Binding("assign", scope, node.value,
                                  annotation=node.annotation.annotation))
                self.not_loads.add(id(node.target))
            else:
                self._bind_attribute(node.target, scope, node.value,
                                     node.annotation.annotation)
            return scope
        if isinstance(node, cst.AugAssign):
            for name in _target_names(node.target):
                self.bind(scope, name.value, Binding("other", scope))
            return scope
        if isinstance(node, cst.NamedExpr):
            target_scope = self._walrus_scope(scope)
            self._bind_target(node.target, target_scope, node.value)
            if isinstance(node.target, cst.Name):   # inside an expression: maybe not evaluated
                target_scope.bindings[node.target.value][-1].conditional = True
            return scope
        if isinstance(node, (cst.For, cst.CompFor)):
            if isinstance(node.target, cst.Name):
                self.bind(scope, node.target.value, Binding("other", scope, iterable=node.iter))
                self.not_loads.add(id(node.target))
            else:
                self._bind_target(node.target, scope, None)
                self._bind_loop_parts(node, scope)
                for name, path in _target_paths(node.target):   # `for a, b in pairs`
                    if path is not None:
                        binding = scope.bindings[name.value][-1]
                        binding.element_of, binding.path = node.iter, path
            return scope
        if isinstance(node, cst.WithItem):
            if node.asname is not None:
                self._bind_target(node.asname.name, scope, node.item)
                for name in _target_names(node.asname.name):    # `as (reader, writer)` too
                    scope.bindings[name.value][-1].entered = True
            return scope
        if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
            if node.name is not None:
                self._bind_target(node.name.name, scope, None)
            return scope
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            for bound, qualname, name_node in _import_binding_names(node):
                self.bind(scope, bound, Binding("import", scope, None, qualname))
            self._mark_names_not_loads(node)
            return scope
        if isinstance(node, cst.Global):
            scope.globals.update(item.name.value for item in node.names)
            self._mark_names_not_loads(node)
            return scope
        if isinstance(node, cst.Nonlocal):
            scope.nonlocals.update(item.name.value for item in node.names)
            self._mark_names_not_loads(node)
            return scope
        if isinstance(node, cst.FunctionDef):
            self.bind(scope, node.name.value, Binding("def", scope, node))
            self.not_loads.add(id(node.name))
            inner = self._new_scope("function", node, scope, node.name.value)
            self._bind_params(node.params, inner)
            return inner
        if isinstance(node, cst.Lambda):
            inner = self._new_scope("lambda", node, scope, "<lambda>")
            self._bind_params(node.params, inner)
            return inner
        if isinstance(node, cst.ClassDef):
            self.bind(scope, node.name.value, Binding("class", scope, node))
            self.not_loads.add(id(node.name))
            return self._new_scope("class", node, scope, node.name.value)
        if isinstance(node, _COMPREHENSIONS):
            return self._new_scope("comprehension", node, scope, "<comprehension>")
        if isinstance(node, cst.Yield):
            function = scope.function
            if function is not None:
                function.yields = True
            return scope
        if isinstance(node, cst.Del):
            return scope
        if isinstance(node, cst.MatchAs) and isinstance(node.name, cst.Name):
            self._bind_target(node.name, scope, None)
        elif isinstance(node, cst.MatchStar) and isinstance(node.name, cst.Name):
            self._bind_target(node.name, scope, None)
        return scope

    @staticmethod
    def _walrus_scope(scope: Scope) -> Scope:
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        return scope

    def _mark_names_not_loads(self, node: cst.CSTNode) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Name):
                self.not_loads.add(id(current))
            stack.extend(children(current))

    def _bind_params(self, params: cst.Parameters, scope: Scope) -> None:
        every = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            annotation = param.annotation.annotation if param.annotation else None
            self.bind(scope, param.name.value,
                      Binding("param", scope, param, annotation=annotation))
            self.not_loads.add(id(param.name))

    def _bind_target(self, target: cst.BaseExpression, scope: Scope,
                     value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            self.bind(scope, target.value,
                      Binding("assign" if value is not None else "other", scope, value))
            self.not_loads.add(id(target))
            return
        if isinstance(target, (cst.Attribute, cst.Subscript)):
            self._bind_attribute(target, scope, value)
            return
        for name, path in _target_paths(target):
            known = path is not None and value is not None
            binding = Binding("unpack" if known else "other", scope, value if known else None)
            if path is not None and known:
                binding.position, binding.path = path[0], path
            self.bind(scope, name.value, binding)
            self.not_loads.add(id(name))

    @staticmethod
    def _bind_loop_parts(loop: Union[cst.For, cst.CompFor], scope: Scope) -> None:
        """`for a, b in pairs`: each name is an "unpack" binding of the loop, by position
        (its node the loop: each element of `loop.iter` is unpacked)."""
        target = loop.target
        if not (isinstance(target, (cst.Tuple, cst.List)) and all(
                isinstance(element, cst.Element) and isinstance(element.value, cst.Name)
                for element in target.elements)):
            return
        for position, name in enumerate(_target_names(target)):
            binding = scope.bindings[name.value][-1]
            binding.kind, binding.node, binding.position = "unpack", loop, position

    def _bind_attribute(self, target: cst.BaseExpression, scope: Scope,
                        value: Optional[cst.BaseExpression],
                        annotation: Optional[cst.BaseExpression] = None) -> None:
        """`self.x = value` (or `self.x: T = value`) in a method: remember it on the class."""
        if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)):
            return
        owner = self_class(scope, target.value.value)
        if owner is not None:
            owner.attributes.setdefault(target.attr.value, []).append(
                Binding("assign" if value is not None else "other", scope, value,
                        annotation=annotation))


def _first_parameter_owner(scope: Scope, name: str) -> Optional[Tuple[Scope, bool]]:
    """(class scope, is a classmethod) when `name` is the first parameter of the method that
    `scope` runs in, and still means that parameter; None otherwise (and for staticmethods)."""
    function = scope.function
    if function is None or not isinstance(function.node, cst.FunctionDef):
        return None
    owner = function.parent
    if owner is None or owner.kind != "class":
        return None
    decorators = decorator_names(function.node)
    if _STATIC in decorators:
        return None
    params = list(function.node.params.posonly_params) + list(function.node.params.params)
    if not params or params[0].name.value != name:
        return None
    if len(function.bindings.get(name, ())) != 1:
        return None
    return owner, _CLASSMETHOD in decorators


def self_class(scope: Scope, name: str) -> Optional[Scope]:
    """The class scope when `name` is the `self` parameter of the method `scope` runs in."""
    found = _first_parameter_owner(scope, name)
    return found[0] if found is not None and not found[1] else None


def cls_class(scope: Scope, name: str) -> Optional[Scope]:
    """The class scope when `name` is the `cls` parameter of a classmethod."""
    found = _first_parameter_owner(scope, name)
    return found[0] if found is not None and found[1] else None


def collect_scopes(module: cst.Module, project: Optional["ProjectModules"] = None
                   ) -> "Resolver":
    """The resolver of `module`; `project` finds its other modules (types through them)."""
    from .inference import TypeInference      # it asks this module's Resolver; built after it

    collector = _Collector(module)
    collector.run()
    resolver = Resolver(collector.module_scope, collector.scope_of, collector.read_at,
                        collector.compound)
    resolver.types = TypeInference(resolver, project)
    return resolver


# Hops through names and attributes.
_MAX_DEPTH = 10


class Resolver:
    """Answers name questions about one module; see the module docstring."""

    def __init__(self, module_scope: Scope, scope_of: Dict[cst.CSTNode, Scope],
                 read_at: Dict[int, int], compound: Set[int]) -> None:
        self.module_scope = module_scope
        self.scope_of = scope_of
        self._read_at = read_at          # see _Collector: flow order at module level
        self._compound = compound
        self._reads_done = False
        self.types: "TypeInference"            # set by collect_scopes

    # -- where a name lives ------------------------------------------------------------------

    def binding_scope(self, name: str, scope: Scope) -> Optional[Scope]:
        """The scope whose binding of `name` is visible from `scope`; None for builtins."""
        if name in scope.globals:
            return self.module_scope if name in self.module_scope.bindings else None
        current: Optional[Scope] = scope
        if name in scope.nonlocals:
            current = scope.parent
        first = True
        while current is not None:
            if current.kind != "class" or first:
                if name in current.bindings:
                    return current
            first = False
            current = current.parent
        return None

    def bindings(self, name: str, scope: Scope, at: Optional[cst.CSTNode] = None
                 ) -> Optional[List[Binding]]:
        """How `name`, read in `scope`, gets its value; None for builtins and undefined names.

        `at` is the Name node being read, when there is one: a module-level name read by
        module-level code then means only the bindings that reach it (see `reaching`).
        """
        owner = self.binding_scope(name, scope)
        if owner is None:
            return None
        every = owner.bindings[name]
        if at is None or owner is not self.module_scope or len(every) == 1:
            return every
        return self.reaching(every, at)

    def reaching(self, bindings: List[Binding], at: cst.CSTNode) -> List[Binding]:
        """The module-level `bindings` of a name that may be the value read at `at`.

        All of them unless `at` is read by module-level code: then the last unconditional
        binding made by an earlier statement, and every conditional one made after it (or
        anywhere in the compound statement `at` is in: a loop runs its parts in any order).
        When none reaches (the name read before it is bound: a NameError, or a binding we do
        not see, like a `global` in a function), all of them.
        """
        statement = self._read_at.get(id(at))
        if statement is None:
            return bindings
        inside_compound = statement in self._compound
        found: List[Binding] = []
        for binding in bindings:
            if binding.statement < statement:
                found = found + [binding] if binding.conditional else [binding]
            elif binding.statement == statement and inside_compound:
                found.append(binding)
        return found or bindings

    # -- what an expression refers to -------------------------------------------------------

    def qualname(self, expr: cst.BaseExpression, scope: Scope, _depth: int = 0
                 ) -> Optional[str]:
        """The dotted name `expr` refers to, or None when unknown or ambiguous."""
        if _depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            bindings = self.bindings(expr.value, scope, expr)
            if bindings is None:
                return expr.value                      # a builtin, or undefined
            return self._qualname_of_bindings(expr.value, bindings)
        if isinstance(expr, cst.Attribute):
            base = self.qualname(expr.value, scope, _depth + 1)
            if base is None:
                # An attribute of an object: `client.close` is "Client.close", unless it is
                # data of a known type (`self.redis`), which is named by that type where used.
                base = self.instance_type(expr.value, scope, _depth + 1)
                if base is None or self.types.is_data(base, expr.attr.value, _depth + 1):
                    return None
            return "%s.%s" % (base, expr.attr.value)
        return None

    def _qualname_of_bindings(self, name: str, bindings: List[Binding]) -> Optional[str]:
        kinds = {b.kind for b in bindings}
        if kinds == {"import"}:
            names = {b.qualname for b in bindings}
            return names.pop() if len(names) == 1 else None
        if len(bindings) == 1 and bindings[0].kind in ("def", "class"):
            return "%s.%s" % (bindings[0].scope.path, name)
        return None

    def definition(self, expr: cst.BaseExpression, scope: Scope
                   ) -> Optional[Union[cst.FunctionDef, cst.ClassDef]]:
        """The same-module def or class `expr` names: `f`, `self.m`, `cls.m`, `Class.m`."""
        found = self.definitions(expr, scope)
        return found[0] if found is not None and len(found) == 1 else None

    def definitions(self, expr: cst.BaseExpression, scope: Scope
                    ) -> Optional[List[Union[cst.FunctionDef, cst.ClassDef]]]:
        """Every same-module def or class `expr` may name where it is read, or None when it
        may also name anything else (an import, an assigned value, a parameter)."""
        if isinstance(expr, cst.Name):
            bindings = self.bindings(expr.value, scope, expr)
            if bindings and all(binding.kind in ("def", "class") for binding in bindings):
                return [binding.node for binding in bindings]  # type: ignore[misc]
            return None
        if not isinstance(expr, cst.Attribute):
            return None
        owner = self.class_of(expr.value, scope)
        if owner is None:
            return None
        method = self.method(owner, expr.attr.value)
        return None if method is None else [method]

    def class_of(self, expr: cst.BaseExpression, scope: Scope) -> Optional[Scope]:
        """The same-module class scope `expr` stands for (as class or instance), if known."""
        if isinstance(expr, cst.Name):
            owner = self_class(scope, expr.value) or cls_class(scope, expr.value)
            if owner is not None:
                return owner
            target = self.definition(expr, scope)
            if isinstance(target, cst.ClassDef):
                return self.scope_of.get(target)
            kind = self.instance_type(expr, scope)
        else:
            kind = self.instance_type(expr, scope)
        return self.local_class(kind) if kind else None

    def local_class(self, path: str) -> Optional[Scope]:
        """The class scope for a "<module>.A.B" path."""
        if not path.startswith(LOCAL_PREFIX + "."):
            return None
        scope: Optional[Scope] = self.module_scope
        for part in path.split(".")[1:]:
            if scope is None:
                return None
            bindings = scope.bindings.get(part)
            if not bindings or len(bindings) != 1 or bindings[0].kind != "class":
                return None
            scope = self.scope_of.get(bindings[0].node)  # type: ignore[arg-type]
        return scope

    def method(self, owner: Scope, name: str, _depth: int = 0
               ) -> Optional[Union[cst.FunctionDef, cst.ClassDef]]:
        """`name` defined in class `owner` or, failing that, in its same-module bases."""
        bindings = owner.bindings.get(name)
        if bindings:
            if len(bindings) == 1 and bindings[0].kind == "def":
                return bindings[0].node  # type: ignore[return-value]
            return None
        if _depth > _MAX_DEPTH or not isinstance(owner.node, cst.ClassDef):
            return None
        for base in owner.node.bases:
            expr = base.value.value if isinstance(base.value, cst.Subscript) else base.value
            base_scope = self.class_of(expr, owner.parent or self.module_scope)
            if base_scope is not None:
                found = self.method(base_scope, name, _depth + 1)
                if found is not None:
                    return found
        return None

    # -- types: `inference.TypeInference` owns them; these ask it --------------------------

    def instance_type(self, expr: cst.BaseExpression, scope: Scope, _depth: int = 0
                      ) -> Optional[str]:
        """The type of the object `expr` holds, when known (`inference.TypeInference`)."""
        return self.types.type_of(expr, scope, _depth)

    def annotation_type(self, annotation: cst.BaseExpression, scope: Scope
                        ) -> Optional[str]:
        """The type an annotation names (`inference.TypeInference.annotation_type`)."""
        return self.types.annotation_type(annotation, scope)

    def element_type(self, expr: cst.BaseExpression, scope: Scope) -> Optional[str]:
        """The type of every element of a collection (`inference.TypeInference`)."""
        return self.types.element_type(expr, scope)

    # -- reads ------------------------------------------------------------------------------

    def read_count(self, name: str, scope: Scope) -> int:
        """How often `name` (as bound in `scope`) is read, there or in nested scopes."""
        if not self._reads_done:
            self._count_reads()
        return (scope.reads or {}).get(name, 0)

    def _count_reads(self) -> None:
        self._reads_done = True
        stack = [self.module_scope]
        while stack:
            scope = stack.pop()
            stack.extend(scope.children)
            for name in scope.loads:
                owner = self.binding_scope(name, scope)
                if owner is not None:
                    if owner.reads is None:
                        owner.reads = {}
                    owner.reads[name] = owner.reads.get(name, 0) + 1
