"""Test code: which findings are bugs there, and what is test code.

In a test, blocking calls set up files and processes, tasks run the code under test in the
background, and a `CancelledError` the test injected itself is caught to stop a listener: the
scaffolding of a test, not its bugs. What is a bug in a test too stays reported (a coroutine
that never runs asserts nothing). `--asyncio-check-tests=all` reports everything there.

Test code is:
- a file whose path matches `--asyncio-test-paths` (by default pytest's and unittest's
  conventions: `test_*.py`, `*_test.py`, `conftest.py`, and anything under `tests/`, `test/`,
  `_tests/` or `testing/`);
- in any file: module-level `test_*` functions; whole classes named `Test*` or
  `*Tests`/`*TestsMixin` with `test_*` methods (pytest's `Test*` classes, shared
  `...TestsMixin` classes), that derive from a `...TestCase` class (`unittest.TestCase`,
  `IsolatedAsyncioTestCase`, `django.test.TestCase`, aiohttp's `AioHTTPTestCase`...) or from
  a same-module test class;
  and pytest fixtures (`@pytest.fixture`, `@pytest_asyncio.fixture`); with everything nested
  in them.

The engine asks `drop_scaffolding` once, after the walk, and only when there are findings: a
file without findings, or whose findings are all reported in tests, costs nothing more.
"""
from __future__ import annotations

import os
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Sequence, Set

import libcst as cst

from .names import Resolver, Scope
from .options import CHECK_TESTS, TEST_PATHS
from .walk import descendants

if TYPE_CHECKING:
    # Only annotations name it: importing rules here at run time would make a cycle (AIO403
    # asks `is_test_path` from rules/tasks_project.py).
    from .rules.base import Finding

# Codes not reported in test code by default, and why (rendered on the rule pages).
_BLOCKING = ("a test that blocks its own event loop to set up files, processes or threads "
             "only slows itself down: nothing else is waiting for that loop")
_LOUD = ("in a test it shows itself at once, where the test's author sees it, so one that "
         "stays in a passing test suite is there on purpose")
_TASKS = ("a test's own background tasks, and the cancellation it injects to stop an "
          "endless listener, are scaffolding; the loop and its tasks end with the test")
SCAFFOLDING_IN_TESTS: Dict[str, str] = {
    "AIO200": _BLOCKING, "AIO201": _BLOCKING, "AIO202": _BLOCKING, "AIO203": _BLOCKING,
    "AIO204": _BLOCKING, "AIO206": _BLOCKING, "AIO207": _BLOCKING,
    "AIO205": ("an event loop started inside a running one raises `RuntimeError` at once: "
               + _LOUD + " (a test of that error)"),
    "AIO300": "CPU-heavy set-up in a test delays only that test",
    "AIO302": "a password hashed or a key derived in a test delays only that test",
    "AIO301": ("a loop that can never end hangs the test: " + _LOUD + " (the state it waits "
               "for is changed by a thread the test started)"),
    "AIO400": _TASKS, "AIO401": _TASKS, "AIO402": _TASKS, "AIO403": _TASKS,
}

# Codes reported in test code too, and why: bugs that let a test pass without testing.
_COROUTINES = ("a coroutine that never runs, or is used as its own result, lets a test pass "
               "silently: the test asserts nothing, or asserts on the wrong thing")
BUGS_IN_TESTS: Dict[str, str] = {
    "AIO100": _COROUTINES, "AIO101": _COROUTINES, "AIO102": _COROUTINES,
    "AIO103": _COROUTINES,
    "AIO500": "a lost update makes the test's result wrong, or flaky",
}

_FIXTURES = frozenset({"pytest.fixture", "pytest.yield_fixture", "pytest_asyncio.fixture"})
_MAX_DEPTH = 6


def is_test_path(filename: str, patterns: Sequence[str]) -> bool:
    """Whether the file is test code by its path (see TEST_PATHS for the pattern forms)."""
    return path_matches(filename, patterns)


def project_parts(filename: str) -> List[str]:
    """The parts of the file's path, relative to the current directory when the file is under
    it: directories above the project (a checkout under ~/test/) are not the project's."""
    path = filename
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:            # another drive
            relative = path
        if not relative.startswith(".."):
            path = relative
    return [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]


def path_matches(filename: str, patterns: Sequence[str]) -> bool:
    """Whether the file's path matches one of the globs (TEST_PATHS says the pattern forms)."""
    if not patterns:
        return False
    parts = project_parts(filename)
    if not parts:
        return False
    directories, name = parts[:-1], parts[-1]
    for pattern in patterns:
        if pattern.endswith("/"):
            if any(fnmatchcase(directory, pattern[:-1]) for directory in directories):
                return True
        elif "/" not in pattern:
            if fnmatchcase(name, pattern):
                return True
        elif any(fnmatchcase("/".join(parts[start:]), pattern.lstrip("/"))
                 for start in range(len(parts))):
            return True
    return False


def _is_test_name(name: str) -> bool:
    return name == "test" or name.startswith("test_")


def _is_test_class_name(name: str) -> bool:
    return name.startswith("Test") or name.endswith(("Tests", "TestsMixin", "TestMixin"))


class _TestDefinitions:
    """The defs and classes of one module that are test code, found from its scope tree."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.found: List[cst.CSTNode] = []
        self._test_classes: Dict[Scope, bool] = {}
        self._visit(resolver.module_scope)

    def _visit(self, scope: Scope) -> None:
        for child in scope.children:
            if child.kind == "class":
                if self._is_test_class(child, 0):
                    self.found.append(child.node)
                else:
                    self._visit(child)
            elif child.kind == "function" and self._is_test_function(child, scope):
                self.found.append(child.node)

    def _is_test_function(self, function: Scope, owner: Scope) -> bool:
        """A module-level `test_*` function, or a pytest fixture (at any level we visit)."""
        node = function.node
        if not isinstance(node, cst.FunctionDef):
            return False
        if owner.kind == "module" and _is_test_name(node.name.value):
            return True
        for decorator in node.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            if self.resolver.qualname(expr, owner) in _FIXTURES:
                return True
        return False

    def _is_test_class(self, scope: Scope, depth: int) -> bool:
        known = self._test_classes.get(scope)
        if known is not None:
            return known
        self._test_classes[scope] = False          # a cycle of bases is not a test class
        node = scope.node
        if not isinstance(node, cst.ClassDef):
            return False
        # pytest's `Test*` classes, and the `...Tests`/`...TestsMixin` classes that hold the
        # tests shared by several test cases, with `test_*` methods inside (`DatabaseTester`
        # with a `test_connection` method is application code).
        result = _is_test_class_name(node.name.value) and any(
            child.kind == "function" and _is_test_name(child.name) for child in scope.children)
        outer = scope.parent or self.resolver.module_scope
        for base in [] if result else node.bases:
            qualname = self.resolver.qualname(base.value, outer)
            if qualname is None:
                continue
            if qualname.rsplit(".", 1)[-1].endswith("TestCase"):
                result = True
                break
            local = self.resolver.local_class(qualname)
            if local is not None and depth < _MAX_DEPTH and self._is_test_class(local, depth + 1):
                result = True
                break
        self._test_classes[scope] = result
        return result


def nodes_in_test_code(resolver: Resolver) -> Set[cst.CSTNode]:
    """Every node inside a test function, test class or fixture of the module."""
    inside: Set[cst.CSTNode] = set()
    for definition in _TestDefinitions(resolver).found:
        inside.add(definition)
        inside.update(descendants(definition))
    return inside


def drop_scaffolding(findings: List[Finding], resolver: Resolver, filename: str,
                     settings: Mapping[str, Any]) -> List[Finding]:
    """`findings` without those that are a test's scaffolding (see SCAFFOLDING_IN_TESTS)."""
    if CHECK_TESTS.value(settings) == "all":
        return findings
    if not any(finding.code in SCAFFOLDING_IN_TESTS for finding in findings):
        return findings
    if is_test_path(filename, TEST_PATHS.value(settings)):
        return [finding for finding in findings if finding.code not in SCAFFOLDING_IN_TESTS]
    inside = nodes_in_test_code(resolver)
    if not inside:
        return findings
    return [finding for finding in findings
            if finding.code not in SCAFFOLDING_IN_TESTS or finding.node not in inside]
