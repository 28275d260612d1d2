"""HadolintConfigInvalid: the project's ``.hadolint.yaml`` has a problem.

The file decides which rules run and how loud they are, so a mistake in it silently changes
what the editor and CI report. One diagnostic on the first line of the Dockerfile names the
file and lists its problems (a file that cannot be read at all applies none of its settings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..hadolint_config import project_config
from ..model import Finding
from ..registry import rule
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

_SHOWN = 3


@rule("HadolintConfigInvalid", family=FAMILY, severity="warning",
      summary="The project's .hadolint.yaml cannot be read, or has a setting with a wrong value.")
def check_hadolint_config_invalid(analysis: "Analysis") -> Iterator[Finding]:
    config = project_config(analysis)
    if not config.problems:
        return
    problems = list(config.problems)
    shown = "; ".join(problems[:_SHOWN]) + (f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else "")
    where = config.path.name if config.path is not None else ".hadolint.yaml"
    start = 1 if analysis.text.startswith("\ufeff") else 0
    end = analysis.lines.ends[0] if analysis.lines.ends else start
    yield Finding("HadolintConfigInvalid", f"{where} ({config.path}): {shown}.", start, max(start, end),
                  instruction_line=0)
