"""StageNameCasing: ``FROM x AS Build``; BuildKit lowercases stage names (instructions/parse.go)."""

from __future__ import annotations

import re
from typing import Iterator

from ...analysis.build import StageInfo
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("StageNameCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="A stage name (FROM ... AS name) has upper-case letters; BuildKit lowercases stage names.")
def check_stage_name_casing(analysis) -> Iterator[Finding]:
    """``FROM x AS Build``: BuildKit lowercases stage names, so mixed case only misleads."""
    for info in analysis.build.stages:
        if len(info.words) != 3:
            continue
        word = info.words[2]
        if word.text == word.text.lower():
            continue
        lower = word.text.lower()
        message = (f"Stage name '{word.text}' is not lowercase. BuildKit lowercases stage names, so the "
                   f"stage is really '{lower}': write it that way here and wherever it is referenced.")
        edits = [Edit(word.start, word.end, lower)] + _stage_reference_edits(analysis, info, lower)
        fix = Fix(f"Rename the stage to '{lower}'", edits, preferred=True, safe=True)
        yield finding("StageNameCasing", message, word.start, word.end, info.instruction, fix)


_MOUNT_FROM = re.compile(r"(?:^|,)\s*from=([^,]*)", re.IGNORECASE)


def _stage_reference_edits(analysis, info: StageInfo, key: str) -> list[Edit]:
    """Edits lowercasing every reference to the stage: FROM, COPY --from, RUN --mount from=."""
    text = analysis.text
    edits: list[Edit] = []
    for other in analysis.build.stages:
        if other.index > info.index and other.image is not None and other.image.text.lower() == key \
                and other.image.text != key:
            edits.append(Edit(other.image.start, other.image.end, key))
    for ins in analysis.tree.instructions:
        if ins.name == "COPY":
            flag = ins.flag("from")
            if flag is not None and flag.value is not None and flag.value.lower() == key and flag.value != key \
                    and flag.value_end > flag.value_start:
                raw = text[flag.value_start:flag.value_end]
                if "\n" not in raw:
                    edits.append(Edit(flag.value_start, flag.value_end, raw.lower()))
        elif ins.name == "RUN":
            for flag in ins.flags:
                if flag.name.lower() != "mount" or flag.value_end <= flag.value_start:
                    continue
                raw = text[flag.value_start:flag.value_end]
                if "\n" in raw:
                    continue
                for match in _MOUNT_FROM.finditer(raw):
                    value = match.group(1)
                    if value.strip("'\"").lower() == key and value.strip("'\"") != key:
                        edits.append(Edit(flag.value_start + match.start(1), flag.value_start + match.end(1),
                                          value.lower()))
    return edits
