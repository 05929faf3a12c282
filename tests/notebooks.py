"""Jupyter notebooks for the tests: nbformat JSON, and the seed notebook rebuilt from its dump.

The seed (`shared/seeds/000_2c8caf54b8cabfd2.txt`, outside this repository) is a text dump of
the talk's notebook: markdown as it is, each code cell after an `In [None]:` line. Rebuild the
committed notebook from it with

    python tests/notebooks.py ../shared/seeds/000_2c8caf54b8cabfd2.txt

which writes `fixtures/notebook/multitasking_asyncio.ipynb`, after checking that the cells,
laid end to end with their `In [None]:` markers, are the seed itself (only blank lines between
cells are not kept).
"""
from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
SEED_NOTEBOOK = ROOT / "fixtures" / "notebook" / "multitasking_asyncio.ipynb"
CODE_MARKER = "In [None]:"
# A markdown heading; the dump's code comments have a single `#`.
_HEADING = re.compile(r"^#{2,6} ")

Cell = Tuple[str, str]      # (kind, source): "code" or "markdown"


def notebook(cells: Sequence[Cell]) -> str:
    """nbformat 4 JSON, sources split into lines as Jupyter saves them."""
    def cell(number: int, kind: str, source: str) -> dict:
        made = {"cell_type": kind, "id": "cell%d" % number, "metadata": {},
                "source": source.splitlines(keepends=True)}
        if kind == "code":
            made.update(execution_count=None, outputs=[])
        return made
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"},
                     "language_info": {"name": "python"}},
        "cells": [cell(number, kind, source) for number, (kind, source) in enumerate(cells)],
    }, indent=1, ensure_ascii=False) + "\n"


def code_cells(path: Path) -> List[str]:
    """The sources of a notebook's code cells, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def _compiles(lines: List[str]) -> bool:
    try:
        ast.parse("\n".join(lines))       # accepts IPython's top-level `await`
    except SyntaxError:
        return False
    return True


def _split_code(segment: List[str]) -> Tuple[List[str], List[str]]:
    """(code, markdown) of the text after an `In [None]:` line.

    The markdown starts at a line at column 0 after a blank line: the first such line that is
    a heading, else the last one where the lines before it still parse as Python (prose does
    not parse; code cut between two top-level statements does).
    """
    starts = [number for number in range(1, len(segment))
              if not segment[number - 1] and segment[number] and not segment[number][0].isspace()]
    headings = [number for number in starts if _HEADING.match(segment[number])]
    end = headings[0] if headings else len(segment)
    if _compiles(segment[:end]):
        return segment[:end], segment[end:]
    cut = max(number for number in starts if number < end and _compiles(segment[:number]))
    return segment[:cut], segment[cut:]


def _trimmed(lines: List[str]) -> str:
    text = "\n".join(lines)
    return text.strip("\n")


def split_seed(text: str) -> List[Cell]:
    """The seed dump's cells, in order."""
    parts = text.split("\n%s\n" % CODE_MARKER)
    cells: List[Cell] = [("markdown", _trimmed(parts[0].split("\n")))]
    for part in parts[1:]:
        code, markdown = _split_code(part.split("\n"))
        cells.append(("code", _trimmed(code)))
        if _trimmed(markdown):
            cells.append(("markdown", _trimmed(markdown)))
    _check_end_to_end(text, cells)
    return cells


def _check_end_to_end(text: str, cells: Sequence[Cell]) -> None:
    """Each cell's source is found verbatim where the previous one ended, after blank lines
    (and its marker, for code): nothing of the seed is lost, reordered or changed."""
    position = 0
    for kind, source in cells:
        expected = (CODE_MARKER + "\n" + source) if kind == "code" else source
        found = text.index(expected, position)
        assert not text[position:found].strip("\n"), "text lost before %r" % source[:40]
        position = found + len(expected)
    assert not text[position:].strip("\n"), "text lost at the end"


def main(seed: str) -> None:
    cells = split_seed(Path(seed).read_text(encoding="utf-8"))
    SEED_NOTEBOOK.write_text(notebook(cells), encoding="utf-8")
    print("%s: %d code cells, %d markdown cells" % (
        SEED_NOTEBOOK.relative_to(ROOT), sum(kind == "code" for kind, _ in cells),
        sum(kind == "markdown" for kind, _ in cells)))


if __name__ == "__main__":
    main(sys.argv[1])
