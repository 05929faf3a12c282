"""A rule that raises fails the test that made it raise.

The engine never lets a rule's exception reach flake8: it drops the rule for that file and
logs a warning under `flake8.asyncio_gotchas` (shown by `flake8 -v`). Silent for users, so a
test that only compared findings would read a crash as "nothing found". Every test here runs
with that logger watched: a warning logged while it runs fails it, unless the test is marked
`rules_may_fail` (the tests of the engine's own failure handling).
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Generator, Iterator, List

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ENGINE_LOGGER = "flake8.asyncio_gotchas"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def engine_warnings() -> Iterator[List[str]]:
    """The messages of the warnings the engine logs (failed rules, skipped files) meanwhile."""
    logger = logging.getLogger(ENGINE_LOGGER)
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def pytest_configure(config: Any) -> None:
    # Module summaries cached on disk go to a directory of this session's, not to the
    # repository's own cache: no run reads what an earlier run (of other code) wrote.
    # Subprocesses (flake8 CLI tests) inherit it. The cache's own tests set their own.
    session_cache = tempfile.mkdtemp(prefix="aio-summary-cache-")
    config.add_cleanup(lambda: shutil.rmtree(session_cache, ignore_errors=True))
    os.environ["FLAKE8_ASYNCIO_GOTCHAS_CACHE_DIR"] = session_cache
    config.addinivalue_line(
        "markers", "rules_may_fail: the test makes rules fail on purpose (engine warnings "
        "allowed)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    if item.get_closest_marker("rules_may_fail") is not None:
        return (yield)
    with engine_warnings() as messages:
        result = yield
    if messages:
        raise AssertionError("the engine logged (a rule failed, or a file was skipped):\n  "
                             + "\n  ".join(messages))
    return result
