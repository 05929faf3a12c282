"""AIO4xx: tasks whose exceptions vanish.

A Task (or the Future of `run_in_executor`) holds its coroutine's exception until someone
retrieves it: `await task`, `task.result()`, `task.exception()`, or a done callback that does.
A task that nobody keeps or observes loses it: asyncio can only log "Task exception was never
retrieved" when the task is garbage-collected, if it ever is. These rules find the places where
the handle on a task is dropped or never used, where `gather(return_exceptions=True)` turns
exceptions into values nobody reads, and where a task's own cancellation is swallowed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Set, Tuple, Type, Union

import libcst as cst

from ..calls.tasks import (CANCELLED_ERRORS, CATCH_ALL_ERRORS, GATHER, SUPPRESS, TIMEOUTS,
                           WAITERS, WAITS_ON_COLLECTION, WAITS_ON_FIRST)
from ..names import Scope, format_call, self_class
from ..walk import descendants
from .base import Rule
from ..syntax import has_suspension_point, walk_with_parents
from .tasks_analysis import (Handler, awaited_exprs, getattr_literal, is_cleanup_name,
                             is_logged, is_store, name_observed, observes, single_target,
                             task_factory)
from .tasks_cancel import cancellations, injects_cancellation, reraises
from .tasks_errors import loses_no_error, runs_own_error_handler
from .tasks_handles import holds_task, holds_tasks
from .tasks_project import started_only_elsewhere
from .tasks_starts import coroutine_argument, started_task, task_entry_names

if TYPE_CHECKING:
    from .base import Context

_TASK_FIX = ("keep a reference and add a done callback that retrieves its exception "
             "(`task.add_done_callback(...)` calling `task.exception()`), await it, or use "
             "`asyncio.TaskGroup`")


class DanglingTask(Rule):
    code = "AIO400"
    name = "dangling-task"
    message = ("AIO400 the task made by `{factory}()` is thrown away: it may be garbage-collected "
               "before it finishes and its exception is never seen; " + _TASK_FIX)
    summary = ("The result of `asyncio.create_task`, `asyncio.ensure_future`, "
               "`loop.create_task`, `loop.run_in_executor`, `asyncio.run_coroutine_threadsafe` "
               "(in async def) or a same-module wrapper around one of them "
               "(`def safe_ensure_future(coro): return asyncio.ensure_future(coro)`, "
               "`self.create_task(coro)`) thrown away (an expression statement, or assigned "
               "to `_`).")
    why = ("The event loop keeps only a weak reference to a task. A task whose result is "
           "thrown away can be garbage-collected before it finishes, and if it fails nobody "
           "ever sees the exception: at best asyncio logs `Task exception was never "
           "retrieved` when the task is collected.")
    example = ("async def handle(request):\n"
               "    asyncio.create_task(notify(request.user))\n"
               "    return ok()\n")
    instead = ("background_tasks = set()\n\n"
               "def _finished(task):\n"
               "    background_tasks.discard(task)\n"
               "    if not task.cancelled() and task.exception() is not None:\n"
               "        log.error(\"notify failed\", exc_info=task.exception())\n\n"
               "async def handle(request):\n"
               "    task = asyncio.create_task(notify(request.user))\n"
               "    background_tasks.add(task)\n"
               "    task.add_done_callback(_finished)\n"
               "    return ok()\n")
    limits = ("A loop is recognised from a visible origin (`asyncio.get_running_loop()`, an "
              "annotation) or from its name (`loop`, `_loop`, `event_loop`). "
              "`TaskGroup.create_task`, anyio/trio task groups and nurseries are never reported: "
              "the group waits for its tasks and raises their errors. A wrapper is a sync "
              "same-module def that starts a task from one of its parameters and returns it "
              "(directly, or through a local read nowhere else); a wrapper that also keeps the "
              "task (`_background.add(task)`) or watches it (`add_done_callback`) is trusted "
              "and its callers are not reported. Wrappers in other modules are not followed. "
              "`run_coroutine_threadsafe`'s `concurrent.futures.Future` is the only handle on "
              "the coroutine's outcome: thrown away, its exception is lost without a log; it "
              "is judged only inside `async def` (on the loop's own thread, where it is a "
              "dangling task in disguise): from a worker thread, dropping the future is the "
              "fire-and-forget idiom, like `call_soon_threadsafe`. Not "
              "reported: a task whose coroutine is a same-module `async def` with no "
              "suspension point (it runs to its end in its first step) or one that handles "
              "every exception itself (judged as AIO401 does, also for a module-level `async "
              "def` of another module; a task suspended on a future is kept alive by it), "
              "and `run_in_executor` of a same-module function that "
              "catches every exception itself (the executor holds its work until done).")
    references = (
        "https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task",
        "https://docs.python.org/3/library/asyncio-dev.html#detect-never-retrieved-exceptions",
    )
    fix_safety = "unsafe"
    fix_summary = ("The call is wrapped in `_aio_keep_task(...)`, a helper added to the module "
                   "that puts the task in a module-level set, removes it with "
                   "`add_done_callback(set.discard)` once it is done, and has the event loop "
                   "log its exception at once (as AIO401's fix does). What can go wrong: a task "
                   "that never ends is kept forever; a failure the code meant to ignore is now "
                   "logged.")

    def visit_Expr(self, node: cst.Expr) -> None:
        self._check(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        target = single_target(node)
        if isinstance(target, cst.Name) and target.value == "_":
            self._check(node.value)

    def _check(self, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Call):
            factory = started_task(self.ctx, value)
            if factory is not None and not self._finishes_safely(factory, value):
                self.report(value, factory=factory)

    def _finishes_safely(self, factory: str, call: cst.Call) -> bool:
        """What the task runs is a same-module def that has no exception to lose and cannot
        be collected mid-flight in practice: a coroutine with no suspension point (it finishes
        in its first step) or one that handles every exception itself (as AIO401 judges it),
        or a function given to `run_in_executor` that catches its own errors."""
        if runs_own_error_handler(self.ctx, factory, call):
            return True
        given = coroutine_argument(factory, call)
        if not isinstance(given, cst.Call):
            return False
        func = self.ctx.names.definition(given.func, self.ctx.scope)
        return isinstance(func, cst.FunctionDef) and func.asynchronous is not None \
            and self.ctx.index.is_coroutine_call(given, self.ctx.scope) \
            and not has_suspension_point([func.body])


class UnobservedTask(Rule):
    code = "AIO401"
    name = "unobserved-task"
    message = ("AIO401 the task made by `{factory}()` is kept in `{holder}` but nothing awaits "
               "it or retrieves its result, so its exception vanishes; " + _TASK_FIX)
    summary = ("A task kept in a local, a `self` attribute or a global that nothing ever "
               "awaits, passes on, or inspects (`result()`, `exception()`, "
               "`add_done_callback()`); `cancel()`, `done()` and `cancelled()` alone do not "
               "observe it.")
    why = ("Keeping a reference stops the task from being garbage-collected mid-flight, but "
           "if nothing awaits it or asks for its result its exception is still lost: the "
           "failure shows up, if at all, as `Task exception was never retrieved` in a log when "
           "the object holding the task is collected.")
    example = ("class Runner:\n"
               "    async def run(self):\n"
               "        self.task = asyncio.create_task(work())\n")
    instead = ("class Runner:\n"
               "    async def run(self):\n"
               "        self.task = asyncio.create_task(work())\n\n"
               "    async def stop(self):\n"
               "        self.task.cancel()\n"
               "        with contextlib.suppress(asyncio.CancelledError):\n"
               "            await self.task  # raises work()'s exception, if any\n")
    limits = ("The whole module is searched for uses. An attribute counts as observed when "
              "any object's attribute of that name is used anywhere in the module (other "
              "than `.cancel()`, `.done()`, ..., `is None` or a truth test), including from "
              "subclasses and other classes, and when `getattr(obj, \"name\")` names it. "
              "Code in other modules is not seen: a public attribute or global read only by "
              "another module is reported. Tasks stored into containers, tuples, or by "
              "`a = b = ...` are not followed. Tasks made by a same-module wrapper (see "
              "AIO400) are followed. A `run_in_executor` future whose function (its second "
              "argument) is a same-module function that catches every exception itself is not "
              "reported. A task whose coroutine is a same-module `async def`, or a "
              "module-level `async def` of another module of the project or an installed "
              "package (that module is parsed when a task runs one of its functions, and "
              "judged the same way; methods of other modules' classes are not followed), that "
              "deals with its own errors is not reported: every statement of its body is a "
              "`try` with an `except Exception` (or `BaseException`, or bare) that "
              "raises nothing (another handler may only re-raise the task's own "
              "cancellation: `except CancelledError: ... raise`; an `else` or `finally` must "
              "be made of statements that cannot fail), or a `while True:` (or "
              "`while self.running:`) loop whose body is made the same way, or a statement "
              "that cannot fail but on a programming error: a docstring, `pass`, an "
              "assignment to names or `self.x` of a constant, a name or an attribute, or an "
              "unpacking of one (`retries, delay = self.policy`), "
              "`handler = getattr(self, name)` (the object's own attribute under a plain "
              "name, with or without a default), `assert`s, a guard `if <test>: return` "
              "(or `continue`, `break`; log calls may come first) whose test is names, "
              "attributes, `is None`, "
              "`not`, `and`/`or` and "
              "`.done()`/`.cancelled()` of a known task (typed so, or an attribute only ever "
              "set to `None` or a new task), a log call, `.set()`/`.clear()` of an "
              "`asyncio.Event`, `.cancel()` of a known task, `put_nowait()` of plain values "
              "on an attribute only ever set to `asyncio.Queue()` (no maxsize: it cannot be "
              "full), `await asyncio.sleep(...)`, `await event.wait()` on an `asyncio.Event`, "
              "`await queue.get()` on an `asyncio.Queue` (typed so) that the module never "
              "calls `shutdown()` on (all three raise only the task's own cancellation; the "
              "item may be stored in a name or `self.x`, or unpacked: `name, args = await "
              "self.queue.get()`), `queue.task_done()` after such a "
              "get of the same queue in the same loop round, a bare annotation (`data: "
              "bytes`, not evaluated in a function), "
              "or a call with plain arguments of a same-module sync function made only of "
              "such statements (`self.enqueue(\"flush\")`; the functions it calls are not "
              "followed). The body needs at least one such `try` or such a helper call: "
              "sleeps and logs alone are taken for a stand-in. Any "
              "other statement outside the tries may raise, and the task is reported: an "
              "await or call of real work (`host, port = await self.resolve()`, "
              "`json.loads(raw)`), a subscript (`self.config[\"url\"]`: a missing key is a "
              "broken configuration, not only a programming error), a name computed from "
              "data (`getattr(self, \"on_\" + kind)`: an unknown kind is a message, not a "
              "typo) or another object's attribute (`getattr(self.plugin, name)`), a callback "
              "the coroutine was given (`factory()`: its code is the caller's), or a "
              "`task_done()` before the round's get (it raises ValueError when called more "
              "often than items were got). A `finally` must be made of statements that "
              "cannot fail: cleanup that calls methods doing I/O or awaits the program's own "
              "hooks can raise there, and the task is reported.")
    references = (
        "https://docs.python.org/3/library/asyncio-task.html#asyncio.Task",
        "https://docs.python.org/3/library/asyncio-dev.html#detect-never-retrieved-exceptions",
    )
    fix_safety = "unsafe"
    fix_summary = ("The task is wrapped in `_aio_observe(...)`, a helper added to the module that "
                   "gives it a done callback retrieving its result, so that a failure is logged "
                   "by the event loop at once, with its traceback. What can go wrong: the error "
                   "is logged, not handled; code that expected the task to fail silently now "
                   "logs.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self.observed_attributes: Set[str] = set()
        # (call, factory, attribute name)
        self.attribute_tasks: List[Tuple[cst.Call, str, str]] = []
        # (call, factory, name, scope that binds the name)
        self.name_tasks: List[Tuple[cst.Call, str, str, Scope]] = []

    # -- where tasks are kept --------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        self._record(single_target(node), node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._record(node.target, node.value)

    def _record(self, target: Optional[cst.BaseExpression],
                value: cst.BaseExpression) -> None:
        if target is None or not isinstance(value, cst.Call):
            return
        factory = started_task(self.ctx, value)
        if factory is None or runs_own_error_handler(self.ctx, factory, value):
            return
        scope = self.ctx.scope
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            if self_class(scope, target.value.value) is not None:
                self.attribute_tasks.append((value, factory, target.attr.value))
        elif isinstance(target, cst.Name) and target.value != "_":
            if target.value in scope.nonlocals or scope.kind in ("class", "comprehension"):
                return
            owner = self.ctx.names.binding_scope(target.value, scope)
            if owner is not None:
                self.name_tasks.append((value, factory, target.value, owner))

    # -- how attributes are used (collected during the walk) ---------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name in self.observed_attributes:
            return
        up = self.ctx.parent
        if isinstance(up, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign)) \
                and up.target is node:
            return
        if observes(node, self.ctx.ancestors):
            self.observed_attributes.add(name)

    def visit_Call(self, node: cst.Call) -> None:
        name = getattr_literal(node)
        if name is not None:
            self.observed_attributes.add(name)

    # -- the verdict -------------------------------------------------------------------------

    def finish(self) -> None:
        for call, factory, attribute in self.attribute_tasks:
            if attribute not in self.observed_attributes:
                self.report(call, factory=factory, holder="self." + attribute)
        verdicts: Dict[Tuple[int, str], bool] = {}
        for call, factory, name, owner in self.name_tasks:
            key = (id(owner), name)
            if key not in verdicts:
                verdicts[key] = self._name_unobserved(name, owner)
            if verdicts[key]:
                self.report(call, factory=factory, holder=name)

    def _name_unobserved(self, name: str, owner: Scope) -> bool:
        if self.ctx.names.read_count(name, owner) == 0:
            return True
        # A global may be read by functions anywhere in the module: search all of it.
        return not name_observed(owner.node, name)


class GatherExceptionsDiscarded(Rule):
    code = "AIO402"
    name = "gather-exceptions-discarded"
    message = ("AIO402 the result of `{callee}(..., return_exceptions=True)` is thrown away, "
               "and every exception with it: read the results and handle the exceptions "
               "among them, or drop `return_exceptions=True`")
    summary = ("`await asyncio.gather(..., return_exceptions=True)` whose result is thrown "
               "away (an expression statement, assigned to `_`, or to a local never read).")
    why = ("With `return_exceptions=True`, `gather` does not raise: each awaitable's exception "
           "is returned in the result list in place of its value. Throwing the list away "
           "silences every failure; nothing is logged.")
    example = ("async def refresh_all(feeds):\n"
               "    await asyncio.gather(*(f.refresh() for f in feeds), "
               "return_exceptions=True)\n")
    instead = ("async def refresh_all(feeds):\n"
               "    results = await asyncio.gather(*(f.refresh() for f in feeds),\n"
               "                                   return_exceptions=True)\n"
               "    for feed, result in zip(feeds, results):\n"
               "        if isinstance(result, Exception):\n"
               "            log.error(\"refreshing %s failed\", feed, exc_info=result)\n")
    limits = ("`return_exceptions` must be the literal `True`. A module-level name is never "
              "judged unread. Best-effort cleanup is left alone, where ignoring errors is the "
              "point: a `gather` in a `finally:` or `except` block, in a function named like "
              "`close`, `aclose`, `stop`, `shutdown`, `cleanup`, `teardown`, `terminate`, "
              "`disconnect` or `__aexit__`, or waiting for tasks this function cancelled "
              "before (`for t in tasks: t.cancel()`, then `gather(*tasks, "
              "return_exceptions=True)`). Also left alone: a gather whose every argument is "
              "an existing task handle being waited for (a name known to hold a task, "
              "`*startup_tasks` with `startup_tasks: list[asyncio.Task]` or built from "
              "`create_task` calls, an attribute), whose exceptions belong to whoever made "
              "and observes the tasks; and a gather whose every argument is a call of a "
              "coroutine that handles every exception itself (as AIO401 judges it, same-module "
              "or module-level in another module), also `*(self.safe(x) for x in xs)`, or "
              "of one that raises nothing but the cancellation (`asyncio.sleep()`, "
              "`event.wait()` on an `asyncio.Event`; not `Condition.wait()`, which raises "
              "when its lock is not held). A gather over "
              "fresh calls of other coroutines stays reported.")
    references = ("https://docs.python.org/3/library/asyncio-task.html#asyncio.gather",)
    fix_safety = "none"
    fix_summary = ("What to do with the returned exceptions (log them, raise the first, retry) is "
                   "the caller's decision.")

    def visit_Expr(self, node: cst.Expr) -> None:
        self._check(node.value, node)

    def visit_Assign(self, node: cst.Assign) -> None:
        target = single_target(node)
        if not isinstance(target, cst.Name):
            return
        scope = self.ctx.scope
        if target.value == "_" or (
                scope.function is scope and target.value not in scope.globals
                and target.value not in scope.nonlocals
                and self.ctx.names.read_count(target.value, scope) == 0):
            self._check(node.value, node)

    def _check(self, value: cst.BaseExpression, statement: cst.CSTNode) -> None:
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call) or not any(
                arg.keyword is not None and arg.keyword.value == "return_exceptions"
                and isinstance(arg.value, cst.Name) and arg.value.value == "True"
                for arg in value.args):
            return
        if self.ctx.qualname(value.func) not in GATHER:
            return
        if self._in_cleanup():
            return
        cancelled = cancellations(self.ctx)
        if cancelled.gathers_cancelled(value, cancelled.before(statement)):
            return
        awaited = [arg for arg in value.args if arg.keyword is None]
        if awaited and all(self._nothing_to_lose(arg) for arg in awaited):
            return
        self.report(value, callee=format_call(value.func))

    def _nothing_to_lose(self, arg: cst.Arg) -> bool:
        """An awaitable whose exceptions are no one's to lose here: an existing task handle
        (observed by whoever made it), or a call of a same-module coroutine that handles
        every exception itself (also `*(self.safe(x) for x in xs)`)."""
        value = arg.value
        made = self._made_here(value)
        if made is not None:       # tasks this function made: their errors are this gather's
            return all(loses_no_error(self.ctx, coroutine, scope)
                       for coroutine, scope in made)
        if arg.star:
            if isinstance(value, (cst.GeneratorExp, cst.ListComp, cst.SetComp)):
                return loses_no_error(self.ctx, value.elt, self.ctx.names.scope_of.get(value))
            return holds_tasks(self.ctx, value)
        return holds_task(self.ctx, value) \
            or loses_no_error(self.ctx, value, self.ctx.scope)

    def _made_here(self, value: cst.BaseExpression
                   ) -> Optional[List[Tuple[cst.BaseExpression, Optional[Scope]]]]:
        """The coroutines (with the scope they are written in) of the tasks that this
        function binds to the name `value` (`t = create_task(c)`, `ts = [create_task(c) for
        ...]`); None when the name holds anything else, or is not this function's local."""
        function = self.ctx.scope.function
        if not isinstance(value, cst.Name) or function is None \
                or self.ctx.names.binding_scope(value.value, self.ctx.scope) is not function:
            return None
        made: List[Tuple[cst.BaseExpression, Optional[Scope]]] = []
        for binding in function.bindings.get(value.value, []):
            call: Optional[cst.CSTNode] = binding.node
            scope: Optional[Scope] = binding.scope
            if isinstance(call, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
                call, scope = call.elt, self.ctx.names.scope_of.get(call)
            factory = (task_factory(self.ctx, call, scope)
                       if isinstance(call, cst.Call) and scope is not None else None)
            coroutine = coroutine_argument(factory, call) \
                if factory is not None and isinstance(call, cst.Call) else None
            if binding.kind != "assign" or coroutine is None:
                return None
            made.append((coroutine, scope))
        return made or None

    def _in_cleanup(self) -> bool:
        """In a `finally:` or `except` block, or a close()-like function: best effort there."""
        function = self.ctx.scope.function
        if function is not None and isinstance(function.node, cst.FunctionDef) \
                and is_cleanup_name(function.node.name.value):
            return True
        for ancestor in reversed(self.ctx.ancestors):
            if isinstance(ancestor, (cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler)):
                return True
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return False
        return False


class CancellationSwallowed(Rule):
    code = "AIO403"
    name = "cancellation-swallowed"
    message = ("AIO403 {what} swallows this task's `asyncio.CancelledError` (caught, never "
               "re-raised): the task cannot be cancelled, so timeouts, shutdown and TaskGroup "
               "stop working; re-raise it after cleanup (`raise`)")
    summary = ("Inside async def, an `except` that catches `asyncio.CancelledError` (by name, "
               "in a tuple, as `BaseException`, or bare `except:`) around a suspension point "
               "and does not re-raise; also `contextlib.suppress(asyncio.CancelledError)`.")
    why = ("Cancellation is delivered as a `CancelledError` raised at the `await` the task is "
           "suspended on. A task that catches it and carries on, or returns normally, tells its "
           "canceller it was not cancelled: `asyncio.timeout()` and `wait_for()` hang or "
           "return late, `TaskGroup` and `asyncio.run()` cannot shut it down.")
    example = ("async def worker(queue):\n"
               "    while True:\n"
               "        try:\n"
               "            job = await queue.get()\n"
               "        except asyncio.CancelledError:\n"
               "            log.info(\"worker stopping\")\n"
               "            return\n")
    instead = ("async def worker(queue):\n"
               "    while True:\n"
               "        try:\n"
               "            job = await queue.get()\n"
               "        except asyncio.CancelledError:\n"
               "            log.info(\"worker stopping\")\n"
               "            raise\n")
    limits = ("Only handlers whose `try` (or `with suppress(...)`) body has a suspension "
              "point (`await`, `async for`, `async with`): elsewhere the task's own "
              "cancellation cannot arrive. A handler with any `raise` statement is taken to "
              "re-raise (also `raise Other() from e`, which still ends the task, and a "
              "conditional `raise`). Not reported either: a handler that hands the exception "
              "on (`except CancelledError as e:` storing, returning or passing `e` to a call "
              "other than a logger, as when errors are collected and raised later); a body "
              "whose awaits are all on task or future handles, where the CancelledError "
              "caught is usually the awaited task's, which covers the idiom `t.cancel()` then "
              "`try: await t except CancelledError: pass`. A name is a handle only when it is "
              "known to hold a task or future: made by `create_task`, `ensure_future`, "
              "`gather`, `shield`, `loop.create_future`, `run_in_executor`, a project factory "
              "named `*_task`/`*_future`, annotated `Task`/`Future` (also `Optional[...]`, "
              "`... | None`), or a loop variable over a collection of them (a `task = None` "
              "beside such bindings, as in `task = None; if wanted: task = "
              "create_task(...)`, leaves it a handle); an attribute "
              "(`await self._task`) is taken for one unless it is seen holding a coroutine. An "
              "awaited parameter or a local holding a coroutine (`coro = self.poll()`, then "
              "`await asyncio.wait_for(coro, t)`) is where this task's cancellation lands, "
              "and is reported. Waiters count through their awaitables (`gather(*tasks)`, "
              "`wait_for(self._task, 5)`, `wait({t})`, optionally inside `async with "
              "asyncio.timeout(...)`). Also not reported: anything awaited after this "
              "function called `.cancel()` on it; a CancelledError the function injects "
              "itself (a `raise` of it in the try's body or in a fake defined in the "
              "function, or a mock told to raise it: `side_effect=`, `exception=`, "
              "`mock.side_effect = [msg, CancelledError()]`, also through a local), as tests "
              "do to stop an endless loop; a `try` in an async def that the module only ever "
              "starts as a task (`create_task(self._run())`, `asyncio.run(main())`, through a "
              "local first, through a same-module wrapper such as `safe_ensure_future(coro)` "
              "or another module's factory named `*_task`/`*_future`) and never awaits or "
              "passes on (found by the function's name; calls through an imported module do "
              "not count as uses; a task awaited where it is made, `await "
              "create_task(self._run())`, is awaited), or a module-level `async def` "
              "without decorators that other modules of the project start as tasks through "
              "an import of it (`ensure_future(heartbeater(...))`) and that no module of the "
              "project mentions in any other way, by name (test code aside: a test that "
              "awaits the loop directly to exercise it does not change how the application "
              "runs it), when the try is outside any loop, or in one loop that every "
              "swallowing handler ends (`break`, `return`; `return` also from nested loops): "
              "the task then runs its cleanup to the end, as cancelling it asked. "
              "A handler that catches the cancellation and goes on looping stays reported. "
              "A bare `raise` inside a nested handler (`except (KeyboardInterrupt, "
              "SystemExit): raise`) re-raises that handler's exception, not this one's. "
              "`BaseException` and bare `except:` count only in modules that import "
              "`asyncio` and neither `trio` nor `anyio`. `concurrent.futures.CancelledError` "
              "is a different exception and is not matched.")
    references = (
        "https://docs.python.org/3/library/asyncio-task.html#task-cancellation",
        "https://docs.python.org/3/library/asyncio-exceptions.html#asyncio.CancelledError",
    )
    fix_safety = "unsafe"
    fix_summary = ("A handler of `CancelledError` alone re-raises at its end (a trailing `pass`, "
                   "`continue` or `break` becomes `raise`); a handler that catches more (bare "
                   "`except:`, `BaseException`, a tuple) ends with `if isinstance(error, "
                   "asyncio.CancelledError): raise` (named `except ... as error` if it was not; "
                   "before a trailing `return`, `pass`, `continue` or `break`), so that the "
                   "other exceptions stay caught. What can go wrong: the code after "
                   "the `try`, which ran after a cancellation before, no longer does (cleanup "
                   "belongs in `finally`); a caller that relied on the coroutine returning "
                   "normally when cancelled now gets `CancelledError`. A `CancelledError` handler "
                   "ending in `return` and `contextlib.suppress(CancelledError)` are left.")

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self._asyncio_only: Optional[bool] = None

    def leave_Try(self, node: cst.Try) -> None:
        self._check_try(node)

    def leave_TryStar(self, node: cst.TryStar) -> None:
        self._check_try(node)

    def _check_try(self, node: Union[cst.Try, cst.TryStar]) -> None:
        if not self.ctx.in_async_def:
            return
        swallowing = []
        for handler in node.handlers:
            what = self._catches(handler)
            if what is not None and not reraises(handler) and not self._hands_on(handler):
                swallowing.append((handler, what))
        if swallowing and has_suspension_point([node.body]) \
                and not self._waits_for_other_tasks(node) \
                and not injects_cancellation(self.ctx, node) \
                and not self._ends_a_task([handler for handler, _ in swallowing]):
            for handler, what in swallowing:
                self.report(handler, what=what)

    def _ends_a_task(self, handlers: List[Handler]) -> bool:
        """The try is in an async def that this module only ever starts as a task
        (`create_task(self._run())`, `asyncio.run(main())`), or, for a module-level one, that
        the project starts only as a task from its other modules (`tasks_project.py`),
        outside any loop or in one loop that every swallowing handler ends (`break`,
        `return`): after catching the cancellation the task runs to its end, as cancelling
        it asked, and no awaiting caller carries on as if nothing happened."""
        loops = 0
        for ancestor in reversed(self.ctx.ancestors):
            if isinstance(ancestor, (cst.For, cst.While)):
                loops += 1
            if isinstance(ancestor, cst.FunctionDef):
                if loops and not all(_ends_loop(handler, loops) for handler in handlers):
                    return False
                name = ancestor.name.value
                return name in task_entry_names(self.ctx) or (
                    not ancestor.decorators
                    and any(statement is ancestor for statement in self.ctx.module.body)
                    and started_only_elsewhere(self.ctx, name))
        return False

    def leave_With(self, node: cst.With) -> None:
        if node.asynchronous is not None or not self.ctx.in_async_def:
            return
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and self.ctx.qualname(call.func) in SUPPRESS \
                    and any(self._is_cancellation(arg.value) for arg in call.args) \
                    and has_suspension_point([node.body]) \
                    and not self._waits_for_other_tasks(node):
                self.report(call, what="`%s()`" % format_call(call.func))

    def _catches(self, handler: Handler) -> Optional[str]:
        """How the handler catches cancellation ("bare `except:`"), or None if it does not."""
        if handler.type is None:
            return "bare `except:`" if self._catch_all_means_asyncio() else None
        types: Sequence[cst.BaseExpression] = [handler.type]
        if isinstance(handler.type, cst.Tuple):
            types = [element.value for element in handler.type.elements]
        for kind in types:
            if self._is_cancellation(kind):
                return "`except %s`" % self.ctx.module.code_for_node(kind).strip()
        return None

    def _is_cancellation(self, expr: cst.BaseExpression) -> bool:
        called = self.ctx.qualname(expr)
        if called in CANCELLED_ERRORS:
            return True
        return called in CATCH_ALL_ERRORS and self._catch_all_means_asyncio()

    def _catch_all_means_asyncio(self) -> bool:
        """A catch-all meets asyncio's cancellation only in asyncio code (not trio's)."""
        if self._asyncio_only is None:
            imported = set()
            for bindings in self.ctx.names.module_scope.bindings.values():
                for binding in bindings:
                    if binding.kind == "import" and binding.qualname:
                        imported.add(binding.qualname.split(".")[0])
            self._asyncio_only = "asyncio" in imported and not imported & {"trio", "anyio"}
        return self._asyncio_only

    def _waits_for_other_tasks(self, node: Union[cst.Try, cst.TryStar, cst.With]) -> bool:
        """The block only awaits task/future handles, or something this function cancelled
        (before leaving `node`).

        Awaiting another task raises CancelledError when *that* task was cancelled; catching
        it there is handling the other task's outcome (`t.cancel()`, then `try: await t`).
        """
        body = node.body
        awaited = list(awaited_exprs(body))
        tracker = cancellations(self.ctx)
        cancelled = tracker.before(node, through=True)
        if cancelled and any(tracker.text(expr) in cancelled
                             or (isinstance(expr, cst.Call)
                                 and tracker.gathers_cancelled(expr, cancelled))
                             for expr in awaited):
            return True
        if not awaited or any(self._suspends_otherwise(node)
                              for node in descendants(body, into_scopes=False)):
            return False
        return all(holds_task(self.ctx, expr) or self._waits_for_handles(expr)
                   for expr in awaited)

    def _waits_for_handles(self, expr: cst.BaseExpression) -> bool:
        """`asyncio.gather(*tasks)`, `asyncio.wait_for(self._task, 5)`."""
        if not isinstance(expr, cst.Call):
            return False
        waiter = self.ctx.qualname(expr.func)
        if waiter not in WAITERS:
            return False
        given = [arg for arg in expr.args if arg.keyword is None]
        if waiter in WAITS_ON_COLLECTION:
            return bool(given) and holds_tasks(self.ctx, given[0].value)
        if waiter in WAITS_ON_FIRST:
            given = given[:1]
        return all(holds_tasks(self.ctx, arg.value) if arg.star
                   else holds_task(self.ctx, arg.value) or self._waits_for_handles(arg.value)
                   for arg in given)

    def _suspends_otherwise(self, node: cst.CSTNode) -> bool:
        """An `async for`/`async with` other than a timeout (which raises TimeoutError)."""
        if isinstance(node, cst.With) and node.asynchronous is not None:
            return not all(isinstance(item.item, cst.Call)
                           and self.ctx.qualname(item.item.func) in TIMEOUTS
                           for item in node.items)
        return isinstance(node, (cst.For, cst.CompFor)) and node.asynchronous is not None

    def _hands_on(self, handler: Handler) -> bool:
        """The handler stores, returns or passes on the exception (other than to a logger)."""
        if handler.name is None or not isinstance(handler.name.name, cst.Name):
            return False
        name = handler.name.name.value
        order, parent = walk_with_parents(handler.body)
        for node in order:
            if isinstance(node, cst.Name) and node.value == name \
                    and not is_store(node, parent.get(node)) \
                    and not is_logged(node, parent):
                return True
        return False


def _ends_loop(handler: Handler, loops: int) -> bool:
    """The handler's last statement leaves the function (`return`), or the one loop the try
    is in (`break`)."""
    body = handler.body
    last = body.body[-1] if isinstance(body, cst.IndentedBlock) and body.body else None
    if isinstance(last, cst.SimpleStatementLine):
        final = last.body[-1]
        return isinstance(final, cst.Return) or (isinstance(final, cst.Break) and loops == 1)
    return False


RULES: List[Type[Rule]] = [DanglingTask, UnobservedTask, GatherExceptionsDiscarded,
                           CancellationSwallowed]
