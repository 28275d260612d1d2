"""Family ``syntax``: what BuildKit's parser refuses, reported all at once.

The parser records each problem with a code; here each code is a rule with a stable name, a
default severity, and a message that says what to do.
"""

from __future__ import annotations

from typing import Iterable

from .model import Finding
from .registry import rule

# code -> (summary, hint appended to the parser's message)
_SYNTAX = {
    "NoInstructions": ("The file has no instructions", "Add a FROM instruction."),
    "MissingValue": ("ENV or LABEL without a value", "Write it as name=value."),
    "MissingEquals": ("A key without '=' in ENV or LABEL", "Write each pair as name=value."),
    "JSONNotStringArray": ("Exec form with a non-string item", "Use a JSON array of strings only."),
    "UnterminatedHeredoc": ("A heredoc without its terminator line", "End the body with a line holding only the delimiter."),
    "InvalidHeredoc": ("A heredoc delimiter with an unterminated quote", "Close the quote around the delimiter."),
    "DuplicateDirective": ("A parser directive given twice", "Keep one; BuildKit refuses the second."),
    "InvalidEscapeDirective": ("An escape directive with a value other than \\ or `", "Use # escape=\\ or # escape=`."),
    "LineTooLong": ("A line longer than BuildKit reads", "Split it with line continuations."),
    "InternalError": ("docksense could not read the file", "Please report this file."),
}


def _make(code: str, summary: str, hint: str) -> None:
    @rule(code, family="syntax", severity="error", summary=summary)
    def check(analysis) -> Iterable[Finding]:
        for problem in analysis.tree.problems:
            if problem.code == code:
                message = problem.message
                if hint and not message.endswith(hint):
                    message = f"{message}. {hint}" if not message.endswith(".") else f"{message} {hint}"
                yield Finding(code, message, problem.start, problem.end, "error")

    check.__name__ = f"check_{code}"


for _code, (_summary, _hint) in _SYNTAX.items():
    _make(_code, _summary, _hint)
