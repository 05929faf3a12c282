"""CPU-heavy calls and state queries, for the AIO3xx rules.

Names are qualified as `names.Resolver.qualname` spells them; a method after the type of its
object (`argon2.PasswordHasher.hash` for `PasswordHasher().hash(pw)`).
"""
from __future__ import annotations

from typing import Dict, FrozenSet, Tuple

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
    # Serialisation and parsing: each call walks its whole input.
    "json.loads", "json.dumps", "json.load", "json.dump",
    "pickle.loads", "pickle.dumps", "pickle.load", "pickle.dump",
    "marshal.loads", "marshal.dumps",
    "xml.etree.ElementTree.fromstring", "xml.etree.ElementTree.parse",
    "xml.etree.ElementTree.XML", "xml.etree.ElementTree.tostring",
    "xml.dom.minidom.parse", "xml.dom.minidom.parseString",
    "lxml.etree.fromstring", "lxml.etree.parse",
    # Regular expressions: each search goes over its whole input (and may backtrack). Per
    # line of data already fetched that is the linear cost of the data; in a loop judged long
    # (a large or unbounded count of records) it holds the loop. `re.compile` itself is once.
    "re.search", "re.match", "re.fullmatch", "re.findall", "re.finditer", "re.sub",
    "re.subn", "re.split", "re.compile.",
    # Numeric work over whole arrays or samples.
    "statistics.", "numpy.linalg.", "numpy.fft.",
)

# Calls that are slow even once: key derivation and password hashing take 0.05-1 s of CPU by
# design (that is their protection against guessing). AIO302 reports each one in async def.
SLOW_CALLS: FrozenSet[str] = frozenset({
    "hashlib.pbkdf2_hmac", "hashlib.scrypt",
    "bcrypt.hashpw", "bcrypt.checkpw", "bcrypt.kdf",
    "scrypt.hash", "scrypt.encrypt", "scrypt.decrypt",
    "argon2.PasswordHasher.hash", "argon2.PasswordHasher.verify",
    "argon2.hash_password", "argon2.hash_password_raw", "argon2.verify_password",
    "argon2.low_level.hash_secret", "argon2.low_level.hash_secret_raw",
    "argon2.low_level.verify_secret",
    "cryptography.hazmat.primitives.kdf.scrypt.Scrypt.derive",
    "cryptography.hazmat.primitives.kdf.scrypt.Scrypt.verify",
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC.derive",
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC.verify",
    "cryptography.hazmat.primitives.kdf.argon2.Argon2id.derive",
    "cryptography.hazmat.primitives.kdf.argon2.Argon2id.verify",
    "nacl.pwhash.str", "nacl.pwhash.verify", "nacl.pwhash.kdf_scryptsalsa208sha256",
    "nacl.pwhash.argon2id.str", "nacl.pwhash.argon2id.verify", "nacl.pwhash.argon2id.kdf",
    "nacl.pwhash.argon2i.str", "nacl.pwhash.argon2i.verify", "nacl.pwhash.argon2i.kdf",
    "nacl.pwhash.scrypt.str", "nacl.pwhash.scrypt.verify", "nacl.pwhash.scrypt.kdf",
    "Crypto.Protocol.KDF.PBKDF2", "Crypto.Protocol.KDF.scrypt", "Crypto.Protocol.KDF.bcrypt",
    "Crypto.Protocol.KDF.bcrypt_check",
    "werkzeug.security.generate_password_hash", "werkzeug.security.check_password_hash",
    "django.contrib.auth.hashers.make_password", "django.contrib.auth.hashers.check_password",
})

# passlib names its schemes (`passlib.hash.bcrypt`, `passlib.context.CryptContext`): any
# object under these packages, through these methods.
SLOW_METHODS: Dict[str, FrozenSet[str]] = {
    "passlib.": frozenset({"hash", "verify", "encrypt", "genhash", "verify_and_update"}),
}

# Arguments that make a slow call quick: `pbkdf2_hmac(name, password, salt, 1)` with a literal
# iteration count at most `QUICK_ROUNDS` (a primitive in someone's own loop; AIO300's business).
ROUNDS_ARGUMENT: Dict[str, Tuple[str, int]] = {"hashlib.pbkdf2_hmac": ("iterations", 3)}
QUICK_ROUNDS = 1000

# Builtins that go over a whole collection: called on a slice of the data a loop goes over
# (`sum(prices[i - window:i])`), inside that loop, they make it quadratic. (On the whole data,
# `rows.index(row)`, `max(widths)`, they are how code is written for short lists: not counted.)
AGGREGATES: FrozenSet[str] = frozenset({
    "sum", "min", "max", "sorted", "any", "all", "list", "tuple", "set", "frozenset", "dict",
    "collections.Counter", "statistics.mean", "statistics.median", "statistics.stdev",
    "statistics.pstdev", "statistics.variance", "statistics.fmean",
})
# Wrappers that go over the collection they are given, in order: `enumerate(rows)` is `rows`.
ITERATION_WRAPPERS: FrozenSet[str] = frozenset({
    "enumerate", "reversed", "sorted", "list", "tuple", "iter", "zip",
})

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
# Calls that change no program state either, whatever they are given: sleeping the thread
# and writing logs (a logger made by `logging.getLogger()` is "logging.getLogger").
INERT_CALLS: FrozenSet[str] = frozenset({"time.sleep"})
INERT_PREFIXES: Tuple[str, ...] = ("logging.", "loguru.logger.", "structlog.")

# What starts threads: a module that does may have a thread change the state a loop reads.
THREAD_STARTERS: FrozenSet[str] = frozenset({
    "threading.Thread", "threading.Timer", "_thread.start_new_thread", "asyncio.to_thread",
    "concurrent.futures.ThreadPoolExecutor",
})
THREAD_STARTER_METHODS: FrozenSet[str] = frozenset({"run_in_executor", "start_new_thread"})
# A module importing one of these may start threads (AIO301 then stays quiet for loops whose
# body calls anything a thread could be changing state through).
THREAD_MODULES: Tuple[str, ...] = ("threading", "_thread", "concurrent.futures")

# Dict methods whose result a loop goes through as it goes through the dict (`rows.items()`).
DICT_VIEWS = frozenset({"items", "keys", "values"})
