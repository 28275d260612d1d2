"""Quote removal: a word's value, and where each character of the value sits in the source.

Expansions (``$x``, ``$(...)``, ``${...}``, backticks) are kept verbatim: their value is not
known before the build.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .data import Word

_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
                 "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_DQ_ESCAPABLE = frozenset('$`"\\\n')
_DECODE_PLAIN = re.compile(r"[^'\"\\$`]+")
_DECODE_DQ_PLAIN = re.compile(r'[^"\\$`]+')


def _decode(raw: str) -> tuple[str, list[int]]:
    """Remove quoting from ``raw``; returns the value and, per value character, its offset.

    Expansions (``$x``, ``$(...)``, ``${...}``, backticks) are kept verbatim.
    """
    out = _Decoded(raw, [])
    out.run()
    return "".join(out.chunks), out.offsets  # type: ignore[return-value]


def _decode_text(raw: str) -> str:
    """``_decode(raw)[0]`` without the offsets (the lexer needs the value only)."""
    out = _Decoded(raw, None)
    out.run()
    return "".join(out.chunks)


class _Decoded:
    """One quote removal; ``offsets`` (when a list) gets the source offset of each character."""

    __slots__ = ("chunks", "offsets", "raw")

    def __init__(self, raw: str, offsets: list[int] | None):
        self.raw = raw
        self.chunks: list[str] = []
        self.offsets = offsets

    def keep(self, start: int, stop: int) -> None:
        if stop > start:
            self.chunks.append(self.raw[start:stop])
            if self.offsets is not None:
                self.offsets.extend(range(start, stop))

    def run(self) -> None:
        raw = self.raw
        pos, n = 0, len(raw)
        while pos < n:
            match = _DECODE_PLAIN.match(raw, pos)
            if match is not None:
                self.keep(pos, match.end())
                pos = match.end()
                continue
            c = raw[pos]
            if c == "'":
                close = raw.find("'", pos + 1)
                close = n if close < 0 else close
                self.keep(pos + 1, close)
                pos = close + 1
            elif c == '"':
                pos = self.double(pos + 1)
            elif c == "\\":
                if pos + 1 < n and raw[pos + 1] != "\n":
                    self.keep(pos + 1, pos + 2)
                elif pos + 1 >= n:
                    self.keep(pos, pos + 1)
                pos += 2
            elif raw.startswith("$'", pos):
                pos = self.ansi(pos + 2)
            elif raw.startswith('$"', pos):
                pos = self.double(pos + 2)
            else:
                pos = self.expansion(pos)

    def expansion(self, pos: int) -> int:
        """Copy the ``$`` form or backtick substitution at ``pos`` unchanged."""
        stop = _expansion_end(self.raw, pos)
        self.keep(pos, stop)
        return stop

    def double(self, pos: int) -> int:
        raw = self.raw
        n = len(raw)
        while pos < n:
            match = _DECODE_DQ_PLAIN.match(raw, pos)
            if match is not None:
                self.keep(pos, match.end())
                pos = match.end()
                continue
            c = raw[pos]
            if c == '"':
                return pos + 1
            if c == "\\":
                if pos + 1 < n and raw[pos + 1] in _DQ_ESCAPABLE:
                    if raw[pos + 1] != "\n":
                        self.keep(pos + 1, pos + 2)
                    pos += 2
                else:
                    self.keep(pos, pos + 1)
                    pos += 1
            else:
                pos = self.expansion(pos)
        return n

    def ansi(self, pos: int) -> int:
        raw = self.raw
        n = len(raw)
        while pos < n:
            c = raw[pos]
            if c == "'":
                return pos + 1
            if c == "\\" and pos + 1 < n:
                escaped = _ANSI_ESCAPES.get(raw[pos + 1])
                if escaped is not None:
                    self.chunks.append(escaped)
                    if self.offsets is not None:
                        self.offsets.append(pos + 1)
                    pos += 2
                    continue
            self.keep(pos, pos + 1)
            pos += 1
        return n


def _expansion_end(raw: str, pos: int) -> int:
    """Position after the ``$`` form or backtick substitution at ``pos``."""
    if raw.startswith("$(", pos) or raw.startswith("${", pos):
        return _group_end(raw, pos + 1)
    if raw[pos] == "`":
        close = raw.find("`", pos + 1)
        while close > 0 and raw[close - 1] == "\\":
            close = raw.find("`", close + 1)
        return len(raw) if close < 0 else close + 1
    return pos + 1


def _group_end(raw: str, pos: int) -> int:
    """Position after the bracket matching the ``(`` or ``{`` at ``pos`` (quotes skipped)."""
    opening = raw[pos]
    closing, skip = (")", _GROUP_PAREN_SKIP) if opening == "(" else ("}", _GROUP_BRACE_SKIP)
    depth, n = 0, len(raw)
    while pos < n:
        c = raw[pos]
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return pos + 1
        elif c in "'\"":
            close = raw.find(c, pos + 1)
            pos = n - 1 if close < 0 else close
        elif c == "\\":
            pos += 1
        pos = skip(raw, pos + 1).end()  # characters that matter to none of the cases above
    return n


_GROUP_PAREN_SKIP = re.compile(r"[^()'\"\\]*").match
_GROUP_BRACE_SKIP = re.compile(r"[^{}'\"\\]*").match


# Words _decode_text would only take the double quotes out of: plain text and "..." holding
# plain text, $NAME, and $(...) / ${...} without quotes, escapes or nested brackets (such as
# `arch="$(dpkg --print-architecture)"`, common and otherwise slow to decode). One character
# per repetition and alternatives that exclude each other, so a failed match stays linear.
_PLAIN_QUOTING = re.compile(
    r"""(?:[^'"\\$`]|"(?:[^"\\$`]|\$(?![({])|\$\([^()'"\\]*\)|\$\{[^{}'"\\]*\})*")+"""
).fullmatch


def _offsets(word: Word) -> Sequence[int]:
    """Offset in ``word.raw`` of each character of ``word.text``."""
    return range(len(word.raw)) if word.text == word.raw else _decode(word.raw)[1]
