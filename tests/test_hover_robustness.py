"""Hover never raises and always answers with a range inside the document and around the cursor."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docksense.analysis import Analysis
from docksense.features.explain import explain_at, explain_instruction
from docksense.knowledge import KnowledgeBase

from .conftest import corpus_files, read

KB = KnowledgeBase()


def check_everywhere(text: str, step: int = 1) -> None:
    analysis = Analysis(text)
    for offset in range(0, len(text) + 1, step):
        explanation = explain_at(analysis, KB, offset)
        if explanation is not None:
            assert 0 <= explanation.start <= offset <= explanation.end <= len(text), (offset, explanation)
            assert explanation.summary or explanation.specifics


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files()[::4], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_hover_everywhere(path):
    text = read(path)
    check_everywhere(text, step=max(1, len(text) // 400))
    analysis = Analysis(text)
    for ins in analysis.tree.instructions:
        _, parts = explain_instruction(analysis, KB, ins)
        for part in parts:
            assert 0 <= part.start <= part.end <= len(text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(
    ["FROM ", "RUN ", "COPY ", "ENV ", "ARG ", "CMD ", "ONBUILD ", "HEALTHCHECK ", "SHELL ", "EXPOSE ", "USER ",
     "--mount=", "type=cache,", "target=", "from=", "--from=", "--platform=", "$", "${", "}", ":-", "#", "\\\n",
     "\n", " ", "apt-get ", "install ", "-y ", "'", '"', "[", "]", '"sh",', "<<EOF\n", "EOF\n", "😀", "a", "AS ",
     "python:3.8-slim ", "80/tcp ", "SIGTERM ", "# check=skip=", "# hadolint ignore=DL3008\n", "&&", "|", ";"]),
    max_size=40))
def test_random_documents_hover_everywhere(tokens):
    check_everywhere("".join(tokens))


def test_plain_text_and_concise_detail():
    from lsprotocol import types

    from docksense.features.hover import hover

    analysis = Analysis("FROM python:3.11-slim\nRUN apt-get install -y --no-install-recommends curl\n")
    position = types.Position(1, 30)
    full = hover(analysis, KB, position)
    concise = hover(analysis, KB, position, detail="concise")
    plain = hover(analysis, KB, position, markdown=False)
    assert full.contents.kind == types.MarkupKind.Markdown and "**Why:**" in full.contents.value
    assert "**Why:**" not in concise.contents.value and len(concise.contents.value) < len(full.contents.value)
    assert plain.contents.kind == types.MarkupKind.PlainText
    assert "**" not in plain.contents.value and "`" not in plain.contents.value
    assert "--no-install-recommends" in plain.contents.value
