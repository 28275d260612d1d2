"""Helpers for end-to-end tests that drive the real server over stdio with pytest-lsp."""

from __future__ import annotations

import sys

from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "docksense", "serve"])


def push_only_capabilities() -> types.ClientCapabilities:
    """Neovim 0.7's capabilities: no pull diagnostics, so the server pushes."""
    return client_capabilities("neovim@v0.7.0")


def pull_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
    return caps


def open_doc(client, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="dockerfile", version=version, text=text)
        )
    )


async def next_diagnostics(client, uri: str):
    """Wait for a publishDiagnostics for ``uri`` and return it."""
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri:
            return params
