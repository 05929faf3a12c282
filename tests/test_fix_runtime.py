"""The fixed notebook examples run without their symptom, under asyncio debug mode.

The notebook's gotchas are fixed with `fix_source` (unsafe fixes on: the un-awaited
`count(10)` sits at module level, where the fix is `asyncio.run()`; the swallowed exception
is AIO401's) into a scratch directory and run through tests/runtime_harness.py, as
tests/test_runtime.py runs the originals: the original shows the symptom, the fixed one not.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_fixtures import settings_for

from flake8_asyncio_gotchas.fix import fix_source
from flake8_asyncio_gotchas.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "fixtures" / "notebook"
HARNESS = Path(__file__).resolve().parent / "runtime_harness.py"

NEVER_AWAITED = re.compile(r"coroutine '[\w.<>]+' was never awaited")
NEVER_RETRIEVED = re.compile(r"(Task|Future) exception was never retrieved")


def run(path: Path) -> str:
    env = dict(os.environ, PYTHONASYNCIODEBUG="1", PYTHONWARNINGS="default")
    result = subprocess.run([sys.executable, str(HARNESS), str(path)], capture_output=True,
                            text=True, timeout=60, env=env, cwd=str(path.parent))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def fixed_copy(name: str, tmp_path: Path) -> Path:
    original = NOTEBOOK / name
    result = fix_source(original.read_text(), str(original), ALL_RULES,
                        settings_for(original), unsafe=True)
    assert result.fixed, "nothing was fixed"
    target = tmp_path / name
    target.write_text(result.source)
    return target


@pytest.mark.parametrize("name", ["20_gotcha_coroutine_not_awaited.py",
                                  "24_debug_coroutine_not_awaited.py"])
def test_fixed_count_prints_its_numbers(name: str, tmp_path: Path) -> None:
    before = run(NOTEBOOK / name)
    assert NEVER_AWAITED.search(before) and "\n0\n" not in "\n" + before
    after = run(fixed_copy(name, tmp_path))
    assert not NEVER_AWAITED.search(after), after
    assert after.split("Hello world!")[0].split() == [str(i) for i in range(10)], after


@pytest.mark.parametrize("name", ["21_gotcha_swallowed_exception.py",
                                  "25_debug_swallowed_exception.py"])
def test_fixed_task_shows_its_exception_when_it_fails(name: str, tmp_path: Path) -> None:
    before = run(NOTEBOOK / name)
    assert NEVER_RETRIEVED.search(before)
    after = run(fixed_copy(name, tmp_path))
    assert not NEVER_RETRIEVED.search(after), after
    assert "NameError: name 'do_something' is not defined" in after, after
    assert "Exception in callback" in after, "reported by the loop when the task failed"
