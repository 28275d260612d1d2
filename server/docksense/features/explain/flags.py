"""Flags and their values: ``--mount`` options, ``--network``/``--security`` values,
``--platform``, ``--from``, ``--chown``/``--chmod``, HEALTHCHECK durations."""

from __future__ import annotations

import re
from typing import Optional

from ...analysis import Analysis
from ...analysis.stages import stage_named
from ...knowledge import KnowledgeBase, find_part
from ...syntax import Flag, Instruction
from .. import markdown as md
from .instructions import stage_reference
from .model import Explanation
from .paths import path_explanation

_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def flag_explanations(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    out: list[Explanation] = []
    for flag in ins.flags:
        entry = kb.get("flag", "--" + flag.name, ins.name)
        if entry is None:
            continue  # not a flag of this instruction: the checks say so
        # the whole ``--name=value``: a hover on a value nothing more specific explains (``30s``)
        # gets the flag's own explanation, which states the value
        end = flag.value_end if flag.value is not None and flag.value_end > flag.name_end else flag.name_end
        head = Explanation.from_knowledge(flag.name_start, end, "--" + flag.name,
                                          f"flag of {ins.name}", entry)
        if flag.value is not None:
            head.specifics.append(f"Value here: {md.code(flag.value)}.")
        out.append(head)
        if flag.value is None or flag.value_start < 0:
            continue
        name = flag.name.lower()
        if name == "mount":
            out.extend(_mount_options(analysis, kb, ins, flag))
        elif entry.values:
            found = find_part(entry.values, flag.value, case_sensitive=False)
            if found is not None:
                out.append(Explanation.from_knowledge(flag.value_start, flag.value_end, flag.value,
                                                      f"value of --{flag.name}", entry, found[1]))
        elif name == "from":
            explanation = _from_value(analysis, kb, ins, flag)
            if explanation is not None:
                out.append(explanation)
        elif name in ("interval", "timeout", "start-period", "start-interval"):
            seconds = parse_duration(flag.value)
            if seconds is not None:
                head.specifics.append(f"{md.code(flag.value)} = {_human(seconds)}.")
        elif name == "chmod":
            mode = _mode(flag.value)
            if mode:
                head.specifics.append(f"{md.code(flag.value)} = {mode}.")
        elif name == "chown":
            user, _, group = flag.value.partition(":")
            head.specifics.append(f"Owner user {md.code(user)}" + (f", group {md.code(group)}." if group else "."))
        elif name == "platform":
            head.specifics.append(_platform_line(flag.value))
    return out


def parse_duration(text: str) -> Optional[float]:
    """Go's time.ParseDuration, in seconds (None when invalid)."""
    if text in ("0",):
        return 0.0
    if not text or len(text) > 64:  # no real duration is longer; a digit run must not cost more
        return None
    total = 0.0
    at = 0
    while at < len(text):  # one left-to-right scan: number, then unit, repeated
        start = at
        while at < len(text) and (text[at].isascii() and text[at].isdigit() or text[at] == "."):
            at += 1
        number = text[start:at]
        if not number or number == "." or number.count(".") > 1:
            return None
        unit_start = at
        while at < len(text) and not (text[at].isascii() and (text[at].isdigit() or text[at] == ".")):
            at += 1
        unit = text[unit_start:at]
        if unit not in _DURATION_UNITS:
            return None
        total += float(number) * _DURATION_UNITS[unit]
    return total


def _human(seconds: float) -> str:
    if seconds == 0:
        return "0 (the default is used)"
    if seconds < 1:
        return f"{seconds * 1000:g} ms"
    if seconds < 120:
        return f"{seconds:g} seconds"
    return f"{seconds / 60:g} minutes"


def _mode(text: str) -> str:
    if not re.fullmatch(r"0?[0-7]{3,4}", text):
        return ""
    digits = text[-3:]
    letters = "".join(("r" if int(d) & 4 else "-") + ("w" if int(d) & 2 else "-") + ("x" if int(d) & 1 else "-")
                      for d in digits)
    return f"`{letters}` (owner, group, others)"


def _platform_line(value: str) -> str:
    if "$" in value:
        return ("Uses a variable: `$BUILDPLATFORM` runs this stage natively on the builder (for cross-compiling), "
                "`$TARGETPLATFORM` on the platform being built.") if "BUILDPLATFORM" in value or "TARGETPLATFORM" in value \
            else "Uses a variable resolved from the global build arguments."
    return f"Fixed to {md.code(value)}: this stage is built for that platform whatever `--platform` the build gets."


def _from_value(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, flag: Flag) -> Optional[Explanation]:
    value = flag.value or ""
    stage = analysis.stage_of(ins)
    before = stage.index if stage is not None else None
    target = stage_named(analysis.stages, value, before)
    if target is not None:
        return stage_reference(analysis, target, flag.value_start, flag.value_end, value)
    if "$" in value:
        return None
    return Explanation(flag.value_start, flag.value_end, value, "image or named context",
                       summary="No earlier stage has this name, so it names an image (or a build context "
                               "passed with `--build-context`).",
                       docs="https://docs.docker.com/reference/dockerfile/#copy---from")


def _split_csv(value: str) -> list[tuple[str, int, int]]:
    """Comma-separated fields of a mount spec with offsets (double quotes respected)."""
    out = []
    start = 0
    quote = False
    for index, ch in enumerate(value):
        if ch == '"':
            quote = not quote
        elif ch == "," and not quote:
            out.append((value[start:index], start, index))
            start = index + 1
    out.append((value[start:], start, len(value)))
    return [f for f in out if f[0]]


def _mount_options(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, flag: Flag) -> list[Explanation]:
    value = flag.value or ""
    source = analysis.text[flag.value_start:flag.value_end]
    if source.startswith('"') and source.endswith('"') and len(source) >= 2:
        base = flag.value_start + 1
    elif source == value:
        base = flag.value_start
    else:
        return []  # escapes shift offsets: better nothing than a wrong range
    fields = _split_csv(value)
    mount_type = "bind"
    for text, _, _ in fields:
        key, _, val = text.partition("=")
        if key.strip().lower() == "type":
            mount_type = val.strip().lower()
    mount_entry = kb.get("mount", mount_type)
    flag_entry = kb.get("flag", "--mount", "RUN")
    out: list[Explanation] = []
    for text, start, end in fields:
        key, eq, val = text.partition("=")
        key_start, key_end = base + start, base + start + len(key)
        if key.lower() == "type":
            type_part = find_part(flag_entry.options, "type") if flag_entry else None
            if type_part is not None:
                out.append(Explanation.from_knowledge(key_start, key_end, key, "mount option", flag_entry, type_part[1]))
            if eq and mount_entry is not None:
                out.append(Explanation.from_knowledge(key_end + 1, base + end, val, "mount type", mount_entry))
            continue
        if mount_entry is None:
            continue
        found = find_part(mount_entry.options, key.lower())
        if found is None:
            continue
        option_name, part = found
        out.append(Explanation.from_knowledge(key_start, key_end, key, f"option of a {mount_type} mount",
                                              mount_entry, part))
        if not eq:
            continue
        val_start, val_end = key_end + 1, base + end
        if part.values:
            value_part = find_part(part.values, val, case_sensitive=False)
            if value_part is not None:
                out.append(Explanation.from_knowledge(val_start, val_end, val, f"value of {option_name}",
                                                      mount_entry, value_part[1]))
        elif option_name == "from":
            stage = analysis.stage_of(ins)
            target = stage_named(analysis.stages, val, stage.index if stage else None)
            if target is not None:
                out.append(stage_reference(analysis, target, val_start, val_end, val))
        elif option_name == "target":
            known = path_explanation(kb, val, val_start, val_end)
            if known is not None:
                out.append(known)
    return out
