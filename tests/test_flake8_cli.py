"""End to end through the real flake8 executable: files, -j, stdin, noqa, ignore."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List, Set, Tuple

from fixture_marks import expected_findings

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "fixtures" / "notebook"


def flake8(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8", "--isolated", *args], input=stdin,
                          capture_output=True, text=True, cwd=str(cwd), timeout=300)


def findings(output: str) -> Set[Tuple[str, int, str]]:
    """{(file name, line, code)} from flake8's default output format."""
    found = set()
    for row in output.splitlines():
        path, line, _col, rest = row.split(":", 3)
        found.add((Path(path).name, int(line), rest.split()[0]))
    return found


def marked(paths: List[Path]) -> Set[Tuple[str, int, str]]:
    return {(p.name, line, code) for p in paths for line, code in expected_findings(p)}


def test_notebook_findings_match_marks() -> None:
    result = flake8("--select", "AIO", str(NOTEBOOK))
    assert result.returncode == (1 if result.stdout else 0), result.stderr
    found = findings(result.stdout)
    assert found == marked(sorted(NOTEBOOK.glob("*.py")))
    assert ("20_gotcha_coroutine_not_awaited.py", 11, "AIO100") in found
    threaded = {"01_threads_counter_race.py", "02_threads_counter_small.py",
                "13_lightweight_threads_idle.py", "16_restaurant_simulator.py"}
    assert not {f for f in found if f[0] in threaded}


def test_parallel_run_gives_the_same_findings() -> None:
    serial = flake8("--select", "AIO", "-j", "1", "fixtures")
    parallel = flake8("--select", "AIO", "-j", "2", "fixtures")
    assert serial.stderr == "" and parallel.stderr == ""
    assert serial.stdout and sorted(serial.stdout.splitlines()) == sorted(
        parallel.stdout.splitlines())


def test_stdin_gives_the_same_findings_as_the_file() -> None:
    path = NOTEBOOK / "20_gotcha_coroutine_not_awaited.py"
    on_file = flake8("--select", "AIO", str(path.relative_to(ROOT)))
    on_stdin = flake8("--select", "AIO", "-", "--stdin-display-name",
                      str(path.relative_to(ROOT)), stdin=path.read_text())
    assert on_file.stdout and on_file.stdout == on_stdin.stdout


BAD = "async def fetch():\n    pass\n\n\nasync def main():\n    fetch(){}\n"


def test_noqa_with_our_code_silences_the_line(tmp_path: Path) -> None:
    for suffix, expected in (("", 1), ("  # noqa: AIO100", 0), ("  # noqa: E501", 1),
                             ("  # noqa", 0)):
        path = tmp_path / "bad.py"
        path.write_text(BAD.format(suffix))
        result = flake8("--select", "AIO", str(path))
        assert len(result.stdout.splitlines()) == expected, (suffix, result.stdout)


def test_select_and_ignore_work_with_our_codes(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text(BAD.format(""))
    assert "AIO100" in flake8(str(path)).stdout
    assert "AIO100" not in flake8("--extend-ignore", "AIO100", str(path)).stdout
    assert "AIO100" not in flake8("--select", "E,W", str(path)).stdout


def test_syntax_error_is_reported_by_flake8_not_by_us(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("async def f(:\n    await x\n")
    result = flake8(str(path))
    assert "E999" in result.stdout and "AIO" not in result.stdout
    assert "Traceback" not in result.stderr


SLEEPS = "import time\n\n\nasync def main():\n    time.sleep(1){}\n"


def test_another_linters_noqa_for_the_same_check_silences_ours(tmp_path: Path) -> None:
    path = tmp_path / "sleeps.py"
    for suffix, expected in (("  # noqa: ASYNC251", 0), ("  # noqa: E501,ASYNC251", 0),
                             ("  # noqa: ASYNC230", 1), ("  # noqa: E501", 1)):
        path.write_text(SLEEPS.format(suffix))
        result = flake8("--select", "AIO", str(path))
        assert len(result.stdout.splitlines()) == expected, (suffix, result.stdout)
    path.write_text(SLEEPS.format("  # noqa: ASYNC251"))
    assert "AIO200" in flake8("--select", "AIO", "--disable-noqa", str(path)).stdout
    on_stdin = flake8("--select", "AIO", "-", stdin=SLEEPS.format("  # noqa: ASYNC251"))
    assert on_stdin.stdout == "" and on_stdin.returncode == 0, on_stdin


def test_test_files_report_only_bugs_unless_told_otherwise(tmp_path: Path) -> None:
    source = SLEEPS.format("") + "\n\nasync def fetch():\n    pass\n\n\nasync def g():\n"
    source += "    fetch()\n"
    (tmp_path / "tests").mkdir()
    path = tmp_path / "tests" / "check_sleeps.py"
    path.write_text(source)
    codes = {code for _name, _line, code in findings(
        flake8("--select", "AIO", "tests/check_sleeps.py", cwd=tmp_path).stdout)}
    assert codes == {"AIO100"}
    everything = flake8("--select", "AIO", "--asyncio-check-tests=all",
                        "tests/check_sleeps.py", cwd=tmp_path)
    assert {code for _n, _l, code in findings(everything.stdout)} == {"AIO100", "AIO200"}
    bad = flake8("--asyncio-check-tests=some", "tests/check_sleeps.py", cwd=tmp_path)
    assert bad.returncode != 0 and "--asyncio-check-tests" in bad.stdout + bad.stderr


def test_scripts_report_only_bugs_unless_told_otherwise(tmp_path: Path) -> None:
    source = ("import asyncio\nimport time\n\n\nasync def fetch():\n    pass\n\n\n"
              "async def main():\n    time.sleep(1)\n    fetch()\n\n\nasyncio.run(main())\n")
    for folder in ("scripts", "tools"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "backfill.py").write_text(source)

    def codes(*args: str) -> Set[str]:
        return {code for _n, _l, code in findings(flake8("--select", "AIO", *args,
                                                         cwd=tmp_path).stdout)}

    assert codes("scripts/backfill.py") == {"AIO100"}
    assert codes("tools/backfill.py") == {"AIO100", "AIO200"}
    assert codes("--asyncio-check-scripts=all", "scripts/backfill.py") == {"AIO100", "AIO200"}
    assert codes("--asyncio-script-paths=tools/", "tools/backfill.py") == {"AIO100"}
    assert codes("--asyncio-script-paths=tools/", "scripts/backfill.py") == {"AIO100", "AIO200"}
    assert codes("--asyncio-script-paths=", "scripts/backfill.py") == {"AIO100", "AIO200"}
    bad = flake8("--asyncio-check-scripts=some", "scripts/backfill.py", cwd=tmp_path)
    assert bad.returncode != 0 and "--asyncio-check-scripts" in bad.stdout + bad.stderr


# flake8 with the AIO1xx checker made to raise on AIO100's visit, as a bug in it would.
FAILING_RULE = """
import sys
from flake8.main.cli import main
from flake8_asyncio_gotchas.rules.coroutines_check import CoroutineChecker

def broken(self, node):
    raise ZeroDivisionError("a bug in the rule")

CoroutineChecker.visit_Expr = broken
sys.exit(main(sys.argv[1:]))
"""


def test_a_failing_rule_is_quiet_for_users_and_named_with_verbose(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text(BAD.format(""))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", FAILING_RULE, "--isolated", "--select",
                               "AIO", *args, str(path)], capture_output=True, text=True,
                              timeout=120)

    quiet = run()
    assert quiet.stdout == "" and quiet.stderr == "", quiet.stdout + quiet.stderr
    verbose = run("-v")
    assert ("rule AIO100, AIO101, AIO102, AIO103 failed on %s: "
            "ZeroDivisionError('a bug in the rule')" % path
            in verbose.stderr), verbose.stderr[-3000:]
    assert "Traceback" not in verbose.stderr
