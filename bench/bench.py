"""docksense benchmarks (figures for the closing notes; not a test).

    python bench/bench.py            # all
    python bench/bench.py parse hover

Measures: parsing the whole corpus and a 5,000-line file; knowledge-base load; hover p50/p95
on a 1,000-line file built from corpus files (in the server process, from the cached
analysis, and as a full LSP round trip over stdio); all checks on a 5,000-line file; an edit
in a 1,000-line file to its diagnostics; server start to the answer of ``initialize``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_texts() -> list[str]:
    out = []
    for base in (CORPUS / "files", CORPUS / "extracted"):
        for dirpath, _, names in os.walk(base):
            for name in names:
                out.append((Path(dirpath) / name).read_bytes().decode("utf-8", "surrogateescape"))
    return out


def real_files() -> list[str]:
    """Non-template corpus files (the ones that build)."""
    manifest = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(CORPUS / cols[0]).read_text(encoding="utf-8", errors="replace")
            for cols in (line.split("\t") for line in manifest) if cols[6] == "0"]


def big_file(lines: int) -> str:
    """A Dockerfile of about ``lines`` lines made by concatenating real corpus files."""
    out: list[str] = []
    for text in real_files():
        out.extend(text.splitlines())
        if len(out) >= lines:
            break
    return "\n".join(out[:lines]) + "\n"


def timeit(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def fmt(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {samples[-1]:.2f} ms (n={len(samples)})"


def bench_parse() -> None:
    from docksense.syntax import parse

    texts = corpus_texts()
    size = sum(len(t) for t in texts)
    best = min(timeit(lambda: [parse(t) for t in texts], 3))
    print(f"parse corpus: {len(texts)} files, {size / 1e6:.1f} MB: {best:.0f} ms (best of 3)")
    text = big_file(5000)
    print(f"parse 5,000-line file: {fmt(timeit(lambda: parse(text), 30))}")


def bench_knowledge() -> None:
    from docksense.knowledge import KnowledgeBase

    def first_lookup():
        kb = KnowledgeBase()
        kb.get("instruction", "RUN")

    def everything():
        KnowledgeBase().load_all()

    print(f"knowledge: first lookup (one kind loaded): {fmt(timeit(first_lookup, 10))}")
    print(f"knowledge: whole base indexed: {fmt(timeit(everything, 5))}")


def bench_hover() -> None:
    from lsprotocol import types

    from docksense.analysis import Analysis
    from docksense.features.hover import hover
    from docksense.knowledge import KnowledgeBase

    text = big_file(1000)
    kb = KnowledgeBase()
    kb.load_all()
    analysis = Analysis(text)
    lines = text.splitlines()
    positions = []
    for line_no, line in enumerate(lines):
        for col in range(0, len(line), 7):
            positions.append(types.Position(line_no, col))
    # warm: the first hover on an instruction fills its memo, as in an editor session
    samples = []
    for position in positions:
        started = time.perf_counter()
        hover(analysis, kb, position)
        samples.append((time.perf_counter() - started) * 1000)
    print(f"hover (in server, 1,000-line file, {len(positions)} positions, first visit): {fmt(samples)}")
    samples = timeit(lambda: None, 0)
    for position in positions[:3000]:
        started = time.perf_counter()
        hover(analysis, kb, position)
        samples.append((time.perf_counter() - started) * 1000)
    print(f"hover (in server, repeated): {fmt(samples)}")


def bench_checks() -> None:
    from docksense.analysis import Analysis
    from docksense.rules import RULES, RuleConfig, run_rules

    from docksense.analysis.commands import parse_shell

    text = big_file(5000)
    config = RuleConfig(experimental=["all"])

    def cold():
        parse_shell.cache_clear()  # nothing remembered from an earlier version
        run_rules(Analysis(text), config)

    print(f"checks ({len(RULES)} rules) on a 5,000-line file, parse included, cold: {fmt(timeit(cold, 10))}")
    one_k = big_file(1000)
    from docksense.features.diagnostics import diagnostics
    from docksense.settings import Settings

    settings = Settings()
    diagnostics(Analysis(one_k), settings)  # the version before the edit (as in an editor)
    lines = one_k.splitlines(keepends=True)
    run_lines = [i for i, line in enumerate(lines) if line.lstrip().startswith(("RUN", "&&"))]
    counter = iter(range(10**6))

    def edit_to_diagnostics():
        i = run_lines[next(counter) % len(run_lines)]
        edited = lines[:i] + [lines[i].rstrip("\n") + " x\n"] + lines[i + 1:]
        diagnostics(Analysis("".join(edited)), settings)

    print(f"edit -> diagnostics (1,000-line file, one RUN line edited, LSP objects): "
          f"{fmt(timeit(edit_to_diagnostics, 30))}")


def bench_server() -> None:
    from lsprotocol import types
    from pytest_lsp import client_capabilities
    from pytest_lsp.client import make_test_lsp_client

    async def run_once() -> tuple[float, list[float]]:
        client = make_test_lsp_client()
        started = time.perf_counter()
        await client.start_io(sys.executable, "-m", "docksense", "serve")
        await client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
        init_ms = (time.perf_counter() - started) * 1000
        text = big_file(1000)
        uri = "file:///tmp/bench/Dockerfile"
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)))
        rounds = []
        lines = text.splitlines()
        for line_no in range(0, len(lines), 5):
            position = types.Position(line_no, min(6, len(lines[line_no])))
            t0 = time.perf_counter()
            await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), position))
            rounds.append((time.perf_counter() - t0) * 1000)
        await client.shutdown_session()
        return init_ms, rounds

    inits = []
    for _ in range(5):
        init_ms, rounds = asyncio.run(run_once())
        inits.append(init_ms)
    print(f"server start -> initialize answered: {fmt(inits)}")
    print(f"hover round trip over stdio (1,000-line file): {fmt(rounds)}")


BENCHES = {"parse": bench_parse, "knowledge": bench_knowledge, "hover": bench_hover,
           "checks": bench_checks, "server": bench_server}


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHES)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    for name in chosen:
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
