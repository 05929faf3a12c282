"""Every option the rules read, with its parser: plain data, importable without libcst.

plugin.py registers these with flake8 before any file is read, and a file with no async code
is never handed to the engine, so neither libcst nor the rules are imported for it (importing
libcst costs more than linting a small file). Each rule lists the options it reads in its
`options`; the docs are generated from there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Generic, List, Mapping, Tuple, TypeVar

T = TypeVar("T")


def _unchanged(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Option(Generic[T]):
    """A flake8 option a rule reads; `parse` turns the raw value into what the rule uses (a T)
    and raises ValueError on a malformed one (plugin.py turns that into a clear error).
    Read it with `value(settings)`: typed, and no string to mistype."""

    flag: str                          # "--asyncio-cpu-loop-threshold"
    default: Any
    help: str
    parse: Callable[[Any], T] = _unchanged
    metavar: str = "VALUE"

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    def value(self, settings: Mapping[str, Any]) -> T:
        """The parsed value in the plugin's `settings`; the parsed default when it is not set."""
        if self.dest in settings:
            return settings[self.dest]     # plugin.py stored `parse(raw)` there
        return self.parse(self.default)


_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(\.\*)?$")


def comma_items(raw: object) -> List[str]:
    """Items of a comma- or newline-separated value (a config file's multi-line value too)."""
    if raw is None:
        return []
    if isinstance(raw, (list, tuple)):
        raw = ",".join(str(item) for item in raw)
    return [item.strip() for item in re.split(r"[,\n]", str(raw)) if item.strip()]


def _checked_name(name: str, item: str) -> str:
    if not _DOTTED.match(name):
        raise ValueError("%r is not a qualified name such as `mylib.wait` or "
                         "`mylib.Client.fetch`" % item)
    return name


def parse_blocking_calls(raw: object) -> Tuple[Tuple[str, str], ...]:
    """"a.b, c.d=use `await c.e()`" -> (("a.b", ""), ("c.d", "use `await c.e()`"))."""
    entries = []
    for item in comma_items(raw):
        name, equals, replacement = (part.strip() for part in item.partition("="))
        if equals and not replacement:
            raise ValueError("%r has nothing after `=` (write `name=replacement`)" % item)
        entries.append((_checked_name(name, item), replacement))
    return tuple(entries)


def parse_nonblocking_calls(raw: object) -> Tuple[str, ...]:
    """"a.b, c" -> ("a.b", "c"): names (and everything under them) that never block."""
    names = []
    for item in comma_items(raw):
        if "=" in item:
            raise ValueError("%r: --asyncio-nonblocking-calls takes names only" % item)
        names.append(_checked_name(item, item))
    return tuple(names)


def parse_non_negative_int(value: object) -> int:
    number = int(str(value).strip())
    if number < 0:
        raise ValueError("must be a non-negative integer")
    return number


def parse_names(value: object) -> Tuple[str, ...]:
    return tuple(comma_items(value))


NONBLOCKING_CALLS = Option(
    "--asyncio-nonblocking-calls", "",
    "Comma-separated qualified names that never block, removed from every AIO2xx list: a "
    "name also removes everything under it (`requests` removes `requests.get`, "
    "`threading.Lock` removes `threading.Lock.acquire` and `with lock:`).",
    parse_nonblocking_calls, metavar="NAMES")

BLOCKING_CALLS = Option(
    "--asyncio-blocking-calls", "",
    "Comma-separated qualified names of more calls that block, reported as AIO207 inside "
    "async def, each optionally `name=replacement` for the suggestion "
    "(`mylib.wait=mylib.async_wait`). Methods are named after their class "
    "(`mylib.Client.fetch`); `mylib.Client.*` names every method.",
    parse_blocking_calls, metavar="NAMES")

CPU_LOOP_THRESHOLD = Option(
    "--asyncio-cpu-loop-threshold", 10000,
    "A `for` loop over `range()` with a literal bound of at most this many iterations is "
    "short and never reported by AIO300.",
    parse_non_negative_int, metavar="N")

LONG_LOOP_THRESHOLD = Option(
    "--asyncio-long-loop-threshold", 1000000,
    "A loop whose iteration count, known from literals (nested literal loops multiply), is "
    "above this is reported by AIO300 whatever its body does.",
    parse_non_negative_int, metavar="N")

CPU_HEAVY_CALLS = Option(
    "--asyncio-cpu-heavy-calls", "",
    "Comma-separated qualified names of CPU-heavy functions (or prefixes ending in '.') that "
    "AIO300 treats like `hashlib` calls, e.g. `numpy.linalg.,mylib.solve`.",
    parse_names, metavar="NAMES")

CPU_SLOW_CALLS = Option(
    "--asyncio-cpu-slow-calls", "",
    "Comma-separated qualified names of functions (or prefixes ending in '.') slow even when "
    "called once, that AIO302 reports like `bcrypt.hashpw`, e.g. `mylib.render_report`.",
    parse_names, metavar="NAMES")

CHECK_TESTS_CHOICES = ("bugs", "all")


def parse_check_tests(value: object) -> str:
    choice = str(value).strip().lower()
    if choice not in CHECK_TESTS_CHOICES:
        raise ValueError("must be one of %s" % ", ".join(CHECK_TESTS_CHOICES))
    return choice


def parse_path_patterns(value: object) -> Tuple[str, ...]:
    """"test_*.py, tests/" -> ("test_*.py", "tests/"), with `\\` written as `/`."""
    return tuple(item.replace("\\", "/") for item in comma_items(value))


# Read by the engine (testcode.py), not by one rule: every rule's page names them.
TEST_PATHS = Option(
    "--asyncio-test-paths", "test_*.py,*_test.py,conftest.py,tests/,test/,_tests/,testing/",
    "Comma-separated globs of the files that are test code: a pattern without `/` matches "
    "the file name, one ending in `/` a directory anywhere in the path, any other the path "
    "(relative to the current directory) or its end. Setting it replaces the default, so "
    "list the default's patterns too to add one. Test functions, test classes (`TestCase` "
    "subclasses, `Test*` classes) and pytest fixtures are test code in any file.",
    parse_path_patterns, metavar="GLOBS")

CHECK_TESTS = Option(
    "--asyncio-check-tests", "bugs",
    "What is reported in test code: `bugs`, only the bugs that let a test pass without "
    "testing (AIO1xx: a coroutine that never runs; AIO500: a lost update), not a test's "
    "scaffolding (blocking set-up, background tasks, swallowed cancellation...; each rule's "
    "page says which it is); or `all`, every code as in other code.",
    parse_check_tests, metavar="bugs|all")

SCRIPT_PATHS = Option(
    "--asyncio-script-paths", "__main__.py,scripts/,examples/",
    "Comma-separated globs (the forms of `--asyncio-test-paths`) of the files that are "
    "one-shot programs: command-line tools, scripts, examples that run and exit. A matching "
    "file that serves, listens, starts tasks or registers handlers is not script code. "
    "Setting it replaces the default (an empty value: no script code).",
    parse_path_patterns, metavar="GLOBS")


def parse_folder_names(value: object) -> Tuple[str, ...]:
    return tuple(item.strip("/\\") for item in comma_items(value))


COMMAND_PACKAGES = Option(
    "--asyncio-command-packages", "cli,cmds,commands",
    "Comma-separated folder names of command-line packages. A file under a folder of one of "
    "these names is script code when a module of that folder (at any depth) runs a program "
    "from a function (`asyncio.run(...)`, `anyio.run(...)`, `trio.run(...)` in a def: each "
    "command runs one coroutine and exits), and the file itself serves, listens, starts "
    "tasks and registers handlers nowhere. A bot's command folder, whose handlers run on a "
    "loop started elsewhere, is not. An empty value turns this off.",
    parse_folder_names, metavar="NAMES")

CHECK_SCRIPTS = Option(
    "--asyncio-check-scripts", "bugs",
    "What is reported in script code: `bugs`, everything but the codes whose harm is to "
    "hold up other work on the loop (blocking calls, CPU-heavy work: a one-shot program has "
    "nothing else on its loop; each rule's page says which); or `all`, every code as in "
    "other code.",
    parse_check_tests, metavar="bugs|all")


def parse_cache_dir(value: object) -> str:
    return str(value or "").strip()


# Read by modules.py (summary_cache.py), not by one rule.
CACHE_DIR = Option(
    "--asyncio-cache-dir", "",
    "Where the summaries of other modules (first-party and installed packages) are kept "
    "between runs: by default `.flake8_asyncio_gotchas_cache` in the linted file's project "
    "root (the nearest directory with pyproject.toml, setup.cfg or setup.py, else the "
    "current directory); `none` keeps them in memory only. The environment variable "
    "FLAKE8_ASYNCIO_GOTCHAS_CACHE_DIR takes precedence.",
    parse_cache_dir, metavar="DIR")

ENGINE_OPTIONS: Tuple[Option, ...] = (
    CHECK_TESTS, TEST_PATHS, CHECK_SCRIPTS, SCRIPT_PATHS, COMMAND_PACKAGES, CACHE_DIR)

# In the order the README lists them.
ALL_OPTIONS: Tuple[Option, ...] = (
    NONBLOCKING_CALLS, BLOCKING_CALLS, CPU_LOOP_THRESHOLD, LONG_LOOP_THRESHOLD, CPU_HEAVY_CALLS,
    CPU_SLOW_CALLS) + ENGINE_OPTIONS
