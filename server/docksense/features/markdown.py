"""Markdown that cannot be hijacked by document text.

Anything taken from the Dockerfile goes through :func:`code` (an inline code span whose fence
is longer than any backtick run inside, so nothing in it is interpreted) or :func:`escape`
(every Markdown and HTML special character backslash-escaped), so a Dockerfile cannot inject
links, images, HTML or command URIs into a hover.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|<>~&:])")


def escape(text: str) -> str:
    """Plain text that renders as itself in Markdown."""
    return _SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def code(text: str, limit: int = 120) -> str:
    """``text`` as an inline code span (shortened to ``limit`` characters)."""
    text = text.replace("\r", " ").replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, language: str = "") -> str:
    """A fenced code block that the text cannot close early."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


# A link's text holds no bracket and its address no parenthesis or blank: each attempt stops at
# the next bracket, so a line of thousands of "[" is read in linear time.
_LINK = re.compile(r"\[([^\[\]]*)\]\((https?://[^()\s]*)\)")


def _strip_code_spans(text: str) -> str:
    """Code spans replaced by their content, in one pass: a fence closes at the next run of
    the same length; a fence length known to have no closer later is not searched again
    (a backtracking pattern here was quadratic on text full of unmatched backticks)."""
    out: list[str] = []
    absent: dict[int, int] = {}  # fence length -> offset after which it does not occur
    pos, n = 0, len(text)
    while pos < n:
        tick = text.find("`", pos)
        if tick < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:tick])
        run_end = tick
        while run_end < n and text[run_end] == "`":
            run_end += 1
        width = run_end - tick
        close = -1
        if absent.get(width, n + 1) > run_end:
            search = run_end
            while True:
                close = text.find("`" * width, search)
                if close < 0:
                    absent[width] = run_end
                    break
                after = close + width
                if (close == 0 or text[close - 1] != "`") and (after >= n or text[after] != "`"):
                    break
                while after < n and text[after] == "`":  # part of a longer run: skip it
                    after += 1
                search = after
        if close < 0:
            out.append(text[tick:run_end])
            pos = run_end
            continue
        inner = text[run_end:close]
        if inner.startswith(" ") and inner.endswith(" ") and len(inner) >= 2:
            inner = inner[1:-1]
        out.append(inner)
        pos = close + width
    return "".join(out)


def plain(markdown: str) -> str:
    """A rough plain-text rendering for clients that only take plain text."""
    text = _LINK.sub(r"\1 <\2>", markdown)
    text = _strip_code_spans(text)
    text = text.replace("**", "")
    return re.sub(r"\\(.)", r"\1", text)
