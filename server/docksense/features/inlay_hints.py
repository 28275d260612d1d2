"""Inlay hints: values of variables, the stage behind ``--from=0``, absolute COPY destinations.

Each kind has a switch in ``settings.inlay_hints``. Hints say only what is statically known
from this file; where the answer depends on the base image or on ``--build-arg`` (an ARG
without default, a WORKDIR the base image may have set), there is no hint rather than a
guess.
"""

from __future__ import annotations

import posixpath
from typing import Optional

import attrs
from lsprotocol import types

from ..analysis import Analysis
from ..analysis.scopes import apply_modifier, expand
from ..analysis.stages import Stage
from ..syntax import Instruction
from .occurrences import from_values
from .positions import to_offset
from .symbols import stage_title

MAX_LABEL = 40
_MEMO_WORKDIRS = "features.inlay_hints.workdirs"


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
    values = from_values(analysis.text, ins)
    out = []
    stages = analysis.stages
    for value, _, end in values:
        if value.isdigit() and int(value) < len(stages):
            stage = stages[int(value)]
            line = _line(analysis, stage.instruction.start)
            out.append(_Hint(end, "→ " + _short(stage_title(analysis, stage)),
                             f"Stage {stage.index} is the FROM on line {line}"))
    return out


# -- COPY/ADD destinations -------------------------------------------------------------------------
def _destination(analysis: Analysis, ins: Instruction) -> Optional[_Hint]:
    if ins.json is not None:
        items = ins.json.items
        if len(items) < 2:
            return None
        word_text, end = items[-1].text, items[-1].end
    else:
        words = [w for w in ins.words if not w.text.startswith("<<")]
        if len(words) < 2 and not (ins.heredocs and words):
            return None
        word_text, end = words[-1].text, words[-1].end
    if not word_text or word_text.startswith("/") or _windows_absolute(word_text):
        return None
    if "$" in word_text:
        word_text = expand(word_text, lambda name: analysis.scopes.resolve(name, ins).value)
        if "$" in word_text or word_text.startswith("/"):
            return None
    workdir = workdir_before(analysis, ins)
    if workdir is None:
        return None
    absolute = posixpath.normpath(posixpath.join(workdir, word_text))
    if word_text.endswith("/") or word_text in (".", "./") or word_text.endswith("/."):
        absolute = absolute.rstrip("/") + "/"
    return _Hint(end, "→ " + _short(absolute), f"Relative to the WORKDIR in effect ({workdir}): {absolute}")


def _windows_absolute(path: str) -> bool:
    return len(path) >= 2 and path[1] == ":" and path[0].isalpha()


def workdir_before(analysis: Analysis, ins: Instruction) -> Optional[str]:
    """The WORKDIR in effect before ``ins`` when this file alone decides it (None otherwise).

    A stage from ``scratch`` starts at ``/``; one built on another stage of the file starts
    where that stage ended; any other base image may have set its own WORKDIR, so the answer
    is only known after an absolute WORKDIR in this stage.
    """
    workdirs = analysis.memo.get(_MEMO_WORKDIRS)
    if workdirs is None:
        workdirs = _workdirs(analysis)
        analysis.memo[_MEMO_WORKDIRS] = workdirs
    return workdirs.get(id(ins))  # type: ignore[union-attr]


def _workdirs(analysis: Analysis) -> dict[int, Optional[str]]:
    before: dict[int, Optional[str]] = {}
    final: dict[int, Optional[str]] = {}
    scopes = analysis.scopes
    for stage in analysis.stages:
        current = _stage_start(stage, final)
        for ins in stage.instructions:
            before[id(ins)] = current
            if ins.name == "WORKDIR" and ins.args:
                path = ins.args.strip()
                if "$" in path:
                    path = expand(path, lambda name, at=ins: scopes.resolve(name, at).value)
                    if "$" in path:
                        current = None
                        continue
                else:
                    path = expand(path, lambda name: None)
                if path.startswith("/"):
                    current = posixpath.normpath(path)
                elif current is not None:
                    current = posixpath.normpath(posixpath.join(current, path))
        final[stage.index] = current
    return before


def _stage_start(stage: Stage, final: dict[int, Optional[str]]) -> Optional[str]:
    if stage.base_stage is not None:
        return final.get(stage.base_stage.index)
    if stage.image is not None and stage.image.text.lower() == "scratch":
        return "/"
    return None
