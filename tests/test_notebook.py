"""The talk's notebook, linted whole as a user lints it: through nbqa, and cell by cell here.

fixtures/notebook/multitasking_asyncio.ipynb is the seed notebook itself (28 code cells,
verbatim, in order; tests/notebooks.py rebuilds it from the seed). Linted whole, the cells
rebind names the per-cell fixtures each define once (`count` five times, `idle` async then
sync): the findings must still be exactly the gotchas the notebook shows,
fixtures/notebook/multitasking_asyncio.expected.txt.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Set, Tuple

from notebooks import SEED_NOTEBOOK, code_cells

from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.plugin import Plugin
from flake8_asyncio_gotchas.rules import ALL_RULES, RULES_BY_CODE

ROOT = SEED_NOTEBOOK.parent.parent.parent
EXPECTED = SEED_NOTEBOOK.with_name("multitasking_asyncio.expected.txt")
NBQA = Path(sys.executable).parent / "nbqa"
# The README's quick start runs this from the repository's root, and shows its output.
COMMAND = ["nbqa", "flake8", "fixtures/notebook/multitasking_asyncio.ipynb", "--select=AIO"]
ROW = re.compile(r"^cell_(\d+):(\d+) (AIO\d{3}) ")
NBQA_ROW = re.compile(r"^fixtures/notebook/multitasking_asyncio\.ipynb:cell_(\d+):(\d+):\d+: "
                      r"(AIO\d{3}) ")

Finding = Tuple[int, int, str]     # (code cell, line in the cell, code)


def expected() -> Set[Finding]:
    found = set()
    for row in EXPECTED.read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            match = ROW.match(row)
            assert match, "unreadable expectation: %r" % row
            found.add((int(match[1]), int(match[2]), match[3]))
    return found


def test_the_notebook_is_the_seed_s_28_code_cells() -> None:
    cells = code_cells(SEED_NOTEBOOK)
    assert len(cells) == 28
    assert cells[12].startswith("import time\nimport asyncio\n\nasync def idle():")
    assert cells[21] == cells[26] == 'count(10)\nprint("Hello world!")'
    assert all(code in RULES_BY_CODE for _cell, _line, code in expected())


def test_nbqa_reports_exactly_the_notebook_s_gotchas() -> None:
    result = subprocess.run([str(NBQA)] + COMMAND[1:], cwd=str(ROOT), capture_output=True,
                            text=True, timeout=300)
    rows = result.stdout.splitlines()
    found = {(int(m[1]), m[3]) for m in map(NBQA_ROW.match, rows) if m}
    assert len(found) == len(rows), result.stdout + result.stderr
    assert found == {(cell, code) for cell, _line, code in expected()}, result.stdout
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nbqa && .venv/bin/" + " ".join(COMMAND) + "\n" in readme
    assert "```text\n" + result.stdout + "```" in readme, "README: the output as it is now"


def test_every_finding_on_its_line_of_its_cell() -> None:
    """The same cells laid end to end, linted here: lines exact (nbqa may shift them)."""
    cells = code_cells(SEED_NOTEBOOK)
    source, starts = "", []
    for cell in cells:
        starts.append(source.count("\n"))
        source += cell + "\n\n\n"
    found = set()
    for line, _column, code, _message in check_source(
            source, str(SEED_NOTEBOOK), ALL_RULES, Plugin.settings):
        cell = max(number for number, start in enumerate(starts) if start < line)
        found.add((cell + 1, line - starts[cell], code))
    assert found == expected()
