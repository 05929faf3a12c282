"""AIO401 judges another module's coroutine the way it judges its own (rules/tasks_elsewhere.py),
and judges it again when that module changes: the answer is kept by path, mtime and size."""
from __future__ import annotations

import os
from pathlib import Path

from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options

SETTINGS = {option.dest: option.parse(option.default) for option in all_options()}

USES = '''import asyncio
from pkg.workers import loop


class Runner:
    def start(self):
        self._task = asyncio.create_task(loop())

    def stop(self):
        self._task.cancel()
'''

SAFE = '''import logging
log = logging.getLogger(__name__)


async def work():
    pass


async def loop():
    while True:
        try:
            await work()
        except Exception:
            log.exception("failed")
'''

# The same loop with a statement outside the try that may raise: its error escapes.
UNSAFE = SAFE.replace("    while True:\n", "    settings = load()\n    while True:\n")


def _codes(project: Path) -> list:
    path = project / "pkg" / "uses.py"
    return [code for _line, _col, code, _message in
            check_source(path.read_text(), str(path), ALL_RULES, SETTINGS)]


def test_another_modules_coroutine_is_judged_and_judged_again_when_it_changes(
        tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "uses.py").write_text(USES)
    workers = package / "workers.py"
    workers.write_text(SAFE)
    assert _codes(tmp_path) == []
    workers.write_text(UNSAFE)
    stat = workers.stat()
    os.utime(workers, (stat.st_atime, stat.st_mtime + 2))    # a later mtime, whatever the clock
    assert _codes(tmp_path) == ["AIO401"]


def test_another_module_is_read_in_its_declared_encoding(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "uses.py").write_text(USES)
    # Not UTF-8: read as text in the wrong encoding it would not be judged (and the task
    # would be reported).
    (package / "workers.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + SAFE.encode()
                                         + b"\nNAME = '\xe9'\n")
    assert _codes(tmp_path) == []
