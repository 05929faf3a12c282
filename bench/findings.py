"""Per-code findings dump over a corpus, for reviewing rules by hand.

    python bench/findings.py                       # our plugin, --select AIO, -j2, library corpus
    python bench/findings.py --corpus applications # the application corpus (tests included)
    python bench/findings.py --tool all --out /tmp/aio-findings
    python bench/findings.py --select AIO4 aiohttp textual   # some codes, some packages

Writes OUT/CORPUS/TOOL/CODE.txt, one finding a line: `path:line:col: CODE message`, the path
relative to the corpus root (it starts with the package directory, e.g.
aiohttp-3.14.5/aiohttp/web.py), and prints a count per code, split into test and non-test code
(by path: prepare.is_test_path). Old .txt files in OUT/CORPUS/TOOL are removed first.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import prepare

TOOLS = ("ours", "flake8-async", "ruff")
# Only these codes count as a tool's findings (plain flake8's E/W/F/C codes are not the point).
PREFIXES = {"ours": ("AIO",), "flake8-async": ("ASYNC",), "ruff": ("ASYNC", "RUF006")}
DEFAULT_SELECT = {"ours": "AIO", "flake8-async": "ASYNC", "ruff": "ASYNC,RUF006"}

# flake8's default format and ruff's concise format (which may insert "[*] " for fixable ones).
LINE_RE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?:\[\*\] )?(?P<msg>.*)$"
)


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


def command(tool: str, paths: list[str], jobs: int = 1, select: str | None = None) -> list[str]:
    """The command line that runs `tool` on paths (relative to the cwd it is run in)."""
    if tool == "ruff":
        return [prepare.venv_bin("ruff", "ruff"), "check", "--no-cache", "--isolated",
                "--select", select or DEFAULT_SELECT["ruff"], "--output-format", "concise",
                *paths]
    venv = "plain" if tool == "plain" else tool
    sel = ["--select", select] if select else []
    return [prepare.venv_bin(venv, "flake8"), "--isolated", f"-j{jobs}", *sel, *paths]


def parse(output: str, tool: str) -> list[Finding]:
    prefixes = PREFIXES.get(tool, ())
    found = []
    for line in output.splitlines():
        m = LINE_RE.match(line)
        if m and m["code"].startswith(prefixes):
            path = m["path"].removeprefix("./")
            found.append(Finding(path, int(m["line"]), int(m["col"]), m["code"], m["msg"]))
    return found


def write_dump(findings: list[Finding], out: Path) -> Counter[str]:
    """Write one CODE.txt per code into out (cleared of old dumps); return the counts."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    by_code: dict[str, list[Finding]] = {}
    for f in sorted(findings):
        by_code.setdefault(f.code, []).append(f)
    for code, fs in by_code.items():
        (out / f"{code}.txt").write_text("".join(f"{f}\n" for f in fs))
    return Counter({code: len(fs) for code, fs in by_code.items()})


def print_counts(tool: str, out: Path, findings: list[Finding]) -> None:
    tests = Counter(f.code for f in findings if prepare.is_test_path(f.path))
    others = Counter(f.code for f in findings if not prepare.is_test_path(f.path))
    print(f"{tool}: {len(findings)} findings -> {out}")
    print(f"  {'code':10} {'total':>6} {'tests':>6} {'non-test':>8}")
    for code in sorted(tests.keys() | others.keys()):
        print(f"  {code:10} {tests[code] + others[code]:6} {tests[code]:6} {others[code]:8}")
    print(f"  {'all':10} {len(findings):6} {sum(tests.values()):6} {sum(others.values()):8}")


def run_tool(tool: str, packages: list[prepare.Package], jobs: int,
             select: str | None) -> list[Finding] | None:
    """The tool's findings on those packages (paths relative to their corpus root), or None."""
    # Directories, not file lists: quicker to start, and the tools walk them the same way.
    cmd = command(tool, [p.dirname for p in packages], jobs, select or DEFAULT_SELECT[tool])
    root = prepare.CORPORA[packages[0].corpus].root
    res = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if res.returncode not in (0, 1) or "Traceback" in res.stderr:
        print(f"{tool}: failed (exit {res.returncode}):\n{res.stderr[-3000:]}")
        return None
    return parse(res.stdout, tool)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=sorted(prepare.CORPORA), default="library")
    ap.add_argument("--tool", choices=(*TOOLS, "all"), default="ours")
    ap.add_argument("--out", type=Path, default=prepare.CACHE / "findings")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--select", help="codes to keep (default: all of the tool's own)")
    ap.add_argument("packages", nargs="*", help="only these corpus packages (by name)")
    args = ap.parse_args()

    packages = prepare.load_packages(args.corpus)
    if args.packages:
        packages = [p for p in packages if p.name in args.packages]
        if not packages:
            sys.exit(f"no such package in {prepare.CORPORA[args.corpus].toml}: "
                     f"{' '.join(args.packages)}")
    for pkg in packages:
        prepare.fetch_package(pkg)
    registered = prepare.ensure_venvs()
    for tool in TOOLS if args.tool == "all" else (args.tool,):
        if tool == "ours" and not registered:
            print("ours: plugin not registered, nothing to dump")
            continue
        findings = run_tool(tool, packages, args.jobs, args.select)
        if findings is None:
            continue
        out = args.out / args.corpus / tool
        write_dump(findings, out)
        print_counts(tool, out, findings)


if __name__ == "__main__":
    main()
