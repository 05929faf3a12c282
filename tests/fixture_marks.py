"""Reading a fixture's expected findings and options from its comments.

A line that should be reported ends with `# error: AIO100` (or `# error: AIO100, AIO401`).
A fixture may set rule options with lines anywhere in it of the form
`# fixture-option: --asyncio-cpu-loop-threshold=5`.
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Dict, List, Set, Tuple

MARK = re.compile(r"#\s*error:\s*(AIO\d{3}(?:\s*,\s*AIO\d{3})*)\s*$")
OPTION = re.compile(r"#\s*fixture-option:\s*(--[\w-]+)=(.*)$")


def comments(source: str) -> List[Tuple[int, str]]:
    """(line, text) of every comment, found by the tokenizer (so never inside a string)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
    return found


def expected_findings(path: Path) -> Set[Tuple[int, str]]:
    expected = set()
    for line, text in comments(path.read_text(encoding="utf-8")):
        match = MARK.search(text)
        if match:
            for code in match.group(1).split(","):
                expected.add((line, code.strip()))
    return expected


def fixture_options(path: Path) -> Dict[str, str]:
    """{option flag: raw value} from `# fixture-option:` comments."""
    options = {}
    for _line, text in comments(path.read_text(encoding="utf-8")):
        match = OPTION.search(text)
        if match:
            options[match.group(1)] = match.group(2).strip()
    return options
