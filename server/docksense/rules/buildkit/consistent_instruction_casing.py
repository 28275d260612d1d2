"""ConsistentInstructionCasing: keywords against the file's majority casing (instructions/parse.go)."""

from __future__ import annotations

from typing import Iterator

from ...syntax.parser import KNOWN_INSTRUCTIONS
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("ConsistentInstructionCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="An instruction keyword is in mixed case, or in a different case from most instructions of the file.")
def check_consistent_instruction_casing(analysis) -> Iterator[Finding]:
    """Keywords in mixed casing, or against the file's majority casing, read as sloppy."""
    instructions = [ins for stage in analysis.stages for ins in stage.instructions
                    if ins.keyword.lower() in KNOWN_INSTRUCTIONS]
    lower = upper = 0
    for ins in instructions:
        keyword = ins.keyword
        if keyword == keyword.lower():
            lower += 1
        elif keyword == keyword.upper():
            upper += 1
    majority_lower = lower > upper
    casing = "lowercase" if majority_lower else "uppercase"
    for ins in instructions:
        keyword = ins.keyword
        wanted = keyword.lower() if majority_lower else keyword.upper()
        if keyword == wanted:
            continue
        message = (f"'{keyword}' is not written like the other instructions of this file, which are mostly "
                   f"{casing}: write '{wanted}'.")
        edits = []
        offset = 0
        for start, end in ins.keyword_pieces():
            edits.append(Edit(start, end, wanted[offset: offset + end - start]))
            offset += end - start
        fix = Fix(f"Write '{wanted}'", edits, preferred=True, safe=True) if offset == len(wanted) else None
        yield finding("ConsistentInstructionCasing", message, ins.keyword_start, ins.keyword_end, ins, fix)
