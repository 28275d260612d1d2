"""Instructions before (or without) a FROM are checked like those of a stage (issue 12, item 1)."""

from __future__ import annotations

from .rule_helpers import apply_fix, findings


def _spans(text: str, rule: str) -> list[str]:
    return [text[f.start:f.end] for f in findings(text, rule)]


def test_a_snippet_without_from_is_checked_and_still_told_it_needs_one():
    text = "RUN sudo apt-get update\n"
    assert _spans(text, "SudoInRun") == ["sudo"]
    assert _spans(text, "NoFromInstruction") == ["RUN"]


def test_instructions_before_the_first_from_are_checked_and_nothing_is_reported_twice():
    text = "WORKDIR relative\nRUN cd /opt\nFROM alpine:3.20\nWORKDIR rel2\n"
    assert _spans(text, "WorkdirRelativePath") == ["relative", "rel2"]
    assert _spans(text, "CdInsteadOfWorkdir") == ["cd"]
    assert len(findings(text, "NoFromInstruction")) == 2


def test_pragmas_and_comments_above_still_apply():
    text = "# hadolint ignore=DL3003\nRUN cd /opt\n"
    assert findings(text, "CdInsteadOfWorkdir") == []
    text = "# syntax=docker/dockerfile:1\n# check=skip=CdInsteadOfWorkdir\nRUN cd /opt\n"
    assert findings(text, "CdInsteadOfWorkdir") == []


def test_fixes_are_mapped_to_the_document():
    text = "\ufeffARG V=1\r\nRUN apt-get install -y curl=1\r\n"
    found = findings(text, "AptNoInstallRecommends")
    assert [text[f.start:f.end] for f in found] == ["install"]
    fixed = apply_fix(text, found[0]) if found[0].fix else text
    assert "install --no-install-recommends -y" in fixed


def test_arg_only_files_get_no_virtual_stage():
    assert _spans("ARG A=1\n", "NoFromInstruction") == ["ARG"]
