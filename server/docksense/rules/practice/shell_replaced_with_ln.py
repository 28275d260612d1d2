"""ShellReplacedWithLn (DL4005).
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

@rule("ShellReplacedWithLn", family=FAMILY, severity="warning", aliases=("DL4005",),
      summary="ln over /bin/sh to change the shell, where SHELL does it without touching the image.")
def check_shell_replaced_with_ln(analysis: "Analysis") -> Iterator[Finding]:
    """Relinking /bin/sh changes the shell of every program in the image, not just the build."""
    for run, cmd in model_of(analysis).runs_of("ln"):
        for word in cmd.args:
            if word.text == "/bin/sh":
                yield found_at("ShellReplacedWithLn",
                               "Replacing /bin/sh changes the shell for everything in the image: use "
                               "SHELL [\"/bin/bash\", \"-c\"] to change the shell of the build.",
                               cmd.span(word), run.top)
                break
