"""DocumentTooLarge: the document passes ``limits.maxDocumentBytes``, so the expensive checks
were skipped.

The per-instruction checks (syntax, flags, values, BuildKit's dispatch model) are linear and
still run on any size. What is left out past the limit is the work whose cost grows with what
the shell scripts hold: the practice rules that model every RUN script, ShellCheck, and the
cross-instruction checks built on them. A generated or concatenated 10 MB file then gets its
errors in about a second instead of stalling the editor; the user is told once, at the top of
the file, what was skipped and which setting raises the bound.
"""

from __future__ import annotations

from typing import Iterator, Optional

from .context import size_limit_of
from .model import Finding
from .registry import rule

NAME = "DocumentTooLarge"


def document_bytes(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``, computed only when the character count cannot decide it."""
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def too_large(text: str, limit: Optional[int]) -> bool:
    """Whether a document of ``text`` passes ``limit`` bytes (None or 0: no limit)."""
    return bool(limit) and document_bytes(text, limit) > limit  # type: ignore[arg-type]


@rule(NAME, family="syntax", severity="information",
      summary="The document is larger than limits.maxDocumentBytes: the expensive checks were skipped.")
def check_document_too_large(analysis) -> Iterator[Finding]:
    """One finding on the first line when the run's size limit left checks out."""
    limit = size_limit_of(analysis)
    if not too_large(analysis.text, limit):
        return
    first_line_end = analysis.text.find("\n")
    end = first_line_end if first_line_end >= 0 else len(analysis.text)
    if end > 0 and analysis.text[end - 1] == "\r":
        end -= 1
    size = document_bytes(analysis.text, limit)  # type: ignore[arg-type]
    message = (f"This document has {size:,} bytes, past limits.maxDocumentBytes ({limit:,}): "
               "the practice rules, ShellCheck and the other checks that model every shell script were "
               "skipped; syntax and BuildKit's checks still ran. Raise the setting to check everything.")
    yield Finding(NAME, message, 0, min(end, 200), "information")
