"""ExpansionLimit: a value docksense did not work out because it passes a bound.

The expansion engine stops at 64 KB per value and 100 levels of ``${...${...}}`` nesting
(:mod:`docksense.syntax.expansion`), so that a crafted file (ARGs that double each other, a
word nested thousands deep) cannot exhaust memory or the stack. BuildKit itself would build
such a file; what changes is that the checks and hovers that need the value treat it as
unknown. This says so once per instruction, where it happens, instead of staying silent.
"""

from __future__ import annotations

from typing import Iterator

from ..syntax.expansion import MAX_DEPTH, MAX_VALUE
from .model import Finding
from .registry import rule

NAME = "ExpansionLimit"


@rule(NAME, family="syntax", severity="information",
      summary="A variable's value is too large or too deeply nested for docksense to work out.")
def check_expansion_limit(analysis) -> Iterator[Finding]:
    """Words the build model could not expand because of a bound (once per instruction)."""
    seen: set[int] = set()
    for limit in sorted(analysis.build.limits, key=lambda item: item.start):
        top = limit.instruction
        while top.parent is not None:
            top = top.parent
        if id(top) in seen:
            continue
        seen.add(id(top))
        if limit.too_deep:
            reason = f"its variable references are nested more than {MAX_DEPTH} levels deep"
        else:
            reason = f"it would be longer than {MAX_VALUE // 1024} KB"
        message = (f"docksense does not work out this value: {reason}. Checks and hovers that need it "
                   f"treat it as unknown (BuildKit still expands it).")
        yield Finding(NAME, message, limit.start, max(limit.start, limit.end), "information",
                      instruction_line=top.line)
