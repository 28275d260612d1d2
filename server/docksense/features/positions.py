"""Offsets <-> LSP ranges in the encoding the client negotiated."""

from __future__ import annotations

from lsprotocol import types

from ..syntax import LineIndex

_ENCODINGS = {
    types.PositionEncodingKind.Utf8: "utf-8",
    types.PositionEncodingKind.Utf16: "utf-16",
    types.PositionEncodingKind.Utf32: "utf-32",
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "utf-32": "utf-32",
}


def encoding_name(kind: object) -> str:
    return _ENCODINGS.get(kind, "utf-16")  # type: ignore[arg-type]


def to_range(lines: LineIndex, start: int, end: int, encoding: str = "utf-16") -> types.Range:
    s_line, s_char = lines.position(start, encoding)
    e_line, e_char = lines.position(max(start, end), encoding)
    return types.Range(types.Position(s_line, s_char), types.Position(e_line, e_char))


def to_offset(lines: LineIndex, position: types.Position, encoding: str = "utf-16") -> int:
    return lines.offset(position.line, position.character, encoding)
