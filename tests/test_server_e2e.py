"""The real server over stdio: start, open, edit, read diagnostics (pushed and pulled)."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .lsp_helpers import SERVER, next_diagnostics, open_doc, pull_capabilities, push_only_capabilities

URI = "file:///tmp/docksense-test/Dockerfile"


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=push_only_capabilities(), initialization_options={"diagnostics": {"debounceMs": 0}})
    )
    lsp_client.init_result = result
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=pull_capabilities()))
    yield
    await lsp_client.shutdown_session()


async def test_server_info_and_capabilities(client: LanguageClient):
    info = client.init_result.server_info
    assert info.name == "docksense" and info.version
    sync = client.init_result.capabilities.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental


async def test_syntax_errors_pushed_all_at_once(client: LanguageClient):
    text = "FROM example.com/base:1.0\nENV ONLYKEY\nRUN <<EOF\necho\n"
    open_doc(client, URI, text)
    params = await next_diagnostics(client, URI)
    codes = sorted(d.code for d in params.diagnostics)
    assert codes == ["MissingValue", "UnterminatedHeredoc"]
    assert params.version == 1
    missing = [d for d in params.diagnostics if d.code == "MissingValue"][0]
    assert missing.range == types.Range(types.Position(1, 4), types.Position(1, 11))
    assert missing.source == "docksense"


async def test_incremental_edit_updates_diagnostics(client: LanguageClient):
    open_doc(client, URI, "FROM example.com/base:1.0\nENV ONLYKEY\n")
    first = await next_diagnostics(client, URI)
    assert [d.code for d in first.diagnostics] == ["MissingValue"]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, 11), types.Position(1, 11)), text="=1"
                )
            ],
        )
    )
    second = await next_diagnostics(client, URI)
    assert second.version == 2
    assert list(second.diagnostics) == []


async def test_pull_diagnostics(pull_client: LanguageClient):
    open_doc(pull_client, URI, "# just a comment\n")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert [d.code for d in report.items] == ["NoInstructions"]


async def test_garbage_document_keeps_server_alive(client: LanguageClient):
    open_doc(client, URI, "\x00\ufeff😀 <<EOF ${ [\"\n\r\r\n\\")
    await next_diagnostics(client, URI)
    open_doc(client, URI + "2", "FROM x:1\n")
    params = await next_diagnostics(client, URI + "2")
    assert list(params.diagnostics) == []
