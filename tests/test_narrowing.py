"""`isinstance` narrowing (narrowing.py) costs each read its depth: a long function read after
one guard at its top is walked once, not once per read (that was quadratic)."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from flake8_asyncio_gotchas import narrowing
from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options

SETTINGS: Dict[str, object] = {option.dest: option.parse(option.default)
                               for option in all_options()}


def _source(reads: int) -> str:
    return ("class Upload:\n    async def close(self):\n        pass\n\n\n"
            "async def main(value):\n    assert isinstance(value, Upload)\n"
            + "    value.close()\n" * reads)


def _nodes_walked(reads: int, monkeypatch: pytest.MonkeyPatch) -> int:
    walked: List[int] = [0]
    real = narrowing.children

    def counting(node: Any) -> Any:
        walked[0] += 1
        return real(node)

    monkeypatch.setattr(narrowing, "children", counting)
    findings = check_source(_source(reads), "t.py", ALL_RULES, SETTINGS)
    assert [code for _line, _col, code, _message in findings] == ["AIO100"] * reads
    return walked[0]


def test_reads_after_a_guard_walk_the_block_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fewer, more = _nodes_walked(100, monkeypatch), _nodes_walked(400, monkeypatch)
    assert more < 6 * fewer       # linear: about 4 times as many; quadratic: about 16
