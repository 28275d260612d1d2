"""A megabyte-long RUN: hover answers from the commands around the cursor, and the keyword says
that the line-level explanation is not composed (rather than classifying 48,000 commands)."""

from __future__ import annotations

from lsprotocol import types

from docksense.analysis import Analysis
from docksense.features.hover import hover
from docksense.knowledge import KnowledgeBase

BODY = " && ".join(f"apt-get install -y --no-install-recommends pkg{i} && echo $HOME" for i in range(24000))
TEXT = "FROM debian\nRUN " + BODY + "\n"


def test_keyword_of_a_huge_run_says_the_purpose_is_not_composed():
    assert len(TEXT) > 1_500_000
    answer = hover(Analysis(TEXT), KnowledgeBase(), types.Position(1, 1))
    assert answer is not None
    assert "not composed for an instruction this long" in answer.contents.value
    assert "`RUN`" in answer.contents.value  # the keyword's own text still follows


def test_an_option_deep_inside_a_huge_run_is_explained():
    line = TEXT.split("\n")[1]
    column = line.index("--no-install-recommends", len(line) // 2) + 3
    answer = hover(Analysis(TEXT), KnowledgeBase(), types.Position(1, column))
    assert answer is not None and "--no-install-recommends" in answer.contents.value
    assert answer.range.start.character == column - 3


def test_a_duration_made_of_40000_digits_is_refused_without_a_regex_scan():
    from docksense.features.explain.flags import parse_duration

    assert parse_duration("9" * 40_000) is None and parse_duration("9" * 40_000 + "s") is None
    assert parse_duration("1m30s") == 90 and parse_duration(".5s") == 0.5 and parse_duration("1..2s") is None
    text = "FROM a\nHEALTHCHECK --interval=" + "9" * 40_000 + " CMD true\n"
    answer = hover(Analysis(text), KnowledgeBase(), types.Position(1, 15))
    assert answer is not None
