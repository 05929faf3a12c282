"""Catalogues, as data: what calls return, which are coroutine functions, which block.

Names are fully qualified as `names.Resolver.qualname` spells them. A method of an object is
named after the object's type: `threading.Lock.acquire`,
`asyncio.AbstractEventLoop.run_until_complete`. The type of an object comes from the call that
made it: the called name itself (a class), or `FACTORY_RETURNS` for factory functions.

One module per family, so that each catalogue stays readable:
- `coroutines.py`: coroutine functions and callback-taking APIs (AIO1xx);
- `blocking.py`: blocking calls and their async replacements (AIO2xx);
- `tasks.py`: task factories and what observes a task (AIO4xx).
Each may add factory return types in its own `RETURNS`, merged here.
"""
from __future__ import annotations

from typing import Dict

from . import blocking, coroutines, tasks
from .types import LOOP

# Factory functions and the type of what they return.
FACTORY_RETURNS: Dict[str, str] = {
    "asyncio.get_running_loop": LOOP,
    "asyncio.get_event_loop": LOOP,
    "asyncio.new_event_loop": LOOP,
    "asyncio.events.get_running_loop": LOOP,
    "asyncio.events.get_event_loop": LOOP,
    **coroutines.RETURNS,
    **blocking.RETURNS,
    **tasks.RETURNS,
}

STDLIB_COROUTINE_FUNCTIONS = coroutines.STDLIB_COROUTINE_FUNCTIONS

__all__ = ["FACTORY_RETURNS", "LOOP", "STDLIB_COROUTINE_FUNCTIONS"]
