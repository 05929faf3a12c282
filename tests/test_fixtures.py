"""Every .py file under fixtures/ is a test: the findings must equal the marked lines exactly.

A mark names a rule that exists (a typo like `AIO410` fails), and a rule that raises while
linting a fixture fails that fixture's test (tests/conftest.py watches the engine's log).
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
from fixture_marks import Pin, expected_findings, expected_pins, fixture_options, marks

from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.fast_path import has_async_code, may_contain_findings
from flake8_asyncio_gotchas.rules import ALL_RULES, RULES_BY_CODE, all_options

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
POSITIVE_FIXTURES = [path for path in FIXTURES if expected_findings(path)]


def fixture_id(path: Path) -> str:
    return str(path.relative_to(ROOT / "fixtures"))


def settings_for(path: Path) -> Dict[str, object]:
    """Default option values, overridden by the fixture's `# fixture-option:` comments."""
    raw = fixture_options(path)
    settings = {}
    for option in all_options():
        settings[option.dest] = option.parse(raw.pop(option.flag, option.default))
    assert not raw, "unknown fixture options: %s" % sorted(raw)
    return settings


def lint(path: Path) -> List[Tuple[int, int, str, str]]:
    source = path.read_text(encoding="utf-8")
    return check_source(source, str(path), ALL_RULES, settings_for(path))


def describe(path: Path, pairs: Set[Tuple[int, str]]) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join("  %s:%d: %s    | %s" % (path.name, line, code, lines[line - 1].strip())
                     for line, code in sorted(pairs))


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) > 10


@pytest.mark.parametrize("path", FIXTURES, ids=fixture_id)
def test_fixture(path: Path) -> None:
    expected = expected_findings(path)
    unowned = {code for _line, code in expected if code not in RULES_BY_CODE}
    assert not unowned, "marks name codes no rule owns: %s" % sorted(unowned)
    results = lint(path)
    found = {(line, code) for line, _col, code, _message in results}
    missing, extra = expected - found, found - expected
    report = []
    if missing:
        report.append("marked but not found:\n" + describe(path, missing))
    if extra:
        report.append("found but not marked:\n" + describe(path, extra))
    report.extend(pin_mismatches(expected_pins(path), results))
    assert not report, "\n".join(report)


def pin_mismatches(pins: Dict[Tuple[int, str], Pin],
                   results: List[Tuple[int, int, str, str]]) -> List[str]:
    """Where a mark pins a column or a message fragment the finding does not have."""
    wrong = []
    for line, col, code, message in results:
        pin = pins.get((line, code))
        if pin is None:
            continue
        where = "line %d %s" % (line, code)
        if pin.col is not None and pin.col != col + 1:     # flake8 prints columns 1-based
            wrong.append("%s: col=%d marked, found col=%d" % (where, pin.col, col + 1))
        if pin.fragment is not None and pin.fragment not in message:
            wrong.append("%s: %r marked, not in the message %r" % (where, pin.fragment, message))
    return wrong


def test_there_are_positive_fixtures() -> None:
    assert len(POSITIVE_FIXTURES) > 10


@pytest.mark.parametrize("path", POSITIVE_FIXTURES, ids=fixture_id)
def test_fast_path_lets_every_positive_fixture_through(path: Path) -> None:
    """The plugin's ast pre-check must never skip a file the rules find something in."""
    source = path.read_text(encoding="utf-8")
    assert may_contain_findings(source) and has_async_code(ast.parse(source))


def test_a_mark_reads_codes_with_and_without_pins() -> None:
    source = 'x = 1  # error: AIO206 col=9 "line 17, `a`", AIO100\ny = 2  # error: AIO500 "b"\n'
    assert marks(source) == {(1, "AIO206"): Pin(9, "line 17, `a`"), (1, "AIO100"): Pin(None, None),
                             (2, "AIO500"): Pin(None, "b")}


PINNED = ("import time\n"
          "\n"
          "def settle():\n"
          "    time.sleep(0.3)\n"
          "\n"
          "async def main():\n"
          "    settle()  # error: AIO206 col={col} \"{fragment}\"\n")


@pytest.mark.parametrize("col, fragment, wrong", [
    (5, "`time.sleep()` (line 4)", []),
    (6, "`time.sleep()` (line 4)", ["line 7 AIO206: col=6 marked, found col=5"]),
    (5, "`time.sleep()` (line 3)", ["line 7 AIO206: '`time.sleep()` (line 3)' marked, not in"]),
])
def test_a_wrong_column_or_fragment_fails(tmp_path: Path, col: int, fragment: str,
                                          wrong: List[str]) -> None:
    path = tmp_path / "pinned.py"
    path.write_text(PINNED.format(col=col, fragment=fragment), encoding="utf-8")
    assert expected_findings(path) == {(7, "AIO206")}
    found = pin_mismatches(expected_pins(path), lint(path))
    assert [message[:len(expected)] for message, expected in zip(found, wrong)] == wrong
    assert len(found) == len(wrong)
