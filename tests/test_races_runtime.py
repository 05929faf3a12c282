"""AIO500's fixtures prove themselves: the marked code loses updates when it runs, and the
near misses do not.

Each runnable fixture prints one `NAME: total=N expected=M` line per scenario. A positive
fixture has one scenario per `# error: AIO500` mark, and every total is wrong; in the near-miss
fixture every total is right. Run as every runtime proof is (tests/runtime_run.py: the
harness, asyncio debug mode).
"""
from __future__ import annotations

import re
from typing import List, Tuple

import pytest
from fixture_marks import expected_findings
from runtime_run import FIXTURES, run_to_end

RACES = FIXTURES / "races"
POSITIVES = ["aio500_counter.py", "aio500_shared_state.py"]
NEAR_MISSES = ["aio500_near_misses.py"]
SCENARIO = re.compile(r"^(?P<name>[\w-]+): total=(?P<total>-?\d+) expected=(?P<expected>-?\d+)$",
                      re.MULTILINE)


def run_fixture(name: str) -> List[Tuple[str, int, int]]:
    """(scenario, total, expected) for each line the fixture prints."""
    outcome = run_to_end(RACES / name)
    assert not outcome.hung, outcome.tail()
    return [(m["name"], int(m["total"]), int(m["expected"]))
            for m in SCENARIO.finditer(outcome.output)]


@pytest.mark.parametrize("name", POSITIVES)
def test_marked_code_loses_updates(name: str) -> None:
    scenarios = run_fixture(name)
    marks = [mark for mark in expected_findings(RACES / name) if mark[1] == "AIO500"]
    assert len(scenarios) == len(marks), "one scenario per marked line"
    correct = [scenario for scenario in scenarios if scenario[1] == scenario[2]]
    assert not correct, "these kept every update: %s" % correct


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_near_misses_keep_every_update(name: str) -> None:
    scenarios = run_fixture(name)
    assert scenarios
    wrong = [scenario for scenario in scenarios if scenario[1] != scenario[2]]
    assert not wrong, "these lost updates: %s" % wrong
    assert not [mark for mark in expected_findings(RACES / name) if mark[1] == "AIO500"]


def test_message_names_the_read_and_the_suspension() -> None:
    from flake8_asyncio_gotchas.engine import check_source
    from flake8_asyncio_gotchas.rules import RULES_BY_CODE

    source = ("import asyncio\n\n"
              "class Account:\n"
              "    async def deposit(self, amount):\n"
              "        balance = self.balance\n"
              "        async for _ in self.audit():\n"
              "            pass\n"
              "        self.balance = balance + amount\n")
    [(line, column, code, message)] = check_source(source, "account.py",
                                                   [RULES_BY_CODE["AIO500"]], {})
    assert (line, column, code) == (8, 8, "AIO500")
    assert message.startswith("AIO500 `self.balance` is written here from a value read on "
                              "line 5, before the `async for` on line 6: ")
