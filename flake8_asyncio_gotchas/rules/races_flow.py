"""Path-sensitive bookkeeping for AIO500, kept during the engine's single walk.

`PathFollower` follows each `async def` in source order for the rule that drives it (the rule's
own `visit_`/`leave_` methods call it, so that every node the rule listens to is written in the
rule): it keeps one `Frame` per async def being walked (nested ones stack), and a `Path`, the
state of the path being walked, which it forks at `if`/`try`/`match`/loops and merges where
they join. An `await`
in one branch and a write in the other are on no common path; an `await` in a branch and a
write after the join are. Loops are followed for one iteration (no loop-carried flow);
`return`, `raise`, `break` and `continue` end a path. The rule supplies what a lock is and
what forgetting a target means (`is_lock`, `forget`).
"""
from __future__ import annotations

from typing import (TYPE_CHECKING, Callable, Dict, FrozenSet, Iterable, List, Optional, Set,
                    Tuple, Union)

import libcst as cst

from ..names import Scope

if TYPE_CHECKING:
    from .base import Context

# fact id -> whether the value is that read's value unchanged (a copy, not a computation).
Taint = Dict[int, bool]


class Fact:
    """One read of a shared location."""

    __slots__ = ("key", "node", "locks")

    def __init__(self, key: str, node: cst.CSTNode, locks: FrozenSet[object]) -> None:
        self.key = key
        self.node = node
        self.locks = locks      # the locks held when it was read


class Path:
    """What is known at one point of one path through the function."""

    __slots__ = ("taint", "alive", "fresh", "staled_by", "fresh_keys", "dead")

    def __init__(self) -> None:
        self.taint: Dict[str, Taint] = {}   # local name -> the reads its value derives from
        self.alive: Set[int] = set()        # facts read on this path
        self.fresh: Set[int] = set()        # ...with no suspension since
        self.staled_by: Dict[int, cst.CSTNode] = {}   # the others: the first suspension after
        self.fresh_keys: Set[str] = set()   # locations read since the last suspension
        self.dead = False                   # after return/raise/break/continue

    def copy(self) -> "Path":
        other = Path()
        other.taint = dict(self.taint)      # inner dicts are replaced, never changed in place
        other.alive = set(self.alive)
        other.fresh = set(self.fresh)
        other.staled_by = dict(self.staled_by)
        other.fresh_keys = set(self.fresh_keys)
        other.dead = self.dead
        return other


def merge(paths: Iterable[Path]) -> Path:
    """The state where paths join: a read is stale if it is stale on any path."""
    every = list(paths)
    live = [path for path in every if not path.dead]
    if len(live) <= 1:
        return (live or every)[0].copy()
    merged = Path()
    stale: Set[int] = set()
    # Read again since the last suspension only if so on every path.
    merged.fresh_keys = set.intersection(*(path.fresh_keys for path in live))
    for path in live:
        merged.alive |= path.alive
        stale |= path.alive - path.fresh
        for fact, suspension in path.staled_by.items():
            merged.staled_by.setdefault(fact, suspension)
        for name, taint in path.taint.items():
            known = merged.taint.get(name)
            if known is None:
                merged.taint[name] = taint
            else:
                joined = dict(known)
                for fact, exact in taint.items():
                    joined[fact] = joined.get(fact, True) and exact
                merged.taint[name] = joined
    merged.fresh = merged.alive - stale
    return merged


class Frame:
    """Per async def: its facts, the current path, and the branches it is inside."""

    def __init__(self, node: cst.FunctionDef, scope: Scope) -> None:
        self.node = node
        self.scope = scope
        self.path = Path()
        self.facts: List[Fact] = []
        # Values being computed, each with the call depth it was opened at: what is read
        # inside a call (other than a few builtins) does not flow into its result.
        self.collectors: List[Tuple[int, Set[int]]] = []
        self.calls = 0                           # depth of calls that stop the flow
        self.barriers: Set[int] = set()          # ids of those calls
        self.held: List[object] = []             # locks held now
        self.not_loads: Set[int] = set()         # ids of Name/Attribute/Subscript not read
        self.branches: Dict[int, dict] = {}      # id(If/Try/Match) -> its saved paths
        self.loops: List[dict] = []
        self.shared_roots: Dict[str, bool] = {}


def open_value(frame: Frame) -> Set[int]:
    """Start collecting the reads a value is computed from."""
    collected: Set[int] = set()
    frame.collectors.append((frame.calls, collected))
    return collected


def sinks(frame: Frame) -> List[Set[int]]:
    """The values being computed that what is read here flows into."""
    return [collected for depth, collected in frame.collectors if depth == frame.calls]


class PathFollower:
    """Keeps `frames[-1].path` current; its methods are named after the node events that
    call them. See the module doc."""

    def __init__(self, ctx: "Context", is_lock: Callable[[cst.BaseExpression], bool],
                 forget: Callable[[Frame, cst.BaseExpression], None]) -> None:
        self.ctx = ctx
        self.is_lock = is_lock
        self.forget = forget
        self.frames: List[Frame] = []

    # -- frames ------------------------------------------------------------------------------

    def enter_function(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is not None:
            scope = self.ctx.names.scope_of.get(node)
            if scope is not None:
                self.frames.append(Frame(node, scope))

    def leave_function(self, node: cst.FunctionDef) -> None:
        if self.frames and self.frames[-1].node is node:
            self.frames.pop()

    def here(self) -> Optional[Frame]:
        """The frame of the async def the current node runs in directly, if any."""
        if not self.frames:
            return None
        frame = self.frames[-1]
        return frame if self.ctx.scope.function is frame.scope else None

    def suspend(self, frame: Frame, node: cst.CSTNode, releases_locks: bool = False) -> None:
        """`node` (an await, async for/with, yield) lets other tasks run."""
        path = frame.path
        held = set(frame.held)
        kept: Set[int] = set()
        if held and not releases_locks:
            kept = {fact for fact in path.fresh if frame.facts[fact].locks & held}
        for fact in path.fresh - kept:
            path.staled_by[fact] = node
        path.fresh = kept
        path.fresh_keys = set()

    # -- control flow ------------------------------------------------------------------------

    def enter_block(self, node: cst.BaseSuite) -> None:
        frame = self.here()
        owner = self.ctx.parent
        if frame is None or owner is None or getattr(owner, "body", None) is not node:
            return
        if isinstance(owner, (cst.If, cst.Try, cst.TryStar)):
            frame.branches[id(owner)] = {"entry": frame.path.copy(), "handler_ends": []}
        elif isinstance(owner, (cst.For, cst.While)):
            frame.loops.append({"entry": frame.path.copy(), "exits": [], "continues": []})
            if isinstance(owner, cst.For):
                self.forget(frame, owner.target)
                if owner.asynchronous is not None:
                    self.suspend(frame, owner)     # each iteration awaits __anext__()
        elif isinstance(owner, cst.With):
            if owner.asynchronous is not None:
                self.suspend(frame, owner)         # __aenter__(): acquiring may wait
            if any(self.is_lock(item.item) for item in owner.items):
                frame.held.append(id(owner))

    def leave_block(self, node: cst.BaseSuite) -> None:
        frame = self.here()
        owner = self.ctx.parent
        if frame is None or owner is None or getattr(owner, "body", None) is not node:
            return
        if isinstance(owner, cst.If):
            branch = frame.branches.get(id(owner))
            if branch is not None:
                branch["body_end"] = frame.path
                frame.path = branch["entry"]        # the else branch starts from the test
        elif isinstance(owner, (cst.Try, cst.TryStar)):
            branch = frame.branches.get(id(owner))
            if branch is not None:
                branch["body_end"] = branch["normal_end"] = frame.path
        elif isinstance(owner, (cst.For, cst.While)):
            if frame.loops:
                loop = frame.loops[-1]
                # Zero or one iteration, or left by `continue`; `else:` runs after these.
                frame.path = merge([loop["entry"], frame.path] + loop["continues"])
        elif isinstance(owner, cst.With):
            if id(owner) in frame.held:
                frame.held.remove(id(owner))        # releasing a lock does not suspend
            elif owner.asynchronous is not None:
                self.suspend(frame, owner)         # __aexit__()

    def leave_if(self, node: cst.If) -> None:
        frame = self.here()
        branch = frame.branches.pop(id(node), None) if frame is not None else None
        if frame is not None and branch is not None and "body_end" in branch:
            frame.path = merge([frame.path, branch["body_end"]])

    def leave_for(self, node: cst.For) -> None:
        frame = self.here()
        if frame is not None and frame.loops:
            loop = frame.loops.pop()
            if node.asynchronous is not None:
                self.suspend(frame, node)          # the last __anext__() that ended it
            frame.path = merge([frame.path] + loop["exits"])

    def leave_while(self, node: cst.While) -> None:
        frame = self.here()
        if frame is not None and frame.loops:
            loop = frame.loops.pop()
            frame.path = merge([frame.path] + loop["exits"])

    def leave_break(self, node: cst.Break) -> None:
        frame = self.here()
        if frame is not None and frame.loops:
            frame.loops[-1]["exits"].append(frame.path.copy())
            frame.path.dead = True

    def leave_continue(self, node: cst.Continue) -> None:
        frame = self.here()
        if frame is not None and frame.loops:
            frame.loops[-1]["continues"].append(frame.path.copy())
            frame.path.dead = True

    def end_path(self) -> None:
        frame = self.here()
        if frame is not None:
            frame.path.dead = True

    def _try_branch(self, frame: Optional[Frame]) -> Optional[dict]:
        owner = self.ctx.parent
        if frame is None or not isinstance(owner, (cst.Try, cst.TryStar)):
            return None
        return frame.branches.get(id(owner))

    def enter_handler(self, node: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> None:
        frame = self.here()
        branch = self._try_branch(frame)
        if frame is None or branch is None or "body_end" not in branch:
            return
        # The exception came from somewhere in the body: approximated by its start and end.
        frame.path = merge([branch["entry"], branch["body_end"]])
        if node.name is not None:
            self.forget(frame, node.name.name)

    def leave_handler(self) -> None:
        frame = self.here()
        branch = self._try_branch(frame)
        if frame is not None and branch is not None:
            branch["handler_ends"].append(frame.path)

    def enter_else(self, node: cst.Else) -> None:
        frame = self.here()
        branch = self._try_branch(frame)
        if frame is not None and branch is not None and "body_end" in branch:
            frame.path = branch["body_end"].copy()

    def leave_else(self, node: cst.Else) -> None:
        frame = self.here()
        branch = self._try_branch(frame)
        if frame is not None and branch is not None:
            branch["normal_end"] = frame.path

    def enter_finally(self, node: cst.Finally) -> None:
        frame = self.here()
        branch = self._try_branch(frame)
        if frame is not None and branch is not None:
            self._join_try(frame, branch)

    def leave_try(self, node: Union[cst.Try, cst.TryStar]) -> None:
        frame = self.here()
        branch = frame.branches.pop(id(node), None) if frame is not None else None
        if frame is not None and branch is not None and not branch.get("joined"):
            self._join_try(frame, branch)

    @staticmethod
    def _join_try(frame: Frame, branch: dict) -> None:
        if "normal_end" in branch:
            frame.path = merge([branch["normal_end"]] + branch["handler_ends"])
        branch["joined"] = True

    def enter_match_case(self, node: cst.MatchCase) -> None:
        frame = self.here()
        owner = self.ctx.parent
        if frame is None or owner is None:
            return
        branch = frame.branches.setdefault(id(owner), {"entry": frame.path.copy(), "ends": []})
        frame.path = branch["entry"].copy()

    def leave_match_case(self, node: cst.MatchCase) -> None:
        frame = self.here()
        owner = self.ctx.parent
        if frame is not None and owner is not None and id(owner) in frame.branches:
            frame.branches[id(owner)]["ends"].append(frame.path)

    def leave_match(self, node: cst.Match) -> None:
        frame = self.here()
        branch = frame.branches.pop(id(node), None) if frame is not None else None
        if frame is not None and branch is not None:
            frame.path = merge([branch["entry"]] + branch["ends"])
