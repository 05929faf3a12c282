"""Family checkers: one visitor per family reports any of its enabled codes, and only those."""
from __future__ import annotations

from typing import List, Sequence, Tuple

import libcst as cst
import pytest

from conftest import engine_warnings
from flake8_asyncio_gotchas import engine
from flake8_asyncio_gotchas.calls.blocking import When
from flake8_asyncio_gotchas.plugin import Plugin
from flake8_asyncio_gotchas.rules import ALL_RULES, RULES_BY_CODE
from flake8_asyncio_gotchas.rules.base import Checker, Rule
from flake8_asyncio_gotchas.rules.blocking_check import BlockingChecker

SOURCE = """\
import time


def helper():
    time.sleep(1)


async def main():
    time.sleep(1)
    helper()
    while True:
        for i in range(10**7):
            pass
"""


def codes(source: str, rules: Sequence[type]) -> List[Tuple[int, str]]:
    with engine_warnings() as failures:
        results = engine._check(source, "t.py", rules, Plugin.settings)
    assert failures == []
    return [(line, code) for line, _column, code, _message in results]


def test_the_whole_family_reports_every_code() -> None:
    assert codes(SOURCE, ALL_RULES) == [(9, "AIO200"), (10, "AIO206"), (12, "AIO300")]


@pytest.mark.parametrize("code, expected", [
    ("AIO200", [(9, "AIO200")]),
    ("AIO206", [(10, "AIO206")]),      # the helper graph is built with AIO200 off too
    ("AIO300", [(12, "AIO300")]),
    ("AIO302", []),
])
def test_a_checker_reports_only_the_enabled_codes(code: str, expected: list) -> None:
    assert codes(SOURCE, [RULES_BY_CODE[code]]) == expected


def test_rules_with_a_checker_are_metadata_only() -> None:
    """Their visiting lives in the checker: a visit_ method left on such a rule would never
    be called."""
    for rule in ALL_RULES:
        if rule.checker is not None:
            assert rule.subscriptions() == {"visit": [], "leave": []}, rule.code


def test_every_blocking_condition_is_decided() -> None:
    """A `When` added to the catalogue without a decision in the checker fails here, not as
    a KeyError on every file that calls such a function."""
    assert set(BlockingChecker._CONDITIONS) == set(When)


class _FailingChecker(Checker):
    def visit_Call(self, node: cst.Call) -> None:
        raise ValueError("a bug in a checker")


class _FailingRule(Rule):
    code = "AIO998"
    message = "AIO998 never reported"
    checker = _FailingChecker


@pytest.mark.rules_may_fail
def test_a_failing_checker_drops_its_family_only() -> None:
    with engine_warnings() as failures:
        results = engine._check(SOURCE, "t.py", [_FailingRule] + list(ALL_RULES),
                                Plugin.settings)
    assert [(line, code) for line, _c, code, _m in results] == [
        (9, "AIO200"), (10, "AIO206"), (12, "AIO300")]
    assert failures == ["rule AIO998 failed on t.py: ValueError('a bug in a checker')"]


def test_rules_do_not_import_the_engine() -> None:
    """The engine imports the rules; `Context` lives in rules/base.py so that no rule module
    needs the engine back (no import circle, not even under TYPE_CHECKING)."""
    import ast
    from pathlib import Path

    import flake8_asyncio_gotchas.rules as rules_package

    offenders = []
    for path in sorted(Path(rules_package.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("engine"):
                offenders.append(path.name)
    assert offenders == []
