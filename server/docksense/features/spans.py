"""Offsets -> LSP ranges in bulk: outline, folding and tokens convert thousands of offsets.

:func:`docksense.features.positions.to_range` measures every prefix in the negotiated
encoding; for an ASCII document (most Dockerfiles) a position is just the offset minus the
line start, so this converter takes that shortcut and falls back to the exact count otherwise.
"""

from __future__ import annotations

import bisect

from lsprotocol import types

from ..analysis import Analysis

_MEMO = "features.spans"


class Ranges:
    """Positions and ranges of one document version in one encoding."""

    def __init__(self, analysis: Analysis, encoding: str = "utf-16"):
        self.lines = analysis.lines
        self.encoding = encoding
        self.fast = encoding == "utf-32" or analysis.text.isascii()
        self.starts = self.lines.starts
        self.ends = self.lines.ends
        self.size = len(analysis.text)

    def position(self, offset: int) -> types.Position:
        if not self.fast:
            line, character = self.lines.position(offset, self.encoding)
            return types.Position(line, character)
        offset = min(max(offset, 0), self.size)
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line, min(offset, self.ends[line]) - self.starts[line])

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(max(start, end)))


def ranges(analysis: Analysis, encoding: str = "utf-16") -> Ranges:
    """The converter of this version and encoding (kept in ``analysis.memo``)."""
    key = (_MEMO, encoding)
    found = analysis.memo.get(key)
    if found is None:
        found = Ranges(analysis, encoding)
        analysis.memo[key] = found
    return found  # type: ignore[return-value]
