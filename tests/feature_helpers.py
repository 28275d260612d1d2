"""Helpers shared by the tests of the editing features (symbols, navigation, rename, ...)."""

from __future__ import annotations

from lsprotocol import types

from docksense.analysis import Analysis


# Settings for end-to-end tests of the features: a request budget no loaded CI machine reaches,
# so a cold first request is answered in full rather than with the budget's empty default.
GENEROUS = {"limits": {"requestBudgetMs": 60000}}


def pos(text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    """The UTF-16 position of the ``nth`` occurrence of ``needle`` (plus ``delta`` characters)."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += delta
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return types.Position(line, len(text[start:index].encode("utf-16-le")) // 2)


def span(text: str, needle: str, nth: int = 0, delta: int = 0, length: int | None = None) -> types.Range:
    """The range of ``needle`` (or of ``length`` characters from ``delta`` into it)."""
    start = pos(text, needle, nth, delta)
    size = len(needle) - delta if length is None else length
    return types.Range(start, types.Position(start.line, start.character + size))


def snippet(text: str, rng: types.Range) -> str:
    """The text a single-line range covers (ASCII lines)."""
    line = text.split("\n")[rng.start.line]
    return line[rng.start.character:rng.end.character]


def analyse(text: str) -> Analysis:
    return Analysis(text)


def tdi(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)
