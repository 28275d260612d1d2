"""Code actions through the real server over stdio: quick fix, ignore, fix-all.

These run once ``server.py`` registers the ``textDocument/codeAction`` handler of
:mod:`docksense.features.code_actions`; until then they are skipped with that reason. The
sample is chosen so that BuildKit-family checks with fixes report on it (``as`` casing and
inconsistent instruction casing); without such a rule registered the fix tests skip too.
"""

from __future__ import annotations

from typing import Optional

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from docksense.syntax import LineIndex

from .lsp_helpers import SERVER, next_diagnostics, open_doc, push_only_capabilities

URI = "file:///tmp/docksense-test/code-actions/Dockerfile"
SAMPLE = "FROM alpine:3.20 as build\nrun echo hi\nFROM build\nRUN echo done\n"
FIX_ALL = "source.fixAll.docksense"


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    # push diagnostics, so that the effect of each edit can be awaited
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=push_only_capabilities(), initialization_options={"diagnostics": {"debounceMs": 0}})
    )
    if result.capabilities.code_action_provider is None:
        await lsp_client.shutdown_session()
        pytest.skip("server.py has no textDocument/codeAction handler yet (features.code_actions is not wired)")
    lsp_client.init_result = result
    lsp_client.version = 1
    yield
    await lsp_client.shutdown_session()


def apply(text: str, edit: types.WorkspaceEdit) -> str:
    lines = LineIndex(text)
    spans = []
    for change in edit.changes[URI]:
        start = lines.offset(change.range.start.line, change.range.start.character)
        end = lines.offset(change.range.end.line, change.range.end.character)
        spans.append((start, end, change.new_text))
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


async def replace_text(client: LanguageClient, text: str):
    client.version += 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=client.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return await next_diagnostics(client, URI)


async def actions_for(client: LanguageClient, diagnostics, only=None) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=diagnostics[0].range if diagnostics else types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def fixable(diagnostics) -> Optional[types.Diagnostic]:
    for diagnostic in diagnostics:
        data = diagnostic.data
        if isinstance(data, dict) and isinstance(data.get("fix"), dict):
            return diagnostic
    return None


async def test_code_action_kinds_advertised(client: LanguageClient):
    provider = client.init_result.capabilities.code_action_provider
    assert isinstance(provider, types.CodeActionOptions)
    kinds = [str(getattr(k, "value", k)) for k in provider.code_action_kinds or []]
    assert "quickfix" in kinds and FIX_ALL in kinds


async def test_quick_fix_from_pushed_diagnostic(client: LanguageClient):
    open_doc(client, URI, SAMPLE)
    pushed = await next_diagnostics(client, URI)
    target = fixable(pushed.diagnostics)
    if target is None:
        pytest.skip("no registered rule reports a fixable finding on the sample yet")
    actions = await actions_for(client, [target], only=[types.CodeActionKind.QuickFix])
    title = target.data["fix"]["title"]
    fixes = [a for a in actions if a.title == title]
    assert len(fixes) == 1 and fixes[0].kind == types.CodeActionKind.QuickFix
    assert bool(fixes[0].is_preferred) == bool(target.data["fix"]["preferred"])
    after = await replace_text(client, apply(SAMPLE, fixes[0].edit))
    assert not [d for d in after.diagnostics if d.code == target.code and d.range == target.range]


async def test_ignore_in_this_file(client: LanguageClient):
    open_doc(client, URI, SAMPLE)
    pushed = await next_diagnostics(client, URI)
    lintable = [d for d in pushed.diagnostics if isinstance(d.data, dict) and d.code not in _syntax_codes()]
    if not lintable:
        pytest.skip("no registered lint rule reports on the sample yet")
    target = lintable[0]
    actions = await actions_for(client, [target])
    ignore = [a for a in actions if a.title == f"Ignore {target.code} in this file"]
    assert len(ignore) == 1
    assert [a for a in actions if a.title == f"Ignore {target.code} for this instruction"]
    after = await replace_text(client, apply(SAMPLE, ignore[0].edit))
    assert target.code not in [d.code for d in after.diagnostics]


async def test_fix_all(client: LanguageClient):
    open_doc(client, URI, SAMPLE)
    pushed = await next_diagnostics(client, URI)
    safe = [d for d in pushed.diagnostics if isinstance(d.data, dict) and (d.data.get("fix") or {}).get("safe")]
    if not safe:
        pytest.skip("no registered rule reports a safe fix on the sample yet")
    actions = await actions_for(client, [], only=[types.CodeActionKind.SourceFixAll])
    assert [getattr(a.kind, "value", a.kind) for a in actions] == [FIX_ALL]
    fixed = apply(SAMPLE, actions[0].edit)
    after = await replace_text(client, fixed)
    assert not [d for d in after.diagnostics if isinstance(d.data, dict) and (d.data.get("fix") or {}).get("safe")]
    again = await actions_for(client, [], only=[types.CodeActionKind.SourceFixAll])
    assert again == []


async def test_code_action_on_a_syntax_error_offers_no_ignore(client: LanguageClient):
    text = "FROM alpine\nENV ONLYKEY\n"
    open_doc(client, URI, text)
    pushed = await next_diagnostics(client, URI)
    missing = [d for d in pushed.diagnostics if d.code == "MissingValue"]
    assert missing
    actions = await actions_for(client, missing, only=[types.CodeActionKind.QuickFix])
    assert not [a for a in actions if a.title.startswith("Ignore")]


def _syntax_codes() -> set[str]:
    from docksense.rules import RULES

    return {name for name, rule in RULES.items() if rule.family == "syntax"}
