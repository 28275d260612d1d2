"""Stages: each FROM starts one; its name, base image or base stage, and its instructions.

Stage names match case-insensitively, as BuildKit lowercases them; a FROM whose image is the
name of an earlier stage builds on that stage.
"""

from __future__ import annotations

from typing import Optional

import attrs

from ..syntax import Dockerfile, Flag, Instruction, Word
from ..syntax.numbers import parse_int_bounded


@attrs.define(eq=False)
class Stage:
    index: int
    instruction: Instruction
    image: Optional[Word]  # the base image (or base stage name) word
    name: Optional[Word]  # the word after AS
    as_word: Optional[Word]
    platform: Optional[Flag]
    base_stage: Optional["Stage"] = None
    instructions: list[Instruction] = attrs.Factory(list)

    @property
    def key(self) -> str:
        """The name as BuildKit matches it (lower case); "" when unnamed."""
        return self.name.text.lower() if self.name else ""

    @property
    def label(self) -> str:
        return self.name.text if self.name else f"stage {self.index}"


def find_stages(tree: Dockerfile) -> tuple[list[Instruction], list[Stage]]:
    """Instructions before the first FROM (global scope), and the stages."""
    preamble: list[Instruction] = []
    stages: list[Stage] = []
    by_name: dict[str, Stage] = {}
    for ins in tree.instructions:
        if ins.name == "FROM":
            words = ins.words
            image = words[0] if words else None
            as_word = words[1] if len(words) >= 3 and words[1].text.lower() == "as" else None
            name = words[2] if as_word is not None else None
            stage = Stage(len(stages), ins, image, name, as_word, ins.flag("platform"))
            stage.instructions.append(ins)
            if image is not None:
                stage.base_stage = by_name.get(image.text.lower())
            stages.append(stage)
            if name is not None and name.text.lower() not in by_name:
                by_name[name.text.lower()] = stage
        elif stages:
            stages[-1].instructions.append(ins)
        else:
            preamble.append(ins)
    return preamble, stages


def stage_named(stages: list[Stage], name: str, before: Optional[int] = None) -> Optional[Stage]:
    """The first stage with this name (case-insensitive), or by index ("0", "1", ...)."""
    key = name.lower()
    limit = len(stages) if before is None else before
    for stage in stages[:limit]:
        if stage.key == key:
            return stage
    index = parse_int_bounded(key)  # ASCII digits only ("²".isdigit() is True), bounded length
    if index is not None and index < limit:
        return stages[index]
    return None
