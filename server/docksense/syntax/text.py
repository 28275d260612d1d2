"""Positions: document offsets <-> LSP (line, character) in the negotiated encoding.

The syntax tree stores every location as a code-point offset into the document text; only
the edge (server, CLI) converts to LSP positions, in UTF-16 code units by default, or UTF-8 /
UTF-32 when the client negotiated them. LSP counts ``\\r\\n``, ``\\n`` and a lone ``\\r`` as
line breaks, so this index does too (BuildKit splits lines on ``\\n`` only; the parser keeps
that rule for meaning, this index keeps the client's rule for positions).
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

_LINE_BREAK = re.compile(r"\r\n|\n|\r")

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


_WIDE = {
    UTF16: re.compile("[\U00010000-\U0010FFFF]"),  # astral: two UTF-16 code units
    UTF8: re.compile("[^\x00-\x7f]"),  # two to four UTF-8 bytes
}


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


def _char_units(ch: str, encoding: str) -> int:
    code = ord(ch)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    if code < 0x10000:
        return 3
    return 4


class _WideChars:
    """Where one line's characters wider than one unit are, with the extra units before each.

    Built once per (line, encoding) on first use, so converting many positions on one long
    line costs a binary search each instead of a walk from the line start (which made a
    40 KB line with one non-ASCII character quadratic).
    """

    __slots__ = ("offsets", "extra")

    def __init__(self, text: str, start: int, end: int, encoding: str):
        offsets: list[int] = []
        extra = [0]  # extra[i]: extra units of the first i wide characters
        total = 0
        for match in _WIDE[encoding].finditer(text, start, end):
            offsets.append(match.start())
            total += _char_units(match.group(), encoding) - 1
            extra.append(total)
        self.offsets = offsets
        self.extra = extra

    def units_before(self, offset: int) -> int:
        """Extra units of the wide characters strictly before ``offset``."""
        return self.extra[bisect.bisect_left(self.offsets, offset)]


class LineIndex:
    """Maps offsets to positions and back for one text."""

    __slots__ = ("text", "starts", "ends", "_wide")

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        ends = []
        for match in _LINE_BREAK.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends
        self._wide: dict[tuple[int, str], Optional[_WideChars]] = {}

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        offset = min(max(offset, 0), len(self.text))
        return bisect.bisect_right(self.starts, offset) - 1

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.ends[line]]

    def _wide_chars(self, line: int, encoding: str) -> Optional["_WideChars"]:
        """The wide characters of ``line`` (None when every character is one unit)."""
        key = (line, encoding)
        try:
            return self._wide[key]
        except KeyError:
            pass
        start, end = self.starts[line], self.ends[line]
        wide: Optional[_WideChars] = None
        if encoding != UTF32 and not (end - start < 64 and self.text[start:end].isascii()):
            found = _WideChars(self.text, start, end, encoding)
            wide = found if found.offsets else None
        self._wide[key] = wide
        return wide

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """(line, character) of an offset; an offset inside a CRLF maps to the line end."""
        offset = min(max(offset, 0), len(self.text))
        line = self.line_of(offset)
        start = self.starts[line]
        offset = min(offset, self.ends[line])
        wide = self._wide_chars(line, encoding) if encoding != UTF32 else None
        if wide is None:
            return line, offset - start
        return line, offset - start + wide.units_before(offset)

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Offset of an LSP position; out-of-range values are clamped as LSP requires."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.ends[line]
        character = max(character, 0)
        wide = self._wide_chars(line, encoding) if encoding != UTF32 else None
        if wide is None:
            return start + min(character, end - start)
        # The last wide character whose units start at or before ``character``.
        offsets, extra = wide.offsets, wide.extra
        low, high = 0, len(offsets)
        while low < high:  # first wide char whose start unit is > character
            mid = (low + high) // 2
            if offsets[mid] - start + extra[mid] > character:
                high = mid
            else:
                low = mid + 1
        if low == 0:
            return start + min(character, end - start)
        index = low - 1
        char_start = offsets[index] - start + extra[index]
        width = extra[index + 1] - extra[index] + 1
        if character < char_start + width:  # inside (or at) the wide character itself
            return offsets[index]
        return min(offsets[index] + 1 + (character - char_start - width), end)


# Go's unicode.IsSpace for the characters BuildKit meets; Python's isspace() would also
# accept \x1c-\x1f, which Go does not.
_GO_SPACE_ASCII = frozenset("\t\n\v\f\r \x85\xa0")


def is_go_space(ch: str) -> bool:
    if ch in _GO_SPACE_ASCII:
        return True
    return ord(ch) > 0xFF and ch.isspace()


_GO_SPACE_CHARS = "\t\n\v\f\r \x85\xa0"


def go_lstrip(text: str) -> str:
    """Strip Go's unicode.IsSpace characters from the left."""
    out = text.lstrip(_GO_SPACE_CHARS)
    while out and ord(out[0]) > 0xFF and out[0].isspace():
        out = out[1:].lstrip(_GO_SPACE_CHARS)
    return out


def go_rstrip(text: str) -> str:
    out = text.rstrip(_GO_SPACE_CHARS)
    while out and ord(out[-1]) > 0xFF and out[-1].isspace():
        out = out[:-1].rstrip(_GO_SPACE_CHARS)
    return out


def go_trim_space(text: str) -> str:
    """Go's strings.TrimSpace."""
    return go_rstrip(go_lstrip(text))
