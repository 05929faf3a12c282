"""bench/mutants.py: mutant writing and batching, on small sources checked by hand (no tools)."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import mutants  # noqa: E402  (bench/ is not a package)

SOURCE = textwrap.dedent('''\
    import asyncio


    async def handler(request, items):
        await asyncio.sleep(0)
        x = await request.json()
        await request.app.save(x)
        for item in items:
            await item.delete()
        await  helper(
            x)


    class Service:
        async def run(self):
            await self.start()
            await self.client.close()
            await self._state.http.delete("é", (await self.get()))
            await super().run()


    async def other():
        print("é"); await helper(1)
''')


def test_sites_are_the_statement_level_awaited_calls_with_their_form() -> None:
    sites = mutants.find_sites(SOURCE)
    # line 6 is an assignment and the inner `await self.get()` on 18 is not a statement.
    assert [(s.line, s.end_line, s.function, s.form) for s in sites] == [
        (5, 5, "handler:4", "module.func()"),
        (7, 7, "handler:4", "name.attr.method()"),
        (9, 9, "handler:4", "name.method()"),
        (10, 11, "handler:4", "name()"),
        (16, 16, "Service.run:15", "self.method()"),
        (17, 17, "Service.run:15", "self.attr.method()"),
        (18, 18, "Service.run:15", "self.a.b.method()"),
        (19, 19, "Service.run:15", "name()"),
        (23, 23, "other:22", "name()"),
    ]


def test_removing_an_await_keeps_every_line_and_only_cuts_that_keyword() -> None:
    sites = {s.line: s for s in mutants.find_sites(SOURCE)}
    mutant = mutants.remove_awaits(SOURCE, [sites[10], sites[18], sites[23]])
    before, after = SOURCE.splitlines(), mutant.splitlines()
    assert len(after) == len(before)
    assert [i + 1 for i, (a, b) in enumerate(zip(before, after)) if a != b] == [10, 18, 23]
    assert after[9] == "    helper("
    assert after[17] == '        self._state.http.delete("é", (await self.get()))'
    # ast's columns count UTF-8 bytes: the cut is found after a non-ASCII character too.
    assert after[22] == '    print("é"); helper(1)'
    assert mutants.clean_sites(SOURCE, list(sites.values())) == list(sites.values())


def test_batches_separate_one_function_and_near_lines() -> None:
    site = mutants.Site
    batched = mutants.assign_batches([
        site(10, 4, 10, "f:1", "name()"),
        site(12, 4, 12, "f:1", "name()"),      # same function as line 10
        site(14, 4, 14, "g:13", "name()"),     # another function, 4 lines after line 10: far enough
        site(30, 4, 31, "h:29", "name()"),     # another function, far away
        site(34, 4, 34, "k:33", "name()"),     # 3 lines after h's statement ends: too near
    ])
    assert [s.batch for s in batched] == [0, 1, 0, 0, 1]
