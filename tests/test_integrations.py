"""Where users meet the plugin, run for real: pre-commit, nbqa on notebooks, config files.

Each test drives the real tool as a user would (its command line, in a scratch directory) and
reads what the user would read. The pre-commit test installs the hook the way pre-commit always
does (a fresh environment of its own, packages from the package index), so it is slow.
"""
from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import yaml
from notebooks import notebook

if sys.version_info >= (3, 11):
    from tomllib import loads as toml_loads
else:                                    # installed with Flake8-pyproject on these versions
    from tomli import loads as toml_loads

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent        # the test environment's scripts: flake8, nbqa, flake8p

# AIO100 at line 5: a coroutine function called and its coroutine dropped.
BAD = "async def fetch():\n    ...\n\n\nfetch()\n"
GOOD = "import asyncio\n\n\nasync def fetch():\n    ...\n\n\nasyncio.run(fetch())\n"


def run(args: List[str], cwd: Path, env: Optional[Dict[str, str]] = None,
        timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=str(cwd), env=env, capture_output=True, text=True,
                          timeout=timeout)


def git(cwd: Path, *args: str) -> None:
    run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid",
         "-c", "commit.gpgsign=false", *args], cwd).check_returncode()


# ---------------------------------------------------------------------------------------------
# pre-commit

def snapshot_of_checkout(destination: Path) -> Path:
    """A one-commit git repository holding this checkout's files as they are on disk.

    `pre-commit try-repo` takes a repository at a commit and ignores untracked files, so pointing
    it at the checkout itself would test the last commit, not the working tree; a snapshot tests
    what is here (in CI, a fresh clone, the two are the same).
    """
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    listed.check_returncode()
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():                      # a file deleted but not yet committed: skip
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "snapshot")
    return destination


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    result = run([sys.executable, "-m", "pre_commit", "validate-manifest",
                  ".pre-commit-hooks.yaml"], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ours = {hook["id"]: hook for hook in hooks}["flake8-asyncio-gotchas"]
    assert ours["entry"] == "flake8" and ours["args"] == ["--select=AIO"]
    assert ours["language"] == "python" and ours["types"] == ["python"]


def code_blocks(path: Path, language: str) -> List[str]:
    blocks = path.read_text().split("```%s\n" % language)[1:]
    return [block.split("```", 1)[0] for block in blocks]


def readme_yaml_blocks() -> List[str]:
    return code_blocks(ROOT / "README.md", "yaml")


@pytest.mark.parametrize("document", ["README.md", "docs/integrations.md"])
def test_documented_snippets_parse(document: str) -> None:
    """Every YAML, JSON, TOML and ini example a user may paste is well-formed."""
    path = ROOT / document
    parsers = {"yaml": yaml.safe_load, "json": json.loads, "toml": toml_loads,
               "ini": configparser.ConfigParser().read_string}
    seen = 0
    for language, parse in parsers.items():
        for block in code_blocks(path, language):
            parse(block)
            seen += 1
    assert seen >= 6


def test_readme_pre_commit_configs_are_valid(tmp_path: Path) -> None:
    configs = [block for block in readme_yaml_blocks() if block.startswith("repos:")]
    assert len(configs) == 2, "README: our hook, and flake8's hook with us as a dependency"
    assert any("id: flake8-asyncio-gotchas" in block for block in configs)
    assert any("additional_dependencies: [flake8-asyncio-gotchas" in block for block in configs)
    for number, block in enumerate(configs):
        path = tmp_path / ("config%d.yaml" % number)
        path.write_text(block)
        result = run([sys.executable, "-m", "pre_commit", "validate-config", str(path)], tmp_path)
        assert result.returncode == 0, block + result.stdout + result.stderr


@pytest.mark.slow
def test_pre_commit_hook_fails_on_a_finding_then_passes_once_fixed(tmp_path: Path) -> None:
    hook_repo = snapshot_of_checkout(tmp_path / "flake8-asyncio-gotchas")
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / "app.py").write_text(BAD)
    git(project, "add", "app.py")
    # pre-commit builds the hook's environment in its own cache; a fresh one tests the install.
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    try_repo = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                "flake8-asyncio-gotchas", "--all-files", "--color=never"]

    failing = run(try_repo, project, env, timeout=600)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "flake8-asyncio-gotchas" in failing.stdout and "Failed" in failing.stdout
    assert "app.py:5:1: AIO100 `fetch()` is a coroutine function" in failing.stdout

    (project / "app.py").write_text(GOOD)
    git(project, "add", "app.py")
    passing = run(try_repo, project, env, timeout=600)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout and "AIO" not in passing.stdout


# ---------------------------------------------------------------------------------------------
# Jupyter notebooks through nbqa

NOTEBOOK_CELLS = [
    ["markdown", "# Counting, the asyncio way"],
    ["code", "import asyncio"],
    ["code", "async def count():\n    await asyncio.sleep(0)\n    return 1"],
    # Top-level await, as IPython runs it: no crash, no finding.
    ["code", "total = await count()\nawait count()"],
    ["code", "async with asyncio.timeout(1):\n    await count()"],
    # The mistake, found across cells: nbqa names code cells from 1, markdown not counted.
    ["code", "print(total)\ncount()"],
]


def test_nbqa_reports_our_finding_on_its_cell_and_accepts_top_level_await(
        tmp_path: Path) -> None:
    (tmp_path / "counting.ipynb").write_text(notebook(NOTEBOOK_CELLS))
    ours = run([str(BIN / "nbqa"), "flake8", "counting.ipynb", "--select=AIO"], tmp_path)
    assert ours.returncode == 1, ours.stdout + ours.stderr
    assert ours.stdout.splitlines() == [
        "counting.ipynb:cell_5:2:1: AIO100 `count()` is a coroutine function; its coroutine is "
        "never awaited: add `await`, or schedule it with `asyncio.create_task()` and keep the "
        "task"]
    # Every check: the notebook parses (no E999), and no traceback from anyone.
    everything = run([str(BIN / "nbqa"), "flake8", "counting.ipynb"], tmp_path)
    assert "E999" not in everything.stdout and "Traceback" not in everything.stderr
    assert "cell_5:2:1: AIO100" in everything.stdout


def test_nbqa_on_a_correct_notebook_is_silent(tmp_path: Path) -> None:
    cells = NOTEBOOK_CELLS[:-1] + [["code", "print(total)\nawait count()"]]
    (tmp_path / "counting.ipynb").write_text(notebook(cells))
    result = run([str(BIN / "nbqa"), "flake8", "counting.ipynb", "--select=AIO"], tmp_path)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# Configuration files: each place flake8 (or flake8-pyproject) reads options from

APP = ("import mylib\n\n\n"
       "async def handler():\n"
       "    mylib.wait()\n")
DECLARED = "app.py:5:5: AIO207 `mylib.wait()` blocks the event loop"

INI = ("[flake8]\n"
       "select = AIO\n"
       "asyncio-blocking-calls =\n"
       "    mylib.wait=mylib.async_wait,\n"
       "    mylib.Client.*\n")
INI_IGNORING = "[flake8]\nextend-ignore = AIO100\n"
TOML = ("[tool.flake8]\n"
        "select = [\"AIO\"]\n"
        "asyncio-blocking-calls = \"mylib.wait=mylib.async_wait, mylib.Client.*\"\n")
TOML_IGNORING = "[tool.flake8]\nextend-ignore = [\"AIO100\"]\n"

CONFIG_FILES = {"setup.cfg": (INI, INI_IGNORING), "tox.ini": (INI, INI_IGNORING),
                ".flake8": (INI, INI_IGNORING), "pyproject.toml": (TOML, TOML_IGNORING)}


def flake8_in(directory: Path, command: str = "flake8") -> subprocess.CompletedProcess:
    # No --isolated: reading the directory's configuration is the point.
    return run([str(BIN / command), "app.py"], directory)


def test_without_configuration_the_option_is_off_and_aio100_on(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "bad.py").write_text(BAD)
    result = run([str(BIN / "flake8"), "app.py", "bad.py"], tmp_path)
    assert result.stdout.startswith("bad.py:5:1: AIO100"), result.stdout + result.stderr
    assert "app.py" not in result.stdout


@pytest.mark.parametrize("config_name", sorted(CONFIG_FILES))
def test_option_from_config_file(tmp_path: Path, config_name: str) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / config_name).write_text(CONFIG_FILES[config_name][0])
    result = flake8_in(tmp_path)
    assert result.stdout.startswith(DECLARED), result.stdout + result.stderr
    assert "use `mylib.async_wait`" in result.stdout       # the `name=replacement` form
    assert result.stdout.count("\n") == 1, "`select = AIO` keeps flake8's own checks off"


@pytest.mark.parametrize("config_name", sorted(CONFIG_FILES))
def test_ignore_from_config_file(tmp_path: Path, config_name: str) -> None:
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / config_name).write_text(CONFIG_FILES[config_name][1])
    result = flake8_in(tmp_path)
    assert result.returncode == 0 and "AIO100" not in result.stdout, result.stdout


def test_pyproject_through_the_flake8p_command_too(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "pyproject.toml").write_text(TOML)
    assert flake8_in(tmp_path, "flake8p").stdout.startswith(DECLARED)
