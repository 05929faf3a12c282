"""AIO1xx: coroutines that never run (the rules' documentation and metadata).

Which calls make coroutines is `index.CoroutineIndex`'s business (same module, standard
library, other first-party modules); one checker decides what happens to the coroutine, for
every code of the family (`coroutines_check.py`).
"""
from __future__ import annotations

from typing import List, Type

from .base import Rule
from .coroutines_check import CoroutineChecker

_FIX = "add `await`, or schedule it with `asyncio.create_task()` and keep the task"


_WHICH_CALLS = ("Coroutine functions are those a type checker would see, without importing or "
                "running anything: `async def` of the same module (functions, nested functions, "
                "methods through `self`, `cls`, `super()` or the class name), the standard "
                "library's coroutine functions and asyncio objects' coroutine methods "
                "(`writer.drain()`), and `async def` of other modules of the project and of "
                "installed packages, read as source. Methods are found through the type of the "
                "object they are called on: parameter, variable and attribute annotations "
                "(`Optional`, `X | None`, `Annotated[X, ...]`, strings, type aliases, a bound "
                "TypeVar as its bound), constructors, return annotations (also through `await`, "
                "and `await` of an object whose `__await__` is annotated; `-> Self` and `self: B "
                "-> B` give the receiver's type, `kind: type[W] -> W` the class passed), the "
                "returns of an unannotated def of the same module or classmethod factory, results "
                "of callables declared `Callable[..., R]` and of class objects (`type[X]`, "
                "`X_CLASS = X`), loop variables (through copies, mapping views and unpacking), "
                "`with` targets (also of `@contextmanager` factories), declared containers "
                "(`xs[0]` of `list[X]`, names unpacked from `tuple[...]`, nested and in loops), "
                "`isinstance` guards and attribute chains of any depth, through bases in their "
                "method resolution order (the standard library's async hooks, `asyncSetUp`, "
                "included). A `def` annotated to return a `Coroutine`, a callable annotated "
                "`Callable[..., Coroutine[...]]`, a `functools.partial` of coroutine functions, an "
                "object whose class has an `async def __call__`, and a method every member of a "
                "union (declared `A | B`, or bound to either) defines as `async def` count too. "
                "When flake8 reads standard input without a `--stdin-display-name` naming a real "
                "path, only the same module is known. An `async def` under a decorator is a "
                "coroutine function only when the decorator is known to keep it one (it returns an "
                "inner `async def` or the function it is given, or is typed `(func: F) -> F`); a "
                "class decorator must be one known to leave methods alone (a metaclass is "
                "trusted). A method reached through a base class that cannot be read, an object of "
                "two possible types that do not agree, or an `Awaitable` that may not be a "
                "coroutine, is not assumed to be one.")

_SEE_AIO100 = ("Coroutine functions are recognised as for AIO100 (same module, standard "
               "library, other modules of the same project).")

_TASK_DOCS = "https://docs.python.org/3/library/asyncio-task.html#coroutines"


class _CoroutineRule(Rule):
    checker = CoroutineChecker


class CoroutineNeverAwaited(_CoroutineRule):
    code = "AIO100"
    name = "coroutine-never-awaited"
    message = ("AIO100 `{callee}()` is a coroutine function; its coroutine is never awaited: "
               + _FIX)
    summary = ("A call to a coroutine function whose coroutine is dropped: an expression "
               "statement, assigned to `_`, or assigned to a local name that is never read.")
    why = ("Calling an `async def` function does not run it: it only creates a coroutine "
           "object. Unless that object is awaited (or wrapped in a task), the function's body "
           "never executes, and Python merely prints `RuntimeWarning: coroutine '...' was never "
           "awaited` when the object is garbage-collected, long after the mistake.")
    example = ("async def save(record):\n"
               "    ...\n\n\n"
               "async def handler(record):\n"
               "    save(record)  # nothing is saved\n")
    instead = ("async def save(record):\n"
               "    ...\n\n\n"
               "async def handler(record):\n"
               "    await save(record)\n")
    limits = (_WHICH_CALLS + " A module-level name is never judged unread: other modules may "
              "import it. A coroutine stored in an attribute, a container or passed to a call "
              "is assumed to be awaited there.")
    references = (
        "https://docs.python.org/3/library/asyncio-dev.html#detect-never-awaited-coroutines",
        _TASK_DOCS,
    )
    fix_safety = "safe"
    fix_summary = ("An expression statement in an `async def` gets `await`: the coroutine now "
                   "runs where the caller wrote the call. At module level the call is wrapped in "
                   "`asyncio.run()`, an unsafe fix (with `--unsafe-fixes`): it raises where an "
                   "event loop already runs (a notebook, a module imported from async code) and "
                   "blocks until the coroutine is done. Assignments, and calls in a sync def, a "
                   "lambda or a generator expression, are left as they are.")


class CoroutineUsedAsValue(_CoroutineRule):
    code = "AIO101"
    name = "coroutine-used-as-value"
    message = ("AIO101 `{callee}()` is a coroutine function; its coroutine object is {use}, "
               "not its result: add `await`")
    summary = ("A coroutine object used where its result was meant: tested for truth, "
               "iterated, subscripted or attribute-accessed on the call, compared, formatted, "
               "or returned from an `async def`.")
    why = ("Without `await`, a call to a coroutine function gives a coroutine object, not the "
           "function's result. A coroutine is always true, cannot be iterated or subscripted, "
           "has none of the result's attributes, compares equal only to itself and formats as "
           "`<coroutine object ...>`. The code goes on with a wrong value (or fails later with "
           "a TypeError/AttributeError far from the cause), and the function's body never runs. "
           "An `async def` that returns such a call hands its caller a coroutine where a result "
           "was awaited.")
    example = ("async def is_admin(user_id): ...\n"
               "async def get_user(user_id): ...\n\n"
               "async def handler(user_id):\n"
               "    if is_admin(user_id):       # always true\n"
               "        name = get_user(user_id)[\"name\"]  # TypeError\n"
               "        print(f\"hello {get_user(user_id)}\")\n")
    instead = ("async def handler(user_id):\n"
               "    if await is_admin(user_id):\n"
               "        name = (await get_user(user_id))[\"name\"]\n"
               "        print(f\"hello {await get_user(user_id)}\")\n")
    limits = (_SEE_AIO100 + " Only the call itself is judged, not a name the coroutine was "
              "first stored in (`u = get_user(); u[\"id\"]`). Formatting is judged in f-strings, "
              "`str()`, `format()`, `print()`, `str.format()` and `%` on a string literal, not "
              "in logging calls. The coroutine protocol's own attributes (`send`, `throw`, "
              "`close`, `cr_*`, `__await__`) are not reported. An `async def` whose return "
              "annotation declares an awaitable (`-> Awaitable[...]`, `-> Coroutine[...]`, "
              "from `typing` or `collections.abc`, also inside `Optional`) returns the "
              "coroutine on purpose, for its caller to await in turn: not reported.")
    references = (_TASK_DOCS, "https://docs.python.org/3/reference/expressions.html#await")
    fix_safety = "none"
    fix_summary = ("What the code meant to do with the coroutine (use its result, start a task, "
                   "keep the coroutine) cannot be told from the code.")


class AsyncFunctionAsCallback(_CoroutineRule):
    code = "AIO102"
    name = "async-function-as-callback"
    message = ("AIO102 {what}; `{api}()` calls it without awaiting, so the coroutine never "
               "runs: {fix}")
    summary = ("An async function (or a lambda calling one) passed to an API that calls it "
               "synchronously and drops the result: loop callbacks, threads, executors, "
               "`add_done_callback`, signal and exit handlers.")
    why = ("`loop.call_soon()`, `loop.call_later()`, `add_done_callback()`, "
           "`loop.add_signal_handler()`, `threading.Thread(target=...)`, "
           "`executor.submit()`, `asyncio.to_thread()`, `atexit.register()` and the like call "
           "the function they are given as a plain function. Given an `async def`, that call "
           "only creates a coroutine, which they drop (or, for threads and executors, return "
           "as the result): the function's body never runs, and at most a "
           "`RuntimeWarning: coroutine ... was never awaited` appears later.")
    example = ("async def shutdown(): ...\n\n"
               "async def main():\n"
               "    loop = asyncio.get_running_loop()\n"
               "    loop.add_signal_handler(signal.SIGTERM, shutdown)\n"
               "    loop.call_later(5, lambda: shutdown())\n")
    instead = ("async def main():\n"
               "    loop = asyncio.get_running_loop()\n"
               "    background = set()\n\n"
               "    def schedule_shutdown():\n"
               "        task = asyncio.create_task(shutdown())\n"
               "        background.add(task)\n"
               "        task.add_done_callback(background.discard)\n\n"
               "    loop.add_signal_handler(signal.SIGTERM, schedule_shutdown)\n"
               "    loop.call_later(5, schedule_shutdown)\n")
    limits = (_SEE_AIO100 + " Loop methods are recognised on a loop whose origin is visible "
              "(`asyncio.get_running_loop()`, `get_event_loop()`, `new_event_loop()`, or an "
              "annotation), executor methods on an executor made in view; "
              "`add_done_callback` on any object. A callback wrapped in "
              "`functools.partial` is followed, other wrappers are not.")
    references = (
        "https://docs.python.org/3/library/asyncio-eventloop.html#scheduling-callbacks",
        "https://docs.python.org/3/library/asyncio-task.html#asyncio.run_coroutine_threadsafe",
        "https://docs.python.org/3/library/asyncio-task.html#creating-tasks",
    )
    fix_safety = "unsafe"
    fix_summary = ("A callback given to a loop method (`call_soon`, `call_later`, `call_at`, "
                   "`add_signal_handler`, `add_reader`, `add_writer`) or to `add_done_callback` "
                   "is wrapped in `_aio_schedule(...)`, a helper added to the module that starts "
                   "the coroutine as a task and keeps the task until it is done. What can go "
                   "wrong: the coroutine now runs, concurrently with the code that scheduled it, "
                   "which may not expect it; its exceptions are only logged. Callbacks given to "
                   "threads, executors, `signal.signal`, `atexit` or `weakref.finalize` are left: "
                   "they run where no event loop runs.")


class WaitOnBareCoroutines(_CoroutineRule):
    code = "AIO103"
    name = "wait-on-bare-coroutines"
    message = ("AIO103 `{api}()` is given coroutine objects (`{callee}()`): a TypeError since "
               "Python 3.11; wrap each in `asyncio.create_task()` first, or use "
               "`asyncio.gather()`")
    summary = ("`asyncio.wait()` given coroutine objects: a literal or comprehension of "
               "coroutine calls, or a name bound to one.")
    why = ("`asyncio.wait()` waits for tasks and futures. Passing coroutines to it was "
           "deprecated in Python 3.8 (they were wrapped in tasks silently, and the returned "
           "`done` set then held tasks that compare unequal to the coroutines passed in) and "
           "raises `TypeError: Passing coroutines is forbidden, use tasks explicitly.` since "
           "Python 3.11.")
    example = ("import asyncio\n\n\n"
               "async def fetch(url): ...\n\n\n"
               "async def main(urls):\n"
               "    coros = [fetch(url) for url in urls]\n"
               "    done, pending = await asyncio.wait(coros)\n")
    instead = ("import asyncio\n\n\n"
               "async def fetch(url): ...\n\n\n"
               "async def main(urls):\n"
               "    tasks = [asyncio.create_task(fetch(url)) for url in urls]\n"
               "    done, pending = await asyncio.wait(tasks)\n")
    limits = (_SEE_AIO100 + " The argument is judged when it is a list, set or tuple literal, a "
              "comprehension, `map()` of a coroutine function, or a local name every assignment "
              "of which is one of those; a list filled with `append()` is not followed.")
    references = ("https://docs.python.org/3/library/asyncio-task.html#asyncio.wait",
                  "https://docs.python.org/3/whatsnew/3.11.html#removed")
    fix_safety = "safe"
    fix_summary = ("Each coroutine call of the literal or comprehension given to `asyncio.wait()` "
                   "is wrapped in `asyncio.create_task()`; any other argument (a name, `map()`) "
                   "becomes `[asyncio.ensure_future(aw) for aw in ...]`, which passes tasks it "
                   "already holds through. Python before 3.11 did the same wrapping silently.")


RULES: List[Type[Rule]] = [CoroutineNeverAwaited, CoroutineUsedAsValue, AsyncFunctionAsCallback,
                           WaitOnBareCoroutines]
