"""The options the plugin would run with: flake8's own configuration, read by flake8.

`flake8.api.legacy.get_style_guide()` is flake8's documented API: it finds and reads
setup.cfg / tox.ini / .flake8 (`[flake8]`) from the current directory the way `flake8` does,
with every plugin's options registered (ours included). Which codes are on
(select/ignore/extend-*) is flake8's `DecisionEngine`'s answer; `exclude` comes from the same
options, through the style guide's `excluded()`.
"""
from __future__ import annotations

import argparse
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
        return self.guide.excluded(path)
