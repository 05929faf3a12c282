"""Time `libcst.parse_module` alone, in-process, over the files listed (one path a line) in argv[1].

Run by bench/run.py with the plugin venv's python (so it is the libcst the plugin uses). Prints
the parse's wall time and CPU time in seconds and the number of files libcst could not parse.
"""
from __future__ import annotations

import sys
import time

import libcst


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        paths = f.read().splitlines()
    # Read first, time only the parse: flake8 hands the plugin lines already read.
    sources = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            sources.append(f.read())
    failures = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for source in sources:
        try:
            libcst.parse_module(source)
        except Exception:  # a parse error is libcst's business, not the benchmark's
            failures += 1
    print(f"{time.perf_counter() - start:.6f} {time.process_time() - cpu_start:.6f} {failures}")


if __name__ == "__main__":
    main()
