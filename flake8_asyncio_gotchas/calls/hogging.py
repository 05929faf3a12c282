"""CPU-heavy calls and state queries, for the loop rules (AIO3xx)."""
from __future__ import annotations

from typing import FrozenSet, Tuple

# Calls that burn CPU in proportion to their input, never yielding: a long loop making them is
# the notebook's `calculate()`. Matched as a qualified name or as a prefix ending in ".", so
# that methods of objects the modules make count too (`h = hashlib.sha256(); h.digest()`
# resolves to "hashlib.sha256.digest").
HEAVY_CALL_PREFIXES: Tuple[str, ...] = (
    "hashlib.",
    "hmac.",
    "zlib.",
    "bz2.",
    "lzma.",
    "gzip.compress",
    "gzip.decompress",
    "bcrypt.",
    "scrypt.",
    "argon2.",
)

# Calls in a `while` condition that only read the state of an asyncio object: a loop that does
# not let the event loop run cannot see them change (AIO301).
STATE_QUERIES: FrozenSet[str] = frozenset({
    "is_set", "done", "cancelled", "locked", "empty", "full", "qsize", "is_closing",
})

# Objects whose state another thread changes: spinning on them is slow, not endless.
THREAD_SHARED_PREFIXES: Tuple[str, ...] = (
    "threading.", "concurrent.futures.", "queue.", "multiprocessing.",
)

# Builtins a busy-wait body may call without changing any state its condition reads.
PURE_BUILTINS: FrozenSet[str] = frozenset({
    "print", "len", "repr", "str", "format", "isinstance", "id", "hash", "bool", "int",
})
