"""Module summaries kept on disk between runs (summary_cache.py): read back without parsing,
rewritten when the module changes, harmless when the directory is unusable or a file corrupt,
whole under concurrent writers, and never a way to run code."""
from __future__ import annotations

import ast
import errno
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from flake8_asyncio_gotchas import modules, summary_cache
from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {option.dest: option.parse(option.default) for option in all_options()}
SERVICE = ("async def fetch(url):\n    return url\n\n\n"
           "class Client:\n    async def get(self):\n        pass\n\n    def close(self):\n"
           "        pass\n")
HANDLER = ("from pkg.service import fetch, Client\n\n\n"
           "async def main(client: Client):\n"
           "    fetch('/a')\n")


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts as a new flake8 process would: nothing summarised, no cache chosen."""
    monkeypatch.delenv(summary_cache.ENV_VAR, raising=False)
    monkeypatch.setattr(modules, "_summaries", {})
    monkeypatch.setattr(summary_cache, "_caches", {})
    yield
    summary_cache.configure("")


def new_process() -> None:
    modules._summaries.clear()
    summary_cache._caches.clear()


def project(tmp_path: Path) -> Path:
    for name, text in {"pyproject.toml": "", "pkg/__init__.py": "",
                       "pkg/service.py": SERVICE, "pkg/handler.py": HANDLER}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "pkg" / "handler.py"


def codes(filename: Path, source: str = HANDLER, **settings: str) -> List[str]:
    found = check_source(source, str(filename), ALL_RULES, {**SETTINGS, **settings})
    return [code for _line, _col, code, _message in found]


def parses_of(monkeypatch: pytest.MonkeyPatch, source: str) -> List[int]:
    """A count of the `ast.parse` calls on `source`, kept up to date in the list returned."""
    calls = [0]
    real = ast.parse

    def counting(text: Any, *args: Any, **kwargs: Any) -> ast.AST:
        if text == source:
            calls[0] += 1
        return real(text, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    return calls


def state(value: Any) -> Any:
    """A summary as plain data, to compare two of them field by field (slots included)."""
    if isinstance(value, dict):
        return {key: state(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [state(item) for item in value]
    slots = [name for cls in type(value).__mro__ for name in getattr(cls, "__slots__", ())]
    if slots or hasattr(value, "__dict__"):
        fields = dict(getattr(value, "__dict__", {}))
        fields.update((name, getattr(value, name)) for name in slots if hasattr(value, name))
        return (type(value).__name__, state(fields))
    return value


def entry_files(cache_dir: Path) -> List[Path]:
    return [path for path in cache_dir.rglob("*") if path.is_file()
            and path.name not in ("CACHEDIR.TAG", ".gitignore")]


def test_default_place_is_the_project_root_tagged_and_ignored(tmp_path: Path) -> None:
    handler = project(tmp_path)
    assert codes(handler) == ["AIO100"]
    cache_dir = tmp_path / summary_cache.DIRNAME
    assert (cache_dir / ".gitignore").read_text() == "*\n"
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    service = str(tmp_path / "pkg" / "service.py")
    entry = summary_cache.SummaryCache(str(cache_dir))._entry(service)
    assert entry_files(cache_dir) == [Path(entry)]      # the one module handler.py imports
    assert Path(entry).parent.name == "py%d.%d" % sys.version_info[:2]


def test_second_run_reads_the_disk_and_parses_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    handler = project(tmp_path)
    parses = parses_of(monkeypatch, SERVICE)
    assert codes(handler) == ["AIO100"]
    assert parses[0] == 1                              # the first run parsed service.py
    first = state(modules._summaries[str(tmp_path / "pkg" / "service.py")][1])
    new_process()
    assert codes(handler) == ["AIO100"]
    assert parses[0] == 1                              # the second one read it from disk
    assert state(modules._summaries[str(tmp_path / "pkg" / "service.py")][1]) == first


def test_a_changed_module_is_summarised_again(tmp_path: Path) -> None:
    path = tmp_path / "service.py"
    path.write_text(SERVICE, encoding="utf-8")
    cache = summary_cache.SummaryCache(str(tmp_path / "cache"))
    first = modules.load_summary(str(path), cache)
    assert first is not None and first.functions == {"fetch": True}
    original = path.stat()

    # Same size, later mtime: `async def` became `def` (spaces keep the size).
    path.write_text(SERVICE.replace("async def fetch", "def" + " " * 7 + "fetch"),
                    encoding="utf-8")
    assert path.stat().st_size == original.st_size
    os.utime(path, ns=(original.st_atime_ns, original.st_mtime_ns + 10**9))
    new_process()
    changed = modules.load_summary(str(path), cache)
    assert changed is not None and changed.functions == {"fetch": False}

    # Other size, the original mtime again.
    path.write_text(SERVICE + "\n\nasync def more():\n    pass\n", encoding="utf-8")
    os.utime(path, ns=(original.st_atime_ns, original.st_mtime_ns))
    new_process()
    grown = modules.load_summary(str(path), cache)
    assert grown is not None and grown.functions == {"fetch": True, "more": True}


def test_the_option_and_the_environment_variable_move_or_disable_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    assert codes(handler, asyncio_cache_dir=str(elsewhere)) == ["AIO100"]
    assert entry_files(elsewhere) and not (tmp_path / summary_cache.DIRNAME).exists()

    new_process()
    monkeypatch.setenv(summary_cache.ENV_VAR, str(tmp_path / "from-env"))
    assert codes(handler, asyncio_cache_dir=str(elsewhere)) == ["AIO100"]
    assert entry_files(tmp_path / "from-env")        # the variable wins over the option

    for off in ({"asyncio_cache_dir": "none"}, {"asyncio_cache_dir": "NONE"}):
        new_process()
        monkeypatch.delenv(summary_cache.ENV_VAR, raising=False)
        assert codes(handler, **off) == ["AIO100"]
        assert not (tmp_path / summary_cache.DIRNAME).exists()
    new_process()
    monkeypatch.setenv(summary_cache.ENV_VAR, "none")
    assert codes(handler) == ["AIO100"]
    assert not (tmp_path / summary_cache.DIRNAME).exists()


def failing(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError(errno.EROFS, "Read-only file system")


@pytest.mark.parametrize("breakage", ["a file where the directory goes", "read-only",
                                      "read-only after it was made"])
def test_an_unwritable_cache_gives_the_same_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: str) -> None:
    handler = project(tmp_path)
    cache_dir = tmp_path / summary_cache.DIRNAME
    tries = [0]

    def counted_failure(*args: Any, **kwargs: Any) -> Any:
        tries[0] += 1
        return failing()

    if breakage == "a file where the directory goes":
        cache_dir.write_text("not a directory")
    elif breakage == "read-only":
        monkeypatch.setattr(summary_cache.os, "makedirs", counted_failure)
    else:
        cache_dir.mkdir()        # (root ignores permission bits: make every write fail)
        monkeypatch.setattr(summary_cache.tempfile, "mkstemp", counted_failure)
    for name in ("one", "two", "three"):
        (tmp_path / "pkg" / (name + ".py")).write_text(SERVICE, encoding="utf-8")
    source = HANDLER + "".join("    import pkg.%s\n    pkg.%s.fetch()\n" % (name, name)
                               for name in ("one", "two", "three"))
    for _run in range(2):
        new_process()
        assert codes(handler, source) == ["AIO100"] * 4
    assert tries[0] <= 2         # four modules, but given up after a process's first failure
    assert cache_dir.is_file() or not entry_files(cache_dir)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "another format",
                                    "another module's entry"])
def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "service.py"
    path.write_text(SERVICE, encoding="utf-8")
    cache = summary_cache.SummaryCache(str(tmp_path / "cache"))
    expected = state(modules.load_summary(str(path), cache))
    [entry] = entry_files(tmp_path / "cache")
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x80\x05garbage" * 10)
    elif damage == "truncated":
        entry.write_bytes(data[:len(data) // 2])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "another format":
        header, summary = summary_cache.loads(data)
        summary.functions["fetch"] = False
        entry.write_bytes(summary_cache.dumps((header[0] + 1,) + header[1:], summary))
    else:
        header, summary = summary_cache.loads(data)
        summary.functions["fetch"] = False
        entry.write_bytes(summary_cache.dumps(header[:2] + ("other.py",) + header[3:], summary))
    new_process()
    assert state(modules.load_summary(str(path), cache)) == expected
    new_process()        # rewritten: read back whole, and equal
    assert state(cache.read(str(path), (path.stat().st_mtime_ns, path.stat().st_size))) \
        == expected


class _Planted:
    """What a crafted cache file could hold: unpickling it would make a directory."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self) -> Any:
        return (os.mkdir, (self.target,))


def test_a_crafted_entry_runs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "service.py"
    path.write_text(SERVICE, encoding="utf-8")
    cache = summary_cache.SummaryCache(str(tmp_path / "cache"))
    expected = state(modules.load_summary(str(path), cache))
    [entry] = entry_files(tmp_path / "cache")
    header, _summary = summary_cache.loads(entry.read_bytes())
    marker = tmp_path / "planted"
    entry.write_bytes(pickle.dumps((header, _Planted(str(marker)))))
    new_process()
    assert state(modules.load_summary(str(path), cache)) == expected
    assert not marker.exists()


def test_every_fixture_summary_survives_the_round_trip() -> None:
    """What a summary can hold is stored and read back whole: a field of a type the reader
    refuses (a class outside TRUSTED_MODULES) would make every read a miss."""
    sources = sorted((ROOT / "fixtures").rglob("*.py")) + sorted(
        (ROOT / "flake8_asyncio_gotchas").rglob("*.py"))
    assert len(sources) > 50
    for source in sources:
        summary = modules.summarize(source.read_text(encoding="utf-8"), str(source))
        header = (summary_cache.FORMAT_VERSION, "0", str(source), 1, 2)
        read_back = summary_cache.loads(summary_cache.dumps(header, summary))
        assert state(read_back) == [list(header), state(summary)], source


WRITER = """
import sys
from flake8_asyncio_gotchas import modules, summary_cache
cache = summary_cache.SummaryCache(sys.argv[1])
source = open(sys.argv[2]).read()
small = modules.summarize("async def a():\\n    pass\\n", sys.argv[2])
big = modules.summarize(source, sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
for turn in range(int(sys.argv[3])):
    cache.write(sys.argv[2], (1, 2), big if turn % 2 else small)
"""


def test_concurrent_writers_leave_whole_entries(tmp_path: Path) -> None:
    """Two processes rewrite one entry, one small and one large summary in turn, while this
    one reads it: every read is a whole summary, and so is what is left."""
    module = ROOT / "flake8_asyncio_gotchas" / "names.py"       # a large summary
    cache_dir = tmp_path / "cache"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(cache_dir), str(module),
                                 "300"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    entry = summary_cache.SummaryCache(str(cache_dir))._entry(str(module))
    reads: Dict[str, int] = {"whole": 0}
    deadline = time.monotonic() + 60
    while any(writer.poll() is None for writer in writers) and time.monotonic() < deadline:
        try:
            with open(entry, "rb") as stream:
                data = stream.read()
        except FileNotFoundError:
            continue
        header, summary = summary_cache.loads(data)     # raises on a half-written file
        assert header[2] == str(module) and summary.path == str(module)
        reads["whole"] += 1
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    _header, summary = summary_cache.loads(Path(entry).read_bytes())
    assert summary.path == str(module)
    assert reads["whole"] > 0
    assert not [path for path in cache_dir.rglob(".tmp-*")]      # no temporary file left


def test_flake8_parallel_runs_share_one_cache(tmp_path: Path) -> None:
    """`flake8 -j2` twice over a package, the cache at its default place: same findings."""
    project(tmp_path)
    for name in ("a", "b", "c", "d"):
        (tmp_path / "pkg" / ("use_%s.py" % name)).write_text(HANDLER, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != summary_cache.ENV_VAR}
    runs = [subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "AIO",
                            "-j2", "pkg"], capture_output=True, text=True, cwd=str(tmp_path),
                           env=env, timeout=300) for _ in range(2)]
    assert runs[0].stderr == "" and runs[1].stderr == ""
    assert len(runs[0].stdout.splitlines()) == 5 and runs[0].stdout == runs[1].stdout
    assert entry_files(tmp_path / summary_cache.DIRNAME)


def test_git_sees_no_cache_file(tmp_path: Path) -> None:
    """A `flake8` run leaves the repository clean: the cache's own .gitignore says `*`."""
    handler = project(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    codes(handler)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, cwd=str(tmp_path), check=True)
    assert summary_cache.DIRNAME not in status.stdout
    assert "pkg/service.py" in status.stdout
