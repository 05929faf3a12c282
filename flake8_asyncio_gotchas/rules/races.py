"""AIO5xx: races between tasks."""
from __future__ import annotations

from typing import List, Type

from .base import Rule

RULES: List[Type[Rule]] = []
