"""The flake8 entry point: options in, findings out; nothing else.

flake8 creates one Plugin per file with the `tree` (its `ast`: for the fast path and for
positions; libcst parses `lines`), `lines` and `filename` it already has, and calls `run()`.
Options are class-level, set once by `parse_options`; they are plain data, so the class
pickles for `flake8 -j`.

This module imports neither libcst nor the rules: a file with no async code (most files of
most projects) is answered by the fast path alone, and importing libcst would cost more than
checking such a file.
"""
from __future__ import annotations

import argparse
import ast
from typing import Any, Dict, Iterator, List, Tuple, Type

from . import __version__
from .fast_path import has_async_code, may_contain_findings
from .options import ALL_OPTIONS


class Plugin:
    name = "flake8-asyncio-gotchas"
    version = __version__

    # dest -> parsed value, for every rule option; defaults until flake8 parses options.
    settings: Dict[str, Any] = {option.dest: option.parse(option.default)
                                for option in ALL_OPTIONS}

    def __init__(self, tree: ast.Module, lines: List[str], filename: str = "") -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        for option in ALL_OPTIONS:
            manager.add_option(option.flag, default=option.default, parse_from_config=True,
                               metavar=option.metavar, help=option.help)

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        settings = {}
        for option in ALL_OPTIONS:
            raw = getattr(options, option.dest, option.default)
            try:
                settings[option.dest] = option.parse(raw)
            except ValueError as error:
                raise SystemExit("flake8-asyncio-gotchas: bad value for %s: %s"
                                 % (option.flag, error))
        # flake8's own switch: with it, other linters' `# noqa:` codes silence nothing either.
        settings["disable_noqa"] = bool(getattr(options, "disable_noqa", False))
        cls.settings = settings

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        source = "".join(self.lines)
        if not may_contain_findings(source) or not has_async_code(self.tree):
            return
        from .engine import check_source      # imports libcst: only for files that need it
        from .rules import ALL_RULES

        for line, column, _code, message in check_source(source, self.filename, ALL_RULES,
                                                         self.settings, self.tree):
            yield line, column, message, type(self)
