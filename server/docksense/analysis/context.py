"""The build context as a file can know it: the ``.dockerignore`` beside the Dockerfile.

BuildKit reads ``<Dockerfile name>.dockerignore`` beside the Dockerfile, else ``.dockerignore``
(moby/patternmatcher's ``ignorefile.ReadAll``: comments and blank lines dropped, each line
trimmed and cleaned like a path, a leading ``/`` removed, ``!`` marking an exception) and
excludes a path when a pattern matches it or one of its parent directories
(``MatchesOrParentMatches``).

moby's patternmatcher turns each pattern into a Go regular expression (``*`` is ``[^/]*``,
``?`` is ``[^/]``, ``**/`` is ``(.*/)?``, ``[...]`` passes through). Go's engine is linear;
Python's backtracks, and a 37-byte line of repeated ``**/`` made one COPY take minutes. Here
each pattern is a small NFA simulated state-set by state-set over the path: one pass answers
both "does the path match" and "does a parent directory match" (a parent is the path up to a
``/``). Work is O(len(path) x len(pattern)) per pattern, and the file read is capped.

The file is only read (never executed), at most :data:`MAX_IGNORE_BYTES` of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import attrs

MAX_IGNORE_BYTES = 1024 * 1024
"""Larger ignore files are not read (the checks that need them stay silent)."""
MAX_PATTERNS = 10_000

_CHAR, _CLASS, _NOT_SLASH, _STAR_NOT_SLASH, _ANY_STAR, _DIRS, _DEAD, _ANCHOR = range(8)


def go_clean(path: str) -> str:
    """Go's path.Clean: the shortest equivalent slash path."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(segment)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def valid_match_pattern(pattern: str) -> bool:
    """Whether Go's filepath.Match accepts ``pattern`` (checked on the whole pattern)."""
    i, n = 0, len(pattern)

    def class_char(at: int) -> int:
        """Index after one class character at ``at``, or -1 when malformed."""
        if at >= n or pattern[at] in "-]":
            return -1
        if pattern[at] == "\\":
            at += 1
            if at >= n:
                return -1
        return at + 1

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return False
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            ranges = 0
            while True:
                if i < n and pattern[i] == "]" and ranges > 0:
                    i += 1
                    break
                lo_at = i
                i = class_char(i)
                if i < 0:
                    return False
                if i < n and pattern[i] == "-":
                    hi_at = i + 1
                    i = class_char(i + 1)
                    if i < 0:
                        return False
                    lo = pattern[lo_at + 1] if pattern[lo_at] == "\\" else pattern[lo_at]
                    hi = pattern[hi_at + 1] if pattern[hi_at] == "\\" else pattern[hi_at]
                    if hi < lo:
                        return False
                ranges += 1
            continue
        i += 1
    return True


def _read_class(pattern: str, i: int) -> tuple[Optional[tuple[bool, list[tuple[str, str]]]], int]:
    """A ``[...]`` at ``i`` (after the ``[``): (negated, ranges) and the index after ``]``."""
    n = len(pattern)
    negated = i < n and pattern[i] == "^"
    if negated:
        i += 1
    ranges: list[tuple[str, str]] = []
    while i < n and (pattern[i] != "]" or not ranges):
        lo = pattern[i + 1] if pattern[i] == "\\" and i + 1 < n else pattern[i]
        i += 2 if pattern[i] == "\\" else 1
        hi = lo
        if i + 1 < n and pattern[i] == "-" and pattern[i + 1] != "]":
            hi = pattern[i + 2] if pattern[i + 1] == "\\" and i + 2 < n else pattern[i + 1]
            i += 3 if pattern[i + 1] == "\\" else 2
        ranges.append((lo, hi))
    if i >= n:
        return None, i
    return (negated, ranges), i + 1


@attrs.define(slots=True, eq=False)
class IgnorePattern:
    """One pattern, matched the way patternmatcher's Pattern.match does (kinds included)."""

    text: str  # the cleaned pattern
    kind: str  # "exact", "prefix", "suffix", "nfa"
    tokens: list[tuple[int, object]]

    @classmethod
    def compile(cls, pattern: str) -> "IgnorePattern":
        tokens: list[tuple[int, object]] = []
        kind = "exact"
        i, n = 0, len(pattern)
        first = True
        while i < n:
            ch = pattern[i]
            i += 1
            if ch == "*":
                if i < n and pattern[i] == "*":
                    i += 1
                    if i < n and pattern[i] == "/":
                        i += 1
                    if i >= n:
                        if kind == "exact":
                            kind = "prefix"
                        else:
                            tokens.append((_ANY_STAR, None))
                            kind = "nfa"
                    else:
                        tokens.append((_DIRS, None))
                        kind = "nfa"
                    if first:
                        kind = "suffix"
                else:
                    tokens.append((_STAR_NOT_SLASH, None))
                    kind = "nfa"
            elif ch == "?":
                tokens.append((_NOT_SLASH, None))
                kind = "nfa"
            elif ch == "\\":
                if i < n:
                    tokens.append((_CHAR, pattern[i]))
                    i += 1
                    kind = "nfa"
                else:
                    tokens.append((_CHAR, "\\"))
            elif ch == "[":
                parsed, i = _read_class(pattern, i)
                tokens.append((_CLASS, parsed) if parsed is not None else (_DEAD, None))
                kind = "nfa"
            elif ch == "]":
                tokens.append((_CHAR, "]"))
                kind = "nfa"
            elif ch == "^":
                # a plain character for exact/prefix/suffix patterns; in a regular expression Go
                # reads it as an anchor, which only the start of the path satisfies
                tokens.append((_ANCHOR, None))
            else:
                tokens.append((_CHAR, ch))
            first = False
        # collapse runs of stars: they match the same strings, and this keeps state sets small
        out: list[tuple[int, object]] = []
        for token in tokens:
            if token[0] in (_STAR_NOT_SLASH, _ANY_STAR) and out and out[-1][0] == token[0]:
                continue
            out.append(token)
        return cls(pattern, kind, out)

    def _accepts(self, index: int, ch: str) -> bool:
        op, arg = self.tokens[index]
        if op == _CHAR:
            return ch == arg
        if op == _NOT_SLASH or op == _STAR_NOT_SLASH:
            return ch != "/" and ch != "\n"
        if op == _CLASS:
            negated, ranges = arg  # type: ignore[misc]
            inside = any(lo <= ch <= hi for lo, hi in ranges)
            return inside != negated
        return False

    def _close(self, states: set[int], at_start: bool = False) -> set[int]:
        """Add the states reachable without a character (past stars, ``**/`` groups, and a
        ``^`` when nothing has been read yet)."""
        tokens = self.tokens
        skippable = (_STAR_NOT_SLASH, _ANY_STAR, _DIRS, _ANCHOR) if at_start else (_STAR_NOT_SLASH, _ANY_STAR, _DIRS)
        todo = list(states)
        while todo:
            state = todo.pop()
            if 0 <= state < len(tokens) and tokens[state][0] in skippable and state + 1 not in states:
                states.add(state + 1)
                todo.append(state + 1)
        return states

    def _ends(self, path: str) -> tuple[bool, bool]:
        """(the whole path matches, a parent directory of it matches), in one pass."""
        tokens = self.tokens
        size = len(tokens)
        # the ``.*`` inside the ``(.*/)?`` group of token k is state -(k + 2)
        states = self._close({0}, at_start=True)
        parent = False
        for offset, ch in enumerate(path):
            if ch == "/" and size in states:  # path[:offset] is a parent directory
                parent = True
            following: set[int] = set()
            for state in states:
                if state < 0:  # inside (.*/)? of token -(state + 2)
                    if ch != "\n":
                        following.add(state)
                    if ch == "/":
                        following.add(-state - 1)
                    continue
                if state >= size:
                    continue
                op = tokens[state][0]
                if op == _DIRS:
                    if ch == "/":
                        following.add(state + 1)
                    if ch != "\n":
                        following.add(-(state + 2))
                elif op == _ANY_STAR:
                    if ch != "\n":
                        following.add(state)
                elif op == _STAR_NOT_SLASH:
                    if ch != "/" and ch != "\n":
                        following.add(state)
                elif self._accepts(state, ch):
                    following.add(state + 1)
            if not following:
                return False, parent
            states = self._close(following)
        return size in states, parent

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix[:1] == "/" and path == suffix[1:]
        return self._ends(path)[0]

    def match_or_parent(self, path: str) -> bool:
        """MatchesOrParentMatches for this pattern: ``path`` or one of its parent directories."""
        if path.startswith("/") and path.count("/") == 1 and self.match("/"):
            return True  # Go's Dir("/x") is "/", which the parent walk also tries
        if self.kind == "nfa":
            whole, parent = self._ends(path)
            return whole or parent
        if self.match(path):
            return True
        slash = path.find("/")
        while slash >= 0:
            if self.match(path[:slash]):
                return True
            slash = path.find("/", slash + 1)
        return False


@attrs.define(slots=True, eq=False)
class IgnoreMatcher:
    """The patterns of an ignore file, as BuildKit's CopyIgnoredFile uses them."""

    source: str  # the file's name, for messages
    patterns: list[IgnorePattern]
    exclusions: bool  # some line starts with ``!`` (then re-inclusion rules apply)

    def root_ignored(self) -> bool:
        """copySourceRootIgnored: a pattern that excludes every entry of the context root."""
        return any(p.text in ("*", "**", "**/*") for p in self.patterns)

    def matching(self, path: str) -> Optional[IgnorePattern]:
        """The first pattern that excludes ``path`` or one of its parents (a cleaned path)."""
        for pattern in self.patterns:
            if pattern.match_or_parent(path):
                return pattern
        return None


def read_ignore_patterns(data: bytes) -> list[str]:
    """ignorefile.ReadAll: comments and blank lines dropped, paths cleaned, leading / removed."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    out: list[str] = []
    for line in text.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        out.append("!" + pattern if invert else pattern)
    return out


def parse_ignore(data: bytes, source: str = ".dockerignore") -> Optional[IgnoreMatcher]:
    """The matcher for an ignore file's bytes (None: empty, or a pattern BuildKit refuses)."""
    patterns: list[IgnorePattern] = []
    exclusions = False
    for raw in read_ignore_patterns(data)[:MAX_PATTERNS]:
        pattern = go_clean(raw.strip())
        if pattern.startswith("!"):
            if len(pattern) == 1:
                return None
            exclusions = True
            pattern = pattern[1:]
        if not valid_match_pattern(pattern):
            return None
        patterns.append(IgnorePattern.compile(pattern))
    if not patterns:
        return None
    return IgnoreMatcher(source, patterns, exclusions)


def load_ignore(dockerfile: Optional[Path]) -> Optional[IgnoreMatcher]:
    """The matcher of the ignore file BuildKit would read for ``dockerfile`` (None: none/invalid).

    ``<Dockerfile name>.dockerignore`` beside the Dockerfile wins over ``.dockerignore``.
    """
    if dockerfile is None:
        return None
    for candidate in (dockerfile.parent / (dockerfile.name + ".dockerignore"),
                      dockerfile.parent / ".dockerignore"):
        try:
            if not candidate.is_file():
                continue
            with candidate.open("rb") as handle:
                data = handle.read(MAX_IGNORE_BYTES + 1)
        except OSError:
            continue
        if len(data) > MAX_IGNORE_BYTES:
            return None
        return parse_ignore(data, candidate.name)
    return None


class BuildContext:
    """What the file can know of its build context (read lazily, once per analysis)."""

    def __init__(self, dockerfile: Optional[Path]):
        self.dockerfile = dockerfile
        self._ignore: Optional[IgnoreMatcher] = None
        self._loaded = False

    @property
    def ignore(self) -> Optional[IgnoreMatcher]:
        """The ``.dockerignore`` matcher, or None when there is none (or it is unusable)."""
        if not self._loaded:
            self._loaded = True
            self._ignore = load_ignore(self.dockerfile)
        return self._ignore

    def ignored_by(self, source: str) -> Optional[IgnorePattern]:
        """The pattern excluding a COPY source (as written, expanded), or None."""
        matcher = self.ignore
        if matcher is None:
            return None
        return matcher.matching(go_clean(source))
