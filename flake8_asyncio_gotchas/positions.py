"""Where reported nodes start (line, column), computed only for files with findings.

libcst nodes carry no positions; its `PositionProvider` records every node of the file and
costs about seven times a parse. We regenerate source with a `CodegenState` that notes where
each wanted node's first real token lands instead.

Regenerating the whole module still costs about as much as the parse, so `locate` first
regenerates only the statements that hold a wanted node, each starting at the line that the
`ast` tree (flake8's, already built) gives for it; into a class or def whose header holds none,
it descends and regenerates only the statements of its body that do (a method, not the class).
Each regenerated statement is compared with the source at that line: on any mismatch (a start
line we got wrong), the whole module is regenerated instead, so a position is never guessed.
"""
from __future__ import annotations

import ast
import re
import sys
import threading
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

from .walk import children

Position = Tuple[int, int]

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FINAL_NEWLINE = re.compile(r"(?:\r\n|\r|\n)\Z")


class _LocatingCodegenState(CodegenState):
    """Regenerates the source, noting where each wanted node's first real token lands."""

    def __init__(self, module: cst.Module, wanted: Iterable[cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.wanted = set(wanted)
        self.pending: List[cst.CSTNode] = []
        self.in_empty_line = 0
        self.found: Dict[cst.CSTNode, Position] = {}

    def restart_at(self, line: int) -> None:
        """Regenerate from column 0 of `line` on, forgetting the text made so far."""
        self.tokens.clear()
        self.pending.clear()
        self.line = line
        self.column = 0

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if self.pending and not self.in_empty_line and value and not value.isspace():
            for node in self.pending:
                self.found[node] = (self.line, self.column)
            self.pending.clear()
        if "\r" in value:   # "\r\n" and a lone "\r" end a line too (flake8 itself sends "\n")
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(value) - value.rfind("\n") - 1
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            self.pending.append(node)
        elif type(node) is cst.EmptyLine:   # comments and blank lines before a statement
            self.in_empty_line += 1

    def after_codegen(self, node: cst.CSTNode) -> None:
        if type(node) is cst.EmptyLine:
            self.in_empty_line -= 1


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode], source: Optional[str] = None,
           tree: Optional[ast.Module] = None) -> Dict[cst.CSTNode, Position]:
    """Positions of `nodes`; `source` is the text libcst parsed, `tree` its `ast` (optional)."""
    wanted = set(nodes)
    if source is not None:
        try:
            found = _locate_by_statement(module, wanted, source, tree)
        except RecursionError:
            found = None
        if found is not None:
            return found
    state = _LocatingCodegenState(module, wanted)
    try:
        module._codegen(state)
    except RecursionError:
        # libcst's code generation recurses about four Python frames per nesting level: a
        # 300-term `a + b + ...` is too deep. Only then: again, in a thread with room to recurse.
        state = _LocatingCodegenState(module, wanted)
        run_deep(module._codegen, state)
    return state.found


def _locate_by_statement(module: cst.Module, wanted: Set[cst.CSTNode], source: str,
                         tree: Optional[ast.Module]) -> Optional[Dict[cst.CSTNode, Position]]:
    """Positions from regenerating only the statements that hold wanted nodes; None if unsure."""
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    line_offsets = [0] + [match.end() for match in _NEWLINE.finditer(source)]
    state = _LocatingCodegenState(module, wanted)
    # (libcst statements, their ast statements, the indentation of their block)
    blocks: List[Tuple[Sequence[cst.BaseStatement], Sequence[ast.stmt], List[str]]] = [
        (module.body, tree.body, [])]
    while blocks:
        statements, ast_statements, indents = blocks.pop()
        starts = _start_lines(statements, ast_statements)
        if starts is None:
            return None
        for statement, ast_statement, start in starts:
            if not _holds_any(statement, wanted):
                continue
            body = _body_to_descend_into(statement, wanted)
            if body is not None and isinstance(ast_statement, _AST_BLOCK_OWNERS):
                indent = module.default_indent if body.indent is None else body.indent
                blocks.append((body.body, ast_statement.body, indents + [indent]))
                continue
            if start > len(line_offsets):
                return None
            state.restart_at(start)
            state.indent_tokens = list(indents)
            statement._codegen(state)
            if not _matches_source(source, line_offsets[start - 1], "".join(state.tokens)):
                return None
    return state.found


# The ast statements a libcst ClassDef or FunctionDef lines up with.
_AST_BLOCK_OWNERS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _body_to_descend_into(statement: cst.CSTNode,
                          wanted: Set[cst.CSTNode]) -> Optional[cst.IndentedBlock]:
    """A class's or def's block, when every wanted node of the statement lies in it."""
    if not isinstance(statement, (cst.ClassDef, cst.FunctionDef)) or statement in wanted:
        return None
    body = statement.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None
    header = [child for child in children(statement) if child is not body]
    if any(_holds_any(child, wanted) for child in header):
        return None
    return body


def _matches_source(source: str, offset: int, text: str) -> bool:
    """Whether `text` stands in `source` at `offset`. A file whose last line has no newline
    gets one back from a statement regenerated alone (libcst drops it only for a module)."""
    if source.startswith(text, offset):
        return True
    final_newline = _FINAL_NEWLINE.search(text)
    return final_newline is not None and source[offset:] == text[:final_newline.start()]


def _start_lines(statements: Sequence[cst.BaseStatement], ast_statements: Sequence[ast.stmt]
                 ) -> Optional[List[Tuple[cst.BaseStatement, ast.stmt, int]]]:
    """Each statement of a block with its (first) ast statement and the line where its
    regenerated text begins: the line of its first token (from `ast`) less the comment and
    blank lines libcst keeps in front of it. None when the two blocks do not line up."""
    starts = []
    index = 0
    for statement in statements:
        if index >= len(ast_statements):
            return None
        first = ast_statements[index]
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        line = first.lineno
        # A block's statements are all lines or compound statements: both keep leading_lines.
        leading = len(getattr(statement, "leading_lines", ()))
        decorators = getattr(statement, "decorators", ())
        if decorators:
            decorator_list = getattr(first, "decorator_list", None)
            if not decorator_list:
                return None
            line = decorator_list[0].lineno
            leading += len(decorators[0].leading_lines)
        starts.append((statement, first, line - leading))
    return starts if index == len(ast_statements) else None


def _holds_any(node: cst.CSTNode, wanted: Set[cst.CSTNode]) -> bool:
    pending = [node]
    while pending:
        current = pending.pop()
        if current in wanted:
            return True
        pending.extend(children(current))
    return False


# For trees too deep for the default recursion limit: room for ~25 frames per nesting level of
# the deepest code CPython's parser accepts (about 3000 levels), and the C stack that needs.
_DEEP_RECURSION_LIMIT = 100_000
_DEEP_STACK_BYTES = 1024 * 1024 * 1024


def run_deep(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a thread with a big stack and a high recursion limit; re-raises.

    The stack is reserved, not used: only the pages the recursion touches take memory. The
    recursion limit is process-wide, so it is raised only while the caller waits here.
    """
    outcome: Dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:   # handed to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="flake8-asyncio-gotchas-deep")
    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    try:
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        threading.stack_size(_DEEP_STACK_BYTES)   # read when the thread starts
        try:
            thread.start()
        finally:
            threading.stack_size(old_size)
        thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
