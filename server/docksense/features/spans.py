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


def _new_position(line: int, character: int) -> types.Position:
    """A Position without running its validators: the values here are valid by construction
    (non-negative ints from the line index), and outlines make them by the ten thousand."""
    position = _NEW(types.Position)
    position.line = line
    position.character = character
    return position


def _new_range(start: types.Position, end: types.Position) -> types.Range:
    rng = _NEW(types.Range)
    rng.start = start
    rng.end = end
    return rng


_NEW = object.__new__


class Ranges:
    """Positions and ranges of one document version in one encoding."""

    def __init__(self, analysis: Analysis, encoding: str = "utf-16"):
        self.lines = analysis.lines
        self.encoding = encoding
        self.fast = encoding == "utf-32" or analysis.text.isascii()
        self.starts = self.lines.starts
        self.ends = self.lines.ends
        self.size = len(analysis.text)
        self._last = 0

    def position(self, offset: int) -> types.Position:
        if not self.fast:
            line, character = self.lines.position(offset, self.encoding)
            return _new_position(line, character)
        offset = min(max(offset, 0), self.size)
        starts = self.starts
        line = self._last
        # offsets come mostly in document order: try the line of the previous one first
        if not (starts[line] <= offset and (line + 1 == len(starts) or offset < starts[line + 1])):
            line = bisect.bisect_right(starts, offset) - 1
            self._last = line
        end = self.ends[line]
        return _new_position(line, (offset if offset < end else end) - starts[line])

    def range(self, start: int, end: int) -> types.Range:
        return _new_range(self.position(start), self.position(end if end > start else start))


def ranges(analysis: Analysis, encoding: str = "utf-16") -> Ranges:
    """The converter of this version and encoding (kept in ``analysis.memo``)."""
    key = (_MEMO, encoding)
    found = analysis.memo.get(key)
    if found is None:
        found = Ranges(analysis, encoding)
        analysis.memo[key] = found
    return found  # type: ignore[return-value]
