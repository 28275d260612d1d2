"""Every editing feature answers on any input: corpus files, random bytes, half-typed text.

Answers must be well formed: ranges inside the document, in order, names non-empty; a rename
either refuses with a message or produces edits that apply.
"""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from docksense.analysis import Analysis
from docksense.features import folding, inlay_hints, links, navigation, rename, semantic_tokens, symbols
from docksense.features.occurrences import occurrences
from docksense.settings import InlayHintSettings

from .conftest import corpus_files, read

URI = "file:///tmp/docksense-robust/Dockerfile"


def _inside(analysis: Analysis, rng: types.Range) -> None:
    lines = analysis.lines
    assert 0 <= rng.start.line < lines.line_count and 0 <= rng.end.line < lines.line_count
    assert (rng.start.line, rng.start.character) <= (rng.end.line, rng.end.character)
    for position in (rng.start, rng.end):
        text = lines.line_text(position.line)
        assert position.character <= len(text.encode("utf-16-le")) // 2


def exercise(text: str, positions: int = 40) -> None:
    analysis = Analysis(text)

    def walk(items):
        for item in items:
            assert item.name
            _inside(analysis, item.range)
            _inside(analysis, item.selection_range)
            walk(item.children or [])

    walk(symbols.document_symbols(analysis))
    for fold in folding.folding_ranges(analysis):
        assert 0 <= fold.start_line < fold.end_line < analysis.lines.line_count
    semantic_tokens.full(analysis, URI)
    for link in links.document_links(analysis):
        _inside(analysis, link.range)
        assert link.target.startswith("https://")
    for hint in inlay_hints.inlay_hints(analysis, None, InlayHintSettings()):
        _inside(analysis, types.Range(hint.position, hint.position))
    items = occurrences(analysis).items
    for item in items[:: max(1, len(items) // positions)]:
        line, character = analysis.lines.position(item.start)
        at = types.Position(line, character)
        for result in (navigation.definition(analysis, URI, at), navigation.references(analysis, URI, at)):
            for location in result or []:
                _inside(analysis, location.range)
        for highlight in navigation.highlights(analysis, at) or []:
            _inside(analysis, highlight.range)
        edit = rename.rename(analysis, URI, at, "renamed_x")
        if isinstance(edit, rename.Refusal):
            assert edit.message
        else:
            for change in edit.changes[URI]:
                _inside(analysis, change.range)


@pytest.mark.shared
def test_every_corpus_file():
    for path in corpus_files()[::3]:
        exercise(read(path))


@pytest.mark.parametrize("seed", range(12))
def test_random_text(seed):
    rng = random.Random(seed)
    alphabet = "FROM RUN ENV ARG COPY --from= --mount=from=,$ ${ :- } <<EOF\nEOF\n\\\n\r\n#\"'🐳é\t AS a b 0 x=y"
    pieces = [rng.choice(alphabet.split(" ")) if rng.random() < 0.5 else rng.choice(alphabet) for _ in range(600)]
    exercise(" ".join(pieces))


@pytest.mark.parametrize("seed", range(4))
def test_random_bytes(seed):
    rng = random.Random(seed)
    exercise(bytes(rng.randrange(256) for _ in range(4000)).decode("utf-8", "replace"))


@pytest.mark.parametrize("text", [
    "", "\ufeff", "FROM", "FROM a AS", "FROM a AS b\nCOPY --from=", "FROM a\nRUN --mount=from=,target=/x",
    "ARG A\nFROM ${A", "FROM a\nENV A=${B:-${C:-${D}}}\n", "FROM a\nRUN <<EOF", "FROM a\nCOPY <<A <<B /x\nA\n",
    "FROM a AS b\nFROM b AS a\nFROM a AS a\n", "FROM a\r\nENV X=1\rRUN echo $X\r\n",
    "ONBUILD RUN echo $X\nFROM a\nONBUILD COPY --from=0 . .\n", "FROM a\n" + "RUN echo \\\n" * 2000,
])
def test_half_typed_and_hostile(text):
    exercise(text)
