"""Distribution packages: the lookup (names, aliases, pins, architectures) and hover on a package
name in an install command, in process and through the real server."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from docksense.analysis import Analysis
from docksense.features.explain.collect import explain_instruction
from docksense.knowledge import KnowledgeBase

from .lsp_helpers import SERVER, open_doc

KB = KnowledgeBase()


@pytest.mark.parametrize(
    ("written", "entry"),
    [
        ("libssl-dev", "libssl-dev"),
        ("openssl-dev", "libssl-dev"),  # Alpine's name
        ("openssl-devel", "libssl-dev"),  # Fedora's name
        ("zlib1g-dev:arm64", "zlib1g-dev"),
        ("tzdata=2025b-0+deb12u1", "tzdata"),
        ("ca-certificates>=20230311", "ca-certificates"),
        ("'gnupg2'", "gnupg"),
    ],
)
def test_lookup_by_name_alias_pin_and_architecture(written, entry):
    found = KB.distro_package(written)
    assert found is not None and found.name == entry


def test_unknown_and_empty_names():
    assert KB.distro_package("surely-not-a-package-xyz") is None
    assert KB.distro_package("") is None
    assert KB.distro_package("=1.0") is None


def test_every_package_entry_is_one_line_with_sources():
    entries = KB.all_of("package")
    assert len(entries) >= 200
    for entry in entries:
        assert entry.summary and entry.why, entry.source
        assert entry.sources and set(entry.tags) <= {"debian", "ubuntu", "alpine", "fedora"}, entry.source


def _explanations(text: str):
    analysis = Analysis(text)
    ins = [i for i in analysis.tree.instructions if i.name == "RUN"][-1]
    _, parts = explain_instruction(analysis, KB, ins)
    return text, parts


def _at(text, parts, needle):
    offset = text.index(needle)
    return [p for p in parts if p.start <= offset < p.end]


@pytest.mark.parametrize(
    ("line", "needle", "expected"),
    [
        ("RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev", "libpq-dev", "PostgreSQL"),
        ("RUN apk add --no-cache build-base linux-headers", "linux-headers", "kernel headers"),
        ("RUN microdnf install -y glibc-langpack-en && microdnf clean all", "glibc-langpack-en", "locale"),
        ("RUN dnf install -y openssl-devel", "openssl-devel", "OpenSSL"),
    ],
)
def test_hover_explains_the_package(line, needle, expected):
    text, parts = _explanations(f"FROM debian\n{line}\n")
    found = _at(text, parts, needle)
    assert found, needle
    assert found[0].kind.startswith("package installed by")
    assert expected in found[0].summary + found[0].why


def test_language_package_managers_do_not_get_distro_text():
    # `pip install locales` is a PyPI name, not Debian's locales package
    text, parts = _explanations("FROM python\nRUN pip install locales\n")
    assert not any("glibc" in p.summary for p in _at(text, parts, "locales"))


def test_package_that_provides_a_known_command_keeps_the_command_text():
    text, parts = _explanations("FROM debian\nRUN apt-get install -y curl\n")
    found = _at(text, parts, "curl")
    assert found and "curl" in found[0].title


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def test_hover_on_package_name_end_to_end(client: LanguageClient):
    uri = "file:///tmp/docksense-packages/Dockerfile"
    text = "FROM alpine:3.22\nRUN apk add --no-cache tzdata ca-certificates\n"
    open_doc(client, uri, text)
    offset = text.index("tzdata") + 2
    position = types.Position(1, offset - (text.index("\n") + 1))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert hover is not None
    value = hover.contents.value if hasattr(hover.contents, "value") else str(hover.contents)
    assert "time zone" in value and "apk add" in value
    assert hover.range.start == types.Position(1, len("RUN apk add --no-cache "))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("org.opencontainers.image.source", "source code"),
        ("org.label-schema.vcs-url", "source code"),  # the older Label Schema spelling
        ("maintainer", "maintains"),
        ("io.openshift.tags", "keywords"),
    ],
)
def test_hover_on_well_known_label_keys(key, expected):
    text = f'FROM alpine\nLABEL {key}="x" other.key=y\n'
    analysis = Analysis(text)
    ins = analysis.tree.instructions[-1]
    _, parts = explain_instruction(analysis, KB, ins)
    found = _at(text, parts, key)
    assert found and expected in found[0].summary, key
    other = _at(text, parts, "other.key")
    assert other and other[0].summary.startswith("Metadata on the image")  # unknown keys keep the generic text
