"""Word-level readers of instruction arguments, each keeping exact offsets.

These follow BuildKit's line parsers (``frontend/dockerfile/parser``): the flag reader of
``split_command.go``, ``parseWords`` for ENV/LABEL/ARG, the whitespace split of FROM/EXPOSE/
COPY, and the JSON reader of the exec form. Offsets here are into the joined instruction
text; the parser maps them to the document.
"""

from __future__ import annotations

import json
import re
from typing import Optional

from .text import is_go_space

# BuildKit's reWhitespace: note that it does not include \n.
RE_WHITESPACE = re.compile(r"[\t\v\f\r ]+")


def split_whitespace(text: str, offset: int) -> list[tuple[str, int, int]]:
    """``reWhitespace.Split`` of an already trimmed string, with (start, end) offsets."""
    if not text:
        return []
    out = []
    pos = 0
    for match in RE_WHITESPACE.finditer(text):
        out.append((text[pos : match.start()], offset + pos, offset + match.start()))
        pos = match.end()
    out.append((text[pos:], offset + pos, offset + len(text)))
    return out


def extract_flags(line: str, escape: str) -> tuple[int, list[tuple[str, int, int]]]:
    """BuildKit's ``extractBuilderFlags``: leading ``--flag`` words of ``line``.

    Returns the index where the arguments start (``len(line)`` when there are none) and the
    flags as (processed word, start, end); the processed word has quotes removed and escapes
    applied, as BuildKit passes it on.
    """
    words: list[tuple[str, int, int]] = []
    n = len(line)
    pos = 0
    while True:
        while pos < n and is_go_space(line[pos]):
            pos += 1
        if pos >= n:
            return n, words
        if line[pos] != "-" or pos + 1 >= n or line[pos + 1] != "-":
            return pos, words
        start = pos
        buf: list[str] = []
        quote = ""
        blank_ok = False
        while pos < n:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                    pos += 1
                    continue
                if ch == escape:
                    if pos + 1 == n:
                        quote = ""
                        pos += 1
                        continue
                    pos += 1
                    ch = line[pos]
                buf.append(ch)
                pos += 1
                continue
            if is_go_space(ch):
                break
            if ch in "'\"":
                quote = ch
                blank_ok = True
                pos += 1
                continue
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            buf.append(ch)
            pos += 1
        word = "".join(buf)
        if word == "--":
            # ``--`` ends the flags; BuildKit returns the text after it.
            return pos, words
        if blank_ok or word:
            words.append((word, start, pos))


def parse_words(rest: str, escape: str, offset: int) -> list[tuple[str, int, int]]:
    """BuildKit's ``parseWords``: quote-aware words that keep their quotes and escapes."""
    words: list[tuple[str, int, int]] = []
    n = len(rest)
    pos = 0
    while pos < n:
        while pos < n and is_go_space(rest[pos]):
            pos += 1
        if pos >= n:
            break
        start = pos
        buf: list[str] = []
        quote = ""
        blank_ok = False
        while pos < n:
            ch = rest[pos]
            if quote:
                if ch == quote:
                    quote = ""
                    buf.append(ch)
                    pos += 1
                    continue
                if ch == escape and quote != "'":
                    if pos + 1 == n:
                        quote = ""
                        pos += 1
                        continue
                    buf.append(ch)
                    pos += 1
                    ch = rest[pos]
                buf.append(ch)
                pos += 1
                continue
            if is_go_space(ch):
                break
            if ch in "'\"":
                quote = ch
                blank_ok = True
                buf.append(ch)
                pos += 1
                continue
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                buf.append(ch)
                pos += 1
                ch = rest[pos]
            buf.append(ch)
            pos += 1
        if blank_ok or buf:
            words.append(("".join(buf), offset + start, offset + pos))
    return words


class NotStringArray(ValueError):
    """The exec form's JSON array holds something other than strings (BuildKit refuses)."""


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def parse_json_array(rest: str, offset: int) -> Optional[list[tuple[str, int, int]]]:
    """BuildKit's ``parseJSON``: the items of a JSON array of strings with their spans.

    Returns None when ``rest`` is not a JSON array (the caller falls back to shell form) and
    raises :class:`NotStringArray` when it is an array with a non-string item.
    """
    stripped = rest.lstrip()
    lead = len(rest) - len(stripped)
    if not stripped.startswith("["):
        return None
    try:
        value = json.loads(stripped, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if any(not isinstance(item, str) for item in value):
        raise NotStringArray("when using JSON array syntax, arrays must be comprised of strings only")
    spans = _string_literal_spans(stripped)
    out = []
    for item, (start, end) in zip(value, spans):
        out.append((item, offset + lead + start, offset + lead + end))
    return out


def _string_literal_spans(text: str) -> list[tuple[int, int]]:
    """Spans (quotes included) of the string literals in valid JSON text."""
    spans = []
    pos = 0
    n = len(text)
    while pos < n:
        if text[pos] == '"':
            start = pos
            pos += 1
            while pos < n and text[pos] != '"':
                pos += 2 if text[pos] == "\\" else 1
            pos += 1
            spans.append((start, pos))
        else:
            pos += 1
    return spans


def unquote(value: str, escape: str = "\\") -> str:
    """The value of a word as BuildKit's shell lexer reads it (quotes removed, escapes applied).

    Variables are left as written; this is for showing and comparing literal values.
    """
    out: list[str] = []
    pos = 0
    n = len(value)
    while pos < n:
        ch = value[pos]
        if ch == "'":
            end = value.find("'", pos + 1)
            if end < 0:
                out.append(value[pos + 1 :])
                break
            out.append(value[pos + 1 : end])
            pos = end + 1
            continue
        if ch == '"':
            pos += 1
            while pos < n and value[pos] != '"':
                c = value[pos]
                if c == escape and pos + 1 < n and value[pos + 1] in ('"', "$", escape):
                    out.append(value[pos + 1])
                    pos += 2
                    continue
                out.append(c)
                pos += 1
            pos += 1
            continue
        if ch == escape and pos + 1 < n:
            out.append(value[pos + 1])
            pos += 2
            continue
        out.append(ch)
        pos += 1
    return "".join(out)
