"""Finding here-documents in an instruction line, as BuildKit does.

BuildKit (``parser.go`` ``heredocsFromLine``) splits the whole instruction line into shell
words with quotes and escapes kept, where ``<<`` followed by blanks stays in the same word
(so ``<< 'EOF'`` is one word), and takes every word matching ``^(\\d*)<<(-?)\\s*([^<]*)$``
whose rest is exactly one word as a heredoc: ``<<<`` (a here-string) and ``'<<EOF'`` are not.
A quoted delimiter turns off expansion in the body; ``<<-`` strips leading tabs.
"""

from __future__ import annotations

from typing import Optional

import attrs

from .numbers import parse_int_bounded

_BLANK = " \t"
_GO_SPACE = "\t\n\f\r "  # Go's regexp \s


class HeredocSyntaxError(ValueError):
    """A heredoc delimiter with an unterminated quote (BuildKit refuses the file)."""


@attrs.frozen
class Marker:
    """A heredoc marker found in a line: ``<<-"EOF"`` -> name EOF, chomp, no expansion."""

    name: str
    chomp: bool
    expand: bool
    fd: int
    start: int
    end: int


def _raw_words(line: str) -> list[tuple[str, int, int]]:
    """Shell words with quotes and escapes kept (BuildKit's lexer with RawQuotes/RawEscapes)."""
    words: list[tuple[str, int, int]] = []
    n = len(line)
    pos = 0
    start = -1
    while pos < n:
        ch = line[pos]
        if ch in " \t\r\n\v\f":
            if start >= 0:
                words.append((line[start:pos], start, pos))
                start = -1
            pos += 1
            continue
        if start < 0:
            start = pos
        if ch == "'":
            end = line.find("'", pos + 1)
            pos = n if end < 0 else end + 1
        elif ch == '"':
            pos += 1
            while pos < n and line[pos] != '"':
                pos += 2 if line[pos] == "\\" else 1
            pos = min(pos + 1, n)
        elif ch == "\\":
            pos += 2
        elif ch == "<" and line.startswith("<<", pos):
            pos += 2
            while pos < n and line[pos] in _BLANK:
                pos += 1
        else:
            pos += 1
    if start >= 0:
        words.append((line[start:n], start, n))
    return words


def _unquoted_words(rest: str) -> list[str]:
    """Words of ``rest`` with quotes removed; raises on an unterminated quote."""
    words: list[str] = []
    buf: list[str] = []
    in_word = False
    pos = 0
    n = len(rest)
    while pos < n:
        ch = rest[pos]
        if ch in " \t\r\n\v\f":
            if in_word:
                words.append("".join(buf))
                buf, in_word = [], False
            pos += 1
            continue
        in_word = True
        if ch in "'\"":
            end = rest.find(ch, pos + 1)
            if ch == '"':
                end = pos + 1
                while end < n and rest[end] != '"':
                    end += 2 if rest[end] == "\\" else 1
                if end >= n:
                    end = -1
            if end < 0:
                raise HeredocSyntaxError(f"unexpected end of statement while looking for matching {ch}")
            buf.append(rest[pos + 1 : end])
            pos = end + 1
            continue
        if ch == "\\" and pos + 1 < n:
            buf.append(rest[pos + 1])
            pos += 2
            continue
        buf.append(ch)
        pos += 1
    if in_word:
        words.append("".join(buf))
    return words


def split_marker_word(word: str) -> Optional[tuple[str, bool, str]]:
    """(fd digits, chomp, rest) when ``word`` matches BuildKit's ``^(\\d*)<<(-?)\\s*([^<]*)$``.

    Read by hand rather than with that regular expression: ``\\s*`` followed by ``[^<]*``
    backtracks over every blank when a ``<`` follows a long run of them.
    """
    n = len(word)
    i = 0
    while i < n and "0" <= word[i] <= "9":
        i += 1
    if not word.startswith("<<", i):
        return None
    digits = word[:i]
    i += 2
    chomp = i < n and word[i] == "-"
    if chomp:
        i += 1
    while i < n and word[i] in _GO_SPACE:
        i += 1
    rest = word[i:]
    if "<" in rest:
        return None
    return digits, chomp, rest


def _marker(word: str, start: int, end: int) -> Optional[Marker]:
    split = split_marker_word(word)
    if split is None or not split[2]:
        return None
    digits, chomp, rest = split
    words = _unquoted_words(rest)
    if len(words) != 1:
        return None
    name = words[0]
    quotes_kept = rest.count("'") + rest.count('"')
    quotes_left = name.count("'") + name.count('"')
    return Marker(
        name=name,
        chomp=chomp,
        expand=quotes_left == quotes_kept,
        fd=parse_int_bounded(digits) or 0 if digits else 0,
        start=start,
        end=end,
    )


def find_markers(line: str) -> list[Marker]:
    """Every heredoc marker of an instruction line, in order."""
    if "<<" not in line:
        return []
    markers = []
    for word, start, end in _raw_words(line):
        if "<<" in word:
            marker = _marker(word, start, end)
            if marker is not None:
                markers.append(marker)
    return markers
