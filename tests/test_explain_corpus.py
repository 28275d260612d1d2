"""Issue 9 on real Dockerfiles: purposes never repeat across different text in one file, and
at least 90% of them name something from their own line (the figure bench/explain_quality.py
prints)."""

from __future__ import annotations

import importlib.util
import re

import pytest

from docksense.analysis import Analysis
from docksense.features.explain.line import iter_lines
from docksense.knowledge import KnowledgeBase

from .conftest import ROOT

pytestmark = pytest.mark.shared

KB = KnowledgeBase()


def _quality():
    spec = importlib.util.spec_from_file_location("explain_quality", ROOT / "bench" / "explain_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


QUALITY = _quality()


def test_purposes_never_repeat_across_different_text():
    repeats = []
    for path in QUALITY.real_files():
        analysis = Analysis(path.read_bytes().decode("utf-8", "surrogateescape"))
        seen: dict[str, str] = {}
        for ins, line in iter_lines(analysis, KB):
            if not line.purpose:
                continue
            source = " ".join(analysis.text[ins.start:ins.end].split())
            owner = seen.setdefault(line.purpose, source)
            if owner != source:
                repeats.append((path.name, line.line, line.purpose[:80]))
    assert repeats == []


def test_nine_in_ten_purposes_name_something_of_their_line():
    report = QUALITY.corpus_report(QUALITY.real_files())
    assert report["total"] > 10000
    assert report["named"] / report["total"] >= 0.90, report["unnamed_examples"]


def test_every_seed_instruction_carries_the_seeds_facts():
    carried, total, misses = QUALITY.seed_report()
    assert (carried, total) == (38, 38), misses


def test_every_purpose_is_one_or_two_sentences_and_escaped():
    for path in QUALITY.real_files()[::25]:
        for ins, line in iter_lines(Analysis(path.read_bytes().decode("utf-8", "surrogateescape")), KB):
            if ins.name not in QUALITY.INSTRUCTIONS:
                continue
            assert line.purpose, (path.name, line.line)
            outside_code = re.sub(r"(`+).*?\1", "", line.purpose)  # a literal `{}` operand is fine
            assert "{}" not in outside_code, (path.name, line.line, line.purpose)
            assert "\n" not in line.purpose
