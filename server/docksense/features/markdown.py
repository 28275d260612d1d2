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


def plain(markdown: str) -> str:
    """A rough plain-text rendering for clients that only take plain text."""
    text = re.sub(r"\[([^\]]*)\]\((https?://[^)]*)\)", r"\1 <\2>", markdown)
    text = re.sub(r"(`+) ?(.*?) ?\1", r"\2", text)
    text = text.replace("**", "")
    return re.sub(r"\\(.)", r"\1", text)
