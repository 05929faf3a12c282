"""AIO403 asks the project how a module-level loop runs (rules/tasks_project.py): what each file
says is kept by path, mtime and size, and what cannot be read or listed leaves it reported."""
from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Dict, List

import pytest

from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.options import TEST_PATHS
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options, tasks_project

SETTINGS: Dict[str, object] = {option.dest: option.parse(option.default)
                               for option in all_options()}

LOOP = '''import asyncio


async def heartbeat():
    while True:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            break
'''

STARTS = '''import asyncio
from pkg.loop import heartbeat


def start():
    return asyncio.ensure_future(heartbeat())
'''

AWAITS = '''from pkg.loop import heartbeat


async def once():
    await heartbeat()
'''


def _project(root: Path, marked: bool = True) -> Path:
    if marked:
        (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "loop.py").write_text(LOOP)
    (package / "starts.py").write_text(STARTS)
    return package


def _codes(package: Path, filename: str = "", settings: Dict[str, object] = SETTINGS
           ) -> List[str]:
    path = package / "loop.py"
    return [code for _line, _col, code, _message in
            check_source(path.read_text(), filename or str(path), ALL_RULES, settings)]


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 2))    # a later mtime, whatever the clock


def test_a_caller_that_changes_is_read_again(tmp_path: Path) -> None:
    package = _project(tmp_path)
    (package / "other.py").write_text("def unrelated():\n    return 1\n")
    assert _codes(package) == []
    (package / "other.py").write_text(AWAITS)
    _touch_later(package / "other.py")
    assert _codes(package) == ["AIO403"]


def test_files_outside_the_projects_sources_do_not_decide(tmp_path: Path) -> None:
    package = _project(tmp_path)
    for folder in (tmp_path / ".tox", tmp_path / "env", tmp_path / "tests"):
        folder.mkdir()
        (folder / "uses.py").write_text(AWAITS)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert _codes(package) == []


def test_the_test_paths_option_says_what_test_code_is(tmp_path: Path) -> None:
    package = _project(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_loop.py").write_text(AWAITS)
    settings = dict(SETTINGS, **{TEST_PATHS.dest: TEST_PATHS.parse("spec_*.py")})
    assert _codes(package, settings=settings) == ["AIO403"]


def test_an_unparsable_file_does_not_stop_the_answer(tmp_path: Path) -> None:
    package = _project(tmp_path)
    (package / "broken.py").write_text("def heartbeat(:\n")
    assert _codes(package) == []


def test_standard_input_has_no_project_to_ask(tmp_path: Path) -> None:
    assert _codes(_project(tmp_path), filename="-") == ["AIO403"]


def test_a_module_outside_any_project_has_none_to_ask(tmp_path: Path) -> None:
    assert _codes(_project(tmp_path, marked=False)) == ["AIO403"]


def test_a_project_too_large_to_read_leaves_the_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _project(tmp_path)
    monkeypatch.setattr(tasks_project, "_MAX_FILES", 2)
    monkeypatch.setattr(tasks_project, "_files", {})
    assert _codes(package) == ["AIO403"]


def test_a_project_with_too_many_other_files_leaves_the_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _project(tmp_path)
    for index in range(5):
        (tmp_path / ("data%d.json" % index)).write_text("{}")
    monkeypatch.setattr(tasks_project, "_MAX_ENTRIES", 8)
    monkeypatch.setattr(tasks_project, "_files", {})
    assert _codes(package) == ["AIO403"]


def test_the_linted_module_is_read_from_the_tree_flake8_hands_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _project(tmp_path)
    path = package / "loop.py"
    source = LOOP + "\n\nHANDLERS = [heartbeat]\n"    # passed on from its own module
    path.write_text(source)
    tree = ast.parse(source)
    parsed: List[str] = []
    real_parse = ast.parse

    def spy(text: object, *args: object, **kwargs: object) -> object:
        parsed.append(text.decode() if isinstance(text, bytes) else str(text))
        return real_parse(text, *args, **kwargs)    # type: ignore[arg-type]

    monkeypatch.setattr(tasks_project.ast, "parse", spy)
    with_tree = [code for _line, _col, code, _message in
                 check_source(source, str(path), ALL_RULES, SETTINGS, tree)]
    assert with_tree == ["AIO403"] and source not in parsed
    assert _codes(package) == ["AIO403"] and source in parsed    # no tree: parsed from its text
