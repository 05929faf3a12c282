"""Blocking calls that run once: a load memoised in an attribute, or the last steps of a
program that is exiting.

    if self.user_data is None:          # or `if not self.user_data:`, or the `else` of
        self.user_data = load(path)     # `if self.user_data:`
    return self.user_data

The load blocks the loop the first time only: the branch that reaches it sets the attribute
its test reads, so every later call takes the other branch. That is a one-time cost, like a
read at start-up, not a stall on every request; the blocking family does not report it.

The branch must set that same attribute itself (`self.x = ...`), or call a method of the same
class whose own body sets it (`self._load()` when `_load` assigns `self.x`). A guard that the
branch never sets (`if self.x is None: data = load()`), or a guard on another attribute than
the one set, runs the call every time and stays reported; so does a memo that another method
clears (`self._task = None` in `await_closed()`): the load runs again after each clear. With
a truthiness test (`if not self.x:`) the call runs again while the loaded value is empty; that
stays quiet too: the test says the author meant it to run once.

    except KeyboardInterrupt:
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        sys.exit(1)

An `except` clause or an `if` branch whose last statement ends the process (`sys.exit()`,
`os._exit()`, `raise SystemExit`) is the program's way out: nothing on the loop will run
again, so a clean-up call there holds nobody up. Only outside loops of that branch (a loop
before the exit may run for long), and never the function's own body (a coroutine whose
body ends in `sys.exit()` may run a long time before it gets there).
"""
from __future__ import annotations

from typing import Optional, Sequence, Set

import libcst as cst

from ..names import Resolver, Scope, self_class
from ..syntax import is_none
from ..walk import descendants


def runs_once(node: cst.CSTNode, ancestors: Sequence[cst.CSTNode], scope: Scope,
              names: Resolver) -> bool:
    """Whether `node` (a call or `with` item, its ancestors innermost last) runs only while an
    attribute of `self` is unset, on a branch that sets it (see the module docstring)."""
    child: cst.CSTNode = node
    in_loop = False
    branch: Optional[cst.CSTNode] = None    # the If/Else body suite the node is in
    for ancestor in reversed(ancestors):
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return False
        if isinstance(ancestor, (cst.For, cst.While)):
            in_loop = True
        if isinstance(ancestor, cst.IndentedBlock):
            branch = ancestor
            way_out = isinstance(_parent(ancestors, ancestor), _BRANCHES)
            if way_out and not in_loop and isinstance(child, cst.BaseStatement) \
                    and _exits(ancestor, child, names, scope):
                return True
        elif isinstance(ancestor, cst.If) and child is not ancestor.test:
            in_body = child is ancestor.body
            attribute = _unset_attribute(ancestor.test, in_body, scope)
            if attribute is not None and branch is not None \
                    and _sets(branch, attribute, scope, names) \
                    and not _unset_elsewhere(ancestor, attribute, scope, names):
                return True
        child = ancestor
    return False


def _unset_attribute(test: cst.BaseExpression, in_body: bool, scope: Scope) -> Optional[str]:
    """The name `x` when the branch runs only while `self.x` is unset: the body of
    `if self.x is None` / `if not self.x`, or the else of `if self.x` / `if self.x is not None`."""
    unset_when_true = True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, unset_when_true = test.expression, False
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
            and is_none(test.comparisons[0].comparator):
        operator = test.comparisons[0].operator
        if isinstance(operator, cst.IsNot):
            unset_when_true = not unset_when_true
        elif not isinstance(operator, cst.Is):
            return None
        test = test.left
    else:
        unset_when_true = not unset_when_true     # a bare `self.x` is set when true
    if unset_when_true != in_body:
        return None
    return _self_attribute(test, scope)


def _self_attribute(expr: cst.BaseExpression, scope: Scope) -> Optional[str]:
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) \
            and self_class(scope, expr.value.value) is not None:
        return expr.attr.value
    return None


def _sets(branch: cst.CSTNode, attribute: str, scope: Scope, names: Resolver) -> bool:
    """Whether the branch assigns `self.<attribute>`, or calls a method of the same class
    whose own body does."""
    for node in descendants(branch, into_scopes=False):
        if _assigns(node, attribute, scope):
            return True
        if isinstance(node, cst.Call) and _self_attribute(node.func, scope) is not None:
            method = names.definition(node.func, scope)
            body = names.scope_of.get(method) if isinstance(method, cst.FunctionDef) else None
            if body is not None and method is not None and any(
                    _assigns(inner, attribute, body)
                    for inner in descendants(method.body, into_scopes=False)):
                return True
    return False


def _called_methods(branch: cst.CSTNode, scope: Scope, names: Resolver) -> Set[cst.CSTNode]:
    return {method for node in descendants(branch, into_scopes=False)
            if isinstance(node, cst.Call) and _self_attribute(node.func, scope) is not None
            for method in (names.definition(node.func, scope),) if method is not None}


def _unset_elsewhere(guard: cst.If, attribute: str, scope: Scope, names: Resolver) -> bool:
    """Whether another method of the class sets `self.<attribute> = None` again (a memo that
    is cleared, as `await_closed()` clears `self._task`: the load then runs again). The
    constructor, and the methods the guard's branches call (the loaders, which may set
    `None` when there is nothing to load), do not count."""
    owner = self_class(scope, _self_name(scope))
    if owner is None or not isinstance(owner.node, cst.ClassDef):
        return False
    loaders = _called_methods(guard, scope, names)
    for statement in owner.node.body.body:
        if not isinstance(statement, cst.FunctionDef) or statement.name.value == "__init__" \
                or statement in loaders:
            continue
        params = statement.params.params
        if not params:
            continue
        receiver = params[0].name.value
        for node in descendants(statement.body):
            if isinstance(node, cst.Assign) and is_none(node.value) and any(
                    isinstance(target.target, cst.Attribute)
                    and isinstance(target.target.value, cst.Name)
                    and target.target.value.value == receiver
                    and target.target.attr.value == attribute for target in node.targets):
                return True
    return False


def _self_name(scope: Scope) -> str:
    """The first parameter's name of the method `scope` runs in ("self")."""
    function = scope.function
    if function is None or not isinstance(function.node, cst.FunctionDef):
        return ""
    params = function.node.params.params
    return params[0].name.value if params else ""


def _assigns(node: cst.CSTNode, attribute: str, scope: Scope) -> bool:
    if isinstance(node, cst.Assign):
        return any(_self_attribute(target.target, scope) == attribute
                   for target in node.targets)
    if isinstance(node, cst.AnnAssign) and node.value is not None:
        return _self_attribute(node.target, scope) == attribute
    return False


# Calls that end the process: after them nothing on the event loop runs again.
_EXITS = frozenset({"sys.exit", "os._exit", "exit", "quit"})
_EXIT_EXCEPTIONS = frozenset({"SystemExit", "builtins.SystemExit"})
# Blocks that are a branch of the code (an error path), not a function's own body.
_BRANCHES = (cst.ExceptHandler, cst.If, cst.Else)


def _parent(ancestors: Sequence[cst.CSTNode], node: cst.CSTNode) -> Optional[cst.CSTNode]:
    for index in range(len(ancestors) - 1, 0, -1):
        if ancestors[index] is node:
            return ancestors[index - 1]
    return None


def _exits(block: cst.IndentedBlock, statement: cst.BaseStatement, names: Resolver,
           scope: Scope) -> bool:
    """Whether `statement` comes before the block's last statement, which ends the process."""
    body = list(block.body)
    if not body or body[-1] is statement or not isinstance(body[-1], cst.SimpleStatementLine):
        return False
    last = body[-1].body[-1]
    if isinstance(last, cst.Raise):
        raised = last.exc.func if isinstance(last.exc, cst.Call) else last.exc
        return raised is not None and names.qualname(raised, scope) in _EXIT_EXCEPTIONS
    if isinstance(last, cst.Expr) and isinstance(last.value, cst.Call):
        return names.qualname(last.value.func, scope) in _EXITS
    return False
