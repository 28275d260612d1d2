"""Parser directives (``# syntax=``, ``# escape=``, ``# check=``) with BuildKit's placement rules.

Directives are only read at the very top of the file: the first line that is not a directive
(an instruction, a blank line, an ordinary comment, an unknown ``# key=value``) ends them.
Names are case-insensitive, spaces around ``=`` are allowed, each may appear once, and
``escape`` takes only ``\\`` or a backtick.
"""

from __future__ import annotations

from typing import Optional

from .nodes import Directive, SyntaxProblem

VALID = ("syntax", "escape", "check")
# Go's \s is [\t\n\f\r ]
_GO_SPACE = "\t\n\f\r "


class _Match:
    """Spans of a ``name = value`` directive body, as BuildKit's regular expression
    ``([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$`` finds them (read by hand: the lazy value
    followed by optional blanks and the end backtracks over every trailing blank)."""

    __slots__ = ("spans", "_body")

    def __init__(self, spans: tuple[tuple[int, int], tuple[int, int]], body: str):
        self.spans = spans
        self._body = body

    def group(self, index: int) -> str:
        start, end = self.spans[index - 1]
        return self._body[start:end]

    def start(self, index: int) -> int:
        return self.spans[index - 1][0]

    def end(self, index: int) -> int:
        return self.spans[index - 1][1]


def match_directive(body: str) -> Optional[_Match]:
    """The name and value spans of ``body`` (the text after ``#``, left-trimmed), or None."""
    n = len(body)
    if not n or not ("a" <= body[0].lower() <= "z" and body[0].isascii()):
        return None
    i = 1
    while i < n and body[i].isascii() and body[i].isalnum():
        i += 1
    name = (0, i)
    while i < n and body[i] in _GO_SPACE:
        i += 1
    if i >= n or body[i] != "=":
        return None
    i += 1
    after_eq = i
    while i < n and body[i] in _GO_SPACE:
        i += 1
    end = len(body.rstrip(_GO_SPACE))
    if end > i:
        return _Match((name, (i, end)), body)
    if n > after_eq:  # only blanks after "=": the lazy value takes the last one
        return _Match((name, (n - 1, n)), body)
    return None


class DirectiveReader:
    """Feeds lines one at a time, as BuildKit's DirectiveParser does."""

    def __init__(self) -> None:
        self.done = False
        self.seen: dict[str, Directive] = {}
        self.directives: list[Directive] = []
        self.problems: list[SyntaxProblem] = []

    def feed(self, line: str, doc_start: int, line_no: int) -> Optional[Directive]:
        """Offer one (left-trimmed, newline-free) line; returns the directive it holds, if any."""
        if self.done:
            return None
        if not line.startswith("#"):
            self.done = True
            return None
        body = line[1:]
        skipped = len(body) - len(body.lstrip())
        body = body.lstrip()
        match = match_directive(body)
        if not match:
            self.done = True
            return None
        name = match.group(1).lower()
        if name not in VALID:
            self.done = True
            return None
        base = doc_start + 1 + skipped
        directive = Directive(
            name=name,
            value=match.group(2),
            start=doc_start,
            end=doc_start + len(line),
            name_start=base + match.start(1),
            name_end=base + match.end(1),
            value_start=base + match.start(2),
            value_end=base + match.end(2),
            line=line_no,
            written_name=match.group(1),
        )
        if name in self.seen:
            self.problems.append(
                SyntaxProblem(
                    "DuplicateDirective",
                    f"only one {name} parser directive can be used",
                    directive.name_start,
                    directive.name_end,
                )
            )
            return directive
        self.seen[name] = directive
        self.directives.append(directive)
        if name == "escape" and directive.value not in ("\\", "`"):
            self.problems.append(
                SyntaxProblem(
                    "InvalidEscapeDirective",
                    f"invalid escape token '{directive.value}' does not match ` or \\",
                    directive.value_start,
                    directive.value_end,
                )
            )
        return directive
