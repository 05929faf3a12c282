"""The plugin raises nothing on odd input, and still finds what is there."""
from __future__ import annotations

import ast
from typing import List, Optional, Tuple

from flake8_asyncio_gotchas.fast_path import has_async_code, may_contain_findings
from flake8_asyncio_gotchas.plugin import Plugin

BUG = "async def fetch():\n    pass\n\nasync def main():\n    fetch()\n"


def run(source: str) -> List[Tuple[int, int, str]]:
    lines = source.splitlines(keepends=True)
    try:
        tree: Optional[ast.AST] = ast.parse(source.lstrip("\ufeff"))
    except SyntaxError:      # newer syntax than this Python's: the full check decides
        tree = None
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


def test_async_words_only_in_text_or_annotations_skip_the_full_check() -> None:
    quiet = ['"""An asyncio bridge; see `await` in the docs."""\nx = 1  # async\n',
             "import asyncio\n\nclass Timeout(asyncio.TimeoutError):\n    pass\n\n"
             "def f(loop: asyncio.AbstractEventLoop) -> asyncio.Future:\n    return g(loop)\n"]
    for source in quiet:
        assert may_contain_findings(source)
        assert not has_async_code(ast.parse(source)), source


def test_sync_code_that_calls_into_asyncio_gets_the_full_check() -> None:
    busy = ["import asyncio\n\ndef f():\n    asyncio.ensure_future(g())\n",
            "from asyncio import ensure_future as later\n\ndef f():\n    later(g())\n",
            "def connection_made(self, transport):\n    self._loop.create_task(self.run())\n",
            "def f(fut):\n    fut.add_done_callback(g)\n",
            "async def f():\n    pass\n",
            "def f():\n    return [x async for x in y]\n",
            "import asyncio.tasks as t\n\nt.sleep(1)\n"]
    for source in busy:
        assert has_async_code(ast.parse(source)), source
    assert has_async_code(None)


def test_sync_code_calling_asyncio_is_still_checked_through_the_plugin() -> None:
    source = "import asyncio\n\n\ndef later(coro):\n    asyncio.ensure_future(coro)\n"
    assert [code for _line, _col, code in run(source)] == ["AIO400"]
