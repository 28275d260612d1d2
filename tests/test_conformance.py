"""BuildKit's own parser tests: our dump equals BuildKit's, and refused files are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from docksense.syntax import parse
from docksense.syntax.dump import dump

from .conftest import CONFORMANCE, read

pytestmark = pytest.mark.shared  # reads ../shared/conformance


def _cases(folder: str) -> list:
    base = CONFORMANCE / folder
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


POSITIVE = _cases("testfiles")
NEGATIVE = _cases("testfiles-negative")


def test_all_cases_present():
    assert len(POSITIVE) == 33
    assert len(NEGATIVE) == 4


@pytest.mark.parametrize("case", POSITIVE, ids=lambda p: p.name)
def test_dump_matches_buildkit(case):
    tree = parse(read(case / "Dockerfile"))
    assert tree.errors == []
    assert dump(tree) == read(case / "result")


@pytest.mark.parametrize("case", NEGATIVE, ids=lambda p: p.name)
def test_refused_like_buildkit(case):
    assert parse(read(case / "Dockerfile")).errors


def test_line_numbers_match_buildkit():
    # BuildKit's TestParseIncludesLineNumbers: 1-based start/end lines of each instruction.
    tree = parse(read(CONFORMANCE / "testfile-line" / "Dockerfile"))
    assert [(i.line + 1, i.end_line + 1) for i in tree.instructions] == [(5, 5), (11, 12), (17, 31)]


def test_cli_parse_prints_dump_byte_for_byte():
    case = CONFORMANCE / "testfiles" / "env"
    out = subprocess.run(
        [sys.executable, "-m", "docksense", "parse", str(case / "Dockerfile")],
        capture_output=True,
        check=True,
    )
    assert out.stdout == (case / "result").read_bytes()


@pytest.mark.parametrize("case", NEGATIVE, ids=lambda p: p.name)
def test_cli_parse_refuses_with_one_line(case):
    out = subprocess.run(
        [sys.executable, "-m", "docksense", "parse", str(case / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("docksense: ")
    assert "Traceback" not in out.stderr
