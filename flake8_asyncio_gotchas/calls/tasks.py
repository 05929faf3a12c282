"""Task factories and what observes a task (AIO4xx)."""
from __future__ import annotations

from typing import Dict, FrozenSet

from .types import LOOP

RETURNS: Dict[str, str] = {
    "asyncio.create_task": "asyncio.Task",
    "asyncio.ensure_future": "asyncio.Task",
    LOOP + ".create_task": "asyncio.Task",
    LOOP + ".create_future": "asyncio.Future",
    LOOP + ".run_in_executor": "asyncio.Future",
    "asyncio.gather": "asyncio.Future",
    "asyncio.tasks.gather": "asyncio.Future",
    "asyncio.shield": "asyncio.Future",
    "asyncio.wrap_future": "asyncio.Future",
}

# A project's own task factories, recognised by name when defined in another module
# (`create_referenced_task(...)`, `spawn_task(...)`): a name bound from such a call holds a task.
TASK_FACTORY_SUFFIXES = ("_task", "_future")

# Calls that run the coroutine they are given as a task of its own, to its end (by last name:
# `loop.create_task`, `asyncio.run`, `runner.run_until_complete`).
TASK_RUNNERS: FrozenSet[str] = frozenset({"create_task", "ensure_future", "run",
                                          "run_until_complete"})

# What an awaited name must be known to hold for its CancelledError to be another task's
# (AIO403): a task or future, made by a factory above or annotated so.
TASK_TYPES: FrozenSet[str] = frozenset({
    "asyncio.Task", "asyncio.Future", "asyncio.tasks.Task", "asyncio.futures.Future",
})

# Calls that schedule work and return the only handle on its outcome (a Task or Future).
# `asyncio.TaskGroup.create_task` is not here: the group awaits its tasks and raises
# their exceptions itself.
TASK_FACTORIES: FrozenSet[str] = frozenset({
    "asyncio.create_task",
    "asyncio.ensure_future",
    "asyncio.tasks.create_task",
    "asyncio.tasks.ensure_future",
    "asyncio.Task",
    LOOP + ".create_task",
    LOOP + ".run_in_executor",
    # Its concurrent.futures.Future is the only handle on the coroutine's outcome.
    "asyncio.run_coroutine_threadsafe",
    "asyncio.tasks.run_coroutine_threadsafe",
})

# Factories judged only inside `async def`: from a worker thread, dropping the future of
# `run_coroutine_threadsafe` is the fire-and-forget idiom (like `call_soon_threadsafe`); on
# the loop's own thread it is a dangling task in disguise.
ASYNC_ONLY_FACTORIES: FrozenSet[str] = frozenset({
    "asyncio.run_coroutine_threadsafe", "asyncio.tasks.run_coroutine_threadsafe",
})

# Where a coroutine function is given to a factory: the first positional argument, except
# for `run_in_executor(executor, func, ...)`.
FUNCTION_ARGUMENT: Dict[str, int] = {"run_in_executor": 1}

# Keyword arguments and mock attributes through which a test makes a call raise an
# exception it chose (`mock.side_effect = [msg, CancelledError()]`, `exception=...`).
INJECTING_NAMES: FrozenSet[str] = frozenset({"side_effect", "exception"})

# The last part of every factory's name, for a cheap first test of a call.
FACTORY_NAMES: FrozenSet[str] = frozenset(name.rsplit(".", 1)[-1] for name in TASK_FACTORIES)

# Loop methods that are task factories, for a receiver whose type is not visible but whose
# name says it is an event loop (`self._loop.create_task(...)` with `self._loop = loop`).
LOOP_FACTORY_METHODS: FrozenSet[str] = frozenset({"create_task", "run_in_executor"})
LOOP_NAMES: FrozenSet[str] = frozenset({"loop", "_loop", "event_loop", "_event_loop"})

# Task/Future methods that neither retrieve the outcome nor hand the task to someone who
# could: using only these leaves the exception unobserved.
NON_OBSERVING_METHODS: FrozenSet[str] = frozenset({
    "cancel", "cancelled", "done", "cancelling", "uncancel",
    "get_name", "set_name", "get_coro", "get_context", "get_loop", "get_stack", "print_stack",
    "remove_done_callback",
})

GATHER: FrozenSet[str] = frozenset({"asyncio.gather", "asyncio.tasks.gather"})

# The exception a task receives when it is cancelled. `concurrent.futures.CancelledError`
# is a different class (an Exception) since Python 3.8, and is not delivered to tasks.
CANCELLED_ERRORS: FrozenSet[str] = frozenset({
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
})
CATCH_ALL_ERRORS: FrozenSet[str] = frozenset({"BaseException", "builtins.BaseException"})
# Handlers that catch every error a coroutine can raise on its own (not its cancellation).
EVERY_ERROR: FrozenSet[str] = CATCH_ALL_ERRORS | {"Exception", "builtins.Exception"}

# Awaits that raise nothing but the task's own cancellation (AIO401's "handles its own
# errors" test lets them stand outside the try).
QUIET_AWAITS: FrozenSet[str] = frozenset({"asyncio.sleep", "asyncio.tasks.sleep"})
# ... and by the type of their receiver: waiting for an event. (`Condition.wait()` is not
# here: it raises RuntimeError when the lock is not held.)
# Taking an item off an asyncio queue: `get()` raises only the cancellation (and, since
# Python 3.13, QueueShutDown once the queue is shut down: a module that calls `shutdown()` on
# it does not have its gets judged quiet).
QUIET_AWAIT_METHODS: Dict[str, FrozenSet[str]] = {
    "asyncio.Event": frozenset({"wait"}),
    "asyncio.locks.Event": frozenset({"wait"}),
    **{queue: frozenset({"get"}) for queue in (
        "asyncio.Queue", "asyncio.queues.Queue", "asyncio.LifoQueue", "asyncio.queues.LifoQueue",
        "asyncio.PriorityQueue", "asyncio.queues.PriorityQueue")},
}
# The methods of a queue that a worker may call, in the round that got an item, without fear:
# `task_done()` raises only when called more often than items were got.
QUEUE_ROUND_METHODS: FrozenSet[str] = frozenset({"task_done"})

# Methods that cannot raise, by the type of their receiver (the same test lets these calls
# stand outside the try or in its `finally`): setting an event, cancelling a task.
QUIET_METHODS: Dict[str, FrozenSet[str]] = {
    "asyncio.Event": frozenset({"set", "clear"}),
    "asyncio.locks.Event": frozenset({"set", "clear"}),
}

# Queues made without a `maxsize` are unbounded: `put_nowait()` on them cannot raise QueueFull.
UNBOUNDED_QUEUES: FrozenSet[str] = frozenset({"asyncio.Queue", "asyncio.queues.Queue"})

SUPPRESS: FrozenSet[str] = frozenset({"contextlib.suppress"})

# Calls that wait on the awaitables they are given (for the cancel-then-await idiom).
WAITERS: FrozenSet[str] = frozenset({
    "asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.shield",
    "asyncio.tasks.gather", "asyncio.tasks.wait", "asyncio.tasks.wait_for",
})

# How each waiter takes what it waits on: every positional argument (gather), the first
# only (wait_for, shield), or a collection as first argument (wait).
WAITS_ON_FIRST: FrozenSet[str] = frozenset({
    "asyncio.wait_for", "asyncio.shield", "asyncio.tasks.wait_for",
})
WAITS_ON_COLLECTION: FrozenSet[str] = frozenset({"asyncio.wait", "asyncio.tasks.wait"})

# Timeout context managers: they turn their own cancellation into TimeoutError.
TIMEOUTS: FrozenSet[str] = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "asyncio.timeouts.timeout",
    "asyncio.timeouts.timeout_at", "async_timeout.timeout", "async_timeout.timeout_at",
})

# Runners of a whole program, which take the main coroutine function itself (script code and
# command packages: `scriptcode.py`, `command_packages.py`).
PROGRAM_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run"})
