"""WorkdirRelativePath: the first WORKDIR of a stage (chain) is relative (convert.go)."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding

_WINDOWS_ABS = re.compile(r"^([A-Za-z]:)?[\\/]")


@rule("WorkdirRelativePath", family=FAMILY, severity=SEVERITY, aliases=("DL3000",),
      summary="The first WORKDIR of a stage is a relative path.")
def check_workdir_relative_path(analysis) -> Iterator[Finding]:
    """The first WORKDIR of a stage (chain) is relative: it depends on the base image."""
    for step in analysis.build.steps_of("WORKDIR"):
        if step.workdir_set:
            continue
        uses = step.uses_of("workdir")
        if not uses:
            continue
        use = uses[0]
        word = use.word
        path = use.value
        if path is None and not use.error and word is not None and word.text.startswith("/"):
            path = "/"
        if path is None or _is_abs(path, step.stage.windows):
            continue
        message = (f"WORKDIR '{path}' is relative and no absolute WORKDIR was set before it in this "
                   f"stage, so where it lands depends on the base image's working directory. Use an "
                   f"absolute path.")
        yield finding("WorkdirRelativePath", message, use.start, use.end, step.instruction)


def _is_abs(path: str, windows: Optional[bool]) -> bool:
    """system.IsAbs: ``/...`` on Linux; a drive-letter or ``\\`` path counts on Windows.

    For a stage whose OS the file does not say, a Windows-style absolute path is accepted
    rather than reported (it is only wrong on Linux).
    """
    if path.startswith("/"):
        return True
    if windows is False:
        return False
    match = _WINDOWS_ABS.match(path)
    if match is None:
        return False
    # BuildKit accepts only the system drive (C:) on Windows; unknown OS: do not guess
    return windows is None or not match.group(1) or match.group(1)[0] in "cC"
