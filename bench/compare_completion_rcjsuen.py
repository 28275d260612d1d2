"""Completion and signature help, docksense beside rcjsuen's dockerfile-language-server.

    python bench/compare_completion_rcjsuen.py            # Markdown table on stdout
    python bench/compare_completion_rcjsuen.py --full     # every label, not the first ones

Both servers are started over stdio with the same client capabilities (VS Code's, snippets
on), get the same documents, and are asked at the same positions: the probes of issue 10 (each
group it lists, and each gap it names in rcjsuen's server). For every probe the table shows how
many items each offers and which, plus whether the labels the issue expects are there. rcjsuen's
server is at ../anchors (see RCJSUEN); a request it does not answer within TIMEOUT seconds is
shown as a timeout (it asks Docker Hub for tags, and this machine is offline).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import client_capabilities
from pytest_lsp.client import make_test_lsp_client

ROOT = Path(__file__).resolve().parent.parent
RCJSUEN = ROOT.parent / "anchors" / "node_modules" / "dockerfile-language-server-nodejs" / "bin" / "docker-langserver"
TIMEOUT = 5.0
SHOWN = 8

# (group, probe with | at the cursor, labels the issue expects; "!" prefix: must NOT be offered)
PROBES: list[tuple[str, str, list[str]]] = [
    ("instructions", "|", ["FROM", "ARG", "!RUN"]),
    ("instructions", "FROM alpine\n|", ["RUN", "COPY", "HEALTHCHECK"]),
    ("instructions", "FROM alpine\nONBUILD |", ["RUN", "!FROM", "!ONBUILD", "!MAINTAINER"]),
    ("instructions", "from alpine\nco|", ["copy"]),
    ("directives", "# |\nFROM alpine", ["syntax=", "escape=", "check="]),
    ("directives", "# syntax=|\nFROM alpine", ["docker/dockerfile:1"]),
    ("directives", "# check=skip=|\nFROM alpine", ["StageNameCasing"]),
    ("directives", "FROM alpine\n# hadolint ignore=|\nRUN apt-get install curl", ["DL3008"]),
    ("flags", "FROM alpine\nCOPY --|", ["--chmod", "--link", "--parents", "--exclude", "--from", "--chown"]),
    ("flags", "FROM alpine\nADD --|", ["--checksum", "--keep-git-dir", "--unpack"]),
    ("flags", "FROM alpine\nRUN --|", ["--mount", "--network", "--security", "--device"]),
    ("flags", "FROM alpine\nRUN --mount=|", ["type"]),
    ("flags", "FROM alpine\nRUN --mount=type=|", ["bind", "cache", "tmpfs", "secret", "ssh"]),
    ("flags", "FROM alpine\nRUN --mount=type=cache,|", ["target", "sharing", "id"]),
    ("flags", "FROM alpine\nRUN --mount=type=cache,sharing=|", ["shared", "private", "locked"]),
    ("flags", "FROM alpine\nRUN --network=|", ["default", "none", "host"]),
    ("flags", "FROM alpine\nRUN --security=|", ["sandbox", "insecure"]),
    ("flags", "FROM --platform=|", ["$BUILDPLATFORM", "linux/amd64", "linux/arm64"]),
    ("flags", "FROM alpine\nHEALTHCHECK --|", ["--interval", "--timeout", "--start-period", "--start-interval", "--retries"]),
    ("references", "FROM golang AS build\nFROM alpine AS final\nCOPY --from=|", ["build", "!final"]),
    ("references", "FROM golang AS build\nFROM alpine\nRUN --mount=type=bind,from=|", ["build"]),
    ("references", "FROM golang AS build\nFROM |", ["build"]),
    ("references", "ARG GO=1.23\nFROM golang:$|", ["GO"]),
    ("references", "FROM alpine\nARG VERSION=1\nENV APP=/srv\nRUN echo ${|", ["VERSION", "APP"]),
    ("references", "FROM alpine\nARG VERSION=1\nRUN echo ${VERSION:|", ["${VERSION:-word}"]),
    ("images", "FROM |", ["python", "node", "alpine"]),
    ("images", "FROM python:|", ["3.13", "3.13-slim"]),
    ("images", "FROM golang AS b\nFROM alpine\nCOPY --from=|", ["b", "python"]),
    ("shell", "FROM debian\nRUN apt-get install --no-|", ["--no-install-recommends"]),
    ("shell", "FROM python\nRUN pip install --no-|", ["--no-cache-dir"]),
    ("shell", "FROM alpine\nRUN apk add --|", ["--no-cache"]),
    ("shell", "FROM node\nRUN npm |", ["ci"]),
    ("shell", "FROM debian\nRUN <<EOF\napt-get install --no-|\nEOF", ["--no-install-recommends"]),
    ("quiet", "FROM alpine\n# install the |", ["!RUN", "!FROM"]),
    ("quiet", "FROM alpine\nCOPY <<EOF /etc/motd\n|\nEOF", ["!RUN", "!FROM"]),
    ("quiet", "FROM alpine\nRUN --network=|", ["!RUN", "!FROM"]),
]
SIGNATURE_PROBES = [
    "FROM alpine\nHEALTHCHECK --interval=|",
    "FROM alpine\nRUN --mount=type=cache,sharing=|",
    "FROM golang AS build\nFROM alpine\nCOPY --from=|",
    'FROM alpine\nCMD ["node", |',
    "FROM alpine\nRUN <<EOF|\necho\nEOF",
    "FROM alpine\nRUN apt-get update|",
]


def cursor(source: str) -> tuple[str, types.Position]:
    index = source.index("|")
    text = source.replace("|", "", 1)
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return text, types.Position(line, len(text[index - column: index].encode("utf-16-le")) // 2)


class Server:
    def __init__(self, name: str, command: list[str]):
        self.name = name
        self.command = command
        self.client = make_test_lsp_client()
        self.counter = 0

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:  # rcjsuen registers features dynamically
            return None
        self.times: list[float] = []

    async def start(self) -> None:
        await self.client.start_io(*self.command)
        await self.client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri="file:///tmp/compare"))

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_session(), TIMEOUT)
        except Exception:
            pass

    def _open(self, text: str) -> str:
        self.counter += 1
        uri = f"file:///tmp/compare/{self.counter}/Dockerfile"
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)))
        return uri

    async def complete(self, source: str) -> list[str] | str:
        text, position = cursor(source)
        uri = self._open(text)
        started = time.perf_counter()
        try:
            result = await asyncio.wait_for(self.client.text_document_completion_async(
                types.CompletionParams(types.TextDocumentIdentifier(uri), position)), TIMEOUT)
        except asyncio.TimeoutError:
            return "timeout"
        except Exception as error:  # an error answer is a result to show
            return f"error: {error}"
        self.times.append((time.perf_counter() - started) * 1000)
        items = result.items if isinstance(result, types.CompletionList) else (result or [])
        return [item.label for item in items]

    async def signature(self, source: str) -> str:
        text, position = cursor(source)
        uri = self._open(text)
        try:
            result = await asyncio.wait_for(self.client.text_document_signature_help_async(
                types.SignatureHelpParams(types.TextDocumentIdentifier(uri), position)), TIMEOUT)
        except asyncio.TimeoutError:
            return "timeout"
        except Exception as error:
            return f"error: {error}"
        if result is None or not result.signatures:
            return "(none)"
        signature = result.signatures[result.active_signature or 0]
        index = result.active_parameter if result.active_parameter is not None else signature.active_parameter
        active = ""
        if index is not None and signature.parameters and 0 <= index < len(signature.parameters):
            label = signature.parameters[index].label
            active = label if isinstance(label, str) else signature.label[label[0]:label[1]]
        return f"{signature.label}" + (f"  [active: {active}]" if active else "")


def offers(labels: list[str], wanted: str) -> bool:
    """Whether an item stands for ``wanted``; lenient about label styles (rcjsuen labels
    ``--chown=user:group``, ``COPY source dest``, ``${GO}``)."""
    for label in labels:
        if wanted in (label, label.split(" ")[0], label.strip("${}")):
            return True
        if wanted.startswith("-") and label.split("=")[0] == wanted:
            return True
    return False


def verdict(labels: list[str] | str, expected: list[str]) -> str:
    if isinstance(labels, str):
        return "✗"
    ok = all(not offers(labels, e[1:]) if e.startswith("!") else offers(labels, e) for e in expected)
    return "✓" if ok else "✗"


def shown(labels: list[str] | str, full: bool) -> str:
    if isinstance(labels, str):
        return labels
    if not labels:
        return "(nothing)"
    head = labels if full else labels[:SHOWN]
    more = "" if full or len(labels) <= SHOWN else f" … +{len(labels) - SHOWN}"
    return f"{len(labels)}: " + ", ".join(head).replace("|", "\\|") + more


async def main_async(full: bool) -> int:
    servers = [Server("docksense", [sys.executable, "-m", "docksense", "serve"])]
    if RCJSUEN.exists():
        servers.append(Server("rcjsuen", ["node", str(RCJSUEN), "--stdio"]))
    else:
        print(f"rcjsuen's server not found at {RCJSUEN}; showing docksense only", file=sys.stderr)
    for server in servers:
        await server.start()
    await asyncio.sleep(3)  # both load their data in the background after initialize, as in an editor
    # warm: the first request of each server loads its data
    for server in servers:
        await server.complete("FROM alpine\nRUN apt-get install --no-|")
        server.times.clear()

    head = "| group | probe (`|` = cursor) | expected | " + " | ".join(s.name for s in servers) + " |"
    print(head)
    print("|" + "---|" * (3 + len(servers)))
    score = {s.name: 0 for s in servers}
    for group, probe, expected in PROBES:
        cells = []
        for server in servers:
            labels = await server.complete(probe)
            mark = verdict(labels, expected)
            score[server.name] += mark == "✓"
            cells.append(f"{mark} {shown(labels, full)}")
        shown_probe = probe.replace("\n", "⏎").replace("|", "‸")
        print(f"| {group} | `{shown_probe}` | {', '.join(expected)} | " + " | ".join(cells) + " |")
    print()
    print("probes meeting the issue's expectation: " + ", ".join(f"{n} {v}/{len(PROBES)}" for n, v in score.items()))
    print()
    print("| signature help at | " + " | ".join(s.name for s in servers) + " |")
    print("|" + "---|" * (1 + len(servers)))
    for probe in SIGNATURE_PROBES:
        cells = [(await server.signature(probe)).replace("|", "\\|") for server in servers]
        print(f"| `{probe.replace(chr(10), '⏎').replace('|', '‸')}` | " + " | ".join(cells) + " |")
    print()
    for server in servers:
        if server.times:
            values = sorted(server.times)
            print(f"{server.name}: completion round trip p50 {values[len(values) // 2]:.1f} ms, "
                  f"max {values[-1]:.1f} ms over {len(values)} answered probes (small documents)")
    for server in servers:
        await server.stop()
    return 0


def main() -> int:
    return asyncio.run(main_async("--full" in sys.argv))


if __name__ == "__main__":
    raise SystemExit(main())
