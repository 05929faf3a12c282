"""Coroutine functions of the standard library, and APIs that take callbacks (AIO1xx)."""
from __future__ import annotations

from typing import Dict, FrozenSet, Tuple

from .types import LOOP

RETURNS: Dict[str, str] = {}

# Standard-library coroutine functions: calling one returns a coroutine to await.
STDLIB_COROUTINE_FUNCTIONS: FrozenSet[str] = frozenset({
    "asyncio.sleep",
    "asyncio.wait",
    "asyncio.wait_for",
    "asyncio.open_connection",
    "asyncio.open_unix_connection",
    "asyncio.start_server",
    "asyncio.start_unix_server",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.to_thread",
    "asyncio.staggered.staggered_race",
    "asyncio.Lock.acquire",
    "asyncio.Event.wait",
    "asyncio.Condition.acquire",
    "asyncio.Condition.wait",
    "asyncio.Condition.wait_for",
    "asyncio.Semaphore.acquire",
    "asyncio.BoundedSemaphore.acquire",
    "asyncio.Barrier.wait",
    "asyncio.Barrier.reset",
    "asyncio.Barrier.abort",
    "asyncio.Queue.get",
    "asyncio.Queue.put",
    "asyncio.Queue.join",
    "asyncio.PriorityQueue.get",
    "asyncio.PriorityQueue.put",
    "asyncio.PriorityQueue.join",
    "asyncio.LifoQueue.get",
    "asyncio.LifoQueue.put",
    "asyncio.LifoQueue.join",
    LOOP + ".create_connection",
    LOOP + ".create_datagram_endpoint",
    LOOP + ".create_server",
    LOOP + ".create_unix_connection",
    LOOP + ".create_unix_server",
    LOOP + ".connect_accepted_socket",
    LOOP + ".getaddrinfo",
    LOOP + ".getnameinfo",
    LOOP + ".sock_recv",
    LOOP + ".sock_recv_into",
    LOOP + ".sock_recvfrom",
    LOOP + ".sock_sendall",
    LOOP + ".sock_sendto",
    LOOP + ".sock_connect",
    LOOP + ".sock_accept",
    LOOP + ".sock_sendfile",
    LOOP + ".sendfile",
    LOOP + ".start_tls",
    LOOP + ".shutdown_asyncgens",
    LOOP + ".shutdown_default_executor",
    LOOP + ".subprocess_exec",
    LOOP + ".subprocess_shell",
    LOOP + ".connect_read_pipe",
    LOOP + ".connect_write_pipe",
    LOOP + ".sock_recvfrom_into",
    "asyncio.StreamReader.read",
    "asyncio.StreamReader.readline",
    "asyncio.StreamReader.readexactly",
    "asyncio.StreamReader.readuntil",
    "asyncio.StreamWriter.drain",
    "asyncio.StreamWriter.wait_closed",
    "asyncio.StreamWriter.start_tls",
    "asyncio.Server.serve_forever",
    "asyncio.Server.start_serving",
    "asyncio.Server.wait_closed",
    "asyncio.subprocess.Process.wait",
    "asyncio.subprocess.Process.communicate",
    # An async generator's methods return coroutines (typeshed: `-> Coroutine[...]`).
    *("%s.%s" % (generator, method)
      for generator in ("typing.AsyncGenerator", "collections.abc.AsyncGenerator",
                        "typing_extensions.AsyncGenerator")
      for method in ("asend", "athrow", "aclose", "__anext__")),
    # Hooks of stdlib classes that projects subclass (`await super().asyncSetUp()`).
    "unittest.IsolatedAsyncioTestCase.asyncSetUp",
    "unittest.IsolatedAsyncioTestCase.asyncTearDown",
    "unittest.IsolatedAsyncioTestCase.enterAsyncContext",
    "contextlib.AbstractAsyncContextManager.__aenter__",
    "contextlib.AbstractAsyncContextManager.__aexit__",
})

# Decorators that make a method an attribute read: `obj.name` is the value it returns (as
# written, or qualified: other modules' summaries read them unqualified).
PROPERTY_DECORATORS = frozenset({"property", "cached_property", "functools.cached_property"})

# Return annotations that make a sync `def` a coroutine function (`-> Coroutine[Any, Any, T]`).
COROUTINE_ANNOTATIONS = frozenset({"typing.Coroutine", "collections.abc.Coroutine",
                                   "typing_extensions.Coroutine"})

# What awaiting a standard-library coroutine function gives (when it is one object).
AWAITED_RETURNS: Dict[str, str] = {
    "asyncio.create_subprocess_exec": "asyncio.subprocess.Process",
    "asyncio.create_subprocess_shell": "asyncio.subprocess.Process",
    "asyncio.start_server": "asyncio.Server",
    "asyncio.start_unix_server": "asyncio.Server",
    LOOP + ".create_server": "asyncio.Server",
    LOOP + ".create_unix_server": "asyncio.Server",
}

# ... and when it is a tuple: the type of each element, in order.
AWAITED_TUPLES: Dict[str, Tuple[str, ...]] = {
    "asyncio.open_connection": ("asyncio.StreamReader", "asyncio.StreamWriter"),
    "asyncio.open_unix_connection": ("asyncio.StreamReader", "asyncio.StreamWriter"),
}

# asyncio's submodules whose public classes `asyncio` re-exports (`from .base_events import *`):
# an annotation `asyncio.base_events.Server` names `asyncio.Server`. (`asyncio.subprocess` is
# not one: its `Process` is known by that name.)
ASYNCIO_REEXPORTING = frozenset({
    "base_events", "events", "futures", "locks", "queues", "runners", "streams", "tasks",
    "taskgroups", "timeouts", "exceptions", "protocols", "transports",
})
# Decorators that make a generator function a context manager factory: `with f() as x` binds
# what it yields (as written, or qualified: other modules' summaries read them unqualified).
CONTEXT_MANAGER_DECORATORS = frozenset({
    "contextmanager", "asynccontextmanager", "contextlib.contextmanager",
    "contextlib.asynccontextmanager"})
# Generator annotations whose first argument is the type yielded (the last part of the name).
GENERATOR_ANNOTATIONS = frozenset({"Iterator", "Generator", "AsyncIterator", "AsyncGenerator"})

# Typing names read by both the linted file's inference and other modules' summaries.
GENERATOR_TYPES = frozenset({"typing.Generator", "collections.abc.Generator",
                             "typing_extensions.Generator"})
SELF_TYPES = frozenset({"typing.Self", "typing_extensions.Self"})
TYPEVAR_FACTORIES = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})

# Typing wrappers peeled off an annotation to reach the type of the object it holds.
# `Optional[X]`, `ClassVar[X]`, `Final[X]`: an X (or None).
OPTIONAL_WRAPPERS = frozenset({"typing.Optional", "typing_extensions.Optional", "typing.ClassVar",
                               "typing.Final", "typing_extensions.Final"})
# `Union[X, None]`: its one argument other than None.
UNION_TYPES = frozenset({"typing.Union", "typing_extensions.Union"})
# `Annotated[X, ...]` and a TypedDict key's `Required[X]`, `NotRequired[X]`, `ReadOnly[X]`: an
# X (what follows X in `Annotated` is metadata, such as FastAPI's `Depends(...)`). Both readers
# peel all three sets: `inference.py` by qualified name, `modules.py` by last name as written.
MARKING_WRAPPERS = frozenset({
    "typing.Annotated", "typing_extensions.Annotated", "typing.Required",
    "typing_extensions.Required", "typing.NotRequired", "typing_extensions.NotRequired",
    "typing.ReadOnly", "typing_extensions.ReadOnly"})

# Standard-library functions that return an object of their first argument's type (a copy).
SAME_TYPE_RETURNS = frozenset({"dataclasses.replace", "copy.copy", "copy.deepcopy"})

# Attributes of standard-library asyncio objects whose type is known.
STDLIB_ATTRIBUTE_TYPES: Dict[str, str] = {
    "asyncio.subprocess.Process.stdin": "asyncio.StreamWriter",
    "asyncio.subprocess.Process.stdout": "asyncio.StreamReader",
    "asyncio.subprocess.Process.stderr": "asyncio.StreamReader",
}

# Loop types as annotations spell them: the callback-taking loop methods apply to each.
LOOP_TYPES = (LOOP, "asyncio.BaseEventLoop", "asyncio.events.AbstractEventLoop",
              "asyncio.base_events.BaseEventLoop")

EXECUTOR_TYPES = ("concurrent.futures.Executor", "concurrent.futures.ThreadPoolExecutor",
                  "concurrent.futures.ProcessPoolExecutor",
                  "concurrent.futures.thread.ThreadPoolExecutor",
                  "concurrent.futures.process.ProcessPoolExecutor")


class CallbackApi:
    """Where an API takes its callback (position, keyword) and what to do instead."""

    __slots__ = ("position", "keyword", "fix")

    def __init__(self, position: int, keyword: str, fix: str) -> None:
        self.position = position
        self.keyword = keyword
        self.fix = fix


# What to write instead, by the kind of API that calls the function synchronously.
SCHEDULE_FIX = ("pass a sync function that schedules it with `asyncio.create_task()` (keeping "
                "the task), or `asyncio.run_coroutine_threadsafe()` from another thread")
THREAD_FIX = ("`await` it directly instead of running it in a thread, or pass a sync function "
              "that runs it with `asyncio.run()` there")

_LOOP_CALLBACKS = {
    "call_soon": CallbackApi(0, "callback", SCHEDULE_FIX),
    "call_soon_threadsafe": CallbackApi(0, "callback", SCHEDULE_FIX),
    "call_later": CallbackApi(1, "callback", SCHEDULE_FIX),
    "call_at": CallbackApi(1, "callback", SCHEDULE_FIX),
    "run_in_executor": CallbackApi(1, "func", THREAD_FIX),
    "add_signal_handler": CallbackApi(1, "callback", SCHEDULE_FIX),
    "add_reader": CallbackApi(1, "callback", SCHEDULE_FIX),
    "add_writer": CallbackApi(1, "callback", SCHEDULE_FIX),
}

# APIs (qualified names, methods by their object's type) that call a function they are given
# and drop what it returns.
CALLBACK_APIS: Dict[str, CallbackApi] = {
    "asyncio.to_thread": CallbackApi(0, "func", THREAD_FIX),
    "threading.Thread": CallbackApi(1, "target", THREAD_FIX),
    "threading.Timer": CallbackApi(1, "function", THREAD_FIX),
    "signal.signal": CallbackApi(1, "handler", SCHEDULE_FIX),
    "atexit.register": CallbackApi(0, "func", SCHEDULE_FIX),
    "weakref.finalize": CallbackApi(1, "func", SCHEDULE_FIX),
    **{"%s.%s" % (loop, method): api
       for loop in LOOP_TYPES for method, api in _LOOP_CALLBACKS.items()},
    **{"%s.%s" % (executor, method): CallbackApi(0, "fn", THREAD_FIX)
       for executor in EXECUTOR_TYPES for method in ("submit", "map")},
}

# Methods that take a callback whatever their object's type is known to be: the name is the
# futures protocol's (asyncio.Future, asyncio.Task, concurrent.futures.Future).
CALLBACK_METHODS: Dict[str, CallbackApi] = {
    "add_done_callback": CallbackApi(0, "fn", SCHEDULE_FIX),
}

# Builtins that iterate over their argument(s): name -> index of the first iterated argument,
# and whether every later positional argument is iterated too.
ITERATING_BUILTINS: Dict[str, Tuple[int, bool]] = {
    "list": (0, False), "tuple": (0, False), "set": (0, False), "frozenset": (0, False),
    "dict": (0, False), "sorted": (0, False), "enumerate": (0, False), "reversed": (0, False),
    "iter": (0, False), "next": (0, False), "len": (0, False), "sum": (0, False),
    "any": (0, False), "all": (0, False), "zip": (0, True), "map": (1, True),
    "filter": (1, False),
}

# Builtins that format their arguments as text.
FORMATTING_BUILTINS = frozenset({"str", "print", "format"})

# What a coroutine object legitimately offers: using these on a call is not a mistake.
COROUTINE_ATTRIBUTES = frozenset({
    "send", "throw", "close", "__await__", "cr_await", "cr_code", "cr_frame", "cr_running",
    "cr_origin", "cr_suspended", "__name__", "__qualname__", "__class__",
})


# -- decorators, class wrappers and bases whose effect on coroutine functions is known ----

PASS_THROUGH_DECORATORS = frozenset({
    "staticmethod", "classmethod",
    "abc.abstractmethod",
    "functools.wraps", "functools.cache", "functools.lru_cache",
    "typing.overload", "typing_extensions.overload",
    "typing.override", "typing_extensions.override",
    "typing.final", "typing_extensions.final",
})
OVERLOAD_DECORATORS = frozenset({"typing.overload", "typing_extensions.overload"})

# Class decorators and metaclasses known to leave methods alone; any other may wrap them (a
# class decorator or metaclass that makes async methods callable synchronously, say).
PASS_THROUGH_CLASS_WRAPPERS = frozenset({
    "dataclasses.dataclass", "functools.total_ordering", "typing.final",
    "typing_extensions.final", "typing.runtime_checkable", "typing_extensions.runtime_checkable",
    "enum.unique", "abc.ABCMeta", "type",
    # Add representations, slots or generated dunders; the class's own methods stay.
    "rich.repr.auto", "rich.repr.rich_repr", "attr.s", "attr.attrs", "attr.define",
    "attr.frozen", "attr.mutable", "attrs.define", "attrs.frozen", "attrs.mutable",
    "pydantic.dataclasses.dataclass", "typing.dataclass_transform",
})

# Base classes known to define no method a subclass would call through `self` by mistake:
# looking a method up past them goes on to the next base.
NEUTRAL_BASES = frozenset({
    "object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol",
    "Exception", "BaseException", "RuntimeError", "ValueError",
    # Define only `__enter__`/`__exit__` (`__aenter__`/`__aexit__`), abstract or returning self.
    "typing.ContextManager", "typing.AsyncContextManager", "contextlib.AbstractContextManager",
    "contextlib.AbstractAsyncContextManager",
})

# Return annotations that declare an awaitable as the result of an `async def` (AIO101: such
# a function returns a coroutine on purpose).
AWAITABLE_RESULTS = frozenset({"typing.Awaitable", "typing.Coroutine",
                               "collections.abc.Awaitable", "collections.abc.Coroutine"})

# `asyncio.wait`, which refuses coroutine objects since Python 3.11 (AIO103).
WAIT_FUNCTIONS = frozenset({"asyncio.wait", "asyncio.tasks.wait"})

# Wrappers a callback is followed through to the function they call (AIO102).
PARTIAL_WRAPPERS = frozenset({"functools.partial", "functools.partialmethod"})
