"""The AIO2xx runtime fixtures show their symptom in asyncio debug mode, the near misses not.

Run through tests/runtime_harness.py (debug mode, slow_callback_duration 0.15 s): a blocked
loop prints "Executing <Task ...> took N seconds". Debug mode names the task, not the line
that blocked; the harness's samples of the loop's thread tie the stall to each marked line.
"""
from __future__ import annotations

import pytest
from fixture_marks import expected_findings
from runtime_run import FIXTURES, HELD_FOR, SLOW_STEP, held_at, run_fixture

BLOCKING = FIXTURES / "blocking"

CASES = [
    ("runtime_blocking_sleep.py", True),
    ("runtime_blocking_sleep_offloaded.py", False),
    ("runtime_thread_lock.py", True),
    ("runtime_asyncio_lock.py", False),
    ("runtime_sqlite.py", True),
    ("runtime_sqlite_offloaded.py", False),
]

# Marked lines that block only briefly at the fixture's size (reported because they touch the
# disk, but quicker than the sampler can hold them): the stall is proved at the others.
BRIEF = {"runtime_sqlite.py": {21, 22, 25}}   # connect, CREATE TABLE, commit


@pytest.mark.parametrize("fixture, positive", CASES, ids=[case[0] for case in CASES])
def test_blocking_symptom(fixture: str, positive: bool) -> None:
    path = BLOCKING / fixture
    marked = sorted(line for line, _code in expected_findings(path))
    assert bool(marked) == positive, "a positive fixture is marked, a near miss is not"
    outcome = run_fixture(path)
    assert outcome.returncode == 0, outcome.tail()
    assert bool(SLOW_STEP.search(outcome.output)) == positive, outcome.tail()
    brief = BRIEF.get(fixture, set())
    assert brief <= set(marked), "a brief line that is not marked: %s" % sorted(brief)
    for line in marked:
        if line in brief:
            continue
        assert held_at(outcome, path, line) >= HELD_FOR, (
            "the loop was not held at line %d:\n%s" % (line, outcome.tail()))
