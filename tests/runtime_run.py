"""Running a fixture through tests/runtime_harness.py, and tying what it shows to marked lines.

The one runner of every runtime proof (test_runtime.py, test_blocking_runtime.py,
test_races_runtime.py, test_fix_runtime.py): one subprocess per fixture, in asyncio debug
mode, with unbuffered output (`python -u`: what a hung run printed before it was stopped is
all there), and the harness's report of where the loop was held and which exceptions the
fixture raised; the symptoms' patterns are here too.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
HARNESS = Path(__file__).resolve().parent / "runtime_harness.py"
FINISH_TIMEOUT = 30.0  # a run expected to finish gets room on a loaded machine
HANG_TIMEOUT = 2.0     # a hang is a run still going after this many seconds
SLOW_STEP = re.compile(r"Executing <Task .*> took \d+\.\d+ seconds")
NEVER_AWAITED = re.compile(r"coroutine '[\w.<>]+' was never awaited")
NEVER_RETRIEVED = re.compile(r"(?:Task|Future) exception was never retrieved")
# Where the loop must have been held at a marked statement to call it the cause of a slow step
# (the harness's slow-callback threshold is 0.15 s): seconds between the first and last sample.
HELD_FOR = 0.1


@dataclass
class Raised:
    kind: str
    message: str
    line: int
    function: str


@dataclass
class Run:
    output: str              # stdout and stderr together
    hung: bool
    returncode: Optional[int]
    # (seconds, [(line, function), ...] of the fixture's frames, outermost first)
    stalls: List[Tuple[float, List[Tuple[int, str]]]] = field(default_factory=list)
    raised: List[Raised] = field(default_factory=list)

    def tail(self) -> str:
        return self.output[-2000:]


def run_fixture(path: Path, timeout: float = FINISH_TIMEOUT, **env: str) -> Run:
    """Runs `path` through the harness; `hung` when it is still running after `timeout`."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.jsonl"
        environment = dict(os.environ, PYTHONASYNCIODEBUG="1", PYTHONWARNINGS="default",
                           RUNTIME_REPORT=str(report), **env)
        command = [sys.executable, "-u", str(HARNESS), str(path)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                    env=environment, cwd=str(ROOT))
            run = Run(result.stdout + result.stderr, False, result.returncode)
        except subprocess.TimeoutExpired as expired:
            run = Run(_text(expired.stdout) + _text(expired.stderr), True, None)
        for line in report.read_text(encoding="utf-8").splitlines() if report.exists() else []:
            record = json.loads(line)
            if "stalled" in record:
                run.stalls.append((record["at"], [tuple(frame) for frame in record["stalled"]]))
            else:
                run.raised.append(Raised(record["raised"], record["message"], record["line"],
                                         record["function"]))
    return run


def run_to_end(path: Path, timeout: float = FINISH_TIMEOUT) -> Run:
    """`run_fixture`, for a run that must end well (or hang, which the caller checks)."""
    run = run_fixture(path, timeout)
    assert run.hung or run.returncode == 0, run.tail()
    return run


def _text(data: object) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""  # type: ignore[return-value]


def marked_statement(path: Path, line: int) -> range:
    """The lines of the statement a mark is on (a loop or `with`: with its body)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == line:
            return range(node.lineno, (node.end_lineno or node.lineno) + 1)
    raise AssertionError("no statement starts at %s:%d" % (path.name, line))


def held_at(run: Run, path: Path, line: int) -> float:
    """For how long (first to last sample) the loop's thread was busy in the marked statement,
    in any of the fixture's frames on its stack."""
    lines = marked_statement(path, line)
    times = [at for at, frames in run.stalls if any(number in lines for number, _ in frames)]
    return max(times) - min(times) if times else 0.0


def warned_never_awaited(run: Run, path: Path, line: int) -> bool:
    """Python's warning names the file and line where the coroutine was dropped."""
    pattern = r"(?m)^(.*/)?%s:%d: RuntimeWarning: coroutine '[\w.<>]+' was never awaited" % (
        re.escape(path.name), line)
    return re.search(pattern, run.output) is not None


def traceback_frames(text: str, path: Path) -> List[int]:
    """The lines of `path` that a traceback in `text` passes through, in order."""
    pattern = r'File "(?:[^"]*/)?%s", line (\d+)' % re.escape(path.name)
    return [int(number) for number in re.findall(pattern, text)]


def never_retrieved_created_at(run: Run, path: Path, line: int) -> bool:
    """asyncio's "Task exception was never retrieved" whose source traceback (debug mode: where
    the task was created) passes through the marked line."""
    blocks = NEVER_RETRIEVED.split(run.output)
    return any(line in traceback_frames(block.split("Traceback (most recent call last)")[0],
                                        path)
               for block in blocks[1:])
