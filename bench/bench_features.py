"""Latency of the editing features on a 5,000-line Dockerfile (figures for the notes; not a test).

    python bench/bench_features.py               # both files, in process and over stdio
    python bench/bench_features.py --quick       # fewer samples

Two 5,000-line files: one made by concatenating real corpus files (many small stages), one
synthetic with a single long stage (hundreds of ARG/ENV, variable uses, heredocs, long
continued RUNs), the shape that stresses scopes and tokens.

For each LSP method, p50/p95 in milliseconds of

* ``feature``: the feature function alone, on an analysis whose syntax tree and scopes are
  already built but whose feature memos are empty (the feature's own cost);
* ``edit+req``: over stdio, a ``didChange`` (one byte appended to a comment) followed by the
  request: parse, analysis, feature and JSON on the wire: what a user waits for after typing;
* ``repeat``: over stdio, the same request again on the unchanged version;
* the same two for rcjsuen's server, for the methods it has (it validates after each change);
  a method that takes more than 5 s on its first call is shown by that one figure.

Diagnostics are switched off in the server for the stdio figures, so that the push after each
edit (measured by ``bench/bench.py``) does not queue in front of the timed request.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_stdio import DOCKSENSE, RCJSUEN, StdioClient  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
URI = "file:///tmp/docksense-bench/Dockerfile"
SLOW_MS = 5000  # a method slower than this on its first call is timed once, not sampled
SLOW_TIMEOUT = 180.0
LINES = 5000


def corpus_file(lines: int = LINES) -> str:
    """About ``lines`` lines of real Dockerfiles, one after another (synthetic without ../shared)."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return synthetic_file(lines)
    out: list[str] = []
    for row in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) > 6 and cols[6] == "0":
            out.extend((CORPUS / cols[0]).read_text(encoding="utf-8", errors="replace").splitlines())
        if len(out) >= lines:
            break
    return "\n".join(out[:lines]) + "\n"


def synthetic_file(lines: int = LINES) -> str:
    """One global ARG block and one long stage: ARG/ENV chains, uses, heredocs, continued RUNs."""
    out = ["# syntax=docker/dockerfile:1", "# check=skip=StageNameCasing", "ARG BASE=debian:bookworm-slim"]
    out += [f"ARG V{i}=1.{i}.0" for i in range(40)]
    out += ["FROM ${BASE} AS build", "ARG V1", "WORKDIR /src"]
    i = 0
    while len(out) < lines - 12:
        i += 1
        out.append(f"ENV E{i}=${{V1:-x}}/{i} P{i}=$E{max(1, i - 1)}")
        out.append(f'RUN --mount=type=cache,target=/var/cache/apt{i} set -eux; \\')
        out.append(f"    apt-get update && apt-get install -y --no-install-recommends pkg{i} \\")
        out.append(f'    && echo "$E{i} ${{P{i}}}" > /etc/conf{i} \\')
        out.append("    && rm -rf /var/lib/apt/lists/*")
        out.append(f"COPY --chown=1000:1000 src{i}/ ./dest{i}/")
        if i % 10 == 0:
            out += [f"COPY <<EOF{i} /etc/app{i}.conf", f"key=$E{i}", f"EOF{i}"]
        if i % 25 == 0:
            out += [f"FROM build AS stage{i}", f"LABEL org.example.step={i} maintainer=me"]
    out += ["FROM gcr.io/distroless/static AS final", "COPY --from=build /src/app /app",
            "COPY --from=0 /etc/conf1 /etc/", "USER 1000", 'ENTRYPOINT ["/app"]']
    return "\n".join(out[:lines]) + "\n"


def fmt(samples: list[float]) -> str:
    if not samples:
        return "-"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{statistics.median(ordered):7.1f} /{p95:7.1f}"


def positions(text: str, count: int = 20):
    """Positions of variable and stage occurrences spread over the file."""
    from docksense.analysis import Analysis
    from docksense.features.occurrences import occurrences

    analysis = Analysis(text)
    items = [o for o in occurrences(analysis).items if o.kind in ("variable", "stage") and not o.write]
    step = max(1, len(items) // count)
    out = []
    for item in items[::step][:count]:
        line, character = analysis.lines.position(item.start + 1 if item.end - item.start > 1 else item.start)
        out.append({"line": line, "character": character})
    return out


def methods(positions_: list[dict], line_count: int) -> list[tuple[str, str, callable]]:
    """(label, LSP method, params factory(i)) for every feature."""
    doc = {"uri": URI}
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": line_count, "character": 0}}
    window = lambda i: {"start": {"line": (i * 97) % max(1, line_count - 60), "character": 0},  # noqa: E731
                        "end": {"line": (i * 97) % max(1, line_count - 60) + 60, "character": 0}}
    at = lambda i: positions_[i % len(positions_)]  # noqa: E731
    return [
        ("documentSymbol", "textDocument/documentSymbol", lambda i: {"textDocument": doc}),
        ("workspace/symbol", "workspace/symbol", lambda i: {"query": "b"}),
        ("definition", "textDocument/definition", lambda i: {"textDocument": doc, "position": at(i)}),
        ("references", "textDocument/references",
         lambda i: {"textDocument": doc, "position": at(i), "context": {"includeDeclaration": True}}),
        ("documentHighlight", "textDocument/documentHighlight", lambda i: {"textDocument": doc, "position": at(i)}),
        ("prepareRename", "textDocument/prepareRename", lambda i: {"textDocument": doc, "position": at(i)}),
        ("rename", "textDocument/rename", lambda i: {"textDocument": doc, "position": at(i), "newName": "RENAMED"}),
        ("foldingRange", "textDocument/foldingRange", lambda i: {"textDocument": doc}),
        ("semanticTokens/full", "textDocument/semanticTokens/full", lambda i: {"textDocument": doc}),
        ("semanticTokens/range", "textDocument/semanticTokens/range", lambda i: {"textDocument": doc, "range": window(i)}),
        ("documentLink", "textDocument/documentLink", lambda i: {"textDocument": doc}),
        ("inlayHint (visible 60 lines)", "textDocument/inlayHint", lambda i: {"textDocument": doc, "range": window(i)}),
        ("inlayHint (whole file)", "textDocument/inlayHint", lambda i: {"textDocument": doc, "range": whole}),
    ]


# -- in process -----------------------------------------------------------------------------------
def in_process(text: str, repeat: int) -> dict[str, list[float]]:
    from lsprotocol import types

    from docksense.analysis import Analysis
    from docksense.features import folding, inlay_hints, links, navigation, rename, semantic_tokens, symbols
    from docksense.knowledge import KnowledgeBase
    from docksense.settings import InlayHintSettings

    kb = KnowledgeBase()
    kb.load_all()
    spots = [types.Position(p["line"], p["character"]) for p in positions(text)]
    n_lines = text.count("\n") + 1
    whole = types.Range(types.Position(0, 0), types.Position(n_lines, 0))
    calls = {
        "documentSymbol": lambda a, i: symbols.document_symbols(a),
        "workspace/symbol": lambda a, i: symbols.workspace_symbols([(URI, a)], "b"),
        "definition": lambda a, i: navigation.definition(a, URI, spots[i % len(spots)]),
        "references": lambda a, i: navigation.references(a, URI, spots[i % len(spots)]),
        "documentHighlight": lambda a, i: navigation.highlights(a, spots[i % len(spots)]),
        "prepareRename": lambda a, i: rename.prepare_rename(a, spots[i % len(spots)]),
        "rename": lambda a, i: rename.rename(a, URI, spots[i % len(spots)], "RENAMED"),
        "foldingRange": lambda a, i: folding.folding_ranges(a),
        "semanticTokens/full": lambda a, i: semantic_tokens.full(a, URI, kb),
        "documentLink": lambda a, i: links.document_links(a),
        "inlayHint (whole file)": lambda a, i: inlay_hints.inlay_hints(a, whole, InlayHintSettings()),
    }
    out: dict[str, list[float]] = {}
    for label, call in calls.items():
        samples = []
        for i in range(repeat):
            analysis = Analysis(text)
            _ = analysis.tree, analysis.stages, analysis.scopes, analysis.lines  # the shared products
            started = time.perf_counter()
            call(analysis, i)
            samples.append((time.perf_counter() - started) * 1000)
        out[label] = samples
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        analysis = Analysis(text)
        _ = analysis.tree, analysis.stages, analysis.scopes, analysis.lines
        samples.append((time.perf_counter() - started) * 1000)
    out["(parse + stages + scopes, shared by all)"] = samples
    return out


# -- over stdio -----------------------------------------------------------------------------------
def over_stdio(text: str, repeat: int, command: list[str] | None = None) -> dict[str, tuple[list[float], list[float]]]:
    """Per method: (edit+request samples, repeated-request samples); a method the server does
    not support is left out."""
    ours = command is None
    client = StdioClient(command or [sys.executable, *DOCKSENSE[1:]], cwd=str(ROOT / "server"))
    try:
        client.initialize({"diagnostics": {"enable": False}} if ours else None)
        version = 1
        client.open(URI, text, version)
        table = methods(positions(text), text.count("\n") + 1)
        # warm the server (imports, knowledge base) before timing
        supported = set()
        out = {}
        for label, method, params in table:
            try:
                _, error, ms = client.request(method, params(0), timeout=SLOW_TIMEOUT)
            except TimeoutError:
                out[label] = ([SLOW_TIMEOUT * 1000], [])  # did not answer in time: one figure, a floor
                continue
            if ms > SLOW_MS:  # far too slow to sample: the one figure stands for it
                out[label] = ([ms], [])
                continue
            if not error or error.get("code") == -32803:
                supported.add(label)
        current = text
        for label, method, params in table:
            if label not in supported:
                continue
            edited, repeated = [], []
            for i in range(repeat):
                version += 1
                current = current + ("#" if i % 2 == 0 else "")  # a changed version, same positions
                client.change(URI, current if current.endswith("\n") else current + "\n", version)
                result, error, ms = client.request(method, params(i))
                if error and error.get("code") != -32803 and ours:  # RequestFailed: a refusal is an answer
                    raise RuntimeError(f"{method}: {error}")
                edited.append(ms)
                _, _, ms = client.request(method, params(i))
                repeated.append(ms)
            out[label] = (edited, repeated)
        return out
    finally:
        client.close()


def main() -> int:
    quick = "--quick" in sys.argv
    repeat = 8 if quick else 25
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus; {repeat} samples per figure; "
          f"each figure is p50 / p95 in milliseconds; load average {os.getloadavg()[0]:.1f}")
    for name, text in (("corpus", corpus_file()), ("synthetic", synthetic_file())):
        print(f"\n== {name} file: {text.count(chr(10))} lines, {len(text):,} bytes")
        local = in_process(text, repeat)
        remote = over_stdio(text, repeat)
        theirs = over_stdio(text, repeat, RCJSUEN) if Path(RCJSUEN[1]).is_file() else {}
        print(f"{'method':30} {'feature (in process)':22} {'edit+req (stdio)':22} {'repeat (stdio)':22} "
              f"{'rcjsuen edit+req':22} {'rcjsuen repeat':22}")
        for label in list(remote) + [k for k in local if k not in remote]:
            edited, repeated = remote.get(label, ([], []))
            their_edited, their_repeated = theirs.get(label, ([], []))
            print(f"{label:30} {fmt(local.get(label, [])):22} {fmt(edited):22} {fmt(repeated):22} "
                  f"{fmt(their_edited):22} {fmt(their_repeated):22}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
