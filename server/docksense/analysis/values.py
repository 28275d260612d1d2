"""Literal values of ENV/LABEL/ARG words (quotes removed, escapes applied).

dockerfile-parse's ``WordSplitter`` implements the shell-like quoting that Docker documents
for these values, so it is used here; the value is the same as BuildKit's for everything but
backslash escapes inside double quotes, where BuildKit also honours ``\\$`` and ``\\\\``, which
:func:`docksense.syntax.words.unquote` handles.
"""

from __future__ import annotations

from dockerfile_parse.util import WordSplitter

from ..syntax.words import unquote


def literal(raw: str, escape: str = "\\") -> str:
    if escape != "\\" or '"' in raw and "\\" in raw:
        return unquote(raw, escape)
    try:
        return WordSplitter(raw).dequote()
    except Exception:
        return unquote(raw, escape)
