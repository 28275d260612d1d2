"""MultipleInstructionsDisallowed: a CMD, ENTRYPOINT or HEALTHCHECK a later one overrides
(convert.go)."""

from __future__ import annotations

from typing import Iterator

from ...syntax import Instruction
from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


@rule("MultipleInstructionsDisallowed", family=FAMILY, severity=SEVERITY,
      aliases=("DL4003", "DL4004", "DL3012"),
      summary="A stage has more than one CMD, ENTRYPOINT or HEALTHCHECK; only the last one counts.")
def check_multiple_instructions(analysis) -> Iterator[Finding]:
    """A CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage overrides."""
    for info in analysis.build.stages:
        last: dict[str, Instruction] = {}
        for ins in info.stage.instructions[1:]:
            if ins.name not in _ONCE:
                continue
            previous = last.get(ins.name)
            if previous is not None:
                message = (f"This {ins.name} has no effect: a later {ins.name} in the same stage (line "
                           f"{ins.line + 1}) replaces it. Keep only one {ins.name} per stage.")
                yield finding("MultipleInstructionsDisallowed", message, previous.start, previous.end, previous,
                              unnecessary=True)
            last[ins.name] = ins
