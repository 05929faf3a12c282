"""Module summaries kept on disk between flake8 runs.

An editor starts a new flake8 process on every save, so the per-process cache of `modules.py`
starts empty each time and every other module the linted file reaches is parsed again. This
cache keeps each summary in a file of its own, keyed by the module's path, size and mtime, the
summary format (`FORMAT_VERSION`) and the plugin's version, in a directory per Python version
(a module's summary depends on what that Python's `ast` can parse).

Where, as ruff's `.ruff_cache` and mypy's `.mypy_cache`: `.flake8_asyncio_gotchas_cache` in
the linted file's project root (the nearest directory with pyproject.toml, setup.cfg or
setup.py; the current directory when there is none), holding a CACHEDIR.TAG and a .gitignore of
`*`. `--asyncio-cache-dir` or the FLAKE8_ASYNCIO_GOTCHAS_CACHE_DIR environment variable (which
wins) moves it, or turns it off with `none`.

Never raises and never blocks a run: a missing, unwritable or read-only directory leaves the
per-process cache alone; an unreadable, corrupt or stale file is ignored and rewritten. Writers
write a temporary file then `os.replace` it, so `flake8 -j`'s workers never read a half-written
file. Reading never runs code: only the summary classes of `TRUSTED_MODULES` may be built from
a file (a pickle could otherwise name any callable, and a cache directory can come with a
checked-out repository).
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
from typing import Any, Dict, Optional, Tuple

from . import __version__

# Bump when what a summary holds changes (a field added, renamed or meaning something else):
# every file written under another number is then ignored and rewritten.
FORMAT_VERSION = 6
DIRNAME = ".flake8_asyncio_gotchas_cache"
ENV_VAR = "FLAKE8_ASYNCIO_GOTCHAS_CACHE_DIR"
OFF = "none"
# The only modules whose classes a cache file may name (the summary classes live there).
TRUSTED_MODULES = frozenset({"flake8_asyncio_gotchas.modules"})

LOG = logging.getLogger("flake8.asyncio_gotchas")

_CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                 "# This file is a cache directory tag created by flake8-asyncio-gotchas.\n"
                 "# For information about cache directory tags see https://bford.info/cachedir/\n")
_PYTHON = "py%d.%d" % sys.version_info[:2]

Key = Tuple[int, int]          # (mtime in ns, size) of the summarised module


class _SummaryUnpickler(pickle.Unpickler):
    """Builds only classes of the trusted modules: no function of a crafted file ever runs."""

    def find_class(self, module: str, name: str) -> Any:
        if module in TRUSTED_MODULES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError("%s.%s is not a summary class" % (module, name))


def dumps(header: Tuple[Any, ...], summary: object) -> bytes:
    return pickle.dumps((header, summary), protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    return _SummaryUnpickler(io.BytesIO(data)).load()


class SummaryCache:
    """One cache directory: a file per summarised module, named by a hash of its path."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.entries = os.path.join(directory, _PYTHON)
        self.writable: Optional[bool] = None      # unknown until the first write

    def _header(self, path: str, key: Key) -> Tuple[Any, ...]:
        return (FORMAT_VERSION, __version__, path, key[0], key[1])

    def _entry(self, path: str) -> str:
        digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return os.path.join(self.entries, digest)

    def read(self, path: str, key: Key) -> Optional[Any]:
        """The summary stored for `path` at `key`; None when there is none (or it is unusable)."""
        try:
            with open(self._entry(path), "rb") as stream:
                header, summary = loads(stream.read())
        except FileNotFoundError:
            return None
        except Exception as error:     # corrupt, truncated, another format: rewritten later
            LOG.debug("summary cache: ignoring the entry of %s: %r", path, error)
            return None
        return summary if header == self._header(path, key) else None

    def write(self, path: str, key: Key, summary: object) -> None:
        """Store `summary`; silently nothing when the directory cannot be written."""
        if self.writable is False:
            return
        try:
            data = dumps(self._header(path, key), summary)
            if self.writable is None:
                self._create()
                self.writable = True
            _write_atomically(self._entry(path), data)
        except Exception as error:    # read-only, full, permissions, unpicklable summary...
            LOG.debug("summary cache: not writing %s: %r", self.directory, error)
            if self.writable is None:
                self.writable = False

    def _create(self) -> None:
        os.makedirs(self.entries, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _CACHEDIR_TAG), (".gitignore", "*\n")):
            target = os.path.join(self.directory, name)
            if not os.path.exists(target):
                _write_atomically(target, text.encode("ascii"))


def _write_atomically(target: str, data: bytes) -> None:
    """Readers see the old file or the whole new one, never part of it (same directory)."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


_setting = ""                               # --asyncio-cache-dir, as last configured
_caches: Dict[str, Optional[SummaryCache]] = {}


def configure(setting: str) -> None:
    """Take the value of `--asyncio-cache-dir` ("" for the default place)."""
    global _setting
    _setting = setting


def cache_for(project_root: Optional[str]) -> Optional[SummaryCache]:
    """The cache for files of the project at `project_root`; None when turned off."""
    setting = os.environ.get(ENV_VAR) or _setting
    if setting.strip().lower() == OFF:
        return None
    if setting:
        directory = os.path.abspath(os.path.expanduser(setting))
    else:
        try:
            directory = os.path.join(project_root or os.getcwd(), DIRNAME)
        except OSError:                    # the current directory was removed
            return None
    if directory not in _caches:
        _caches[directory] = SummaryCache(directory)
    return _caches[directory]
