"""BuildKit's word expansion, in one place: ``$V``, ``${V}``, every ``${V<modifier>word}`` form,
quotes, the escape character, and shell patterns.

Read from moby/buildkit ``frontend/dockerfile/shell/lex.go`` (``ProcessWord`` and its helpers);
the behaviour, not the code, is reproduced:

* single quotes are literal; inside double quotes the escape character only escapes ``"``,
  ``$`` and itself; outside quotes it escapes any character (a trailing one is dropped);
* a name is letters, digits and ``_``; a leading digit reads a run of digits; one of
  ``@*#?-$!0`` is a one-character special parameter; ``$`` before anything else is literal;
* ``${V-w} ${V:-w} ${V+w} ${V:+w} ${V?w} ${V:?w}`` (with ``:``, empty counts as unset);
  ``${V#p} ${V##p} ${V%p} ${V%%p}`` (shortest / longest prefix or suffix matching a shell
  pattern, whose word keeps its escape characters); ``${V/p/r} ${V//p/r}`` (first / every
  leftmost-longest match replaced); anything else (``${V:=w}``, ``${V:#p}``...) is an error;
* in a pattern ``*`` is any run and ``?`` any one character, neither crossing a line break
  (Go's ``.``), ``\\*`` ``\\?`` ``\\\\`` are literal, ``\\}`` and ``\\/`` are ``}`` and ``/``,
  and any other escape is invalid; there are no bracket expressions.

Why not translate patterns into Python regular expressions as BuildKit translates them into
Go's: Go's engine is linear, Python's backtracks, and a 60-character Dockerfile line
(``${V%%*a*a*a*a*a*a*a*a*a*a*b}``) then takes minutes. :class:`ShellPattern` runs a
bit-parallel NFA instead: one pass over the value gives every prefix length that matches, so
"shortest" and "longest" cost the same single pass.

Bounded on hostile input: an expanded value longer than :data:`MAX_VALUE` is not built (the
result says ``too_large``; :data:`TOO_LARGE` stands for such a value in tables), and words
nested deeper than :data:`MAX_DEPTH` stop with ``too_deep`` instead of exhausting the stack.

Unknown values: a lookup answers :data:`SET` (with a value, or ``None`` when the value cannot
be known offline), :data:`UNSET`, or :data:`UNKNOWN` (cannot tell whether it is set). By
default anything that depends on an unknown value makes the whole result unknown
(``value is None``): checks then stay silent rather than guess. With ``keep_unknown`` the
reference's own text is kept instead (``$HOME`` stays ``$HOME``), which is what a hover shows.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

import attrs

from .patterns import PatternError, ShellPattern, is_name_char, replace, trim

__all__ = ["SET", "UNSET", "UNKNOWN", "MAYBE", "MAX_VALUE", "MAX_DEPTH", "TOO_LARGE", "TooLarge", "Expansion",
           "expand_word", "is_literal", "apply_modifier", "read_name", "is_name_char", "ShellPattern",
           "PatternError", "trim", "replace"]

SET, UNSET, UNKNOWN = 0, 1, 2
MAYBE = UNKNOWN  # the name the build checks used

MAX_VALUE = 64 * 1024
"""Longest expanded value computed (characters); past it the value is reported too large."""

MAX_DEPTH = 100
"""Deepest nesting of ``${...${...}}`` words evaluated."""

SPECIAL_PARAMS = "@*#?-$!0"

Lookup = Callable[[str], "tuple[int, Optional[str]]"]


class TooLarge(str):
    """A value that was not computed because it would pass :data:`MAX_VALUE`.

    It is a string (so tables and hovers can hold and show it) that the expander recognises:
    substituting it makes the result too large as well, instead of pasting the marker text.
    """


TOO_LARGE = TooLarge("(too large to show)")


@attrs.define(slots=True)
class Expansion:
    """The result of expanding one word, and the names it looked up (insertion-ordered)."""

    value: Optional[str]  # None: unknown offline, malformed, too large or too deep
    matched: dict[str, None]
    unmatched: dict[str, None]
    error: str = ""  # why BuildKit would fail the build on this word ("" when it would not)
    too_large: bool = False
    too_deep: bool = False


_NAME = re.compile(r"\w*")  # letters, digits and _ (Unicode, as Go's unicode.IsLetter/IsDigit)


def read_name(text: str, pos: int) -> int:
    """End of the parameter name starting at ``pos`` (BuildKit's processName)."""
    n = len(text)
    if pos >= n:
        return pos
    ch = text[pos]
    if ch.isdecimal():
        end = pos + 1
        while end < n and text[end].isdecimal():
            end += 1
        return end
    if ch in SPECIAL_PARAMS:
        return pos + 1
    return _NAME.match(text, pos).end()


# ---------------------------------------------------------------------------------------------
# The expander (ProcessWord)
# ---------------------------------------------------------------------------------------------


class _Error(Exception):
    """BuildKit fails the build on this word."""


class _Unknown(Exception):
    """The value depends on something unknown; only raised in keep mode for ``?`` and patterns."""


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    pass


_SPECIALS: dict[tuple[str, str, bool], "re.Pattern[str]"] = {}


def _special_chars(escape: str, stop: str, quotes: bool) -> "re.Pattern[str]":
    key = (escape, stop, quotes)
    found = _SPECIALS.get(key)
    if found is None:
        chars = "$" + escape + stop + ("'\"" if quotes else "")
        found = _SPECIALS[key] = re.compile("[" + re.escape(chars) + "]")
    return found


class _Expander:
    __slots__ = ("text", "n", "pos", "lookup", "escape", "quotes", "keep", "limit", "depth",
                 "matched", "unmatched", "unknown")

    def __init__(self, text: str, lookup: Lookup, escape: str, quotes: bool, keep: bool, limit: int):
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.lookup = lookup
        self.escape = escape
        self.quotes = quotes
        self.keep = keep
        self.limit = limit
        self.depth = 0
        self.matched: dict[str, None] = {}
        self.unmatched: dict[str, None] = {}
        self.unknown = False

    def run(self) -> Expansion:
        try:
            out = self._until("", False)
        except _Error as error:
            return Expansion(None, self.matched, self.unmatched, str(error) or "malformed")
        except _TooLarge:
            return Expansion(None, self.matched, self.unmatched, too_large=True)
        except _TooDeep:
            return Expansion(None, self.matched, self.unmatched, too_deep=True)
        return Expansion(None if self.unknown else out, self.matched, self.unmatched)

    def _until(self, stop: str, raw: bool) -> str:
        text, n, escape = self.text, self.n, self.escape
        special = _special_chars(escape, stop, self.quotes)
        out: list[str] = []
        size = 0
        limit = self.limit
        while self.pos < n:
            found = special.search(text, self.pos)
            if found is None:
                out.append(text[self.pos:])
                size += n - self.pos
                self.pos = n
                break
            if found.start() > self.pos:
                out.append(text[self.pos: found.start()])
                size += found.start() - self.pos
                self.pos = found.start()
            ch = text[self.pos]
            if stop and ch == stop:
                self.pos += 1
                return "".join(out)
            if ch == "$":
                piece = self._dollar()
            elif self.quotes and ch == "'":
                piece = self._single()
            elif self.quotes and ch == '"':
                piece = self._double()
            else:
                self.pos += 1
                if ch == escape:
                    if raw:
                        out.append(ch)
                        size += 1
                    if self.pos >= n:
                        break
                    ch = text[self.pos]
                    self.pos += 1
                piece = ch
            out.append(piece)
            size += len(piece)
            if size > limit:
                raise _TooLarge()
        if stop:
            raise _Error(f"unexpected end of statement while looking for matching {stop}")
        if size > limit:
            raise _TooLarge()
        return "".join(out)

    def _single(self) -> str:
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise _Error("unexpected end of statement while looking for matching single-quote")
        value = self.text[self.pos + 1: end]
        self.pos = end + 1
        return value

    def _double(self) -> str:
        text, n, escape = self.text, self.n, self.escape
        special = _special_chars(escape, '"', False)  # runs of plain characters are copied at once
        self.pos += 1
        out: list[str] = []
        size = 0
        while True:
            found = special.search(text, self.pos)
            if found is None:
                raise _Error("unexpected end of statement while looking for matching double-quote")
            if found.start() > self.pos:
                out.append(text[self.pos: found.start()])
                size += found.start() - self.pos
                self.pos = found.start()
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                if size > self.limit:
                    raise _TooLarge()
                return "".join(out)
            if ch == "$":
                piece = self._dollar()
                out.append(piece)
                size += len(piece)
                if size > self.limit:
                    raise _TooLarge()
                continue
            self.pos += 1  # the escape character
            if self.pos >= n:
                continue  # dropped at the end of the word; the quote is still missing
            following = text[self.pos]
            if following in ('"', "$", escape):
                self.pos += 1
                out.append(following)
            else:
                out.append(ch)
            size += 1

    def _get(self, name: str) -> tuple[int, Optional[str]]:
        state, value = self.lookup(name)
        if state == SET:
            self.matched[name] = None
        else:
            self.unmatched[name] = None
        return state, value

    def _value(self, value: Optional[str]) -> str:
        """A looked-up value about to be used (None: unknown)."""
        if value is None:
            self.unknown = True
            return ""
        if isinstance(value, TooLarge) or len(value) > self.limit:
            raise _TooLarge()
        return value

    def _dollar(self) -> str:
        text, n = self.text, self.n
        start = self.pos
        self.pos += 1
        if self.pos >= n or text[self.pos] != "{":
            end = read_name(text, self.pos)
            if end == self.pos:
                return "$"
            name = text[self.pos: end]
            self.pos = end
            state, value = self._get(name)
            if state == SET:
                return self._value(value)
            if self.keep:
                return text[start: end]
            if state == UNKNOWN:
                self.unknown = True
            return ""
        self.pos += 1
        if self.pos >= n:
            raise _Error("syntax error: missing '}'")
        if text[self.pos] in "{}:":
            raise _Error("syntax error: bad substitution")
        end = read_name(text, self.pos)
        name = text[self.pos: end]
        self.pos = end
        if self.pos >= n:
            raise _Error("syntax error: missing '}'")
        ch = text[self.pos]
        self.pos += 1
        if ch == "}":
            state, value = self._get(name)
            if state == SET:
                return self._value(value)
            if self.keep:
                return text[start: self.pos]
            if state == UNKNOWN:
                self.unknown = True
            return ""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep()
        try:
            return self._modifier(start, name, ch)
        finally:
            self.depth -= 1

    def _modifier(self, start: int, name: str, ch: str) -> str:
        text, n = self.text, self.n
        modifier = ch
        null_is_unset = False
        if ch == ":":
            null_is_unset = True
            if self.pos >= n:
                raise _Error("syntax error: missing '}'")
            ch = text[self.pos]
            self.pos += 1
            modifier += ch
        if null_is_unset or ch in "+-?#%":
            raw = ch in "#%"
            if null_is_unset and raw:
                raise _Error(f"unsupported modifier ({modifier}) in substitution")
            word = self._until("}", raw)
            state, value = self._get(name)
            if ch not in "+-?#%":
                raise _Error(f"unsupported modifier ({modifier}) in substitution")
            if state == SET and value is None or state == UNKNOWN and not self.keep:
                self.unknown = True
                return ""
            is_set = state == SET
            empty = is_set and null_is_unset and not value
            if ch == "-":
                return word if not is_set or empty else self._value(value)
            if ch == "+":
                return "" if not is_set or empty else word
            if not is_set:
                if self.keep:
                    return text[start: self.pos]
                if ch == "?":
                    raise _Error(f"{name}: {word or 'is not allowed to be unset'}")
                return ""
            if ch == "?":
                if empty:
                    if self.keep:
                        return text[start: self.pos]
                    raise _Error(f"{name}: {word or 'is not allowed to be empty'}")
                return self._value(value)
            longest = word.startswith(ch)
            if longest:
                word = word[1:]
            try:
                return trim(self._value(value), word, suffix=ch == "%", longest=longest)
            except PatternError as error:
                raise _Error(f"invalid pattern ({word}) in substitution: {error}") from None
        if ch == "/":
            every = self.pos < n and text[self.pos] == "/"
            if every:
                self.pos += 1
            pattern = self._until("/", True)
            replacement = self._until("}", True)
            state, value = self._get(name)
            if state == SET and value is None or state == UNKNOWN and not self.keep:
                self.unknown = True
                return ""
            if state != SET:
                if self.keep:
                    return text[start: self.pos]
                value = ""
            try:
                result = replace(self._value(value), pattern, replacement, every)
            except PatternError as error:
                raise _Error(f"invalid pattern ({pattern}) in substitution: {error}") from None
            if len(result) > self.limit:
                raise _TooLarge()
            return result
        raise _Error(f"unsupported modifier ({modifier}) in substitution")


_LEXER_CHARS = re.compile(r"[$'\"\\`]")  # a word without these expands to itself
_NONE: dict[str, None] = {}  # shared by the results that looked nothing up (never mutated)


def is_literal(text: str) -> bool:
    """Whether ``text`` expands to itself (no ``$``, quote or escape character in it)."""
    return _LEXER_CHARS.search(text) is None


def expand_word(text: str, lookup: Lookup, escape: str = "\\", *, quotes: bool = True,
                keep_unknown: bool = False, limit: int = MAX_VALUE) -> Expansion:
    """BuildKit's ProcessWord of ``text`` with the values ``lookup`` gives.

    ``quotes=False`` is the raw mode of heredoc bodies (quotes are plain characters).
    ``keep_unknown`` keeps a reference to an unset or unknown variable as written instead of
    making the whole value unknown (``${V:-w}`` still takes ``w``).
    """
    if _LEXER_CHARS.search(text) is None and escape in "\\`":
        if len(text) > limit:
            return Expansion(None, _NONE, _NONE, too_large=True)
        return Expansion(text, _NONE, _NONE)
    return _Expander(text, lookup, escape, quotes, keep_unknown, limit).run()


def apply_modifier(value: Optional[str], modifier: str, word: str) -> Optional[str]:
    """The result of ``${V<modifier>word}`` for a known value (None: unset); None when the
    result is not known or BuildKit would refuse it. ``word`` is taken as already expanded;
    for ``/`` and ``//`` it is ``pattern/replacement``."""
    if modifier == "":
        return value
    if modifier == ":-":
        return value if value else word
    if modifier == "-":
        return value if value is not None else word
    if modifier == ":+":
        return word if value else ""
    if modifier == "+":
        return word if value is not None else ""
    if modifier in (":?", "?"):
        return value
    if value is None or isinstance(value, TooLarge):
        return None
    try:
        if modifier in ("#", "##"):
            return trim(value, word, suffix=False, longest=modifier == "##")
        if modifier in ("%", "%%"):
            return trim(value, word, suffix=True, longest=modifier == "%%")
        if modifier in ("/", "//"):
            pattern, _, replacement = _split_replacement(word)
            return replace(value, pattern, replacement, every=modifier == "//")
    except PatternError:
        return None
    return value


def _split_replacement(word: str) -> tuple[str, str, str]:
    """``pattern/replacement`` split at the first ``/`` not escaped by a backslash."""
    i, n = 0, len(word)
    while i < n:
        if word[i] == "\\":
            i += 2
            continue
        if word[i] == "/":
            return word[:i], "/", word[i + 1:]
        i += 1
    return word, "", ""
