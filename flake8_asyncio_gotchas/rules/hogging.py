"""AIO3xx: hogging the event loop inside async def.

AIO300 and AIO301 look at loops in the direct body of an `async def` that have no suspension
point (`await`, `async for`, `async with`, `yield`): while such a loop runs, no other task,
callback or I/O completion can run. AIO300 reports the ones that compute for long (judged in
`hogging_loops.py`); AIO301 the `while` loops that wait for state no one can change while they
spin. AIO302 reports single calls that compute for long (key derivation, password hashing).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Set, Tuple, Type

import libcst as cst

from ..calls.hogging import (INERT_CALLS, INERT_PREFIXES, PURE_BUILTINS, STATE_QUERIES,
                             THREAD_SHARED_PREFIXES, THREAD_STARTER_METHODS, THREAD_STARTERS)
from ..names import format_call
from ..options import CPU_HEAVY_CALLS, CPU_LOOP_THRESHOLD, CPU_SLOW_CALLS, LONG_LOOP_THRESHOLD
from ..walk import descendants
from .base import Rule
from .hogging_loops import Loop, is_suspension, judge

if TYPE_CHECKING:
    from ..engine import Context

_TO_THREAD = "https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread"
_DEBUG_MODE = "https://docs.python.org/3/library/asyncio-dev.html#debug-mode"


class CpuBoundLoop(Rule):
    code = "AIO300"
    name = "cpu-bound-loop"
    message = ("AIO300 {kind} with no `await` {why}: it holds the event loop until it ends; "
               "run the work in a thread (`await asyncio.to_thread(...)`, "
               "`loop.run_in_executor(...)`) or `await asyncio.sleep(0)` every few iterations")
    summary = ("A long loop with no suspension point inside async def: a literal iteration "
               "count in the millions, or heavy work on each iteration (hashing, compression, "
               "serialisation and parsing, key derivation, numeric work, going over the "
               "loop's own data again).")
    why = ("asyncio runs one task at a time and switches only at an `await`. A loop that "
           "computes for a long time without one keeps every other task, timer and socket "
           "waiting: servers stop answering, heartbeats time out. In debug mode asyncio logs "
           "`Executing <Task ...> took 2.5 seconds`.")
    example = ("async def calculate(n):\n"
               "    h = hashlib.sha256()\n"
               "    for i in range(n):\n"
               "        h = hashlib.sha256(h.digest())\n"
               "    return h.hexdigest()\n")
    instead = ("async def calculate(n):\n"
               "    def compute():\n"
               "        h = hashlib.sha256()\n"
               "        for i in range(n):\n"
               "            h = hashlib.sha256(h.digest())\n"
               "        return h.hexdigest()\n\n"
               "    return await asyncio.to_thread(compute)\n")
    limits = ("A loop (`for`, `while`; not `async for`) with no `await`, `async for`, "
              "`async with` or `yield` in it is judged long when one of these holds. (1) Its "
              "iteration count is known from literals and above "
              "`--asyncio-long-loop-threshold`, and nothing in it leaves the loop early "
              "(`break`, `return`: the bound is then a cap, not a length): `range()` with "
              "literal bounds, directly or through a module constant (`N = 10**7`), nested "
              "literal loops multiplying; whatever its body does (simulations, counting). "
              "(2) It is not known to be short (a literal count of at most "
              "`--asyncio-cpu-loop-threshold`), it does not go over a collection (`range(n)`, "
              "`while`, `itertools.count()`, or a literal count), and each iteration calls "
              "CPU-heavy work: `hashlib`, `hmac`, `zlib`, `bz2`, `lzma`, "
              "`gzip.compress/decompress`, `bcrypt`, `scrypt`, `argon2`, `json`/`pickle`/"
              "`marshal` loads and dumps, `xml.etree`/`xml.dom.minidom`/`lxml` parsing, "
              "`statistics`, `numpy.linalg`/`numpy.fft`, and what `--asyncio-cpu-heavy-calls` "
              "adds. (3) It goes over a collection (`for row in rows`, `enumerate(rows)`, "
              "`rows.items()`, `range(len(rows))`) and each iteration makes an AIO302 slow "
              "call (key derivation, password hashing), or goes over that collection again: "
              "a nested loop or comprehension over it (`for a in rows: for b in rows:`, "
              "`for i in range(len(rows)): for j in range(i + 1, len(rows))`) or an aggregate "
              "(`sum`, `max`, `sorted`, `statistics.mean`, ...) of a slice of it whose width is "
              "not a literal (`sum(prices[i - window:i])`, `max(values[:i])`): quadratic work. "
              "Quiet, and why: loops with a suspension point (other tasks run at each "
              "iteration that reaches it); loops with a literal count of at most "
              "`--asyncio-cpu-loop-threshold` (`for salt in (a, b, c)`, `range(100)`), however "
              "heavy; loops over a collection that parse, serialise, hash or compress each item "
              "(linear in the data, like fetching it was, and most collections an application "
              "walks are short) or only move data (`for row in rows: by_id[row.id] = row`, "
              "rows already fetched); nested loops over different collections "
              "(`for section in doc.sections: for field in section.fields`, joins), whose "
              "size the code does not tell; `rows.index(row)` or `max(rows)` inside a loop "
              "over `rows` (how code is written for short lists); `re` calls (matching each "
              "header or line is how parsers work); `while` loops counting to a literal; "
              "comprehensions on their own. Of nested long loops only the outermost is "
              "reported.")
    options = (
        CPU_LOOP_THRESHOLD,
        LONG_LOOP_THRESHOLD,
        CPU_HEAVY_CALLS,
        CPU_SLOW_CALLS,
    )
    references = (
        "https://docs.python.org/3/library/asyncio-dev.html#concurrency-and-multithreading",
        _DEBUG_MODE,
        _TO_THREAD,
    )
    fix_safety = "none"
    fix_summary = ("A long computation is split, given suspension points, or moved to a process "
                   "pool; which one is a design choice.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self.reported: Set[cst.CSTNode] = set()
        self.judge = judge(ctx)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node)

    def visit_While(self, node: cst.While) -> None:
        self._check(node)

    def _check(self, loop: Loop) -> None:
        if not self.ctx.in_async_def or any(a in self.reported for a in self.ctx.ancestors):
            return
        verdict = self.judge.judge(loop)
        if verdict is not None:
            self.reported.add(loop)
            self.report(loop, kind=verdict.kind, why=verdict.why)


class SlowCall(Rule):
    code = "AIO302"
    name = "cpu-slow-call"
    message = ("AIO302 `{name}()` computes for long in the event loop's thread (key "
               "derivation and password hashing take 0.05-1 s by design): no other task runs "
               "meanwhile; run it in a thread: `await asyncio.to_thread({written}, ...)`")
    summary = ("A call that is slow even once, inside async def: key derivation and password "
               "hashing (`hashlib.pbkdf2_hmac`, `hashlib.scrypt`, `bcrypt`, `argon2`, "
               "`passlib`, `cryptography` KDFs, ...) and what `--asyncio-cpu-slow-calls` adds.")
    why = ("Key derivation functions and password hashes are made slow on purpose, tens to "
           "hundreds of milliseconds of CPU per call, so that guessing passwords is expensive. "
           "Called in a coroutine, that time is spent in the event loop's thread: every login "
           "stalls every other request, timer and heartbeat of the process.")
    example = ("import bcrypt\n\n"
               "async def login(user, password):\n"
               "    if not bcrypt.checkpw(password.encode(), user.password_hash):\n"
               "        raise PermissionError(user.name)\n")
    instead = ("import asyncio\n"
               "import bcrypt\n\n"
               "async def login(user, password):\n"
               "    if not await asyncio.to_thread(bcrypt.checkpw, password.encode(),\n"
               "                                   user.password_hash):\n"
               "        raise PermissionError(user.name)\n")
    limits = ("The catalogue (`calls/hogging.py`): `hashlib.pbkdf2_hmac` (not with a literal "
              "iteration count of at most 1000), `hashlib.scrypt`; `bcrypt.hashpw/checkpw/kdf`; "
              "`scrypt.hash/encrypt/decrypt`; `argon2.PasswordHasher().hash/verify` and "
              "`argon2.low_level`; `cryptography`'s `Scrypt`, `PBKDF2HMAC` and `Argon2id` "
              "`derive/verify`; `nacl.pwhash`; `Crypto.Protocol.KDF` (PyCryptodome); "
              "`werkzeug.security` and `django.contrib.auth.hashers` password hashing; "
              "`passlib` schemes and `CryptContext` `hash/verify/verify_and_update`. Methods "
              "are recognised when the object's origin is visible (`ph = PasswordHasher()`, "
              "`self.kdf = Scrypt(...)`). Inside a loop that AIO300 reports, both are "
              "reported: each can be ignored on its own. A function passed to "
              "`asyncio.to_thread()` or `run_in_executor()` is not called here and is not "
              "reported.")
    options = (CPU_SLOW_CALLS,)
    references = (_TO_THREAD, _DEBUG_MODE,
                  "https://docs.python.org/3/library/hashlib.html#key-derivation")
    fix_safety = "none"
    fix_summary = ("`await asyncio.to_thread(...)` helps only where the library releases the "
                   "GIL while it computes (hashlib's and bcrypt's C code do; a pure-Python KDF "
                   "does not, and needs a process pool): a choice left to the user.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self.judge = judge(ctx)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async_def or isinstance(self.ctx.parent, cst.Await):
            return
        name = self.judge.slow_call(node)
        if name is None:
            return
        self.report(node, name=name, written=format_call(node.func))


class BusyWait(Rule):
    code = "AIO301"
    name = "busy-wait"
    message = ("AIO301 busy-wait: nothing in this `while` loop changes `{state}`, and with no "
               "`await` no other task can run to change it, so it never ends; wait with "
               "`await` (`await event.wait()`, `await fut`, or `await asyncio.sleep(...)` in "
               "the loop)")
    summary = ("A `while` loop with no suspension point inside async def whose condition reads "
               "state the loop body never changes: it never ends.")
    why = ("While a coroutine runs, no other task does: asyncio switches tasks only at an "
           "`await`. A loop that waits for a flag, an `asyncio.Event`, or a future to be set "
           "by another task, without ever awaiting, never lets that task run: the program hangs "
           "at 100% CPU.")
    example = ("async def wait_ready(self):\n"
               "    while not self.ready:\n"
               "        pass\n")
    instead = ("async def wait_ready(self):\n"
               "    await self.ready_event.wait()\n")
    limits = ("To stay certain that the loop cannot end, it is reported only when its "
              "condition reads names, attributes, subscripts, `len()` and the state queries "
              "`is_set()`, `done()`, `cancelled()`, `locked()`, `empty()`, `full()`, "
              "`qsize()`, `is_closing()` of objects that are not `threading`, `queue`, "
              "`multiprocessing` or `concurrent.futures` objects (another thread may change "
              "those); and its body assigns nothing the condition reads (any attribute or item "
              "of an object the condition reads counts), has no `break`, `return` or `raise`, "
              "and calls nothing but calls that change no state: a few pure builtins "
              "(`print`, `len`, ...), `time.sleep()`, logging (`logging`, a logger from "
              "`logging.getLogger()`, `loguru`, `structlog`), and coroutine functions called "
              "without `await` (their body never runs). Any other call may change the state "
              "(a method of the object, a function given it) and keeps the loop quiet. A body "
              "with such calls (beyond the pure builtins) is reported only in a module that "
              "starts no threads (imports "
              "`threading`, `_thread` or `concurrent.futures`, or calls `asyncio.to_thread()` "
              "or `run_in_executor()`): a thread may change the state while the loop sleeps "
              "or logs. A `while True:` loop is never reported.")
    references = (
        "https://docs.python.org/3/library/asyncio-sync.html#asyncio.Event",
        "https://docs.python.org/3/library/asyncio-dev.html#concurrency-and-multithreading",
    )
    fix_safety = "none"
    fix_summary = ("The loop needs an `asyncio.Event` (or a condition) that the other side sets, "
                   "which no mechanical edit can find.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self.starts_threads = self._imports_threads()
        # Loops whose body makes inert calls: reported at the end if no thread was started.
        self.deferred: List[Tuple[cst.While, str]] = []

    def visit_While(self, node: cst.While) -> None:
        if not self.ctx.in_async_def:
            return
        state = self._condition_state(node.test)
        if not state:
            return
        body = self._body_leaves_alone(node.body, state)
        if body is None:
            return
        text = self.ctx.module.code_for_node(node.test).strip()
        if body == _CALLS:
            self.deferred.append((node, text))
        else:
            self.report(node, state=text)

    def visit_Call(self, node: cst.Call) -> None:
        if self.starts_threads:
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            last = func.attr.value
            if last in THREAD_STARTER_METHODS:
                self.starts_threads = True
                return
            if last not in _THREAD_STARTER_LAST_NAMES:
                return
        elif isinstance(func, cst.Name) and func.value not in _THREAD_STARTER_LAST_NAMES:
            # Cheap: most calls are `print()`, `len()`... An alias (`from threading import
            # Thread as T`) needs an import of a thread module, seen in __init__; only an
            # alias of `asyncio.to_thread` goes unseen.
            return
        if self.ctx.qualname(func) in THREAD_STARTERS:
            self.starts_threads = True

    def finish(self) -> None:
        if not self.starts_threads:
            for node, text in self.deferred:
                self.report(node, state=text)

    def _imports_threads(self) -> bool:
        stack = [self.ctx.names.module_scope]
        while stack:
            scope = stack.pop()
            stack.extend(scope.children)
            for bindings in scope.bindings.values():
                for binding in bindings:
                    if binding.kind == "import" and (binding.qualname or "").startswith(
                            _THREAD_MODULES):
                        return True
        return False

    # -- the condition ------------------------------------------------------------------------

    def _condition_state(self, test: cst.BaseExpression) -> Optional[Set[str]]:
        """The base names the condition reads, or None when it may change by itself."""
        names: Set[str] = set()
        if not self._collect_state(test, names):
            return None
        names.discard("True")
        names.discard("False")
        names.discard("None")
        return names

    def _collect_state(self, expr: cst.CSTNode, names: Set[str]) -> bool:
        if isinstance(expr, cst.Name):
            names.add(expr.value)
            return True
        if isinstance(expr, (cst.Integer, cst.Float, cst.SimpleString, cst.Ellipsis)):
            return True
        if isinstance(expr, cst.Attribute):
            return self._collect_state(expr.value, names)
        if isinstance(expr, cst.Subscript):
            return self._collect_state(expr.value, names) and all(
                isinstance(element.slice, cst.Index)
                and self._collect_state(element.slice.value, names)
                for element in expr.slice)
        if isinstance(expr, cst.UnaryOperation):
            return self._collect_state(expr.expression, names)
        if isinstance(expr, (cst.BooleanOperation, cst.BinaryOperation)):
            return (self._collect_state(expr.left, names)
                    and self._collect_state(expr.right, names))
        if isinstance(expr, cst.Comparison):
            return self._collect_state(expr.left, names) and all(
                self._collect_state(target.comparator, names) for target in expr.comparisons)
        if isinstance(expr, cst.Call):
            return self._collect_query(expr, names)
        return False

    def _collect_query(self, call: cst.Call, names: Set[str]) -> bool:
        """`event.is_set()`, `fut.done()`, `len(queue)`: reads, and cannot change by itself."""
        func = call.func
        if isinstance(func, cst.Name) and func.value == "len" and len(call.args) == 1:
            return (self.ctx.qualname(func) == "len"
                    and self._collect_state(call.args[0].value, names))
        if not (isinstance(func, cst.Attribute) and func.attr.value in STATE_QUERIES
                and not call.args):
            return False
        kind = self.ctx.instance_type(func.value)
        if kind is not None and kind.startswith(THREAD_SHARED_PREFIXES):
            return False
        return self._collect_state(func.value, names)

    # -- the body -----------------------------------------------------------------------------

    def _body_leaves_alone(self, body: cst.BaseSuite, state: Set[str]) -> Optional[str]:
        """None when the body may change the state or leave the loop; _PURE when it calls
        only pure builtins; _CALLS when it also makes other calls that change no state."""
        found = _PURE
        for node in descendants(body, into_scopes=False):
            if is_suspension(node) or isinstance(node, (cst.Break, cst.Return, cst.Raise)):
                return None
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Import,
                                 cst.ImportFrom, cst.Global, cst.Nonlocal)):
                return None
            if isinstance(node, cst.Call):
                called = self.ctx.qualname(node.func)
                if called not in PURE_BUILTINS:
                    if not self._inert(node, called):
                        return None
                    found = _CALLS
            for target in _assigned_targets(node):
                if _base_name(target) in state or _base_name(target) is None:
                    return None
        return found

    def _inert(self, call: cst.Call, called: Optional[str]) -> bool:
        """A call that changes no state: sleeping, logging, or a coroutine function called
        without `await` (its body never runs)."""
        if called is not None and (called in INERT_CALLS or called.startswith(INERT_PREFIXES)):
            return True
        return self.ctx.is_coroutine_call(call)


_PURE = "pure"
_CALLS = "calls"
_THREAD_MODULES = ("threading", "_thread", "concurrent.futures")
_THREAD_STARTER_LAST_NAMES = frozenset(name.rpartition(".")[2] for name in THREAD_STARTERS)


def _assigned_targets(node: cst.CSTNode) -> List[cst.BaseExpression]:
    """What a statement or expression binds or mutates: assignment, loop and `with` targets."""
    if isinstance(node, cst.Assign):
        return [target.target for target in node.targets]
    if isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For, cst.CompFor)):
        return [node.target]
    if isinstance(node, cst.AsName):
        return [node.name]
    if isinstance(node, cst.Del):
        return [node.target]
    return []


def _base_name(target: cst.BaseExpression) -> Optional[str]:
    """The name a target hangs off (`self` for `self.a.b = ...`); "" for tuples handled below."""
    while isinstance(target, (cst.Attribute, cst.Subscript)):
        target = target.value
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, (cst.Tuple, cst.List)):
        return None  # unpacking: checked conservatively as "may change anything"
    return None


RULES: List[Type[Rule]] = [CpuBoundLoop, BusyWait, SlowCall]
