"""The fixtures of AIO100, AIO300-AIO302 and AIO400-AIO403 prove themselves at runtime.

Each case runs one fixture in a subprocess through tests/runtime_harness.py (asyncio debug
mode, small parameters, sleeps scaled down, the loop kept running briefly after `main()` the
way Jupyter's loop would), with a timeout of a few seconds. A positive fixture must show its
rule's symptom and carry that rule's mark; a near miss must show none of the symptoms and
carry no mark of the rule.

Symptoms:
- AIO100: Python's "coroutine '...' was never awaited" RuntimeWarning;
- AIO300, AIO302: debug mode's "Executing <Task ...> took N seconds" slow-callback warning;
- AIO301, AIO403: a hang (the program does not finish within its timeout);
- AIO400, AIO401: asyncio's "Task exception was never retrieved";
- AIO402: the child task ran and failed, and its error appears nowhere in the output.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
from fixture_marks import expected_findings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
HARNESS = Path(__file__).resolve().parent / "runtime_harness.py"
TIMEOUT = 2.0          # a hang is a run still going after this many seconds
FINISH_TIMEOUT = 30.0  # a run expected to finish gets room on a loaded machine

SYMPTOMS = {
    "AIO100": re.compile(r"coroutine '[\w.<>]+' was never awaited"),
    "AIO300": re.compile(r"Executing <Task .*> took \d+\.\d+ seconds"),
    "AIO302": re.compile(r"Executing <Task .*> took \d+\.\d+ seconds"),
    "AIO400": re.compile(r"(Task|Future) exception was never retrieved"),
    "AIO401": re.compile(r"(Task|Future) exception was never retrieved"),
}
HANGS = {"AIO301", "AIO403"}


@dataclass(frozen=True)
class Case:
    fixture: str      # relative to fixtures/
    code: str
    positive: bool

    def __str__(self) -> str:
        return "%s-%s" % (self.code, self.fixture)


CASES = [
    Case("notebook/20_gotcha_coroutine_not_awaited.py", "AIO100", True),
    Case("notebook/24_debug_coroutine_not_awaited.py", "AIO100", True),
    Case("notebook/05_usage_hello.py", "AIO100", False),
    Case("notebook/07_await_count.py", "AIO100", False),
    Case("hogging/runtime_cpu_loop.py", "AIO300", True),
    Case("hogging/runtime_cpu_loop_yields.py", "AIO300", False),
    Case("hogging/runtime_cpu_loop_executor.py", "AIO300", False),
    Case("hogging/runtime_long_literal_loop.py", "AIO300", True),
    Case("hogging/runtime_long_literal_loop_yields.py", "AIO300", False),
    Case("hogging/runtime_quadratic_loop.py", "AIO300", True),
    Case("hogging/runtime_quadratic_loop_yields.py", "AIO300", False),
    Case("hogging/runtime_parse_records.py", "AIO300", True),
    Case("hogging/runtime_parse_records_yields.py", "AIO300", False),
    Case("hogging/runtime_busy_wait.py", "AIO301", True),
    Case("hogging/runtime_busy_wait_fixed.py", "AIO301", False),
    Case("hogging/runtime_busy_wait_logging.py", "AIO301", True),
    Case("hogging/runtime_busy_wait_unawaited.py", "AIO301", True),
    Case("hogging/runtime_busy_wait_logging_fixed.py", "AIO301", False),
    Case("hogging/runtime_slow_call.py", "AIO302", True),
    Case("hogging/runtime_slow_call_offloaded.py", "AIO302", False),
    Case("tasks/runtime_dangling_task.py", "AIO400", True),
    Case("tasks/runtime_background_set.py", "AIO400", False),
    Case("tasks/runtime_unobserved_task.py", "AIO401", True),
    Case("notebook/21_gotcha_swallowed_exception.py", "AIO401", True),
    Case("notebook/25_debug_swallowed_exception.py", "AIO401", True),
    Case("tasks/runtime_observed_task.py", "AIO401", False),
    Case("tasks/runtime_gather_discarded.py", "AIO402", True),
    Case("tasks/runtime_gather_read.py", "AIO402", False),
    Case("tasks/runtime_cancellation_swallowed.py", "AIO403", True),
    Case("tasks/runtime_cancellation_reraised.py", "AIO403", False),
]


@dataclass
class Run:
    output: str              # stdout and stderr together
    hung: bool
    returncode: Optional[int]


def run(case: Case) -> Run:
    env = dict(os.environ, PYTHONASYNCIODEBUG="1", PYTHONWARNINGS="default")
    # Only a positive that should hang is cut short; everything else may take its time.
    timeout = TIMEOUT if case.code in HANGS and case.positive else FINISH_TIMEOUT
    try:
        result = subprocess.run([sys.executable, str(HARNESS), str(FIXTURES / case.fixture)],
                                capture_output=True, text=True, timeout=timeout, env=env,
                                cwd=str(ROOT))
    except subprocess.TimeoutExpired as expired:
        output = "%s%s" % (_text(expired.stdout), _text(expired.stderr))
        return Run(output, True, None)
    return Run(result.stdout + result.stderr, False, result.returncode)


def _text(data: object) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""  # type: ignore[return-value]


def shows_symptom(code: str, outcome: Run) -> bool:
    if code in HANGS:
        return outcome.hung
    if code == "AIO402":
        # The child announces itself, then fails with "boom": the failure must be nowhere.
        return "child ran" in outcome.output and "boom" not in outcome.output
    return bool(SYMPTOMS[code].search(outcome.output))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_runtime_symptom(case: Case) -> None:
    marked = {code for _line, code in expected_findings(FIXTURES / case.fixture)}
    assert (case.code in marked) == case.positive, (
        "a positive fixture must carry the rule's mark, a near miss must not")
    outcome = run(case)
    if not outcome.hung:
        assert outcome.returncode == 0, outcome.output[-2000:]
    if case.positive:
        assert shows_symptom(case.code, outcome), (
            "no %s symptom:\n%s" % (case.code, outcome.output[-2000:]))
    else:
        assert not outcome.hung, "hung:\n%s" % outcome.output[-2000:]
        for code, symptom in SYMPTOMS.items():
            assert not symptom.search(outcome.output), (
                "%s symptom in a near miss:\n%s" % (code, outcome.output[-2000:]))
        if case.code == "AIO402":
            assert "boom" in outcome.output, "the failure should have been reported"
