"""AIO4xx: tasks whose exceptions vanish."""
from __future__ import annotations

from typing import List, Type

from .base import Rule

RULES: List[Type[Rule]] = []
