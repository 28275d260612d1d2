"""Family ``eol`` (rules/eol.py): base images past the end of life of their release line.

"Today" is pinned with monkeypatch so the expectations do not move with the calendar; the
knowledge base is the bundled one unless a test installs its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from docksense.knowledge import KnowledgeBase
from docksense.rules import RULES, eol
from docksense.rules.eol import replacement_tag

from .rule_helpers import apply_fix, findings

RULE = "EndOfLifeBaseImage"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    day = dt.date(2026, 1, 15)  # node 18 is past its end of life (2025-04-30), node 22 is not
    monkeypatch.setattr(eol, "today", lambda: day)
    return day


def test_flags_the_tag_with_date_and_successor_line() -> None:
    text = "FROM node:18-slim AS build\n"
    (found,) = findings(text, RULE)
    assert text[found.start:found.end] == "18-slim"
    assert "node 18 reached end of life on 2025-04-30" in found.message
    assert found.severity == "warning"
    assert found.fix is not None and found.fix.preferred and not found.fix.safe


def test_fix_swaps_the_release_line_and_keeps_the_variant() -> None:
    text = "FROM node:18-slim\n"
    (found,) = findings(text, RULE)
    fixed = apply_fix(text, found)
    assert fixed.startswith("FROM node:") and fixed.endswith("-slim\n") and fixed != text
    assert findings(fixed, RULE) == []


def test_fix_replaces_a_full_version() -> None:
    text = "FROM python:3.8.19-slim-bookworm\n"
    (found,) = findings(text, RULE)
    fixed = apply_fix(text, found)
    assert "-slim-bookworm" in fixed and "3.8" not in fixed
    assert findings(fixed, RULE) == []


def test_supported_lines_are_silent() -> None:
    assert findings("FROM node:22-alpine\n", RULE) == []


def test_unknown_images_tags_variables_and_digests_are_silent() -> None:
    text = (
        "ARG V=18\n"
        "FROM example.com/private/node:18\n"
        "FROM node:lts-slim\n"
        "FROM node:${UNSET}-slim\n"
        "FROM node@sha256:" + "a" * 64 + "\n"
        "FROM node\n"
    )
    assert findings(text, RULE) == []


def test_tag_from_a_global_arg_default_is_judged_by_its_value() -> None:
    text = "ARG GO_VERSION=1.23.4\nFROM golang:${GO_VERSION}-alpine\n"
    literal = findings("FROM golang:1.23.4-alpine\n", RULE)
    assert literal, "the literal tag is past its end of life on the pinned day"
    (found,) = findings(text, RULE)
    assert text[found.start:found.end] == "golang:${GO_VERSION}-alpine"
    assert "ARG GO_VERSION" in found.message and found.fix is None


def test_tag_from_an_arg_without_default_or_a_stage_is_silent() -> None:
    assert findings("ARG V\nFROM node:${V}-slim\n", RULE) == []
    text = "ARG B=base\nFROM node:18 AS base\nFROM ${B}\n"
    (only,) = findings(text, RULE)  # the stage reference is not an image
    assert text[only.start:only.end] == "18"


def test_tag_and_digest_is_reported_without_fix() -> None:
    (found,) = findings("FROM node:18@sha256:" + "a" * 64 + "\n", RULE)
    assert found.fix is None


def test_stage_reference_is_not_an_image() -> None:
    assert findings("FROM node:22 AS node\nFROM node\n", RULE) == []


def test_today_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eol, "today", lambda: dt.date(2025, 4, 29))
    assert findings("FROM node:18\n", RULE) == []
    monkeypatch.setattr(eol, "today", lambda: dt.date(2025, 4, 30))
    assert findings("FROM node:18\n", RULE)


def test_successor_wins_over_recommended(tmp_path: Path) -> None:
    pack = tmp_path / "images"
    pack.mkdir()
    (pack / "demo.toml").write_text(
        'kind = "image"\nname = "demo"\nsummary = "Demo image."\npurpose = "For tests."\nwhy = "Tests."\n'
        '[lifecycle]\nas_of = "2026-01-01"\nsource = "test"\nrecommended = "5"\n'
        '[[lifecycle.lines]]\nline = "1"\neol = "2020-01-01"\nsuccessor = "2"\n'
        '[[lifecycle.lines]]\nline = "2"\neol = "2099-01-01"\n',
        encoding="utf-8",
    )
    eol.set_knowledge_base(KnowledgeBase([tmp_path]))
    try:
        text = "FROM demo:1-alpine\n"
        (found,) = findings(text, RULE)
        assert "demo:2" in found.message
        assert apply_fix(text, found) == "FROM demo:2-alpine\n"
    finally:
        eol.set_knowledge_base(None)


def test_other_image_recommendation_has_no_fix() -> None:
    (found,) = findings("FROM centos:7\n", RULE)
    assert "almalinux:10" in found.message
    assert found.fix is None


def test_replacement_tag_shapes() -> None:
    assert replacement_tag("18", "18", "22") == "22"
    assert replacement_tag("18.20.4-alpine3.20", "18", "22") == "22-alpine3.20"
    assert replacement_tag("jessie-slim", "jessie", "trixie") == "trixie-slim"
    assert replacement_tag("8u392-jdk", "8", "21") is None
    assert replacement_tag("7", "7", "almalinux:10") is None


def test_docs_page_matches_the_rule() -> None:
    page = KnowledgeBase().get("rule", RULE)
    assert page is not None
    assert (page.family, page.severity) == (RULES[RULE].family, RULES[RULE].severity) == ("eol", "warning")
    assert page.bad and page.good and page.fix and page.docs.startswith("https://")


def test_docs_examples_are_accurate() -> None:
    page = KnowledgeBase().get("rule", RULE)
    assert page is not None
    assert findings(page.bad + "\n", RULE)
    assert findings(page.good + "\n", RULE) == []
