"""`isinstance` narrowing: the class a name or attribute chain is known to hold where it is read.

Type checkers narrow a value's type through `isinstance` tests; so does this module, for the
three forms code writes them in, inside one function:
- `if isinstance(x, C):` (alone or as an operand of `and`): in that block, `x` is a `C`;
- `assert isinstance(x, C)`: in the statements after it in the same block;
- `if not isinstance(x, C):` whose block leaves (ends with `raise`, `return`, `continue` or
  `break`): in its `else:` block and the statements after it.
`x` is a name or a dotted chain from a name (`self.stream`). The narrowing holds until `x` (or,
for a chain, its first name or the chain itself) is bound again: a statement of the region
between the test and the read that binds it ends it there. A tuple of classes, `type(x) is C`
and reads in a nested def or lambda (run later) are not narrowed.

The guards of a function are found once, with one walk of its body, and only for functions
that read `isinstance` at all (`Scope.loads`). A guarded block's statements are numbered, and
those that bind a guarded key found, once each: a read then costs its depth, not the length of
the block above it (a long function read after one guard at its top would be quadratic).
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from .names import Scope, dotted_name, target_leaves
from .syntax import walk_with_parents
from .walk import children

# A region where a guard holds: from the statement after `start` to the end of the block
# (`start` -1: the whole block), with the key of what is narrowed and the class expression.
_Guard = Tuple[int, str, cst.BaseExpression]
_LEAVING = (cst.Raise, cst.Return, cst.Continue, cst.Break)
_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


class _FunctionGuards:
    """The guards of one function body, by the block they hold in."""

    __slots__ = ("parent", "guards", "_numbers", "_binders")

    def __init__(self, body: cst.CSTNode) -> None:
        order, self.parent = walk_with_parents(body)
        self.guards: Dict[int, List[_Guard]] = {}      # by id() of the block node
        # By id() of a guarded block: its statements' numbers (by id()), and, per key, the
        # numbers of those that bind the key or its first name, in order.
        self._numbers: Dict[int, Dict[int, int]] = {}
        self._binders: Dict[Tuple[int, str], List[int]] = {}
        for node in order:
            if isinstance(node, cst.If):
                self._if_guards(node)
            elif isinstance(node, cst.Assert):
                line = self.parent.get(node)
                block = self.parent.get(line) if line is not None else None
                if block is not None and line is not None:
                    for key, cls in _positive_tests(node.test):
                        self._add(block, self._number(block, line), key, cls)

    def _add(self, block: cst.CSTNode, start: int, key: str, cls: cst.BaseExpression) -> None:
        self.guards.setdefault(id(block), []).append((start, key, cls))

    def _if_guards(self, node: cst.If) -> None:
        for key, cls in _positive_tests(node.test):
            self._add(node.body, -1, key, cls)
        negative = _negative_test(node.test)
        if negative is None or not _leaves(node.body):
            return
        key, cls = negative
        if isinstance(node.orelse, cst.Else):
            self._add(node.orelse.body, -1, key, cls)
        elif node.orelse is None:           # not an `elif` chain: the statements after it
            block = self.parent.get(node)
            if block is not None:
                self._add(block, self._number(block, node), key, cls)

    def narrowed(self, read: cst.BaseExpression, key: str) -> Optional[cst.BaseExpression]:
        """The class `read` (spelled `key`) is narrowed to by the innermost guard, if any."""
        node: cst.CSTNode = read
        while True:
            parent = self.parent.get(node)
            if parent is None or isinstance(node, _NESTED):
                return None
            for start, guarded, cls in reversed(self.guards.get(id(parent), ())):
                if guarded != key:
                    continue
                index = self._number(parent, node)
                if index > start and not self._rebound(parent, start, index, key):
                    return cls
            node = parent

    def _number(self, block: cst.CSTNode, statement: cst.CSTNode) -> int:
        """`statement`'s position in `block` (-2: not one of its statements)."""
        numbers = self._numbers.get(id(block))
        if numbers is None:
            numbers = self._numbers[id(block)] = {}
            for number, candidate in enumerate(_statements(block)):
                numbers.setdefault(id(candidate), number)
        return numbers.get(id(statement), -2)

    def _rebound(self, block: cst.CSTNode, start: int, index: int, key: str) -> bool:
        """Whether a statement of `block` after `start`, up to and including the read's own
        (`index`), binds `key` or its first name."""
        binders = self._binders.get((id(block), key))
        if binders is None:
            binders = self._binders[(id(block), key)] = [
                number for number, statement in enumerate(_statements(block))
                if _rebinds(statement, key)]
        after = bisect_left(binders, start + 1)         # the first binder after `start`
        return after < len(binders) and binders[after] <= index


def _statements(block: cst.CSTNode) -> Sequence[cst.CSTNode]:
    body = getattr(block, "body", ())
    return body if isinstance(body, (list, tuple)) else ()


def _leaves(block: cst.BaseSuite) -> bool:
    """Whether a block always leaves: its last statement raises, returns, continues, breaks."""
    statements = _statements(block)
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return bool(last.body) and isinstance(last.body[-1], _LEAVING)
    return isinstance(last, _LEAVING)


def _isinstance_test(test: cst.BaseExpression) -> Optional[Tuple[str, cst.BaseExpression]]:
    """`isinstance(x, C)` with `x` a name or dotted chain, `C` one class: (key, C)."""
    if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name)
            and test.func.value == "isinstance" and len(test.args) == 2
            and all(arg.keyword is None and not arg.star for arg in test.args)):
        return None
    key = dotted_name(test.args[0].value)
    cls = test.args[1].value
    if key is None or not isinstance(cls, (cst.Name, cst.Attribute)):
        return None
    return key, cls


def _positive_tests(test: cst.BaseExpression) -> List[Tuple[str, cst.BaseExpression]]:
    """The isinstance tests that hold when `test` is true (its `and` operands)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _positive_tests(test.left) + _positive_tests(test.right)
    found = _isinstance_test(test)
    return [found] if found is not None else []


def _negative_test(test: cst.BaseExpression) -> Optional[Tuple[str, cst.BaseExpression]]:
    """`not isinstance(x, C)`: when it is false, `x` is a `C`."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _isinstance_test(test.expression)
    return None


def _rebinds(statement: cst.CSTNode, key: str) -> bool:
    """Whether `statement` binds `key` or its first name (the read itself, a name or dotted
    chain, holds no binding: its own statement is asked whole)."""
    head = key.split(".")[0]
    stack: List[cst.CSTNode] = [statement]
    while stack:
        node = stack.pop()
        targets: List[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            targets = [node.target] if node.value is not None or isinstance(
                node, cst.AugAssign) else []
        elif isinstance(node, (cst.For, cst.CompFor, cst.NamedExpr)):
            targets = [node.target]
        elif isinstance(node, cst.AsName):
            targets = [node.name]                 # `with ... as x`, `except ... as x`
        elif isinstance(node, cst.Del):
            targets = [node.target]
        for target in targets:
            if _binds(target, key, head):
                return True
        if not isinstance(node, _NESTED):
            stack.extend(children(node))
    return False


def _binds(target: cst.BaseExpression, key: str, head: str) -> bool:
    """Whether the target stores into `key` or its head (`x` of `x.y`)."""
    return any(dotted_name(leaf) in (key, head) for leaf in target_leaves(target)
               if isinstance(leaf, (cst.Name, cst.Attribute)))


class Narrowing:
    """The isinstance guards of a module's functions, found on first use per function."""

    def __init__(self) -> None:
        self._functions: Dict[int, Optional[_FunctionGuards]] = {}

    def narrowed_class(self, read: cst.BaseExpression, scope: Scope
                       ) -> Optional[cst.BaseExpression]:
        """The class expression `read` (a name or dotted chain, read in `scope`) is narrowed
        to by an isinstance guard of its function; evaluate it in `scope`."""
        function = scope.function
        if function is None or not isinstance(function.node, cst.FunctionDef):
            return None
        key = dotted_name(read)
        if key is None:
            return None
        if id(function) not in self._functions:
            self._functions[id(function)] = _FunctionGuards(function.node.body) \
                if "isinstance" in function.loads else None
        guards = self._functions[id(function)]
        return guards.narrowed(read, key) if guards is not None else None
