"""--asyncio-blocking-calls / --asyncio-nonblocking-calls through the real flake8 executable:
on the command line, from setup.cfg, and a malformed value."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

FLAKE8 = str(Path(sys.executable).parent / "flake8")

SOURCE = '''\
import time

import mylib


async def handler():
    mylib.wait(1)
    time.sleep(1)
'''


def run_flake8(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([FLAKE8, "--select", "AIO", *args, "handler.py"], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def codes(output: str) -> List[str]:
    return sorted(line.split()[1] for line in output.splitlines() if line.strip())


def test_options_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(SOURCE)
    result = run_flake8(tmp_path, "--isolated",
                        "--asyncio-blocking-calls=mylib.wait=mylib.async_wait",
                        "--asyncio-nonblocking-calls=time.sleep")
    assert result.returncode == 1, result.stderr
    assert codes(result.stdout) == ["AIO207"]
    assert "use `mylib.async_wait`" in result.stdout


def test_options_from_setup_cfg(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(SOURCE)
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\n"
        "asyncio-blocking-calls =\n"
        "    mylib.wait,\n"
        "    mylib.other\n"
        "asyncio-nonblocking-calls = time\n")
    result = run_flake8(tmp_path)
    assert result.returncode == 1, result.stderr
    assert codes(result.stdout) == ["AIO207"]
    assert "handler.py:7:5: AIO207 `mylib.wait()`" in result.stdout


def test_defaults_without_options(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(SOURCE)
    result = run_flake8(tmp_path, "--isolated")
    assert codes(result.stdout) == ["AIO200"]


def test_malformed_value_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(SOURCE)
    result = run_flake8(tmp_path, "--isolated", "--asyncio-blocking-calls=mylib wait")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "--asyncio-blocking-calls" in result.stderr
    assert "'mylib wait' is not a qualified name" in result.stderr


def test_malformed_config_value_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(SOURCE)
    (tmp_path / "tox.ini").write_text("[flake8]\nasyncio-nonblocking-calls = time.sleep=x\n")
    result = run_flake8(tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "--asyncio-nonblocking-calls" in result.stderr
