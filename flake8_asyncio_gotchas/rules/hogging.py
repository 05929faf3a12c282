"""AIO3xx: hogging the event loop inside async def (the rules' documentation and metadata).

AIO300 and AIO301 look at loops in the direct body of an `async def` that have no suspension
point (`await`, `async for`, `async with`, `yield`): while such a loop runs, no other task,
callback or I/O completion can run. AIO300 reports the ones that compute for long (judged in
`hogging_loops.py`); AIO301 the `while` loops that wait for state no one can change while they
spin. AIO302 reports single calls that compute for long (key derivation, password hashing).
One checker decides the three codes (`hogging_check.py`).
"""
from __future__ import annotations

from typing import List, Type

from ..options import CPU_HEAVY_CALLS, CPU_LOOP_THRESHOLD, CPU_SLOW_CALLS, LONG_LOOP_THRESHOLD
from .base import Rule
from .hogging_check import HoggingChecker

_TO_THREAD = "https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread"
_DEBUG_MODE = "https://docs.python.org/3/library/asyncio-dev.html#debug-mode"


class CpuBoundLoop(Rule):
    checker = HoggingChecker
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
              "iteration count is known from literals and above `--asyncio-long-loop-threshold`, "
              "and nothing in it leaves the loop early (`break`, `return`: the bound is then a "
              "cap, not a length): `range()` with literal bounds, directly or through a module "
              "constant (`N = 10**7`), nested literal loops multiplying; whatever its body does "
              "(simulations, counting). (2) It is not known to be short (a literal count of at "
              "most `--asyncio-cpu-loop-threshold`), it does not go over a collection "
              "(`range(n)`, `while`, `itertools.count()`, or a literal count), and each iteration "
              "calls CPU-heavy work: `hashlib`, `hmac`, `zlib`, `bz2`, `lzma`, "
              "`gzip.compress/decompress`, `bcrypt`, `scrypt`, `argon2`, "
              "`json`/`pickle`/`marshal` loads and dumps, `xml.etree`/`xml.dom.minidom`/`lxml` "
              "parsing, `re` searches, splits and substitutions (`re.findall`, a compiled "
              "pattern's `.sub`; not `re.compile`), `statistics`, `numpy.linalg`/`numpy.fft`, and "
              "what `--asyncio-cpu-heavy-calls` adds. (3) It goes over a collection (`for row in "
              "rows`, `enumerate(rows)`, `rows.items()`, `range(len(rows))`) and each iteration "
              "makes an AIO302 slow call (key derivation, password hashing), or goes over that "
              "collection again: a nested loop or comprehension over it (`for a in rows: for b in "
              "rows:`, `for i in range(len(rows)): for j in range(i + 1, len(rows))`) or an "
              "aggregate (`sum`, `max`, `sorted`, `statistics.mean`, ...) of a slice of it whose "
              "width is not a literal (`sum(prices[i - window:i])`, `max(values[:i])`): quadratic "
              "work. Quiet, and why: loops with a suspension point (other tasks run at each "
              "iteration that reaches it); loops with a literal count of at most "
              "`--asyncio-cpu-loop-threshold` (`for salt in (a, b, c)`, `range(100)`), however "
              "heavy; loops over a collection that parse, serialise, hash or compress each item "
              "(linear in the data, like fetching it was, and most collections an application "
              "walks are short) or only move data (`for row in rows: by_id[row.id] = row`, rows "
              "already fetched); nested loops over different collections (`for section in "
              "doc.sections: for field in section.fields`, joins), whose size the code does not "
              "tell; `rows.index(row)` or `max(rows)` inside a loop over `rows` (how code is "
              "written for short lists), and `re` over each item of a collection (matching each "
              "header or line is how parsers work); `while` loops counting to a literal; "
              "comprehensions on their own. Of nested long loops only the outermost is reported.")
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


class SlowCall(Rule):
    checker = HoggingChecker
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


class BusyWait(Rule):
    checker = HoggingChecker
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


RULES: List[Type[Rule]] = [CpuBoundLoop, BusyWait, SlowCall]
