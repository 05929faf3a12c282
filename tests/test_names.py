"""names.py: what each call's callee resolves to, seen from where the call is."""
from __future__ import annotations

import textwrap
from typing import Dict, List, Optional

import libcst as cst

from flake8_asyncio_gotchas.engine import Context, _walk
from flake8_asyncio_gotchas.names import collect_scopes
from flake8_asyncio_gotchas.rules.base import Rule


def resolved_calls(source: str, how: str = "qualname") -> Dict[str, Optional[str]]:
    """{callee as written, numbered by line: its qualname (or instance type)} for every call."""
    module = cst.parse_module(textwrap.dedent(source))
    ctx = Context(module, collect_scopes(module), "t.py", {})
    found: Dict[str, Optional[str]] = {}

    class Collect(Rule):
        def visit_Call(self, node: cst.Call) -> None:
            text = module.code_for_node(node.func)
            if how == "qualname":
                found[text] = ctx.qualname(node.func)
            else:
                found[text] = ctx.instance_type(node.func.value)  # type: ignore[attr-defined]

    _walk(ctx, [Collect(ctx)])
    return found


def test_import_forms() -> None:
    calls = resolved_calls("""
        import time
        import os.path
        import urllib.request as ur
        from time import sleep as nap
        from subprocess import run
        time.sleep(1)
        os.path.join("a")
        ur.urlopen("x")
        nap(1)
        run("x")
        open("f")
    """)
    assert calls == {"time.sleep": "time.sleep", "os.path.join": "os.path.join",
                     "ur.urlopen": "urllib.request.urlopen", "nap": "time.sleep",
                     "run": "subprocess.run", "open": "open"}


def test_relative_imports_keep_their_dots() -> None:
    calls = resolved_calls("""
        from . import service
        from .service import fetch
        from ..pkg.mod import thing as other
        service.get()
        fetch()
        other()
    """)
    assert calls == {"service.get": ".service.get", "fetch": ".service.fetch",
                     "other": "..pkg.mod.thing"}


def test_import_inside_function_is_local_to_it() -> None:
    calls = resolved_calls("""
        def a():
            import time
            time.sleep(1)

        def b():
            time.sleep(2)
    """)
    # The second call sits in b(), where no `time` is imported: it is an unknown global.
    assert calls["time.sleep"] == "time.sleep"
    only_b = resolved_calls("""
        def a():
            import requests
        def b():
            requests.get("x")
    """)
    assert only_b["requests.get"] == "requests.get"  # unbound: the name as written


def test_parameter_shadows_import() -> None:
    calls = resolved_calls("""
        import requests
        def handler(requests):
            requests.get("x")
    """)
    assert calls["requests.get"] is None


def test_assignment_shadows_import_in_function_only() -> None:
    source = """
        import time
        def f():
            time = make_clock()
            time.sleep(1)
        def g():
            time.sleep(2)
    """
    module = cst.parse_module(textwrap.dedent(source))
    ctx = Context(module, collect_scopes(module), "t.py", {})
    results = []

    class Collect(Rule):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute):
                results.append(ctx.qualname(node.func))

    _walk(ctx, [Collect(ctx)])
    # In f() the local `time` is whatever make_clock() returned, not the module.
    assert results == ["make_clock.sleep", "time.sleep"]


def test_class_body_is_not_an_enclosing_scope() -> None:
    calls = resolved_calls("""
        import time
        class C:
            time = None
            def m(self):
                time.sleep(1)
    """)
    assert calls["time.sleep"] == "time.sleep"


def test_global_declaration_reaches_module_binding() -> None:
    calls = resolved_calls("""
        from time import sleep
        def f():
            global sleep
            sleep(1)
    """)
    assert calls["sleep"] == "time.sleep"


def test_ambiguous_bindings_resolve_to_none() -> None:
    calls = resolved_calls("""
        try:
            import ujson as json
        except ImportError:
            import json
        json.loads("1")
    """)
    assert calls["json.loads"] is None


def test_same_module_definitions() -> None:
    calls = resolved_calls("""
        def helper(): ...
        class Runner:
            def go(self):
                helper()
    """)
    assert calls["helper"] == "<module>.helper"


def test_instance_types_from_visible_origins() -> None:
    calls = resolved_calls("""
        import threading, requests, asyncio
        session = requests.Session()
        class Worker:
            def __init__(self):
                self._lock = threading.Lock()
            async def run(self):
                self._lock.acquire()
                session.get("u")
                loop = asyncio.get_running_loop()
                loop.run_until_complete(None)
    """)
    assert calls["self._lock.acquire"] == "threading.Lock.acquire"
    assert calls["session.get"] == "requests.Session.get"
    assert calls["loop.run_until_complete"] == "asyncio.AbstractEventLoop.run_until_complete"


def test_instance_type_unknown_when_origins_disagree() -> None:
    calls = resolved_calls("""
        import threading, asyncio
        class Worker:
            def __init__(self, fast):
                self._lock = threading.Lock() if fast else None
                self._other = asyncio.Lock()
            def reset(self):
                self._other = threading.Lock()
            async def run(self):
                self._lock.acquire()
                self._other.acquire()
    """)
    assert calls["self._lock.acquire"] is None
    assert calls["self._other.acquire"] is None


def qualnames_in_order(source: str) -> List[Optional[str]]:
    """The qualname of every call's callee, in source order (the same callee may repeat)."""
    module = cst.parse_module(textwrap.dedent(source))
    ctx = Context(module, collect_scopes(module), "t.py", {})
    found: List[Optional[str]] = []

    class Collect(Rule):
        def visit_Call(self, node: cst.Call) -> None:
            found.append(ctx.qualname(node.func))

    _walk(ctx, [Collect(ctx)])
    return found


def test_module_level_code_sees_the_binding_that_reaches_it() -> None:
    assert qualnames_in_order("""
        from time import sleep
        sleep(1)
        from asyncio import sleep
        sleep(2)
        [sleep(n) for n in range(2)]
        class Config:
            sleep(3)
        def later():
            sleep(4)              # runs later: both bindings, which disagree
        values = (sleep(n) for n in range(2))   # a generator runs later too
        from time import sleep; sleep(5)
    """) == ["time.sleep", "asyncio.sleep", "asyncio.sleep", "range", "asyncio.sleep", None,
             None, "range", "time.sleep"]


def test_conditional_bindings_after_the_last_unconditional_one_all_reach() -> None:
    assert qualnames_in_order("""
        from time import sleep
        if FAST:
            from asyncio import sleep
        sleep(1)
        from time import sleep
        while True:
            sleep(2)              # the loop's own binding below reaches it the second time
            from asyncio import sleep
    """) == [None, None]
