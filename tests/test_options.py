"""Options are read through their typed handle (`Option.value`), not by a dest string."""
from flake8_asyncio_gotchas.options import (CHECK_SCRIPTS, CHECK_TESTS, CPU_LOOP_THRESHOLD,
                                            SCRIPT_PATHS, TEST_PATHS)


def test_value_reads_the_parsed_setting_under_the_options_dest():
    assert CPU_LOOP_THRESHOLD.value({"asyncio_cpu_loop_threshold": 7}) == 7


def test_value_parses_the_default_when_the_option_is_not_set():
    assert CPU_LOOP_THRESHOLD.value({}) == 10000
    assert CHECK_TESTS.value({"asyncio_check_tests": "all"}) == "all"
    assert CHECK_TESTS.value({}) == "bugs"
    assert TEST_PATHS.value({}) == ("test_*.py", "*_test.py", "conftest.py", "tests/", "test/",
                                    "_tests/", "testing/")
    assert CHECK_SCRIPTS.value({}) == "bugs"
    assert SCRIPT_PATHS.value({}) == ("__main__.py", "scripts/", "examples/")
    assert SCRIPT_PATHS.value({"asyncio_script_paths": ()}) == ()
