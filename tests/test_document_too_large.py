"""DocumentTooLarge: past limits.maxDocumentBytes the expensive families are skipped, once said."""

from __future__ import annotations

from docksense.analysis import Analysis
from docksense.features.diagnostics import diagnostics
from docksense.rules import RULES, RuleConfig, run_rules
from docksense.rules.document_too_large import document_bytes, too_large
from docksense.settings import parse_settings

TEXT = "FROM alpine:3.20\nRUN cd /src && apk add curl\nFORM x\n" * 20


def _rules(findings):
    return [f.rule for f in findings]


def test_small_document_gets_no_notice_and_every_family():
    found = _rules(run_rules(Analysis(TEXT), RuleConfig()))
    assert "DocumentTooLarge" not in found
    assert "CdInsteadOfWorkdir" in found  # a practice rule ran
    assert "UnknownInstruction" in found


def test_past_the_limit_one_notice_and_the_cheap_families_still_run():
    findings = run_rules(Analysis(TEXT), RuleConfig(max_document_bytes=200))
    found = _rules(findings)
    assert found.count("DocumentTooLarge") == 1
    notice = next(f for f in findings if f.rule == "DocumentTooLarge")
    assert (notice.start, notice.end, notice.severity) == (0, len("FROM alpine:3.20"), "information")
    assert "limits.maxDocumentBytes" in notice.message and "200" in notice.message
    assert "CdInsteadOfWorkdir" not in found  # practice skipped
    assert found.count("UnknownInstruction") == 20  # syntax still complete


def test_no_limit_means_everything_runs():
    found = _rules(run_rules(Analysis(TEXT), RuleConfig(max_document_bytes=None)))
    assert "DocumentTooLarge" not in found and "CdInsteadOfWorkdir" in found


def test_the_notice_can_be_switched_off_like_any_rule():
    config = RuleConfig(max_document_bytes=200, severity={"DocumentTooLarge": "off"})
    assert "DocumentTooLarge" not in _rules(run_rules(Analysis(TEXT), config))


def test_bytes_are_utf8_bytes():
    assert document_bytes("é" * 10, 15) == 20
    assert too_large("é" * 10, 15) and not too_large("é" * 10, 20)
    assert not too_large("x" * 10, 0) and not too_large("x" * 10, None)


def test_server_setting_reaches_the_engine():
    settings = parse_settings({"limits": {"maxDocumentBytes": 200}}, lambda message: None)
    items = diagnostics(Analysis(TEXT), settings)
    notices = [d for d in items if d.code == "DocumentTooLarge"]
    assert len(notices) == 1 and notices[0].range.start.line == 0
    assert notices[0].code_description.href.endswith("/DocumentTooLarge.md")


def test_registered_with_a_docs_page():
    assert RULES["DocumentTooLarge"].severity == "information"
