"""Compare our plugin's findings on the bench corpora with the reviewed verdicts.

    python bench/verdicts.py                         # run the plugin on both corpora, compare
    python bench/verdicts.py --corpus applications   # one corpus
    python bench/verdicts.py --dump DIR              # read DIR/CORPUS/ours/*.txt
                                                     # (written by findings.py --out DIR)
    python bench/verdicts.py --check                 # only validate bench/verdicts.tsv

bench/verdicts.tsv holds one reviewed verdict per finding (format: helper-notes VERDICTS.md and
bench/README.md): corpus, path, line, code, TP / FP / NOISE, reason. A finding is identified by
(corpus, path, line, code). This prints, per corpus and code, split into test and non-test code
(by path: prepare.is_test_path), the counts of TP / FP / NOISE / unreviewed and the precision
TP / (TP + FP + NOISE) over the reviewed findings; then the findings that appeared (no verdict
yet: review them and add rows) and the verdicts whose finding vanished (a vanished TP is a lost
true finding). Exit status 1 when a TP vanished or the file is malformed, else 0.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import findings as findings_mod
import prepare

VERDICTS = prepare.BENCH / "verdicts.tsv"
HEADER = ("corpus", "path", "line", "code", "verdict", "reason")
KINDS = ("TP", "FP", "NOISE")
Key = tuple[str, str, int, str]  # (corpus, path, line, code)


@dataclass(frozen=True)
class Verdict:
    corpus: str
    path: str
    line: int
    code: str
    verdict: str
    reason: str

    @property
    def key(self) -> Key:
        return (self.corpus, self.path, self.line, self.code)


def load_verdicts(path: Path = VERDICTS) -> tuple[dict[Key, Verdict], list[str]]:
    """The verdicts by key, and the problems found in the file (empty when it is well-formed)."""
    problems: list[str] = []
    out: dict[Key, Verdict] = {}
    if not path.exists():
        return out, problems
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        problems.append(f"{path}:1: header must be {' '.join(HEADER)} (tab-separated)")
    previous: Key | None = None
    for n, text in enumerate(lines[1:], start=2):
        fields = text.split("\t")
        if len(fields) != len(HEADER):
            problems.append(f"{path}:{n}: {len(fields)} fields, expected {len(HEADER)}")
            continue
        corpus, rel, line, code, verdict, reason = fields
        if corpus not in prepare.CORPORA or not line.isdigit() or verdict not in KINDS \
                or not reason.strip():
            problems.append(f"{path}:{n}: bad row: {text!r}")
            continue
        v = Verdict(corpus, rel, int(line), code, verdict, reason)
        if v.key in out:
            problems.append(f"{path}:{n}: duplicate verdict for {rel}:{line} {code}")
        if previous is not None and v.key < previous:
            problems.append(f"{path}:{n}: rows not sorted by (corpus, path, line, code)")
        previous = v.key
        out[v.key] = v
    return out, problems


def current_findings(corpus: str, dump: Path | None, jobs: int) -> dict[Key, str] | None:
    """Our findings on a corpus, key -> message: read from a dump, or by running the plugin."""
    if dump is not None:
        folder = dump / corpus / "ours"
        if not folder.is_dir():
            sys.exit(f"no dump for {corpus}: {folder} (python bench/findings.py --corpus "
                     f"{corpus} --out {dump})")
        text = "".join(p.read_text() for p in sorted(folder.glob("*.txt")))
        found = findings_mod.parse(text, "ours")
    else:
        packages = prepare.load_packages(corpus)
        for pkg in packages:
            prepare.fetch_package(pkg)
        if not prepare.ensure_venvs():
            sys.exit("the plugin is not registered in the bench venv")
        result = findings_mod.run_tool("ours", packages, jobs, None)
        if result is None:
            return None
        found = result
    return {(corpus, f.path, f.line, f.code): f.message for f in found}


def precision(c: Counter[str]) -> str:
    reviewed = sum(c[k] for k in KINDS)
    return f"{c['TP'] / reviewed:.2f}" if reviewed else "-"


def table(corpus: str, now: dict[Key, str], verdicts: dict[Key, Verdict]) -> list[str]:
    """Markdown table: per code and overall, test and non-test counts and precision."""
    counts: dict[tuple[str, bool], Counter[str]] = {}
    for key in now:
        _, path, _, code = key
        v = verdicts.get(key)
        kind = v.verdict if v else "unreviewed"
        for c in (code, "all"):
            counts.setdefault((c, prepare.is_test_path(path)), Counter())[kind] += 1
    codes = sorted({c for c, _ in counts if c != "all"}) + ["all"]
    out = [f"### {corpus}: {len(now)} findings", "",
           "| code | where | TP | FP | NOISE | unreviewed | precision |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for code in codes:
        for is_test in (False, True):
            c = counts.get((code, is_test))
            if not c:
                continue
            where = "tests" if is_test else "non-test"
            out.append(f"| {code} | {where} | {c['TP']} | {c['FP']} | {c['NOISE']} | "
                       f"{c['unreviewed']} | {precision(c)} |")
    total = Counter()
    for (code, _), c in counts.items():
        if code == "all":
            total.update(c)
    reviewed = sum(total[k] for k in KINDS)
    if reviewed:
        out += ["", f"overall precision {precision(total)}; FP {total['FP']} of {reviewed} "
                    f"reviewed ({100 * total['FP'] / reviewed:.1f} in 100)"]
    return out


def compare(corpus: str, now: dict[Key, str], verdicts: dict[Key, Verdict],
            list_vanished: bool = False) -> tuple[list[str], int]:
    """Lines listing appeared and vanished findings; the number of vanished TPs.

    Every vanished TP is listed; vanished FP/NOISE are counted per (code, verdict, reason) with
    one example, or listed one by one with list_vanished.
    """
    mine = {k: v for k, v in verdicts.items() if k[0] == corpus}
    appeared = sorted(k for k in now if k not in mine)
    vanished = sorted(k for k in mine if k not in now)
    lost = [k for k in vanished if mine[k].verdict == "TP"]
    out: list[str] = []
    if appeared:
        out += ["", f"appeared (unreviewed) on {corpus}: {len(appeared)}"]
        out += [f"  {p}:{line}: {code} {now[(c, p, line, code)]}"
                for (c, p, line, code) in appeared]
    if vanished:
        out += ["", f"vanished on {corpus}: {len(vanished)} "
                    f"({len(lost)} TP, {len(vanished) - len(lost)} FP/NOISE)"]
        for k in lost:
            v = mine[k]
            out.append(f"  !!! LOST TP: {v.path}:{v.line}: {v.code} ({v.reason})")
        others = [mine[k] for k in vanished if mine[k].verdict != "TP"]
        if list_vanished:
            out += [f"  {v.verdict}: {v.path}:{v.line}: {v.code} ({v.reason})" for v in others]
        else:
            groups: dict[tuple[str, str, str], list[Verdict]] = {}
            for v in others:
                groups.setdefault((v.code, v.verdict, v.reason), []).append(v)
            for (code, kind, reason), vs in sorted(groups.items(),
                                                   key=lambda g: (g[0][0], -len(g[1]))):
                out.append(f"  {len(vs):4} {code} {kind}: {reason} "
                           f"(e.g. {vs[0].path}:{vs[0].line})")
    return out, len(lost)


def write_sorted(path: Path, rows: dict[Key, Verdict]) -> None:
    """Rewrite the verdicts file in its canonical order (after appending rows by hand)."""
    lines = ["\t".join(HEADER)]
    lines += ["\t".join((v.corpus, v.path, str(v.line), v.code, v.verdict, v.reason))
              for _, v in sorted(rows.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=[*sorted(prepare.CORPORA), "all"], default="all")
    ap.add_argument("--dump", type=Path,
                    help="read findings from DIR/CORPUS/ours/*.txt instead of running the plugin")
    ap.add_argument("--verdicts", type=Path, default=VERDICTS)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--check", action="store_true", help="only validate the verdicts file")
    ap.add_argument("--sort", action="store_true",
                    help="rewrite the verdicts file sorted (after appending rows), then check it")
    ap.add_argument("--list-vanished", action="store_true",
                    help="list every vanished FP/NOISE finding, not only counts per reason")
    args = ap.parse_args()

    verdicts, problems = load_verdicts(args.verdicts)
    if args.sort:
        write_sorted(args.verdicts, verdicts)
        verdicts, problems = load_verdicts(args.verdicts)
    for p in problems:
        print(p)
    if args.check or args.sort:
        print(f"{len(verdicts)} verdicts, {len(problems)} problems")
        return 1 if problems else 0
    corpora = sorted(prepare.CORPORA) if args.corpus == "all" else [args.corpus]
    lost_total = 0
    for corpus in corpora:
        now = current_findings(corpus, args.dump, args.jobs)
        if now is None:
            return 1
        print("\n".join(table(corpus, now, verdicts)))
        lines, lost = compare(corpus, now, verdicts, args.list_vanished)
        print("\n".join(lines))
        print()
        lost_total += lost
    if lost_total:
        print(f"!!! {lost_total} TP finding(s) vanished: a change lost true findings")
    return 1 if (lost_total or problems) else 0


if __name__ == "__main__":
    sys.exit(main())
