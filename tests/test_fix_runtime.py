"""The fixed runtime fixtures run without their symptom, under asyncio debug mode.

Every positive runtime fixture whose rule has a fix (the notebook's gotchas among them) is
fixed with `fix_source`, unsafe fixes on (the un-awaited `count(10)` of the notebook sits at
module level, where the fix is `asyncio.run()`), into a scratch directory, and run through
tests/runtime_harness.py as tests/test_runtime.py and tests/test_blocking_runtime.py run the
originals. The original must show the symptom (so the check can fail), the fixed copy not.
"""
from __future__ import annotations

from pathlib import Path
from typing import Tuple

import pytest
from runtime_run import (FINISH_TIMEOUT, FIXTURES, HANG_TIMEOUT, NEVER_AWAITED, NEVER_RETRIEVED,
                         SLOW_STEP, run_to_end)
from test_fixtures import settings_for

from flake8_asyncio_gotchas.fix import fix_source
from flake8_asyncio_gotchas.rules import ALL_RULES


def run(path: Path, timeout: float = FINISH_TIMEOUT) -> Tuple[str, bool]:
    """(stdout and stderr, whether it hung)."""
    outcome = run_to_end(path, timeout)
    return outcome.output, outcome.hung


def fixed_copy(fixture: str, tmp_path: Path) -> Path:
    original = FIXTURES / fixture
    result = fix_source(original.read_text(), str(original), ALL_RULES,
                        settings_for(original), unsafe=True)
    assert result.fixed, "nothing was fixed"
    target = tmp_path / original.name
    target.write_text(result.source)
    return target


@pytest.mark.parametrize("fixture", ["notebook/20_gotcha_coroutine_not_awaited.py",
                                     "notebook/24_debug_coroutine_not_awaited.py"])
def test_fixed_count_prints_its_numbers(fixture: str, tmp_path: Path) -> None:
    before, _ = run(FIXTURES / fixture)
    assert NEVER_AWAITED.search(before) and "\n0\n" not in "\n" + before
    after, _ = run(fixed_copy(fixture, tmp_path))
    assert not NEVER_AWAITED.search(after), after
    assert after.split("Hello world!")[0].split() == [str(i) for i in range(10)], after


@pytest.mark.parametrize("fixture, error", [
    ("notebook/21_gotcha_swallowed_exception.py",
     "NameError: name 'do_something' is not defined"),
    ("notebook/25_debug_swallowed_exception.py",
     "NameError: name 'do_something' is not defined"),
    ("tasks/runtime_unobserved_task.py", None),
    ("tasks/runtime_dangling_task.py", "RuntimeError: boom"),
])
def test_fixed_task_shows_its_exception_when_it_fails(fixture: str, error: str,
                                                      tmp_path: Path) -> None:
    before, _ = run(FIXTURES / fixture)
    assert NEVER_RETRIEVED.search(before)
    after, _ = run(fixed_copy(fixture, tmp_path))
    assert not NEVER_RETRIEVED.search(after), after
    assert "Exception in callback" in after, "reported by the loop when the task failed"
    if error is not None:
        assert error in after, after


def test_fixed_worker_lets_the_timeout_through(tmp_path: Path) -> None:
    _output, hung = run(FIXTURES / "tasks/runtime_cancellation_swallowed.py", HANG_TIMEOUT)
    assert hung
    after, hung = run(fixed_copy("tasks/runtime_cancellation_swallowed.py", tmp_path))
    assert not hung and "timed out" in after, after


def test_fixed_sleeps_no_longer_block_the_loop(tmp_path: Path) -> None:
    before, _ = run(FIXTURES / "blocking/runtime_blocking_sleep.py")
    assert SLOW_STEP.search(before)
    after, _ = run(fixed_copy("blocking/runtime_blocking_sleep.py", tmp_path))
    assert not SLOW_STEP.search(after), after
