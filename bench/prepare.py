"""Fetch the pinned corpora and build the tools' virtual environments, all in a cache directory.

Everything lands outside the repo, under $FLAKE8_ASYNCIO_GOTCHAS_BENCH_CACHE (default
~/.cache/flake8-asyncio-gotchas-bench); both steps reuse what is already there.

Two corpora: `library` (bench/corpus.toml, the .py files of wheels, under corpus/) and
`applications` (bench/applications.toml, the .py files of sdists with their test suites,
under applications/).

    python bench/prepare.py                         # prepare all, print the library corpus
    python bench/prepare.py --corpus applications   # the same for the application corpus
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tokenize
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = Path(
    os.environ.get("FLAKE8_ASYNCIO_GOTCHAS_BENCH_CACHE")
    or Path.home() / ".cache" / "flake8-asyncio-gotchas-bench"
)
CORPUS_ROOT = CACHE / "corpus"  # the library corpus (run.py and robustness.py use only this one)


@dataclass(frozen=True)
class Corpus:
    name: str
    toml: str  # in bench/
    root: Path
    kind: str  # "wheel": its .py files; "sdist": its .py files, tests included


CORPORA: dict[str, Corpus] = {
    "library": Corpus("library", "corpus.toml", CORPUS_ROOT, "wheel"),
    "applications": Corpus("applications", "applications.toml", CACHE / "applications", "sdist"),
}

# Test code, by path alone (pytest's and unittest's file conventions and the usual folders).
# The plugin's default test folders (`--asyncio-test-paths`), so both split findings alike.
TEST_DIRS = frozenset({"tests", "test", "_tests", "testing"})


def is_test_path(rel: str) -> bool:
    """Whether a corpus file (path relative to the corpus root) is test code."""
    parts = PurePosixPath(rel).parts
    name = parts[-1]
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return any(part in TEST_DIRS for part in parts[:-1])


FLAKE8 = "flake8==7.5.0"
# Tool name -> what its venv installs. "ours" also gets `pip install -e REPO` (see ensure_venvs).
VENVS: dict[str, list[str]] = {
    "plain": [FLAKE8],
    "ours": [FLAKE8],
    "flake8-async": [FLAKE8, "flake8-async==26.8.1"],
    "ruff": ["ruff==0.17.5"],
}

# Download the same wheel on every machine: the .py files are what we want, and a wheel for the
# running interpreter's own tags may not exist (or may differ) elsewhere.
WHEEL_TAGS = [
    "--only-binary", ":all:", "--ignore-requires-python", "--python-version", "3.11",
    "--implementation", "cp", "--abi", "cp311",
    "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux2014_x86_64",
    "--platform", "manylinux_2_17_x86_64", "--platform", "manylinux_2_5_x86_64",
    "--platform", "manylinux1_x86_64",
]


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    rel: str  # relative to its root, e.g. "aiohttp-3.14.5/aiohttp/client.py"
    lines: int
    has_async: bool  # any `async`/`await` keyword token

    @property
    def is_test(self) -> bool:
        return is_test_path(self.rel)


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    style: str
    corpus: str = "library"

    @property
    def dirname(self) -> str:
        return f"{self.name}-{self.version}"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load_packages(corpus: str = "library") -> list[Package]:
    with open(BENCH / CORPORA[corpus].toml, "rb") as f:
        data = tomllib.load(f)
    return [Package(p["name"], p["version"], p.get("style", ""), corpus) for p in data["package"]]


def fetch_package(pkg: Package) -> Path:
    """Download and extract one package's .py files; return the package's directory."""
    corpus = CORPORA[pkg.corpus]
    if corpus.kind == "sdist":
        return fetch_sdist(pkg, corpus.root)
    dest = corpus.root / pkg.dirname
    if (dest / ".complete").exists():
        return dest
    dl = CACHE / "downloads" / pkg.dirname
    if not list(dl.glob("*.whl")):
        log(f"downloading {pkg.name}=={pkg.version}")
        dl.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", *WHEEL_TAGS,
             "-d", str(dl), f"{pkg.name}=={pkg.version}"],
            check=True,
        )
    (wheel,) = dl.glob("*.whl")
    shutil.rmtree(dest, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            top = name.split("/", 1)[0]
            if name.endswith(".py") and not top.endswith((".dist-info", ".data")):
                zf.extract(name, dest)
    (dest / ".complete").touch()
    return dest


def fetch_sdist(pkg: Package, root: Path) -> Path:
    """Download one sdist and extract its .py files (tests included) under root/NAME-VERSION."""
    dest = root / pkg.dirname
    if (dest / ".complete").exists():
        return dest
    dl = CACHE / "sdists" / pkg.dirname
    archives = [*dl.glob("*.tar.gz"), *dl.glob("*.zip")]
    if not archives:
        log(f"downloading the sdist of {pkg.name}=={pkg.version}")
        dl.mkdir(parents=True, exist_ok=True)
        # pip builds the sdist's metadata (in an isolated build env) before it saves it.
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             "-d", str(dl), f"{pkg.name}=={pkg.version}"],
            check=True,
        )
        archives = [*dl.glob("*.tar.gz"), *dl.glob("*.zip")]
    (archive,) = archives
    shutil.rmtree(dest, ignore_errors=True)
    for name, data in _sdist_py_files(archive):
        # Drop the sdist's own top directory (its spelling varies: python_telegram_bot-22.8).
        inner = PurePosixPath(name).parts[1:]
        if not inner or any(part in ("", ".", "..") for part in inner):
            continue
        target = dest.joinpath(*inner)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (dest / ".complete").touch()
    return dest


# Kept beside the .py files: the project markers that say where the project's root is (a
# `src/` layout's modules are found from there, as in the user's checkout).
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg")


def _wanted(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.endswith(".py") or (len(parts) == 2 and parts[1] in PROJECT_MARKERS)


def _sdist_py_files(archive: Path) -> list[tuple[str, bytes]]:
    """(member name, content) of every regular .py file in a .tar.gz or .zip sdist, and of
    its top-level project markers."""
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            return [(n, zf.read(n)) for n in zf.namelist() if _wanted(n)]
    out = []
    with tarfile.open(archive) as tf:
        for member in tf.getmembers():
            if member.isfile() and _wanted(member.name):
                f = tf.extractfile(member)
                if f is not None:
                    out.append((member.name, f.read()))
    return out


def has_async_keyword(source: str) -> bool:
    # Tokens, not a text search: "async" in a docstring or comment is not async code.
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME and tok.string in ("async", "await"):
                return True
    except (tokenize.TokenError, SyntaxError):
        return True  # unsure: count it as async, the conservative side for the budget
    return False


def scan(root: Path, dirs: list[str]) -> list[SourceFile]:
    """The .py files under root/dir for each dir, that this Python can parse, sorted by path."""
    files = []
    for d in dirs:
        for path in sorted((root / d).rglob("*.py")):
            source = path.read_text(encoding="utf-8", errors="replace")
            try:
                ast.parse(source)
            except SyntaxError:
                # Newer syntax than this interpreter: every tool would only report E999 on it.
                log(f"skipping {path.relative_to(root)}: not parseable by this Python")
                continue
            files.append(SourceFile(path, str(path.relative_to(root)),
                                    len(source.splitlines()), has_async_keyword(source)))
    return files


def corpus_files(corpus: str = "library") -> tuple[list[Package], list[SourceFile]]:
    packages = load_packages(corpus)
    for pkg in packages:
        fetch_package(pkg)
    return packages, scan(CORPORA[corpus].root, [p.dirname for p in packages])


def stdlib_asyncio() -> tuple[Path, list[SourceFile]]:
    """The running interpreter's own asyncio package: the root is its parent directory."""
    import asyncio

    pkg_dir = Path(asyncio.__file__).parent
    return pkg_dir.parent, scan(pkg_dir.parent, [pkg_dir.name])


def venv_dir(tool: str) -> Path:
    return CACHE / "venvs" / tool


def venv_bin(tool: str, exe: str) -> str:
    return str(venv_dir(tool) / "bin" / exe)


def _plugin_fingerprint() -> str:
    # Reinstall the editable plugin only when its packaging metadata changes.
    h = hashlib.sha256()
    for name in ("pyproject.toml", "setup.cfg", "setup.py"):
        p = REPO / name
        if p.exists():
            h.update(name.encode() + p.read_bytes())
    return h.hexdigest()


def ensure_venvs() -> bool:
    """Create or reuse every venv. Return whether our plugin is installed and registered."""
    for tool, reqs in VENVS.items():
        ensure_venv(tool, reqs)
    return ensure_plugin()


def ensure_venv(tool: str, reqs: list[str]) -> None:
    """Create the venv `tool` with reqs installed, or reuse it if it was made with the same."""
    vdir = venv_dir(tool)
    marker = vdir / ".bench-spec"
    spec = " ".join(reqs)
    if marker.exists() and marker.read_text() == spec:
        return
    log(f"creating venv {vdir} ({spec})")
    shutil.rmtree(vdir, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(vdir)], check=True)
    subprocess.run([venv_bin(tool, "pip"), "install", "-q", *reqs], check=True)
    marker.write_text(spec)


def ensure_plugin() -> bool:
    marker = venv_dir("ours") / ".bench-plugin"
    fingerprint = _plugin_fingerprint()
    if not (marker.exists() and marker.read_text() == fingerprint):
        log(f"pip install -e {REPO}")
        res = subprocess.run(
            [venv_bin("ours", "pip"), "install", "-q", "-e", str(REPO)],
            capture_output=True, text=True,
        )
        if res.returncode == 0:
            marker.write_text(fingerprint)
        else:
            log("WARNING: installing the plugin failed; 'ours' runs as plain flake8:\n"
                + res.stderr.strip()[-2000:])
            marker.unlink(missing_ok=True)
    # libcst is timed on its own in this venv, even before the plugin depends on it.
    py = venv_bin("ours", "python")
    if subprocess.run([py, "-c", "import libcst"], capture_output=True).returncode:
        subprocess.run([venv_bin("ours", "pip"), "install", "-q", "libcst"], check=True)
    res = subprocess.run(
        [py, "-c", "from importlib.metadata import entry_points as e;"
                   "print(' '.join(p.name for p in e(group='flake8.extension')))"],
        capture_output=True, text=True,
    )
    registered = "AIO" in res.stdout.split()
    if not registered:
        log("WARNING: no flake8.extension entry point 'AIO' in the plugin venv: "
            "'ours' measures plain flake8")
    return registered


def main(venvs: bool = True, corpus: str = "library") -> None:
    packages, files = corpus_files(corpus)
    by_pkg: dict[str, list[SourceFile]] = {}
    for f in files:
        by_pkg.setdefault(f.rel.split("/", 1)[0], []).append(f)
    print(f"corpus root: {CORPORA[corpus].root}")

    def sizes(fs: list[SourceFile]) -> str:
        tests = sum(f.lines for f in fs if f.is_test)
        return f"{len(fs):5} files {sum(f.lines for f in fs):7} lines {tests:7} in tests"

    for pkg in packages:
        print(f"{pkg.name:>20} {pkg.version:<9} {sizes(by_pkg.get(pkg.dirname, []))}  {pkg.style}")
    print(f"{'total':>20} {'':<9} {sizes(files)}")
    if venvs:
        print("plugin registered:", ensure_venvs())


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="library")
    main(corpus=ap.parse_args().corpus)
