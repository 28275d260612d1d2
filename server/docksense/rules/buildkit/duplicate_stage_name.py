"""DuplicateStageName: two stages with one name (validations.go)."""

from __future__ import annotations

from typing import Iterator

from ...analysis.build import StageInfo
from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("DuplicateStageName", family=FAMILY, severity=SEVERITY, aliases=("DL3024",),
      summary="Two stages have the same name (compared case-insensitively).")
def check_duplicate_stage_name(analysis) -> Iterator[Finding]:
    """Two stages with one name (case-insensitively): references can reach only one of them."""
    seen: dict[str, StageInfo] = {}
    for info in analysis.build.stages:
        if not info.name or info.name_word is None:
            continue
        first = seen.get(info.name)
        if first is not None:
            message = (f"Stage name '{info.name}' is already used by the stage on line "
                       f"{first.instruction.line + 1}. Stage names must be unique: FROM and COPY --from "
                       f"can only reach one of the two. Rename one of them.")
            word = info.name_word
            yield finding("DuplicateStageName", message, word.start, word.end, info.instruction)
        else:
            seen[info.name] = info
