"""Bad input never crashes the syntax layer, and every range stays inside the document."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docksense.syntax import Dockerfile, LineIndex, parse
from pygls.workspace import TextDocument
from lsprotocol import types

from .conftest import corpus_files, read

CORPUS = corpus_files()


def assert_ranges_inside(tree: Dockerfile) -> None:
    n = len(tree.text)
    assert not [p for p in tree.problems if p.code == "InternalError"]

    def inside(a: int, b: int) -> None:
        assert 0 <= a <= b <= n, (a, b, n)

    for problem in tree.problems:
        inside(problem.start, problem.end)
    for directive in tree.directives:
        inside(directive.start, directive.end)
        inside(directive.value_start, directive.value_end)
    for ins in tree.instructions:
        for node in [ins] + ([ins.trigger] if ins.trigger else []):
            inside(node.start, node.end)
            inside(node.keyword_start, node.keyword_end)
            for flag in node.flags:
                inside(flag.start, flag.end)
                inside(flag.name_start, flag.name_end)
            for word in node.words:
                inside(word.start, word.end)
            for pair in node.pairs:
                inside(pair.key_start, pair.key_end)
            for ref in node.variables:
                inside(ref.start, ref.end)
                inside(ref.name_start, ref.name_end)
            for doc in node.heredocs:
                inside(doc.body_start, doc.body_end)


@pytest.mark.shared
def test_corpus_is_large_enough():
    assert len(CORPUS) >= 1453 + 226


@pytest.mark.shared
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_file_parses(path):
    assert_ranges_inside(parse(read(path)))


def test_random_bytes_and_huge_file():
    rng = random.Random(7)
    for _ in range(50):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        assert_ranges_inside(parse(blob.decode("utf-8", "surrogateescape")))
    big = ("RUN apt-get update && \\\n    apt-get install -y curl\n" * 200_000)[: 10 * 1024 * 1024]
    tree = parse("FROM x\n" + big)
    assert len(tree.instructions) > 100_000


def test_very_long_line_is_reported():
    tree = parse("FROM x\nRUN echo " + "a" * 70_000 + "\n")
    assert "LineTooLong" in [p.code for p in tree.problems]


TOKENS = st.sampled_from(
    ["FROM", "RUN", "COPY", "ENV", "ARG", "ONBUILD", "HEALTHCHECK", "CMD", " ", "\t", "\n", "\r\n", "\\\n", "`\n",
     "# escape=`\n", "# syntax=x\n", "#", "<<EOF", "<<-'EOF'", "EOF", "<<<", '"', "'", "[", "]", '"a",', "=", "--",
     "--mount=type=cache", "$", "${", "}", "${A:-b}", "AS", "x", "😀", "\ufeff", "\x00"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text())
def test_random_text_never_raises(text):
    assert_ranges_inside(parse(text))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(TOKENS, max_size=60))
def test_random_dockerfile_tokens_never_raise(tokens):
    assert_ranges_inside(parse("".join(tokens)))


def _random_edit(data, text: str):
    lines = LineIndex(text)
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    new = data.draw(st.text(alphabet=st.sampled_from(list("FROM RUN\\\n\r<<EOF$'\"{}#😀=")), max_size=12))
    sl, sc = lines.position(a)
    el, ec = lines.position(b)
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(sl, sc), types.Position(el, ec)), text=new
    )
    return change


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_incremental_edits_give_the_same_tree_as_a_full_parse(data):
    base = "# syntax=docker/dockerfile:1\nFROM python:3.11 AS b\nRUN apt-get update && \\\n  apt-get install -y x\nRUN <<EOF\necho 😀\nEOF\n"
    document = TextDocument("file:///Dockerfile", base, version=0)
    for step in range(data.draw(st.integers(1, 6))):
        change = _random_edit(data, document.source)
        document.apply_change(change)
        incremental = parse(document.source)
        assert_ranges_inside(incremental)
        full = parse(str(document.source))
        assert incremental == full
