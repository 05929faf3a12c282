"""Method resolution order: the order Python (and a type checker) looks a method up in.

`class AsyncStore(Store, AsyncMixin)` where `Store(Mixin)` and `AsyncMixin(Mixin)`: the MRO is
AsyncStore, Store, AsyncMixin, Mixin, so `self.save()` finds `AsyncMixin.save` (an `async def`)
before `Mixin.save`, which a depth-first walk of the bases would find first. Classes are named by
any key (`index.py` and `modules.py` use type names); `bases_of` gives a class's bases in order,
or None when they cannot be read: such a class is a leaf here, and whoever walks the order stops
at it (it may define anything).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

# Classes in one hierarchy, at most: deeper or wider ones are not linearized.
_MAX_CLASSES = 64

BasesOf = Callable[[str], Optional[Sequence[str]]]


def linearize(cls: str, bases_of: BasesOf, memo: Dict[str, Optional[List[str]]],
              depth: int = 0) -> Optional[List[str]]:
    """The C3 linearization of `cls` (itself first); None when Python would refuse the class
    (an inconsistent order, a cycle) or the hierarchy is too big or deep. Kept in `memo`."""
    if cls in memo:
        return memo[cls]
    if depth > _MAX_CLASSES:
        return None                         # not kept: shallower askers may still answer
    memo[cls] = None                        # in progress: a cycle back here finds None
    bases = bases_of(cls)
    found: Optional[List[str]] = [cls]
    if bases:
        if len(set(bases)) != len(bases):
            found = None                    # `class A(B, B)` is a TypeError
        else:
            orders = [linearize(base, bases_of, memo, depth + 1) for base in bases]
            merged = _merge([list(order) for order in orders if order is not None]
                            + [list(bases)]) if None not in orders else None
            found = [cls] + merged if merged is not None else None
    if found is not None and len(found) > _MAX_CLASSES:
        found = None
    memo[cls] = found
    return found


def _merge(orders: List[List[str]]) -> Optional[List[str]]:
    """C3's merge: repeatedly take the first head that is in no other order's tail."""
    result: List[str] = []
    orders = [order for order in orders if order]
    while orders:
        for order in orders:
            head = order[0]
            if not any(head in other[1:] for other in orders):
                break
        else:
            return None
        result.append(head)
        orders = [order[1:] if order[0] == head else order for order in orders]
        orders = [order for order in orders if order]
        if len(result) > _MAX_CLASSES:
            return None
    return result
