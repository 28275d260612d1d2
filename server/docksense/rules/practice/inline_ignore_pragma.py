"""InlineIgnorePragma (DL1001): ``# hadolint ignore=`` comments (off by default, as in hadolint).

For teams that keep every exception in ``.hadolint.yaml`` where it is reviewed once, rather
than scattered through Dockerfiles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding
from ..registry import rule
from ..suppressions import comment_text_start, parse_pragma
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis


@rule("InlineIgnorePragma", family=FAMILY, severity="off", aliases=("DL1001",),
      summary="An inline '# hadolint ignore=' pragma, where the project wants exceptions in .hadolint.yaml.")
def check_inline_ignore_pragma(analysis: "Analysis") -> Iterator[Finding]:
    """Every ``ignore=`` pragma (global or not), on the pragma's text."""
    text = analysis.text
    for comment in analysis.tree.comments:
        pragma = parse_pragma(text, comment)
        if pragma is None:
            continue
        start = comment_text_start(text, comment)
        yield Finding("InlineIgnorePragma",
                      "An inline ignore pragma: record the exception in .hadolint.yaml (ignored or "
                      "override) instead.", start, pragma.list_end, instruction_line=comment.line)
