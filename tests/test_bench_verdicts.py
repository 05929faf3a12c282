"""The bench's reviewed verdicts stay well-formed, and test code is told apart by path.

bench/verdicts.tsv is appended to by several branches and merged as a sorted union; a malformed,
unsorted or duplicated row would silently skew every precision figure computed from it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import prepare  # noqa: E402
import verdicts  # noqa: E402


def test_verdicts_file_is_well_formed() -> None:
    rows, problems = verdicts.load_verdicts(BENCH / "verdicts.tsv")
    assert problems == []
    assert rows, "bench/verdicts.tsv has no verdicts"
    assert {k[0] for k in rows} == set(prepare.CORPORA)


def test_malformed_rows_are_reported(tmp_path: Path) -> None:
    header = "\t".join(verdicts.HEADER)
    bad = tmp_path / "v.tsv"
    bad.write_text("\n".join([
        header,
        "library\tb.py\t2\tAIO400\tTP\tok",
        "library\ta.py\t1\tAIO400\tTP\tout of order",
        "library\ta.py\t1\tAIO400\tFP\tduplicate",
        "library\tc.py\t3\tAIO400\tMAYBE\tnot a verdict",
        "elsewhere\tc.py\t3\tAIO400\tTP\tunknown corpus",
        "library\tc.py\tx\tAIO400\tTP\tline not a number",
        "library\tc.py\t4\tAIO400\tTP",
    ]) + "\n")
    _, problems = verdicts.load_verdicts(bad)
    text = "\n".join(problems)
    assert "not sorted" in text
    assert "duplicate" in text
    assert text.count("bad row") == 3
    assert "6 fields" not in text and "5 fields, expected 6" in text


@pytest.mark.parametrize("rel, is_test", [
    ("pkg-1.0/tests/helpers.py", True),
    ("pkg-1.0/src/pkg/test/util.py", True),
    ("pkg-1.0/pkg/testing/utils.py", True),
    ("pkg-1.0/pkg/core/test_server.py", True),
    ("pkg-1.0/pkg/core/server_test.py", True),
    ("pkg-1.0/conftest.py", True),
    ("pkg-1.0/pkg/_tests/helpers.py", True),
    ("pkg-1.0/pkg/my_tests/helpers.py", False),  # only the exact folder names count
    ("pkg-1.0/pkg/testing_tools.py", False),
    ("pkg-1.0/pkg/contest.py", False),
    ("pkg-1.0/pkg/latest_test_data.py", False),
    ("tests-1.0/pkg/server.py", False),  # the package directory itself is NAME-VERSION
])
def test_test_code_is_decided_by_path(rel: str, is_test: bool) -> None:
    assert prepare.is_test_path(rel) is is_test
