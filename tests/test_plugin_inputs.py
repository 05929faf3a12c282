"""The plugin raises nothing on odd input, and still finds what is there."""
from __future__ import annotations

import ast
from typing import List, Tuple

from flake8_asyncio_gotchas.plugin import Plugin

BUG = "async def fetch():\n    pass\n\nasync def main():\n    fetch()\n"


def run(source: str) -> List[Tuple[int, int, str]]:
    lines = source.splitlines(keepends=True)
    try:
        tree = ast.parse(source.lstrip("\ufeff"))
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    return [(line, col, message.split()[0])
            for line, col, message, _type in Plugin(tree, lines, "t.py").run()]


def test_plain_bug_is_found_where_it_is() -> None:
    assert run(BUG) == [(5, 4, "AIO100")]


def test_syntax_error_gives_nothing() -> None:
    assert run("async def f(:\n    fetch()\n") == []


def test_empty_and_comment_only_files() -> None:
    assert run("") == []
    assert run("# async def nothing\n") == []


def test_bom_and_crlf() -> None:
    assert run("\ufeff" + BUG.replace("\n", "\r\n")) == [(5, 4, "AIO100")]


def test_large_generated_file() -> None:
    filler = "".join("def f%d(x):\n    return x + %d\n\n" % (i, i) for i in range(6700))
    source = filler + BUG
    assert source.count("\n") > 20000
    assert run(source) == [(filler.count("\n") + 5, 4, "AIO100")]


def test_python_312_syntax() -> None:
    source = ("type Pair[T] = tuple[T, T]\n\n"
              "def first[T](pair: Pair[T]) -> T:\n"
              "    match pair:\n"
              "        case (a, _):\n"
              "            return a\n\n" + BUG)
    assert run(source) == [(12, 4, "AIO100")]


def test_no_async_fast_path_reports_nothing() -> None:
    assert run("def fetch():\n    pass\n\nfetch()\n") == []
