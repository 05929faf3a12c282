"""AIO3xx: hogging the event loop inside async def."""
from __future__ import annotations

from typing import List, Type

from .base import Rule

RULES: List[Type[Rule]] = []
