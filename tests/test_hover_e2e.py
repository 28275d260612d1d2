"""Hover through the real server over stdio, table-driven: one table per token kind."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .conftest import CORPUS, read
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-hover/Dockerfile"

DOCKERFILE = """\
# syntax=docker/dockerfile:1
# check=skip=StageNameCasing
ARG NODE=18
FROM node:${NODE}-slim AS build
ARG NODE
WORKDIR /src
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev
ENV NODE_ENV=production PATH=/src/node_modules/.bin:$PATH
RUN set -eux; \\
    apt-get update && apt-get install -y --no-install-recommends tini \\
 && rm -rf /var/lib/apt/lists/*
FROM gcr.io/distroless/nodejs22 AS final
COPY --from=build --chown=1000:1000 /src /app
EXPOSE 3000/tcp
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s CMD ["node", "health.js"]
USER 1000
ENTRYPOINT ["node"]
CMD ["server.js"]
# hadolint ignore=DL3008
ONBUILD RUN echo $NODE_ENV
"""


def pos(text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += delta
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return types.Position(line, column)


# (needle, nth occurrence, offset into needle, substrings the hover must contain)
TABLES = {
    "instructions": [
        ("FROM", 0, 0, ["**`FROM`** · instruction", "Purpose", "Why", "[Docs](https://docs.docker.com/"]),
        ("RUN --mount", 0, 0, ["`RUN`", "shell form"]),
        ("ENTRYPOINT", 0, 0, ["CMD on line 20"]),
        ('CMD ["server.js"]', 0, 0, ["ENTRYPOINT on line 19 is in exec form"]),
        ("ONBUILD", 0, 0, ["`ONBUILD`"]),
        ("RUN echo $NODE_ENV", 0, 0, ["ONBUILD trigger"]),
    ],
    "flags": [
        ("--mount", 0, 2, ["`--mount`", "flag of RUN"]),
        ("type=cache", 0, 6, ["mount type", "cache"]),
        ("target=/root/.npm", 0, 1, ["option of a cache mount"]),
        ("sharing=locked", 0, 9, ["value of sharing"]),
        ("--from=build", 0, 3, ["flag of COPY"]),
        ("--from=build", 0, 8, ["reference to a build stage", "line 4"]),
        ("--chown", 0, 3, ["1000"]),
        ("--interval", 0, 3, ["30 seconds"]),
    ],
    "directives": [
        ("syntax", 0, 1, ["parser directive"]),
        ("StageNameCasing", 0, 2, ["rule"]),
        ("DL3008", 0, 1, ["rule"]),
    ],
    "variables": [
        ("${NODE}", 0, 3, ["Value here: `18`", "global ARG on line 3"]),
        ("ARG NODE\n", 0, 5, ["Re-declares the global ARG from line 3"]),
        ("$PATH", 0, 2, ["PATH"]),
        ("$NODE_ENV", 0, 3, ["NODE_ENV"]),
        ("NODE_ENV=production", 0, 1, ["`production`"]),
    ],
    "stages_and_images": [
        ("node:${NODE}-slim", 0, 1, ["base image", "Contains variables"]),
        ("AS build", 0, 4, ["build stage", "Used on line"]),
        ("gcr.io/distroless/nodejs22", 0, 3, ["base image"]),
    ],
    "shell": [
        ("npm ci", 0, 1, ["`npm`", "command"]),
        ("ci --omit", 0, 0, ["subcommand of npm"]),
        ("--omit=dev", 0, 3, ["option of npm ci"]),
        ("set -eux", 0, 1, ["`set`"]),
        ("-eux", 0, 2, ["option of set"]),
        ("apt-get install", 0, 9, ["subcommand of apt-get"]),
        ("--no-install-recommends", 0, 5, ["apt-get install"]),
        ("/var/lib/apt/lists/*", 0, 5, ["path"]),
        ('"node", "health.js"', 0, 2, ["`node`", "exec form"]),
    ],
    "other": [
        ("3000/tcp", 0, 1, ["exposed port", "publishes nothing"]),
        ("SIGTERM", 0, 3, ["stop signal"]),
        ("USER 1000", 0, 6, ["Later RUN, CMD and ENTRYPOINT run as"]),
        ("package*.json", 0, 2, ["dependency manifest"]),
    ],
}


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def hover_at(client, uri, position):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )


@pytest.mark.parametrize("table", list(TABLES))
async def test_hover_table(client: LanguageClient, table):
    open_doc(client, URI, DOCKERFILE)
    failures = []
    for needle, nth, delta, expected in TABLES[table]:
        result = await hover_at(client, URI, pos(DOCKERFILE, needle, nth, delta))
        value = result.contents.value if result else ""
        missing = [e for e in expected if e not in value]
        if missing:
            failures.append((needle, missing, value[:300]))
    assert failures == []


async def test_hover_range_is_the_token(client: LanguageClient):
    open_doc(client, URI, DOCKERFILE)
    result = await hover_at(client, URI, pos(DOCKERFILE, "--no-install-recommends", 0, 4))
    start = pos(DOCKERFILE, "--no-install-recommends")
    assert result.range == types.Range(start, types.Position(start.line, start.character + len("--no-install-recommends")))


async def test_unknown_word_gets_no_hover(client: LanguageClient):
    text = "FROM a\nRUN frobnicate --wibble\n"
    open_doc(client, URI + ".x", text)
    assert await hover_at(client, URI + ".x", pos(text, "frobnicate", 0, 2)) is None
    assert await hover_at(client, URI + ".x", pos(text, "--wibble", 0, 2)) is None


async def test_utf16_positions_on_a_line_with_emoji(client: LanguageClient):
    text = 'FROM a\nLABEL note="🐳🐳" maintainer.x="é"\nRUN echo "🐳" && apt-get update\n'
    open_doc(client, URI + ".emoji", text)
    line = text.splitlines()[2]
    utf16_col = len(line[: line.index("apt-get")].encode("utf-16-le")) // 2
    result = await hover_at(client, URI + ".emoji", types.Position(2, utf16_col + 1))
    assert result is not None and "apt-get" in result.contents.value
    assert result.range.start == types.Position(2, utf16_col)
    assert result.range.end == types.Position(2, utf16_col + len("apt-get"))


async def test_document_text_cannot_inject_markdown(client: LanguageClient):
    text = 'FROM a AS x\nCOPY --from=x [a](command:evil) /app\nUSER <img src=x onerror=alert(1)>\n'
    open_doc(client, URI + ".inj", text)
    result = await hover_at(client, URI + ".inj", pos(text, "<img", 0, 1))
    value = result.contents.value
    assert "<img" not in value.replace("`<img", "")  # only inside a code span
    assert "](command:" not in value


@pytest.mark.shared
@pytest.mark.parametrize("name", ["vote__Dockerfile", "result__Dockerfile", "worker__Dockerfile"])
async def test_seed_dockerfiles_hovered_part_by_part(client: LanguageClient, name):
    path = CORPUS / "files" / "dockersamples__example-voting-app" / name
    text = read(path)
    uri = path.as_uri()
    open_doc(client, uri, text)
    expectations = {
        "vote__Dockerfile": [("FROM", "instruction"), ("python:3.11-slim", "slim"), ("--no-install-recommends", "Recommends"),
                             ("rm -rf", "Removes"), ("WORKDIR", "directory"), ("--no-cache-dir", "cache"),
                             ("watchdog", "watchdog"), ("FLASK_ENV", "FLASK_DEBUG"), ("EXPOSE", "port"),
                             ("gunicorn", "WSGI"), ("--workers", "worker"), ("--keep-alive", "keep-alive"),
                             ("--access-logfile", "Access log")],
        "result__Dockerfile": [("node:18-slim", "End of life"), ("tini", "init"), ("nodemon\n", "restart"),
                               ("npm ci", "package-lock"), ("mv /usr", "Moves"), (" /node_modules", "bind-mount")],
        "worker__Dockerfile": [("dotnet/sdk", "SDK"), ("restore", "NuGet"), ("publish", "publish"),
                               ("--self-contained", "runtime"), ("dotnet/runtime", "runtime")],
    }[name]
    failures = []
    for needle, expected in expectations:
        if needle not in text:
            failures.append((needle, "not in file"))
            continue
        result = await hover_at(client, uri, pos(text, needle, 0, 1))
        value = result.contents.value if result else ""
        if expected.lower() not in value.lower():
            failures.append((needle, expected, value[:200]))
    assert failures == []


def _seed_facts():
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("explain_quality", ROOT / "bench" / "explain_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.shared
@pytest.mark.parametrize("name", ["vote__Dockerfile", "result__Dockerfile", "worker__Dockerfile"])
async def test_keyword_hover_leads_with_the_lines_purpose_and_why(client: LanguageClient, name):
    """Issue 9: a hover on each keyword of the seed's Dockerfiles says what the seed says about
    that line (corrected where the seed is out of date) in its first paragraphs."""
    quality = _seed_facts()
    path = CORPUS / "files" / "dockersamples__example-voting-app" / name
    text = read(path)
    uri = path.as_uri()
    open_doc(client, uri, text)
    failures = []
    for line, facts in quality.SEED_FACTS[name].items():
        result = await hover_at(client, uri, types.Position(line - 1, 1))
        value = result.contents.value if result else ""
        lead = value.split("\n\n---\n\n")[0]
        assert lead.startswith("**Purpose:**"), (line, value[:200])
        missing = quality.missing_facts(lead.replace("\\", ""), facts)
        if missing:
            failures.append((line, missing, lead[:300]))
    assert failures == []


async def test_keyword_hover_names_the_lines_it_serves(client: LanguageClient):
    text = ("FROM debian:12-slim\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends curl tini \\\n"
            " && rm -rf /var/lib/apt/lists/*\n"
            "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n"
            'ENTRYPOINT ["/usr/bin/tini", "--"]\n'
            'CMD ["app", "--port", "8080"]\n')
    open_doc(client, URI + ".serves", text)
    result = await hover_at(client, URI + ".serves", pos(text, "RUN", 0, 1))
    lead = result.contents.value.split("\n\n---\n\n")[0]
    assert "`curl` is needed by the HEALTHCHECK on line 4" in lead
    assert "`tini` is needed by the ENTRYPOINT on line 5" in lead
    result = await hover_at(client, URI + ".serves", pos(text, "ENTRYPOINT", 0, 1))
    assert "a container runs `/usr/bin/tini -- app --port 8080`" in result.contents.value
