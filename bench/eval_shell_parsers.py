"""Compare shell parsers on the RUN commands of the corpus.

Usage: ``python bench/eval_shell_parsers.py [CORPUS_DIR]`` (default ``/work/shared/corpus/files``).

For each parser (bashlex, tree-sitter-bash, and docksense's own ``analysis.shell``) it reports:
how many shell-form RUN commands parse without error, the CPU time of the bare parse calls for
the whole corpus (best of three, so load from other processes matters less), and how it copes
with half-typed input (every command cut at a seeded random point): how often it raises (no
result at all), how often it flags an error, and the share of the commands that end before
the cut (as the parser found them on the full text) that it still finds in the cut text.

The RUN extraction is deliberately rough: ``\\``-newline continuations are joined (``#``
lines and blank lines inside a continuation dropped), JSON (exec) forms and heredocs are
skipped, leading ``--flag`` words are stripped. Files declaring ``# escape=``` (Windows /
PowerShell) are counted apart, as are templates that contain ``{{`` markup.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path("/work/shared/corpus/files")
_HEREDOC = re.compile(r"<<-?\s*[\"']?[A-Za-z_]")
_ESCAPE_DIRECTIVE = re.compile(r"#\s*escape\s*=\s*(\S)", re.IGNORECASE)


# -- extraction --------------------------------------------------------------------------
def _escape_char(lines: list[str]) -> str:
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        match = _ESCAPE_DIRECTIVE.match(stripped)
        if match:
            return match.group(1)
    return "\\"


def _logical_lines(lines: list[str], escape: str):
    i, n = 0, len(lines)
    while i < n:
        logical = lines[i]
        while logical.rstrip().endswith(escape) and i + 1 < n:
            logical = logical.rstrip()[:-1]
            i += 1
            while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                i += 1
            if i < n:
                logical += lines[i]
        i += 1
        yield logical


def _run_body(logical: str) -> str | None:
    parts = logical.strip().split(None, 1)
    if len(parts) < 2 or parts[0].upper() != "RUN":
        return None
    body = parts[1]
    while body.startswith("--"):
        body = body.split(None, 1)[1] if len(body.split(None, 1)) > 1 else ""
    if not body.strip() or _HEREDOC.search(body):
        return None
    if body.lstrip().startswith("["):
        try:
            if isinstance(json.loads(body), list):
                return None
        except ValueError:
            pass
    return body


def extract(corpus: Path) -> list[tuple[str, str]]:
    """(category, command) for every shell-form RUN; category is plain/template/windows."""
    out = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff").replace("\r\n", "\n")
        lines = text.split("\n")
        escape = _escape_char(lines)
        category = "windows" if escape != "\\" else "template" if "{{" in text else "plain"
        for logical in _logical_lines(lines, escape):
            body = _run_body(logical)
            if body is not None:
                out.append((category, body))
    return out


# -- parser adapters ---------------------------------------------------------------------
# Each returns (bare parse call, analysis returning (ok, command-name start offsets)).
Adapter = tuple[Callable[[str], object], Callable[[str], tuple[bool, set[int]]]]


def _bashlex_adapter() -> Adapter:
    import bashlex

    class Collect(bashlex.ast.nodevisitor):
        def __init__(self):
            self.starts: set[int] = set()

        def visitcommand(self, node, parts):
            for part in parts:
                if part.kind == "word":
                    self.starts.add(part.pos[0])
                    break

    def parse(text: str) -> tuple[bool, set[int]]:
        visitor = Collect()
        for tree in bashlex.parse(text):
            visitor.visit(tree)
        return True, visitor.starts

    return bashlex.parse, parse


def _tree_sitter_adapter() -> Adapter:
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    parser = Parser(Language(tree_sitter_bash.language()))

    def parse(text: str) -> tuple[bool, set[int]]:
        data = text.encode("utf-8")
        tree = parser.parse(data)
        starts: set[int] = set()
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "command_name":
                starts.add(len(data[: node.start_byte].decode("utf-8", errors="replace")))
            stack.extend(node.children)
        return not tree.root_node.has_error, starts

    return (lambda text: parser.parse(text.encode("utf-8"))), parse


def _docksense_adapter() -> Adapter:
    from docksense.analysis.shell import parse_shell

    def parse(text: str) -> tuple[bool, set[int]]:
        script = parse_shell(text)
        return not script.errors, {c.words[0].start for c in script.commands if c.words}

    return parse_shell, parse


ADAPTERS = {
    "bashlex": _bashlex_adapter,
    "tree-sitter-bash": _tree_sitter_adapter,
    "docksense.analysis.shell": _docksense_adapter,
}


# -- measurements ------------------------------------------------------------------------
def _run_all(parse, commands: list[str]) -> list[tuple[bool, set[int]] | None]:
    results: list[tuple[bool, set[int]] | None] = []
    for text in commands:
        try:
            results.append(parse(text))
        except (Exception, RecursionError):  # noqa: BLE001 - a raising parser is what we measure
            results.append(None)
    return results


def _cpu_seconds(parse_only, commands: list[str], repeat: int = 3) -> float:
    """Best-of-``repeat`` CPU time of the bare parse calls (exceptions included)."""
    best = float("inf")
    for _ in range(repeat):
        begin = time.process_time()
        for text in commands:
            try:
                parse_only(text)
            except (Exception, RecursionError):  # noqa: BLE001
                pass
        best = min(best, time.process_time() - begin)
    return best


def evaluate(name: str, adapter: Adapter, runs: list[tuple[str, str]], cuts: list[int]) -> dict:
    parse_only, parse = adapter
    commands = [body for _, body in runs]
    full = _run_all(parse, commands)
    cut_texts = [body[:cut] for body, cut in zip(commands, cuts)]
    half = _run_all(parse, cut_texts)
    expected = found = 0
    for whole, part, cut, text in zip(full, half, cuts, commands):
        if whole is None:
            continue
        before = {s for s in whole[1] if _word_end(text, s) <= cut}
        expected += len(before)
        if part is not None:
            found += len(before & part[1])
    by_category: dict[str, list[int]] = {}
    for (category, _), result in zip(runs, full):
        counts = by_category.setdefault(category, [0, 0])
        counts[0] += 1
        counts[1] += bool(result and result[0])
    return {
        "parser": name,
        "ok": sum(1 for r in full if r and r[0]),
        "raised": sum(1 for r in full if r is None),
        "seconds": _cpu_seconds(parse_only, commands),
        "by_category": by_category,
        "half_raised": sum(1 for r in half if r is None),
        "half_flagged": sum(1 for r in half if r and not r[0]),
        "half_seconds": _cpu_seconds(parse_only, cut_texts, repeat=1),
        "half_recall": found / expected if expected else 1.0,
    }


def _word_end(text: str, start: int) -> int:
    match = re.compile(r"\S*").match(text, start)
    return match.end() if match else start


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else CORPUS
    runs = extract(corpus)
    rng = random.Random(0)
    cuts = [rng.randint(1, max(1, len(body) - 1)) for _, body in runs]
    total_chars = sum(len(b) for _, b in runs)
    cats = {c: sum(1 for k, _ in runs if k == c) for c in ("plain", "template", "windows")}
    print(f"{len(runs)} shell-form RUN commands ({total_chars} characters): {cats}")
    for name, make in ADAPTERS.items():
        try:
            begin = time.perf_counter()
            adapter = make()
            setup = time.perf_counter() - begin
        except ImportError as exc:
            print(f"{name}: not available ({exc})")
            continue
        row = evaluate(name, adapter, runs, cuts)
        plain = row["by_category"].get("plain", [0, 0])
        print(
            f"{name}: import+setup {setup * 1000:.0f} ms; full: {row['ok']}/{len(runs)} without error "
            f"(plain {plain[1]}/{plain[0]}), {row['raised']} raised, {row['seconds'] * 1000:.0f} ms CPU; "
            f"half-typed: {row['half_raised']} raised, {row['half_flagged']} flagged, "
            f"{row['half_recall']:.1%} of commands before the cut still found, "
            f"{row['half_seconds'] * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
