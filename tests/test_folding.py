"""Folding ranges: stages, multi-line instructions, heredocs, comment blocks."""

from __future__ import annotations

import pytest_lsp
from docksense.features import folding
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .feature_helpers import GENEROUS, analyse
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-folding/Dockerfile"

TEXT = """\
# syntax=docker/dockerfile:1
# check=skip=StageNameCasing
ARG X=1
# the build stage:
# compiles the app
FROM alpine AS build
RUN set -eux; \\
    apk add --no-cache curl; \\
    # a comment inside the continuation
    curl -fsSL example.com
COPY <<EOF /etc/app.conf
key=value
other=1
EOF
RUN <<A cat /dev/stdin
one
A

FROM scratch
COPY --from=build / /
"""

REGION, COMMENT = types.FoldingRangeKind.Region, types.FoldingRangeKind.Comment


def ranges(text: str):
    return [(r.start_line, r.end_line, r.kind) for r in folding.folding_ranges(analyse(text))]


def test_stages_instructions_heredocs_and_comment_blocks():
    assert ranges(TEXT) == [
        (0, 1, COMMENT),    # the directives
        (3, 4, COMMENT),    # a comment block
        (5, 16, REGION),    # the stage (ends at its last instruction, not at the blank line)
        (6, 9, REGION),     # the continued RUN
        (10, 13, REGION),   # COPY with its heredoc
        (14, 16, REGION),   # RUN with its heredoc
        (18, 19, REGION),   # the second stage
    ]


def test_one_line_instructions_and_stages_do_not_fold():
    assert ranges("FROM a\nRUN true\n") == [(0, 1, REGION)]
    assert ranges("FROM a\n") == []


def test_second_heredoc_of_an_instruction_folds_on_its_own():
    text = "FROM a\nCOPY <<one <<two /dst/\n1\none\n2\n2\ntwo\n"
    assert (1, 6, REGION) in ranges(text)
    assert (3, 6, REGION) in ranges(text)  # from the first terminator to the second


def test_limit_is_honoured():
    assert len(folding.folding_ranges(analyse(TEXT), limit=2)) == 2


def test_crlf_and_unterminated_heredoc():
    text = "FROM a\r\nRUN <<EOF\r\necho 1\r\necho 2\r\n"
    assert ranges(text) == [(0, 3, REGION), (1, 3, REGION)]


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                             initialization_options=GENEROUS))
    yield
    await lsp_client.shutdown_session()


async def test_folding_end_to_end(client: LanguageClient):
    open_doc(client, URI, TEXT)
    result = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    assert [(r.start_line, r.end_line) for r in result] == [(0, 1), (3, 4), (5, 16), (6, 9), (10, 13), (14, 16),
                                                           (18, 19)]
