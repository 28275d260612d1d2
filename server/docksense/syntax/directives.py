"""Parser directives (``# syntax=``, ``# escape=``, ``# check=``) with BuildKit's placement rules.

Directives are only read at the very top of the file: the first line that is not a directive
(an instruction, a blank line, an ordinary comment, an unknown ``# key=value``) ends them.
Names are case-insensitive, spaces around ``=`` are allowed, each may appear once, and
``escape`` takes only ``\\`` or a backtick.
"""

from __future__ import annotations

import re
from typing import Optional

from .nodes import Directive, SyntaxProblem

VALID = ("syntax", "escape", "check")
# Go's \s is [\t\n\f\r ]
_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z", re.DOTALL)


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
        match = _RE.match(body)
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
