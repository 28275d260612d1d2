"""Variable references in instruction text: ``$V``, ``${V}``, ``${V:-word}`` and friends.

Follows BuildKit's shell lexer (``frontend/dockerfile/shell/lex.go``): single quotes are
literal, the escape character makes ``$`` literal, a name is letters, digits and ``_`` (a
leading digit or a special parameter such as ``$@`` is a one-character name), and inside
``${...}`` the modifiers ``:-  -  :+  +  :?  ?  #  ##  %  %%  /  //`` are recognised. The name
is what comes before the modifier, so ``${B#x}`` refers to ``B``.
"""

from __future__ import annotations

import re

from .nodes import VarRef

_SPECIAL = "@*#?-$!0"
_MODIFIERS = (":-", ":+", ":?", "##", "%%", "//", "-", "+", "?", "#", "%", "/")


_NAME = re.compile(r"\w*")  # letters, digits and _ (Unicode, as Go's unicode.IsLetter/IsDigit)


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_INTERESTING: dict[str, "re.Pattern[str]"] = {}


def _interesting(escape: str) -> "re.Pattern[str]":
    pattern = _INTERESTING.get(escape)
    if pattern is None:
        pattern = re.compile("[" + re.escape(escape + "'\"$") + "]")
        _INTERESTING[escape] = pattern
    return pattern


def find_variables(text: str, escape: str = "\\", offset: int = 0) -> list[VarRef]:
    """All references in ``text``; spans are ``offset`` + index into ``text``."""
    if "$" not in text:
        return []
    refs: list[VarRef] = []
    n = len(text)
    search = _interesting(escape).search
    in_double = False
    pos = 0
    while pos < n:
        match = search(text, pos)
        if match is None:
            break
        pos = match.start()
        ch = text[pos]
        if ch == escape:
            pos += 2
            continue
        if ch == "'" and not in_double:
            end = text.find("'", pos + 1)
            pos = n if end < 0 else end + 1
            continue
        if ch == '"':
            in_double = not in_double
            pos += 1
            continue
        if ch != "$" or pos + 1 >= n:
            pos += 1
            continue
        ref, pos = _read_reference(text, pos, offset)
        if ref is not None:
            refs.append(ref)
            # nested references inside a modifier's word: ${A:-$B}
            if ref.word and "$" in ref.word:
                refs.extend(find_variables(ref.word, escape, ref.word_start))
    return refs


def _read_reference(text: str, dollar: int, offset: int) -> tuple[VarRef | None, int]:
    n = len(text)
    pos = dollar + 1
    ch = text[pos]
    if ch == "{":
        return _read_braced(text, dollar, offset)
    if ch.isdigit():
        end = pos + 1
        while end < n and text[end].isdigit():
            end += 1
        return VarRef(text[pos:end], offset + dollar, offset + end, offset + pos, offset + end), end
    if ch in _SPECIAL:
        return VarRef(ch, offset + dollar, offset + pos + 1, offset + pos, offset + pos + 1), pos + 1
    end = _NAME.match(text, pos).end()
    if end == pos:
        return None, pos
    return VarRef(text[pos:end], offset + dollar, offset + end, offset + pos, offset + end), end


def _read_braced(text: str, dollar: int, offset: int) -> tuple[VarRef | None, int]:
    n = len(text)
    name_start = dollar + 2
    pos = name_start
    if pos < n and (text[pos].isdigit() or text[pos] in _SPECIAL) and not (
        text[pos] == "#" and pos + 1 < n and _is_name_char(text[pos + 1])
    ):
        pos += 1
    else:
        pos = _NAME.match(text, pos).end()
    name_end = pos
    close = _matching_brace(text, dollar + 2)
    if close < 0:
        # Half-typed ``${NAME``: still a reference to NAME, ending where the text ends.
        end = n
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


def _matching_brace(text: str, pos: int) -> int:
    depth = 1
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "$" and pos + 1 < n and text[pos + 1] == "{":
            depth += 1
            pos += 2
            continue
        if ch == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1
