"""wget and curl: WgetAndCurl (DL4001), WgetProgressBar (DL3047).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ..model import Finding, Fix
from ..registry import rule
from .common import (
    found_at,
    insert_option,
)
from .model import FAMILY, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

@rule("WgetAndCurl", family=FAMILY, severity="warning", aliases=("DL4001",),
      summary="A stage uses both wget and curl: one download tool is enough.")
def check_wget_and_curl(analysis: "Analysis") -> Iterator[Finding]:
    """Installing two tools that do the same job makes the image bigger for nothing.

    As in hadolint, once a stage has used both, every later RUN that uses either is flagged;
    the finding points at the tool other than the one the stage used first.
    """
    current: Optional[object] = None
    seen: list[str] = []
    for run in model_of(analysis).runs:
        if run.trigger:
            continue
        if run.stage is not current:
            current, seen = run.stage, []
        used = [cmd for cmd in run.cmds if cmd.name in ("curl", "wget") and cmd.name == cmd.words[0].text]
        if not used:
            continue
        for cmd in used:
            if cmd.name not in seen:
                seen.append(cmd.name)
        if len(seen) < 2:
            continue
        other = next((cmd for cmd in used if cmd.name == seen[1]), used[0])
        yield found_at("WgetAndCurl",
                       f"This stage uses both {seen[0]} and {seen[1]}: pick one download tool.",
                       other.span(other.words[0]), run.top)


@rule("WgetProgressBar", family=FAMILY, severity="information", aliases=("DL3047",), fixable=True,
      summary="wget without --progress or -q floods the build log with progress lines.")
def check_wget_progress_bar(analysis: "Analysis") -> Iterator[Finding]:
    """Without a terminal wget prints a dot line per few kilobytes: huge logs for big files."""
    for run, cmd in model_of(analysis).runs_of("wget"):
        if cmd.has_flag("progress", "q", "quiet", "o", "output-file", "a", "append-output", "no-verbose") \
                or "-nv" in cmd.arg_texts():
            continue
        program = cmd.words[0]
        edit = insert_option(analysis, cmd, program, "--progress=dot:giga")
        fix = Fix("Add --progress=dot:giga", [edit], safe=False) if edit else None
        yield found_at("WgetProgressBar",
                       "wget's progress output fills the build log: add --progress=dot:giga, or -nv "
                       "or -q (BusyBox wget knows only -q).", cmd.span(program), run.top, fix)
