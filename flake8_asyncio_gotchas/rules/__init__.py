"""The registry: every rule class, in code order.

A family module (coroutines.py for AIO1xx, blocking.py for AIO2xx, ...) lists its rule
classes in `RULES`; adding a rule is one class there (docs and metadata), its decision in the
family's checker (`<family>_check.py`), fixtures, and the regenerated docs (docs/design.md,
"Adding a rule").
"""
from __future__ import annotations

from typing import Dict, List, Type

from ..options import ENGINE_OPTIONS
from . import blocking, coroutines, hogging, races, tasks
from .base import Option, Rule

ALL_RULES: List[Type[Rule]] = sorted(
    [rule for family in (coroutines, blocking, hogging, tasks, races) for rule in family.RULES],
    key=lambda rule: rule.code,
)

RULES_BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}


def all_options() -> List[Option]:
    """Every option any rule declares, once each, in rule order; then the engine's own."""
    seen: Dict[str, Option] = {}
    for rule in ALL_RULES:
        for option in rule.options:
            seen.setdefault(option.flag, option)
    for option in ENGINE_OPTIONS:
        seen.setdefault(option.flag, option)
    return list(seen.values())


__all__ = ["ALL_RULES", "RULES_BY_CODE", "Option", "Rule", "all_options"]
