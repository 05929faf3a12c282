"""The fixes, proven on every fixture: each fixed file compiles, the fixed findings are gone
and only they are, nothing else in the file changed, and a second run changes nothing.

`fix_source` is run with unsafe fixes on every fixture that has a fixable finding. The line
numbers of the findings left are carried across the edit by a line diff of the two texts, so
"the rule no longer reports there" and "everything else is still reported" are one equality.
"""
from __future__ import annotations

import difflib
import io
import tokenize
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from libcst.metadata import MetadataWrapper, PositionProvider
from test_fixtures import FIXTURES, ROOT, settings_for

from flake8_asyncio_gotchas.engine import analyse
from flake8_asyncio_gotchas.fix import FIXERS, FixResult, findings_of, fix_source
from flake8_asyncio_gotchas.fix.imports import HELPERS
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options

HELPER_LINES = {line.replace("{create_task}", spelling)
                for source, _needs, _names in HELPERS.values() for line in source.splitlines()
                for spelling in ("asyncio.create_task", "create_task")}


def fix(path: Path, unsafe: bool = True) -> Tuple[str, FixResult]:
    source = path.read_text(encoding="utf-8")
    return source, fix_source(source, str(path), ALL_RULES, settings_for(path), unsafe=unsafe)


def fixed_fixtures() -> List[Path]:
    return [path for path in FIXTURES if fix(path)[1].fixed]


FIXED = fixed_fixtures()
IDS = [str(p.relative_to(ROOT / "fixtures")) for p in FIXED]


def line_map(before: List[str], after: List[str]) -> Dict[int, int]:
    """Original line -> fixed line (1-based) for lines kept, or edited in place one for one."""
    mapped = {}
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                mapped[i1 + k + 1] = j1 + k + 1
    return mapped


def spans_of_fixed(path: Path, source: str, result: FixResult) -> List[Tuple[int, int]]:
    """(first line, last line) of every node a fix edited, found with libcst's positions."""
    analysis = analyse(source, str(path), ALL_RULES, settings_for(path))
    assert analysis is not None
    wrapper = MetadataWrapper(analysis.module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    fixed = Counter((line, code) for line, code, _safety in result.fixed)
    spans = []
    for finding in analysis.findings:
        where = positions[finding.node]
        if fixed[where.start.line, finding.code]:
            spans.append((where.start.line, where.end.line))
    return spans


def tokens(source: str, kind: int) -> Counter:
    return Counter(t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                   if t.type == kind)


def helper_tokens(kind: int) -> Counter:
    return sum((tokens(source, kind) for source, _n, _a in HELPERS.values()), Counter())


def test_many_fixtures_have_fixes_and_every_fixer_is_exercised() -> None:
    assert len(FIXED) >= 15
    codes = {code for path in FIXED for _line, code, _safety in fix(path)[1].fixed}
    assert codes == set(FIXERS)


@pytest.mark.parametrize("path", FIXED, ids=IDS)
def test_fixed_fixture_compiles_and_only_the_fixed_findings_are_gone(path: Path) -> None:
    source, result = fix(path)
    compile(result.source, str(path), "exec", dont_inherit=True)
    # What the plugin reports, `# noqa` (ours and other linters' codes) honoured.
    found_before = Counter((line, code) for line, _col, code, _msg in
                           findings_of(source, str(path), ALL_RULES, settings_for(path)))
    fixed = Counter((line, code) for line, code, _safety in result.fixed)
    assert not fixed - found_before, "fixed something not reported"
    mapping = line_map(source.splitlines(), result.source.splitlines())
    expected_after = Counter()
    for (line, code), count in (found_before - fixed).items():
        assert line in mapping, "an unfixed finding's line %d was rewritten" % line
        expected_after[mapping[line], code] += count
    found_after = Counter((line, code) for line, _col, code, _msg in result.remaining)
    # A loop reported for never suspending (AIO300, AIO301) is rightly gone when a fix put an
    # `await` inside it (a busy-wait's `time.sleep()`, an un-awaited refresh).
    spans = loop_spans(path, source)
    fixed_lines = {line for line, _code, _safety in result.fixed}
    for (line, code), count in (expected_after - found_after).items():
        original = next(old for old, new in mapping.items() if new == line)
        if code in LOOP_CODES and any(first <= fixed <= last for first, last in spans[original]
                                      for fixed in fixed_lines):
            expected_after[line, code] -= count
    assert found_after == +expected_after


LOOP_CODES = ("AIO300", "AIO301")


def loop_spans(path: Path, source: str) -> Dict[int, List[Tuple[int, int]]]:
    """Start line -> (first line, last line) of each loop that AIO300/AIO301 report."""
    analysis = analyse(source, str(path), ALL_RULES, settings_for(path))
    assert analysis is not None
    positions = MetadataWrapper(analysis.module, unsafe_skip_copy=True).resolve(PositionProvider)
    spans: Dict[int, List[Tuple[int, int]]] = {}
    for finding in analysis.findings:
        if finding.code in LOOP_CODES:
            where = positions[finding.node]
            spans.setdefault(where.start.line, []).append((where.start.line, where.end.line))
    return spans


@pytest.mark.parametrize("path", FIXED, ids=IDS)
def test_nothing_but_the_fixed_nodes_and_the_added_imports_changed(path: Path) -> None:
    source, result = fix(path)
    before, after = source.splitlines(), result.source.splitlines()
    spans = spans_of_fixed(path, source, result)

    def in_a_fixed_node(line: int) -> bool:
        return any(first <= line <= last for first, last in spans)

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed = range(i1 + 1, i2 + 1)              # 1-based original lines
        added = after[j1:j2]
        if removed:
            assert all(in_a_fixed_node(line) or before[line - 1].startswith("from asyncio ")
                       for line in removed), "changed outside a fixed node: %r" % (
                           before[i1:i2],)
        elif not (in_a_fixed_node(i1) or in_a_fixed_node(i1 + 1)):
            # Lines added away from any fixed node: only imports and helpers.
            assert all(line in HELPER_LINES or line.strip() in ("", "import asyncio")
                       or line.startswith("from asyncio import ") for line in added), added
    # Comments and string literals as they were (the helpers bring their own).
    for kind in (tokenize.COMMENT, tokenize.STRING):
        assert tokens(result.source, kind) - helper_tokens(kind) == tokens(source, kind)


@pytest.mark.parametrize("path", FIXED, ids=IDS)
def test_a_second_run_changes_nothing(path: Path) -> None:
    _source, result = fix(path)
    again = fix_source(result.source, str(path), ALL_RULES, settings_for(path), unsafe=True)
    assert again.fixed == [] and again.source == result.source


@pytest.mark.parametrize("path", FIXED, ids=IDS)
def test_without_unsafe_fixes_only_safe_ones_are_made(path: Path) -> None:
    _source, everything = fix(path)
    _source, safe = fix(path, unsafe=False)
    assert all(safety == "safe" for _line, _code, safety in safe.fixed)
    assert sorted(safe.fixed) == sorted(f for f in everything.fixed if f[2] == "safe")
    assert safe.unsafe_left == sum(1 for f in everything.fixed if f[2] == "unsafe")


def test_every_rule_declares_its_fix_and_the_fixers_agree() -> None:
    for rule in ALL_RULES:
        assert rule.fix_safety in ("safe", "unsafe", "none"), rule.code
        assert rule.fix_summary, rule.code
        assert (rule.fix_safety != "none") == (rule.code in FIXERS), rule.code


# -- the edits themselves, read by hand ------------------------------------------------------

DEFAULTS = {option.dest: option.parse(option.default) for option in all_options()}


def fixed_text(source: str, unsafe: bool = False) -> str:
    return fix_source(source, "t.py", ALL_RULES, DEFAULTS, unsafe=unsafe).source


SLEEPY = "async def f():\n    {call}  # keep me\n"


@pytest.mark.parametrize("imports, call, expected_call, expected_imports", [
    # `import asyncio` there: used as it is.
    ("import asyncio\nimport time\n", "time.sleep(1)", "await asyncio.sleep(1)",
     "import asyncio\nimport time\n"),
    # An alias is respected.
    ("import asyncio as aio\nimport time\n", "time.sleep(1)", "await aio.sleep(1)",
     "import asyncio as aio\nimport time\n"),
    # `from asyncio import sleep` already there: that name, no new import.
    ("from asyncio import sleep\nimport time\n", "time.sleep(2)", "await sleep(2)",
     "from asyncio import sleep\nimport time\n"),
    # The file imports from asyncio: the name joins that import.
    ("from asyncio import Event\nimport time\n", "time.sleep(3)", "await sleep(3)",
     "from asyncio import Event, sleep\nimport time\n"),
    # ...unless `sleep` is taken (here by time.sleep itself): then `import asyncio`.
    ("from asyncio import Event\nfrom time import sleep\n", "sleep(3)",
     "await asyncio.sleep(3)",
     "from asyncio import Event\nfrom time import sleep\nimport asyncio\n"),
    # No asyncio import at all: one is added after the others.
    ('"""Doc."""\nimport time\n', "time.sleep(0.5)", "await asyncio.sleep(0.5)",
     '"""Doc."""\nimport time\nimport asyncio\n'),
])
def test_imports_follow_the_file(imports: str, call: str, expected_call: str,
                                 expected_imports: str) -> None:
    source = imports + "\n\n" + SLEEPY.format(call=call)
    assert fixed_text(source) == expected_imports + "\n\n" + SLEEPY.format(call=expected_call)


def test_the_import_is_added_once_for_many_fixes() -> None:
    source = ("import time\n\n\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n\n\n"
              "async def g():\n    time.sleep(3)\n")
    assert fixed_text(source) == (
        "import time\nimport asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
        "    await asyncio.sleep(2)\n\n\nasync def g():\n    await asyncio.sleep(3)\n")


def test_noqa_lines_are_found_after_a_form_feed() -> None:
    """Lines numbered as flake8 numbers them: a form feed is no line break."""
    source = ("import asyncio\nimport time\n\x0c\n\nasync def f():\n"
              "    time.sleep(1)  # noqa: AIO200\n")
    assert fixed_text(source) == source


def test_sqlite3_calls_stay_in_their_thread() -> None:
    """A sqlite3 connection works only in the thread that made it: moving one of its calls
    into `to_thread` raises ProgrammingError, so the unsafe fix leaves them (still reported),
    while the `open()` beside them is moved."""
    source = ("import sqlite3\n\n\nclass Store:\n    def __init__(self, path):\n"
              "        self.conn = sqlite3.connect(path)\n\n"
              "    async def rows(self, path):\n"
              "        conn = sqlite3.connect(path)\n"
              "        cur = conn.execute('select 1')\n"
              "        data = open(path).read()\n"
              "        return self.conn.execute('select 2').fetchall(), cur.fetchall(), data\n")
    result = fix_source(source, "t.py", ALL_RULES, DEFAULTS, unsafe=True)
    assert [code for _line, code, _safety in result.fixed] == ["AIO203"]
    assert "await asyncio.to_thread(open, path)" in result.source
    # After the added `import asyncio`: connect, execute, and line 12's three calls.
    assert sorted(line for line, _col, _code, _msg in result.remaining) == [10, 11, 13, 13, 13]


def test_a_shadowed_asyncio_name_leaves_the_finding_alone() -> None:
    source = ("import time\n\n\nasync def f(asyncio):\n    time.sleep(1)\n")
    assert fixed_text(source) == source


@pytest.mark.parametrize("source", [
    # Outside async def, or where `await` cannot go: left, and still reported.
    "import time\n\n\nasync def f(xs):\n    return list(time.sleep(x) for x in xs)\n",
    "async def fetch():\n    pass\n\n\ndef f():\n    fetch()\n",
    "async def fetch():\n    pass\n\n\nasync def f():\n    x = fetch()\n",
    # AIO403 ending in `return value`; contextlib.suppress: not covered.
    "import asyncio\nimport contextlib\n\n\nasync def f():\n"
    "    with contextlib.suppress(asyncio.CancelledError):\n        await asyncio.sleep(1)\n",
    "import asyncio\n\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n"
    "    except asyncio.CancelledError:\n        return 1\n",
    # AIO102 given to a thread: no loop there.
    "import threading\n\n\nasync def job():\n    pass\n\n\n"
    "async def f():\n    threading.Thread(target=job).start()\n",
    # AIO203 as a context manager: the body would still block.
    "async def f(p):\n    with open(p) as handle:\n        return handle.read()\n",
])
def test_forms_no_fix_covers_are_left_and_still_reported(source: str) -> None:
    result = fix_source(source, "t.py", ALL_RULES, DEFAULTS, unsafe=True)
    assert result.source == source and result.fixed == []
    assert result.remaining, "the finding is still reported"


def test_noqa_lines_are_not_fixed() -> None:
    # Another linter's code for the same check silences ours (peers.py): not fixed either.
    source = ("import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)  # noqa: AIO200\n"
              "    time.sleep(2)  # noqa\n    time.sleep(3)  # noqa: E501\n"
              "    time.sleep(4)  # noqa: ASYNC251\n    time.sleep(5)  # noqa: ASYNC230\n")
    assert fixed_text(source).splitlines()[-5:] == [
        "    time.sleep(1)  # noqa: AIO200", "    time.sleep(2)  # noqa",
        "    await asyncio.sleep(3)  # noqa: E501", "    time.sleep(4)  # noqa: ASYNC251",
        "    await asyncio.sleep(5)  # noqa: ASYNC230"]


@pytest.mark.parametrize("source, expected", [
    # An awaited result used as a primary gets parentheses.
    ("import requests\n\n\nasync def f(u):\n    return requests.get(u).json()\n",
     "import requests\nimport asyncio\n\n\nasync def f(u):\n"
     "    return (await asyncio.to_thread(requests.get, u)).json()\n"),
    # Nested findings: both calls move, the inner one first.
    ("import asyncio\nimport socket\n\n\nasync def f():\n    sock = socket.socket()\n"
     "    sock.sendall(open('x', 'rb').read())\n",
     "import asyncio\nimport socket\n\n\nasync def f():\n    sock = socket.socket()\n"
     "    await asyncio.to_thread(sock.sendall, (await asyncio.to_thread(open, 'x', 'rb'))"
     ".read())\n"),
    # A call laid out over lines keeps its layout, the callee on a line of its own.
    ("import asyncio\n\n\ndef ask(x, y):\n    return input(x)\n\n\nasync def f():\n"
     "    a = ask(\n        'one',\n        2,\n    )\n",
     "import asyncio\n\n\ndef ask(x, y):\n    return input(x)\n\n\nasync def f():\n"
     "    a = await asyncio.to_thread(\n        ask,\n        'one',\n        2,\n    )\n"),
    # A handler of CancelledError alone: its trailing `pass` becomes `raise`.
    ("import asyncio\n\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n"
     "    except asyncio.CancelledError:\n        # tidy up\n        pass\n",
     "import asyncio\n\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n"
     "    except asyncio.CancelledError:\n        # tidy up\n        raise\n"),
    # A catch-all keeps catching the rest, and lets cancellation through at its end.
    ("import asyncio\n\n\nasync def f(log):\n    try:\n        await asyncio.sleep(1)\n"
     "    except BaseException:\n        log()\n",
     "import asyncio\n\n\nasync def f(log):\n    try:\n        await asyncio.sleep(1)\n"
     "    except BaseException as error:\n        log()\n"
     "        if isinstance(error, asyncio.CancelledError):\n            raise\n"),
])
def test_unsafe_edits_read_by_hand(source: str, expected: str) -> None:
    assert fixed_text(source, unsafe=True) == expected
    assert fixed_text(source) == source, "unsafe: not made without --unsafe-fixes"


# -- the standard library ----------------------------------------------------------------------

def test_all_fixes_on_a_standard_library_sample_leave_every_file_compiling() -> None:
    """The sample of tests/test_robustness.py (asyncio, email, json, concurrent and every 40th
    other file) and a third of test_asyncio; bench/fixes.py runs the whole standard library
    and the bench corpora."""
    from test_robustness import STDLIB, _stdlib_subset

    # With every third test module of test_asyncio, test code checked in full: since the
    # AIO4xx precision work, most of the stdlib's fixable findings are in its own tests.
    paths = _stdlib_subset() + sorted((STDLIB / "test" / "test_asyncio").glob("test_*.py"))[::3]
    assert len(paths) > 100
    settings = dict(DEFAULTS, asyncio_check_tests="all")
    changed = 0
    for path in paths:
        with open(path, "rb") as stream:
            encoding, _ = tokenize.detect_encoding(stream.readline)
        source = path.read_bytes().decode(encoding, "replace")
        result = fix_source(source, str(path), ALL_RULES, settings, unsafe=True)
        if result.fixed:
            changed += 1
            compile(result.source, str(path), "exec", dont_inherit=True)
    assert changed >= 3
