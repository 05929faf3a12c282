"""Blocking calls and what to use instead inside async def (AIO2xx).

`BLOCKING_CALLS` maps a qualified name (as `names.Resolver.qualname` spells it; methods after
the type of their object, `threading.Lock.acquire`) to a `Blocking` entry: the rule code, what
to write instead, and which arguments make the call return at once. `<Type>.__enter__` stands
for `with obj:`. `<Type>.*` stands for every method of the type.

Sources (facts, not code): the Python standard library documentation of each module, and the
lists of blocking functions that runtime detectors patch (Home Assistant's
`block_async_io.py`, the `blockbuster` package) and that ruff / flake8-async check (ASYNC2xx).
"""
from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Optional, Tuple

# An argument, as (keyword, position among the positional arguments after `self`).
Arg = Tuple[str, int]


class When(enum.Enum):
    """When a catalogued call blocks, beyond its flag, timeout and options arguments; decided
    in rules/blocking_check.py (a test checks that every condition is handled there)."""
    ALWAYS = "always"
    # only with `os.P_WAIT` as first argument (os.spawn*)
    P_WAIT = "p_wait"
    # only when the queue was made with a maxsize (an unbounded put never waits)
    BOUNDED = "bounded"
    # only when given an address (the constructor then connects)
    CONNECTS = "connects"
    # only when not given an in-memory file object (io.BytesIO)
    FILE = "file"
    # only when the module never makes that socket non-blocking
    SOCKET = "socket"
    # only when the module never checks that queue with `empty()`/`qsize()` (code that does
    # gets after checking there is an item: check-then-get)
    QUEUE = "queue"
    # not with a literal 0 argument, unless spinning in a loop with no suspension point
    SLEEP = "sleep"
    # only when the sqlite3 database is not `":memory:"` (as far as the connection's origin
    # is visible)
    ON_DISK = "on_disk"


@dataclass(frozen=True)
class Blocking:
    code: str
    instead: str
    # A flag that, given a literal False/0, makes the call return at once (`blocking=False`).
    flag: Optional[Arg] = None
    # A timeout that, given a literal 0, makes the call return at once (`timeout=0`).
    timeout: Optional[Arg] = None
    # An options argument that makes the call return at once when one of its `|`-ed flags
    # is named in `quick_flags` (`os.waitpid(pid, os.WNOHANG)`).
    options: Optional[Arg] = None
    quick_flags: Tuple[str, ...] = ("WNOHANG",)
    # An extra condition (see `When`).
    when: When = When.ALWAYS


SLEEP = "AIO200"
NETWORK = "AIO201"
PROCESS = "AIO202"
FILE = "AIO203"
THREAD_SYNC = "AIO204"
LOOP_IN_LOOP = "AIO205"
CONFIGURED = "AIO207"        # a call named in --asyncio-blocking-calls
# Codes whose calls make a same-module sync helper blocking (AIO206).
CHAIN_CODES = frozenset({SLEEP, NETWORK, PROCESS, FILE, THREAD_SYNC})

LOOP = "asyncio.AbstractEventLoop"

TO_THREAD = "run it in a worker thread: `await asyncio.to_thread(...)`"
HTTP_CLIENT = "use an async HTTP client (`httpx.AsyncClient`, `aiohttp.ClientSession`)"
SUBPROCESS = ("use `await asyncio.create_subprocess_exec()` (or `_shell()`) and "
              "`await proc.communicate()`")
OPEN = "use `aiofiles.open()`, or `await asyncio.to_thread(...)` for the whole file work"
AWAIT_IT = "`await` the coroutine instead: the event loop is already running"

BLOCKING_CALLS: Dict[str, Blocking] = {}


def _add(names: Iterable[str], code: str, instead: str, *, flag: Optional[Arg] = None,
         timeout: Optional[Arg] = None, options: Optional[Arg] = None,
         quick_flags: Tuple[str, ...] = ("WNOHANG",), when: When = When.ALWAYS) -> None:
    for name in names:
        BLOCKING_CALLS[name] = Blocking(code, instead, flag, timeout, options, quick_flags, when)


def _methods(types: Iterable[str], methods: Iterable[str], code: str, instead: str, *,
             flag: Optional[Arg] = None, timeout: Optional[Arg] = None,
             when: When = When.ALWAYS) -> None:
    methods = tuple(methods)
    _add(["%s.%s" % (kind, method) for kind in types for method in methods], code, instead,
         flag=flag, timeout=timeout, when=when)


# -- AIO200: sleeping -----------------------------------------------------------------------
# `time.sleep(0)` only gives up the thread's time slice: reported only where it spins in a
# loop that never lets the event loop run (the When.SLEEP condition).
_add(["time.sleep"], SLEEP, "use `await asyncio.sleep()`", when=When.SLEEP)

# -- AIO201: network ------------------------------------------------------------------------
HTTP_VERBS = ("request", "get", "post", "put", "patch", "delete", "head", "options")
_add(["requests." + verb for verb in HTTP_VERBS], NETWORK, HTTP_CLIENT)
_methods(["requests.Session"], HTTP_VERBS + ("send",), NETWORK, HTTP_CLIENT)
_add(["httpx." + verb for verb in HTTP_VERBS + ("stream",)], NETWORK,
     "use `httpx.AsyncClient` and `await client.get(...)`")
_methods(["httpx.Client"], HTTP_VERBS + ("send", "stream"), NETWORK,
         "use `httpx.AsyncClient` and `await client.get(...)`")
_add(["urllib.request.urlopen", "urllib.request.urlretrieve",
      "urllib.request.OpenerDirector.open"], NETWORK, HTTP_CLIENT)
_add(["urllib3.request"], NETWORK, HTTP_CLIENT)
_methods(["urllib3.PoolManager", "urllib3.HTTPConnectionPool"],
         ("request", "urlopen", "request_encode_url", "request_encode_body"), NETWORK,
         HTTP_CLIENT)
_methods(["http.client.HTTPConnection"],
         ("connect", "request", "getresponse", "endheaders", "send"), NETWORK, HTTP_CLIENT)
_add(["socket.create_connection"], NETWORK, "use `await asyncio.open_connection()`")
# With a numeric host flag there is no DNS lookup: the call returns at once.
_add(["socket.getaddrinfo"], NETWORK, "use `await loop.getaddrinfo()`",
     options=("flags", 5), quick_flags=("AI_NUMERICHOST",))
_add(["socket.getnameinfo"], NETWORK, "use `await loop.getnameinfo()`",
     options=("flags", 1), quick_flags=("NI_NUMERICHOST",))
_add(["socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
      "socket.getfqdn"], NETWORK, "use `await loop.getaddrinfo()` / `loop.getnameinfo()`")
_methods(["socket.socket"],
         ("accept", "connect", "connect_ex", "recv", "recv_into", "recvfrom", "recvfrom_into",
          "recvmsg", "send", "sendall", "sendto", "sendmsg", "sendfile"), NETWORK,
         "use `asyncio.open_connection()` streams, or the loop's `sock_*()` coroutines on a "
         "non-blocking socket", when=When.SOCKET)
MAIL = "use an async client (`aiosmtplib`), or `await asyncio.to_thread(...)`"
_add(["smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP"], NETWORK, MAIL, when=When.CONNECTS)
_methods(["smtplib.SMTP"],
         ("connect", "login", "starttls", "ehlo", "helo", "sendmail", "send_message", "quit",
          "noop", "verify"), NETWORK, MAIL)
FTP = "use an async client (`aioftp`), or `await asyncio.to_thread(...)`"
_add(["ftplib.FTP", "ftplib.FTP_TLS"], NETWORK, FTP, when=When.CONNECTS)
_methods(["ftplib.FTP"],
         ("connect", "login", "cwd", "nlst", "dir", "mlsd", "retrbinary", "retrlines",
          "storbinary", "storlines", "size", "delete", "rename", "mkd", "rmd", "sendcmd",
          "voidcmd", "quit"), NETWORK, FTP)
_add(["xmlrpc.client.ServerProxy.*"], NETWORK, TO_THREAD)
# Synchronous database, cache and cloud clients: every command is a network round trip.
# Typed through the call that made the object (`conn = psycopg2.connect(...)`,
# `self.r = redis.Redis(...)`, `s3 = boto3.client("s3")`; see RETURNS below).
DB_DRIVER = ("use an async driver (`asyncpg`, `psycopg.AsyncConnection`, `aiomysql`), or "
             "`await asyncio.to_thread(...)`")
_add(["psycopg2.connect", "psycopg.connect", "pymysql.connect"], NETWORK, DB_DRIVER)
_methods(["psycopg2.extensions.connection", "psycopg.Connection",
          "pymysql.connections.Connection"], ("commit", "rollback"), NETWORK, DB_DRIVER)
_methods(["psycopg.Connection"], ("execute",), NETWORK, DB_DRIVER)
_methods(["psycopg2.extensions.cursor", "psycopg.Cursor", "pymysql.cursors.Cursor"],
         ("execute", "executemany", "callproc", "fetchone", "fetchall", "fetchmany"),
         NETWORK, DB_DRIVER)
_add(["psycopg2.extensions.connection.__enter__", "psycopg.Connection.__enter__"], NETWORK,
     DB_DRIVER)
REDIS = "use `redis.asyncio.Redis` and `await r.get(...)`"
REDIS_COMMANDS = (
    "execute_command", "ping", "get", "set", "setex", "setnx", "getset", "mget", "mset",
    "delete", "exists", "expire", "ttl", "incr", "incrby", "decr", "decrby", "keys", "scan",
    "hget", "hset", "hmget", "hmset", "hgetall", "hdel", "hincrby", "hkeys", "hvals",
    "lpush", "rpush", "lpop", "rpop", "blpop", "brpop", "lrange", "llen", "lrem",
    "sadd", "srem", "smembers", "sismember", "scard", "zadd", "zrem", "zrange",
    "zrangebyscore", "zscore", "zincrby", "zcard", "publish", "xadd", "xread", "xrange",
    "flushdb", "flushall")
_methods(["redis.Redis"], REDIS_COMMANDS, NETWORK, REDIS)
_methods(["redis.client.Pipeline"], ("execute",), NETWORK, REDIS)
# Every method of a boto3 client is a call to the service, but the few that only build
# objects or URLs locally (NOT_BLOCKING below).
_add(["boto3.client.*"], NETWORK,
     "use `aioboto3` / `aiobotocore`, or `await asyncio.to_thread(client.method, ...)`")

# -- AIO202: processes ----------------------------------------------------------------------
_add(["subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
      "subprocess.getoutput", "subprocess.getstatusoutput"], PROCESS, SUBPROCESS)
_add(["subprocess.Popen.wait"], PROCESS,
     "start it with `asyncio.create_subprocess_exec()` and `await proc.wait()`",
     timeout=("timeout", 0))
_add(["subprocess.Popen.communicate"], PROCESS,
     "start it with `asyncio.create_subprocess_exec()` and `await proc.communicate()`",
     timeout=("timeout", 1))
_add(["os.system"], PROCESS,
     "use `await asyncio.create_subprocess_shell()` and `await proc.wait()`")
_add(["os.popen"], PROCESS,
     "use `await asyncio.create_subprocess_shell(..., stdout=PIPE)` and "
     "`await proc.communicate()`")
_add(["os." + name for name in ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv",
                                "spawnve", "spawnvp", "spawnvpe")],
     PROCESS, "use `await asyncio.create_subprocess_exec()` and `await proc.wait()`",
     when=When.P_WAIT)
WAIT_CHILD = "start the child with `asyncio.create_subprocess_exec()` and `await proc.wait()`"
_add(["os.wait"], PROCESS, WAIT_CHILD)
_add(["os.waitpid", "os.wait4"], PROCESS, WAIT_CHILD, options=("options", 1))
_add(["os.wait3"], PROCESS, WAIT_CHILD, options=("options", 0))
_add(["os.waitid"], PROCESS, WAIT_CHILD, options=("options", 2))

# -- AIO203: files and the console ---------------------------------------------------------
_add(["open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"], FILE, OPEN)
_methods(["pathlib.Path"], ("open", "read_text", "read_bytes", "write_text", "write_bytes"),
         FILE, "use `aiofiles`, `anyio.Path`, or `await asyncio.to_thread(path.read_text)`")
_add(["shutil." + name for name in ("copy", "copy2", "copyfile", "copyfileobj", "copytree",
                                    "move", "rmtree", "make_archive", "unpack_archive")],
     FILE, TO_THREAD)
_add(["tarfile.open", "zipfile.ZipFile"], FILE, TO_THREAD, when=When.FILE)
CONSOLE = ("read stdin through `loop.connect_read_pipe()`, or "
           "`await asyncio.to_thread(...)`")
SQLITE = "use `aiosqlite`, or `await asyncio.to_thread(...)` for the whole database work"
# Objects usable only in the thread that made them: moving one call on them into a thread
# (the unsafe fix's `to_thread`) raises `ProgrammingError`; the fix leaves these alone.
THREAD_BOUND = ("sqlite3.",)
_add(["sqlite3.connect", "sqlite3.dbapi2.connect"], FILE, SQLITE, when=When.ON_DISK)
_methods(["sqlite3.Connection"], ("execute", "executemany", "executescript", "commit",
                                  "rollback", "backup", "__enter__"), FILE, SQLITE,
         when=When.ON_DISK)
_methods(["sqlite3.Cursor"], ("execute", "executemany", "executescript", "fetchone",
                              "fetchall", "fetchmany"), FILE, SQLITE, when=When.ON_DISK)
_add(["input", "getpass.getpass", "sys.stdin.read", "sys.stdin.readline",
      "sys.stdin.readlines", "sys.stdin.buffer.read", "sys.stdin.buffer.readline"],
     FILE, CONSOLE)

# -- AIO204: waiting for threads and processes ---------------------------------------------
ASYNC_LOCK = "use `asyncio.Lock` with `async with`"
for _kind, _instead in (("Lock", ASYNC_LOCK), ("RLock", ASYNC_LOCK),
                        ("Semaphore", "use `asyncio.Semaphore` with `async with`"),
                        ("BoundedSemaphore", "use `asyncio.BoundedSemaphore` with `async with`"),
                        ("Condition", "use `asyncio.Condition` with `async with`")):
    for _module in ("threading", "multiprocessing"):
        _add(["%s.%s.acquire" % (_module, _kind)], THREAD_SYNC, _instead,
             flag=("blocking", 0), timeout=("timeout", 1))
        _add(["%s.%s.__enter__" % (_module, _kind)], THREAD_SYNC, _instead)
# Mutexes whose `with lock:` in a sync helper is a short critical section when every hold of
# that lock in the module is one (no blocking call, helper call, await or explicit
# `acquire()`): AIO206 does not report a chain ending there.
SHORT_HOLD_LOCKS = frozenset({"threading.Lock", "threading.RLock"})
_add(["threading.Condition.wait", "multiprocessing.Condition.wait"], THREAD_SYNC,
     "use `asyncio.Condition` and `await cond.wait()`", timeout=("timeout", 0))
_add(["threading.Condition.wait_for", "multiprocessing.Condition.wait_for"], THREAD_SYNC,
     "use `asyncio.Condition` and `await cond.wait_for()`", timeout=("timeout", 1))
_add(["threading.Event.wait", "multiprocessing.Event.wait"], THREAD_SYNC,
     "use `asyncio.Event` and `await event.wait()`", timeout=("timeout", 0))
_add(["threading.Barrier.wait", "multiprocessing.Barrier.wait"], THREAD_SYNC,
     "use `asyncio.Barrier` and `await barrier.wait()`", timeout=("timeout", 0))
QUEUE = "use `asyncio.Queue` (`await q.get()`), or `get_nowait()`/`put_nowait()`"
QUEUES = ("queue.Queue", "queue.LifoQueue", "queue.PriorityQueue", "multiprocessing.Queue",
          "multiprocessing.JoinableQueue")
_methods(QUEUES + ("queue.SimpleQueue",), ["get"], THREAD_SYNC, QUEUE,
         flag=("block", 0), timeout=("timeout", 1), when=When.QUEUE)
_methods(QUEUES, ["put"], THREAD_SYNC, QUEUE, flag=("block", 1), timeout=("timeout", 2),
         when=When.BOUNDED)
_methods(("queue.Queue", "queue.LifoQueue", "queue.PriorityQueue",
          "multiprocessing.JoinableQueue"), ["join"], THREAD_SYNC,
         "use `asyncio.Queue` and `await q.join()`")
FUTURE = ("use `await asyncio.wrap_future(fut)` (or await the coroutine itself instead of "
          "`run_coroutine_threadsafe()`)")
_methods(["concurrent.futures.Future"], ("result", "exception"), THREAD_SYNC, FUTURE,
         timeout=("timeout", 0))
_add(["concurrent.futures.wait"], THREAD_SYNC,
     "use `await asyncio.wait()` on `asyncio.wrap_future()` of each future",
     timeout=("timeout", 1))
_add(["concurrent.futures.as_completed"], THREAD_SYNC,
     "use `asyncio.as_completed()` on `asyncio.wrap_future()` of each future",
     timeout=("timeout", 1))
_methods(["threading.Thread", "threading.Timer", "multiprocessing.Process"], ["join"],
         THREAD_SYNC, "use `await asyncio.to_thread(thread.join)`", timeout=("timeout", 0))
_methods(["multiprocessing.pool.Pool", "multiprocessing.pool.ThreadPool"], ["join"],
         THREAD_SYNC, "use `await asyncio.to_thread(pool.join)`")
_methods(["concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor",
          "concurrent.futures.Executor"], ["shutdown"], THREAD_SYNC,
         "use `shutdown(wait=False)`, or `await asyncio.to_thread(executor.shutdown)`",
         flag=("wait", 0))

# -- AIO205: an event loop inside the running one -------------------------------------------
_add(["asyncio.run", "asyncio.Runner.run", LOOP + ".run_until_complete"], LOOP_IN_LOOP,
     AWAIT_IT)
_add([LOOP + ".run_forever"], LOOP_IN_LOOP,
     "the loop is already running: schedule the work with `asyncio.create_task()`")

# Methods of a `.*` type above that do no I/O: never reported.
NOT_BLOCKING: Tuple[str, ...] = (
    "boto3.client.generate_presigned_url", "boto3.client.generate_presigned_post",
    "boto3.client.get_paginator", "boto3.client.get_waiter", "boto3.client.can_paginate",
    "boto3.client.close",
)

# Types reached under another name, and what factory functions return.
RETURNS: Dict[str, str] = {
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.Session",
    "httpx._client.Client": "httpx.Client",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    # Subclasses whose blocking methods are the base class's: named after the base.
    "urllib3.ProxyManager": "urllib3.PoolManager",
    "urllib3.poolmanager.ProxyManager": "urllib3.PoolManager",
    "urllib3.proxy_from_url": "urllib3.PoolManager",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.HTTPConnectionPool",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "smtplib.LMTP": "smtplib.SMTP",
    "ftplib.FTP_TLS": "ftplib.FTP",
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.fromfd": "socket.socket",
    "socket.SocketType": "socket.socket",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "pathlib.Path.resolve": "pathlib.Path",
    "pathlib.Path.absolute": "pathlib.Path",
    "pathlib.Path.expanduser": "pathlib.Path",
    "pathlib.Path.joinpath": "pathlib.Path",
    "pathlib.Path.with_name": "pathlib.Path",
    "pathlib.Path.with_suffix": "pathlib.Path",
    "pathlib.Path.with_stem": "pathlib.Path",
    "threading._RLock": "threading.RLock",
    "multiprocessing.Pool": "multiprocessing.pool.Pool",
    "multiprocessing.pool.ThreadPool": "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool": "multiprocessing.pool.ThreadPool",
    "multiprocessing.queues.Queue": "multiprocessing.Queue",
    "multiprocessing.queues.JoinableQueue": "multiprocessing.JoinableQueue",
    "concurrent.futures._base.Future": "concurrent.futures.Future",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.ThreadPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.ProcessPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.Executor.submit": "concurrent.futures.Future",
    "asyncio.run_coroutine_threadsafe": "concurrent.futures.Future",
    "asyncio.runners.Runner": "asyncio.Runner",
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.dbapi2.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "sqlite3.Connection.executemany": "sqlite3.Cursor",
    "sqlite3.Connection.executescript": "sqlite3.Cursor",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "psycopg.Connection.execute": "psycopg.Cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.Connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "boto3.session.Session": "boto3.Session",
    "boto3.Session.client": "boto3.client",
}

# Methods that check a queue for items: code that calls them gets after checking (When.QUEUE).
QUEUE_CHECKS = frozenset({"empty", "qsize"})

# In-memory files: `zipfile.ZipFile(io.BytesIO(data))` touches no disk (When.FILE).
IN_MEMORY_FILES = frozenset({"io.BytesIO", "io.StringIO"})
# What opens a sqlite3 database (When.ON_DISK reads its database argument).
SQLITE_CONNECT = frozenset({"sqlite3.connect", "sqlite3.dbapi2.connect"})


# -- the catalogue in force for a file --------------------------------------------------------

class Catalogue:
    """The built-in entries plus those of `--asyncio-blocking-calls`, minus the names of
    `--asyncio-nonblocking-calls` (both parsed and validated in `options.py`)."""

    def __init__(self, configured: Tuple[Tuple[str, str], ...],
                 removed: Tuple[str, ...]) -> None:
        self.table: Dict[str, Blocking] = dict(BLOCKING_CALLS)
        for name, replacement in configured:
            known = self.table.get(name)
            instead = "use `%s`" % replacement if replacement else TO_THREAD
            if known is None:
                self.table[name] = Blocking(CONFIGURED, instead)
            elif replacement:     # a catalogued call keeps its code, with the user's advice
                self.table[name] = dataclasses.replace(known, instead=instead)
        self.removed: FrozenSet[str] = frozenset(removed + NOT_BLOCKING)
        self.last_names: FrozenSet[str] = frozenset(
            name.rsplit(".", 1)[-1] for name in self.table)
        # Types with a `.*` entry: every method blocks.
        self.wildcard_types: FrozenSet[str] = frozenset(
            name[:-2] for name in self.table if name.endswith(".*"))
        self.enter_types: FrozenSet[str] = frozenset(
            name[:-len(".__enter__")] for name in self.table if name.endswith(".__enter__"))

    def lookup(self, name: str) -> Optional[Blocking]:
        entry = self.table.get(name)
        if entry is None:
            owner = name.rpartition(".")[0]
            if owner in self.wildcard_types:
                entry = self.table.get(owner + ".*")
        if entry is None or self.is_removed(name):
            return None
        return entry

    def is_removed(self, name: str) -> bool:
        if not self.removed:
            return False
        parts = name.split(".")
        return any(".".join(parts[:size]) in self.removed for size in range(1, len(parts) + 1))


@functools.lru_cache(maxsize=8)
def catalogue_for(configured: Tuple[Tuple[str, str], ...], removed: Tuple[str, ...]
                  ) -> Catalogue:
    return Catalogue(configured, removed)
