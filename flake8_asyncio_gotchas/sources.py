"""The project's Python files, listed from disk (never imported or executed).

One walk, and one set of folders no project source lives in, for the two questions that read
a folder whole: is it a command-line package (`command_packages.py`), and how does the rest of
the project start a coroutine (`rules/tasks_project.py`).
"""
from __future__ import annotations

import os
from typing import Iterator

# Folders that hold no source of the project; hidden folders (`.git`, `.tox`, `.venv`) and any
# folder holding `pyvenv.cfg` (a virtualenv, whatever its name) are skipped too.
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})


class TooManyEntries(Exception):
    """The folder holds more files and folders than the caller is willing to list."""


def python_files(folder: str, max_entries: int) -> Iterator[str]:
    """The `.py` files under `folder`, in a stable (sorted) order. Raises TooManyEntries once
    more than `max_entries` files and folders have been seen: a tree that large costs more to
    read than the answer is worth."""
    entries = 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(name for name in dirs
                         if not name.startswith(".") and name not in SKIPPED_DIRS
                         and not os.path.isfile(os.path.join(root, name, "pyvenv.cfg")))
        entries += len(names) + len(dirs)
        if entries > max_entries:
            raise TooManyEntries(folder)
        for name in sorted(names):
            if name.endswith(".py"):
                yield os.path.join(root, name)
