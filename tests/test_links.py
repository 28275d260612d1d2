"""Document links: registry pages of images, the syntax frontend, rule docs; none on stages."""

from __future__ import annotations

import pytest
import pytest_lsp
from docksense.features import links
from docksense.rules import RULES
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .feature_helpers import GENEROUS, analyse, snippet, tdi
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-links/Dockerfile"


def found(text: str) -> list[tuple[str, str]]:
    return [(snippet(text, link.range), link.target) for link in links.document_links(analyse(text))]


@pytest.mark.parametrize("image,name,target", [
    ("python:3.12-slim", "python", "https://hub.docker.com/_/python"),
    ("docker.io/library/python", "docker.io/library/python", "https://hub.docker.com/_/python"),
    ("bitnami/redis:7.2", "bitnami/redis", "https://hub.docker.com/r/bitnami/redis"),
    ("ghcr.io/astral-sh/uv:0.5", "ghcr.io/astral-sh/uv", "https://github.com/astral-sh/uv/pkgs/container/uv"),
    ("ghcr.io/org/repo/tool", "ghcr.io/org/repo/tool", "https://github.com/org/repo/pkgs/container/repo%2Ftool"),
    ("quay.io/prometheus/node-exporter@sha256:0123", "quay.io/prometheus/node-exporter",
     "https://quay.io/repository/prometheus/node-exporter"),
    ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/sdk",
     "https://mcr.microsoft.com/artifact/mar/dotnet/sdk"),
    ("gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian12",
     "https://console.cloud.google.com/gcr/images/distroless/global/static-debian12"),
    ("public.ecr.aws/docker/library/alpine:3.20", "public.ecr.aws/docker/library/alpine",
     "https://gallery.ecr.aws/docker/library/alpine"),
])
def test_images_link_to_their_registry_page(image, name, target):
    assert found(f"FROM {image}\n")[0] == (name, target)


def test_docker_hub_tags_link_to_the_filtered_tag_list():
    assert found("FROM python:3.12-slim\n")[1] == ("3.12-slim", "https://hub.docker.com/_/python/tags?name=3.12-slim")


def test_stages_scratch_and_unknown_registries_get_no_link():
    text = ("FROM alpine AS base\nFROM base\nFROM scratch\nFROM registry.example.com/team/app:1\n"
            "FROM localhost:5000/x\nFROM $UNKNOWN\nCOPY --from=base /a /b\nCOPY --from=0 /a /b\n")
    assert [name for name, _ in found(text)] == ["alpine"]


def test_images_with_known_global_args_link_whole():
    text = "ARG PY=3.12\nFROM python:${PY}-slim\n"
    assert found(text) == [("python:${PY}-slim", "https://hub.docker.com/_/python")]


def test_copy_from_and_mount_from_images_link():
    text = "FROM alpine AS a\nCOPY --from=nginx:1.27 /etc/nginx /x\nRUN --mount=from=busybox,target=/b true\n"
    assert ("nginx", "https://hub.docker.com/_/nginx") in found(text)
    assert ("busybox", "https://hub.docker.com/_/busybox") in found(text)


def test_syntax_directive_links_the_frontend():
    assert found("# syntax=docker/dockerfile:1.7\nFROM a\n")[0] == (
        "docker/dockerfile", "https://hub.docker.com/r/docker/dockerfile")


def test_rule_codes_link_to_their_docs():
    text = ("# check=skip=StageNameCasing,DL3008;experimental=all\n"
            "FROM a\n"
            "# hadolint ignore=DL3008,SC2086\n"
            "RUN apt-get install curl\n"
            "# check=skip=JSONArgsRecommended\n"
            "CMD echo\n")
    result = found(text)
    assert ("StageNameCasing", RULES["StageNameCasing"].docs_url) in result
    assert result[0][1] == "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/"
    dl3008 = [target for name, target in result if name == "DL3008"]
    assert len(dl3008) == 2 and dl3008[0].startswith("https://")
    assert ("SC2086", "https://www.shellcheck.net/wiki/SC2086") in result
    assert ("JSONArgsRecommended", RULES["JSONArgsRecommended"].docs_url) in result
    assert "all" not in [name for name, _ in result]


def test_no_links_in_half_typed_files():
    for text in ["", "FROM", "FROM :", "# syntax=", "# hadolint ignore=", "FROM a@", "FROM A/B"]:
        assert all(link.target.startswith("https://") for link in links.document_links(analyse(text)))


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                             initialization_options=GENEROUS))
    yield
    await lsp_client.shutdown_session()


async def test_links_end_to_end(client: LanguageClient):
    text = "# syntax=docker/dockerfile:1\nFROM golang:1.23 AS build\nFROM build\n"
    open_doc(client, URI, text)
    result = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=tdi(URI)))
    assert [link.target for link in result] == [
        "https://hub.docker.com/r/docker/dockerfile", "https://hub.docker.com/r/docker/dockerfile/tags?name=1",
        "https://hub.docker.com/_/golang", "https://hub.docker.com/_/golang/tags?name=1.23"]
