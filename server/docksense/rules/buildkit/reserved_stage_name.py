"""ReservedStageName: a stage named ``scratch`` or ``context`` (validations.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding

_RESERVED_STAGE_NAMES = {
    "context": "it names the build context",
    "scratch": "it names the empty base image",
}


@rule("ReservedStageName", family=FAMILY, severity=SEVERITY, aliases=("DL3063",),
      summary="A stage is named `scratch` or `context`, names BuildKit reserves.")
def check_reserved_stage_name(analysis) -> Iterator[Finding]:
    """``AS scratch`` / ``AS context``: those names already mean something to BuildKit."""
    for info in analysis.build.stages:
        reason = _RESERVED_STAGE_NAMES.get(info.name)
        if reason is None or info.name_word is None:
            continue
        word = info.name_word
        message = (f"'{info.name}' is a reserved name ({reason}), so it should not be used as a stage "
                   f"name: choose another one.")
        yield finding("ReservedStageName", message, word.start, word.end, info.instruction)
