"""Every entry of the blocking-call catalogue is exercised by a fixture line."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Set

from test_fixtures import lint

from flake8_asyncio_gotchas.calls.blocking import BLOCKING_CALLS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "blocking"
CALL = re.compile(r"^AIO20[0-5] `([\w.]+)\(\)` blocks")
ENTER = re.compile(r"^AIO20[0-5] `with` on a `([\w.]+)` blocks")


def reported_names() -> Set[str]:
    names = set()
    for path in sorted(FIXTURES.glob("*.py")):
        for _line, _col, _code, message in lint(path):
            call, enter = CALL.match(message), ENTER.match(message)
            if call:
                names.add(call.group(1))
            elif enter:
                names.add(enter.group(1) + ".__enter__")
    return names


def test_every_catalogue_entry_has_a_fixture_line() -> None:
    reported = reported_names()
    missing = []
    for name in BLOCKING_CALLS:
        if name.endswith(".*"):
            if not any(found.startswith(name[:-1]) for found in reported):
                missing.append(name)
        elif name not in reported:
            missing.append(name)
    assert not missing, "catalogue entries no fixture line reports: %s" % ", ".join(missing)
