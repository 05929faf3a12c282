"""Command-line packages: a folder named cli/cmds/commands whose modules start programs."""
from __future__ import annotations

from pathlib import Path

import pytest

from flake8_asyncio_gotchas import command_packages
from flake8_asyncio_gotchas.command_packages import in_command_package
from flake8_asyncio_gotchas.options import COMMAND_PACKAGES

NAMES = COMMAND_PACKAGES.parse(COMMAND_PACKAGES.default)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command_packages, "_runs_programs", {})


def package(tmp_path: Path, folder: str, runner: str) -> Path:
    root = tmp_path / folder
    (root / "dev").mkdir(parents=True)
    (root / "dev" / "tool_funcs.py").write_text("async def tool():\n    input()\n")
    (root / "wallet.py").write_text(runner)
    return root / "dev" / "tool_funcs.py"


def test_default_names() -> None:
    assert NAMES == ("cli", "cmds", "commands")
    assert COMMAND_PACKAGES.parse("cli/, tools") == ("cli", "tools")


@pytest.mark.parametrize("runner", [
    "import asyncio\ndef send():\n    asyncio.run(go())\n",
    "import anyio\nclass Cmd:\n    def __call__(self):\n        anyio.run(go)\n",
    "import trio\ndef main():\n    trio.run(go)\n",
])
def test_a_module_of_the_folder_runs_a_program(tmp_path: Path, runner: str) -> None:
    assert in_command_package(str(package(tmp_path, "cmds", runner)), NAMES)


@pytest.mark.parametrize("folder, runner", [
    ("cmds", "async def send():\n    pass\n"),                       # no runner at all
    ("cmds", "import asyncio\nasyncio.run(go())\n"),                 # module level: a script
    ("cmds", "import asyncio\nasync def f():\n    asyncio.run(go())\n"),   # a bug, not a command
    ("cmds", "# asyncio.run(go())\n"),                               # text only
    ("tools", "import asyncio\ndef send():\n    asyncio.run(go())\n"),     # not a named folder
])
def test_near_misses(tmp_path: Path, folder: str, runner: str) -> None:
    assert not in_command_package(str(package(tmp_path, folder, runner)), NAMES)


def test_empty_names_turn_it_off(tmp_path: Path) -> None:
    path = package(tmp_path, "cmds", "import asyncio\ndef send():\n    asyncio.run(go())\n")
    assert not in_command_package(str(path), ())


def test_folders_above_the_project_do_not_count(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # A checkout under ~/cli/, next to some other code that runs programs.
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "tool.py").write_text(
        "import asyncio\ndef main():\n    asyncio.run(go())\n")
    project = tmp_path / "cli" / "project"
    (project / "app").mkdir(parents=True)
    server = project / "app" / "server.py"
    server.write_text("async def handle():\n    input()\n")
    monkeypatch.chdir(project)
    assert not in_command_package(str(server), NAMES)
    monkeypatch.chdir(tmp_path)
    command_packages._runs_programs.clear()
    assert in_command_package(str(server), NAMES)     # seen from above, cli/ is a folder of it
