"""EnvSameInstructionReference (DL3044).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

@rule("EnvSameInstructionReference", family=FAMILY, severity="warning", aliases=("DL3044",),
      summary="An ENV value uses a variable that the same ENV defines: it sees the old value.")
def check_env_same_instruction_reference(analysis: "Analysis") -> Iterator[Finding]:
    """``ENV A=1 B=$A`` substitutes A's value from before the instruction, not 1."""
    for ins in analysis.tree.instructions:
        if ins.name != "ENV" or len(ins.pairs) < 2 or not ins.variables:
            continue
        keys = {pair.key: pair for pair in ins.pairs}
        for ref in ins.variables:
            pair = keys.get(ref.name)
            if pair is None or pair.start <= ref.start < pair.end:
                continue
            status = analysis.scopes.resolve(ref.name, ins).status
            if status not in ("undefined", "undeclared-global", "undeclared-predefined"):
                continue
            yield found_at("EnvSameInstructionReference",
                           f"${ref.name} is replaced with its value from before this ENV (it has none), "
                           f"not with the one set here: define {ref.name} in an earlier ENV.",
                           (ref.start, ref.end), ins)
