"""`flake8-asyncio-gotchas fix [--diff] [--select CODES] [--unsafe-fixes] PATH...`

Exit status as ruff's: 0 when nothing is left to fix, 1 when findings remain (or, with
`--diff`, when there are changes to show), 2 on bad arguments or configuration.
"""
from __future__ import annotations

import argparse
import difflib
import io
import os
import sys
import tokenize
from collections import Counter
from typing import Callable, Iterator, List, NoReturn, Optional, Sequence, TextIO, Tuple

from .. import __version__

# Directories never walked, beyond flake8's `exclude` (whose defaults already hold .git,
# __pycache__, .tox, .nox, .eggs...): virtual environments are not the user's code.
_ALWAYS_SKIPPED = frozenset({".venv", "venv", "node_modules"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, "%s: error: %s\n" % (self.prog, message))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="flake8-asyncio-gotchas",
                     description="Fix the asyncio mistakes flake8-asyncio-gotchas finds.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    fix = commands.add_parser(
        "fix", help="apply the fixes to files, or show them with --diff",
        description="Apply the fixes of the findings (safe ones; unsafe ones too with "
                    "--unsafe-fixes). Options of the rules are read from the flake8 "
                    "configuration of the current directory (setup.cfg, tox.ini, .flake8).")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    fix.add_argument("--diff", action="store_true",
                     help="print a unified diff of the fixes and write nothing")
    fix.add_argument("--select", metavar="CODES",
                     help="comma-separated codes or prefixes to run (default: the codes the "
                          "flake8 configuration selects for each file, per-file-ignores "
                          "included)")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply the fixes that may change behaviour")
    return parser


def _python_files(paths: Sequence[str], excluded: Callable[[str], bool]) -> Iterator[str]:
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _ALWAYS_SKIPPED
                                 and not excluded(os.path.join(root, d)))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and not excluded(full):
                        yield full
        elif not excluded(path):
            yield path          # named on the command line: any name, but `exclude` holds


def _read(path: str) -> Tuple[str, str]:
    """(text, encoding), decoded as Python decodes source (coding cookie, BOM)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    text = raw.decode(encoding)
    if encoding == "utf-8-sig":
        text = "\ufeff" + text if not text.startswith("\ufeff") else text
        encoding = "utf-8"
    return text, encoding


def _codes(select: Optional[str], all_codes: List[str]) -> Optional[List[str]]:
    if select is None:
        return None
    prefixes = [item.strip().upper() for item in select.split(",") if item.strip()]
    unknown = [p for p in prefixes if not any(code.startswith(p) for code in all_codes)]
    if unknown or not prefixes:
        return []
    return [code for code in all_codes if any(code.startswith(p) for p in prefixes)]


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout,
         err: TextIO = sys.stderr) -> int:
    args = _parser().parse_args(argv)
    from ..rules import ALL_RULES        # libcst and the rules: only once arguments are fine
    from . import NotFixable, fix_source
    from .config import ConfigError, Flake8Config

    all_codes = [rule.code for rule in ALL_RULES]
    chosen = _codes(args.select, all_codes)
    if chosen == []:
        err.write("flake8-asyncio-gotchas: error: --select %r names no code of ours (%s)\n"
                  % (args.select, ", ".join(all_codes)))
        return 2
    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        err.write("flake8-asyncio-gotchas: error: no such file or directory: %s\n"
                  % ", ".join(missing))
        return 2
    try:
        config = Flake8Config()
        settings = config.settings()
    except ConfigError as error:
        err.write("flake8-asyncio-gotchas: error in the flake8 configuration: %s\n" % error)
        return 2

    fixed: Counter = Counter()
    remaining = 0
    unsafe_left = 0
    changed_files = 0
    failed = 0
    for path in _python_files(args.paths, config.excluded):
        try:
            text, encoding = _read(path)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
            err.write("%s: cannot read: %s\n" % (path, error))
            failed += 1
            continue
        codes = chosen if chosen is not None else config.selected(all_codes, path)
        rules = [rule for rule in ALL_RULES if rule.code in codes]
        try:
            result = fix_source(text, path, rules, settings, unsafe=args.unsafe_fixes)
        except NotFixable as error:
            err.write("%s: not fixed: %s\n" % (path, error))
            failed += 1
            continue
        except Exception as error:     # a bug of ours: the other files still get fixed
            err.write("%s: not fixed: internal error %r\n" % (path, error))
            failed += 1
            continue
        for _line, code, safety in result.fixed:
            fixed[code, safety] += 1
        unsafe_left += result.unsafe_left
        remaining += len(result.remaining)
        if result.changed:
            changed_files += 1
            if args.diff:
                out.writelines(_diff(path, text, result.source))
            else:
                with open(path, "w", encoding=encoding, newline="") as handle:
                    handle.write(result.source)
        if not args.diff:
            for line, column, _code, message in result.remaining:
                out.write("%s:%d:%d: %s\n" % (path, line, column + 1, message))
    _summary(err, fixed, remaining, unsafe_left, args.diff)
    if failed or remaining or (args.diff and changed_files):
        return 1
    return 0


def _diff(path: str, before: str, after: str) -> List[str]:
    lines = list(difflib.unified_diff(before.lstrip("\ufeff").splitlines(True),
                                      after.lstrip("\ufeff").splitlines(True),
                                      "a/" + path, "b/" + path))
    return [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines]


def _summary(err: TextIO, fixed: Counter, remaining: int, unsafe_left: int,
             diff: bool) -> None:
    total = sum(fixed.values())
    verb = "Would fix" if diff else "Fixed"
    by_code = ", ".join("%s %d" % (code, count) for (code, _safety), count
                        in sorted(fixed.items()))
    err.write("%s %d finding%s%s. %d finding%s left%s.\n" % (
        verb, total, "" if total == 1 else "s", " (%s)" % by_code if by_code else "",
        remaining, "" if remaining == 1 else "s",
        "; %d fixable with --unsafe-fixes" % unsafe_left if unsafe_left else ""))


if __name__ == "__main__":
    sys.exit(main())
