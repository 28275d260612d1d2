"""SudoInRun (DL3004).
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

@rule("SudoInRun", family=FAMILY, severity="warning", aliases=("DL3004",),
      summary="sudo in a RUN: build steps run as the USER already, and sudo adds a TTY-dependent layer.")
def check_sudo_in_run(analysis: "Analysis") -> Iterator[Finding]:
    """sudo needs configuration, may prompt, and hides which user a step runs as."""
    for run, cmd in model_of(analysis).runs_of("sudo"):
        yield found_at("SudoInRun",
                       "Do not use sudo in a build: switch with USER root before the step (and back "
                       "after), or use gosu/su-exec at run time.", cmd.span(cmd.words[0]), run.top)
