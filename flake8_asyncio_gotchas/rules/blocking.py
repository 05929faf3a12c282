"""AIO2xx: blocking the event loop inside async def (the rules' documentation and metadata).

Which calls block, and under which code, is data (`calls/blocking.py`, extended and trimmed by
the options); one checker decides every code of the family (`blocking_check.py`), so each call
is looked at once however many AIO2xx rules are enabled.
"""
from __future__ import annotations

from typing import ClassVar, List, Optional, Tuple, Type

from ..options import BLOCKING_CALLS, NONBLOCKING_CALLS
from .base import Checker, Option, Rule
from .blocking_check import BlockingChecker

_LIMITS = ("Calls are recognised by their qualified name, through the module's imports and "
           "aliases; methods only when the object's origin is visible in the module (made by a "
           "constructor or factory call in the same function, in a `self.attr = ...` anywhere "
           "in the class, as a module global, or annotated with its type). An object received "
           "from elsewhere without an annotation is not known.")

# Said on every page of the family: what `blocking_once.py` leaves quiet.
_ONCE = (" A call that runs once per object is not reported: one under `if self.x is None:` "
         "or `if not self.x:` (or in the `else` of `if self.x:`) whose branch sets `self.x`, "
         "itself or through a method of the same class that assigns it (a lazy load memoised "
         "in the attribute: it blocks the first time only, like a read at start-up). A guard "
         "the branch never sets, or one on another attribute, stays reported, and so does a "
         "memo that another method of the class (not `__init__`, not the loader) sets back to "
         "`None`: the load runs again after each clear. Nor is a call "
         "in an `except` clause or `if` branch that ends the process (its last statement is "
         "`sys.exit()`, `os._exit()` or `raise SystemExit`), outside a loop of that branch: "
         "the program's way out, after which nothing on the loop runs again.")

_BLOCKS = _LIMITS + _ONCE      # the limits of the codes whose harm is blocking

_EVENT_LOOP = "https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code"

_TO_THREAD_FIX = ("`f(*args, **kwargs)` becomes `await "
                  "asyncio.to_thread(f, *args, **kwargs)`; the callee and the arguments are still "
                  "evaluated in the coroutine (Python 3.9+). What can go wrong: the call now runs "
                  "in another thread, so an object bound to one thread (a sqlite3 connection, a "
                  "GUI toolkit, thread-local state) breaks; a cancelled `await` leaves the thread "
                  "running to its end; the default executor's few threads can fill up. A call "
                  "that is a `with` statement's context manager (`with open(p) as f:`) is left: "
                  "the reads and writes in its body would still block.")


class BlockingCallRule(Rule):
    """A call from the catalogue whose code is this rule's, made directly in an async def."""

    options: ClassVar[Tuple[Option, ...]] = (NONBLOCKING_CALLS,)
    checker: ClassVar[Optional[Type[Checker]]] = BlockingChecker


class BlockingSleep(BlockingCallRule):
    code = "AIO200"
    name = "blocking-sleep"
    message = "AIO200 {what} blocks the event loop: {instead}"
    summary = ("`time.sleep()` inside async def; suggests `await asyncio.sleep()`. "
               "`time.sleep(0)` only where it spins in a loop that never suspends.")
    why = ("`time.sleep()` stops the whole thread, and the event loop runs in that thread: "
           "for as long as it sleeps no other task, callback or I/O completion runs. "
           "`await asyncio.sleep()` suspends only the current task.")
    example = ("import time\n\n"
               "async def poll(client):\n"
               "    while not await client.ready():\n"
               "        time.sleep(1)\n")
    instead = ("import asyncio\n\n"
               "async def poll(client):\n"
               "    while not await client.ready():\n"
               "        await asyncio.sleep(1)\n")
    limits = (_BLOCKS + " `time.sleep(0)` gives up the thread's time slice and returns at "
              "once: it is reported only inside a loop (of the same function) with no "
              "suspension point, where it spins and holds the event loop for the whole loop.")
    references = ("https://docs.python.org/3/library/asyncio-task.html#sleeping", _EVENT_LOOP)
    fix_safety = "safe"
    fix_summary = ("`time.sleep(x)` becomes `await asyncio.sleep(x)`, the arguments as written, "
                   "with `asyncio` imported in the file's style. The coroutine waits as long, and "
                   "the loop runs other tasks meanwhile. Calls where `await` cannot go (a sync "
                   "def, a lambda, a generator expression) are left.")


class BlockingNetworkCall(BlockingCallRule):
    code = "AIO201"
    name = "blocking-network-call"
    message = "AIO201 {what} blocks the event loop: {instead}"
    summary = ("Synchronous network clients inside async def: `requests`, `urllib`, "
               "`urllib3`, `http.client`, sync `httpx`, blocking `socket` calls, `smtplib`, "
               "`ftplib`, `xmlrpc.client`, database drivers (`psycopg2`, `psycopg`, "
               "`pymysql`), `redis.Redis`, `boto3` clients.")
    why = ("A synchronous client waits for the network in the event loop's thread: every other "
           "task stalls for the whole round trip, DNS lookup included, and a slow server "
           "freezes the application.")
    example = ("import requests\n\n"
               "async def fetch_user(user_id):\n"
               "    return requests.get(f\"https://api.example.com/users/{user_id}\").json()\n")
    instead = ("import httpx\n\n"
               "async def fetch_user(user_id):\n"
               "    async with httpx.AsyncClient() as client:\n"
               "        response = await client.get(f\"https://api.example.com/users/{user_id}\")\n"
               "    return response.json()\n")
    limits = (_BLOCKS + " Methods of a `socket.socket` are not reported when the module makes "
              "that socket non-blocking (`sock.setblocking(False)` or `sock.settimeout(0)` on "
              "the same name). Constructors of `smtplib.SMTP` and `ftplib.FTP` are reported only "
              "when given an address (they connect at once). Database, cache and cloud "
              "clients are seen through the call that made them: `psycopg2.connect()`, "
              "`psycopg.connect()`, `pymysql.connect()` and their `cursor()`, "
              "`redis.Redis(...)`, `redis.from_url()` and their `pipeline()`, "
              "`boto3.client(...)` and `boto3.Session().client(...)` (every method but the "
              "local ones: `generate_presigned_url/post`, `get_paginator`, `get_waiter`, "
              "`can_paginate`, `close`). Not seen: objects reached through attributes or "
              "subscripts of a client (`mongo_client.db.users.find()`, "
              "`boto3.resource(\"s3\").Bucket(...)`), ORM sessions (SQLAlchemy, Django), "
              "and clients received as unannotated parameters.")
    references = (_EVENT_LOOP, "https://docs.python.org/3/library/asyncio-stream.html")
    fix_safety = "unsafe"
    fix_summary = _TO_THREAD_FIX


class BlockingProcessCall(BlockingCallRule):
    code = "AIO202"
    name = "blocking-process-call"
    message = "AIO202 {what} blocks the event loop: {instead}"
    summary = ("Waiting for a child process inside async def: `subprocess.run/call/"
               "check_call/check_output/getoutput/getstatusoutput`, `Popen.wait()/"
               "communicate()`, `os.system`, `os.popen`, `os.spawn*(os.P_WAIT, ...)`, "
               "`os.wait*`.")
    why = ("These calls wait in the event loop's thread until the child process ends: the "
           "whole application stops for as long as the command runs.")
    example = ("import subprocess\n\n"
               "async def version():\n"
               "    return subprocess.check_output([\"git\", \"describe\"]).decode()\n")
    instead = ("import asyncio\n\n"
               "async def version():\n"
               "    proc = await asyncio.create_subprocess_exec(\n"
               "        \"git\", \"describe\", stdout=asyncio.subprocess.PIPE)\n"
               "    out, _ = await proc.communicate()\n"
               "    return out.decode()\n")
    limits = (_BLOCKS + " Starting a process (`subprocess.Popen(...)`, `os.spawn*` with "
              "`os.P_NOWAIT`) is not reported: it does not wait. `Popen.wait()` and "
              "`os.waitpid(..., os.WNOHANG)` with a zero timeout or `WNOHANG` return at once.")
    references = ("https://docs.python.org/3/library/asyncio-subprocess.html", _EVENT_LOOP)
    fix_safety = "unsafe"
    fix_summary = _TO_THREAD_FIX


class BlockingFileIO(BlockingCallRule):
    code = "AIO203"
    name = "blocking-file-io"
    message = "AIO203 {what} blocks the event loop: {instead}"
    summary = ("File and console I/O inside async def: `open`, `io.open`, `codecs.open`, "
               "`gzip/bz2/lzma.open`, `pathlib.Path` open/read/write methods, `shutil` "
               "copy/move/rmtree/archive functions, `tarfile.open`, `zipfile.ZipFile`, "
               "`input`, `getpass.getpass`, `sys.stdin.read*`, `sqlite3` connections and "
               "cursors (`connect`, `execute*`, `commit`, `rollback`, `fetch*`, `with conn:`).")
    why = ("Disk and console reads and writes are synchronous system calls: on a slow, busy or "
           "network file system, or while waiting for a user to type, they hold the event "
           "loop's thread and every other task waits.")
    example = ("async def load_config(path):\n"
               "    with open(path) as f:\n"
               "        return f.read()\n")
    instead = ("import asyncio\n"
               "from pathlib import Path\n\n"
               "async def load_config(path):\n"
               "    return await asyncio.to_thread(Path(path).read_text)\n")
    limits = (_BLOCKS + " `pathlib.Path` objects are followed through `/` and `.parent`. "
              "`zipfile.ZipFile` and `tarfile.open` on an in-memory file (`io.BytesIO`, "
              "`fileobj=`) are not reported. Reads and writes on an already opened file "
              "object are not reported (the `open` is). `sqlite3` is followed from "
              "`sqlite3.connect(...)` to the connection and its cursors (`conn.cursor()`, "
              "`conn.execute(...)`), also through `self.conn`; a database that may be in "
              "memory (`\":memory:\"`, a `mode=memory` URI, or a name or expression that "
              "says `memory`, such as `generate_in_memory_db_uri()`) is not reported. "
              "`with sqlite3.connect(...) as conn:` is one finding, on the connect call.")
    references = (_EVENT_LOOP,
                  "https://docs.python.org/3/library/asyncio-task.html#running-in-threads")
    fix_safety = "unsafe"
    fix_summary = _TO_THREAD_FIX


class BlockingThreadSync(BlockingCallRule):
    code = "AIO204"
    name = "blocking-thread-sync"
    message = "AIO204 {what} blocks the event loop: {instead}"
    summary = ("Waiting on thread or process synchronisation inside async def: `threading` "
               "locks, conditions, events, semaphores and barriers (`acquire()`, `wait()`, "
               "`with lock:`), `queue.Queue` `get/put/join`, `concurrent.futures` "
               "`Future.result()`, `wait`, `as_completed`, `Thread.join()`, "
               "`Executor.shutdown()`, `multiprocessing` joins and queue gets.")
    why = ("These primitives wait by blocking the thread. In an async def that thread runs the "
           "event loop, so nothing else runs while it waits, and if the thread it waits for "
           "needs the event loop to make progress (`run_coroutine_threadsafe`, a callback) it "
           "waits forever.")
    example = ("import threading\n\n"
               "class Account:\n"
               "    def __init__(self):\n"
               "        self._lock = threading.Lock()\n"
               "        self.balance = 0\n\n"
               "    async def deposit(self, amount):\n"
               "        with self._lock:\n"
               "            self.balance = await self.audit(self.balance + amount)\n")
    instead = ("import asyncio\n\n"
               "class Account:\n"
               "    def __init__(self):\n"
               "        self._lock = asyncio.Lock()\n"
               "        self.balance = 0\n\n"
               "    async def deposit(self, amount):\n"
               "        async with self._lock:\n"
               "            self.balance = await self.audit(self.balance + amount)\n")
    limits = (_BLOCKS + " Non-blocking forms are not reported: `acquire(False)`, "
              "`acquire(blocking=False)`, `get(block=False)`, `get_nowait()`, a literal zero "
              "timeout, `shutdown(wait=False)`. `put()` is reported only on a queue made with a "
              "maxsize (an unbounded queue's `put` never waits); `get()` is not reported on a "
              "queue the module checks with `empty()` or `qsize()` (check-then-get). "
              "`with executor:` is not reported.")
    references = (_EVENT_LOOP, "https://docs.python.org/3/library/asyncio-sync.html",
                  "https://docs.python.org/3/library/asyncio-queue.html",
                  "https://docs.python.org/3/library/asyncio-future.html#asyncio.wrap_future")
    fix_safety = "none"
    fix_summary = ("A lock, event or queue shared with threads needs a decision (an asyncio "
                   "primitive, or the whole exchange in a thread); waiting for it in another "
                   "thread can deadlock.")


class EventLoopInCoroutine(BlockingCallRule):
    code = "AIO205"
    name = "event-loop-in-coroutine"
    message = "AIO205 {what} blocks the event loop: {instead}"
    summary = ("Starting an event loop inside async def: `asyncio.run()`, "
               "`loop.run_until_complete()`, `loop.run_forever()`, `asyncio.Runner().run()`.")
    why = ("An async def already runs in an event loop. Starting another one from it raises "
           "`RuntimeError: This event loop is already running` (or `asyncio.run() cannot be "
           "called from a running event loop`); where it does not (a second loop), it blocks "
           "the first loop until the second one stops.")
    example = ("import asyncio\n\n"
               "async def main():\n"
               "    asyncio.run(refresh_cache())\n")
    instead = ("async def main():\n"
               "    await refresh_cache()\n")
    limits = (_LIMITS + " A call under a memoising guard or on the way out of the program "
              "is reported too: it raises however often it runs.")
    references = ("https://docs.python.org/3/library/asyncio-runner.html#asyncio.run",)
    fix_safety = "none"
    fix_summary = ("The coroutine should `await` what it runs, but where the loop is started "
                   "belongs to the code around it (often a sync helper called from async code).")


class BlockingCallViaHelper(Rule):
    checker = BlockingChecker
    code = "AIO206"
    name = "blocking-call-via-helper"
    message = ("AIO206 `{call}` blocks the event loop: {chain} (line {line}); run it in a "
               "worker thread: `await asyncio.to_thread({callee}, ...)`")
    summary = ("A call from an async def to a same-module sync function or method that itself "
               "(directly or through more same-module sync helpers) makes a call that "
               "AIO200-AIO204 report; the message names the chain and the line.")
    why = ("Moving a blocking call into a helper does not stop it from blocking: the helper "
           "runs in the event loop's thread when an async def calls it.")
    example = ("import json\n\n"
               "def read_config(path):\n"
               "    with open(path) as f:\n"
               "        return json.load(f)\n\n"
               "async def start(path):\n"
               "    config = read_config(path)\n")
    instead = ("import asyncio\n"
               "import json\n\n"
               "def read_config(path):\n"
               "    with open(path) as f:\n"
               "        return json.load(f)\n\n"
               "async def start(path):\n"
               "    config = await asyncio.to_thread(read_config, path)\n")
    limits = ("Helpers are same-module functions and methods (through `self`, `cls`, the class "
              "name, same-module base classes, and objects whose same-module class is "
              "visible); a class call follows its `__init__`. Helpers that are generators, "
              "or have decorators other than pass-through ones (`staticmethod`, "
              "`classmethod`, `functools.lru_cache`, ...), are not followed. A helper passed "
              "to `run_in_executor()` or `to_thread()` is not a call and is not reported. A "
              "helper whose only wait is `with lock:` on a `threading.Lock`/`RLock` is not "
              "reported when every hold of that lock in the module is a short critical "
              "section: no blocking call, no call to a same-module helper, no await, no nested "
              "blocking `with`, and no explicit `acquire()` of it anywhere. A lock some code "
              "holds across a blocking call or an await keeps every chain that ends on it "
              "reported: the short section may wait that long. Holders in other modules are "
              "not seen. Conditions are not evaluated across calls: a helper whose blocking "
              "call polls in `while self.busy():` is reported from a caller that has just set "
              "that state false (`self._sync_id = 0` before `self.sync_start()`); on such a "
              "path the loop is not entered unless another thread sets the state again in "
              "between." + _ONCE)
    options = (NONBLOCKING_CALLS,)
    references = (_EVENT_LOOP,)
    fix_safety = "unsafe"
    fix_summary = ("The call of the sync helper moves into `await asyncio.to_thread(helper, "
                   "*args, **kwargs)`. What can go wrong: the whole helper now runs in a thread, "
                   "so everything it touches must be thread-safe and it must not use the event "
                   "loop; the caveats of AIO201's fix apply to all of it.")


class ConfiguredBlockingCall(BlockingCallRule):
    code = "AIO207"
    name = "configured-blocking-call"
    message = "AIO207 {what} blocks the event loop (--asyncio-blocking-calls): {instead}"
    summary = ("A call named in the `--asyncio-blocking-calls` option, inside async def; "
               "`--asyncio-nonblocking-calls` removes names from every AIO2xx list.")
    why = ("Projects have their own blocking calls (a sync database driver, an SDK, an "
           "internal client): naming them lets the linter find them in async code like the "
           "standard library's.")
    example = ("# setup.cfg\n"
               "# [flake8]\n"
               "# asyncio-blocking-calls = pymssql.connect=aioodbc.connect\n\n"
               "import pymssql\n\n"
               "async def handler():\n"
               "    conn = pymssql.connect(DSN)\n")
    instead = ("import aioodbc\n\n"
               "async def handler():\n"
               "    conn = await aioodbc.connect(dsn=DSN)\n")
    limits = ("Names are matched like the built-in ones (imports, aliases, methods through "
              "visible object origins). A configured name that is already in the built-in "
              "catalogue keeps its own code; its replacement, if given, becomes the "
              "suggestion. Configured calls do not make a helper blocking for AIO206." + _ONCE)
    options = (BLOCKING_CALLS, NONBLOCKING_CALLS)
    example_options = {"--asyncio-blocking-calls": "pymssql.connect=aioodbc.connect"}
    references = ("https://flake8.pycqa.org/en/latest/user/configuration.html",)
    fix_safety = "none"
    fix_summary = ("The configured replacement (`name=replacement`) is advice in words, not an "
                   "edit.")


RULES: List[Type[Rule]] = [BlockingSleep, BlockingNetworkCall, BlockingProcessCall,
                           BlockingFileIO, BlockingThreadSync, EventLoopInCoroutine,
                           BlockingCallViaHelper, ConfiguredBlockingCall]
