"""Where a reported node sits in its file: its parents, its scope, whether `await` may go there.

The engine hands the fixer each finding's libcst node; these questions are about the node's
surroundings, which the finding does not carry. One parent map per file answers them all.
"""
from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from ..names import Resolver, Scope
from ..syntax import Parents, walk_with_parents

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


class Sites:
    def __init__(self, module: cst.Module, resolver: Resolver) -> None:
        self.module = module
        self.resolver = resolver
        self.parent: Parents = walk_with_parents(module)[1]

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        """The parents of `node`, innermost first."""
        current = self.parent.get(node)
        while current is not None:
            yield current
            current = self.parent.get(current)

    def _climb(self, node: cst.CSTNode) -> Iterator[tuple]:
        child = node
        for parent in self.ancestors(node):
            yield child, parent
            child = parent

    def scope(self, node: cst.CSTNode) -> Scope:
        """The scope `node` is evaluated in."""
        scope_of = self.resolver.scope_of
        for child, parent in self._climb(node):
            if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                if child is parent.body:
                    return scope_of.get(parent, self.resolver.module_scope)
            elif isinstance(parent, _COMPREHENSIONS) and parent in scope_of:
                return scope_of[parent]
        return self.resolver.module_scope

    def await_allowed(self, node: cst.CSTNode) -> bool:
        """Whether `await` written at `node` runs in the body of an `async def` (not in a
        lambda, a class body, a nested sync def, or a generator expression, where it would
        turn the generator into an async one)."""
        for child, parent in self._climb(node):
            if isinstance(parent, cst.GeneratorExp):
                return False
            if isinstance(parent, (cst.Lambda, cst.ClassDef)) and child is parent.body:
                return False
            if isinstance(parent, cst.FunctionDef) and child is parent.body:
                return parent.asynchronous is not None
        return False

    def runs_at_module_level(self, node: cst.CSTNode) -> bool:
        """Whether `node` runs when the module runs (not in any def, class, lambda or
        comprehension)."""
        for child, parent in self._climb(node):
            if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) \
                    and child is parent.body:
                return False
            if isinstance(parent, _COMPREHENSIONS):
                return False
        return True

    def up(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.parent.get(node)
