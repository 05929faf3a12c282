"""Which files are test code, which codes are reported there, and the table of peer codes."""
from __future__ import annotations

from pathlib import Path

import pytest

from flake8_asyncio_gotchas.options import TEST_PATHS, parse_check_tests
from flake8_asyncio_gotchas.peers import PEER_CODES, silenced_in_file, silenced_on
from flake8_asyncio_gotchas.rules import RULES_BY_CODE
from flake8_asyncio_gotchas.testcode import BUGS_IN_TESTS, SCAFFOLDING_IN_TESTS, is_test_path

DEFAULT = TEST_PATHS.parse(TEST_PATHS.default)


def test_every_code_says_whether_it_is_reported_in_tests() -> None:
    assert not set(SCAFFOLDING_IN_TESTS) & set(BUGS_IN_TESTS)
    assert set(SCAFFOLDING_IN_TESTS) | set(BUGS_IN_TESTS) == set(RULES_BY_CODE)


@pytest.mark.parametrize("path", [
    "tests/test_app.py", "tests/helpers.py", "src/pkg/tests/data/make.py", "test/x.py",
    "test_app.py", "./pkg/app_test.py", "conftest.py", "tests\\windows.py",
    "chia/_tests/util/full_sync.py", "testing/app.py", "opsdroid/testing/utils.py",
    "pkg/testing/mocks/clock.py",
])
def test_default_test_paths(path: str) -> None:
    assert is_test_path(path, DEFAULT)


@pytest.mark.parametrize("path", [
    "app.py", "pkg/testing_tools.py", "pkg/testing.py", "my_testing/app.py", "attest.py",
    "pkg/ab_testing/app.py",
    "contest.py",
    "pkg/latest_test_results.py", "my_tests/app.py", "stdin", "", "pkg/_tests.py",
])
def test_default_test_paths_near_misses(path: str) -> None:
    assert not is_test_path(path, DEFAULT)


def test_directories_above_the_current_one_do_not_count(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "test" / "project"
    (project / "tests").mkdir(parents=True)
    monkeypatch.chdir(project)
    assert not is_test_path(str(project / "app.py"), DEFAULT)
    assert is_test_path(str(project / "tests" / "app.py"), DEFAULT)
    # Outside the current directory, the whole path is all there is to go by.
    assert is_test_path(str(tmp_path / "test" / "elsewhere.py"), DEFAULT)


def test_configured_patterns() -> None:
    patterns = TEST_PATHS.parse("qa/*.py, check_*.py, *_checks/")
    assert is_test_path("src/qa/x.py", patterns)
    assert is_test_path("qa/x.py", patterns)
    assert is_test_path("pkg/check_orders.py", patterns)
    assert is_test_path("pkg/order_checks/x.py", patterns)
    assert not is_test_path("src/qaa/x.py", patterns)
    assert not is_test_path("tests/test_x.py", patterns)      # the option replaces the default
    assert not is_test_path("tests/test_x.py", TEST_PATHS.parse(""))


def test_check_tests_values() -> None:
    assert parse_check_tests(" ALL ") == "all"
    assert parse_check_tests("bugs") == "bugs"
    with pytest.raises(ValueError):
        parse_check_tests("none")


def test_peer_codes_map_to_our_codes_once_each() -> None:
    codes = [peer.code for peer in PEER_CODES]
    assert len(codes) == len(set(codes))
    assert all(ours in RULES_BY_CODE for peer in PEER_CODES for ours in peer.ours)


def test_noqa_comments_are_read_like_flake8_and_ruff_read_them() -> None:
    assert silenced_on("time.sleep(1)  # noqa: ASYNC251") == {"AIO200"}
    assert silenced_on("x  # noqa:E501,ASYNC230 RUF006") == {"AIO203", "AIO400"}
    assert silenced_on("x  # noqa: ASYNC101") == {"AIO200", "AIO202", "AIO203"}
    assert silenced_on("x  # noqa") == set()
    assert silenced_on("x  # noqa: E501") == set()
    assert silenced_on("x  # ASYNC251") == set()
    assert silenced_in_file("import x\n  # ruff: noqa: E501, ASYNC251\n") == {"AIO200"}
    assert silenced_in_file("x = 1  # ruff: noqa: ASYNC251\n# ruff: noqa\n") == set()
    assert silenced_on("x  # ruff: ignore[RUF006]") == {"AIO400"}
    assert silenced_on("x  # ruff:ignore[E501,asyncio-dangling-task]") == {"AIO400"}
    assert silenced_on("x  # ruff: ignore[Blocking-Sleep-In-Async-Function]") == {"AIO200"}
    assert silenced_on("x  # ruff: ignore[asyncio-dangling]") == set()
    assert silenced_on("x  # ruff: file-ignore[RUF006]") == set()
    assert silenced_in_file("# ruff: file-ignore[asyncio-dangling-task]\n") == {"AIO400"}
    assert silenced_in_file("x = 1  # ruff: file-ignore[RUF006]\n") == set()
