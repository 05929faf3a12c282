"""Blocking calls and what to use instead inside async def (AIO2xx)."""
from __future__ import annotations

from typing import Dict

RETURNS: Dict[str, str] = {}
