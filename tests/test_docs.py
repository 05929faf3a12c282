"""The rule docs and README tables are generated from the rule classes and must be current."""
from __future__ import annotations

from flake8_asyncio_gotchas.docs import ROOT, stale_files
from flake8_asyncio_gotchas.rules import ALL_RULES, all_options


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


def _findings(source: str, rule_options: dict) -> set:
    from flake8_asyncio_gotchas.engine import check_source

    settings = {option.dest: option.parse(rule_options.get(option.flag, option.default))
                for option in all_options()}
    results = check_source(source, "example.py", ALL_RULES, settings)
    return {code for _line, _col, code, _msg in results}


def test_each_example_shows_its_rule_and_each_fix_clears_it() -> None:
    """The docs' examples are whole files: linted alone, the example is reported, the fix not."""
    wrong = []
    for rule in ALL_RULES:
        options = dict(rule.example_options)
        if rule.code not in _findings(rule.example, options):
            wrong.append("%s: the example is not reported" % rule.code)
        if rule.code in _findings(rule.instead, options):
            wrong.append("%s: the 'use instead' code is still reported" % rule.code)
    assert not wrong, "\n".join(wrong)


def test_the_plugin_registers_exactly_the_options_rules_read() -> None:
    from flake8_asyncio_gotchas.options import ALL_OPTIONS

    assert set(ALL_OPTIONS) == set(all_options())


def test_importing_the_plugin_does_not_import_libcst() -> None:
    """A file with no async code must not pay for importing libcst."""
    import subprocess
    import sys

    code = ("import sys, flake8_asyncio_gotchas.plugin as p; "
            "list(p.Plugin(None, ['x = 1\\n'], 'x.py').run()); "
            "print('libcst' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
