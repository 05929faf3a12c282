"""The await-removal measure: un-awaited coroutine calls that pyright finds and AIO100 does not.

    python bench/mutants.py                                  # library corpus, every package
    python bench/mutants.py --packages aiohttp --limit 40    # a sample that fits a minute
    python bench/mutants.py --corpus applications --limit 150 --out /tmp/aio-mutants

**Mutants.** For every statement-level `await call(...)` (an expression statement whose value is
`await <Call>`) in a package's .py files, a mutant is the same file with that one `await` removed:
the keyword and the blanks after it are cut from its line, so every line keeps its number. Each
mutant is a genuine un-awaited call wherever the callee is a coroutine function, which is what
pyright's `reportUnusedCoroutine` and our AIO100 report.

**Batches.** One copy per mutant would be thousands of files, so the mutants of one file are
grouped greedily into batches: within one batch every removed await is in a different function
(the innermost `def` around it; removing an await changes nothing another function's analysis
reads) and the statements are at least MIN_GAP lines apart. Findings are attributed to a mutant
by line: a finding whose line falls inside the mutated statement's lines, in that batch's copy.
Nothing else can land there: an expression statement holds no other statement, and both tools
report only expression statements (AIO100 also reports `_ = call()` and unread locals, which are
assignments, never inside an expression statement). So no run of the unmutated file is needed.

**Trees.** Each batch of a file is written next to the original as a sibling module
(`client.py` -> `client__aiomut3.py`, the batch number before `.py`), in one copy of the whole
package per package: a sibling resolves the same relative and absolute imports as the original,
and both tools type it with the whole package around it. Each tool then runs once per package,
on the batch copies only (pyright's `include`, flake8's file list); the originals are there to be
imported. `--verify N` checks the two shortcuts: it writes N mutants that share a batch one at a
time, in place of the original file in a fresh copy of the package, runs both tools on each, and
prints any disagreement with the batched answer.

**Tools.** Ours: flake8 from the bench venv "ours" with `--isolated --disable-noqa --select
AIO100` (AIO100 is the un-awaited statement call; AIO101 is a coroutine used as a value, which a
dropped statement is not). Pyright: the PyPI package `pyright` (it bundles the npm package and
runs it on Node.js) in the bench venv "pyright", with a pyrightconfig.json at the tree root (the
project root): typeCheckingMode "off", every report it still enables turned off,
`reportUnusedCoroutine: "error"`, pythonVersion 3.11, `# type: ignore` comments ignored, and the
package's directory (and its `src/` if any) as extraPaths, and `--pythonpath` the venv's own
python, whose site-packages hold nothing of the corpus's. So the package's third-party
dependencies are not there: neither tool sees their types (ours reads only the project's own
modules and the standard library; pyright types what it cannot resolve as Unknown), except
that pyright still has the third-party stubs bundled with its typeshed copy.

**Output.** Per package: mutants, pyright's findings on mutant lines, ours, both, pyright-only,
ours-only, and recall against pyright = both / pyright's. Then the pyright-only mutants grouped
by the form of the dropped call (FORMS, as in issue 14's table) and the ours-only ones as
`path:line: source`, to read by hand. `--out DIR` also writes `DIR/outcomes.tsv` (one mutant a
line) and `DIR/pyright-only.txt`, `DIR/ours-only.txt`.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import findings
import prepare

PYRIGHT = "pyright==1.1.414"
MIN_GAP = 3  # lines between two mutated statements of one batch copy
BATCH_TAG = "__aiomut"

FORMS = (
    "name.attr.method()",   # a.b.m(), a.b.c.m(): the root a is not self/cls
    "name.method()",        # a.m() with a a parameter, local or loop variable of the function
    "name()",               # f(), and super().m() as in the table
    "self.attr.method()",
    "self.a.b.method()",    # and deeper
    "self.method()",        # self.m(), cls.m()
    "module.func()",        # a.m() with a bound outside the function: import, global, class
    "other",                # calls on calls, subscripts, literals...
)

# Reports that pyright's typeCheckingMode "off" still enables: turned off so only the one we
# measure is computed and printed.
PYRIGHT_OFF = (
    "reportMissingImports", "reportMissingModuleSource", "reportUndefinedVariable",
    "reportUnusedExpression", "reportInvalidStringEscapeSequence", "reportUnsupportedDunderAll",
    "reportSelfClsParameterName", "reportTypeCommentUsage", "reportUnusedExcept",
    "reportInvalidTypeForm", "reportNoOverloadImplementation", "reportAttributeAccessIssue",
    "reportRedeclaration", "reportAbstractUsage", "reportUnhashable",
)


# -- the mutants ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Site:
    """One statement-level `await call(...)`: the mutant that removes that await."""
    line: int  # the line of the `await` keyword (1-based)
    col: int  # its column, in characters
    end_line: int  # last line of the statement
    function: str  # the innermost enclosing def ("Class.method:12"), "" at module level
    form: str  # one of FORMS, for the dropped call
    batch: int = 0


def _func_key(stack: list[ast.AST]) -> str:
    names = [n.name for n in stack if isinstance(n, (ast.ClassDef, ast.FunctionDef,
                                                     ast.AsyncFunctionDef))]
    funcs = [n for n in stack if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return f"{'.'.join(names)}:{funcs[-1].lineno}" if funcs else ""


def _local_names(func: ast.AST) -> set[str]:
    """Parameters and names bound in the function's own body (not in nested defs or classes)."""
    found: set[str] = set()
    args = getattr(func, "args", None)
    if isinstance(args, ast.arguments):
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if a is not None:
                found.add(a.arg)
    todo = list(getattr(func, "body", []))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
        todo.extend(ast.iter_child_nodes(node))
    return found


def call_form(call: ast.Call, func: ast.AST | None) -> str:
    """Which of FORMS the call `call`, made in function `func` (None: module level), has."""
    target = call.func
    depth = 0
    while isinstance(target, ast.Attribute):
        target = target.value
        depth += 1
    if depth == 0:
        return "name()" if isinstance(target, ast.Name) else "other"
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Name) \
            and target.func.id == "super" and depth == 1:
        return "name()"  # super().m(): grouped with name() in issue 14's table
    if not isinstance(target, ast.Name):
        return "other"
    if target.id in ("self", "cls"):
        return ("self.method()", "self.attr.method()")[depth - 1] if depth <= 2 \
            else "self.a.b.method()"
    if depth >= 2:
        return "name.attr.method()"
    local = func is not None and target.id in _local_names(func)
    return "name.method()" if local else "module.func()"


def find_sites(source: str) -> list[Site]:
    """Every statement-level `await call(...)` of the module, in source order."""
    tree = ast.parse(source)
    lines = source.splitlines()
    sites: list[Site] = []

    def visit(node: ast.AST, stack: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Expr) and isinstance(child.value, ast.Await) \
                    and isinstance(child.value.value, ast.Call):
                funcs = [n for n in stack if isinstance(n, (ast.FunctionDef,
                                                            ast.AsyncFunctionDef))]
                aw = child.value
                # ast columns are UTF-8 byte offsets; the mutant cuts characters.
                col = len(lines[aw.lineno - 1].encode()[:aw.col_offset].decode())
                sites.append(Site(aw.lineno, col, child.end_lineno or child.lineno,
                                  _func_key(stack), call_form(aw.value,
                                                              funcs[-1] if funcs else None)))
            visit(child, [*stack, child])

    visit(tree, [])
    return sorted(sites, key=lambda s: (s.line, s.col))


_AWAIT = re.compile(r"await[ \t]*")


def remove_awaits(source: str, sites: list[Site]) -> str:
    """The source with the `await` of every site cut (keyword and following blanks)."""
    lines = source.splitlines(keepends=True)
    for site in sorted(sites, key=lambda s: (s.line, -s.col)):
        text = lines[site.line - 1]
        m = _AWAIT.match(text, site.col)
        if m is None:
            raise ValueError(f"no await at {site.line}:{site.col}")
        lines[site.line - 1] = text[:m.start()] + text[m.end():]
    return "".join(lines)


def clean_sites(source: str, sites: list[Site]) -> list[Site]:
    """The sites whose cut leaves a module with a bare call statement there. All are cut at once
    (one parse per file); only if that does not parse is each tried alone."""
    def bare_call_lines(mutant: str) -> set[int] | None:
        try:
            tree = ast.parse(mutant)
        except SyntaxError:
            return None
        return {line for n in ast.walk(tree) if isinstance(n, ast.Expr)
                and isinstance(n.value, ast.Call)
                for line in range(n.lineno, (n.end_lineno or n.lineno) + 1)}

    together = bare_call_lines(remove_awaits(source, sites))
    if together is not None:
        return [s for s in sites if s.line in together]
    return [s for s in sites if s.line in (bare_call_lines(remove_awaits(source, [s])) or ())]


def assign_batches(sites: list[Site], gap: int = MIN_GAP) -> list[Site]:
    """Each site with a batch number: first fit, apart from the batch's other sites by function
    and by at least `gap` lines between statements."""
    batches: list[list[Site]] = []
    out = []
    for site in sorted(sites, key=lambda s: (s.line, s.col)):
        for number, batch in enumerate(batches):
            if all(other.function != site.function
                   and (site.line - other.end_line > gap or other.line - site.end_line > gap)
                   for other in batch):
                break
        else:
            number, batch = len(batches), []
            batches.append(batch)
        batch.append(site)
        out.append(replace(site, batch=number))
    return out


def sample(keys: list[str], limit: int | None) -> set[str]:
    """`limit` of the keys, the same ones on every run (smallest hashes), or all of them."""
    if limit is None or limit >= len(keys):
        return set(keys)
    return set(sorted(keys, key=lambda k: hashlib.sha256(k.encode()).hexdigest())[:limit])


# -- trees and tools -----------------------------------------------------------------------------

@dataclass
class Mutant:
    rel: str  # the original file, relative to the corpus root (starts with the package dir)
    site: Site
    copy: str = ""  # the batch copy it lives in, relative to the tree root
    pyright: bool = False
    ours: bool = False
    text: str = ""  # the original source line, stripped

    @property
    def where(self) -> str:
        return f"{self.rel}:{self.site.line}"


def copy_name(rel: str, batch: int) -> str:
    stem = rel[:-3] if rel.endswith(".py") else rel
    return f"{stem}{BATCH_TAG}{batch}.py"


def package_mutants(root: Path, pkg_dir: str, limit: int | None) -> list[Mutant]:
    mutants = []
    for path in sorted((root / pkg_dir).rglob("*.py")):
        rel = str(path.relative_to(root))
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            sites = find_sites(source)
        except SyntaxError:
            continue
        lines = source.splitlines()
        mutants += [Mutant(rel, s, text=lines[s.line - 1].strip())
                    for s in clean_sites(source, sites)]
    chosen = sample([m.where for m in mutants], limit)
    mutants = [m for m in mutants if m.where in chosen]
    by_file: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_file.setdefault(m.rel, []).append(m)
    out = []
    for rel, ms in by_file.items():
        batched = {(s.line, s.col): s for s in assign_batches([m.site for m in ms])}
        for m in ms:
            site = batched[(m.site.line, m.site.col)]
            out.append(replace(m, site=site, copy=copy_name(rel, site.batch)))
    return out


def write_tree(root: Path, pkg_dir: str, tree: Path, mutants: list[Mutant]) -> list[str]:
    """A copy of the package under tree/, with one sibling copy per batch; return the copies."""
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(root / pkg_dir, tree / pkg_dir)
    by_copy: dict[tuple[str, str], list[Site]] = {}
    for m in mutants:
        by_copy.setdefault((m.rel, m.copy), []).append(m.site)
    for (rel, copy), sites in by_copy.items():
        source = (root / rel).read_text(encoding="utf-8", errors="replace")
        (tree / copy).write_text(remove_awaits(source, sites), encoding="utf-8")
    return sorted(copy for _, copy in by_copy)


def pyright_config(tree: Path, pkg_dir: str, include: list[str]) -> dict[str, object]:
    extra = [pkg_dir] + ([f"{pkg_dir}/src"] if (tree / pkg_dir / "src").is_dir() else [])
    config: dict[str, object] = {
        "include": include, "typeCheckingMode": "off", "pythonVersion": "3.11",
        "extraPaths": extra, "enableTypeIgnoreComments": False,
        "reportUnusedCoroutine": "error",
    }
    config.update({name: "none" for name in PYRIGHT_OFF})
    return config


def run_pyright(tree: Path, pkg_dir: str, files: list[str]) -> set[tuple[str, int]]:
    """(file relative to tree, line) of every reportUnusedCoroutine in those files."""
    (tree / "pyrightconfig.json").write_text(json.dumps(pyright_config(tree, pkg_dir, files)))
    # The venv's own python: its site-packages hold no corpus dependency (the default, the
    # python on PATH, may have some installed, e.g. trio).
    cmd = [prepare.venv_bin("pyright", "pyright"), "--outputjson",
           "--pythonpath", prepare.venv_bin("pyright", "python")]
    res = subprocess.run(cmd, cwd=tree, capture_output=True, text=True)
    try:
        report = json.loads(res.stdout)
    except json.JSONDecodeError:
        sys.exit(f"pyright failed (exit {res.returncode}):\n{res.stderr[-3000:]}"
                 f"{res.stdout[-3000:]}")
    tree_abs = tree.resolve()
    return {(str(Path(d["file"]).resolve().relative_to(tree_abs)), d["range"]["start"]["line"] + 1)
            for d in report.get("generalDiagnostics", [])
            if d.get("rule") == "reportUnusedCoroutine"}


def run_ours(tree: Path, files: list[str], jobs: int) -> set[tuple[str, int]]:
    """(file relative to tree, line) of every AIO100 in those files."""
    cmd = [*findings.command("ours", files, jobs, "AIO100"), "--disable-noqa"]
    res = subprocess.run(cmd, cwd=tree, capture_output=True, text=True)
    if res.returncode not in (0, 1) or "Traceback" in res.stderr:
        sys.exit(f"flake8 failed (exit {res.returncode}):\n{res.stderr[-3000:]}")
    return {(f.path, f.line) for f in findings.parse(res.stdout, "ours")}


def attribute(mutants: list[Mutant], found: set[tuple[str, int]]) -> list[bool]:
    """For each mutant, whether a finding lies on its statement's lines in its copy."""
    return [any((m.copy, line) in found for line in range(m.site.line, m.site.end_line + 1))
            for m in mutants]


def ensure_pyright() -> None:
    """The bench venv "pyright", made like prepare.py's venvs (rebuilt when PYRIGHT changes)."""
    prepare.ensure_venv("pyright", [PYRIGHT])


def load_known(paths: list[Path]) -> dict[tuple[str, int, str], bool]:
    """Pyright's outcome per mutant (path, line, source) from earlier runs' outcomes.tsv."""
    known: dict[tuple[str, int, str], bool] = {}
    for path in paths:
        for row in path.read_text().splitlines()[1:]:
            cells = row.split("\t")
            known[(cells[1], int(cells[2]), cells[8])] = cells[6] == "1"
    return known


def measure_package(root: Path, pkg_dir: str, trees: Path, mutants: list[Mutant],
                    jobs: int, known: dict[tuple[str, int, str], bool] | None = None) -> None:
    """Fill in each mutant's pyright and ours outcome, one run of each tool for the package.

    Pyright's outcome depends only on the pinned package and the mutant, never on our plugin:
    when `known` (from --pyright-from) has every mutant of the package, pyright is not rerun.
    """
    if not mutants:
        return
    tree = trees / pkg_dir
    copies = write_tree(root, pkg_dir, tree, mutants)
    keys = [(m.rel, m.site.line, m.text) for m in mutants]
    if known is not None and all(key in known for key in keys):
        for m, key in zip(mutants, keys):
            m.pyright = known[key]
    else:
        for m, hit in zip(mutants, attribute(mutants, run_pyright(tree, pkg_dir, copies))):
            m.pyright = hit
    for m, hit in zip(mutants, attribute(mutants, run_ours(tree, copies, jobs))):
        m.ours = hit


def verify(root: Path, trees: Path, mutants: list[Mutant], count: int, jobs: int) -> list[str]:
    """Disagreements between the batched outcomes and single mutants written in place."""
    shared = Counter(m.copy for m in mutants)
    keys = [str(i) for i, m in enumerate(mutants) if shared[m.copy] > 1]
    chosen = [mutants[int(i)] for i in sorted(sample(keys, count), key=int)]
    problems = []
    for m in chosen:
        pkg_dir = m.rel.split("/", 1)[0]
        single = replace(m, copy=m.rel)
        tree = trees / "single"
        write_tree(root, pkg_dir, tree, [single])
        got_pyright = attribute([single], run_pyright(tree, pkg_dir, [m.rel]))[0]
        got_ours = attribute([single], run_ours(tree, [m.rel], jobs))[0]
        status = "same" if (got_pyright, got_ours) == (m.pyright, m.ours) else "DIFFERENT"
        line = (f"{status}: {m.where} batched pyright={m.pyright} ours={m.ours}, "
                f"single pyright={got_pyright} ours={got_ours}")
        print(f"  verify {line}", file=sys.stderr)
        if status != "same":
            problems.append(line)
    return problems


# -- report --------------------------------------------------------------------------------------

def recall(both: int, theirs: int) -> str:
    return f"{both / theirs:.2f}" if theirs else "-"


def report(results: dict[str, list[Mutant]]) -> str:
    out = ["| package | mutants | pyright | ours | both | pyright-only | ours-only | recall |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total = Counter[str]()
    for name, ms in results.items():
        row = Counter(mutants=len(ms), pyright=sum(m.pyright for m in ms),
                      ours=sum(m.ours for m in ms), both=sum(m.pyright and m.ours for m in ms))
        total.update(row)
        out.append(f"| {name} | {row['mutants']} | {row['pyright']} | {row['ours']} | "
                   f"{row['both']} | {row['pyright'] - row['both']} | {row['ours'] - row['both']}"
                   f" | {recall(row['both'], row['pyright'])} |")
    out.append(f"| **total** | {total['mutants']} | {total['pyright']} | {total['ours']} | "
               f"{total['both']} | {total['pyright'] - total['both']} | "
               f"{total['ours'] - total['both']} | {recall(total['both'], total['pyright'])} |")
    missed = {name: Counter(m.site.form for m in ms if m.pyright and not m.ours)
              for name, ms in results.items()}
    out += ["", "pyright-only, by form of the dropped call:", "",
            "| form | " + " | ".join(missed) + " | total |",
            "|---|" + "---:|" * (len(missed) + 1)]
    for form in FORMS:
        counts = [missed[name][form] for name in missed]
        out.append(f"| `{form}` | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    ours_only = [m for ms in results.values() for m in ms if m.ours and not m.pyright]
    out += ["", f"ours-only ({len(ours_only)}), to read by hand:", ""]
    out += [f"    {m.where}: {m.text}" for m in ours_only]
    return "\n".join(out)


def write_outcomes(out: Path, results: dict[str, list[Mutant]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = ["package\tpath\tline\tfunction\tform\tbatch\tpyright\tours\tsource"]
    only: dict[str, list[str]] = {"pyright-only.txt": [], "ours-only.txt": []}
    for name, ms in results.items():
        for m in ms:
            rows.append(f"{name}\t{m.rel}\t{m.site.line}\t{m.site.function}\t{m.site.form}\t"
                        f"{m.site.batch}\t{int(m.pyright)}\t{int(m.ours)}\t{m.text}")
            if m.pyright != m.ours:
                which = "pyright-only.txt" if m.pyright else "ours-only.txt"
                only[which].append(f"{m.where}: [{m.site.form}] {m.text}")
    (out / "outcomes.tsv").write_text("\n".join(rows) + "\n")
    for name, lines in only.items():
        (out / name).write_text("".join(f"{line}\n" for line in lines))


def corpora() -> dict[str, tuple[str, Path]]:
    """Corpus name -> (its toml in bench/, its root): the ones prepare.py knows and that exist."""
    known = getattr(prepare, "CORPORA", None)
    if known is None:  # a prepare.py from before the applications corpus
        return {"library": ("corpus.toml", prepare.CORPUS_ROOT)}
    return {name: (c.toml, c.root) for name, c in known.items()
            if (prepare.BENCH / c.toml).exists()}


def load_packages(corpus: str) -> list[prepare.Package]:
    return prepare.load_packages() if corpus == "library" else prepare.load_packages(corpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=sorted(corpora()), default="library")
    ap.add_argument("--packages", nargs="+", metavar="NAME", help="only these packages")
    ap.add_argument("--limit", type=int, metavar="N",
                    help="at most N mutants per package (the same ones on every run)")
    ap.add_argument("--verify", type=int, default=0, metavar="N",
                    help="also rerun N batched mutants one at a time and compare")
    ap.add_argument("--out", type=Path, help="write outcomes.tsv and the *-only lists here")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="flake8 -j")
    ap.add_argument("--pyright-from", type=Path, nargs="+", metavar="TSV",
                    help="reuse pyright's outcomes from earlier --out runs' outcomes.tsv "
                         "(rerun only for packages with a mutant they lack)")
    args = ap.parse_args()

    packages = load_packages(args.corpus)
    if args.packages:
        packages = [p for p in packages if p.name in args.packages]
        if not packages:
            sys.exit(f"no such package: {' '.join(args.packages)}")
    root = corpora()[args.corpus][1]
    for pkg in packages:
        prepare.fetch_package(pkg)
    if not prepare.ensure_venvs():
        sys.exit("our plugin is not registered in the bench venv 'ours'")
    ensure_pyright()
    known = load_known(args.pyright_from) if args.pyright_from else None
    trees = prepare.CACHE / "mutants" / args.corpus
    started = time.monotonic()
    results: dict[str, list[Mutant]] = {}
    for pkg in packages:
        t0 = time.monotonic()
        mutants = package_mutants(root, pkg.dirname, args.limit)
        measure_package(root, pkg.dirname, trees, mutants, args.jobs, known)
        results[pkg.name] = mutants
        prepare.log(f"{pkg.name}: {len(mutants)} mutants in "
                    f"{len({m.copy for m in mutants})} batch copies, "
                    f"{time.monotonic() - t0:.0f} s")
    print(report(results))
    if args.out:
        write_outcomes(args.out, results)
    if args.verify:
        problems = verify(root, trees, [m for ms in results.values() for m in ms],
                          args.verify, args.jobs)
        print(f"\nverify: {args.verify} single mutants, {len(problems)} different")
        for line in problems:
            print(f"    {line}")
    prepare.log(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
