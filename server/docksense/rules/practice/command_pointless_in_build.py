"""CommandPointlessInBuild (DL3001).
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

_POINTLESS = {
    "free": "shows the build machine's memory, not the container's",
    "kill": "there are no processes of a running container to signal during a build",
    "mount": "needs privileges a build does not have; use RUN --mount",
    "ps": "shows build processes only",
    "service": "a service started in a RUN stops when the step ends",
    "shutdown": "there is no system to shut down in a build",
    "ssh": "a build should not depend on interactive remote sessions; use RUN --mount=type=ssh for keys",
    "top": "is interactive and never ends",
    "vim": "is an interactive editor",
}


@rule("CommandPointlessInBuild", family=FAMILY, severity="information", aliases=("DL3001",),
      summary="A command that makes no sense in a build step (service, vim, ps, ssh, kill ...).")
def check_command_pointless_in_build(analysis: "Analysis") -> Iterator[Finding]:
    """Interactive or system-management commands do nothing useful while building an image."""
    for run in model_of(analysis).runs:
        for cmd in run.cmds:
            reason = _POINTLESS.get(cmd.name)
            if reason is not None and cmd.name == cmd.words[0].text:
                yield found_at("CommandPointlessInBuild",
                               f"'{cmd.name}': {reason}.", cmd.span(cmd.words[0]), run.top)
