"""The cross-module coroutine index: modules found on disk, summarised, cached, never run."""
from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Dict, List

from flake8_asyncio_gotchas import modules
from flake8_asyncio_gotchas.engine import check_source
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options

SETTINGS = {option.dest: option.parse(option.default) for option in all_options()}

SERVICE = "async def fetch(url):\n    return url\n\n\ndef fetch_sync(url):\n    return url\n"
HANDLER = ("from pkg.service import fetch\n\n\n"
           "async def main():\n"
           "    fetch('/a')\n")


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def codes(source: str, filename: str) -> List[str]:
    findings = check_source(source, filename, ALL_RULES, SETTINGS)
    return [code for _line, _col, code, _message in findings]


def test_absolute_import_from_the_package_root(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/service.py": SERVICE})
    assert codes(HANDLER, str(tmp_path / "pkg" / "handler.py")) == ["AIO100"]


def test_src_layout_from_a_tests_directory(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "src/pkg/__init__.py": "",
                     "src/pkg/service.py": SERVICE, "tests/test_handler.py": HANDLER})
    assert codes(HANDLER, str(tmp_path / "tests" / "test_handler.py")) == ["AIO100"]


def test_namespace_portion_inside_a_package(tmp_path: Path) -> None:
    # twitchio's layout: `pkg/ext/` has no __init__.py (a PEP 420 namespace portion) and holds
    # the regular package `plugin/`, whose modules import `pkg.service` absolutely.
    write(tmp_path, {"pkg/__init__.py": "", "pkg/service.py": SERVICE,
                     "pkg/ext/plugin/__init__.py": ""})
    assert codes(HANDLER, str(tmp_path / "pkg" / "ext" / "plugin" / "handler.py")) == ["AIO100"]
    assert codes(HANDLER, str(tmp_path / "pkg" / "ext" / "handler.py")) == ["AIO100"]


def test_no_package_above_a_plain_directory(tmp_path: Path) -> None:
    # The same tree without `pkg/__init__.py` above `ext/`: nothing says `pkg` is importable
    # from there, and three plain directories up is no namespace portion either.
    write(tmp_path, {"pkg/service.py": SERVICE, "pkg/ext/plugin/__init__.py": ""})
    assert codes(HANDLER, str(tmp_path / "pkg" / "ext" / "plugin" / "handler.py")) == []
    write(tmp_path, {"top/__init__.py": "", "top/pkg/__init__.py": "",
                     "top/pkg/service.py": SERVICE, "top/a/b/c/plugin/__init__.py": ""})
    assert codes(HANDLER.replace("pkg.", "top.pkg."),
                 str(tmp_path / "top" / "a" / "b" / "c" / "plugin" / "handler.py")) == []


def test_stdin_knows_only_the_same_module(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/service.py": SERVICE})
    assert codes(HANDLER, "stdin") == []
    assert codes(HANDLER, "-") == []


def test_stdin_display_name_that_is_a_real_path(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/service.py": SERVICE})
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        # `flake8 --stdin-display-name=pkg/handler.py -`: resolved from the current directory.
        assert codes(HANDLER, os.path.join("pkg", "handler.py")) == ["AIO100"]
    finally:
        os.chdir(old)


def test_sibling_module_of_a_script(tmp_path: Path) -> None:
    write(tmp_path, {"helpers.py": SERVICE})
    source = "from helpers import fetch, fetch_sync\n\nasync def main():\n    fetch(1)\n" \
             "    fetch_sync(2)\n"
    assert codes(source, str(tmp_path / "script.py")) == ["AIO100"]


def test_package_sibling_is_not_an_absolute_import(tmp_path: Path) -> None:
    # Inside a package, `import http` is the standard library, not pkg/http.py.
    write(tmp_path, {"pkg/__init__.py": "", "pkg/http.py": "async def get():\n    pass\n"})
    source = "import http\n\nasync def main():\n    http.get()\n"
    assert codes(source, str(tmp_path / "pkg" / "client.py")) == []


def test_other_modules_are_never_run(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "raise SystemExit('imported!')\n",
                     "pkg/service.py": "import sys\nsys.exit(3)\n" + SERVICE,
                     "pkg/broken.py": "async def fetch(:\n"})
    assert codes(HANDLER, str(tmp_path / "pkg" / "handler.py")) == ["AIO100"]
    source = "from .broken import fetch\n\nasync def main():\n    fetch()\n"
    assert codes(source, str(tmp_path / "pkg" / "other.py")) == []


def test_reexport_cycles_and_climbing_too_far_end(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "from .a import fetch\n",
                     "pkg/a.py": "from .b import fetch\n",
                     "pkg/b.py": "from .a import fetch\nfrom . import *\n"})
    source = ("from pkg import fetch\nfrom ....... import nothing\n\n"
              "async def main():\n    fetch()\n    nothing()\n")
    assert codes(source, str(tmp_path / "pkg" / "handler.py")) == []


def test_summaries_are_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "service.py"
    path.write_text(SERVICE, encoding="utf-8")
    first = modules.load_summary(str(path))
    assert first is not None and first.functions == {"fetch": True, "fetch_sync": False}
    assert modules.load_summary(str(path)) is first
    path.write_text("def fetch(url):\n    return url\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = modules.load_summary(str(path))
    assert second is not first and second is not None
    assert second.functions == {"fetch": False}


def test_summary_of_classes_and_decorators() -> None:
    source = ("import functools\nfrom abc import abstractmethod\nfrom .base import Base\n\n"
              "class Client(Base):\n"
              "    async def get(self): ...\n"
              "    @abstractmethod\n    async def close(self): ...\n"
              "    @functools.lru_cache\n    async def cached(self): ...\n"
              "    @retry\n    async def retried(self): ...\n"
              "    async def stream(self):\n        yield 1\n"
              "    def sync(self): ...\n")
    summary = modules.summarize(source, "client.py")
    methods = summary.classes["Client"].methods
    assert methods == {"get": True, "close": True, "cached": True, "retried": False,
                       "stream": False, "sync": False}
    assert summary.classes["Client"].bases == ["Base"]
    assert summary.imports["Base"] == ".base.Base"


def test_summaries_peel_the_typing_wrappers_by_their_last_name() -> None:
    """`calls/coroutines.py` owns the wrapper names; summaries read them as written."""
    def text(annotation: str) -> object:
        return modules._annotation_text(ast.parse(annotation, mode="eval").body)

    for wrapper in ("Optional", "typing.ClassVar", "Final", "t.Annotated", "Required",
                    "NotRequired", "typing_extensions.ReadOnly"):
        assert text("%s[pkg.Client, 'x']" % wrapper) == "pkg.Client", wrapper
    assert text("Union[None, pkg.Client]") == text("t.Union[pkg.Client, None]") == "pkg.Client"
    assert text("Union[pkg.Client, pkg.Other]") is None
    assert text("Mapping[pkg.Client, None]") == "Mapping"
    assert text("Self[pkg.Client]") == "Self"
