"""The blocking-call catalogue in force for a file, and reading call arguments.

The built-in catalogue (`calls/blocking.py`) is extended by `--asyncio-blocking-calls` and
trimmed by `--asyncio-nonblocking-calls`; both are parsed and validated here (a ValueError
becomes a clear flake8 error in plugin.py) in `options.py`.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Dict, FrozenSet, List, Optional, Tuple

import libcst as cst

from ..calls.blocking import BLOCKING_CALLS, NOT_BLOCKING, TO_THREAD, Blocking

CONFIGURED = "AIO207"

BLOCKING_OPTION = "asyncio_blocking_calls"
NONBLOCKING_OPTION = "asyncio_nonblocking_calls"


# -- the catalogue in force for a file -------------------------------------------------------

class Catalogue:
    """The built-in entries plus the user's, minus the names the user says do not block."""

    def __init__(self, configured: Tuple[Tuple[str, str], ...],
                 removed: Tuple[str, ...]) -> None:
        self.table: Dict[str, Blocking] = dict(BLOCKING_CALLS)
        for name, replacement in configured:
            known = self.table.get(name)
            instead = "use `%s`" % replacement if replacement else TO_THREAD
            if known is None:
                self.table[name] = Blocking(CONFIGURED, instead)
            elif replacement:     # a catalogued call keeps its code, with the user's advice
                self.table[name] = dataclasses.replace(known, instead=instead)
        self.removed: FrozenSet[str] = frozenset(removed + NOT_BLOCKING)
        self.last_names: FrozenSet[str] = frozenset(
            name.rsplit(".", 1)[-1] for name in self.table)
        # Types with a `.*` entry: every method blocks.
        self.wildcard_types: FrozenSet[str] = frozenset(
            name[:-2] for name in self.table if name.endswith(".*"))
        self.enter_types: FrozenSet[str] = frozenset(
            name[:-len(".__enter__")] for name in self.table if name.endswith(".__enter__"))

    def lookup(self, name: str) -> Optional[Blocking]:
        entry = self.table.get(name)
        if entry is None:
            owner = name.rpartition(".")[0]
            if owner in self.wildcard_types:
                entry = self.table.get(owner + ".*")
        if entry is None or self.is_removed(name):
            return None
        return entry

    def is_removed(self, name: str) -> bool:
        if not self.removed:
            return False
        parts = name.split(".")
        return any(".".join(parts[:size]) in self.removed for size in range(1, len(parts) + 1))


@functools.lru_cache(maxsize=8)
def catalogue_for(configured: Tuple[Tuple[str, str], ...], removed: Tuple[str, ...]
                  ) -> Catalogue:
    return Catalogue(configured, removed)


# -- arguments ------------------------------------------------------------------------------

def literal_number(expr: Optional[cst.BaseExpression]) -> Optional[float]:
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            return float(expr.evaluated_value)
        except (ValueError, TypeError):
            return None
    return None


def is_false(expr: Optional[cst.BaseExpression]) -> bool:
    return (isinstance(expr, cst.Name) and expr.value == "False") or literal_number(expr) == 0


def argument(call: cst.Call, where: Tuple[str, int]) -> Optional[cst.BaseExpression]:
    """The expression passed as keyword `where[0]` or at position `where[1]`, if visible."""
    keyword, position = where
    index = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == keyword:
                return arg.value
            continue
        if arg.star:
            return None
        if index == position:
            return arg.value
        index += 1
    return None


def alternatives(expr: cst.BaseExpression) -> List[cst.BaseExpression]:
    """`expr` and the operands of `|` inside it (`os.WNOHANG | os.WUNTRACED`)."""
    found: List[cst.BaseExpression] = []
    stack = [expr]
    while stack:
        current = stack.pop()
        found.append(current)
        if isinstance(current, cst.BinaryOperation):
            stack.extend((current.left, current.right))
    return found
