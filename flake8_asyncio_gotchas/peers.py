"""Other linters' codes for our checks: a `# noqa:` written for them silences ours too.

A project that already runs flake8-async or ruff has silenced some of their findings line by
line (`time.sleep(0.1)  # noqa: ASYNC251`). When one of our codes reports the same check on
that line, the maintainers have already looked at it: reporting it again under another code
makes them silence it twice. flake8 itself only knows our codes in `# noqa:`, so the engine
reads the comment on each reported line and drops a finding whose code is mapped from one
of the codes there; ruff's file-wide `# ruff: noqa: CODES` line counts for the whole file. A
bare `# noqa` is flake8's job; `--disable-noqa` turns this off too.

Only true equivalents are mapped: the same check, whatever the code is named. flake8-async's
and ruff's meanings are from their rule docs (flake8-async's `docs/rules.rst`, ruff's rule
pages). ASYNC100-ASYNC102 meant blocking calls before flake8-async 24 and ruff 0.5 renumbered
them; their new meanings (cancel scopes, `yield` in a nursery, `await` in `finally`) are
reported on lines where none of our blocking codes can be, so the old meaning is mapped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple


@dataclass(frozen=True)
class PeerCode:
    code: str                  # "ASYNC251"
    linters: str               # "flake8-async, ruff"
    check: str                 # what it reports, in a few words
    ours: Tuple[str, ...]      # our codes for the same check
    name: str = ""             # ruff's rule name, for `# ruff: ignore[name]` ("" if none)


PEER_CODES: Tuple[PeerCode, ...] = (
    PeerCode("ASYNC100", "flake8-async < 24, ruff < 0.5",
             "blocking HTTP call in async function (since renumbered ASYNC210)", ("AIO201",)),
    PeerCode("ASYNC101", "flake8-async < 24, ruff < 0.5",
             "`open`, `time.sleep` or `subprocess` in async function (since split into "
             "ASYNC220-ASYNC251)", ("AIO200", "AIO202", "AIO203")),
    PeerCode("ASYNC102", "flake8-async < 24, ruff < 0.5",
             "blocking `os` process call in async function (since ASYNC220-ASYNC222)",
             ("AIO202",)),
    PeerCode("ASYNC103", "flake8-async", "cancellation caught and not re-raised",
             ("AIO403",)),
    PeerCode("ASYNC104", "flake8-async",
             "cancellation caught, then `return` or another exception raised", ("AIO403",)),
    PeerCode("ASYNC105", "flake8-async, ruff", "async function called without `await`",
             ("AIO100",), "trio-sync-call"),
    PeerCode("ASYNC200", "flake8-async", "configured blocking call in async function",
             ("AIO207",)),
    PeerCode("ASYNC210", "flake8-async, ruff", "blocking HTTP call in async function",
             ("AIO201",), "blocking-http-call-in-async-function"),
    PeerCode("ASYNC211", "flake8-async", "blocking `urllib3` pool call in async function",
             ("AIO201",)),
    PeerCode("ASYNC212", "flake8-async, ruff", "blocking `httpx` client call in async function",
             ("AIO201",), "blocking-http-call-httpx-in-async-function"),
    PeerCode("ASYNC220", "flake8-async, ruff", "creating a subprocess synchronously in async "
             "function", ("AIO202",), "create-subprocess-in-async-function"),
    PeerCode("ASYNC221", "flake8-async, ruff", "running a process synchronously in async "
             "function", ("AIO202",), "run-process-in-async-function"),
    PeerCode("ASYNC222", "flake8-async, ruff", "waiting for a process in async function",
             ("AIO202",), "wait-for-process-in-async-function"),
    PeerCode("ASYNC230", "flake8-async, ruff", "`open` in async function", ("AIO203",),
             "blocking-open-call-in-async-function"),
    PeerCode("ASYNC231", "flake8-async", "`os.fdopen` in async function", ("AIO203",)),
    PeerCode("ASYNC232", "flake8-async", "blocking call on a file object in async function",
             ("AIO203",)),
    PeerCode("ASYNC250", "flake8-async", "`input()` in async function", ("AIO203",)),
    PeerCode("ASYNC251", "flake8-async, ruff", "`time.sleep` in async function", ("AIO200",),
             "blocking-sleep-in-async-function"),
    PeerCode("ASYNC300", "flake8-async", "`asyncio.create_task` result not kept", ("AIO400",)),
    PeerCode("RUF006", "ruff", "`asyncio.create_task`/`ensure_future` result not kept",
             ("AIO400",), "asyncio-dangling-task"),
)

# Looked at and not mapped, with the reason (rendered under the table).
NOT_MAPPED = (
    "ASYNC110 (a `while` loop around `await sleep()`: it does suspend, unlike AIO301's), "
    "ASYNC913 (a loop with no *guaranteed* checkpoint, not one that can never end), "
    "ASYNC240 (`os.path` calls: not in AIO203's list), ASYNC120 (now an `await` in "
    "`except`; briefly the number of ASYNC300 in 2024), and flake8-trio's TRIO codes (a "
    "trio/anyio linter before it became flake8-async).")

PEERS_BY_OURS: Dict[str, Tuple[str, ...]] = {}
for _peer in PEER_CODES:
    for _code in _peer.ours:
        PEERS_BY_OURS[_code] = PEERS_BY_OURS.get(_code, ()) + (_peer.code,)

_OURS_BY_PEER: Dict[str, FrozenSet[str]] = {peer.code: frozenset(peer.ours)
                                            for peer in PEER_CODES}
# ruff's own comments name a rule by its code or, since ruff 0.15, by its name.
_OURS_BY_PEER.update((peer.name.upper(), frozenset(peer.ours))
                     for peer in PEER_CODES if peer.name)

# flake8's form (`# noqa: A1, B2`), also ruff's looser ones (`#noqa:A1`); any case.
_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)",
                   re.IGNORECASE)
# ruff's file-wide form, a comment line of its own.
_RUFF_FILE = re.compile(r"^[ \t]*#\s*ruff\s*:\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[ \t,]+"
                        r"[A-Z]+[0-9]+)*)", re.IGNORECASE | re.MULTILINE)
# ruff's own forms (ruff 0.15): `# ruff: ignore[RUF006]` or `# ruff: ignore[asyncio-dangling-task]`
# at the end of the line, `# ruff: file-ignore[...]` on a comment line of its own for the file.
_RUFF_IGNORE = re.compile(r"#\s*ruff\s*:\s*ignore\s*\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_RUFF_FILE_IGNORE = re.compile(r"^[ \t]*#\s*ruff\s*:\s*file-ignore\s*\[(?P<codes>[^\]]*)\]",
                               re.IGNORECASE | re.MULTILINE)
_CODE = re.compile(r"[A-Z]+[0-9]+|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+", re.IGNORECASE)
_MENTION = re.compile(r"noqa|ruff\s*:", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(source: str) -> List[str]:
    """The lines as flake8 and libcst number them (`str.splitlines` also breaks at form
    feeds and other separators, and would shift every line after one)."""
    return _LINE_BREAK.split(source)


def _ours(matches: Iterable["re.Match[str]"]) -> Set[str]:
    silenced: Set[str] = set()
    for match in matches:
        for code in _CODE.findall(match.group("codes")):
            silenced |= _OURS_BY_PEER.get(code.upper(), frozenset())
    return silenced


def silenced_on(line: str) -> Set[str]:
    """Our codes that a `# noqa:` of another linter's codes, or ruff's `# ruff: ignore[...]`,
    on `line` silences."""
    return _ours(_NOQA.finditer(line)) | _ours(_RUFF_IGNORE.finditer(line))


def silenced_in_file(source: str) -> Set[str]:
    """Our codes that ruff's file-wide `# ruff: noqa: CODES` and `# ruff: file-ignore[...]`
    comment lines silence."""
    return _ours(_RUFF_FILE.finditer(source)) | _ours(_RUFF_FILE_IGNORE.finditer(source))


Result = Tuple[int, int, str, str]


def drop_peer_suppressed(results: List[Result], source: str) -> List[Result]:
    """`results` without those whose line carries a `# noqa:` for the same check elsewhere."""
    if not results or _MENTION.search(source) is None:
        return results
    file_wide = silenced_in_file(source)
    lines: Sequence[str] = source_lines(source)
    kept = []
    for result in results:
        line = result[0]
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        if result[2] not in file_wide and result[2] not in silenced_on(text):
            kept.append(result)
    return kept
