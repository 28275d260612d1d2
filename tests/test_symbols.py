"""Document symbols (a tree of stages) and workspace symbols (stage names of open files)."""

from __future__ import annotations

import pytest_lsp
from docksense.features import symbols
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .feature_helpers import GENEROUS, analyse
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-symbols/Dockerfile"

TEXT = """\
# syntax=docker/dockerfile:1
ARG GO_VERSION=1.23 DISTRO=bookworm
FROM golang:${GO_VERSION}-${DISTRO} AS build
WORKDIR /src
ENV CGO_ENABLED=0 \\
    GOOS=linux
RUN go build -o /out/app .
FROM gcr.io/distroless/static
LABEL org.opencontainers.image.title="app" maintainer=me
COPY --from=build /out/app /app
ONBUILD RUN echo hi
"""


def outline(items, depth=0):
    out = []
    for item in items:
        out.append(("  " * depth) + f"{item.name} [{item.kind.name}]")
        out.extend(outline(item.children or [], depth + 1))
    return out


def test_outline_is_a_tree_of_stages_with_global_args_on_top():
    # rcjsuen's server answers a flat list with no stages
    assert outline(symbols.document_symbols(analyse(TEXT))) == [
        "GO_VERSION [Variable]",
        "DISTRO [Variable]",
        "build [Class]",
        "  WORKDIR [Function]",
        "  ENV [Function]",
        "    CGO_ENABLED [Variable]",
        "    GOOS [Variable]",
        "  RUN [Function]",
        "stage 1 (gcr.io/distroless/static) [Class]",
        "  LABEL [Function]",
        "    org.opencontainers.image.title [Property]",
        "    maintainer [Property]",
        "  COPY [Function]",
        "  ONBUILD RUN [Function]",
    ]


def test_ranges_contain_their_children_and_selection():
    def check(items, parent=None):
        for item in items:
            r, s = item.range, item.selection_range
            assert (r.start.line, r.start.character) <= (s.start.line, s.start.character)
            assert (s.end.line, s.end.character) <= (r.end.line, r.end.character)
            if parent is not None:
                assert (parent.start.line, parent.start.character) <= (r.start.line, r.start.character)
                assert (r.end.line, r.end.character) <= (parent.end.line, parent.end.character)
            check(item.children or [], r)

    tree = symbols.document_symbols(analyse(TEXT))
    check(tree)
    build = tree[2]
    assert build.range.start.line == 2 and build.range.end.line == 6
    assert build.detail == "FROM golang:${GO_VERSION}-${DISTRO} AS build"


def test_unnamed_stage_names_its_resolved_base_image():
    text = "ARG BASE=alpine:3.20\nFROM ${BASE}\nRUN true\n"
    assert symbols.document_symbols(analyse(text))[1].name == "stage 0 (alpine:3.20)"


def test_flat_list_for_clients_without_hierarchy():
    flat = symbols.symbols_for_client(analyse(TEXT), URI, hierarchical=False)
    assert all(isinstance(item, types.SymbolInformation) for item in flat)
    by_name = {item.name: item for item in flat}
    assert by_name["GOOS"].container_name == "ENV"
    assert by_name["WORKDIR"].container_name == "build"


def test_workspace_symbols_match_stage_names_across_documents():
    docs = [("file:///a/Dockerfile", analyse(TEXT)),
            ("file:///b/Dockerfile.dev", analyse("FROM node AS builder\nFROM builder AS runtime\n"))]
    found = [(s.name, s.location.uri) for s in symbols.workspace_symbols(docs, "bld")]
    assert found == [("build", "file:///a/Dockerfile"), ("builder", "file:///b/Dockerfile.dev")]
    assert [s.name for s in symbols.workspace_symbols(docs, "")] == ["build", "builder", "runtime"]


def test_half_typed_and_empty_files():
    for text in ["", "FROM", "ARG", "ENV =x\n", "FROM a AS\nRUN", "\ufeffFROM a\r\nLABEL \"k\"=v\r\n"]:
        for item in symbols.document_symbols(analyse(text)):
            assert item.name


# -- end to end ---------------------------------------------------------------------------------------
@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                             initialization_options=GENEROUS))
    yield
    await lsp_client.shutdown_session()


async def test_document_and_workspace_symbols_end_to_end(client: LanguageClient):
    open_doc(client, URI, TEXT)
    open_doc(client, "file:///tmp/docksense-symbols/other.Dockerfile", "FROM node:22 AS web\n")
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    assert [item.name for item in result] == ["GO_VERSION", "DISTRO", "build", "stage 1 (gcr.io/distroless/static)"]
    assert [child.name for child in result[2].children] == ["WORKDIR", "ENV", "RUN"]
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="b"))
    assert sorted(s.name for s in found) == ["build", "web"]


@pytest_lsp.fixture(config=SERVER)
async def old_client(lsp_client: LanguageClient):
    capabilities = client_capabilities("neovim@v0.7.0")
    capabilities.text_document.document_symbol.hierarchical_document_symbol_support = False
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities,
        initialization_options={**GENEROUS, "features": {"workspaceSymbols": False}}))
    yield
    await lsp_client.shutdown_session()


async def test_flat_symbols_and_switch_end_to_end(old_client: LanguageClient):
    client = old_client
    open_doc(client, URI, TEXT)
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    names = [item.name for item in result]
    assert "build" in names and "GOOS" in names
    assert await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="")) == []
