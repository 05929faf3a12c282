"""The benchmark: plain flake8, flake8 + our plugin, flake8 + flake8-async and ruff, side by side.

    python bench/run.py            # full run (~15 min on 2 cores), writes bench/RESULTS.md
    python bench/run.py --quick    # 1 round, a quarter of the corpus, 10 editor files (~3 min)

See bench/README.md for what each number means.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import findings
import prepare
from prepare import SourceFile

FLAKE8_TOOLS = ("plain", "ours", "flake8-async")
LABELS = {
    "plain": "plain flake8",
    "ours": "flake8 + ours",
    "flake8-async": "flake8 + flake8-async",
    "ruff": "ruff ASYNC,RUF006",
    "libcst": "libcst.parse_module alone",
}
NOTES_MARKER = "<!-- Everything below this line is kept when bench/run.py rewrites this file. -->"


@dataclass
class Target:
    name: str
    root: Path  # the tools run with this cwd, on paths relative to it
    files: list[SourceFile]
    tools: tuple[str, ...]

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)


@dataclass
class Run:
    seconds: float  # wall
    cpu: float  # user + system: what the tables use, as the machine may be shared
    rss_kb: int
    output: str
    error: str | None = None


@dataclass
class Results:
    runs: dict[tuple[str, str], list[Run]] = field(default_factory=dict)  # (tool, target)

    def add(self, tool: str, target: str, run: Run) -> None:
        self.runs.setdefault((tool, target), []).append(run)

    def ok(self, tool: str, target: str) -> list[Run]:
        return [r for r in self.runs.get((tool, target), []) if r.error is None]

    def median(self, tool: str, target: str, wall: bool = False) -> float | None:
        runs = self.ok(tool, target)
        return statistics.median(r.seconds if wall else r.cpu for r in runs) if runs else None


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(cmd: list[str], cwd: Path, stdin: Path | None = None) -> Run:
    """Run cmd through measure.py: its wall and CPU time, its own peak RSS, and its stdout."""
    env = dict(os.environ, RAYON_NUM_THREADS="1")  # ruff on one thread, like flake8 -j1
    with tempfile.TemporaryDirectory() as tmp, open(stdin or os.devnull, "rb") as inp, \
            open(Path(tmp) / "out", "wb+") as out, open(Path(tmp) / "err", "wb+") as err:
        stats = Path(tmp) / "stats"
        wrapper = [sys.executable, "-S", "-I", str(prepare.BENCH / "measure.py"), str(stats)]
        subprocess.run(wrapper + cmd, cwd=cwd, stdin=inp, stdout=out, stderr=err, env=env)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        wall, cpu, rss_kb, code = (stats.read_text().split() if stats.exists()
                                   else ("0", "0", "0", "-1"))
    # flake8 and ruff exit 1 when they find something; a plugin crash aborts flake8's run.
    failed = code not in ("0", "1") or "Traceback" in stderr or "critical error" in stderr
    error = (stderr[-3000:] or f"exit {code}") if failed else None
    return Run(float(wall), float(cpu), int(rss_kb), stdout, error)


def run_tool(tool: str, target: Target, listfile: Path) -> Run:
    if tool == "libcst":
        run = timed([prepare.venv_bin("ours", "python"), str(prepare.BENCH / "libcst_parse.py"),
                     str(listfile)], target.root)
        if run.error is None:  # in-process parse time, without interpreter start-up
            run.seconds, run.cpu = map(float, run.output.split()[:2])
        return run
    return timed(findings.command(tool, [f.rel for f in target.files]), target.root)


def time_targets(targets: list[Target], rounds: int, async_rounds: int) -> Results:
    results = Results()
    with tempfile.TemporaryDirectory() as tmp:
        lists = {}
        for t in targets:
            lists[t.name] = Path(tmp) / f"{t.name}.txt"
            lists[t.name].write_text("".join(f"{f.path}\n" for f in t.files))
        for r in range(rounds):
            for t in targets:
                tools = [x for x in t.tools if x != "flake8-async" or r < async_rounds]
                k = r % len(tools)  # a different tool goes first each round
                for tool in tools[k:] + tools[:k]:
                    run = run_tool(tool, t, lists[t.name])
                    results.add(tool, t.name, run)
                    status = (f"{run.cpu:7.2f} s CPU {run.seconds:7.2f} s wall"
                              if run.error is None else "FAILED")
                    log(f"round {r + 1}/{rounds}  {t.name:9} {LABELS[tool]:26} {status}")
                    if run.error:
                        log(run.error)
    return results


Editor = dict[str, dict[str, list[float]]]  # tool -> "cpu"/"wall" -> seconds per file


def editor_latency(root: Path, files: list[SourceFile], rounds: int) -> Editor:
    """Per-file latency of `flake8 -` on stdin, median over rounds, for plain and ours."""
    per_file: Editor = {t: {"cpu": [], "wall": []} for t in ("plain", "ours")}
    for i, f in enumerate(files):
        samples: dict[str, list[Run]] = {"plain": [], "ours": []}
        for r in range(rounds):
            for tool in ("plain", "ours") if (i + r) % 2 == 0 else ("ours", "plain"):
                cmd = [prepare.venv_bin(tool, "flake8"), "--isolated", "-",
                       "--stdin-display-name", f.rel]
                run = timed(cmd, root, stdin=f.path)
                if run.error:
                    log(f"editor: {tool} failed on {f.rel}:\n{run.error}")
                samples[tool].append(run)
        for tool, runs in samples.items():
            per_file[tool]["cpu"].append(statistics.median(r.cpu for r in runs))
            per_file[tool]["wall"].append(statistics.median(r.seconds for r in runs))
    return per_file


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)  # nearest rank: p95 of 50 files is the 48th
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ---------------------------------------------------------------- the report


def per_kloc(seconds: float | None, lines: int) -> float | None:
    return None if seconds is None else seconds * 1000 / (lines / 1000)


def mul(x: float | None, k: float) -> float | None:
    return None if x is None else x * k


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def fmt(x: float | None, spec: str = ".0f") -> str:
    return "n/a" if x is None else f"{x:{spec}}"


def verdict(value: float | None, limit: float | None, strict: bool = False) -> str:
    if value is None or limit is None:
        return "n/a "
    return "PASS" if (value < limit if strict else value <= limit) else "FAIL"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = " (" + line.split(":", 1)[1].strip() + ")"
                break
    except OSError:
        pass
    u = platform.uname()
    return (f"{u.system} {u.release} {u.machine}; {os.cpu_count()} CPUs{cpu}; "
            f"Python {platform.python_version()}")


def plugin_revision() -> str:
    """The commit, and a hash of the plugin's source as it is now (the install is editable)."""
    def git(*args: str) -> str:
        res = subprocess.run(["git", *args], cwd=prepare.REPO, capture_output=True, text=True)
        return res.stdout.strip()

    dirty = git("status", "--porcelain", "--", "flake8_asyncio_gotchas", "pyproject.toml")
    rev = git("rev-parse", "--short", "HEAD") or "no commit"
    h = hashlib.sha256()
    for path in sorted((prepare.REPO / "flake8_asyncio_gotchas").rglob("*.py")):
        h.update(path.read_bytes())
    return f"{rev}{' + uncommitted changes' if dirty else ''} (source {h.hexdigest()[:8]})"


class Report:
    """Turns the measurements into the markdown report."""

    def __init__(self, res: Results, corpus: Target, stdlib: Target, noasync: Target) -> None:
        self.res, self.corpus, self.stdlib, self.noasync = res, corpus, stdlib, noasync

    def kloc(self, tool: str, t: Target) -> float | None:
        """Median ms per 1000 lines (in-process parse time for libcst)."""
        return per_kloc(self.res.median(tool, t.name), t.lines)

    def added(self, tool: str, t: Target) -> float | None:
        """ms per 1000 lines that installing tool adds to plain flake8."""
        med, plain = self.res.median(tool, t.name), self.res.median("plain", t.name)
        return None if med is None or plain is None else per_kloc(med - plain, t.lines)

    def rss_mb(self, tool: str, t: Target) -> float | None:
        runs = self.res.ok(tool, t.name)
        return max(r.rss_kb for r in runs) / 1024 if runs and tool != "libcst" else None

    def counts(self, tool: str, t: Target) -> Counter[str] | None:
        runs = self.res.ok(tool, t.name)
        if not runs or tool == "libcst":
            return None
        return Counter(f.code for f in findings.parse(runs[0].output, tool))

    def timing_table(self, t: Target) -> list[str]:
        rows = ["| tool | runs | CPU s | wall s | ms / 1000 lines | added ms / 1000 lines "
                "| peak RSS MB | findings |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for tool in t.tools:
            counts = self.counts(tool, t)
            added = self.added(tool, t) if tool in ("ours", "flake8-async") else None
            rows.append(f"| {LABELS[tool]} | {len(self.res.ok(tool, t.name))} "
                        f"| {fmt(self.res.median(tool, t.name), '.2f')} "
                        f"| {fmt(self.res.median(tool, t.name, wall=True), '.2f')} "
                        f"| {fmt(self.kloc(tool, t))} | {fmt(added)} "
                        f"| {fmt(self.rss_mb(tool, t))} "
                        f"| {'' if counts is None else sum(counts.values())} |")
        return rows

    def whole_run(self, t: Target) -> list[str]:
        ours = self.added("ours", t)
        return [
            "", f"## Whole run: {t.name} ({len(t.files)} files, {t.lines:,} lines)", "",
            *self.timing_table(t), "",
            f"Our added cost: {fmt(ours, '.1f')} ms / 1000 lines = "
            f"{fmt(ratio(ours, self.kloc('plain', t)), '.2f')}x plain flake8, "
            f"{fmt(ratio(ours, self.added('flake8-async', t)), '.3f')}x flake8-async's added "
            f"cost, {fmt(ratio(ours, self.kloc('libcst', t)), '.2f')}x libcst.parse_module "
            "alone.",
        ]

    def no_async(self) -> list[str]:
        t = self.noasync
        share = mul(ratio(self.added("ours", t), self.kloc("plain", t)), 100)
        return [
            "", f"## Files with no async code ({len(t.files)} corpus files, {t.lines:,} lines, "
            "no `async`/`await` token)", "",
            *self.timing_table(t), "",
            f"Our added cost there: {fmt(self.added('ours', t), '.1f')} ms / 1000 lines = "
            f"{fmt(share, '.1f')}% of plain flake8's.",
        ]

    def findings_table(self) -> list[str]:
        c, s = self.corpus, self.stdlib
        rows = ["", "## Findings per code", "",
                "Counted from each tool's first run; only the tool's own codes.", "",
                f"| tool | code | {c.name} | {s.name} |", "|---|---|---:|---:|"]
        for tool in ("ours", "flake8-async", "ruff"):
            in_c, in_s = self.counts(tool, c), self.counts(tool, s)
            if in_c is None and in_s is None:
                rows.append(f"| {LABELS[tool]} | (no successful run) | | |")
                continue
            in_c, in_s = in_c or Counter(), in_s or Counter()
            for code in sorted(set(in_c) | set(in_s)) or ["(none)"]:
                rows.append(f"| {LABELS[tool]} | {code} | {in_c[code]} | {in_s[code]} |")
        return rows

    def budget(self, p95: dict[str, float]) -> list[str]:
        c, na = self.corpus, self.noasync
        ours, fa, parse = self.added("ours", c), self.added("flake8-async", c), self.kloc(
            "libcst", c)
        ours_na, plain_na = self.added("ours", na), self.kloc("plain", na)
        rss_ours, rss_plain = self.rss_mb("ours", c), self.rss_mb("plain", c)
        plain_p95 = p95.get("plain")
        editor_limit = None if plain_p95 is None else plain_p95 + 150
        checks = [
            (verdict(ours, mul(fa, 1 / 8)),
             f"added cost {fmt(ours, '.1f')} ms/kLOC <= 1/8 of flake8-async's "
             f"{fmt(fa, '.1f')} = {fmt(mul(fa, 1 / 8), '.1f')}"),
            (verdict(ours, mul(parse, 2)),
             f"added cost {fmt(ours, '.1f')} ms/kLOC <= 2.0x libcst.parse_module's "
             f"{fmt(parse, '.1f')} = {fmt(mul(parse, 2), '.1f')}"),
            (verdict(ours_na, mul(plain_na, 0.05), strict=True),
             f"no-async files: added cost {fmt(ours_na, '.1f')} ms/kLOC < 5% of plain "
             f"flake8's {fmt(plain_na, '.1f')} = {fmt(mul(plain_na, 0.05), '.1f')}"),
            (verdict(p95.get("ours"), editor_limit),
             f"editor p95 {fmt(p95.get('ours'))} ms <= plain p95 {fmt(plain_p95)} + 150 ms"),
            (verdict(rss_ours, mul(rss_plain, 1.5)),
             f"peak RSS {fmt(rss_ours)} MB <= 1.5x plain's {fmt(rss_plain)} MB "
             f"= {fmt(mul(rss_plain, 1.5))} MB"),
        ]
        return ["", "## Budget", "", *(f"- {v}  {text}" for v, text in checks)]

    def editor(self, editor: Editor) -> list[str]:
        rows = ["", f"## Editor: `flake8 -` on stdin, {len(editor['plain']['cpu'])} largest "
                "corpus files", "",
                "Per-file time of one `flake8` process, interpreter start-up included.", "",
                "| tool | p50 ms | p95 ms | max ms | p50 wall ms | p95 wall ms |",
                "|---|---:|---:|---:|---:|---:|"]
        for tool, v in editor.items():
            cpu, wall = v["cpu"], v["wall"]
            if cpu:
                rows.append(f"| {LABELS[tool]} | {percentile(cpu, 50) * 1000:.0f} "
                            f"| {percentile(cpu, 95) * 1000:.0f} | {max(cpu) * 1000:.0f} "
                            f"| {percentile(wall, 50) * 1000:.0f} "
                            f"| {percentile(wall, 95) * 1000:.0f} |")
        return rows


def report(args: argparse.Namespace, packages: list[prepare.Package], targets: list[Target],
           res: Results, editor: Editor, registered: bool, load: str, revision: str) -> str:
    corpus, stdlib, noasync = targets
    rep = Report(res, corpus, stdlib, noasync)
    out = [
        "# Benchmark results",
        "",
        f"Generated by `python bench/run.py{' --quick' if args.quick else ''}` on "
        f"{datetime.date.today().isoformat()}.",
        f"Machine: {machine()}.",
        f"Plugin: repo at {revision}"
        + ("" if registered else " (NOT INSTALLED: 'ours' is plain flake8)") + ".",
        f"Rounds: {args.rounds} (flake8-async: {min(args.async_rounds, args.rounds)}), "
        "tools alternating, medians; flake8 `-j1`, ruff on one thread; editor: "
        f"{args.editor_rounds} sample(s) per file and tool. Times are CPU (user + system) "
        "unless marked wall: other work on a shared machine inflates wall time much more.",
        f"Load average (1 min) before, after: {load}.",
        "",
        "## Corpus",
        "",
        "| package | version | style | files | lines | files with async code |",
        "|---|---|---|---:|---:|---:|",
    ]
    for pkg in packages:
        fs = [f for f in corpus.files if f.rel.startswith(pkg.dirname + "/")]
        out.append(f"| {pkg.name} | {pkg.version} | {pkg.style} | {len(fs)} "
                   f"| {sum(f.lines for f in fs):,} | {sum(f.has_async for f in fs)} |")
    out.append(f"| **total** | | | {len(corpus.files)} | {corpus.lines:,} "
               f"| {sum(f.has_async for f in corpus.files)} |")
    if args.quick:
        out += ["", "(`--quick`: every 4th file of the corpus only.)"]
    out += rep.whole_run(corpus) + rep.whole_run(stdlib) + rep.no_async()
    out += rep.editor(editor) + rep.findings_table()
    out += rep.budget({t: percentile(v["cpu"], 95) * 1000 for t, v in editor.items()
                       if v["cpu"]})
    return "\n".join(out) + "\n"


def write_results(path: Path, text: str) -> None:
    notes = f"\n{NOTES_MARKER}\n\n## Notes\n"
    if path.exists() and NOTES_MARKER in path.read_text():
        notes = "\n" + NOTES_MARKER + path.read_text().split(NOTES_MARKER, 1)[1]
    path.write_text(text + notes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--async-rounds", type=int, default=1,
                    help="rounds for flake8-async, ~10x slower than the rest (default 1)")
    ap.add_argument("--quick", action="store_true",
                    help="1 round, every 4th corpus file, 10 editor files; no RESULTS.md")
    ap.add_argument("--editor-files", type=int, default=50)
    ap.add_argument("--editor-rounds", type=int, default=1,
                    help="samples per editor file and tool (median); tools alternate per file")
    ap.add_argument("--dump", type=Path, metavar="DIR",
                    help="also write per-code findings of ours, flake8-async, ruff to DIR/TOOL/")
    ap.add_argument("--only-corpus", action="store_true",
                    help="download and extract the corpus, print it, time nothing")
    ap.add_argument("--results", type=Path,
                    help="where to write the report (default bench/RESULTS.md, not with --quick)")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.editor_files = 1, min(args.editor_files, 10)
    results_path = args.results or (None if args.quick else prepare.BENCH / "RESULTS.md")

    if args.only_corpus:
        prepare.main(venvs=False)
        return
    packages, files = prepare.corpus_files()
    if args.quick:
        files = files[::4]
    registered = prepare.ensure_venvs()
    stdlib_root, stdlib_files = prepare.stdlib_asyncio()
    tools = ("plain", "ours", "flake8-async", "ruff", "libcst")
    targets = [
        Target("corpus", prepare.CORPUS_ROOT, files, tools),
        Target("asyncio", stdlib_root, stdlib_files, tools),
        Target("no-async", prepare.CORPUS_ROOT, [f for f in files if not f.has_async],
               ("plain", "ours")),
    ]
    start, load, revision = time.perf_counter(), f"{os.getloadavg()[0]:.1f}", plugin_revision()
    res = time_targets(targets, args.rounds, args.async_rounds)
    largest = sorted(files, key=lambda f: -f.lines)[:args.editor_files]
    editor = editor_latency(prepare.CORPUS_ROOT, largest, args.editor_rounds)
    log(f"timed in {time.perf_counter() - start:.0f} s")
    load += f", {os.getloadavg()[0]:.1f}"
    if plugin_revision() != revision:  # the install is editable: edits apply at once
        revision += f"; CHANGED DURING THE RUN to {plugin_revision()}, numbers mix versions"

    text = report(args, packages, targets, res, editor, registered, load, revision)
    print(text)
    if results_path:
        write_results(results_path, text)
        log(f"wrote {results_path}")
    if args.dump:
        for tool in ("ours", "flake8-async", "ruff"):
            runs = res.ok(tool, "corpus")
            if runs:
                counts = findings.write_dump(findings.parse(runs[0].output, tool),
                                             args.dump / tool)
                findings.print_counts(tool, args.dump / tool, counts)


if __name__ == "__main__":
    main()
