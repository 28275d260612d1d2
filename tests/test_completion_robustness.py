"""Completion, resolve and signature help answer at every position of any input.

Corpus files (every 40th, at line starts, after keywords, mid-line and line ends), random
text made of Dockerfile punctuation, random bytes and half-typed lines: no exception, every
text edit on one line inside the document and containing the cursor, every resolved item
still the same item.
"""

from __future__ import annotations

import random

import pytest
from docksense.analysis.document import Analysis
from docksense.features.completion import ClientSupport, completion, resolve
from docksense.features.signature_help import signature_help
from docksense.knowledge import KnowledgeBase
from lsprotocol import types

from .conftest import corpus_files, read

KB = KnowledgeBase()
CLIENTS = (ClientSupport(snippets=True, deprecated_tag=True, insert_replace=True),
           ClientSupport(resolve=False, markdown=False))


def utf16_width(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def check_position(analysis: Analysis, position: types.Position, client: ClientSupport) -> None:
    result = completion(analysis, KB, position, "utf-16", client)
    lines = analysis.lines
    # the cursor as the server reads it (a position inside a surrogate pair or past the end moves)
    line, character = lines.position(lines.offset(position.line, position.character))
    width = utf16_width(lines.line_text(line))
    for item in result.items:
        edit = item.text_edit
        ranges = [edit.insert, edit.replace] if isinstance(edit, types.InsertReplaceEdit) else [edit.range]
        for rng in ranges:
            assert rng.start.line == rng.end.line == line, (position, item.label)
            assert rng.start.character <= character <= rng.end.character <= width
        assert item.label
    for item in result.items[:2]:
        assert resolve(item, KB, analysis).label == item.label
    help_ = signature_help(analysis, KB, position)
    if help_ is not None:
        signature = help_.signatures[help_.active_signature]
        for parameter in signature.parameters or []:
            assert parameter.label in signature.label


def exercise(text: str, columns=(0, 3, 4, 6, None), clients=CLIENTS) -> None:
    analysis = Analysis(text)
    for line in range(analysis.lines.line_count):
        width = utf16_width(analysis.lines.line_text(line))
        for column in columns:
            character = width if column is None else min(column, width)
            for client in clients:
                check_position(analysis, types.Position(line, character), client)


@pytest.mark.shared
def test_corpus_sample():
    files = corpus_files()[::40]
    assert files
    for index, path in enumerate(files):
        exercise(read(path), columns=(0, 4, None), clients=(CLIENTS[index % 2],))


def test_random_dockerfile_punctuation():
    rnd = random.Random(10)
    alphabet = "FROMRUNCOPY abc$\\{}[],:=-\"'\n\r\t#<>EOF🐳é`@/."
    for _ in range(150):
        exercise("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 120))), columns=range(0, 30, 3))


def test_random_bytes():
    rnd = random.Random(11)
    for _ in range(40):
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 300)))
        exercise(raw.decode("utf-8", "surrogateescape"))


HALF_TYPED = """\
# syntax=docker/dockerfile:
# check=skip=Stage
ARG BASE=python:3.1
FROM --platform=$BUILD ${BASE
FROM golang:1. AS bu
RUN --mount=type=cache,target=/root/.cache/go-build,sha \\
    go build -o /out/app ./cm
FROM alpi
COPY --from=bu --chown=app:ap
RUN <<EOF
apk add --no-cach
EOF
HEALTHCHECK --interval=3 CMD ["wget", "-q
ENTRYPOINT ["/ap
ONBUILD RU
"""


@pytest.mark.parametrize("cut", range(0, len(HALF_TYPED), 7))
def test_half_typed_file_cut_anywhere(cut):
    exercise(HALF_TYPED[:cut], columns=range(0, 60, 2))
