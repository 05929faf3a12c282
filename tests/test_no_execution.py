"""The linter reads code and never runs it, not even the modules it looks into.

tests/no_execution/ holds a module whose import or execution creates files (at import, in a
decorator, a default, an annotation, a class body, a metaclass, `__init_subclass__`, atexit,
the `__main__` block) and a small fake project whose package, imported module and setup.py
create files too. flake8 lints copies of them; afterwards not one file may have appeared,
and the findings that need the imported module's contents (a coroutine function defined there)
must be there, so the module was read. The last test runs the same code with Python to show the
traps do go off, so the first tests could fail.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.plugin import Plugin
from flake8_asyncio_gotchas.rules import ALL_RULES

TRAPS = Path(__file__).resolve().parent / "no_execution"

EXPECTED = {
    ("project/app/main.py", 9, "AIO100"),         # `from .service import fetch`
    ("project/app/main.py", 10, "AIO100"),        # `from app import service`: service.fetch()
    ("standalone_fixture.py", 56, "AIO100"),
}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    target = tmp_path / "work"
    shutil.copytree(TRAPS, target, ignore=shutil.ignore_patterns("__pycache__", "EXECUTED*"))
    return target


def every_path(root: Path) -> Set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def flake8(args: List[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--disable-noqa", "--select", "AIO100",
         *args], input=stdin, capture_output=True, text=True, cwd=str(cwd), timeout=300)


def findings(stdout: str) -> Set[Tuple[str, int, str]]:
    found = set()
    for row in stdout.splitlines():
        path, line, _column, rest = row.split(":", 3)
        found.add((Path(path).as_posix().lstrip("./"), int(line), rest.split()[0]))
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_linting_the_traps_creates_no_file(work: Path, jobs: str) -> None:
    before = every_path(work) | every_path(work.parent)
    result = flake8(["-j", jobs, "."], cwd=work)
    assert result.stderr == ""
    assert findings(result.stdout) == EXPECTED
    assert every_path(work) | every_path(work.parent) == before


def test_linting_one_module_of_the_project_creates_no_file(work: Path) -> None:
    """The module alone, from inside the project, and as stdin named after it."""
    project = work / "project"
    before = every_path(work)
    on_file = flake8(["app/main.py"], cwd=project)
    source = (project / "app" / "main.py").read_text()
    on_stdin = flake8(["-", "--stdin-display-name", "app/main.py"], cwd=project, stdin=source)
    assert findings(on_file.stdout) == findings(on_stdin.stdout) == {
        ("app/main.py", 9, "AIO100"), ("app/main.py", 10, "AIO100")}
    assert every_path(work) == before


def test_in_process_check_imports_nothing(work: Path) -> None:
    main = work / "project" / "app" / "main.py"
    modules = set(sys.modules)
    before = every_path(work)
    results = check_source(main.read_text(), str(main), ALL_RULES, Plugin.settings)
    assert [(line, code) for line, _column, code, _message in results] == [
        (9, "AIO100"), (10, "AIO100")]
    loaded = {name: getattr(sys.modules[name], "__file__", None) or ""
              for name in set(sys.modules) - modules}
    assert [name for name, path in loaded.items() if str(work) in path] == []
    assert "app" not in sys.modules and "app.service" not in sys.modules
    assert every_path(work) == before


def test_the_traps_go_off_when_the_code_runs(work: Path) -> None:
    """Importing or running the same code does create the files the tests above look for."""
    subprocess.run([sys.executable, "standalone_fixture.py"], cwd=str(work), check=True,
                   timeout=60)
    subprocess.run([sys.executable, "-c", "import app.main"], cwd=str(work / "project"),
                   check=True, timeout=60)
    subprocess.run([sys.executable, "setup.py"], cwd=str(work / "project"), check=True,
                   timeout=60)
    created = {Path(path).name for path in every_path(work) if "EXECUTED" in path}
    assert {"EXECUTED_module", "EXECUTED_decorator", "EXECUTED_default",
            "EXECUTED_annotation", "EXECUTED_class_body", "EXECUTED_metaclass",
            "EXECUTED_init_subclass", "EXECUTED_main_block", "EXECUTED_atexit",
            "EXECUTED_IN_CWD_module", "EXECUTED_package", "EXECUTED_service",
            "EXECUTED_setup_py"} <= created
