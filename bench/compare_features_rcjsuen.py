"""What docksense and rcjsuen's server answer at the same positions, method by method.

    python bench/compare_features_rcjsuen.py            # the defects file + 40 corpus files
    python bench/compare_features_rcjsuen.py --files 0  # the defects file only
    python bench/compare_features_rcjsuen.py --verbose  # every differing answer

Both servers run over stdio with the same client capabilities and the same documents. For the
position methods (definition, references, documentHighlight, prepareRename, rename) the
positions are every variable, stage name and heredoc delimiter of each file (as docksense's
occurrence index finds them, declarations and uses), so both servers are asked exactly the
same questions; each answer is reduced to a comparable form (sorted ``line:col-line:col``
spans, edit counts) and counted as same / different / only one answered / neither.
For the document methods (symbols, folding, semantic tokens, links, inlay hints) the answers'
shapes are summarised side by side, and the semantic tokens are checked against each
server's own legend.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_stdio import DOCKSENSE, RCJSUEN, StdioClient  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"

DEFECTS = """\
# syntax=docker/dockerfile:1
# check=skip=StageNameCasing
ARG GO=1.23
FROM golang:${GO} AS build
ARG GO
ENV MODE=debug
RUN echo $MODE
ENV MODE=release
RUN echo $MODE ${GO:-none}
FROM build AS test
RUN echo $MODE
FROM alpine AS other
ENV MODE=other
RUN echo $MODE
COPY --from=BUILD /a /b
COPY --from=0 /a /b
RUN --mount=type=cache,from=build,target=/x true
COPY <<EOF /etc/motd
mode $MODE
EOF
"""


def corpus_files(count: int) -> list[tuple[str, str]]:
    """Multi-stage corpus files (they exercise stages and scopes), first ``count`` of them."""
    manifest = CORPUS / "MANIFEST.tsv"
    if count <= 0 or not manifest.is_file():
        return []
    out = []
    for row in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        cols = row.split("\t")
        path = CORPUS / cols[0]
        text = path.read_text(encoding="utf-8", errors="replace")
        if sum(1 for line in text.splitlines() if line.lstrip().upper().startswith("FROM ")) >= 2 and "$" in text:
            out.append((path.as_uri(), text))
        if len(out) >= count:
            break
    return out


def questions(text: str) -> list[tuple[int, int, str]]:
    """(line, character, what) for every name occurrence docksense knows of."""
    from docksense.analysis import Analysis
    from docksense.features.occurrences import occurrences

    analysis = Analysis(text)
    out = []
    for item in occurrences(analysis).items:
        line, character = analysis.lines.position(item.start)
        label = f"{item.kind} {item.name} ({'declaration' if item.write else 'use'})"
        out.append((line, character, label))
    return out


# -- reducing answers to comparable forms ------------------------------------------------------------
def span(rng: dict[str, Any]) -> str:
    s, e = rng["start"], rng["end"]
    return f"{s['line'] + 1}:{s['character']}-{e['line'] + 1}:{e['character']}"


def locations(result: Any) -> Any:
    if result is None:
        return None
    if isinstance(result, dict):
        result = [result]
    return tuple(sorted(span(item.get("range") or item.get("targetSelectionRange")) for item in result)) or None


def prepared(result: Any, error: Any) -> Any:
    if error:
        return "refused: " + error.get("message", "")[:60]
    if result is None:
        return None
    if "range" in result:
        return span(result["range"])
    if "start" in result:
        return span(result)
    return "default"


def renamed(result: Any, error: Any) -> Any:
    if error:
        return "refused: " + error.get("message", "")[:60]
    if not result:
        return None
    edits = []
    for edits_of_doc in (result.get("changes") or {}).values():
        edits.extend(edits_of_doc)
    for change in result.get("documentChanges") or []:
        edits.extend(change.get("edits", []))
    return tuple(sorted(span(edit["range"]) for edit in edits)) or None


POSITION_METHODS = {
    "definition": ("textDocument/definition", lambda r, e: locations(r)),
    "references": ("textDocument/references", lambda r, e: locations(r)),
    "documentHighlight": ("textDocument/documentHighlight", lambda r, e: locations(r)),
    "prepareRename": ("textDocument/prepareRename", prepared),
    "rename": ("textDocument/rename", renamed),
}


def ask(client: StdioClient, method: str, uri: str, line: int, character: int) -> tuple[Any, Any]:
    params: dict[str, Any] = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    if method == "textDocument/references":
        params["context"] = {"includeDeclaration": True}
    if method == "textDocument/rename":
        params["newName"] = "renamed"
    result, error, _ = client.request(method, params)
    return result, error


def document_summary(client: StdioClient, uri: str, legend: dict[str, Any], line_count: int) -> dict[str, str]:
    doc = {"textDocument": {"uri": uri}}
    out = {}
    symbols, _, _ = client.request("textDocument/documentSymbol", doc)
    symbols = symbols or []

    def depth(items, level=1):
        return max([level] + [depth(i.get("children") or [], level + 1) for i in items if "children" in i])

    nested = any(item.get("children") for item in symbols)
    out["documentSymbol"] = f"{len(symbols)} top-level, {'tree depth ' + str(depth(symbols)) if nested else 'flat'}"
    folds, _, _ = client.request("textDocument/foldingRange", doc)
    out["foldingRange"] = f"{len(folds or [])} ranges"
    tokens, error, _ = client.request("textDocument/semanticTokens/full", doc)
    if error or not tokens:
        out["semanticTokens"] = "none" if not error else "error"
    else:
        data = tokens.get("data", [])
        types = legend.get("tokenTypes", [])
        outside = Counter(data[i + 3] for i in range(0, len(data), 5) if data[i + 3] >= len(types))
        out["semanticTokens"] = f"{len(data) // 5} tokens" + (
            f", {sum(outside.values())} with a type index outside the legend ({dict(outside)})" if outside else
            ", all typed from the legend")
    links, _, _ = client.request("textDocument/documentLink", doc)
    targets = [link.get("target") or "(resolve)" for link in links or []]
    out["documentLink"] = f"{len(targets)} links" + (f": {', '.join(sorted(set(targets))[:4])}" if targets else "")
    hints, error, _ = client.request("textDocument/inlayHint", {
        **doc, "range": {"start": {"line": 0, "character": 0}, "end": {"line": line_count, "character": 0}}})
    out["inlayHint"] = "not supported" if error else f"{len(hints or [])} hints"
    return out


def _document_totals(client: StdioClient, uri: str, legend: dict[str, Any], line_count: int,
                     counts: Counter) -> None:
    """Add up what the document methods give for one file."""
    doc = {"textDocument": {"uri": uri}}
    symbols, _, _ = client.request("textDocument/documentSymbol", doc)
    counts["files with a nested outline"] += int(any(item.get("children") for item in symbols or []))
    folds, _, _ = client.request("textDocument/foldingRange", doc)
    counts["folding ranges"] += len(folds or [])
    tokens, error, _ = client.request("textDocument/semanticTokens/full", doc)
    data = (tokens or {}).get("data", []) if not error else []
    types = len(legend.get("tokenTypes", []))
    counts["semantic tokens"] += len(data) // 5
    counts["tokens typed outside the legend"] += sum(1 for i in range(3, len(data), 5) if data[i] >= types)
    links, _, _ = client.request("textDocument/documentLink", doc)
    counts["links"] += len(links or [])
    hints, error, _ = client.request("textDocument/inlayHint", {
        **doc, "range": {"start": {"line": 0, "character": 0}, "end": {"line": line_count, "character": 0}}})
    counts["inlay hints"] += 0 if error else len(hints or [])


def main() -> int:
    verbose = "--verbose" in sys.argv
    count = 40
    if "--files" in sys.argv:
        count = int(sys.argv[sys.argv.index("--files") + 1])
    documents = [("file:///tmp/compare/Dockerfile.defects", DEFECTS)] + corpus_files(count)
    servers = {}
    legends = {}
    for name, command in (("docksense", [sys.executable, *DOCKSENSE[1:]]), ("rcjsuen", RCJSUEN)):
        client = StdioClient(command, cwd=str(ROOT / "server"))
        capabilities = client.initialize({"diagnostics": {"enable": False}} if name == "docksense" else None)
        provider = capabilities["capabilities"].get("semanticTokensProvider") or {}
        legends[name] = provider.get("legend", {})
        servers[name] = client
    tallies: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list[str]] = defaultdict(list)
    totals: dict[str, Counter] = defaultdict(Counter)
    try:
        for uri, text in documents:
            for client in servers.values():
                client.open(uri, text)
            for name, client in servers.items():
                _document_totals(client, uri, legends[name], text.count("\n") + 1, totals[name])
            for line, character, what in questions(text):
                for label, (method, reduce) in POSITION_METHODS.items():
                    ours = reduce(*ask(servers["docksense"], method, uri, line, character))
                    theirs = reduce(*ask(servers["rcjsuen"], method, uri, line, character))
                    if ours == theirs:
                        verdict = "same" if ours is not None else "neither"
                    elif theirs is None:
                        verdict = "only docksense"
                    elif ours is None:
                        verdict = "only rcjsuen"
                    else:
                        verdict = "different"
                    tallies[label][verdict] += 1
                    if verdict not in ("same", "neither") and (verbose or uri.endswith("defects")):
                        name = uri.rsplit("/", 1)[-1]
                        samples[label].append(f"  {name} {line + 1}:{character} {what}: docksense {ours} | "
                                              f"rcjsuen {theirs}")
        print(f"{len(documents)} documents; position methods asked at every variable, stage and heredoc name\n")
        print(f"{'method':20} {'same':>6} {'different':>10} {'only docksense':>15} {'only rcjsuen':>13} {'neither':>8}")
        for label in POSITION_METHODS:
            t = tallies[label]
            print(f"{label:20} {t['same']:6} {t['different']:10} {t['only docksense']:15} {t['only rcjsuen']:13} "
                  f"{t['neither']:8}")
        print("\nDifferences on the defects file" + (" and the corpus" if verbose else "") + ":")
        for label, lines in samples.items():
            print(f"{label}:")
            for line in lines[: 200 if verbose else 12]:
                print(line)
        print(f"\nDocument methods over all {len(documents)} documents:")
        for name, counts in totals.items():
            print(f"  {name}: " + ", ".join(f"{key} {value}" for key, value in sorted(counts.items())))
        print("\nDocument methods on the defects file:")
        uri, text = documents[0]
        for name, client in servers.items():
            summary = document_summary(client, uri, legends[name], text.count("\n") + 1)
            print(f"  {name}:")
            for method, value in summary.items():
                print(f"    {method:16} {value}")
        for name in servers:
            legend = legends[name]
            print(f"  {name} legend: {len(legend.get('tokenTypes', []))} types {legend.get('tokenTypes')}")
    finally:
        for client in servers.values():
            client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
