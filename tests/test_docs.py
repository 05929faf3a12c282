"""The rule docs and README tables are generated from the rule classes and must be current."""
from __future__ import annotations

from flake8_asyncio_gotchas.docs import ROOT, stale_files
from flake8_asyncio_gotchas.rules import ALL_RULES


def test_generated_docs_are_current() -> None:
    stale = [str(path.relative_to(ROOT)) for path in stale_files()]
    assert not stale, ("regenerate with `python -m flake8_asyncio_gotchas.docs`: %s" % stale)


def test_every_rule_is_documented() -> None:
    for rule in ALL_RULES:
        assert rule.code and rule.name and rule.message.startswith(rule.code + " ")
        assert rule.summary and rule.why and rule.example and rule.instead, rule.code


def test_codes_are_unique() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
