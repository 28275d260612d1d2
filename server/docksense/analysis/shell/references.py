"""Where the shell expands a parameter: ``$x``, ``${x:-y}``, ``$1``, ``$@`` in shell text.

BuildKit's lexer (``syntax/variables.py``) decides what the *builder* expands; in a RUN it
expands nothing, and the shell reads the text again with its own rules. This module is that
second reading, with the quoting exact at any depth: single quotes inside ``"$( ... )"`` are
quotes again (``x="$(... | awk '{print $1}')"``: ``$1`` is awk's field, passed literally),
backticks and ``${...}`` nest, ``\\$`` is a literal dollar.

Every ``$`` that starts a parameter is reported once, as a :class:`ShellRef` whose ``kind``
says what the shell does with it: ``expand`` (the shell substitutes the value), ``literal``
(inside single quotes: passed unchanged to the program, which may read it itself) or
``escaped`` (``\\$``: the backslash makes the dollar literal). The scan is one pass with an
explicit stack: linear, and no recursion however deep the nesting.
"""

from __future__ import annotations

import re

import attrs

__all__ = ["ShellRef", "find_references"]


@attrs.frozen
class ShellRef:
    """One parameter reference in shell text; offsets are into the scanned text.

    ``start``/``end`` span the whole form (``$`` to the closing brace); ``name_start``/
    ``name_end`` the name. ``modifier`` is the operator of ``${name<op>word}`` (``:-``, ``#``,
    ``//`` ...; ``#`` in front, ``${#name}``, is reported as ``length``), ``quoted`` whether it
    sits inside double quotes.
    """

    name: str
    start: int
    end: int
    name_start: int
    name_end: int
    kind: str = "expand"
    braced: bool = False
    modifier: str = ""
    quoted: bool = False
    shell: int = -1  # index of the inline script whose shell expands it (-1: the RUN's own shell)

    @property
    def positional(self) -> bool:
        """``$0`` ... ``$9``, ``${10}``, ``$@``, ``$*``, ``$#``: the script's arguments."""
        return self.name.isdigit() or self.name in ("@", "*", "#")

    @property
    def special(self) -> bool:
        """``$?``, ``$$``, ``$!``, ``$-``: set by the shell itself."""
        return self.name in ("?", "$", "!", "-")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIALS = frozenset("@*#?$!-")
_MODIFIERS = (":-", ":=", ":+", ":?", "##", "%%", "//", "/#", "/%", "^^", ",,", "-", "=", "+", "?", "#", "%",
              "/", "^", ",", ":")

# What matters in each context (everything else is skipped by one regex search).
_TOP = re.compile(r"['\"\\$`#()]")
_DOUBLE = re.compile(r"[\"\\$`]")
_BACKTICK = re.compile(r"['\"\\$`]")
_BRACE = re.compile(r"['\"\\$`{}]")
_WORD_START = frozenset(" \t\r\n;&|()<>")

_TOP_CTX, _DOUBLE_CTX, _SUB_CTX, _BACKTICK_CTX, _BRACE_CTX = range(5)


def find_references(text: str, start: int = 0, end: int | None = None) -> list[ShellRef]:
    """Every parameter reference in ``text[start:end]``, in source order."""
    end = len(text) if end is None else end
    if "$" not in text[start:end]:
        return []
    return _Scanner(text, end).run(start)


class _Scanner:
    def __init__(self, text: str, end: int):
        self.text = text
        self.end = end
        self.refs: list[ShellRef] = []

    def run(self, pos: int) -> list[ShellRef]:
        text, end = self.text, self.end
        # A frame is [context, paren depth (for $( ) and brace depth), inside double quotes?]
        stack: list[list] = [[_TOP_CTX, 0, False]]
        while pos < end and stack:
            frame = stack[-1]
            context = frame[0]
            pattern = (_TOP if context in (_TOP_CTX, _SUB_CTX) else _DOUBLE if context == _DOUBLE_CTX
                       else _BACKTICK if context == _BACKTICK_CTX else _BRACE)
            match = pattern.search(text, pos, end)
            if match is None:
                break
            pos = match.start()
            c = text[pos]
            in_double = context == _DOUBLE_CTX or (context == _BRACE_CTX and frame[2])
            if c == "\\":
                if pos + 1 < end and text[pos + 1] == "$":  # `\$`: a literal dollar (span from `\`)
                    ref = self._reference(pos + 1, "escaped", in_double)
                    if ref is None:
                        self.refs.append(ShellRef("", pos, pos + 2, pos + 2, pos + 2, "escaped", quoted=in_double))
                    else:
                        self.refs[-1] = attrs.evolve(ref, start=pos)
                    pos = ref.end if ref is not None else pos + 2
                else:
                    pos += 2
            elif c == "$":
                pos = self._dollar(pos, stack, in_double)
            elif c == "`":
                if context == _BACKTICK_CTX:
                    stack.pop()
                else:
                    stack.append([_BACKTICK_CTX, 0, False])
                pos += 1
            elif c == '"':
                if context == _DOUBLE_CTX:
                    stack.pop()
                else:
                    stack.append([_DOUBLE_CTX, 0, True])
                pos += 1
            elif c == "'":
                if in_double:
                    pos += 1
                    continue
                close = text.find("'", pos + 1, end)
                close = end if close < 0 else close
                self._literals(pos + 1, close)
                pos = close + 1
            elif c == "#":
                if pos == 0 or text[pos - 1] in _WORD_START:
                    newline = text.find("\n", pos, end)
                    pos = end if newline < 0 else newline
                else:
                    pos += 1
            elif c == "(":
                if context == _SUB_CTX:
                    frame[1] += 1
                pos += 1
            elif c == ")":
                if context == _SUB_CTX:
                    frame[1] -= 1
                    if frame[1] == 0:
                        stack.pop()
                pos += 1
            elif c == "{":
                frame[1] += 1
                pos += 1
            else:  # "}" in a brace context
                frame[1] -= 1
                if frame[1] == 0:
                    stack.pop()
                    if len(frame) > 3:  # the `${` of a reference: its span ends here
                        self.refs[frame[3]] = attrs.evolve(self.refs[frame[3]], end=pos + 1)
                pos += 1
        return self.refs

    def _dollar(self, pos: int, stack: list[list], in_double: bool) -> int:
        text, end = self.text, self.end
        follower = text[pos + 1] if pos + 1 < end else ""
        if follower == "(":
            stack.append([_SUB_CTX, 1, False])  # `$((` counts its second `(` as it goes
            return pos + 2
        if follower == "{":
            ref = self._braced(pos, in_double, scan=False)  # its end is set when the scan closes it
            if ref is not None:
                self.refs.append(ref)
                stack.append([_BRACE_CTX, 1, in_double, len(self.refs) - 1])
                return ref.name_end
            return pos + 2
        if follower == "'" and not in_double:
            pos += 2
            while pos < end and text[pos] != "'":
                pos += 2 if text[pos] == "\\" else 1
            return pos + 1
        if follower == '"' and not in_double:
            stack.append([_DOUBLE_CTX, 0, True])
            return pos + 2
        ref = self._reference(pos, "expand", in_double)
        return ref.end if ref is not None else pos + 1

    def _reference(self, pos: int, kind: str, in_double: bool) -> ShellRef | None:
        """An unbraced ``$name`` / ``$1`` / ``$?`` at ``pos``, recorded with ``kind``."""
        text, end = self.text, self.end
        follower = text[pos + 1] if pos + 1 < end else ""
        if follower == "{" and kind != "expand":
            ref = self._braced(pos, in_double)
            if ref is not None:
                ref = attrs.evolve(ref, kind=kind)
                self.refs.append(ref)
            return ref
        if follower.isdigit() or follower in _SPECIALS:
            ref = ShellRef(follower, pos, pos + 2, pos + 1, pos + 2, kind, quoted=in_double)
        else:
            match = _NAME.match(text, pos + 1, end)
            if match is None:
                return None
            ref = ShellRef(match[0], pos, match.end(), pos + 1, match.end(), kind, quoted=in_double)
        self.refs.append(ref)
        return ref

    def _braced(self, pos: int, in_double: bool, scan: bool = True) -> ShellRef | None:
        """``${name...}`` at ``pos``: name and modifier. With ``scan`` the end is found by a
        short look-ahead (a literal or escaped form, where nothing nests); without, it is the
        end of the text until the scan meets the closing brace (linear however many open)."""
        text, end = self.text, self.end
        name_start = pos + 2
        prefix = ""
        if name_start < end and text[name_start] in "#!" and name_start + 1 < end and (
                text[name_start + 1].isalnum() or text[name_start + 1] in "_@*"):
            prefix = "length" if text[name_start] == "#" else "indirect"
            name_start += 1
        match = _NAME.match(text, name_start, end)
        if match is not None:
            name_end = match.end()
        elif name_start < end and text[name_start].isdigit():
            name_end = name_start + 1
            while name_end < end and text[name_end].isdigit():
                name_end += 1
        elif name_start < end and text[name_start] in _SPECIALS:
            name_end = name_start + 1
        else:
            return None
        modifier = prefix
        if not modifier:
            modifier = next((m for m in _MODIFIERS if text.startswith(m, name_end)), "")
        close = _closing_brace(text, pos + 2, end) if scan else end
        return ShellRef(text[name_start:name_end], pos, close, name_start, name_end, "expand", True, modifier,
                        in_double)

    def _literals(self, start: int, stop: int) -> None:
        """Dollars inside single quotes: passed literally (``awk '{print $1}'``)."""
        text = self.text
        pos = text.find("$", start, stop)
        while pos >= 0:
            ref = None
            if pos + 1 < stop:
                saved_end, self.end = self.end, stop
                try:
                    ref = self._reference(pos, "literal", False)
                finally:
                    self.end = saved_end
            if ref is None:  # a lone `$` (a regex anchor, `\$\$ORIGIN`): literal all the same
                ref = ShellRef("", pos, pos + 1, pos + 1, pos + 1, "literal")
                self.refs.append(ref)
            if pos > start and text[pos - 1] == "\\":  # `'\$x'`: the backslash is literal too
                self.refs[-1] = ref = attrs.evolve(ref, start=pos - 1)
            pos = text.find("$", ref.end, stop)


def _closing_brace(text: str, pos: int, end: int) -> int:
    """Position after the ``}`` closing a ``${`` whose contents start at ``pos`` (or ``end``).

    A bounded look-ahead (256 characters), for literal and escaped forms only.
    """
    depth = 1
    limit = min(end, pos + 256)
    while pos < limit:
        c = text[pos]
        if c == "\\":
            pos += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return min(pos, end)
