"""InvalidDefinitionDescription: a description comment that does not start with the name
(instructions/parse.go, experimental)."""

from __future__ import annotations

from typing import Iterator

from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("InvalidDefinitionDescription", family=FAMILY, severity=SEVERITY, experimental=True,
      summary="The comment right above FROM ... AS or ARG does not start with the stage or argument name.")
def check_invalid_definition_description(analysis) -> Iterator[Finding]:
    """A comment right above FROM ... AS or ARG is its description; it must start with the name."""
    names = {info.instruction.start: info for info in analysis.build.stages}
    for ins in analysis.tree.instructions:
        if not ins.comments:
            continue
        if ins.name == "FROM":
            info = names.get(ins.start)
            if info is None or not info.name or info.name_word is None:
                continue
            keys = [info.name]
            start, end = info.name_word.start, info.name_word.end
            what = "stage"
        elif ins.name == "ARG":
            if not ins.pairs:
                continue
            keys = [p.key for p in ins.pairs]
            start, end = ins.pairs[0].key_start, ins.pairs[-1].key_end
            what = "argument" if len(keys) == 1 else "arguments"
        else:
            continue
        if ins.comments[-1].split(" ")[0] in keys:
            continue
        example = keys[0] if len(keys) == 1 else "<arg_key>"
        message = (f"The comment right above this {ins.name} is taken as the {what}' description (shown by "
                   f"docker build --call=outline/targets), so it should start with the name: "
                   f"'# {example} <description>'. If it is not a description, separate it with an empty "
                   f"comment line (#).")
        yield finding("InvalidDefinitionDescription", message, start, end, ins)
