"""rules/validator.py: what dockerfile-utils reports that our other families do not.

Each rule has a case it flags, the corrected case, and for the fixable ones the fixed text;
the error rules are checked against the corpus of real Dockerfiles, which all build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docksense.rules import RULES
from docksense.rules import validator
from docksense.rules.validator import image_reference_problem, unterminated_quote

from .conftest import CORPUS
from .rule_helpers import apply_fix, findings, lines_of

CASES = [
    ("DirectiveCasing", "# Escape=`\nFROM alpine\n", "# escape=`\nFROM alpine\n", True),
    ("DirectiveCasing", "# SYNTAX=docker/dockerfile:1\nFROM alpine\n", "# syntax=docker/dockerfile:1\nFROM alpine\n", True),
    ("JsonInSingleQuotes", "FROM alpine\nCMD ['node', 'server.js']\n", 'FROM alpine\nCMD ["node", "server.js"]\n', True),
    ("JsonInSingleQuotes", "FROM alpine\nVOLUME ['/data']\n", "FROM alpine\nVOLUME /data\n", True),
    ("InvalidImageReference", "FROM Ubuntu:24.04\n", "FROM ubuntu:24.04\n", False),
    ("InvalidImageReference", "FROM alpine:\n", "FROM alpine\n", False),
    ("InvalidImageReference", "FROM alpine@sha256:abc\n", "FROM alpine@sha256:" + "a" * 64 + "\n", False),
    ("InvalidImageReference", "FROM alpine\nCOPY --from=^x a b\n", "FROM alpine AS X\nFROM alpine\nCOPY --from=x a b\n", False),
    ("InvalidImageReference", "FROM alpine\nRUN --mount=from=Bad,target=/x true\n",
     "FROM alpine\nRUN --mount=from=busybox:1.36,target=/x true\n", False),
    ("UnterminatedQuote", 'FROM alpine\nENV A="b c\n', 'FROM alpine\nENV A="b c"\n', False),
    ("UnterminatedQuote", 'FROM alpine\nLABEL "a=b"\n', 'FROM alpine\nLABEL "a"="b"\n', False),
    ("UnterminatedQuote", "FROM alpine\nARG V='x\n", "FROM alpine\nARG V='x'\n", False),
    ("UnterminatedQuote", 'FROM alpine\nWORKDIR "/app\n', 'FROM alpine\nWORKDIR "/my app"\n', False),
    ("EmptyBaseName", "FROM $BASE\n", "ARG BASE=alpine\nFROM $BASE\n", False),
    ("EmptyBaseName", "FROM alpine AS a\nARG IMG=x\nFROM ${IMG}\n", "FROM ${IMG:-alpine}\n", False),
]


@pytest.mark.parametrize("rule,bad,good,fixable", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_and_not_on_good(rule: str, bad: str, good: str, fixable: bool) -> None:
    assert findings(bad, rule), f"{rule} should fire on {bad!r}"
    assert findings(good, rule) == [], f"{rule} should not fire on {good!r}"
    if fixable:
        found = findings(bad, rule)
        fixed = apply_fix(bad, found[0])
        assert findings(fixed, rule) == [], fixed


def test_every_rule_has_cases_and_its_family() -> None:
    assert {c[0] for c in CASES} == set(validator._RULES)
    for name, (family, severity, _) in validator._RULES.items():
        assert (RULES[name].family, RULES[name].severity) == (family, severity)


def test_json_fix_produces_exec_form() -> None:
    text = "FROM alpine\nENTRYPOINT ['/bin/app', '--port', '8080']\n"
    (found,) = findings(text, "JsonInSingleQuotes")
    assert apply_fix(text, found) == 'FROM alpine\nENTRYPOINT ["/bin/app", "--port", "8080"]\n'


def test_json_with_backslashes_gets_no_fix() -> None:
    (found,) = findings("FROM alpine\nCMD ['a\\\\b']\n", "JsonInSingleQuotes")
    assert found.fix is None


def test_directive_fix_lowercases_only_the_name() -> None:
    text = "# Check=skip=all\nFROM alpine\n"
    (found,) = findings(text, "DirectiveCasing")
    assert apply_fix(text, found) == "# check=skip=all\nFROM alpine\n"
    assert found.severity == "warning"


def test_stage_names_and_variables_are_not_image_references() -> None:
    text = "FROM alpine AS Builder\nFROM builder\nCOPY --from=BUILDER a b\nCOPY --from=0 a b\nFROM ${X}:1\n"
    assert findings(text, "InvalidImageReference") == []
    assert findings("FROM alpine\nCOPY --from= a b\n", "InvalidImageReference") == []


def test_image_reference_grammar() -> None:
    for good in ("alpine", "library/alpine:3.20", "localhost:5000/a/b:c", "[::1]:5000/x",
                 "registry.example.com/team/app@sha256:" + "0" * 64, "my.reg/team/x",
                 "Example.COM/x", "a__b", "a---b"):
        assert image_reference_problem(good) is None, good
    for bad in ("Alpine", "alpine:", "alpine:-x", "alpine@sha256:" + "0" * 63, "alpine@md5:" + "0" * 32,
                "a" * 64, "-alpine", "alpine::1", "team/App"):
        assert image_reference_problem(bad), bad


def test_quote_reader_follows_buildkit() -> None:
    assert unterminated_quote("'a\\'b'", "\\") == "'"  # no escapes inside single quotes
    assert unterminated_quote('"a\\"b"', "\\") is None
    assert unterminated_quote('a\\"b', "\\") is None
    assert unterminated_quote('"a`"b"', "`") is None


def test_arg_names_are_not_expanded_so_not_checked() -> None:
    assert findings('FROM alpine\nARG "x\n', "UnterminatedQuote") == []


def test_empty_base_name_only_when_nothing_can_fill_it() -> None:
    assert findings("ARG BASE\nFROM $BASE\n", "EmptyBaseName") == []  # --build-arg can
    assert findings("FROM ${TARGETPLATFORM}\n", "EmptyBaseName") == []
    assert findings("FROM ${X}alpine\n", "EmptyBaseName") == []
    assert lines_of("FROM alpine\nFROM $NONE AS x\n", findings("FROM alpine\nFROM $NONE AS x\n", "EmptyBaseName")) == [2]


def _real_files() -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    rows = [line.split("\t") for line in manifest.read_text(encoding="utf-8").splitlines()[1:]]
    return [CORPUS / r[0] for r in rows if r[6].strip() == "0" and "parser__testfiles" not in r[0]]


def test_no_error_on_real_dockerfiles() -> None:
    files = _real_files()
    if not files:
        pytest.skip("corpus not available")
    ours = set(validator._RULES)
    problems = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        for found in findings(text):
            if found.rule in ours and found.severity == "error":
                problems.append(f"{path.name}:{lines_of(text, [found])[0]}: {found.rule}: {found.message}")
    assert problems == []
