"""How a file refers to asyncio's names, and the imports and helpers a fix adds to it.

A fix asks `ref("sleep", scope)` for an expression that means `asyncio.sleep` where it is
written. Names the file already has are reused as they are spelled there (`sleep` after
`from asyncio import sleep`, `aio.sleep` after `import asyncio as aio`); otherwise one import
is added once, in the file's style: the name appended to a single-line `from asyncio import ...`
when the file imports that way and the name is free, else `import asyncio`. Module-level
helpers (`_aio_keep_task`...) are added once, after the imports, and never twice.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..names import Resolver, Scope
from ..walk import descendants

HELPER_MARK = "added by flake8-asyncio-gotchas fix"

# name -> (source, helpers it uses, asyncio names it uses). `{create_task}` is filled with
# the file's spelling of `asyncio.create_task`.
HELPERS: Dict[str, tuple] = {
    "_aio_observe": (
        "def _aio_observe(task):\n"
        "    \"\"\"Have the event loop report the task's exception as soon as the task fails\n"
        "    (%s).\"\"\"\n"
        "    def retrieve(done):\n"
        "        if not done.cancelled():\n"
        "            done.result()  # raised here, the loop logs it with its traceback\n"
        "    task.add_done_callback(retrieve)\n"
        "    return task\n" % HELPER_MARK, (), ()),
    "_aio_keep_task": (
        "_aio_background_tasks = set()  # tasks kept alive until done (%s)\n"
        "\n\n"
        "def _aio_keep_task(task):\n"
        "    \"\"\"Keep a reference to `task` until it is done, so that it is not\n"
        "    garbage-collected mid-flight, and report its exception (%s).\"\"\"\n"
        "    _aio_background_tasks.add(task)\n"
        "    task.add_done_callback(_aio_background_tasks.discard)\n"
        "    return _aio_observe(task)\n" % (HELPER_MARK, HELPER_MARK), ("_aio_observe",), ()),
    "_aio_schedule": (
        "def _aio_schedule(coroutine_function):\n"
        "    \"\"\"A plain callable that runs `coroutine_function` as a task, and keeps the task\n"
        "    (%s).\"\"\"\n"
        "    def schedule(*args, **kwargs):\n"
        "        return _aio_keep_task({create_task}(coroutine_function(*args, **kwargs)))\n"
        "    return schedule\n" % HELPER_MARK, ("_aio_keep_task",), ("create_task",)),
}


def _leading_imports_end(module: cst.Module) -> int:
    """The index in `module.body` just after the docstring and the imports that open it."""
    end = 0
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body
        if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            end = index + 1
        elif index == 0 and len(small) == 1 and isinstance(small[0], cst.Expr) \
                and isinstance(small[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            end = 1
        else:
            break
    return end


def _is_asyncio_from(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 \
        and isinstance(statement.body[0], cst.ImportFrom) \
        and not statement.body[0].relative \
        and isinstance(statement.body[0].module, cst.Name) \
        and statement.body[0].module.value == "asyncio" \
        and not isinstance(statement.body[0].names, cst.ImportStar)


class AsyncioNames:
    def __init__(self, module: cst.Module, resolver: Resolver) -> None:
        self.module = module
        self.resolver = resolver
        self.module_aliases: Set[str] = set()      # `import asyncio [as x]` anywhere
        self.from_names: Dict[str, str] = {}       # local name -> asyncio attribute
        self.used_names: Set[str] = set()
        # Names that bind nothing: `x.name`'s `name`, `from pkg.mod import`'s `pkg` and `mod`.
        not_bindings: Set[int] = set()
        for node in descendants(module):
            if isinstance(node, cst.Attribute):
                not_bindings.add(id(node.attr))
            elif isinstance(node, cst.ImportFrom) and node.module is not None:
                not_bindings.update(id(n) for n in descendants(node.module))
                not_bindings.add(id(node.module))
            if isinstance(node, cst.Name) and id(node) not in not_bindings:
                self.used_names.add(node.value)
            elif isinstance(node, cst.Import):
                for alias in node.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == "asyncio":
                        self.module_aliases.add(_alias_name(alias) or "asyncio")
            elif isinstance(node, cst.ImportFrom) and _is_asyncio_from_node(node):
                for alias in node.names:  # type: ignore[union-attr]
                    if isinstance(alias.name, cst.Name):
                        local = _alias_name(alias) or alias.name.value
                        self.from_names[local] = alias.name.value
        # The module-level `from asyncio import ...` a name may be appended to.
        self.from_statement: Optional[int] = next(
            (i for i, s in enumerate(module.body) if _is_asyncio_from(s)), None)
        self.add_import = False
        self.from_additions: List[str] = []
        self.helpers: List[str] = []
        self.defined = {s.name.value for s in module.body if isinstance(s, cst.FunctionDef)}

    def ref(self, attr: str, scope: Scope) -> Optional[cst.BaseExpression]:
        """An expression meaning `asyncio.<attr>` in `scope`, or None when the file's names
        leave no clean way to write one."""
        qualname = self.resolver.qualname
        wanted = "asyncio." + attr
        for local, imported in sorted(self.from_names.items()):
            if imported == attr and qualname(cst.Name(local), scope) == wanted:
                return cst.Name(local)
        for alias in sorted(self.module_aliases):
            if qualname(cst.Name(alias), scope) == "asyncio":
                return cst.Attribute(cst.Name(alias), cst.Name(attr))
        if attr in self.from_additions:
            return cst.Name(attr)
        asyncio_free = self.resolver.bindings("asyncio", scope) is None \
            and "asyncio" not in self.resolver.module_scope.bindings
        if self.add_import and asyncio_free:
            return cst.Attribute(cst.Name("asyncio"), cst.Name(attr))
        if self.from_statement is not None and not self.module_aliases \
                and attr not in self.used_names:
            self.from_additions.append(attr)
            return cst.Name(attr)
        if asyncio_free and "asyncio" not in self.used_names:
            self.add_import = True
            return cst.Attribute(cst.Name("asyncio"), cst.Name(attr))
        return None

    def checkpoint(self) -> Tuple[bool, List[str], List[str]]:
        """What is to be added so far, for `rollback` when a fix is not made after all."""
        return self.add_import, list(self.from_additions), list(self.helpers)

    def rollback(self, state: Tuple[bool, List[str], List[str]]) -> None:
        self.add_import, self.from_additions, self.helpers = state[0], list(state[1]), \
            list(state[2])

    def fresh_name(self, base: str) -> str:
        """A name the file uses nowhere, for a binding a fix introduces."""
        name = base
        while name in self.used_names:
            name += "_"
        self.used_names.add(name)
        return name

    def helper(self, name: str) -> Optional[cst.Name]:
        """A reference to the module-level helper `name`, added once."""
        if name in self.helpers or name in self.defined:
            return cst.Name(name)
        if name in self.used_names:        # the file has its own `name`: leave it alone
            return None
        _source, needs, asyncio_names = HELPERS[name]
        for needed in needs:
            if self.helper(needed) is None:
                return None
        for attr in asyncio_names:
            if self.ref(attr, self.resolver.module_scope) is None:
                return None
        self.helpers.append(name)
        return cst.Name(name)

    def finish(self, module: cst.Module) -> cst.Module:
        """`module` (the fixed tree) with the imports and helpers the fixes asked for."""
        body: List[cst.BaseStatement] = list(module.body)
        if self.from_additions:
            body = self._extend_from_import(body)
        insert_at = _leading_imports_end(module.with_changes(body=body))
        added: List[cst.BaseStatement] = []
        if self.add_import:
            added.append(cst.SimpleStatementLine(
                [cst.Import([cst.ImportAlias(cst.Name("asyncio"))])]))
        for name in self.helpers:
            source = HELPERS[name][0]
            if "{create_task}" in source:
                spelled = self.ref("create_task", self.resolver.module_scope)
                assert spelled is not None       # helper() asked for it before adding this one
                source = source.replace("{create_task}", module.code_for_node(spelled))
            statements = list(cst.parse_module(source).body)
            if insert_at or added:
                statements[0] = statements[0].with_changes(
                    leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
            added.extend(statements)
        body[insert_at:insert_at] = added
        return module.with_changes(body=body)

    def _extend_from_import(self, body: List[cst.BaseStatement]) -> List[cst.BaseStatement]:
        index = self.from_statement
        assert index is not None
        line = body[index]
        statement = line.body[0]  # type: ignore[attr-defined]
        names = list(statement.names)
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        new = [cst.ImportAlias(cst.Name(attr), comma=comma) for attr in self.from_additions]
        new[-1] = new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if statement.lpar is None:
            if not isinstance(names[-1].comma, cst.Comma):
                names[-1] = names[-1].with_changes(comma=comma)
            body[index] = line.with_changes(
                body=[statement.with_changes(names=names + new)])
        else:                              # a parenthesised list: a line of its own after it
            body.insert(index + 1, cst.SimpleStatementLine([cst.ImportFrom(
                module=cst.Name("asyncio"), names=new)]))
        return body


def _alias_name(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _is_asyncio_from_node(node: cst.ImportFrom) -> bool:
    return not node.relative and isinstance(node.module, cst.Name) \
        and node.module.value == "asyncio" and not isinstance(node.names, cst.ImportStar)
