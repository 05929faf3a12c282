"""The fixtures of AIO100, AIO103, AIO300-AIO302 and AIO400-AIO403 prove themselves at runtime.

Each case runs one fixture in a subprocess through tests/runtime_harness.py (asyncio debug
mode, small parameters, sleeps scaled down, the loop kept running briefly after `main()` the
way Jupyter's loop would, unbuffered output), with a timeout of a few seconds. A positive
fixture must show its rule's symptom at each line marked with the rule; a near miss must show
none of the symptoms and carry no mark of the rule.

Symptoms, and what ties them to the marked line:
- AIO100: Python's "FILE:LINE: RuntimeWarning: coroutine '...' was never awaited";
- AIO103: "TypeError: Passing coroutines is forbidden", raised at the line (Python 3.11+;
  before, "FILE:LINE: DeprecationWarning: The explicit passing of coroutine objects...");
- AIO300, AIO302: debug mode's "Executing <Task ...> took N seconds", and the harness found the
  loop's thread busy in the marked statement for most of that time;
- AIO301: a hang, with the loop's thread busy in the marked loop, and what the program prints
  after the loop never printed;
- AIO403: a hang, with the handler's message printed and the timeout's never;
- AIO400, AIO401: asyncio's "Task exception was never retrieved", whose source traceback (where
  the task was created) passes through the marked line;
- AIO402: the harness saw the child raise, the program ran on to its end, and the error appears
  nowhere in the output.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

import pytest
from fixture_marks import expected_findings
from runtime_run import (FIXTURES, HANG_TIMEOUT, HELD_FOR, NEVER_AWAITED, NEVER_RETRIEVED,
                         SLOW_STEP, Run, held_at, never_retrieved_created_at, run_fixture,
                         traceback_frames, warned_never_awaited)

if sys.version_info >= (3, 11):
    WAIT_SYMPTOM = "TypeError: Passing coroutines is forbidden, use tasks explicitly."
else:
    WAIT_SYMPTOM = ("DeprecationWarning: The explicit passing of coroutine objects to "
                    "asyncio.wait() is deprecated")
HANGS = {"AIO301", "AIO403"}
SYMPTOMS = {"AIO100": NEVER_AWAITED.pattern, "AIO103": re.escape(WAIT_SYMPTOM),
            "AIO300": SLOW_STEP.pattern, "AIO302": SLOW_STEP.pattern,
            "AIO400": NEVER_RETRIEVED.pattern, "AIO401": NEVER_RETRIEVED.pattern}


@dataclass(frozen=True)
class Case:
    fixture: str      # relative to fixtures/
    code: str
    positive: bool
    printed: Tuple[str, ...] = ()       # output lines the run must print
    not_printed: Tuple[str, ...] = ()   # and must not

    def __str__(self) -> str:
        return "%s-%s" % (self.code, self.fixture)

    @property
    def path(self) -> Path:
        return FIXTURES / self.fixture


CASES = [
    Case("notebook/20_gotcha_coroutine_not_awaited.py", "AIO100", True, ("Hello world!",)),
    Case("notebook/24_debug_coroutine_not_awaited.py", "AIO100", True, ("Hello world!",)),
    Case("notebook/05_usage_hello.py", "AIO100", False, ("Hello", "World!")),
    Case("notebook/07_await_count.py", "AIO100", False, ("9",)),
    Case("notebook/12_lightweight_asyncio_idle.py", "AIO103", True),
    Case("coroutines/runtime_wait_tasks.py", "AIO103", False, ("3 done",)),
    Case("hogging/runtime_cpu_loop.py", "AIO300", True, ("Done calculating 1500000",)),
    Case("hogging/runtime_cpu_loop_yields.py", "AIO300", False),
    Case("hogging/runtime_cpu_loop_executor.py", "AIO300", False),
    Case("hogging/runtime_long_literal_loop.py", "AIO300", True),
    Case("hogging/runtime_long_literal_loop_yields.py", "AIO300", False),
    Case("hogging/runtime_quadratic_loop.py", "AIO300", True),
    Case("hogging/runtime_quadratic_loop_yields.py", "AIO300", False),
    Case("hogging/runtime_parse_records.py", "AIO300", True),
    Case("hogging/runtime_parse_records_yields.py", "AIO300", False),
    Case("hogging/runtime_regex_lines.py", "AIO300", True, ("found 100000 ids",)),
    Case("hogging/runtime_regex_lines_yields.py", "AIO300", False, ("found 100000 ids",)),
    Case("hogging/runtime_busy_wait.py", "AIO301", True, ("waiting",), ("ready",)),
    Case("hogging/runtime_busy_wait_fixed.py", "AIO301", False, ("waiting", "ready")),
    Case("hogging/runtime_busy_wait_logging.py", "AIO301", True, (), ("ready",)),
    Case("hogging/runtime_busy_wait_unawaited.py", "AIO301", True, (), ("ready",)),
    Case("hogging/runtime_busy_wait_logging_fixed.py", "AIO301", False, ("ready",)),
    Case("hogging/runtime_slow_call.py", "AIO302", True, ("derived",)),
    Case("hogging/runtime_slow_call_offloaded.py", "AIO302", False),
    Case("tasks/runtime_dangling_task.py", "AIO400", True, ("handler finished",)),
    Case("tasks/runtime_background_set.py", "AIO400", False),
    Case("tasks/runtime_unobserved_task.py", "AIO401", True, ("main finished",)),
    Case("notebook/21_gotcha_swallowed_exception.py", "AIO401", True),
    Case("notebook/25_debug_swallowed_exception.py", "AIO401", True),
    Case("tasks/runtime_observed_task.py", "AIO401", False),
    Case("tasks/runtime_queue_helper_task_full.py", "AIO401", True, ("main finished",)),
    Case("tasks/runtime_queue_helper_task.py", "AIO401", False, ("queued 1", "main finished")),
    Case("tasks/runtime_gather_discarded.py", "AIO402", True, ("child ran", "main finished")),
    Case("tasks/runtime_gather_read.py", "AIO402", False, ("child ran", "main finished")),
    Case("tasks/runtime_cancellation_swallowed.py", "AIO403", True,
         ("cancelled, carrying on",), ("timed out",)),
    Case("tasks/runtime_cancellation_reraised.py", "AIO403", False, ("timed out",)),
]


def check_symptom_at(case: Case, line: int, outcome: Run) -> None:
    """The rule's symptom, tied to the marked `line`; fails with what is missing."""
    path, code, tail = case.path, case.code, outcome.tail()
    if code == "AIO100":
        assert warned_never_awaited(outcome, path, line), (
            "no never-awaited warning naming line %d:\n%s" % (line, tail))
    elif code == "AIO103" and sys.version_info >= (3, 11):
        assert outcome.returncode != 0 and WAIT_SYMPTOM in outcome.output, tail
        raised_through = traceback_frames(outcome.output.split(WAIT_SYMPTOM)[0], path)
        assert raised_through and raised_through[-1] == line, (
            "the TypeError is not raised at line %d:\n%s" % (line, tail))
    elif code == "AIO103":
        warning = r"(?m)^(.*/)?%s:%d: %s" % (
            re.escape(path.name), line, re.escape(WAIT_SYMPTOM))
        assert re.search(warning, outcome.output), (
            "no deprecation warning naming line %d:\n%s" % (line, tail))
    elif code in ("AIO300", "AIO302"):
        assert SLOW_STEP.search(outcome.output), "no slow step:\n" + tail
        assert held_at(outcome, path, line) >= HELD_FOR, (
            "the loop was not held at line %d:\n%s" % (line, tail))
    elif code == "AIO301":
        assert outcome.hung, "finished:\n" + tail
        assert held_at(outcome, path, line) >= HELD_FOR, (
            "the loop was not held at line %d:\n%s" % (line, tail))
    elif code == "AIO403":
        assert outcome.hung, "finished:\n" + tail
    elif code in ("AIO400", "AIO401"):
        assert never_retrieved_created_at(outcome, path, line), (
            "no never-retrieved task created at line %d:\n%s" % (line, tail))
    elif code == "AIO402":
        failures = [raised for raised in outcome.raised if raised.function == "child"]
        assert failures, "the child never raised"
        for failure in failures:
            assert failure.message and failure.message not in outcome.output, (
                "the child's %s(%r) was reported:\n%s" % (failure.kind, failure.message, tail))
        assert "Traceback" not in outcome.output and not NEVER_RETRIEVED.search(
            outcome.output), tail
    else:
        raise AssertionError("no runtime symptom known for " + code)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_runtime_symptom(case: Case) -> None:
    marked = sorted(line for line, code in expected_findings(case.path) if code == case.code)
    assert bool(marked) == case.positive, (
        "a positive fixture must carry the rule's mark, a near miss must not")
    hangs = case.code in HANGS and case.positive
    outcome = run_fixture(case.path, HANG_TIMEOUT) if hangs else run_fixture(case.path)
    printed = outcome.output.splitlines()
    for text in case.printed:
        assert text in printed, "%r not printed:\n%s" % (text, outcome.tail())
    for text in case.not_printed:
        assert text not in printed, "%r printed:\n%s" % (text, outcome.tail())
    if case.positive:
        if case.code not in HANGS and (case.code != "AIO103" or sys.version_info < (3, 11)):
            assert outcome.returncode == 0, outcome.tail()
        for line in marked:
            check_symptom_at(case, line, outcome)
        return
    assert not outcome.hung, "hung:\n" + outcome.tail()
    assert outcome.returncode == 0, outcome.tail()
    for code, symptom in SYMPTOMS.items():
        assert not re.search(symptom, outcome.output), (
            "%s symptom in a near miss:\n%s" % (code, outcome.tail()))
    if case.code == "AIO402":
        failures = [raised for raised in outcome.raised if raised.function == "child"]
        assert failures and all(failure.message in outcome.output for failure in failures), (
            "the child's failure should have been raised and reported:\n" + outcome.tail())
