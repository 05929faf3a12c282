"""Apply every fix, unsafe ones included, to a copy of a corpus; count and compile-check.

    python bench/fixes.py                                 # the library corpus (corpus.toml)
    python bench/fixes.py --corpus bench/applications.toml
    python bench/fixes.py --stdlib                        # the whole standard library
    python bench/fixes.py --stdlib --corpus bench/corpus.toml --corpus bench/applications.toml

Runs in the plugin's environment (`pip install -e .`). The corpus is downloaded by
bench/prepare.py's code into $FLAKE8_ASYNCIO_GOTCHAS_BENCH_CACHE; the fixed copy is written to
<cache>/fixed/<corpus>/ (the originals are never touched), and every .py file of the copy is
compiled afterwards, whether a fix touched it or not. Prints, per code, the findings fixed by
safe and by unsafe fixes and the findings left, then the compile check. Exit status 1 when a
fixed file does not compile that compiled before, or when the fixer raised.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import sysconfig
import time
import tokenize
import traceback
import warnings
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import prepare

from flake8_asyncio_gotchas.fix import NotFixable, fix_source
from flake8_asyncio_gotchas.options import ALL_OPTIONS
from flake8_asyncio_gotchas.rules import ALL_RULES

SETTINGS = {option.dest: option.parse(option.default) for option in ALL_OPTIONS}


def _read(path: Path) -> Tuple[str, str]:
    with open(path, "rb") as stream:
        encoding, _ = tokenize.detect_encoding(stream.readline)
    return path.read_bytes().decode(encoding), encoding


def _compiles(text: str, name: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # the stdlib's own SyntaxWarnings
        try:
            compile(text, name, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


class Tally:
    def __init__(self, name: str) -> None:
        self.name = name
        self.files = 0
        self.changed = 0
        self.fixed: Counter = Counter()          # (code, safety) -> count
        self.left: Counter = Counter()           # code -> findings still reported
        self.not_compiling_before = 0
        self.broken: List[str] = []              # compiled before, not after
        self.errors: List[str] = []
        self.seconds = 0.0


def fix_tree(name: str, root: Path, files: List[Path], copy_root: Path) -> Tally:
    tally = Tally(name)
    started = time.perf_counter()
    shutil.rmtree(copy_root, ignore_errors=True)
    for path in files:
        rel = path.relative_to(root)
        target = copy_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            source, encoding = _read(path)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            shutil.copyfile(path, target)
            continue
        tally.files += 1
        text = source
        try:
            result = fix_source(source, str(path), ALL_RULES, SETTINGS, unsafe=True)
            text = result.source
            for _line, code, safety in result.fixed:
                tally.fixed[code, safety] += 1
            for _line, _col, code, _message in result.remaining:
                tally.left[code] += 1
            tally.changed += bool(result.fixed)
        except NotFixable as error:
            if "cannot parse" not in str(error):
                tally.errors.append("%s: %s" % (rel, error))
        except Exception:
            tally.errors.append("%s: %s" % (rel, traceback.format_exc()))
        target.write_bytes(text.encode(encoding))
    # Every file of the copy, fixed or not, against its original.
    for path in files:
        try:
            before, _ = _read(path)
            after, _ = _read(copy_root / path.relative_to(root))
        except (SyntaxError, UnicodeDecodeError, LookupError):
            continue
        if not _compiles(before, str(path)):
            tally.not_compiling_before += 1
        elif not _compiles(after, str(path)):
            tally.broken.append(str(path.relative_to(root)))
    tally.seconds = time.perf_counter() - started
    return tally


def corpus(toml: Path) -> Tuple[Path, List[Path]]:
    import tomllib

    with open(toml, "rb") as stream:
        data = tomllib.load(stream)
    # A list of bench/ is fetched as its corpus is (wheels or sdists); another as wheels.
    named = [c for c in prepare.CORPORA.values() if (prepare.BENCH / c.toml) == toml.resolve()]
    kind = named[0] if named else prepare.CORPORA["library"]
    packages = [prepare.Package(p["name"], p["version"], p.get("style", ""), kind.name)
                for p in data["package"]]
    files: List[Path] = []
    for package in packages:
        files += sorted(prepare.fetch_package(package).rglob("*.py"))
    return kind.root, files


def stdlib() -> Tuple[Path, List[Path]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return root, sorted(p for p in root.rglob("*.py")
                        if "site-packages" not in p.parts and "dist-packages" not in p.parts)


def report(tallies: List[Tally]) -> None:
    codes = sorted({code for t in tallies for code, _s in t.fixed} |
                   {code for t in tallies for code in t.left})
    for tally in tallies:
        print("\n## %s: %d files, %d changed, %.0f s"
              % (tally.name, tally.files, tally.changed, tally.seconds))
        print("| code | fixed (safe) | fixed (unsafe) | left |")
        print("| --- | ---: | ---: | ---: |")
        for code in codes:
            row = (tally.fixed[code, "safe"], tally.fixed[code, "unsafe"], tally.left[code])
            if any(row):
                print("| %s | %d | %d | %d |" % ((code,) + row))
        print("| total | %d | %d | %d |" % (
            sum(n for (_c, s), n in tally.fixed.items() if s == "safe"),
            sum(n for (_c, s), n in tally.fixed.items() if s == "unsafe"),
            sum(tally.left.values())))
        print("compile check: %d files compile after fixing as before; %d did not compile "
              "before (left out); %d broken by the fixes; %d fixer errors"
              % (tally.files - tally.not_compiling_before - len(tally.broken),
                 tally.not_compiling_before, len(tally.broken), len(tally.errors)))
        for name in tally.broken:
            print("  BROKEN: %s" % name)
        for error in tally.errors:
            print("  ERROR: %s" % error)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", type=Path,
                        help="a corpus list in corpus.toml's format (repeatable; default: "
                             "bench/corpus.toml unless --stdlib)")
    parser.add_argument("--stdlib", action="store_true", help="the whole standard library")
    args = parser.parse_args(argv)
    tomls = args.corpus or ([] if args.stdlib else [prepare.BENCH / "corpus.toml"])
    jobs: Dict[str, Tuple[Path, List[Path]]] = {}
    for toml in tomls:
        if not toml.exists():
            print("%s: not there (yet); skipped" % toml, file=sys.stderr)
            continue
        jobs[toml.stem] = corpus(toml)
    if args.stdlib:
        jobs["stdlib"] = stdlib()
    tallies = [fix_tree(name, root, files, prepare.CACHE / "fixed" / name)
               for name, (root, files) in jobs.items()]
    report(tallies)
    return 1 if any(t.broken or t.errors for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
