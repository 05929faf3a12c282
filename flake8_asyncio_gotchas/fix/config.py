"""The options the plugin would run with: flake8's own configuration, read by flake8.

`flake8.api.legacy.get_style_guide()` is flake8's documented API: it finds and reads
setup.cfg / tox.ini / .flake8 (`[flake8]`) from the current directory the way `flake8` does,
with every plugin's options registered (ours included). Which codes are on for a file
(select/ignore/extend-*, per-file-ignores) is the answer of flake8's `StyleGuideManager`
(not documented as API: if it ever fails, every code is on). Files are excluded by the same
options (`exclude` and `extend-exclude`, matched as flake8 matches them).
"""
from __future__ import annotations

import argparse
import fnmatch
import os
from typing import Any, Callable, Dict, List, Optional

from ..options import ALL_OPTIONS


class ConfigError(Exception):
    pass


class Flake8Config:
    def __init__(self) -> None:
        from flake8.api import legacy
        try:
            self.guide = legacy.get_style_guide()
        except SystemExit as error:            # our parse_options on a bad value, say
            raise ConfigError(str(error.code))
        self.options: argparse.Namespace = self.guide.options
        # file name -> code -> on? (select/ignore/extend-*, and per-file-ignores)
        self._guides: Optional[Callable[[str], Callable[[str], bool]]] = None
        try:
            from flake8.style_guide import Decision, StyleGuideManager
            manager = StyleGuideManager(self.options, formatter=None)

            def guide_for(path: str) -> Callable[[str], bool]:
                guide = manager.style_guide_for(path)
                return lambda code: guide.should_report_error(code) is Decision.Selected
            self._guides = guide_for
        except Exception:                      # flake8 changed: every AIO code is on
            self._guides = None

    def settings(self) -> Dict[str, Any]:
        found = {}
        for option in ALL_OPTIONS:
            raw = getattr(self.options, option.dest, option.default)
            try:
                found[option.dest] = option.parse(raw)
            except ValueError as error:
                raise ConfigError("bad value for %s: %s" % (option.flag, error))
        return found

    def selected(self, codes: List[str], path: str) -> List[str]:
        """The codes flake8 would report for the file at `path`."""
        if self._guides is None:
            return list(codes)
        decide = self._guides(path)
        return [code for code in codes if decide(code)]

    def excluded(self, path: str) -> bool:
        """flake8's rule: a pattern matches the file's name or its absolute path (patterns
        with a `/` were made absolute by flake8, relative to the configuration file)."""
        patterns = [*(self.options.exclude or ()),
                    *(getattr(self.options, "extend_exclude", None) or ())]
        name, absolute = os.path.basename(path), os.path.abspath(path)
        return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(absolute, pattern)
                   for pattern in patterns)
