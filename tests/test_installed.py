"""Installed third-party packages, read as source from a site-packages directory of `sys.path`
(never imported): their coroutine functions and the async methods of their base classes count
as a first-party module's would. Every package here lives in a fake site-packages directory
made for the test; nothing is installed."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from flake8_asyncio_gotchas import installed, modules
from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options

SETTINGS = {option.dest: option.parse(option.default) for option in all_options()}
SO = "cpython-%d%d-x86_64-linux-gnu.so" % sys.version_info[:2]

SITE: Dict[str, str] = {
    # A package that re-exports from its submodules, as most do.
    "fakelib/__init__.py": ("from .client import Base, Client, fetch, fetch_sync\n"
                            "from . import tools\n"),
    # `retry` returns whatever its registry holds: what it makes of `wrapped` is unknown.
    "fakelib/client.py": ("_RETRIED = {}\n\n\n"
                          "def retry(func):\n"
                          "    return _RETRIED.setdefault(func.__name__, func)\n\n\n"
                          "async def fetch(url):\n    return url\n\n\n"
                          "def fetch_sync(url):\n    return url\n\n\n"
                          "class Base:\n"
                          "    async def connect(self):\n        pass\n\n"
                          "    def close(self):\n        pass\n\n\n"
                          "class Client(Base):\n"
                          "    @retry\n"
                          "    async def wrapped(self):\n        pass\n"),
    "fakelib/tools.py": "async def sleep_a_bit():\n    pass\n",
    # Importing this package would stop the run: it must be read, never imported.
    "loud/__init__.py": "raise SystemExit('imported!')\n\n\nasync def ping():\n    pass\n",
    # Compiled: only an extension module, no source to read.
    "speedy/__init__.py": "",
    "speedy/_core." + SO: "\x7fELF not really",
    "cmod." + SO: "\x7fELF not really",
    # Unreadable as Python.
    "broken/__init__.py": "async def ping(:\n",
    # Stub-only: a `-stubs` package and a bare `.pyi` have no `.py` to read.
    "typed-stubs/__init__.pyi": "async def ping() -> None: ...\n",
    "stubbed/__init__.pyi": "async def ping() -> None: ...\n",
    # Shadows a standard library module: Python imports the standard one.
    "json/__init__.py": "async def dumps(value):\n    pass\n",
}

APP = '''\
import fakelib
import json
import loud
from fakelib import Base, Client, fetch, fetch_sync
from fakelib.tools import sleep_a_bit
from speedy._core import accelerate
from cmod import compiled
from broken import ping as broken_ping
from typed import ping as typed_ping
from stubbed import ping as stubbed_ping


class Connection(Base):
    async def open(self):
        self.connect()  # error: AIO100
        self.close()
        super().connect()  # error: AIO100


class Wrapped(Client):
    async def go(self):
        self.connect()  # error: AIO100
        self.wrapped()


async def main():
    fetch("/a")  # error: AIO100
    fakelib.fetch("/b")  # error: AIO100
    fakelib.tools.sleep_a_bit()  # error: AIO100
    sleep_a_bit()  # error: AIO100
    loud.ping()  # error: AIO100
    fetch_sync("/c")
    accelerate()
    compiled()
    broken_ping()
    typed_ping()
    stubbed_ping()
    json.dumps({})
'''


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def marked(source: str) -> Set[Tuple[int, str]]:
    return {(number, "AIO100") for number, line in enumerate(source.splitlines(), 1)
            if line.endswith("# error: AIO100")}


def found(source: str, filename: Path) -> Set[Tuple[int, str]]:
    return {(line, code) for line, _col, code, _message
            in check_source(source, str(filename), ALL_RULES, SETTINGS)}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "venv" / "lib" / "site-packages"
    write(directory, SITE)
    monkeypatch.setattr(sys, "path", sys.path + [str(directory)])
    return directory


def app(tmp_path: Path, source: str = APP, files: Dict[str, str] = {}) -> Path:
    write(tmp_path / "proj", {"pyproject.toml": "", "app.py": source, **files})
    return tmp_path / "proj" / "app.py"


def test_installed_coroutines_and_base_classes_are_known(tmp_path: Path, site: Path) -> None:
    assert found(APP, app(tmp_path)) == marked(APP)


def test_nothing_is_known_without_the_site_directory(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere" / "lib" / "site-packages", SITE)     # not on sys.path
    assert found(APP, app(tmp_path)) == set()


def test_dist_packages_directories_count_too(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "usr" / "lib" / "python3" / "dist-packages"
    write(directory, SITE)
    monkeypatch.setattr(sys, "path", sys.path + [str(directory)])
    assert str(directory) in installed.site_directories()
    assert found(APP, app(tmp_path)) == marked(APP)


def test_a_first_party_module_wins_over_an_installed_one(tmp_path: Path, site: Path) -> None:
    source = "from fakelib import fetch\n\n\nasync def main():\n    fetch('/a')\n"
    local = {"fakelib.py": "def fetch(url):\n    return url\n"}
    assert found(source, app(tmp_path, source, local)) == set()


def test_only_site_directories_are_searched(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain `sys.path` entry (the directory flake8 was started from, PYTHONPATH) is not an
    installed package's place: only site-packages / dist-packages and sysconfig's."""
    directory = tmp_path / "somewhere"
    write(directory, SITE)
    monkeypatch.setattr(sys, "path", sys.path + [str(directory)])
    assert str(directory) not in installed.site_directories()
    assert found(APP, app(tmp_path)) == set()


def test_the_standard_library_is_never_looked_up_there() -> None:
    assert installed.is_stdlib("json") and installed.is_stdlib("asyncio")
    assert not installed.is_stdlib("fakelib")
    assert modules._find_installed(["json", "dumps"]) is None


def test_the_standard_library_listing_of_python_3_9() -> None:
    """Without `sys.stdlib_module_names`, the names are read from the stdlib directories."""
    listed = installed._stdlib_listing()
    assert {"json", "asyncio", "os", "sys", "_asyncio", "collections"} <= listed
    assert "pytest" not in listed and "libcst" not in listed and "site-packages" not in listed


def test_a_module_path_is_found_once_per_process(tmp_path: Path, site: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = modules._find_installed(["fakelib", "client", "Base"])
    assert first == (str(site / "fakelib" / "client.py"), ["Base"])
    calls: List[str] = []
    monkeypatch.setattr(modules, "_find_module",
                        lambda base, *_args, **_kw: calls.append(base))
    assert modules._find_installed(["fakelib", "client", "Base"]) == first
    assert calls == []
