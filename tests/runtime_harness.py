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
"""
from __future__ import annotations

import asyncio
import gc
import os
import runpy
import sys
from typing import Any, Awaitable, Coroutine, TypeVar

T = TypeVar("T")

TIME_SCALE = float(os.environ.get("RUNTIME_TIME_SCALE", "0.01"))
SLOW_CALLBACK = float(os.environ.get("RUNTIME_SLOW_CALLBACK", "0.15"))
LINGER = float(os.environ.get("RUNTIME_LINGER", "0.15"))

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


def main(path: str) -> None:
    os.environ["FIXTURE_SMALL"] = "1"
    asyncio.sleep = _scaled_sleep  # type: ignore[assignment]
    asyncio.run = _run  # type: ignore[assignment]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    sys.argv = [path]
    runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1])
