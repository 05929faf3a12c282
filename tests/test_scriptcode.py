"""Which files are script code, and which codes are quiet there."""
from __future__ import annotations

import libcst as cst
import pytest

from flake8_asyncio_gotchas.names import collect_scopes
from flake8_asyncio_gotchas.options import SCRIPT_PATHS
from flake8_asyncio_gotchas.rules import RULES_BY_CODE
from flake8_asyncio_gotchas.scriptcode import QUIET_IN_SCRIPTS, runs_alone
from flake8_asyncio_gotchas.testcode import SCAFFOLDING_IN_TESTS, path_matches

DEFAULT = SCRIPT_PATHS.parse(SCRIPT_PATHS.default)


def test_only_codes_whose_harm_is_holding_up_other_work_are_quiet_in_scripts() -> None:
    assert set(QUIET_IN_SCRIPTS) <= set(RULES_BY_CODE)
    assert set(QUIET_IN_SCRIPTS) <= set(SCAFFOLDING_IN_TESTS)
    # A coroutine never awaited, a lost task, a swallowed cancel, a busy-wait that never
    # ends and a nested event loop are bugs in a one-shot program too.
    for code in ("AIO100", "AIO205", "AIO301", "AIO400", "AIO401", "AIO403", "AIO500"):
        assert code not in QUIET_IN_SCRIPTS


@pytest.mark.parametrize("path", [
    "pkg/__main__.py", "__main__.py", "scripts/backfill.py", "pyatv/scripts/atvlog.py",
    "examples/pairing.py", "./examples/sub/x.py",
])
def test_default_script_paths(path: str) -> None:
    assert path_matches(path, DEFAULT)


@pytest.mark.parametrize("path", [
    "pkg/main.py", "pkg/__main__py.py", "chia/cmds/wallet_funcs.py", "bot/commands/echo.py",
    "cli/start.py", "pkg/scripts.py", "pkg/example.py", "my_scripts/x.py", "",
])
def test_default_script_paths_near_misses(path: str) -> None:
    assert not path_matches(path, DEFAULT)


def alone(source: str) -> bool:
    module = cst.parse_module(source)
    return runs_alone(module, collect_scopes(module))


@pytest.mark.parametrize("source", [
    "import asyncio\nasync def main():\n    input()\nasyncio.run(main())\n",
    "import trio\nasync def main():\n    pass\ntrio.run(main)\n",
    "import contextlib\n@contextlib.asynccontextmanager\nasync def session():\n    yield 1\n",
    "import click\n@click.command()\nasync def cli():\n    pass\n",
    "class Plain:\n    async def m(self):\n        pass\nclass Base(object):\n"
    "    async def n(self):\n        pass\n",
    "class Model(Base):\n    def sync_only(self):\n        pass\n",
    # A decorator returning its wrapper: the wrapper stands in for the decorated function,
    # which runs where that function is used, as any async def of the module would.
    "import functools\ndef deco(f):\n    @functools.wraps(f)\n    async def inner():\n"
    "        return await f()\n    return inner\n",
])
def test_programs_that_run_alone(source: str) -> None:
    assert alone(source)


@pytest.mark.parametrize("source", [
    "import asyncio\nasync def h(r, w):\n    pass\nasyncio.run(asyncio.start_server(h, port=1))\n",
    "async def main(loop):\n    loop.run_forever()\n",
    "import asyncio\nasync def main():\n    asyncio.create_task(main())\n",
    "import asyncio\nasync def main(c):\n    await asyncio.gather(c, c)\n",
    "import asyncio\nasync def main(c):\n    await asyncio.wait([c])\n",
    "async def main(tg):\n    tg.start_soon(main)\n",
    "@bot.command()\nasync def echo(ctx):\n    pass\n",
    "@app.get('/')\nasync def index():\n    pass\n",
    "async def start(update):\n    pass\nupdater.add_command('start', start)\n",
    "async def download(ctx):\n    pass\nclass WorkerSettings:\n    functions = [download]\n",
    "class Bot(Client):\n    async def on_message(self, message):\n        pass\n",
    # A decorator that registers its wrapper hands it to whatever dispatches from the table.
    "import functools\nHANDLERS = []\ndef deco(f):\n    @functools.wraps(f)\n"
    "    async def inner():\n        return await f()\n    HANDLERS.append(inner)\n"
    "    return inner\n",
    "class Echo(slixmpp.ClientXMPP):\n    def __init__(self):\n"
    "        self.on_start = self.start\n    async def start(self, event):\n        pass\n",
])
def test_programs_that_run_other_work(source: str) -> None:
    assert not alone(source)
