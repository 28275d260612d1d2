"""Go to definition, find references and document highlight for variables, stages and heredocs.

All three read :mod:`.occurrences`: the definition of a ``$VAR`` is the declaration in effect
at that point under BuildKit's scoping (not the first one of the stage), the definition of a
stage name is its ``AS name``, the definition of a heredoc terminator is its ``<<NAME``.
References and highlights are the occurrences of the same symbol, so a same-named variable
of an unrelated stage is never among them.
"""

from __future__ import annotations

from typing import Optional

from lsprotocol import types

from ..analysis import Analysis
from .occurrences import Occurrence, occurrences
from .positions import to_offset
from .spans import ranges


def _at(analysis: Analysis, position: types.Position, encoding: str) -> Optional[Occurrence]:
    return occurrences(analysis).at(to_offset(analysis.lines, position, encoding))


def definition(analysis: Analysis, uri: str, position: types.Position,
               encoding: str = "utf-16") -> Optional[list[types.Location]]:
    """Where the name under the cursor is declared (None when this file does not declare it).

    On a declaration itself the answer is that declaration, except for ``ARG NAME`` that
    re-imports a global ARG (and a repeated stage name), which lead to what they refer to.
    """
    found = _at(analysis, position, encoding)
    if found is None:
        return None
    target = found.target if found.target is not None else (found if found.write else None)
    if target is None:
        return None
    return [types.Location(uri, ranges(analysis, encoding).range(target.start, target.end))]


def references(analysis: Analysis, uri: str, position: types.Position, include_declaration: bool = True,
               encoding: str = "utf-16") -> Optional[list[types.Location]]:
    found = _at(analysis, position, encoding)
    if found is None:
        return None
    return [
        types.Location(uri, ranges(analysis, encoding).range(item.start, item.end))
        for item in occurrences(analysis).same_symbol(found)
        if include_declaration or not item.write
    ]


def highlights(analysis: Analysis, position: types.Position,
               encoding: str = "utf-16") -> Optional[list[types.DocumentHighlight]]:
    """Every occurrence of the symbol under the cursor: declarations Write, uses Read."""
    found = _at(analysis, position, encoding)
    if found is None:
        return None
    write, read = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
    return [
        types.DocumentHighlight(ranges(analysis, encoding).range(item.start, item.end), write if item.write else read)
        for item in occurrences(analysis).same_symbol(found)
    ]
