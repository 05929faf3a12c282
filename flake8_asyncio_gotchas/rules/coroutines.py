"""AIO1xx: coroutines that never run.

Which calls make coroutines is `index.CoroutineIndex`'s business (same module, standard
library, other first-party modules); these rules decide what happens to the coroutine.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Set, Type

import libcst as cst

from ..calls.coroutines import (CALLBACK_APIS, CALLBACK_METHODS, COROUTINE_ATTRIBUTES,
                                FORMATTING_BUILTINS, ITERATING_BUILTINS, CallbackApi)
from ..names import format_call
from .base import Rule

if TYPE_CHECKING:
    from ..engine import Context
    from ..names import Scope

_FIX = "add `await`, or schedule it with `asyncio.create_task()` and keep the task"

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)

_WHICH_CALLS = ("Coroutine functions are those the module can see: `async def` of the same "
                "module (functions, nested functions, methods through `self`, `cls`, `super()`, "
                "the class name or an instance made in view, inherited from same-module or "
                "first-party bases), the standard library's coroutine functions, and `async def` "
                "of other modules of the same project, found on disk from the linted file "
                "(imports resolved through package `__init__.py` re-exports; nothing is imported "
                "or run). When flake8 reads standard input without a `--stdin-display-name` "
                "naming a real path, only the same module is known. An `async def` with a "
                "decorator that may change what calling it returns is not assumed to return a "
                "coroutine, and neither is a method reached through a base class that cannot be "
                "read (third-party).")

_SEE_AIO100 = ("Coroutine functions are recognised as for AIO100 (same module, standard "
               "library, other modules of the same project).")

# Return annotations that declare an awaitable as the result of an `async def`.
_AWAITABLE_RESULTS = frozenset({"typing.Awaitable", "typing.Coroutine",
                                "collections.abc.Awaitable", "collections.abc.Coroutine"})

_TASK_DOCS = "https://docs.python.org/3/library/asyncio-task.html#coroutines"


class _CoroutineRule(Rule):
    """Shared helpers: is this expression a call that makes a coroutine?"""

    def coroutine_call(self, expr: Optional[cst.BaseExpression],
                       scope: Optional["Scope"] = None) -> Optional[cst.Call]:
        if isinstance(expr, cst.Call) and self.ctx.index.is_coroutine_call(
                expr, scope or self.ctx.scope):
            return expr
        return None

    def builtin(self, func: cst.BaseExpression) -> Optional[str]:
        """The builtin a call's callee names (not shadowed), or None."""
        if isinstance(func, cst.Name) and self.ctx.names.bindings(func.value,
                                                                  self.ctx.scope) is None:
            return func.value
        return None


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

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, cst.IfExp):           # `fetch() if x else other()`
            self._check(value.body)
            self._check(value.orelse)
        elif isinstance(value, _COMPREHENSIONS):   # `[fetch(u) for u in urls]` as a statement
            self._check(value.elt, self.ctx.names.scope_of.get(value))
        else:
            self._check(value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if name == "_" or self._never_read(name):
            self._check(node.value)

    def _never_read(self, name: str) -> bool:
        scope = self.ctx.scope
        if scope.function is not scope or name in scope.globals or name in scope.nonlocals:
            return False
        return self.ctx.names.read_count(name, scope) == 0

    def _check(self, value: cst.BaseExpression, scope: Optional["Scope"] = None) -> None:
        call = self.coroutine_call(value, scope)
        if call is not None:
            self.report(call, callee=format_call(call.func))


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

    def __init__(self, ctx: "Context") -> None:
        super().__init__(ctx)
        self._seen: Set[int] = set()

    def _use(self, expr: Optional[cst.BaseExpression], use: str,
             scope: Optional["Scope"] = None) -> None:
        call = self.coroutine_call(expr, scope)
        if call is not None and id(call) not in self._seen:
            self._seen.add(id(call))
            self.report(call, callee=format_call(call.func), use=use)

    # -- boolean context ----------------------------------------------------------------------

    _TRUTH = "tested for truth (always true)"

    def visit_If(self, node: cst.If) -> None:
        self._use(node.test, self._TRUTH)

    def visit_While(self, node: cst.While) -> None:
        self._use(node.test, self._TRUTH)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._use(node.test, self._TRUTH)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._use(node.test, self._TRUTH)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._use(node.test, self._TRUTH)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._use(node.expression, self._TRUTH)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # The left operand is always tested; the right one only when the whole is.
        self._use(node.left, self._TRUTH)
        if self._in_boolean_context(len(self.ctx.ancestors) - 1, node):
            self._use(node.right, self._TRUTH)

    def _in_boolean_context(self, index: int, node: cst.CSTNode) -> bool:
        while index >= 0:
            parent = self.ctx.ancestors[index]
            if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.Assert, cst.CompIf)):
                return getattr(parent, "test", None) is node
            if isinstance(parent, cst.UnaryOperation):
                return isinstance(parent.operator, cst.Not)
            if not isinstance(parent, cst.BooleanOperation):
                return False
            if parent.left is node:
                return True
            node, index = parent, index - 1
        return False

    # -- iteration ----------------------------------------------------------------------------

    _ITERATED = "iterated"

    def visit_For(self, node: cst.For) -> None:
        self._use(node.iter, self._ITERATED)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._use(node.iter, self._ITERATED)

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._use(node.value, "unpacked")

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(target.target, (cst.Tuple, cst.List)) for target in node.targets):
            self._use(node.value, "unpacked")

    # -- the call's item or attribute -----------------------------------------------------------

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._use(node.value, "subscripted")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in COROUTINE_ATTRIBUTES:
            self._use(node.value, "asked for `.%s`" % node.attr.value)

    # -- comparison and formatting --------------------------------------------------------------

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._use(node.left, "compared")
        for target in node.comparisons:
            self._use(target.comparator, "compared")

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        self._use(node.expression, "formatted")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Modulo) and isinstance(
                node.left, (cst.SimpleString, cst.ConcatenatedString)):
            right = node.right
            values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [
                right]
            for value in values:
                self._use(value, "formatted")

    def visit_Call(self, node: cst.Call) -> None:
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if isinstance(node.func, cst.Attribute):
            if node.func.attr.value == "format" and isinstance(
                    node.func.value, (cst.SimpleString, cst.ConcatenatedString)):
                for arg in node.args:
                    if not arg.star:
                        self._use(arg.value, "formatted")
            return
        builtin = self.builtin(node.func)
        if builtin in FORMATTING_BUILTINS:
            for value in positional if builtin == "print" else positional[:1]:
                self._use(value, "formatted")
        elif builtin in ITERATING_BUILTINS:
            first, rest = ITERATING_BUILTINS[builtin]
            for value in positional[first:] if rest else positional[first:first + 1]:
                self._use(value, "iterated" if builtin != "len" else "measured")

    # -- returned from an async def ---------------------------------------------------------------

    def visit_Return(self, node: cst.Return) -> None:
        if self.ctx.in_async_def and not self._declares_awaitable_result():
            self._use(node.value, "returned from an async def (the caller's `await` gets the "
                                  "coroutine back)")

    def _declares_awaitable_result(self) -> bool:
        """`async def f() -> Awaitable[X]`: the coroutine is the declared result, returned on
        purpose for the caller to await in turn (`await (await f())`)."""
        function = self.ctx.scope.node
        returns = getattr(function, "returns", None)
        if not isinstance(function, cst.FunctionDef) or returns is None:
            return False
        annotation = returns.annotation
        if isinstance(annotation, cst.SimpleString):    # `-> "Awaitable[Result]"`
            try:
                annotation = cst.parse_expression(str(annotation.evaluated_value))
            except (cst.ParserSyntaxError, TypeError):
                return False
        declared = self.ctx.names.annotation_type(annotation, self.ctx.scope.parent
                                                  or self.ctx.scope)
        return declared in _AWAITABLE_RESULTS


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

    def visit_Call(self, node: cst.Call) -> None:
        api = self._api(node)
        if api is None:
            return
        callback = _argument(node, api.position, api.keyword)
        if callback is None:
            return
        what = self._async_callback(callback)
        if what is not None:
            self.report(callback, what=what, api=format_call(node.func), fix=api.fix)

    def _api(self, node: cst.Call) -> Optional[CallbackApi]:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CALLBACK_METHODS:
            return CALLBACK_METHODS[func.attr.value]
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        qualname = self.ctx.qualname(func)
        return CALLBACK_APIS.get(qualname) if qualname else None

    def _async_callback(self, callback: cst.BaseExpression) -> Optional[str]:
        """How to name the async function `callback` is, or None when it is not one."""
        index, scope = self.ctx.index, self.ctx.scope
        if isinstance(callback, cst.Lambda):
            body_scope = self.ctx.names.scope_of.get(callback)
            call = self.coroutine_call(callback.body, body_scope)
            if call is None:
                return None
            return "this lambda returns the coroutine of `%s()`" % format_call(call.func)
        if isinstance(callback, cst.Call) and self.ctx.qualname(callback.func) in (
                "functools.partial", "functools.partialmethod"):
            callback = _argument(callback, 0, "func") or callback
        if isinstance(callback, (cst.Name, cst.Attribute)) and index.is_coroutine_function(
                callback, scope):
            return "`%s` is an async function" % format_call(callback)
        return None


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

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, (cst.Name, cst.Attribute)) or self.ctx.qualname(
                node.func) not in ("asyncio.wait", "asyncio.tasks.wait"):
            return
        argument = _argument(node, 0, "fs")
        callee = self._coroutines_in(argument, self.ctx.scope, 0) if argument else None
        if callee is not None:
            self.report(node, api=format_call(node.func), callee=callee)

    def _coroutines_in(self, expr: cst.BaseExpression, scope: "Scope", depth: int
                       ) -> Optional[str]:
        """The callee of a coroutine call that `expr` (evaluated in `scope`) collects."""
        if isinstance(expr, (cst.List, cst.Set, cst.Tuple)):
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    found = self._coroutines_in(element.value, scope, depth + 1)
                else:
                    call = self.coroutine_call(element.value, scope)
                    found = format_call(call.func) if call is not None else None
                if found is not None:
                    return found
            return None
        if isinstance(expr, _COMPREHENSIONS):
            call = self.coroutine_call(expr.elt, self.ctx.names.scope_of.get(expr))
            return format_call(call.func) if call is not None else None
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and \
                self.ctx.names.bindings("map", scope) is None and expr.func.value == "map":
            function = _argument(expr, 0, "")
            if function is not None and self.ctx.index.is_coroutine_function(function, scope):
                return format_call(function)
            return None
        if isinstance(expr, cst.Name) and depth < 3:
            return self._name_collects(expr, scope, depth)
        return None

    def _name_collects(self, name: cst.Name, scope: "Scope", depth: int) -> Optional[str]:
        bindings = self.ctx.names.bindings(name.value, scope, name)
        if not bindings:
            return None
        found = None
        for binding in bindings:
            if binding.kind != "assign" or binding.node is None:
                return None
            found = self._coroutines_in(binding.node,  # type: ignore[arg-type]
                                        binding.scope, depth + 1)
            if found is None:
                return None
        return found


def _argument(call: cst.Call, position: int, keyword: str) -> Optional[cst.BaseExpression]:
    """The argument passed at `position` or as `keyword`; None when absent or unsure."""
    index = 0
    for arg in call.args:
        if arg.star:
            return None                     # `*args` before it: position unknown
        if arg.keyword is not None:
            if keyword and arg.keyword.value == keyword:
                return arg.value
            continue
        if index == position:
            return arg.value
        index += 1
    return None


RULES: List[Type[Rule]] = [CoroutineNeverAwaited, CoroutineUsedAsValue, AsyncFunctionAsCallback,
                           WaitOnBareCoroutines]
