"""Whether a knowledge note applies to this line: a note that does not is not shown.

Knowledge notes are written for the general case ("inside a stage it is empty until declared
with a bare ``ARG TARGETOS``", "on Debian /bin/sh is dash"); here each such note is checked
against what the document says (the ARG is declared in this stage; the stage's base image is
Alpine, whose /bin/sh is BusyBox ash)."""

from __future__ import annotations

import re
from typing import Optional

from ...analysis import Analysis
from ...syntax import Instruction

_BARE_ARG = re.compile(r"empty until (?:you )?declared? (?:it )?with a bare `ARG (\w+)`")
_DASH = re.compile(r"/bin/sh is dash\b")
_SUDO = re.compile(r"\bwith sudo\b")
_BUSYBOX_IMAGES = frozenset({"alpine", "busybox"})


def note_applies(analysis: Analysis, ins: Instruction, note: str) -> bool:
    match = _BARE_ARG.search(note)
    if match is not None:
        return not _declared_here(analysis, ins, match.group(1))
    if _DASH.search(note):
        return _may_be_dash(analysis, ins)
    if _SUDO.search(note):
        return "sudo" in analysis.text[ins.start:ins.end]
    return True


def _declared_here(analysis: Analysis, ins: Instruction, name: str) -> bool:
    """``ARG NAME`` is in effect at ``ins`` (a predefined ARG declared in its stage)."""
    if analysis.stage_of(ins) is None:
        return True  # the global scope: predefined ARGs are visible there
    try:
        status = analysis.scopes.resolve(name, ins).status
    except Exception:  # noqa: BLE001 - the scopes are a refinement; keep the note
        return False
    return status in ("predefined", "arg", "global", "env")


def _may_be_dash(analysis: Analysis, ins: Instruction) -> bool:
    """The shell that runs ``ins`` can be dash: ``/bin/sh`` on a base that is not BusyBox-based."""
    shell = analysis.shell_for(ins)
    if not shell or shell[0] not in ("/bin/sh", "sh"):
        return False
    root = _root_image(analysis, ins)
    if root is None:
        return True
    # the tag as written, variables and all: ``golang:${GO_VERSION}-alpine`` is Alpine whatever the version
    name, _, tag = root.lower().rpartition(":") if ":" in root.rsplit("/", 1)[-1] else (root.lower(), "", "")
    name = name.rsplit("/", 1)[-1]
    return not (name in _BUSYBOX_IMAGES or re.search(r"(?:^|[-_.}])alpine", tag))


def _root_image(analysis: Analysis, ins: Instruction) -> Optional[str]:
    """The image the stage of ``ins`` starts from, following stages built on stages."""
    stage = analysis.stage_of(ins)
    seen = 0
    while stage is not None and stage.base_stage is not None and seen < 256:
        stage, seen = stage.base_stage, seen + 1
    if stage is None or stage.image is None:
        return None
    return stage.image.text
