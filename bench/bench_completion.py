"""Completion and signature-help latency on a 5,000-line Dockerfile (figures for the notes).

    python bench/bench_completion.py            # in-process and over stdio
    python bench/bench_completion.py inprocess

In process: ``features.completion.completion`` from the cached analysis of one version, at
positions of every kind (line starts, after keywords, inside flags, inside RUN, on variables),
and "edit -> completion": a character typed at the cursor, so the new version is parsed and
analysed before completing, as the server does on every keystroke. Over stdio: the full LSP
round trip with the real server (JSON encoding of the items included).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import big_file, fmt

PROBES = [
    "",  # a new line: instruction keywords
    "RUN apt-get install --no-",
    "RUN --mount=type=cache,",
    "COPY --from=",
    "FROM python:",
    "RUN echo $",
    "RUN npm ",
    "HEALTHCHECK --",
]


def positions(text: str, step: int = 25) -> list[tuple[int, int]]:
    out = []
    for line_no, line in enumerate(text.splitlines()):
        if line_no % step:
            continue
        for column in {0, min(4, len(line)), len(line) // 2, len(line)}:
            out.append((line_no, column))
    return out


def instruction_line(lines: list[str]) -> int:
    """A line near the middle where a new instruction can start: after a RUN of a stage on a
    Debian-like base, not inside a continuation or a heredoc."""
    for index in range(len(lines) // 2, len(lines)):
        if lines[index].startswith("RUN ") and not lines[index - 1].rstrip().endswith("\\") \
                and "<<" not in lines[index - 1]:
            return index
    return len(lines)


def bench_inprocess() -> None:
    from docksense.analysis import Analysis
    from docksense.features.completion import ClientSupport, completion
    from docksense.features.signature_help import signature_help
    from docksense.knowledge import KnowledgeBase
    from lsprotocol import types

    text = big_file(5000)
    kb = KnowledgeBase()
    kb.load_all()
    client = ClientSupport(snippets=True, deprecated_tag=True)
    analysis = Analysis(text)
    spots = positions(text)
    samples, sizes = [], []
    for line, column in spots:
        started = time.perf_counter()
        result = completion(analysis, kb, types.Position(line, column), "utf-16", client)
        samples.append((time.perf_counter() - started) * 1000)
        sizes.append(len(result.items))
    print(f"completion, cached analysis, 5,000-line file, {len(spots)} positions "
          f"(mean {sum(sizes) / len(sizes):.0f} items): {fmt(samples)}")

    signature = []
    for line, column in spots:
        started = time.perf_counter()
        signature_help(analysis, kb, types.Position(line, column))
        signature.append((time.perf_counter() - started) * 1000)
    print(f"signature help, cached analysis, 5,000-line file: {fmt(signature)}")

    # typed probes appended at the middle of the file: the new version is parsed, then completed
    lines = text.splitlines(keepends=True)
    middle = instruction_line(lines)
    per_probe: dict[str, list[float]] = {}
    edit_samples = []
    for repeat in range(4):
        for probe in PROBES:
            edited = "".join(lines[:middle] + [probe + "\n"] + lines[middle:])
            started = time.perf_counter()
            fresh = Analysis(edited)
            result = completion(fresh, kb, types.Position(middle, len(probe)), "utf-16", client)
            elapsed = (time.perf_counter() - started) * 1000
            edit_samples.append(elapsed)
            per_probe.setdefault(probe, []).append(elapsed)
            assert result.items or probe == "RUN echo $", probe
    print(f"edit -> completion (new version parsed and analysed), 5,000-line file: {fmt(edit_samples)}")
    for probe, values in per_probe.items():
        print(f"    {probe or '<new line>'!r:32} median {sorted(values)[len(values) // 2]:.1f} ms")
    only_parse = []
    for _ in range(8):
        started = time.perf_counter()
        _ = Analysis(text).tree
        only_parse.append((time.perf_counter() - started) * 1000)
    print(f"    (of which parsing the 5,000-line version alone: {fmt(only_parse)})")


def bench_stdio() -> None:
    """The same requests to docksense and to rcjsuen's server, over stdio."""
    from compare_completion_rcjsuen import RCJSUEN, Server
    from lsprotocol import types

    text = big_file(5000)
    lines = text.splitlines()
    middle = instruction_line(lines)

    async def run(server: Server) -> tuple[list[float], list[float], list[float]]:
        await server.start()
        client = server.client
        uri = "file:///tmp/bench-completion/Dockerfile"
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)))
        ident = types.TextDocumentIdentifier(uri)
        await client.text_document_completion_async(types.CompletionParams(ident, types.Position(0, 0)))
        await asyncio.sleep(3)  # let background loading and the first diagnostics finish, as in a session
        cached = []
        for line, column in positions(text, step=50):
            t0 = time.perf_counter()
            await client.text_document_completion_async(types.CompletionParams(ident, types.Position(line, column)))
            cached.append((time.perf_counter() - t0) * 1000)
        version = 1
        results = []
        for pause in (1.5, 0.0):  # after a pause (the last edit's diagnostics done), then back to back
            typed = []
            for probe in PROBES * 3:
                version += 1
                client.text_document_did_change(types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                    [types.TextDocumentContentChangeWholeDocument(
                        text="\n".join(lines[:middle] + [probe] + lines[middle:]) + "\n")]))
                t0 = time.perf_counter()
                await client.text_document_completion_async(
                    types.CompletionParams(ident, types.Position(middle, len(probe))))
                typed.append((time.perf_counter() - t0) * 1000)
                await asyncio.sleep(pause)
            results.append(typed)
        await server.stop()
        return cached, results[0], results[1]

    servers = [Server("docksense", [sys.executable, "-m", "docksense", "serve"])]
    if RCJSUEN.exists():
        servers.append(Server("rcjsuen", ["node", str(RCJSUEN), "--stdio"]))
    for server in servers:
        cached, paused, rushed = asyncio.run(run(server))
        print(f"{server.name}: completion round trip over stdio, 5,000-line file, unchanged version: {fmt(cached)}")
        print(f"{server.name}: edit -> completion round trip (whole-document change, 1.5 s between edits): "
              f"{fmt(paused)}")
        print(f"{server.name}: edit -> completion round trip (edits back to back, the previous edit's "
              f"diagnostics still running): {fmt(rushed)}")


BENCHES = {"inprocess": bench_inprocess, "stdio": bench_stdio}


def main() -> int:
    for name in sys.argv[1:] or list(BENCHES):
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
