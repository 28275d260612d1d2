"""Variable references in instruction text: ``$V``, ``${V}``, ``${V:-word}`` and friends.

This is the error-tolerant *locating* half of the expansion engine: it finds where each
reference is (for hover, rename, UndefinedVar ranges) in any text, half-typed included, while
:mod:`.expansion` computes values with BuildKit's exact rules and refuses what BuildKit
refuses. Both read names the same way (:func:`.expansion.read_name` for unbraced names).

Follows BuildKit's shell lexer (``frontend/dockerfile/shell/lex.go``): single quotes are
literal, the escape character makes ``$`` literal, a name is letters, digits and ``_`` (a
leading digit or a special parameter such as ``$@`` is a one-character name), and inside
``${...}`` the modifiers ``:-  -  :+  +  :?  ?  #  ##  %  %%  /  //`` are recognised. The name
is what comes before the modifier, so ``${B#x}`` refers to ``B``.

Linear on hostile input: references nested in a modifier's word (``${A:-${B:-$C}}``) are
scanned with an explicit stack inside the same text (no recursion, no copies), and the
closing brace of every ``${`` is found by one shared pass.
"""

from __future__ import annotations

import re

from .expansion import SPECIAL_PARAMS, is_name_char, read_name
from .nodes import VarRef

_MODIFIERS = (":-", ":+", ":?", "##", "%%", "//", "-", "+", "?", "#", "%", "/")
MAX_NESTING = 128
"""References nested deeper than this inside modifier words are not listed (each level keeps
its word's text, so unbounded nesting would cost quadratic memory); the expansion engine stops
earlier (MAX_DEPTH) and says so."""
_NAME = re.compile(r"\w*")  # letters, digits and _ (Unicode, as Go's unicode.IsLetter/IsDigit)
_INTERESTING: dict[str, "re.Pattern[str]"] = {}
_BRACES = re.compile(r"[\\$}]")


def _interesting(escape: str) -> "re.Pattern[str]":
    pattern = _INTERESTING.get(escape)
    if pattern is None:
        pattern = re.compile("[" + re.escape(escape + "'\"$") + "]")
        _INTERESTING[escape] = pattern
    return pattern


class _Braces:
    """Closing brace of each ``${`` (index of its ``{`` + 1 -> index of ``}``, -1: none before
    ``end``). One scan from a ``${`` records the closes of every ``${`` nested in it."""

    __slots__ = ("text", "closes")

    def __init__(self, text: str):
        self.text = text
        self.closes: dict[int, int] = {}

    def close(self, pos: int, end: int) -> int:
        found = self.closes.get(pos)
        if found is not None and found < end:
            return found
        text = self.text
        search = _BRACES.search
        stack = [pos]
        at = pos
        while True:
            match = search(text, at, end)
            if match is None:
                return -1
            at = match.start()
            ch = text[at]
            if ch == "\\":
                at += 2
                continue
            if ch == "$":
                if at + 1 < end and text[at + 1] == "{":
                    stack.append(at + 2)
                    at += 2
                else:
                    at += 1
                continue
            opened = stack.pop()
            self.closes[opened] = at
            if not stack:
                return at
            at += 1


def find_variables(text: str, escape: str = "\\", offset: int = 0) -> list[VarRef]:
    """All references in ``text``; spans are ``offset`` + index into ``text``."""
    if "$" not in text:
        return []
    refs: list[VarRef] = []
    search = _interesting(escape).search
    braces = _Braces(text)
    # frames: [position, end, inside double quotes]; the top one is being scanned
    frames: list[list] = [[0, len(text), False]]
    while frames:
        frame = frames[-1]
        pos, end, in_double = frame
        nested = None
        while pos < end:
            match = search(text, pos, end)
            if match is None:
                pos = end
                break
            pos = match.start()
            ch = text[pos]
            if ch == escape:
                pos += 2
                continue
            if ch == "'" and not in_double:
                close = text.find("'", pos + 1, end)
                pos = end if close < 0 else close + 1
                continue
            if ch == '"':
                in_double = not in_double
                pos += 1
                continue
            if ch != "$" or pos + 1 >= end:
                pos += 1
                continue
            ref, pos = _read_reference(text, pos, end, offset, braces)
            if ref is not None:
                refs.append(ref)
                if ref.word and "$" in ref.word and len(frames) < MAX_NESTING:  # nested: ${A:-$B}
                    nested = [ref.word_start - offset, ref.word_end - offset, False]
                    break
        frame[0], frame[2] = pos, in_double
        if nested is not None:
            frames.append(nested)
        else:
            frames.pop()
    return refs


def _read_reference(text: str, dollar: int, end: int, offset: int, braces: _Braces) -> tuple[VarRef | None, int]:
    pos = dollar + 1
    ch = text[pos]
    if ch == "{":
        return _read_braced(text, dollar, end, offset, braces)
    if ch.isdigit():
        stop = pos + 1
        while stop < end and text[stop].isdigit():
            stop += 1
        return VarRef(text[pos:stop], offset + dollar, offset + stop, offset + pos, offset + stop), stop
    if ch in SPECIAL_PARAMS:
        return VarRef(ch, offset + dollar, offset + pos + 1, offset + pos, offset + pos + 1), pos + 1
    stop = min(read_name(text, pos), end)
    if stop == pos:
        return None, pos
    return VarRef(text[pos:stop], offset + dollar, offset + stop, offset + pos, offset + stop), stop


def _read_braced(text: str, dollar: int, end: int, offset: int, braces: _Braces) -> tuple[VarRef | None, int]:
    name_start = dollar + 2
    pos = name_start
    if pos < end and (text[pos].isdigit() or text[pos] in SPECIAL_PARAMS) and not (
        text[pos] == "#" and pos + 1 < end and is_name_char(text[pos + 1])
    ):
        pos += 1
    else:
        pos = min(_NAME.match(text, pos).end(), end)
    name_end = pos
    close = braces.close(dollar + 2, end)
    if close < 0:
        # Half-typed ``${NAME``: still a reference to NAME, ending where the text ends.
        return (
            VarRef(text[name_start:name_end], offset + dollar, offset + end,
                   offset + name_start, offset + name_end, braced=True),
            end,
        )
    modifier = ""
    word_start = -1
    word = ""
    if name_end < close:
        for candidate in _MODIFIERS:
            if text.startswith(candidate, name_end):
                modifier = candidate
                break
        word_start = name_end + len(modifier)
        word = text[word_start:close]
    ref = VarRef(
        text[name_start:name_end],
        offset + dollar,
        offset + close + 1,
        offset + name_start,
        offset + name_end,
        modifier=modifier,
        word=word,
        word_start=offset + word_start if word_start >= 0 else -1,
        word_end=offset + close if word_start >= 0 else -1,
        braced=True,
    )
    return ref, close + 1
