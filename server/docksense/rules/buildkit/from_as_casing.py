"""FromAsCasing: ``FROM x as y`` under an upper-case FROM (instructions/parse.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("FromAsCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="The AS keyword of a FROM line is not written in the same case as FROM.")
def check_from_as_casing(analysis) -> Iterator[Finding]:
    """``FROM x as y``: mixed keyword casing within one line reads as a typo."""
    for info in analysis.build.stages:
        ins = info.instruction
        if len(info.words) < 3:
            continue
        keyword = ins.keyword
        lower = keyword == keyword.lower()
        if not lower and keyword != keyword.upper():
            continue  # an inconsistent FROM is ConsistentInstructionCasing's business
        word = info.words[1]
        if word.text.lower() != "as":
            # BuildKit lints the second word of any FROM with three or more words, but such a
            # FROM is refused anyway (WrongArgumentCount / FromExpectedAs): only `AS` is meant.
            continue
        wanted = word.text.lower() if lower else word.text.upper()
        if word.text == wanted:
            continue
        message = f"'{word.text}' does not match the casing of '{keyword}': write '{wanted}'."
        fix = Fix(f"Write '{wanted}'", [Edit(word.start, word.end, wanted)], preferred=True, safe=True)
        yield finding("FromAsCasing", message, word.start, word.end, ins, fix)
