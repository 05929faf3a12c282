"""The `flake8-asyncio-gotchas fix` command as a user runs it: files, directories, --diff,
--select, --unsafe-fixes, the flake8 configuration, exit statuses, and what it will not touch."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

BIN = Path(sys.executable).parent

SLEEPY = ("import time\n\n\n"
          "async def poll():\n"
          "    time.sleep(1)  # wait a bit\n")
SLEEPY_FIXED = ("import time\nimport asyncio\n\n\n"
                "async def poll():\n"
                "    await asyncio.sleep(1)  # wait a bit\n")
# AIO201: an unsafe fix only; AIO300-style findings have none.
NETWORK = ("import requests\n\n\n"
           "async def fetch(url):\n"
           "    return requests.get(url)\n")


def fix(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8_asyncio_gotchas", "fix", *args],
                          cwd=str(cwd), capture_output=True, text=True, timeout=120)


def write(directory: Path, files: dict) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_console_script_is_installed(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SLEEPY})
    result = subprocess.run([str(BIN / "flake8-asyncio-gotchas"), "fix", "app.py"],
                            cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "app.py").read_text() == SLEEPY_FIXED


def test_fix_writes_the_file_and_exits_0_when_nothing_is_left(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SLEEPY})
    result = fix("app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "app.py").read_text() == SLEEPY_FIXED
    assert "Fixed 1 finding (AIO200 1). 0 findings left." in result.stderr
    again = fix("app.py", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "app.py").read_text() == SLEEPY_FIXED


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SLEEPY})
    result = fix("--diff", "app.py", cwd=tmp_path)
    assert result.returncode == 1, "a diff to show is status 1"
    assert (tmp_path / "app.py").read_text() == SLEEPY
    assert result.stdout.splitlines() == [
        "--- a/app.py", "+++ b/app.py", "@@ -1,5 +1,6 @@", " import time", "+import asyncio",
        " ", " ", " async def poll():", "-    time.sleep(1)  # wait a bit",
        "+    await asyncio.sleep(1)  # wait a bit"]
    assert "Would fix 1 finding" in result.stderr
    # The README shows this very diff.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    shown = readme.split("```diff\n", 1)[1].split("```", 1)[0].splitlines()
    assert shown == [line.rstrip() for line in result.stdout.splitlines()[3:]]


def test_findings_left_are_printed_and_exit_1(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": NETWORK})
    result = fix("app.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("app.py:5:12: AIO201 `requests.get()` blocks")
    assert "1 fixable with --unsafe-fixes" in result.stderr
    assert (tmp_path / "app.py").read_text() == NETWORK

    unsafe = fix("--unsafe-fixes", "app.py", cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout + unsafe.stderr
    assert "return await asyncio.to_thread(requests.get, url)" in (
        tmp_path / "app.py").read_text()


def test_select_limits_the_codes(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SLEEPY + NETWORK.replace("import requests\n", "import requests")})
    result = fix("--select", "AIO201", "--unsafe-fixes", "app.py", cwd=tmp_path)
    text = (tmp_path / "app.py").read_text()
    assert "time.sleep(1)" in text and "asyncio.to_thread(requests.get, url)" in text
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("args, message", [
    (["--select", "E501", "app.py"], "names no code of ours"),
    (["--bogus", "app.py"], "unrecognized arguments: --bogus"),
    (["missing.py"], "no such file or directory: missing.py"),
    ([], "the following arguments are required: PATH"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path: Path, args: List[str],
                                             message: str) -> None:
    write(tmp_path, {"app.py": SLEEPY})
    result = fix(*args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert (tmp_path / "app.py").read_text() == SLEEPY


def test_no_command_exits_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flake8_asyncio_gotchas"], cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "COMMAND" in result.stderr


@pytest.mark.parametrize("config_name", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_and_ignores_come_from_the_flake8_configuration(tmp_path: Path,
                                                                config_name: str) -> None:
    write(tmp_path, {"app.py": SLEEPY, "other.py": SLEEPY.replace("poll", "other"),
                     config_name: "[flake8]\nasyncio-nonblocking-calls = time.sleep\n"})
    result = fix("app.py", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "app.py").read_text() == SLEEPY
    (tmp_path / config_name).write_text("[flake8]\nextend-ignore = AIO200\n")
    assert fix("app.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "app.py").read_text() == SLEEPY
    (tmp_path / config_name).write_text("[flake8]\nper-file-ignores = app.py: AIO200\n")
    assert fix("app.py", "other.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "app.py").read_text() == SLEEPY
    assert "await asyncio.sleep(1)" in (tmp_path / "other.py").read_text()
    (tmp_path / config_name).write_text("[flake8]\nasyncio-cpu-loop-threshold = -3\n")
    bad = fix("app.py", cwd=tmp_path)
    assert bad.returncode == 2 and "asyncio-cpu-loop-threshold" in bad.stderr, bad.stderr


def test_directories_are_walked_skipping_excluded_ones(tmp_path: Path) -> None:
    files = {"pkg/a.py": SLEEPY, "pkg/sub/b.py": SLEEPY, "pkg/notes.txt": SLEEPY,
             "pkg/.git/c.py": SLEEPY, "pkg/__pycache__/d.py": SLEEPY,
             "pkg/.venv/lib/e.py": SLEEPY, "pkg/generated/f.py": SLEEPY,
             "setup.cfg": "[flake8]\nextend-exclude = generated\n"}
    write(tmp_path, files)
    result = fix("pkg", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    changed = sorted(name for name in files
                     if (tmp_path / name).read_text() != files[name])
    assert changed == ["pkg/a.py", "pkg/sub/b.py"]
    # Named on the command line (as pre-commit names files): excluded when the file itself
    # matches, as flake8 excludes it.
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-exclude = generated,*_pb2.py\n")
    write(tmp_path, {"pkg/api_pb2.py": SLEEPY})
    assert fix("pkg/api_pb2.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "pkg/api_pb2.py").read_text() == SLEEPY


def test_a_file_that_does_not_parse_is_reported_and_left(tmp_path: Path) -> None:
    broken = "async def f(:\n    time.sleep(1)\n"
    write(tmp_path, {"broken.py": broken, "app.py": SLEEPY})
    result = fix(".", cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.py: not fixed: cannot parse" in result.stderr
    assert (tmp_path / "broken.py").read_text() == broken
    assert (tmp_path / "app.py").read_text() == SLEEPY_FIXED


def test_encoding_bom_and_line_endings_are_kept(tmp_path: Path) -> None:
    latin = ("# -*- coding: latin-1 -*-\nimport time\n\n\nasync def caf\u00e9():\n"
             "    time.sleep(1)  # \u00e9t\u00e9\n")
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    (tmp_path / "crlf.py").write_bytes(("\ufeff" + SLEEPY).replace("\n", "\r\n")
                                       .encode("utf-8"))
    result = fix(".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "latin.py").read_bytes().decode("latin-1") == latin.replace(
        "import time\n", "import time\nimport asyncio\n").replace(
        "    time.sleep(1)", "    await asyncio.sleep(1)")
    assert (tmp_path / "crlf.py").read_bytes() == (
        "\ufeff" + SLEEPY_FIXED).replace("\n", "\r\n").encode("utf-8")


def test_the_plugin_never_imports_the_fixer(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SLEEPY})
    code = ("import ast, sys\n"
            "from flake8_asyncio_gotchas.plugin import Plugin\n"
            "source = open('app.py').read()\n"
            "found = list(Plugin(ast.parse(source), source.splitlines(True), 'app.py').run())\n"
            "assert found, 'the plugin found nothing'\n"
            "print(sorted(m for m in sys.modules if m.startswith('flake8_asyncio_gotchas')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert result.returncode == 0, result.stderr
    assert "flake8_asyncio_gotchas.engine" in result.stdout
    assert "flake8_asyncio_gotchas.fix" not in result.stdout


# -- the pre-commit hook -------------------------------------------------------------------------

def test_fix_hook_is_in_the_manifest() -> None:
    import yaml

    root = Path(__file__).resolve().parent.parent
    hooks = {hook["id"]: hook
             for hook in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())}
    ours = hooks["flake8-asyncio-gotchas-fix"]
    assert ours["entry"] == "flake8-asyncio-gotchas fix" and "args" not in ours
    assert ours["language"] == "python" and ours["types"] == ["python"]


@pytest.mark.slow
def test_pre_commit_fix_hook_fixes_then_passes(tmp_path: Path) -> None:
    from test_integrations import git, run, snapshot_of_checkout

    hook_repo = snapshot_of_checkout(tmp_path / "flake8-asyncio-gotchas")
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    write(project, {"app.py": SLEEPY, "net.py": NETWORK})
    git(project, "add", "app.py", "net.py")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    try_repo = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                "flake8-asyncio-gotchas-fix", "--all-files", "--color=never"]

    first = run(try_repo, project, env, timeout=600)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (project / "app.py").read_text() == SLEEPY_FIXED
    # Safe fixes only: the blocking call is reported, and left as it was.
    assert "net.py:5:12: AIO201" in first.stdout
    assert (project / "net.py").read_text() == NETWORK

    (project / "net.py").write_text(NETWORK.replace("requests.get(url)",
                                                    "requests.get(url)  # noqa: AIO201"))
    git(project, "add", "app.py", "net.py")
    second = run(try_repo, project, env, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
