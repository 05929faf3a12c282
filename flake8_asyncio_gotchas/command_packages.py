"""Command-line packages: a folder of one-shot commands, found by its layout.

A command-line tool often keeps its commands in a package named `cli/`, `cmds/` or
`commands/`: each command (a click or argparse handler, a sync function) calls
`asyncio.run(...)` on one coroutine and the program exits, and the coroutines it runs live in
the modules beside it (chia's `chia/cmds/wallet.py` runs `wallet_funcs.send()`). A bot's command
folder has the same names, but its handlers run on the bot's loop, which the bot starts
elsewhere: nothing in that folder starts a program. So a file under a folder of one of these
names (`--asyncio-command-packages`) is script code when some module of that folder, at any
depth, runs a whole program from inside a function: `asyncio.run(...)`, `anyio.run(...)` or
`trio.run(...)` in a def. The file must still run alone (scriptcode.py's service signs).

The folder's modules are read as text (never imported), and each folder once per process.
"""
from __future__ import annotations

import ast
import os
import re
from typing import Dict, Optional, Sequence

from .calls.tasks import PROGRAM_RUNNERS
from .sources import TooManyEntries, python_files
from .testcode import project_parts

# The runners' modules, and a cheap text test before parsing a module: a runner call written
# with its module's name.
_RUNNER_MODULES = frozenset(runner.rsplit(".", 1)[0] for runner in PROGRAM_RUNNERS)
_RUNNER_TEXT = re.compile(r"\b(?:%s)\.run\(" % "|".join(sorted(_RUNNER_MODULES)))
_MAX_FILES = 400        # a folder that large is no command package; do not read it all
_MAX_ENTRIES = 20000    # nor one whose files and folders, of any kind, are that many

_runs_programs: Dict[str, bool] = {}


def in_command_package(filename: str, names: Sequence[str]) -> bool:
    """Whether `filename` is under a folder named in `names` whose modules start programs."""
    folder = _command_folder(filename, names)
    if folder is None:
        return False
    found = _runs_programs.get(folder)
    if found is None:
        found = _runs_programs[folder] = _folder_runs_programs(folder)
    return found


def _command_folder(filename: str, names: Sequence[str]) -> Optional[str]:
    """The innermost folder above `filename` whose name is one of `names`, within the project
    (a checkout under ~/cli/ is not a command package)."""
    if not names:
        return None
    directories = project_parts(filename)[:-1]
    folder = os.path.dirname(os.path.abspath(filename))
    for name in reversed(directories):
        if name in names:
            return folder
        folder = os.path.dirname(folder)
    return None


def _folder_runs_programs(folder: str) -> bool:
    try:
        for count, path in enumerate(python_files(folder, _MAX_ENTRIES), start=1):
            if count > _MAX_FILES:
                return False
            if _module_runs_program(path):
                return True
    except TooManyEntries:
        return False
    return False


def _module_runs_program(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            source = file.read()
    except OSError:
        return False
    if not _RUNNER_TEXT.search(source):
        return False
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue        # in an async def, `asyncio.run()` is a bug (AIO205), not a command
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "run" and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id in _RUNNER_MODULES:
                return True
    return False
