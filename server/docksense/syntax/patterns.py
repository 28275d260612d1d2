"""Shell patterns of ``${V#p}`` ``${V%%p}`` ``${V/p/r}``: part of the expansion engine.

BuildKit (``frontend/dockerfile/shell/lex.go``) turns a pattern into a Go regular expression:
``*`` is ``.*``, ``?`` is ``.`` (neither crosses a line break), ``\\*`` ``\\?`` ``\\\\`` are
literal, ``\\}`` and ``\\/`` are ``}`` and ``/``, any other escape is invalid, and there are no
bracket expressions. ``#``/``##`` take the shortest/longest matching prefix, ``%``/``%%`` the
shortest/longest matching suffix, ``/`` and ``//`` replace the first/every leftmost-longest
match as Go's regexp finds it.

Why not Python regular expressions: Go's engine is linear, Python's backtracks, and a
60-character line (``${V%%*a*a*a*a*a*a*a*a*a*a*b}``) then takes minutes; trying every cut point
multiplies that by the value's length. :class:`ShellPattern` is a bit-parallel NFA: one pass
over the value yields every prefix length that matches, so shortest and longest cost the same
single pass, and one backward pass tells where matches can start.
"""

from __future__ import annotations

from typing import Callable


def is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class PatternError(ValueError):
    """BuildKit refuses the pattern (an invalid escape)."""


_STAR = object()
_ANY = object()


class ShellPattern:
    """A ``${V#pattern}`` pattern: literal characters, ``?`` and ``*``.

    States are "the first i tokens matched" (bit i of an int); a character moves every state
    whose token accepts it one bit up, a ``*`` state also stays; after each step a ``*`` state
    also enables the state after it. Consecutive ``*`` are collapsed first, so that closure is
    one shift. Each step is a handful of int operations on ``len(pattern) + 1`` bits.
    """

    __slots__ = ("tokens", "size", "accept", "stars", "wild", "by_char")

    def __init__(self, tokens: list[object]):
        collapsed: list[object] = []
        for token in tokens:
            if token is _STAR and collapsed and collapsed[-1] is _STAR:
                continue
            collapsed.append(token)
        self.tokens = collapsed
        self.size = len(collapsed)
        self.accept = 1 << self.size
        stars = wild = 0
        by_char: dict[str, int] = {}
        for index, token in enumerate(collapsed):
            bit = 1 << index
            if token is _STAR:
                stars |= bit
            elif token is _ANY:
                wild |= bit
            else:
                by_char[token] = by_char.get(token, 0) | bit  # type: ignore[index]
        self.stars = stars
        self.wild = wild  # ``?`` tokens
        self.by_char = by_char

    @classmethod
    def parse(cls, pattern: str) -> "ShellPattern":
        """BuildKit's convertShellPatternToRegex, as tokens."""
        tokens: list[object] = []
        i, n = 0, len(pattern)
        while i < n:
            ch = pattern[i]
            i += 1
            if ch == "*":
                tokens.append(_STAR)
            elif ch == "?":
                tokens.append(_ANY)
            elif ch == "\\":
                if i < n and pattern[i] in "}/":
                    continue  # ``\}`` / ``\/``: the escape only kept ${} from ending here
                if i >= n or pattern[i] not in "*?\\":
                    raise PatternError(f"invalid escape '\\{pattern[i:i + 1]}'")
                tokens.append(pattern[i])
                i += 1
            else:
                tokens.append(ch)
        return cls(tokens)

    def reversed(self) -> "ShellPattern":
        return ShellPattern(list(reversed(self.tokens)))

    def _close(self, states: int) -> int:
        return states | ((states & self.stars) << 1)

    def _step(self, states: int, ch: str) -> int:
        if ch == "\n":  # Go's ``.`` does not match a line break
            moving = self.by_char.get(ch, 0)
            return self._close((states & moving) << 1)
        moving = self.by_char.get(ch, 0) | self.wild
        return self._close(((states & moving) << 1) | (states & self.stars))

    def prefix_ends(self, value: str, start: int = 0, longest: bool = True) -> int:
        """Length after ``start`` of the longest (or shortest) match anchored at ``start``;
        -1 when none. Stops as soon as no state is alive (or, for the shortest, at the first)."""
        states = self._close(1)
        accept = self.accept
        best = -1
        if states & accept:
            if not longest:
                return 0
            best = 0
        for offset in range(start, len(value)):
            states = self._step(states, value[offset])
            if not states:
                break
            if states & accept:
                best = offset + 1 - start
                if not longest:
                    break
        return best

    def starts(self, value: str) -> list[bool]:
        """For every position i, whether some match starts at i (one backward pass)."""
        back = self.reversed()
        n = len(value)
        out = [False] * (n + 1)
        initial = back._close(1)
        states = initial
        accept = back.accept
        out[n] = bool(states & accept)
        for index in range(n - 1, -1, -1):
            states = back._step(states, value[index]) | initial
            out[index] = bool(states & accept)
        return out


def trim(value: str, pattern: str, suffix: bool, longest: bool) -> str:
    """``${v#p}`` ``${v##p}`` (prefix) and ``${v%p}`` ``${v%%p}`` (suffix); PatternError."""
    compiled = ShellPattern.parse(pattern)
    if suffix:
        compiled = compiled.reversed()
        value_r = value[::-1]
        cut = compiled.prefix_ends(value_r, 0, longest)
        return value if cut < 0 else value[: len(value) - cut]
    cut = compiled.prefix_ends(value, 0, longest)
    return value if cut < 0 else value[cut:]


def replace(value: str, pattern: str, replacement: str, every: bool) -> str:
    """``${v/p/r}`` and ``${v//p/r}``: leftmost-longest matches, as Go's regexp finds them.

    ``//`` follows Go's ReplaceAllString: an empty match right after a match is not replaced,
    and ``$name`` in the replacement names a (here always empty) group.
    """
    compiled = ShellPattern.parse(pattern)
    starts = compiled.starts(value)
    n = len(value)
    if not every:
        for index in range(n + 1):
            if starts[index]:
                end = index + compiled.prefix_ends(value, index, True)
                return value[:index] + replacement + value[end:]
        return value
    template = _go_template(replacement)
    out: list[str] = []
    last_end = 0
    search = 0
    while search <= n:
        index = search
        while index <= n and not starts[index]:
            index += 1
        if index > n:
            break
        end = index + compiled.prefix_ends(value, index, True)
        out.append(value[last_end:index])
        if end > last_end or index == 0:  # not an empty match right after the previous one
            out.append(template(value[index:end]))
        last_end = end
        search = search + 1 if end == search else end
    out.append(value[last_end:])
    return "".join(out)


def _go_template(replacement: str) -> Callable[[str], str]:
    """Go's Regexp.Expand for a pattern without groups: ``$0``/``${0}`` is the match, ``$$`` a
    dollar, any other ``$name`` is empty."""
    if "$" not in replacement:
        return lambda _match: replacement
    parts: list[object] = []
    i, n = 0, len(replacement)
    while i < n:
        dollar = replacement.find("$", i)
        if dollar < 0:
            parts.append(replacement[i:])
            break
        parts.append(replacement[i:dollar])
        if dollar + 1 < n and replacement[dollar + 1] == "$":
            parts.append("$")
            i = dollar + 2
            continue
        if dollar + 1 < n and replacement[dollar + 1] == "{":
            close = replacement.find("}", dollar + 2)
            name = replacement[dollar + 2: close] if close > 0 else ""
            if close < 0 or not name or not all(is_name_char(c) for c in name):
                parts.append("$")  # not a template variable: literal
                i = dollar + 1
                continue
            i = close + 1
        else:
            end = dollar + 1
            while end < n and is_name_char(replacement[end]):
                end += 1
            name = replacement[dollar + 1: end]
            if not name:
                parts.append("$")
                i = dollar + 1
                continue
            i = end
        parts.append(0 if name.isdigit() and not name.strip("0") else None)
    def build(match: str) -> str:
        return "".join(match if p == 0 else "" if p is None else p for p in parts)  # type: ignore[misc]
    return build
