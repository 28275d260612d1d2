"""Signature help through the real server over stdio (pytest-lsp)."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .lsp_helpers import SERVER, open_doc

# These tests are about what is offered, not about time: on a busy machine the first request
# (which loads the knowledge base) may pass the default request budget and be answered empty.
PATIENT = {"limits": {"requestBudgetMs": 60000}}

URI = "file:///tmp/docksense-signature/Dockerfile"


def cursor(source: str) -> tuple[str, types.Position]:
    index = source.index("|")
    text = source.replace("|", "", 1)
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return text, types.Position(line, len(text[index - column: index].encode("utf-16-le")) // 2)


async def help_at(client: LanguageClient, source: str, uri: str = URI, trigger: str | None = None):
    text, position = cursor(source)
    open_doc(client, uri, text)
    context = types.SignatureHelpContext(
        trigger_kind=types.SignatureHelpTriggerKind.TriggerCharacter if trigger else types.SignatureHelpTriggerKind.Invoked,
        trigger_character=trigger, is_retrigger=False,
    )
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position, context=context)
    )
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    return result


def active(result: types.SignatureHelp) -> tuple[str, str | None]:
    signature = result.signatures[result.active_signature]
    index = result.active_parameter
    return signature.label, (signature.parameters[index].label if index is not None else None)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim@v0.7.0"), initialization_options=PATIENT))
    yield
    await lsp_client.shutdown_session()


async def test_instruction_forms(client: LanguageClient):
    label, parameter = active(await help_at(client, "FROM alpine\nRUN <<EOF|\necho hi\nEOF\n"))
    assert "<<EOF" in label and parameter == "<script>"
    label, parameter = active(await help_at(client, 'FROM alpine\nCMD ["node", |', trigger=","))
    assert label.startswith("CMD [") and parameter == '"<param1>",'
    label, parameter = active(await help_at(client, "FROM alpine\nRUN apt-get update|"))
    assert label.endswith("<command>") and parameter == "<command>"


async def test_flag_values(client: LanguageClient):
    label, parameter = active(await help_at(client, "FROM alpine\nHEALTHCHECK --interval=|", trigger="="))
    assert label == "--interval=<duration>"
    result = await help_at(client, "FROM alpine\nHEALTHCHECK --interval=|", trigger="=")
    assert "30s" in result.signatures[0].documentation.value
    label, parameter = active(await help_at(client, "FROM alpine\nRUN --mount=type=cache,sharing=|", trigger="="))
    assert label.startswith("--mount=type=cache,") and parameter == "sharing=<shared|private|locked>"
    label, parameter = active(await help_at(client, "FROM golang AS build\nFROM alpine\nCOPY --from=|", trigger="="))
    assert label.startswith("--from=")
    result = await help_at(client, "FROM golang AS build\nFROM alpine\nCOPY --from=|", trigger="=")
    assert "build" in result.signatures[0].documentation.value


async def test_nothing_in_comments_and_no_error_past_the_end(client: LanguageClient):
    assert await help_at(client, "# just a comment |\nFROM alpine\n") is None
    text = "FROM alpine\r\nRUN echo hi\r\n"
    open_doc(client, URI + ".end", text)
    for position in (types.Position(0, 0), types.Position(1, 400), types.Position(9, 0)):
        await client.text_document_signature_help_async(
            types.SignatureHelpParams(text_document=types.TextDocumentIdentifier(uri=URI + ".end"), position=position)
        )


async def test_signature_help_can_be_switched_off(client: LanguageClient):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"docksense": {"features": {"signatureHelp": False}}})
    )
    assert await help_at(client, "FROM alpine\nRUN --network=|", trigger="=") is None
