"""AIO200-AIO207 decided: which calls block the event loop, and the sync-helper call graph.

`BlockingChecker` visits every call and `with` once for the whole family and reports any of
its codes: the code of a blocking call is its catalogue entry's (`calls/blocking.py`, with the
options applied: `Catalogue`), so AIO200-AIO205 and AIO207 are one decision. During the walk
it also records, for every same-module sync function, the blocking calls in its own body and
its calls to other same-module sync functions; at the end of the file it reports the calls
whose blocking depends on the rest of the module (a socket made non-blocking, a queue checked
for items), then resolves the helper graph once for AIO206.
"""
from __future__ import annotations

from collections import deque
from typing import Callable, Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from ..calls.blocking import (CHAIN_CODES, IN_MEMORY_FILES, LOOP_IN_LOOP, QUEUE_CHECKS,
                              SHORT_HOLD_LOCKS, SQLITE_CONNECT, Blocking, When, catalogue_for)
from ..index import PASS_THROUGH_DECORATORS
from ..names import LOCAL_PREFIX, Scope, dotted_name, format_call, self_class
from ..options import BLOCKING_CALLS, NONBLOCKING_CALLS
from ..syntax import alternatives, argument, has_suspension_point, is_false, literal_number
from ..walk import descendants
from .base import Checker, Context, Positions, Rule
from .blocking_once import runs_once

HELPER_CHAIN = "AIO206"


# -- findings ---------------------------------------------------------------------------------

# An object wherever it is named: (id of its binding scope or class, name or "self.attr"),
# tagged with what the module may do to it that makes the call return at once.
ObjectKey = Tuple[int, str]
# (When.SOCKET, key): made non-blocking; (When.QUEUE, key): checked for items; (None, key):
# a lock held only for short critical sections.
Condition = Tuple[Optional[When], ObjectKey]


class Hit(NamedTuple):
    node: cst.CSTNode           # the call, or the expression of a `with` item
    code: str
    what: str                   # what blocks, qualified, in backticks: "`time.sleep()`"
    written: str                # for AIO206 chains: "time.sleep()", "with self._lock"
    instead: str
    # Decided at the end of the file: blocks unless the module makes that socket
    # non-blocking, or checks that queue for items.
    unless: Optional[Condition]


class Helper:
    """What one same-module sync function does in its own body."""

    __slots__ = ("blocking", "calls")

    def __init__(self) -> None:
        self.blocking: List[Hit] = []
        self.calls: List[Tuple[cst.Call, cst.FunctionDef]] = []


class Chain(NamedTuple):
    call: cst.Call                       # the call in the async def
    hops: Tuple[cst.Call, ...]           # calls from helper to helper, in order
    hit: Hit                             # the blocking call at the end


class BlockingChecker(Checker):
    """The AIO2xx family's one visitor (see the module docstring)."""

    def __init__(self, ctx: Context, rules: Sequence[Type[Rule]]) -> None:
        super().__init__(ctx, rules)
        self.names = ctx.names
        settings = ctx.settings
        self.catalogue = catalogue_for(BLOCKING_CALLS.value(settings),
                                       NONBLOCKING_CALLS.value(settings))
        self._wildcards = self._imported_wildcards()
        self.deferred: List[Hit] = []     # decided once the whole file is seen
        self.helpers: Dict[cst.FunctionDef, Helper] = {}
        self.async_calls: List[Tuple[cst.Call, cst.FunctionDef]] = []
        self.cleared: Set[Condition] = set()
        # Locks some code holds across a blocking call, an await or a helper call, or takes
        # with an explicit `acquire()` (held for as long as it likes).
        self.held_long: Set[ObjectKey] = set()

    def _imported_wildcards(self) -> FrozenSet[str]:
        """Wildcard types whose top-level package this module imports somewhere."""
        if not self.catalogue.wildcard_types:
            return frozenset()
        packages = {name.split(".")[0] for name in self.ctx.imported_names}
        return frozenset(kind for kind in self.catalogue.wildcard_types
                         if kind.split(".")[0] in packages)

    # -- the walk ------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        self._report_hits(self._visit_call(node))

    def visit_With(self, node: cst.With) -> None:
        self._report_hits(self._visit_with(node))

    def _report_hits(self, hits: List[Hit]) -> None:
        """The blocking calls a Call or With makes directly in an async def body: reported
        now, or at the end of the file when the rest of the module may make them quick."""
        for hit in hits:
            if not self.wants(hit.code):
                continue
            if hit.unless is not None:
                self.deferred.append(hit)
            else:
                self._report(hit)

    def _report(self, hit: Hit) -> None:
        self.report(hit.code, hit.node, what=hit.what, instead=hit.instead)

    def finish(self) -> None:
        for hit in self.deferred:
            if self.still_blocks(hit):
                self._report(hit)
        if self.wants(HELPER_CHAIN):
            for chain in self.chains():
                self.report_with_positions(HELPER_CHAIN, chain.call, (chain.hit.node,),
                                           _chain_renderer(chain))

    def _function(self) -> Tuple[Optional[cst.FunctionDef], bool]:
        function = self.ctx.scope.function
        if function is None or not isinstance(function.node, cst.FunctionDef):
            return None, False
        return function.node, function.node.asynchronous is not None

    def _visit_call(self, call: cst.Call) -> List[Hit]:
        self._note_clearing_call(call)
        function, is_async = self._function()
        if function is None:
            return []
        scope = self.ctx.scope
        hit = self.classify(call, scope)
        target = None if hit is not None else self._helper_target(call, scope)
        if (target is not None or (hit is not None and hit.code != LOOP_IN_LOOP)) \
                and self._runs_once(call):
            return []       # blocks once; a nested event loop raises however often it runs
        if is_async:
            if target is not None:
                self.async_calls.append((call, target))
            return [hit] if hit is not None else []
        if hit is not None and hit.code in CHAIN_CODES:
            self._helper(function).blocking.append(hit)
        if target is not None:
            self._helper(function).calls.append((call, target))
        return []

    def _visit_with(self, node: cst.With) -> List[Hit]:
        if node.asynchronous is not None:
            return []
        function, is_async = self._function()
        if function is None:
            return []
        found = []
        scope = self.ctx.scope
        for item in node.items:
            hit = self._classify_enter(item.item, scope)
            if hit is None or self._runs_once(node):
                continue
            key = self._short_hold_lock(item.item, scope)
            if key is not None:
                if self._holds_long(node.body, scope):
                    self.held_long.add(key)
                if not is_async:
                    hit = hit._replace(unless=(None, key))
            found.append(hit)
        if is_async:
            return found
        self._helper(function).blocking.extend(hit for hit in found if hit.code in CHAIN_CODES)
        return []

    def _runs_once(self, node: cst.CSTNode) -> bool:
        """A load memoised in an attribute blocks once per object (`blocking_once.py`)."""
        return runs_once(node, self.ctx.ancestors, self.ctx.scope, self.names)

    def _short_hold_lock(self, expr: cst.BaseExpression, scope: Scope) -> Optional[ObjectKey]:
        """The key of a mutex whose holds are judged for AIO206 (`self._nonce_lock`)."""
        if self.names.instance_type(expr, scope) not in SHORT_HOLD_LOCKS:
            return None
        return self._object_key(expr, scope)

    def _holds_long(self, body: cst.BaseSuite, scope: Scope) -> bool:
        """Whether a `with lock:` body may wait: an await, a call that blocks, a nested
        blocking `with`, or a call to a same-module helper (which may block)."""
        if has_suspension_point([body]):
            return True
        for node in descendants(body, into_scopes=False):
            if isinstance(node, cst.Call) and (self.classify(node, scope) is not None
                                               or self._helper_target(node, scope) is not None):
                return True
            if isinstance(node, cst.WithItem) \
                    and self._classify_enter(node.item, scope) is not None:
                return True
        return False

    def _helper(self, function: cst.FunctionDef) -> Helper:
        helper = self.helpers.get(function)
        if helper is None:
            helper = self.helpers[function] = Helper()
        return helper

    # -- what blocks --------------------------------------------------------------------------

    def classify(self, call: cst.Call, scope: Scope) -> Optional[Hit]:
        func = call.func
        if isinstance(func, cst.Attribute):
            last = func.attr.value
            if last not in self.catalogue.last_names and not self._wildcards:
                return None     # cheap rejection; a bare name may be an alias, so no such test
        elif not isinstance(func, cst.Name):
            return None
        else:
            last = func.value
        name = self.names.qualname(func, scope)
        entry = self.catalogue.lookup(name) if name else None
        if entry is None and isinstance(func, cst.Attribute):
            kind = self._receiver_type(func.value, scope, last)
            if kind is not None:
                name = "%s.%s" % (kind, last)
                entry = self.catalogue.lookup(name)
        if entry is None or name is None or not self._blocks(entry, call, scope):
            return None
        unless = None
        if entry.when in (When.SOCKET, When.QUEUE) and isinstance(func, cst.Attribute):
            key = self._object_key(func.value, scope)
            unless = (entry.when, key) if key is not None else None
        return Hit(call, entry.code, "`%s()`" % name, "%s()" % name, entry.instead, unless)

    def _classify_enter(self, expr: cst.BaseExpression, scope: Scope) -> Optional[Hit]:
        kind = self.names.instance_type(expr, scope)
        if kind is None or kind not in self.catalogue.enter_types:
            return None
        entry = self.catalogue.lookup(kind + ".__enter__")
        if entry is None:
            return None
        if entry.when is When.ON_DISK and (
                self._made_in_memory(expr, scope) or (
                    isinstance(expr, cst.Call)
                    and self.names.qualname(expr.func, scope) in SQLITE_CONNECT)):
            return None     # `with sqlite3.connect(...)`: the connect call is the finding
        return Hit(expr, entry.code, "`with` on a `%s`" % kind,
                   "with %s" % (dotted_name(expr) or "…"), entry.instead, None)

    def _receiver_type(self, expr: cst.BaseExpression, scope: Scope, method: str
                       ) -> Optional[str]:
        """A catalogued type for a receiver whose qualname did not resolve to an entry:
        `(path / "x").read_text()`, or a same-module subclass of `threading.Thread`."""
        if self._is_path(expr, scope, 0):
            return "pathlib.Path"
        kind = self.names.instance_type(expr, scope)
        if kind is None or not kind.startswith(LOCAL_PREFIX + "."):
            return None
        return self._catalogued_base(kind, method, 0)

    def _catalogued_base(self, local: str, method: str, depth: int) -> Optional[str]:
        owner = self.names.local_class(local)
        if owner is None or depth > 5 or method in owner.bindings:
            return None                 # overridden here: the class's own method, not ours
        if not isinstance(owner.node, cst.ClassDef):
            return None
        outer = owner.parent or self.names.module_scope
        for base in owner.node.bases:
            name = self.names.qualname(base.value, outer)
            if name is None:
                continue
            if name.startswith(LOCAL_PREFIX + "."):
                found = self._catalogued_base(name, method, depth + 1)
                if found is not None:
                    return found
            elif self.catalogue.lookup("%s.%s" % (name, method)) is not None:
                return name
        return None

    def _is_path(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> bool:
        if depth > 8:
            return False
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            return self._is_path(expr.left, scope, depth + 1)
        if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            return self._is_path(expr.value, scope, depth + 1)
        if isinstance(expr, cst.BinaryOperation) or (
                isinstance(expr, cst.Attribute) and expr.attr.value == "parent"):
            return False
        return depth > 0 and self.names.instance_type(expr, scope) == "pathlib.Path"

    def _blocks(self, entry: Blocking, call: cst.Call, scope: Scope) -> bool:
        """False when the arguments make the call return at once."""
        if entry.flag is not None and is_false(argument(call, *entry.flag)):
            return False
        if entry.timeout is not None and literal_number(argument(call, *entry.timeout)) == 0:
            return False
        if entry.options is not None:
            options = argument(call, *entry.options)
            if options is not None and self._names_flag(options, scope, entry.quick_flags, 0):
                return False
        return self._CONDITIONS[entry.when](self, call, scope)

    def _p_wait(self, call: cst.Call, scope: Scope) -> bool:
        mode = argument(call, "mode", 0)
        return mode is not None and self.names.qualname(mode, scope) == "os.P_WAIT"

    def _connects(self, call: cst.Call, scope: Scope) -> bool:
        return any(arg.keyword is None or arg.keyword.value == "host" for arg in call.args)

    def _sleeps(self, call: cst.Call, scope: Scope) -> bool:
        return literal_number(argument(call, "secs", 0)) != 0 or self._spins()

    def _on_disk(self, call: cst.Call, scope: Scope) -> bool:
        return not self._in_memory_database(call, scope)

    def _spins(self) -> bool:
        """Whether the call being visited is in a loop (of its own function) that never
        lets the event loop run: `while busy(): time.sleep(0)` holds the thread all along."""
        for ancestor in reversed(self.ctx.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return False
            if isinstance(ancestor, (cst.For, cst.While)):
                return not has_suspension_point([ancestor])
        return False

    def _names_flag(self, expr: cst.BaseExpression, scope: Scope, flags: Tuple[str, ...],
                    depth: int) -> bool:
        """Whether `expr` (`a | b`, or a name bound once to such a value) includes a flag."""
        for part in alternatives(expr):
            if isinstance(part, cst.Attribute) and part.attr.value in flags:
                return True
            if isinstance(part, cst.Name):
                if part.value in flags:
                    return True
                bindings = self.names.bindings(part.value, scope)
                if (depth < 3 and bindings and len(bindings) == 1
                        and bindings[0].kind == "assign" and bindings[0].node is not None
                        and self._names_flag(bindings[0].node,  # type: ignore[arg-type]
                                             bindings[0].scope, flags, depth + 1)):
                    return True
        return False

    def _opens_named_file(self, call: cst.Call, scope: Scope) -> bool:
        if any(arg.keyword is not None and arg.keyword.value == "fileobj" for arg in call.args):
            return False
        first = argument(call, "file", 0) or argument(call, "name", 0)
        if first is None:
            return False
        if isinstance(first, cst.Call):
            return self.names.qualname(first.func, scope) not in IN_MEMORY_FILES
        return self.names.instance_type(first, scope) not in IN_MEMORY_FILES

    def _in_memory_database(self, call: cst.Call, scope: Scope) -> bool:
        """`sqlite3.connect(":memory:")`, or a method of a connection (or of a cursor of a
        connection) made that way: no file is touched."""
        if self.names.qualname(call.func, scope) in SQLITE_CONNECT:
            return self._opens_memory(call, scope)
        return isinstance(call.func, cst.Attribute) and self._made_in_memory(call.func.value,
                                                                             scope)

    def _made_in_memory(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        """Whether the sqlite3 object `expr` holds comes from a `":memory:"` connection."""
        for _ in range(4):
            origin = self._origin_call(expr, scope)
            if origin is None:
                return False
            if self.names.qualname(origin.func, scope) in SQLITE_CONNECT:
                return self._opens_memory(origin, scope)
            if not isinstance(origin.func, cst.Attribute):
                return False
            expr = origin.func.value
        return False

    def _opens_memory(self, connect: cst.Call, scope: Scope) -> bool:
        """Whether the database may be in memory: `":memory:"`, `"file::memory:"`,
        `"file:x?mode=memory"`, or an expression (or a value of the name) that says memory
        (`generate_in_memory_db_uri()`): precision first."""
        database = argument(connect, "database", 0)
        if database is None:
            return False
        candidates: List[cst.CSTNode] = [database]
        if isinstance(database, cst.Name):
            candidates.extend(binding.node for binding in
                              self.names.bindings(database.value, scope) or ()
                              if binding.node is not None)
        module = self.ctx.module
        return any("memory" in module.code_for_node(node).lower() for node in candidates)

    def _bounded_queue(self, call: cst.Call, scope: Scope) -> bool:
        """A put blocks only on a queue made with a maxsize (an unbounded put never waits)."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return False
        origin = self._origin_call(func.value, scope)
        if origin is None:
            return False
        maxsize = argument(origin, "maxsize", 0)
        return maxsize is not None and literal_number(maxsize) != 0

    def _origin_call(self, expr: cst.BaseExpression, scope: Scope) -> Optional[cst.Call]:
        """The call that made the object `expr` holds, when there is exactly one."""
        if isinstance(expr, cst.Call):
            return expr
        bindings = None
        if isinstance(expr, cst.Name):
            bindings = self.names.bindings(expr.value, scope)
        elif isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            owner = self_class(scope, expr.value.value)
            if owner is not None:
                bindings = owner.attributes.get(expr.attr.value)
        if not bindings or len(bindings) != 1 or not isinstance(bindings[0].node, cst.Call):
            return None
        return bindings[0].node

    def _note_clearing_call(self, call: cst.Call) -> None:
        """`sock.setblocking(False)` / `sock.settimeout(0)`: that socket never blocks;
        `q.empty()` / `q.qsize()`: the module gets from that queue after checking it has items."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method == "acquire":
            key = self._object_key(func.value, self.ctx.scope)
            if key is not None:
                self.held_long.add(key)
            return
        if method in QUEUE_CHECKS:
            kind = When.QUEUE
        elif method in ("setblocking", "settimeout") and len(call.args) == 1:
            value = call.args[0].value
            if not (is_false(value) if method == "setblocking" else literal_number(value) == 0):
                return
            kind = When.SOCKET
        else:
            return
        key = self._object_key(func.value, self.ctx.scope)
        if key is not None:
            self.cleared.add((kind, key))

    def _object_key(self, expr: cst.BaseExpression, scope: Scope) -> Optional[ObjectKey]:
        """The same object wherever it is named: (binding scope, name), (class, self.attr)."""
        if isinstance(expr, cst.Name):
            owner = self.names.binding_scope(expr.value, scope)
            return (id(owner), expr.value) if owner is not None else None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            owner = self_class(scope, expr.value.value)
            if owner is not None:
                return (id(owner), "self." + expr.attr.value)
        text = dotted_name(expr)
        return (0, text) if text is not None else None

    def still_blocks(self, hit: Hit) -> bool:
        """At the end of the file: whether nothing the module does makes the call quick."""
        if hit.unless is not None and hit.unless[0] is None:      # a lock
            return hit.unless[1] in self.held_long
        return hit.unless is None or hit.unless not in self.cleared

    # -- AIO206 ---------------------------------------------------------------------------------

    def _helper_target(self, call: cst.Call, scope: Scope) -> Optional[cst.FunctionDef]:
        """The same-module sync function or method `call` runs, if it may run it in place."""
        if not isinstance(call.func, (cst.Name, cst.Attribute)):
            return None
        target = self.names.definition(call.func, scope)
        if isinstance(target, cst.ClassDef):
            class_scope = self.names.scope_of.get(target)
            target = self.names.method(class_scope, "__init__") if class_scope else None
        if not isinstance(target, cst.FunctionDef) or target.asynchronous is not None:
            return None
        body = self.names.scope_of.get(target)
        if body is None or body.yields or body.parent is None:
            return None       # a generator's body runs when it is iterated, not when called
        for decorator in target.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            if self.names.qualname(expr, body.parent) not in PASS_THROUGH_DECORATORS:
                return None   # the decorator may run it elsewhere
        return target

    def chains(self) -> List[Chain]:
        """For each call from an async def to a blocking helper: the shortest chain."""
        # Shortest distance from each helper to a blocking call, by a breadth-first search
        # backwards from the helpers that block themselves (cycles are visited once).
        first_hit: Dict[cst.FunctionDef, Hit] = {}
        callers: Dict[cst.FunctionDef, List[Tuple[cst.FunctionDef, cst.Call]]] = {}
        for function, helper in self.helpers.items():
            for hit in helper.blocking:
                if self.still_blocks(hit):
                    first_hit[function] = hit
                    break
            for call, target in helper.calls:
                callers.setdefault(target, []).append((function, call))
        step: Dict[cst.FunctionDef, Tuple[cst.Call, cst.FunctionDef]] = {}
        queue = deque(first_hit)
        reached = set(first_hit)
        while queue:
            target = queue.popleft()
            for caller, call in callers.get(target, ()):
                if caller not in reached:
                    reached.add(caller)
                    step[caller] = (call, target)
                    queue.append(caller)
        found = []
        for call, target in self.async_calls:
            if target not in reached:
                continue
            hops = []
            current = target
            while current not in first_hit:
                hop, current = step[current]
                hops.append(hop)
            found.append(Chain(call, tuple(hops), first_hit[current]))
        return found

    # What each `When` condition asks of the call (a test checks that none is missing).
    _CONDITIONS: Dict[When, Callable[["BlockingChecker", cst.Call, Scope], bool]] = {
        When.ALWAYS: lambda self, call, scope: True,
        When.SOCKET: lambda self, call, scope: True,     # decided at the end: `unless`
        When.QUEUE: lambda self, call, scope: True,      # decided at the end: `unless`
        When.P_WAIT: _p_wait,
        When.CONNECTS: _connects,
        When.FILE: _opens_named_file,
        When.BOUNDED: _bounded_queue,
        When.SLEEP: _sleeps,
        When.ON_DISK: _on_disk,
    }


def _chain_renderer(chain: Chain) -> Callable[[str, Positions], str]:
    """AIO206's message: the chain of calls, and the line of the blocking call at its end."""
    callee = format_call(chain.call.func)
    names = ["%s()" % callee] + ["%s()" % format_call(hop.func) for hop in chain.hops]
    names.append(chain.hit.written)
    text = " -> ".join("`%s`" % name for name in names)

    def render(template: str, positions: Positions) -> str:
        line = positions.get(chain.hit.node, ("?",))[0]
        return template.format(call="%s()" % callee, chain=text, line=line, callee=callee)
    return render
