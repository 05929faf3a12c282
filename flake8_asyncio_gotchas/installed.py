"""Where the third-party packages of the environment running flake8 are installed.

`modules.py` reads them as source, as it reads first-party modules: a project class whose base
comes from an installed package, or an imported coroutine function of one, is known the same
way. Never imported. The standard library is not looked up here: its coroutine functions are
catalogued as data (`calls/`), and a package that shadows a standard module name in
site-packages is never the one Python imports.
"""
from __future__ import annotations

import os
import sys
import sysconfig
from typing import Dict, FrozenSet, List, Optional, Tuple

_SITE_DIRNAMES = ("site-packages", "dist-packages")
_site_cache: Dict[Tuple[str, ...], Tuple[str, ...]] = {}
_stdlib: Optional[FrozenSet[str]] = None


def site_directories() -> Tuple[str, ...]:
    """The site-packages / dist-packages directories of `sys.path`, then sysconfig's
    purelib and platlib, in that order, each once (per `sys.path`, cached per process)."""
    key = tuple(sys.path)
    cached = _site_cache.get(key)
    if cached is not None:
        return cached
    found: List[str] = []
    candidates = [entry for entry in key
                  if entry and os.path.basename(os.path.normpath(entry)) in _SITE_DIRNAMES]
    paths = sysconfig.get_paths()
    candidates.extend(paths[name] for name in ("purelib", "platlib") if name in paths)
    for entry in candidates:
        directory = os.path.abspath(entry)
        if directory not in found and os.path.isdir(directory):
            found.append(directory)
    _site_cache[key] = tuple(found)
    return _site_cache[key]


def is_stdlib(top: str) -> bool:
    """Whether `top` is the name of a top-level module of the standard library."""
    global _stdlib
    if _stdlib is None:
        _stdlib = frozenset(getattr(sys, "stdlib_module_names", ()) or _stdlib_listing())
    return top in _stdlib


def _stdlib_listing() -> FrozenSet[str]:
    """Python 3.9 has no `sys.stdlib_module_names`: the stdlib directories' contents."""
    names = set(sys.builtin_module_names)
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib"):
        directory = paths.get(key)
        for sub in (directory, os.path.join(directory, "lib-dynload")) if directory else ():
            try:
                entries = os.listdir(sub)
            except OSError:
                continue
            names.update(entry.split(".")[0] for entry in entries
                         if entry.isidentifier() or entry.endswith((".py", ".so", ".pyd")))
    return frozenset(names)
