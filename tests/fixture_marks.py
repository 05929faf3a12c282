"""Reading a fixture's expected findings and options from its comments.

A line that should be reported ends with `# error: AIO100` (or `# error: AIO100, AIO401`).
A code may pin the finding's column, as flake8 prints it (1-based), and a fragment its message
must contain: `# error: AIO206 col=9 "line 17"`. Marks whose message names another line pin
that line this way; the set of (line, code) is compared for every mark, the pins where given.
A fixture may set rule options with lines anywhere in it of the form
`# fixture-option: --asyncio-cpu-loop-threshold=5`.
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Set, Tuple

# One code of a mark, with its optional pins: AIO206 col=9 "line 17"
_ITEM = r'AIO\d{3}(?:\s+col=\d+)?(?:\s+"[^"]*")?'
MARK = re.compile(r"#\s*error:\s*(%s(?:\s*,\s*%s)*)\s*$" % (_ITEM, _ITEM))
ITEM = re.compile(r'(?P<code>AIO\d{3})(?:\s+col=(?P<col>\d+))?(?:\s+"(?P<fragment>[^"]*)")?')


class Pin(NamedTuple):
    """What a mark pins beyond its line and code; None where it pins nothing."""
    col: Optional[int]         # 1-based, as flake8 prints it
    fragment: Optional[str]    # text the message contains


OPTION = re.compile(r"#\s*fixture-option:\s*(--[\w-]+)=(.*)$")


def comments(source: str) -> List[Tuple[int, str]]:
    """(line, text) of every comment, found by the tokenizer (so never inside a string)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
    return found


def marks(source: str) -> Dict[Tuple[int, str], Pin]:
    """{(line, code): its pins} for every `# error:` mark in `source`."""
    found = {}
    for line, text in comments(source):
        match = MARK.search(text)
        if match:
            for item in ITEM.finditer(match.group(1)):
                col = item.group("col")
                found[(line, item.group("code"))] = Pin(
                    None if col is None else int(col), item.group("fragment"))
    return found


def expected_findings(path: Path) -> Set[Tuple[int, str]]:
    return set(marks(path.read_text(encoding="utf-8")))


def expected_pins(path: Path) -> Dict[Tuple[int, str], Pin]:
    """The marks of `path` that pin a column or a message fragment."""
    return {key: pin for key, pin in marks(path.read_text(encoding="utf-8")).items()
            if pin.col is not None or pin.fragment is not None}


def fixture_options(path: Path) -> Dict[str, str]:
    """{option flag: raw value} from `# fixture-option:` comments."""
    options = {}
    for _line, text in comments(path.read_text(encoding="utf-8")):
        match = OPTION.search(text)
        if match:
            options[match.group(1)] = match.group(2).strip()
    return options
