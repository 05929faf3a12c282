"""Task factories and what observes a task (AIO4xx)."""
from __future__ import annotations

from typing import Dict

from .types import LOOP

RETURNS: Dict[str, str] = {
    "asyncio.create_task": "asyncio.Task",
    "asyncio.ensure_future": "asyncio.Task",
    LOOP + ".create_task": "asyncio.Task",
    LOOP + ".create_future": "asyncio.Future",
    LOOP + ".run_in_executor": "asyncio.Future",
}
