"""Runs a fixture as a script, fast and in asyncio debug mode, for tests/test_runtime.py.

    python tests/runtime_harness.py fixtures/tasks/runtime_dangling_task.py

Before running the file (as `__main__`), it:
- sets FIXTURE_SMALL=1, which runtime fixtures read to pick small parameters;
- scales every `asyncio.sleep(delay)` by RUNTIME_TIME_SCALE (default 0.01), so that the
  notebook's `sleep(0.5)` and `sleep(3.0)` take milliseconds;
- wraps the coroutine given to `asyncio.run()`: debug mode on, the loop's
  `slow_callback_duration` set to RUNTIME_SLOW_CALLBACK seconds (default 0.15), and once the
  coroutine returns, the loop kept running for RUNTIME_LINGER seconds (default 0.15) with a
  `gc.collect()`, as Jupyter's ever-running loop would: tasks that the fixture left behind get
  the time to fail, and to be collected ("Task exception was never retrieved").

With RUNTIME_REPORT set to a file name, it also writes there, one JSON object a line, what
ties a symptom to a line of the fixture when debug mode does not name one:
- {"stalled": [[line, function], ...], "at": seconds}: every few milliseconds, the fixture's
  frames on the main thread's stack (outermost first) while that thread is busy, not waiting
  in the event loop's selector: where the loop is held (a blocking call, a CPU loop, a
  busy-wait that hangs);
- {"raised": "RuntimeError", "message": "boom", "line": 7, "function": "child"}: an exception
  raised in (or thrown into) a frame of the fixture, where it first appeared there.
Lines are written as they happen, so a run killed for hanging has them too.
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import runpy
import selectors
import sys
import threading
import time
from types import FrameType
from typing import IO, Any, Awaitable, Callable, Coroutine, Optional, TypeVar

T = TypeVar("T")

TIME_SCALE = float(os.environ.get("RUNTIME_TIME_SCALE", "0.01"))
SLOW_CALLBACK = float(os.environ.get("RUNTIME_SLOW_CALLBACK", "0.15"))
LINGER = float(os.environ.get("RUNTIME_LINGER", "0.15"))
SAMPLE_EVERY = 0.005
# Exceptions that are control flow, not failures.
_NOT_FAILURES = (StopIteration, StopAsyncIteration, GeneratorExit)

_real_sleep = asyncio.sleep
_real_run = asyncio.run


async def _scaled_sleep(delay: float, result: Any = None) -> Any:
    return await _real_sleep(delay * TIME_SCALE if delay else delay, result)


async def _keep_loop_running(main: Awaitable[T]) -> T:
    asyncio.get_running_loop().slow_callback_duration = SLOW_CALLBACK
    try:
        return await main
    finally:
        await _real_sleep(LINGER)
        gc.collect()
        await _real_sleep(0)


def _run(main: Coroutine[Any, Any, T], **kwargs: Any) -> T:
    kwargs["debug"] = True
    return _real_run(_keep_loop_running(main), **kwargs)


class _Report:
    """Writes what the harness sees in the fixture's frames to RUNTIME_REPORT."""

    def __init__(self, out: IO[str], fixture: str) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.names = {fixture, os.path.abspath(fixture)}
        self.seen: set = set()

    def write(self, record: dict) -> None:
        with self.lock:
            self.out.write(json.dumps(record) + "\n")
            self.out.flush()

    def sample_stalls(self, thread_id: int) -> None:
        idle = selectors.__file__
        while True:
            time.sleep(SAMPLE_EVERY)
            frame: Optional[FrameType] = sys._current_frames().get(thread_id)
            if frame is None:
                return
            if frame.f_code.co_filename == idle:      # waiting for I/O or a timer
                continue
            chain = []
            while frame is not None:
                if frame.f_code.co_filename in self.names:
                    chain.append([_line_of(frame), frame.f_code.co_name])
                frame = frame.f_back
            if chain:
                self.write({"stalled": chain[::-1], "at": time.monotonic()})

    def trace(self, frame: FrameType, event: str, arg: Any) -> Optional[Callable]:
        if frame.f_code.co_filename not in self.names:
            return None
        frame.f_trace_lines = False                   # exceptions only: cheap
        return self._on_exception

    def _on_exception(self, frame: FrameType, event: str, arg: Any) -> Optional[Callable]:
        if event == "exception":
            error = arg[1]
            if not isinstance(error, _NOT_FAILURES) and id(error) not in self.seen:
                self.seen.add(id(error))
                self.write({"raised": type(error).__name__, "message": str(error),
                            "line": frame.f_lineno, "function": frame.f_code.co_name})
        return self._on_exception


def _line_of(frame: FrameType) -> Optional[int]:
    """The frame's line; for an instruction with none of its own (3.11's loop jumps, read
    from another thread), the line of the nearest instruction before it."""
    if frame.f_lineno is not None:
        return frame.f_lineno
    line = None
    for start, _end, number in frame.f_code.co_lines():
        if start > frame.f_lasti:
            break
        if number is not None:
            line = number
    return line


def _start_report(path: str, fixture: str) -> None:
    report = _Report(open(path, "a", encoding="utf-8"), fixture)
    threading.Thread(target=report.sample_stalls, args=(threading.get_ident(),),
                     daemon=True).start()
    sys.settrace(report.trace)


def main(path: str) -> None:
    if os.environ.get("RUNTIME_REPORT"):
        _start_report(os.environ["RUNTIME_REPORT"], path)
    os.environ["FIXTURE_SMALL"] = "1"
    asyncio.sleep = _scaled_sleep  # type: ignore[assignment]
    asyncio.run = _run  # type: ignore[assignment]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    sys.argv = [path]
    runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1])
