"""AIO5xx: races between tasks.

AIO500 follows, inside each `async def`, what the engine's single walk shows in source order:
reads of shared locations (`self.x`, `self.cache[key]`, a `global`/`nonlocal` name, attributes
and subscripts of names bound outside the function), the locals those reads flow into, the
suspension points (`await`, `async for`, `async with`, `yield`), and the writes. A write is
reported when the value written derives from a read of the same location that a suspension
point separates from it on some path, and the location was not read again since.

Paths, branches and loops are `races_flow.PathFollower`'s business, driven from here: every
node this rule listens to has its `visit_`/`leave_` method in this class. This module says
what a shared location, a read, a write, a flow of values and a lock are.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, List, Optional, Set, Type, Union

import libcst as cst

from ..names import Binding, Scope, cls_class, dotted_name, self_class
from .base import Positions, Rule
from .races_flow import Fact, Frame, PathFollower, Taint, open_value, sinks

if TYPE_CHECKING:
    from .base import Context

# Lock-like objects whose `async with` block (or acquire()/release() pair) serialises tasks.
_LOCK_TYPES = frozenset({
    "asyncio.Lock", "asyncio.Condition", "asyncio.Semaphore", "asyncio.BoundedSemaphore",
    "asyncio.locks.Lock", "asyncio.locks.Condition", "asyncio.locks.Semaphore",
    "anyio.Lock", "anyio.Condition", "anyio.Semaphore", "anyio.CapacityLimiter",
    "trio.Lock", "trio.StrictFIFOLock", "trio.Condition", "trio.Semaphore",
    "trio.CapacityLimiter",
})
# Unknown types: a name that says it is a lock is trusted to be one (precision first).
_LOCKISH_NAME = re.compile(r"lock|mutex|semaphore|(^|_)(sem|cond|condition)(_|$)|limiter",
                           re.IGNORECASE)
_CONDITION_NAME = re.compile(r"(^|_)cond(ition)?(_|$)", re.IGNORECASE)
_CONDITION_TYPES = frozenset({"asyncio.Condition", "anyio.Condition", "trio.Condition"})
# Calls whose result is computed from their arguments; any other call stops the flow (its
# result is new data: `self.conn = await self.conn.reconnect()` is not an update of a count).
_FLOWING_CALLS = frozenset({
    "abs", "bool", "divmod", "float", "frozenset", "int", "len", "list", "max", "min", "pow",
    "round", "set", "sorted", "str", "sum", "tuple", "dict",
})

# Mutable containers: augmented assignment updates them in place.
_CONTAINER_NODES = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
_CONTAINER_TYPES = frozenset({
    "list", "dict", "set", "bytearray", "collections.defaultdict", "collections.OrderedDict",
    "collections.Counter", "collections.deque",
})
_TEXT_NODES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
_TEXT_TYPES = frozenset({"str", "bytes"})
# A `+=` target whose name ends with one of these words is taken as a buffer (`_read_buf`,
# `recvData`), whatever it was given; `bytes_sent` and `data_count` are counters.
_BUFFER_WORDS = frozenset({
    "buf", "buffer", "data", "chunk", "chunks", "text", "content", "body", "payload", "raw",
    "line", "lines", "output", "stdout", "stderr", "string", "bytes",
})
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SUSPENSION_KEYWORDS = {cst.Await: "await", cst.For: "async for", cst.With: "async with",
                        cst.Yield: "yield"}


class LostUpdateAcrossAwait(Rule):
    code = "AIO500"
    name = "lost-update-across-await"
    message = ("AIO500 `{location}` is written here from a value read on line {read_line}, "
               "before the `{suspension}` on line {suspension_line}: another task may have "
               "changed it meanwhile; re-read it after the await, or hold an `asyncio.Lock` "
               "across the read and the write")
    summary = ("A shared location (`self.attr`, a global or nonlocal, a subscript of one) read, "
               "then an `await`, then written with a value computed from what was read before "
               "the await.")
    why = ("Tasks switch only at suspension points, so code between two of them runs alone; "
           "code that spans one does not. `v = self.balance; await x; self.balance = v + n` "
           "reads the balance, lets every other task run (one of them deposits), and then "
           "writes back a total computed from the old balance: the other deposit is lost. "
           "`self.count += await f()` is the same race in one line: the left side is read "
           "before `f()` runs. Nothing fails; the totals are just wrong, now and then.")
    example = ("class Account:\n"
               "    async def deposit(self, amount):\n"
               "        balance = self.balance\n"
               "        await self.audit(amount)\n"
               "        self.balance = balance + amount  # another deposit may be lost\n")
    instead = ("class Account:\n"
               "    async def deposit(self, amount):\n"
               "        await self.audit(amount)\n"
               "        self.balance = self.balance + amount  # read and written with no await"
               " between\n\n"
               "    # or, when the read must come first:\n"
               "    async def deposit_locked(self, amount):\n"
               "        async with self._lock:  # self._lock = asyncio.Lock()\n"
               "            balance = self.balance\n"
               "            await self.audit(amount)\n"
               "            self.balance = balance + amount\n")
    limits = ("Shared locations are `self.`/`cls.` attributes, names declared `global` or "
              "`nonlocal`, and attribute or subscript chains of names bound outside the "
              "function (`CACHE[key]`); a subscript counts only with a simple index (a name, a "
              "literal, a dotted name), and `d.get(key)` reads `d[key]`. An object reached "
              "through a parameter or a local (`counter.value` with `counter` a parameter) is "
              "not followed. Values flow through local names, operators, containers and a few "
              "builtins (`min`, `max`, `len`, `int`, ...), not through other calls: a call's "
              "result is taken as new data (`self.conn = await self.conn.reconnect()`). A value "
              "that may be the read itself, unchanged (`old = self.x; ...; self.x = old`, the "
              "save-and-restore idiom, also through `or` and `x if c else y`), is not "
              "reported, nor `+=`/`|=` on an attribute or global assigned a list, dict or set "
              "(extended in place: the object read is the object written), nor `+=` on one "
              "that holds text or bytes, or is named like a buffer (`buf`, `data`, `chunk`, "
              "`text`, `line`, ...): `self._buffer += await reader.read(n)` fills a stream's "
              "buffer, which one reader owns; nor a write after "
              "the location was read again since the last suspension on every path "
              "(`if self.x == old: self.x = old + 1`). `async with` on a lock (an `asyncio`, "
              "`anyio` or `trio` lock, condition, semaphore or limiter, or any object whose "
              "name says lock, mutex, semaphore or condition) and "
              "`await lock.acquire()` ... `lock.release()` protect what is read and written "
              "inside them; `await cond.wait()` gives the lock up. Suspension points are "
              "`await`, `async for`, `async with` (except the exit of a lock's block) and "
              "`yield` in an async generator. Branches are followed path by path; loops for "
              "one iteration (no flow from one iteration into the next); `x if c else y` and "
              "`and`/`or` are read as straight-line code; an exception caught by `except` is "
              "assumed to come from the start or the end of its `try` body.")
    references = (
        "https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock",
        "https://docs.python.org/3/library/asyncio-task.html#coroutines",
    )
    fix_safety = "none"
    fix_summary = ("The update needs a lock, a re-read after the `await`, or a single owner of "
                   "the state; which one depends on the program.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self.flow = PathFollower(ctx, self._is_lock, self._forget)

    # -- control flow: the path follower's events --------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.flow.enter_function(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.flow.leave_function(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.flow.enter_block(node)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.flow.leave_block(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.flow.enter_block(node)

    def leave_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.flow.leave_block(node)

    def leave_If(self, node: cst.If) -> None:
        self.flow.leave_if(node)

    def leave_For(self, node: cst.For) -> None:
        self.flow.leave_for(node)

    def leave_While(self, node: cst.While) -> None:
        self.flow.leave_while(node)

    def leave_Break(self, node: cst.Break) -> None:
        self.flow.leave_break(node)

    def leave_Continue(self, node: cst.Continue) -> None:
        self.flow.leave_continue(node)

    def leave_Return(self, node: cst.Return) -> None:
        self.flow.end_path()

    def leave_Raise(self, node: cst.Raise) -> None:
        self.flow.end_path()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.flow.enter_handler(node)

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.flow.leave_handler()

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self.flow.enter_handler(node)

    def leave_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self.flow.leave_handler()

    def visit_Else(self, node: cst.Else) -> None:
        self.flow.enter_else(node)

    def leave_Else(self, node: cst.Else) -> None:
        self.flow.leave_else(node)

    def visit_Finally(self, node: cst.Finally) -> None:
        self.flow.enter_finally(node)

    def leave_Try(self, node: cst.Try) -> None:
        self.flow.leave_try(node)

    def leave_TryStar(self, node: cst.TryStar) -> None:
        self.flow.leave_try(node)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self.flow.enter_match_case(node)

    def leave_MatchCase(self, node: cst.MatchCase) -> None:
        self.flow.leave_match_case(node)

    def leave_Match(self, node: cst.Match) -> None:
        self.flow.leave_match(node)

    # -- reads -------------------------------------------------------------------------------

    def visit_Name(self, node: cst.Name) -> None:
        frame = self.flow.here()
        if frame is None or id(node) in frame.not_loads:
            return
        name = node.value
        scope = self.ctx.scope
        if scope is not frame.scope and name in scope.bindings:
            return                                  # a comprehension's own variable
        if _declared(frame, name):
            self._read(frame, node, name)
        elif frame.collectors:
            taint = frame.path.taint.get(name)
            if taint:
                for sink in sinks(frame):
                    sink.update(taint)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        frame = self.flow.here()
        if frame is None:
            return
        frame.not_loads.add(id(node.attr))
        if id(node) not in frame.not_loads:
            key = self._key(frame, node)
            if key is not None:
                self._read(frame, node, key)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        frame = self.flow.here()
        if frame is not None and id(node) not in frame.not_loads:
            key = self._key(frame, node)
            if key is not None:
                self._read(frame, node, key)

    def _read(self, frame: Frame, node: cst.CSTNode, key: str) -> None:
        path = frame.path
        path.fresh_keys.add(key)
        values = sinks(frame)
        if not values:
            return                                  # the value flows nowhere we follow
        fact = len(frame.facts)
        frame.facts.append(Fact(key, node, frozenset(frame.held)))
        path.alive.add(fact)
        path.fresh.add(fact)
        for value in values:
            value.add(fact)

    def _key(self, frame: Frame, node: cst.BaseExpression) -> Optional[str]:
        """"self.cache[key]" for a shared location, None for anything else."""
        if isinstance(node, cst.Name):
            name = node.value
            return name if _declared(frame, name) else None
        return self._chain_key(frame, node)

    def _chain_key(self, frame: Frame, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Name):
            return node.value if self._shared_root(frame, node.value) else None
        if isinstance(node, cst.Attribute):
            base = self._chain_key(frame, node.value)
            return None if base is None else "%s.%s" % (base, node.attr.value)
        if isinstance(node, cst.Subscript):
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return None
            index = _index_text(node.slice[0].slice.value)
            if index is None:
                return None
            base = self._chain_key(frame, node.value)
            return None if base is None else "%s[%s]" % (base, index)
        return None

    def _shared_root(self, frame: Frame, name: str) -> bool:
        scope = self.ctx.scope
        if scope is not frame.scope and name in scope.bindings:
            return False
        known = frame.shared_roots.get(name)
        if known is None:
            function = frame.scope
            known = (name in function.globals or name in function.nonlocals
                     or self_class(function, name) is not None
                     or cls_class(function, name) is not None
                     or self._bound_outside(function, name))
            frame.shared_roots[name] = known
        return known

    def _bound_outside(self, function: Scope, name: str) -> bool:
        owner = self.ctx.names.binding_scope(name, function)
        return owner is not None and owner is not function

    # -- values flowing into locals and locations --------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        frame = self.flow.here()
        if frame is not None:
            for target in node.targets:
                self._mark_store(frame, target.target)
            open_value(frame)

    def leave_Assign(self, node: cst.Assign) -> None:
        frame = self.flow.here()
        if frame is not None and frame.collectors:
            collected = frame.collectors.pop()[1]
            for target in node.targets:
                self._store(frame, target.target, node.value, collected, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        frame = self.flow.here()
        if frame is not None:
            self._mark_store(frame, node.target)
            open_value(frame)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        frame = self.flow.here()
        if frame is not None and frame.collectors:
            collected = frame.collectors.pop()[1]
            if node.value is not None:
                self._store(frame, node.target, node.value, collected, node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        frame = self.flow.here()
        if frame is None:
            return
        self._mark_store(frame, node.target)
        collected = open_value(frame)
        # `x += v` reads x before it evaluates v.
        if isinstance(node.target, cst.Name) and not _declared(frame, node.target.value):
            taint = frame.path.taint.get(node.target.value)
            if taint:
                collected.update(taint)
            return
        key = self._key(frame, node.target)
        if key is not None:
            self._read(frame, node.target, key)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        frame = self.flow.here()
        if frame is not None and frame.collectors:
            collected = frame.collectors.pop()[1]
            if not self._not_an_update(node):
                self._store(frame, node.target, None, collected, node)

    def _not_an_update(self, node: cst.AugAssign) -> bool:
        """`x += v` that loses nothing, or nothing anyone shares: `x` is a list, dict or set
        (extended in place: the object read before the await is the one written back), or,
        for `+=`, text or bytes being accumulated (a stream's read buffer, which one reader
        fills: `self._buffer += await reader.read(n)`)."""
        target = node.target
        bindings = self._bindings(target)
        if any(self._is_container(binding.node, binding.scope) for binding in bindings):
            return True
        if not isinstance(node.operator, cst.AddAssign):
            return False
        if any(self._is_text(binding) for binding in bindings):
            return True
        name = _last_name(target) if not isinstance(target, cst.Subscript) else None
        words = _WORD.findall(name) if name else []
        return bool(words) and words[-1].lower() in _BUFFER_WORDS

    def _bindings(self, target: cst.BaseExpression) -> List[Binding]:
        """How a global, nonlocal or `self.` attribute gets its values, where visible."""
        scope = self.ctx.scope
        if isinstance(target, cst.Name):
            return self.ctx.names.bindings(target.value, scope) or []
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            owner = self_class(scope, target.value.value)
            if owner is not None:      # `self.x = ...` in methods, and `x: str = ""` in the class
                return (owner.attributes.get(target.attr.value, [])
                        + owner.bindings.get(target.attr.value, []))
        return []

    def _is_container(self, value: Optional[cst.CSTNode], scope: Scope) -> bool:
        if isinstance(value, _CONTAINER_NODES):
            return True
        if isinstance(value, cst.Call):
            return self.ctx.names.qualname(value.func, scope) in _CONTAINER_TYPES
        return False

    def _is_text(self, binding: Binding) -> bool:
        if binding.annotation is not None:
            return self.ctx.names.qualname(binding.annotation, binding.scope) in _TEXT_TYPES
        value = binding.node
        if isinstance(value, _TEXT_NODES):
            return True
        return isinstance(value, cst.Call) and self.ctx.names.qualname(
            value.func, binding.scope) in _TEXT_TYPES

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        frame = self.flow.here()
        if frame is not None:
            self._mark_store(frame, node.target)
            open_value(frame)

    def leave_NamedExpr(self, node: cst.NamedExpr) -> None:
        frame = self.flow.here()
        if frame is not None and frame.collectors:
            collected = frame.collectors.pop()[1]
            self._store(frame, node.target, node.value, collected, node)
            for sink in sinks(frame):              # `(v := self.x)` inside a bigger value
                sink.update(collected)

    def _mark_store(self, frame: Frame, target: cst.BaseExpression) -> None:
        frame.not_loads.add(id(target))
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._mark_store(frame, element.value)
        elif isinstance(target, cst.StarredElement):
            self._mark_store(frame, target.value)

    def _store(self, frame: Frame, target: cst.BaseExpression,
               value: Optional[cst.BaseExpression], collected: Set[int],
               statement: cst.CSTNode) -> None:
        """`target = value`; value None: an augmented assignment (never a plain copy)."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._store(frame, element.value, None, collected, statement)
            return
        if isinstance(target, cst.StarredElement):
            self._store(frame, target.value, None, collected, statement)
            return
        path = frame.path
        if isinstance(target, cst.Name) and not _declared(frame, target.value):
            taint = self._value_taint(frame, value, collected)
            if taint:
                path.taint[target.value] = taint
            else:
                path.taint.pop(target.value, None)
            return
        key = self._key(frame, target)
        if key is None or path.dead or key in path.fresh_keys:
            return
        for fact, exact in self._value_taint(frame, value, collected).items():
            if not exact and fact not in path.fresh and frame.facts[fact].key == key:
                self._report(statement, key, frame.facts[fact].node, path.staled_by.get(fact))
                return

    def _report(self, write: cst.CSTNode, location: str, read: cst.CSTNode,
                suspension: Optional[cst.CSTNode]) -> None:
        if suspension is None:                      # cannot happen; be safe all the same
            return
        keyword = _SUSPENSION_KEYWORDS.get(type(suspension), "await")
        if isinstance(suspension, (cst.For, cst.With)) and suspension.asynchronous is None:
            keyword = keyword.replace("async ", "")

        def render(positions: Positions) -> str:
            return self.message.format(
                location=location, read_line=positions.get(read, ("?",))[0],
                suspension=keyword, suspension_line=positions.get(suspension, ("?",))[0])

        self.report_with_positions(write, (read, suspension), render)

    def _value_taint(self, frame: Frame, value: Optional[cst.BaseExpression],
                     collected: Set[int]) -> Taint:
        """The reads `value` derives from; True for those it may be an unchanged copy of."""
        taint = dict.fromkeys(collected, False)
        # `a or b` and `a if c else b` are one of their operands, unchanged.
        stack = [value] if value is not None else []
        while stack:
            part = stack.pop()
            if isinstance(part, cst.BooleanOperation):
                stack += (part.left, part.right)
            elif isinstance(part, cst.IfExp):
                stack += (part.body, part.orelse)
            elif isinstance(part, cst.Name) and not _declared(frame, part.value):
                for fact, exact in frame.path.taint.get(part.value, {}).items():
                    taint[fact] = taint.get(fact, False) or exact
            else:
                for fact in collected:
                    if frame.facts[fact].node is part:
                        taint[fact] = True
        return taint

    def _forget(self, frame: Frame, target: cst.BaseExpression) -> None:
        """A name bound by `for`, `with ... as`, `except ... as`: not followed."""
        self._mark_store(frame, target)
        for name in _names_in(target):
            frame.path.taint.pop(name, None)

    def visit_For(self, node: cst.For) -> None:
        frame = self.flow.here()
        if frame is not None:
            self._mark_store(frame, node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        frame = self.flow.here()
        if frame is not None:
            self._mark_store(frame, node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        frame = self.flow.here()
        if frame is not None and node.asname is not None:
            self._forget(frame, node.asname.name)

    def visit_Del(self, node: cst.Del) -> None:
        frame = self.flow.here()
        if frame is not None:
            self._mark_store(frame, node.target)

    def visit_Param(self, node: cst.Param) -> None:
        frame = self.flow.here()
        if frame is not None:
            frame.not_loads.add(id(node.name))

    def visit_Arg(self, node: cst.Arg) -> None:
        frame = self.flow.here()
        if frame is not None and node.keyword is not None:
            frame.not_loads.add(id(node.keyword))

    def visit_Global(self, node: cst.Global) -> None:
        self._skip_declared(node)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._skip_declared(node)

    def _skip_declared(self, node: Union[cst.Global, cst.Nonlocal]) -> None:
        frame = self.flow.here()
        if frame is not None:
            frame.not_loads.update(id(item.name) for item in node.names)

    # -- suspension points and locks ---------------------------------------------------------

    def leave_Await(self, node: cst.Await) -> None:
        frame = self.flow.here()
        if frame is None:
            return
        call = node.expression
        method = call.func if isinstance(call, cst.Call) else None
        if isinstance(method, cst.Attribute) and method.attr.value == "wait" \
                and self._is_condition(method.value):
            # Condition.wait() releases the lock while it waits.
            self.flow.suspend(frame, node, releases_locks=True)
            return
        self.flow.suspend(frame, node)
        if isinstance(method, cst.Attribute) and method.attr.value == "acquire" \
                and self._is_lock(method.value):
            frame.held.append(dotted_name(method.value) or id(method.value))

    def leave_Yield(self, node: cst.Yield) -> None:
        frame = self.flow.here()
        if frame is not None:                       # an async generator's consumer runs here
            self.flow.suspend(frame, node)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self.flow.here()
        if frame is None:
            return
        if isinstance(node.func, cst.Attribute):
            self._method_call(frame, node, node.func)
        if frame.collectors and self.ctx.qualname(node.func) not in _FLOWING_CALLS:
            frame.calls += 1
            frame.barriers.add(id(node))

    def leave_Call(self, node: cst.Call) -> None:
        frame = self.flow.here()
        if frame is not None and id(node) in frame.barriers:
            frame.barriers.discard(id(node))
            frame.calls -= 1

    def _method_call(self, frame: Frame, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        if method == "get" and node.args and node.args[0].keyword is None:
            # `self.cache.get(key, 0)` reads `self.cache[key]`.
            index = _index_text(node.args[0].value)
            base = self._chain_key(frame, func.value)
            if index is not None and base is not None:
                self._read(frame, node, "%s[%s]" % (base, index))
        elif method == "release" and frame.held:
            lock = dotted_name(func.value)
            if lock in frame.held:
                frame.held.remove(lock)

    def _is_lock(self, expr: cst.BaseExpression) -> bool:
        if self.ctx.instance_type(expr) in _LOCK_TYPES:
            return True
        name = _last_name(expr)
        return name is not None and _LOCKISH_NAME.search(name) is not None

    def _is_condition(self, expr: cst.BaseExpression) -> bool:
        if self.ctx.instance_type(expr) in _CONDITION_TYPES:
            return True
        name = _last_name(expr)
        return name is not None and _CONDITION_NAME.search(name) is not None


def _declared(frame: Frame, name: str) -> bool:
    """Whether `name` is declared `global` or `nonlocal` in the frame's function."""
    return name in frame.scope.globals or name in frame.scope.nonlocals


def _index_text(index: cst.BaseExpression) -> Optional[str]:
    """A subscript index simple enough to name the same element twice: `key`, `"a"`, `0`."""
    if isinstance(index, (cst.Integer, cst.SimpleString)):
        return index.value
    return dotted_name(index)


def _last_name(expr: cst.BaseExpression) -> Optional[str]:
    """The identifier an object is known by: `self._lock` -> "_lock", `locks[k]` -> "locks"."""
    while True:
        if isinstance(expr, cst.Call):
            expr = expr.func
        elif isinstance(expr, cst.Subscript):
            expr = expr.value
        elif isinstance(expr, cst.Attribute):
            return expr.attr.value
        elif isinstance(expr, cst.Name):
            return expr.value
        else:
            return None


def _names_in(target: cst.BaseExpression) -> Iterable[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names_in(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _names_in(target.value)


RULES: List[Type[Rule]] = [LostUpdateAcrossAwait]
