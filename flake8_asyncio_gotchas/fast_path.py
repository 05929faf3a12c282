"""Which files can hold a finding at all, decided without parsing (and without libcst).

Every rule needs async code, or at least asyncio (a sync def that calls `asyncio.sleep()` and
drops the coroutine), to have anything to report. A C-speed search: most files of most
projects stop here.
"""
from __future__ import annotations

import re

_ASYNC_WORDS = re.compile(r"\b(?:async|await|asyncio)\b")


def may_contain_findings(source: str) -> bool:
    return _ASYNC_WORDS.search(source) is not None
