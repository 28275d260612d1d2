"""CdInsteadOfWorkdir (DL3003).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

@rule("CdInsteadOfWorkdir", family=FAMILY, severity="warning", aliases=("DL3003",),
      summary="cd in a RUN to change directory, where WORKDIR says it once for all instructions.")
def check_cd_instead_of_workdir(analysis: "Analysis") -> Iterator[Finding]:
    """``cd`` lasts for one RUN only; WORKDIR is visible and applies to what follows.

    A ``cd`` in a subshell, a command substitution or an ``sh -c`` script is deliberate and
    cannot leak, so it is not flagged; nor is a ``cd`` into a directory known only at run
    time (``cd "$(mktemp -d)"``, ``cd "$tempDir"``), which WORKDIR cannot name.
    """
    for run, cmd in model_of(analysis).runs_of("cd"):
        target = next((w for w in cmd.args if not w.text.startswith("-")), None)
        if target is not None and target.has_expansion:
            continue
        if cmd.command.context == "top":
            yield found_at("CdInsteadOfWorkdir",
                           "cd only lasts until the end of this RUN: set the directory with WORKDIR "
                           "(or use the command's own option, e.g. make -C, tar -C).",
                           cmd.span(cmd.words[0]), run.top)
