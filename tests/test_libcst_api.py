"""The private libcst API that positions.py relies on, exercised exactly as positions.py uses it.

pyproject.toml pins libcst to the major version tested (`libcst>=1.1,<2`); a minor release may
still move `libcst._nodes.internal.CodegenState`. When it does, this file says which piece moved
(positions.py would otherwise only make files report nothing, or report wrong columns).
Also: every rule's `visit_<Node>`/`leave_<Node>` names a real libcst node class, so a misnamed
method fails here instead of failing every file at run time.
"""
from typing import List

import libcst as cst
import pytest
from libcst._nodes.internal import CodegenState   # the import positions.py makes

from flake8_asyncio_gotchas.engine import _subscribers
from flake8_asyncio_gotchas.rules import ALL_RULES
from flake8_asyncio_gotchas.rules.base import Rule

SOURCE = ("import os\n"
          "\n"
          "# a comment line\n"
          "class Box:\n"
          "    def get(self):\n"
          "        return os.sep\n")


class _Recording(CodegenState):
    """Overrides the same hooks positions._LocatingCodegenState overrides, and records them."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.added: List[str] = []
        self.indent_calls = 0
        self.before: List[cst.CSTNode] = []
        self.after: List[cst.CSTNode] = []

    def add_indent_tokens(self) -> None:
        self.indent_calls += 1
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.added.append(value)
        self.tokens.append(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.before.append(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        self.after.append(node)


def test_module_codegen_goes_through_the_overridden_hooks() -> None:
    module = cst.parse_module(SOURCE)
    state = _Recording(module)
    module._codegen(state)
    assert "".join(state.tokens) == SOURCE          # tokens: the regenerated text, in order
    assert state.added == state.tokens              # every token through add_token
    assert state.indent_calls > 0                   # indentation through add_indent_tokens
    names = [node for node in state.before if isinstance(node, cst.Name)]
    assert [name.value for name in names] == ["os", "Box", "get", "self", "os", "sep"]
    assert any(isinstance(node, cst.EmptyLine) for node in state.after)
    assert state.before[0] is module and state.after[-1] is module


def test_a_statement_regenerates_alone_from_the_indent_tokens_it_is_given() -> None:
    module = cst.parse_module(SOURCE)
    method = module.body[1].body.body[0]            # `def get`, a statement of the class body
    assert isinstance(method, cst.FunctionDef)
    state = _Recording(module)
    state.tokens.append("stale")
    state.tokens.clear()                            # positions' restart_at clears `tokens`
    state.indent_tokens = ["    "]                  # ... and sets the enclosing indentation
    method._codegen(state)
    assert "".join(state.tokens) == SOURCE[SOURCE.index("    def get"):]


def _unknown_subscriptions(rule: type) -> List[str]:
    """The rule's `visit_X`/`leave_X` methods whose X is not a libcst node class."""
    unknown = []
    for prefix, type_names in rule.subscriptions().items():
        for type_name in type_names:
            node_class = getattr(cst, type_name, None)
            if not (isinstance(node_class, type) and issubclass(node_class, cst.CSTNode)):
                unknown.append("%s.%s_%s" % (rule.__name__, prefix, type_name))
    return unknown


# What the engine walks with: the family checkers, and the rules that visit for themselves.
_VISITORS = sorted({rule.checker or rule for rule in ALL_RULES}, key=lambda v: v.__name__)


@pytest.mark.parametrize("visitor", _VISITORS, ids=lambda visitor: visitor.__name__)
def test_subscriptions_name_libcst_node_classes(visitor: type) -> None:
    assert _unknown_subscriptions(visitor) == []


def test_a_misnamed_method_is_caught() -> None:
    class Misnamed(Rule):
        code = "AIO999"

        def visit_Cal(self, node: cst.Call) -> None:
            pass

        def leave_Call(self, node: cst.Call) -> None:
            pass

    assert _unknown_subscriptions(Misnamed) == ["Misnamed.visit_Cal"]


def test_the_dispatch_table_is_built_once_per_rule_set() -> None:
    rule_set = tuple(ALL_RULES)
    assert _subscribers(rule_set) is _subscribers(tuple(ALL_RULES))
