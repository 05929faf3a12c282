"""Positions from regenerating only the statements with findings equal the whole module's."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import List

import libcst as cst
import pytest

from flake8_asyncio_gotchas import positions
from flake8_asyncio_gotchas.walk import children

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))


def every_call(module: cst.Module) -> List[cst.CSTNode]:
    found, pending = [], [module]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.Call, cst.Await, cst.ExceptHandler, cst.While)):
            found.append(node)
        pending.extend(children(node))
    return found


def both_ways(source: str) -> None:
    module = cst.parse_module(source)
    wanted = every_call(module)
    whole = positions.locate(module, wanted)                       # no source: whole module
    by_statement = positions._locate_by_statement(module, set(wanted), source, ast.parse(source))
    assert by_statement is not None, "fell back to the whole module"
    assert by_statement == whole
    lines = source.splitlines()
    for node, (line, column) in whole.items():
        # The position is where the node's own text starts in the source.
        text_lines = cst.Module(body=[]).code_for_node(node).splitlines()
        first = next(text.strip() for text in text_lines
                     if text.strip() and not text.strip().startswith("#"))
        assert lines[line - 1][column:].startswith(first[:8]), (line, column, first)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_positions_agree(path: Path) -> None:
    both_ways(path.read_text(encoding="utf-8"))


def test_decorators_comments_crlf_and_no_final_newline() -> None:
    source = ("# header\n\nimport asyncio\n\n\n# a comment\n@decorate(1)\n# between\n"
              "@other\nasync def f():\n    await g()\n\nx = 1; y = h()\n\n"
              "class C(Base):\n    async def m(self):\n        await self.n()\n"
              "if x:\n    k()\nelse:\n    z()")
    both_ways(source)
    both_ways(source.replace("\n", "\r\n"))


def test_a_wrong_start_line_falls_back_to_the_whole_module() -> None:
    source = "async def f():\n    await g()\n"
    module = cst.parse_module(source)
    wanted = every_call(module)
    lying_tree = ast.parse("\n\n" + source)         # every line two lower than the truth
    assert positions._locate_by_statement(module, set(wanted), source, lying_tree) is None
    whole = positions.locate(module, wanted)
    assert positions.locate(module, wanted, source, lying_tree) == whole


def test_methods_of_nested_classes_with_tabs_and_decorated_methods() -> None:
    source = ("class Outer:\n\t'''Doc.'''\n\n\t# comment\n\tclass Inner(Base):\n"
              "\t\tx = f()\n\n\t\t@property\n\t\t# between\n\t\t@cached\n"
              "\t\tasync def m(self):\n\t\t\tif a:\n\t\t\t\tawait g()\n\n"
              "\tdef n(self): return h()\n\n\t@decorate(k())\n\tdef o(self):\n\t\tpass\n")
    both_ways(source)
