"""The options the plugin would run with: flake8's own configuration, read by flake8.

`flake8.api.legacy.get_style_guide()` is flake8's documented API: it finds and reads
setup.cfg / tox.ini / .flake8 (`[flake8]`) from the current directory the way `flake8` does,
with every plugin's options registered (ours included). Which codes are on
(select/ignore/extend-*) is flake8's `DecisionEngine`'s answer; `exclude` comes from the same
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
        self._decide: Optional[Callable[[str], bool]] = None
        try:
            from flake8.style_guide import Decision, DecisionEngine
            engine = DecisionEngine(self.options)
            self._decide = lambda code: engine.decision_for(code) is Decision.Selected
        except Exception:                      # flake8 changed: every AIO code is on
            self._decide = None

    def settings(self) -> Dict[str, Any]:
        found = {}
        for option in ALL_OPTIONS:
            raw = getattr(self.options, option.dest, option.default)
            try:
                found[option.dest] = option.parse(raw)
            except ValueError as error:
                raise ConfigError("bad value for %s: %s" % (option.flag, error))
        return found

    def selected(self, codes: List[str]) -> List[str]:
        if self._decide is None:
            return list(codes)
        return [code for code in codes if self._decide(code)]

    def excluded(self, path: str) -> bool:
        """flake8's rule: a pattern matches the file's name or its absolute path (patterns
        with a `/` were made absolute by flake8, relative to the configuration file)."""
        patterns = [*(self.options.exclude or ()),
                    *(getattr(self.options, "extend_exclude", None) or ())]
        name, absolute = os.path.basename(path), os.path.abspath(path)
        return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(absolute, pattern)
                   for pattern in patterns)
