"""Semantic tokens: a legend that covers every emitted token, exact non-overlapping spans."""

from __future__ import annotations

import pytest
import pytest_lsp
from docksense.analysis import Analysis
from docksense.features import semantic_tokens as st
from docksense.knowledge import KnowledgeBase
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .conftest import corpus_files, read
from .feature_helpers import GENEROUS, analyse, tdi
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-tokens/Dockerfile"

TEXT = """\
# syntax=docker/dockerfile:1
# a comment
ARG BASE=alpine:3.20
FROM ${BASE} AS build
ARG TARGETARCH
ENV APP="/app" MODE=${TARGETARCH:-amd64}
RUN --mount=type=cache,target=/var/cache/apk apk add --no-cache curl && echo "$APP"
COPY <<EOF /etc/app.conf
x=1
EOF
FROM scratch
COPY --from=build /app /app
EXPOSE 8080
MAINTAINER me
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
"""

KB = KnowledgeBase()


def tokens(text: str, kb=KB, encoding: str = "utf-16"):
    """(line, text, type, modifiers) of every token (ASCII text)."""
    lines = text.split("\n")
    out = []
    for line, char, length, kind, mods in st.absolute_tokens(analyse(text), kb, encoding):
        names = [st.TOKEN_MODIFIERS[i] for i in range(len(st.TOKEN_MODIFIERS)) if mods & (1 << i)]
        out.append((line, lines[line][char:char + length], st.TOKEN_TYPES[kind], tuple(names)))
    return out


def assert_well_formed(analysis: Analysis, data: list[int], encoding: str = "utf-16"):
    """Every token single-line, inside its line, non-overlapping, typed from the legend."""
    legend_types = len(st.LEGEND.token_types)
    all_modifiers = (1 << len(st.LEGEND.token_modifiers)) - 1
    line = char = 0
    last_end = (-1, -1)
    for index in range(0, len(data), 5):
        delta_line, delta_char, length, kind, mods = data[index:index + 5]
        line += delta_line
        char = delta_char if delta_line else char + delta_char
        assert 0 <= kind < legend_types
        assert mods & ~all_modifiers == 0
        assert length > 0
        text = analysis.lines.line_text(line)
        width = len(text.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(text)
        assert char + length <= width, (line, char, length, text)
        assert (line, char) >= last_end
        last_end = (line, char + length)


def test_expected_token_types():
    found = tokens(TEXT)
    expected = [
        (0, "syntax", "macro", ()),
        (0, "docker/dockerfile:1", "string", ()),
        (1, "# a comment", "comment", ()),
        (2, "ARG", "keyword", ()),
        (2, "BASE", "variable", ("declaration",)),
        (3, "${BASE}", "variable", ()),
        (3, "AS", "keyword", ()),
        (3, "build", "class", ("declaration",)),
        (4, "TARGETARCH", "variable", ("declaration", "readonly", "defaultLibrary")),
        (5, '"/app"', "string", ()),
        (5, "${TARGETARCH", "variable", ("readonly", "defaultLibrary")),
        (5, ":-", "operator", ()),
        (6, "--mount", "parameter", ()),
        (6, "type", "property", ()),
        (6, "cache", "string", ()),
        (6, "apk", "function", ()),
        (6, "add", "method", ()),
        (6, "--no-cache", "parameter", ()),
        (6, "$APP", "variable", ()),
        (7, "<<EOF", "operator", ()),
        (9, "EOF", "operator", ()),
        (10, "scratch", "type", ()),
        (11, "--from", "parameter", ()),
        (11, "build", "class", ()),
        (12, "8080", "number", ()),
        (13, "MAINTAINER", "keyword", ("deprecated",)),
        (14, "CMD", "keyword", ()),
        (14, "curl", "function", ()),
        (14, "-f", "parameter", ()),
        (14, '"http://localhost/"', "string", ()),
    ]
    missing = [token for token in expected if token not in found]
    assert missing == []


def test_names_the_script_sets_are_declarations():
    found = tokens("FROM a\nRUN for f in a b; do echo $f; done; x=1\n")
    assert (1, "f", "variable", ("declaration",)) in found and (1, "x", "variable", ("declaration",)) in found
    assert (1, "$f", "variable", ()) in found


def test_tags_paths_equals_and_continuations():
    found = tokens("FROM python:3.12-slim@sha256:ab\nWORKDIR /app\nENV A=1\nRUN true && \\\n    false\n"
                   "COPY src/ ./dst/\n")
    assert (0, "python", "type", ()) in found and (0, ":3.12-slim@sha256:ab", "property", ()) in found
    assert (1, "/app", "string", ()) in found and (2, "=", "operator", ()) in found
    assert (3, "\\", "operator", ()) in found
    assert (5, "src/", "string", ()) in found and (5, "./dst/", "string", ()) in found


def test_variables_split_the_strings_they_sit_in():
    found = tokens('FROM a\nENV X="pre-${Y}-post"\n')
    assert [(t, k) for line, t, k, _ in found if line == 1 and k in ("string", "variable")] == [
        ("X", "variable"), ('"pre-', "string"), ("${Y}", "variable"), ('-post"', "string")]


def test_legend_covers_every_emitted_token_and_tokens_never_overlap():
    # rcjsuen's server emits `modifier` tokens its legend does not list
    analysis = analyse(TEXT)
    assert_well_formed(analysis, st.full(analysis, URI, KB).data)
    emitted = {kind for _, _, _, kind, _ in st.absolute_tokens(analysis, KB)}
    assert emitted <= set(range(len(st.LEGEND.token_types)))


def test_multiline_values_are_cut_at_line_ends():
    text = 'FROM a\nENV X="one \\\n  two"\n'
    analysis = analyse(text)
    data = st.full(analysis, URI, KB).data
    assert_well_formed(analysis, data)
    lines = {t[0] for t in st.absolute_tokens(analysis, KB)}
    assert {1, 2} <= lines


def test_utf16_and_utf8_lengths():
    text = 'FROM a\nLABEL note="🐳 é"\n'
    analysis = analyse(text)
    label = [t for t in st.absolute_tokens(analysis, KB, "utf-16") if t[0] == 1 and t[3] == st.STRING][0]
    assert label[2] == len('"🐳 é"'.encode("utf-16-le")) // 2
    label8 = [t for t in st.absolute_tokens(analysis, KB, "utf-8") if t[0] == 1 and t[3] == st.STRING][0]
    assert label8[2] == len('"🐳 é"'.encode("utf-8"))


def test_delta_applied_to_the_old_data_gives_the_new_data():
    old_text = TEXT
    new_text = TEXT.replace("EXPOSE 8080", "EXPOSE 8080 9090\nUSER app")
    first = st.full(analyse(old_text), URI, KB)
    result = st.delta(analyse(new_text), URI, first.result_id, KB)
    assert isinstance(result, types.SemanticTokensDelta)
    data = list(first.data)
    for edit in result.edits:
        data[edit.start:edit.start + edit.delete_count] = edit.data or []
    assert data == st.full(analyse(new_text), URI, KB).data
    # an unknown previous id: the full tokens
    assert isinstance(st.delta(analyse(new_text), URI, "nope", KB), types.SemanticTokens)


def test_range_is_the_slice_of_the_full_tokens():
    analysis = analyse(TEXT)
    rng = types.Range(types.Position(5, 0), types.Position(7, 0))
    data = st.in_range(analysis, rng, KB).data
    assert data[0] == 5  # first token's line, relative to the start of the document
    lines = {t[0] for t in st.absolute_tokens(analysis, KB) if 5 <= t[0] < 7}
    assert len(data) == 5 * len([t for t in st.absolute_tokens(analysis, KB) if t[0] in lines])


def test_without_knowledge_commands_and_options_are_still_coloured():
    found = tokens("FROM a\nRUN apt-get install -y curl\n", kb=None)
    assert (1, "apt-get", "function", ()) in found and (1, "-y", "parameter", ()) in found


@pytest.mark.parametrize("text", ["", "FROM", "RUN <<EOF\n", "FROM a\nENV ${", "\ufeffFROM a AS b\r\nCOPY --from=b", "x" * 5000])
def test_half_typed_input(text):
    analysis = analyse(text)
    assert_well_formed(analysis, st.full(analysis, URI, KB).data)


@pytest.mark.shared
def test_corpus_tokens_are_well_formed():
    files = corpus_files()[::7]
    for path in files:
        analysis = Analysis(read(path))
        assert_well_formed(analysis, st.full(analysis, path.as_uri(), KB).data)


# -- end to end ---------------------------------------------------------------------------------------
@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                             initialization_options=GENEROUS))
    yield
    await lsp_client.shutdown_session()


async def test_semantic_tokens_end_to_end(client: LanguageClient):
    provider = client.init_result.capabilities.semantic_tokens_provider
    assert list(provider.legend.token_types) == st.TOKEN_TYPES
    assert list(provider.legend.token_modifiers) == st.TOKEN_MODIFIERS
    assert provider.range is True and provider.full.delta is True
    open_doc(client, URI, TEXT)
    full = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=tdi(URI)))
    if full.result_id is None:  # the first request of a cold server may run past its budget: ask again
        full = await client.text_document_semantic_tokens_full_async(
            types.SemanticTokensParams(text_document=tdi(URI)))
    assert_well_formed(analyse(TEXT), full.data)
    new_text = TEXT + "USER app\n"
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]))
    delta = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=tdi(URI), previous_result_id=full.result_id))
    data = list(full.data)
    for edit in delta.edits:
        data[edit.start:edit.start + edit.delete_count] = edit.data or []
    assert_well_formed(analyse(new_text), data)
    assert len(data) == len(full.data) + 10  # the USER keyword and its value
    part = await client.text_document_semantic_tokens_range_async(types.SemanticTokensRangeParams(
        text_document=tdi(URI), range=types.Range(types.Position(0, 0), types.Position(1, 0))))
    assert 0 < len(part.data) < len(full.data)
