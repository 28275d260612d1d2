"""Completion and completionItem/resolve through the real server over stdio (pytest-lsp).

One test per group the issue lists, each driving the server the way an editor does, with a
client that supports snippets (VS Code's capabilities) and one that does not (Neovim 0.7's).
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .lsp_helpers import SERVER, open_doc

# These tests are about what is offered, not about time: on a busy machine the first request
# (which loads the knowledge base) may pass the default request budget and be answered empty.
PATIENT = {"limits": {"requestBudgetMs": 60000}}

URI = "file:///tmp/docksense-completion/Dockerfile"


def cursor(source: str) -> tuple[str, types.Position]:
    index = source.index("|")
    text = source.replace("|", "", 1)
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    prefix = text[index - column: index]
    return text, types.Position(line, len(prefix.encode("utf-16-le")) // 2)


async def complete(client: LanguageClient, source: str, uri: str = URI, trigger: str | None = None):
    text, position = cursor(source)
    open_doc(client, uri, text)
    context = types.CompletionContext(
        trigger_kind=types.CompletionTriggerKind.TriggerCharacter if trigger else types.CompletionTriggerKind.Invoked,
        trigger_character=trigger,
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position, context=context)
    )
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    return text, position, items


def labels(items) -> list[str]:
    return [item.label for item in items]


def pick(items, label):
    for item in items:
        if item.label == label:
            return item
    raise AssertionError(f"{label!r} not offered; got {labels(items)[:30]}")


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), initialization_options=PATIENT))
    yield
    await lsp_client.shutdown_session()


# (probe with | at the cursor, trigger character, labels that must be offered, labels that must not)
GROUPS = {
    "instructions": [
        ("|", None, ["FROM", "ARG"], ["RUN"]),
        ("FROM alpine\n|", None, ["RUN", "COPY", "HEALTHCHECK", "COPY --from=stage src dest", 'CMD ["executable", "param"]'], []),
        ("from alpine\nco|", None, ["copy"], ["COPY"]),
        ("FROM alpine\nONBUILD |", " ", ["RUN", "COPY"], ["FROM", "ONBUILD", "MAINTAINER"]),
    ],
    "directives": [
        ("# |\nFROM alpine\n", " ", ["syntax=", "escape=", "check="], []),
        ("# check=skip=|\nFROM alpine\n", "=", ["StageNameCasing", "all"], []),
        ("FROM alpine\n# hadolint ignore=|\nRUN apt-get install curl\n", "=", ["DL3008", "AptPinVersions"], []),
        ("FROM alpine\n# |\n", " ", [], ["syntax=", "check="]),
    ],
    "flags": [
        ("FROM alpine\nCOPY --|", "-", ["--chmod", "--link", "--parents", "--exclude", "--from", "--chown"], []),
        ("FROM alpine\nADD --|", "-", ["--checksum", "--keep-git-dir", "--unpack"], []),
        ("FROM alpine\nRUN --|", "-", ["--mount", "--network", "--security", "--device"], []),
        ("FROM alpine\nRUN --mount=type=|", "=", ["bind", "cache", "tmpfs", "secret", "ssh"], []),
        ("FROM alpine\nRUN --mount=type=cache,|", ",", ["target", "sharing", "id", "uid"], ["size"]),
        ("FROM alpine\nRUN --mount=type=cache,sharing=|", "=", ["shared", "private", "locked"], []),
        ("FROM alpine\nRUN --network=|", "=", ["default", "none", "host"], []),
        ("FROM alpine\nRUN --security=|", "=", ["sandbox", "insecure"], []),
        ("FROM --platform=|", "=", ["$BUILDPLATFORM", "linux/amd64", "linux/arm64"], []),
        ("FROM alpine\nHEALTHCHECK --|", "-", ["--interval", "--timeout", "--start-period", "--start-interval", "--retries"], []),
    ],
    "references": [
        ("FROM golang AS build\nFROM alpine AS final\nCOPY --from=|", "=", ["build", "0"], ["final", "1"]),
        ("FROM golang AS build\nFROM alpine\nRUN --mount=type=bind,from=|", "=", ["build"], []),
        ("FROM golang AS build\nFROM |", " ", ["build", "alpine"], []),
        ("ARG GO=1.23\nFROM golang:$|", "$", ["GO", "BUILDPLATFORM"], []),
        ("FROM alpine\nARG VERSION=1\nENV APP=/srv\nRUN echo ${|", "{", ["VERSION", "APP"], []),
        ("FROM alpine\nARG VERSION=1\nRUN echo ${VERSION:|", ":", ["${VERSION:-word}", "${VERSION:+word}"], []),
    ],
    "images": [
        ("FROM |", " ", ["python", "node", "alpine", "golang", "gcr.io/distroless/static"], []),
        ("FROM python:|", ":", ["3.13", "3.13-slim", "slim", "alpine"], []),
        ("FROM node:|", ":", ["22", "20"], []),
        ("FROM golang AS b\nFROM alpine\nCOPY --from=|", "=", ["b", "nginx"], []),
    ],
    "shell": [
        ("FROM debian\nRUN apt-get install --no-|", "-", ["--no-install-recommends"], []),
        ("FROM python\nRUN pip install --no-|", "-", ["--no-cache-dir"], []),
        ("FROM alpine\nRUN apk add --|", "-", ["--no-cache"], []),
        ("FROM node\nRUN npm |", " ", ["ci", "install"], []),
        ("FROM debian\nRUN <<EOF\napt-get install --no-|\nEOF\n", "-", ["--no-install-recommends"], []),
        ("FROM debian\nRUN apt-get update && |", " ", ["apt-get"], []),
    ],
    "quiet": [
        ("FROM alpine\n# some words |\n", " ", [], ["RUN", "FROM"]),
        ("FROM alpine\nCOPY <<EOF /etc/motd\n|\nEOF\n", None, [], ["RUN", "apt-get"]),
        ("FROM alpine\nRUN --network=|", "=", [], ["RUN", "apt-get"]),
    ],
}


@pytest.mark.parametrize("group", list(GROUPS))
async def test_completion_groups(client: LanguageClient, group):
    failures = []
    for source, trigger, wanted, unwanted in GROUPS[group]:
        _, _, items = await complete(client, source, trigger=trigger)
        got = labels(items)
        missing = [w for w in wanted if w not in got]
        extra = [u for u in unwanted if u in got]
        if missing or extra:
            failures.append((source, missing, extra, got[:15]))
    assert failures == []


async def test_text_edit_replaces_what_was_typed(client: LanguageClient):
    _, position, items = await complete(client, "FROM debian\nRUN apt-get install --no-|", trigger="-")
    item = pick(items, "--no-install-recommends")
    assert item.text_edit.range == types.Range(types.Position(1, position.character - 5), position)
    assert item.text_edit.new_text == "--no-install-recommends"


async def test_end_of_life_tags_are_deprecated(client: LanguageClient):
    _, _, items = await complete(client, "FROM python:|", trigger=":")
    assert list(pick(items, "2.7").tags) == [types.CompletionItemTag.Deprecated]
    assert not pick(items, "3.14").tags


async def test_resolve_fills_documentation(client: LanguageClient):
    _, _, items = await complete(client, "FROM debian\nRUN apt-get install --no-|", trigger="-")
    resolved = await client.completion_item_resolve_async(pick(items, "--no-install-recommends"))
    assert resolved.documentation.kind == types.MarkupKind.Markdown
    assert "Recommends" in resolved.documentation.value

    _, _, items = await complete(client, "FROM alpine\nRUN --mount=type=|", trigger="=")
    resolved = await client.completion_item_resolve_async(pick(items, "cache"))
    assert "cache" in resolved.documentation.value.lower()


async def test_resolve_explains_a_stage_of_the_open_document(client: LanguageClient):
    source = "FROM golang AS build\nRUN go build -o /app\nFROM alpine\nCOPY --from=|"
    text, position = cursor(source)
    open_doc(client, URI + ".stage", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI + ".stage"), position=position)
    )
    resolved = await client.completion_item_resolve_async(pick(result.items, "build"))
    assert "stage" in resolved.documentation.value.lower()


async def test_utf16_positions_after_emoji(client: LanguageClient):
    _, position, items = await complete(client, 'FROM debian\nRUN echo "🐳🐳" && apt-get install --no-|', trigger="-")
    item = pick(items, "--no-install-recommends")
    assert item.text_edit.range.end == position
    assert item.text_edit.range.start.character == position.character - len("--no-")


async def test_any_position_gets_an_answer(client: LanguageClient):
    text = "# syntax=docker/dockerfile:1\r\nFROM alpine AS a\r\nRUN echo \\\r\n  hi\r\nCOPY --from=a /x /y\r\n"
    open_doc(client, URI + ".crlf", text)
    for line in range(8):
        for character in (0, 1, 5, 11, 40, 400):
            result = await client.text_document_completion_async(
                types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI + ".crlf"),
                                       position=types.Position(line, character))
            )
            assert result is not None


@pytest_lsp.fixture(config=SERVER)
async def plain_client(lsp_client: LanguageClient):
    """Neovim 0.7's capabilities: no snippets, no tag support, no resolve support declared."""
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim@v0.7.0"), initialization_options=PATIENT))
    yield
    await lsp_client.shutdown_session()


async def test_plain_client_gets_no_snippets(plain_client: LanguageClient):
    _, _, items = await complete(plain_client, "FROM alpine\n|")
    assert "RUN" in labels(items)
    assert all(item.insert_text_format != types.InsertTextFormat.Snippet for item in items)
    assert pick(items, "RUN").text_edit.new_text == "RUN "
    _, _, items = await complete(plain_client, "FROM python:|", trigger=":")
    assert pick(items, "2.7").deprecated is True
    _, _, items = await complete(plain_client, "FROM alpine\nARG V=1\nRUN echo ${V:|", trigger=":")
    assert pick(items, "${V:-word}").text_edit.new_text == "${V:-word}"


async def test_completion_can_be_switched_off(client: LanguageClient):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"docksense": {"features": {"completion": False}}})
    )
    _, _, items = await complete(client, "FROM alpine\nRUN --network=|", trigger="=")
    assert items == []
