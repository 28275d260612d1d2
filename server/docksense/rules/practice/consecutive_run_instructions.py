"""ConsecutiveRunInstructions (DL3059).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.commands import is_posix_shell
from ...syntax import Instruction
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY, Run, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

def _run_flags(ins: Instruction) -> list[tuple[str, bool, str]]:
    """A RUN's flags in a comparable form (a flag without a value sorts apart from ``=``)."""
    return sorted((flag.name.lower(), flag.value is None, flag.value or "") for flag in ins.flags)


def _command_count(run: Run) -> Optional[int]:
    """Commands as hadolint counts them: a wrapper such as sudo is part of its command, and
    the script of ``sh -c`` is an argument.

    None under a PowerShell or cmd SHELL, whose scripts are not read.
    """
    if not is_posix_shell(run.shell) and run.run.json is None:
        return None
    wrapper_starts = {w.start for cmd in run.cmds for w in cmd.command.wrappers}
    return sum(1 for cmd in run.cmds
               if cmd.command.context != "sh -c"  # the script of `sh -c '...'` is one command's argument
               and not (cmd.words[0].start in wrapper_starts and cmd.loc.source != "exec"))


@rule("ConsecutiveRunInstructions", family=FAMILY, severity="hint", aliases=("DL3059",),
      summary="Short RUN instructions in a row that could be one RUN.")
def check_consecutive_run_instructions(analysis: "Analysis") -> Iterator[Finding]:
    """Each RUN makes a layer; two short steps in a row usually belong in one.

    As in hadolint, only RUNs of a single command each are flagged (a RUN that already chains
    commands was split on purpose), and RUNs with different flags (mounts, network) cannot be
    merged. Comments between them do not separate them; any other instruction does.
    """
    model = model_of(analysis)
    runs = {id(run.top): run for run in model.runs if not run.trigger}
    previous: Optional[Run] = None
    previous_count: Optional[int] = 0
    for ins in analysis.tree.instructions:
        run = runs.get(id(ins))
        if run is None:
            previous = None
            continue
        count = _command_count(run)
        if previous is not None and _run_flags(previous.run) == _run_flags(ins) and count is not None \
                and previous_count is not None and count <= 1 and previous_count <= 1:
            yield found_at("ConsecutiveRunInstructions",
                           "This RUN directly follows another single-command RUN: merge them with && "
                           "to save a layer.", (ins.keyword_start, ins.keyword_end), ins)
        previous, previous_count = run, count
