"""Formatting through the real server over stdio: document, range, on-type, and the switch."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-format/Dockerfile"
TEXT = (
    "FROM debian:12 AS build\n"
    "  run   set -eux; \\\n"
    "  apt-get update; \\\n"
    "      echo nested;   \n"
    "COPY  --from=build   /a /b\n"
    "RUN <<EOF\n"
    "   keep   me\n"
    "EOF\n"
    "ENV A=\U0001f600 B=1  \n"
)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply edits given in UTF-16 positions (the default encoding)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line]
        units = 0
        for index, ch in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(ch) > 0xFFFF else 1
        return before + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
        lines = text.split("\n")
    return text


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def test_document_formatting(client: LanguageClient):
    open_doc(client, URI, TEXT)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(URI), types.FormattingOptions(4, True))
    )
    result = apply(TEXT, edits)
    assert result == (
        "FROM debian:12 AS build\n"
        "RUN set -eux; \\\n"
        "    apt-get update; \\\n"
        "        echo nested;\n"
        "COPY --from=build /a /b\n"
        "RUN <<EOF\n"
        "   keep   me\n"
        "EOF\n"
        "ENV A=\U0001f600 B=1\n"
    )
    # one edit per changed line, none touching the heredoc body
    assert all(edit.range.start.line == edit.range.end.line for edit in edits)
    assert 6 not in {edit.range.start.line for edit in edits}


async def test_range_formatting_touches_only_the_instructions_in_range(client: LanguageClient):
    open_doc(client, URI, TEXT)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            types.TextDocumentIdentifier(URI),
            types.Range(types.Position(4, 0), types.Position(4, 3)),
            types.FormattingOptions(4, True),
        )
    )
    assert {edit.range.start.line for edit in edits} == {4}
    assert edits[0].new_text == "COPY --from=build /a /b"


async def test_on_type_formatting_indents_the_new_continuation_line(client: LanguageClient):
    text = "FROM a\nRUN apt-get update && \\\n\n"
    open_doc(client, URI, text)
    edits = await client.text_document_on_type_formatting_async(
        types.DocumentOnTypeFormattingParams(
            types.TextDocumentIdentifier(URI), types.Position(2, 0), "\n", types.FormattingOptions(2, True)
        )
    )
    assert [(e.range.start.line, e.new_text) for e in edits] == [(2, "  ")]


async def test_formatting_can_be_switched_off(client: LanguageClient):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"docksense": {"features": {"formatting": False}}})
    )
    open_doc(client, URI, TEXT)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(URI), types.FormattingOptions(4, True))
    )
    assert list(edits or []) == []
