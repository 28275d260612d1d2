"""Inlay hints: values of variables, the stage behind ``--from=0``, absolute COPY destinations.

Each kind has a switch in ``settings.inlay_hints``. Hints say only what is statically known
from this file; where the answer depends on the base image or on ``--build-arg`` (an ARG
without default, a WORKDIR the base image may have set), there is no hint rather than a
guess.
"""

from __future__ import annotations

from typing import Optional

import attrs
from lsprotocol import types

from ..analysis import Analysis
from ..analysis.build import StageInfo
from ..analysis.scopes import apply_modifier, expand
from ..syntax import Instruction
from .occurrences import from_values
from .positions import to_offset
from .symbols import stage_title

MAX_LABEL = 40


@attrs.define
class _Hint:
    offset: int
    label: str
    tooltip: str


def inlay_hints(analysis: Analysis, range_: Optional[types.Range], settings=None,
                encoding: str = "utf-16") -> list[types.InlayHint]:
    lines = analysis.lines
    if range_ is not None:
        first = to_offset(lines, range_.start, encoding)
        last = to_offset(lines, range_.end, encoding)
    else:
        first, last = 0, len(analysis.text)
    show_values = getattr(settings, "variable_values", True)
    show_stages = getattr(settings, "stage_indexes", True)
    show_destinations = getattr(settings, "copy_destinations", True)
    hints: list[_Hint] = []
    for ins in analysis.tree.instructions:
        if ins.end < first:
            continue
        if ins.start > last:
            break
        if show_values:
            hints.extend(_variable_values(analysis, ins))
            if ins.name == "ARG":
                hints.extend(_reimported_values(analysis, ins))
        if show_stages:
            hints.extend(_stage_indexes(analysis, ins))
        if show_destinations and ins.name in ("COPY", "ADD"):
            hint = _destination(analysis, ins)
            if hint is not None:
                hints.append(hint)
    out = []
    for hint in sorted(hints, key=lambda h: h.offset):
        if not first <= hint.offset <= last:
            continue
        line, character = lines.position(hint.offset, encoding)
        out.append(types.InlayHint(
            position=types.Position(line, character),
            label=hint.label,
            padding_left=True,
            tooltip=hint.tooltip,
        ))
    return out


def _short(value: str) -> str:
    value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"


def _line(analysis: Analysis, offset: int) -> int:
    return analysis.lines.position(offset)[0] + 1


# -- variable values ---------------------------------------------------------------------------
def _variable_values(analysis: Analysis, ins: Instruction) -> list[_Hint]:
    if not ins.variables:
        return []
    exec_span = None
    target = ins.trigger if ins.trigger is not None else ins
    if target.json is not None:
        exec_span = (target.json.start, target.json.end)
    out = []
    scopes = analysis.scopes
    for ref in ins.variables:
        if not ref.name or ref.modifier in (":?", "?"):
            continue
        if exec_span is not None and exec_span[0] <= ref.start < exec_span[1]:
            continue  # exec form: nothing expands it
        resolution = scopes.resolve(ref.name, ins)
        if resolution.status not in ("env", "arg", "global") or resolution.value is None:
            continue
        value: Optional[str] = resolution.value
        if ref.modifier:
            word = ref.word
            if "$" in word:
                word = expand(word, lambda name: scopes.resolve(name, ins).value)
            value = apply_modifier(value, ref.modifier, word)
        if value is None or "$" in value:
            continue
        definition = resolution.definition
        where = ""
        if definition is not None and definition.instruction is not None:
            where = f" (from the {definition.kind} on line {_line(analysis, definition.instruction.start)})"
        out.append(_Hint(ref.end, "= " + _short(value) if value else '= ""',
                         f"{ref.name} is {value!r} here{where}"))
    return out


def _reimported_values(analysis: Analysis, ins: Instruction) -> list[_Hint]:
    """``ARG NAME`` inside a stage takes the global ARG's default: show it."""
    out = []
    if analysis.stage_of(ins) is None:
        return out
    global_args = analysis.scopes.global_args
    for pair in ins.pairs:
        found = global_args.get(pair.key) if pair.value is None else None
        if found is None or found.value is None or "$" in found.value or found.instruction is None:
            continue
        value, source = found.value, found.instruction
        out.append(_Hint(pair.key_end, "= " + _short(value) if value else '= ""',
                         f"{pair.key} takes the default of the global ARG on line {_line(analysis, source.start)}"))
    return out


# -- stage indexes -------------------------------------------------------------------------------
def _stage_indexes(analysis: Analysis, ins: Instruction) -> list[_Hint]:
    """``--from=N``: the stage the build model resolves N to (an earlier stage, as in BuildKit)."""
    values = from_values(analysis.text, ins)
    if not values:
        return []
    build = analysis.build
    step = build.step(ins)
    if step is None:
        return []
    out = []
    for value, _, end in values:
        if not value.isdigit():
            continue  # a name is its own label; only an index needs one
        index = build.stage_named(value, step.stage.index)
        if index is None:
            continue
        stage = build.stages[index].stage
        line = _line(analysis, stage.instruction.start)
        out.append(_Hint(end, "→ " + _short(stage_title(analysis, stage)),
                         f"Stage {stage.index} is the FROM on line {line}"))
    return out


# -- COPY/ADD destinations -------------------------------------------------------------------------
def _destination(analysis: Analysis, ins: Instruction) -> Optional[_Hint]:
    """The absolute path a relative destination lands on, as the build model resolves it.

    Shown only when this file decides the WORKDIR: a WORKDIR ran in the stage (or its base
    stages), or the stages go back to ``scratch``. An image built FROM ``alpine`` starts at
    ``/`` in the build model too, but the hint stays with what the file itself says.
    """
    step = analysis.build.step(ins)
    if step is None or step.destination is None or step.workdir is None:
        return None
    uses = step.uses_of("source", "dest")
    if not uses or uses[-1].role != "dest" or not (ins.heredocs or uses[0].role == "source"):
        return None  # a lone word is a source with the destination missing
    dest = uses[-1]
    written = dest.value or ""
    if not written or written.startswith("/") or _windows_absolute(written):
        return None
    if not (step.workdir_set or _from_scratch(analysis, step.stage)):
        return None  # the base image may set its own WORKDIR
    absolute = step.destination
    return _Hint(dest.end, "→ " + _short(absolute),
                 f"Relative to the WORKDIR in effect ({step.workdir}): {absolute}")


def _windows_absolute(path: str) -> bool:
    return len(path) >= 2 and path[1] == ":" and path[0].isalpha()


def _from_scratch(analysis: Analysis, info: StageInfo) -> bool:
    """The stage, following its base stages, starts from ``scratch``."""
    stages = analysis.build.stages
    for _ in range(len(stages)):
        if info.base_index is None:
            return info.base_name == "scratch"
        info = stages[info.base_index]
    return False
