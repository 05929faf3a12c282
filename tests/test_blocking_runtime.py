"""The AIO2xx runtime fixtures show their symptom in asyncio debug mode, the near misses not.

Run through tests/runtime_harness.py (debug mode, slow_callback_duration 0.15 s): a blocked
loop prints "Executing <Task ...> took N seconds".
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_marks import expected_findings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "blocking"
HARNESS = Path(__file__).resolve().parent / "runtime_harness.py"
SLOW_STEP = re.compile(r"Executing <Task .*> took \d+\.\d+ seconds")

CASES = [
    ("runtime_blocking_sleep.py", True),
    ("runtime_blocking_sleep_offloaded.py", False),
    ("runtime_thread_lock.py", True),
    ("runtime_asyncio_lock.py", False),
    ("runtime_sqlite.py", True),
    ("runtime_sqlite_offloaded.py", False),
]


@pytest.mark.parametrize("fixture, positive", CASES, ids=[case[0] for case in CASES])
def test_blocking_symptom(fixture: str, positive: bool) -> None:
    marked = expected_findings(FIXTURES / fixture)
    assert bool(marked) == positive, "a positive fixture is marked, a near miss is not"
    env = dict(os.environ, PYTHONASYNCIODEBUG="1")
    result = subprocess.run([sys.executable, str(HARNESS), str(FIXTURES / fixture)],
                            capture_output=True, text=True, timeout=30, env=env, cwd=str(ROOT))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-2000:]
    assert bool(SLOW_STEP.search(output)) == positive, output[-2000:]
