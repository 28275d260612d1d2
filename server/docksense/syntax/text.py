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

_LINE_BREAK = re.compile(r"\r\n|\n|\r")

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class LineIndex:
    """Maps offsets to positions and back for one text."""

    __slots__ = ("text", "starts", "ends")

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

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        offset = min(max(offset, 0), len(self.text))
        return bisect.bisect_right(self.starts, offset) - 1

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.ends[line]]

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """(line, character) of an offset; an offset inside a CRLF maps to the line end."""
        offset = min(max(offset, 0), len(self.text))
        line = self.line_of(offset)
        start = self.starts[line]
        offset = min(offset, self.ends[line])
        return line, _units(self.text[start:offset], encoding)

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Offset of an LSP position; out-of-range values are clamped as LSP requires."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.ends[line]
        segment = self.text[start:end]
        if encoding == UTF32 or segment.isascii():
            return start + min(max(character, 0), len(segment))
        units = 0
        for index, ch in enumerate(segment):
            width = _char_units(ch, encoding)
            if units + width > character:
                return start + index
            units += width
        return end


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
