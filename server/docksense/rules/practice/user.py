"""USER: LastUserRoot (DL3002), UserNotNumeric (DL3066).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.commands import is_posix_shell
from ...analysis.shell import Word
from ...syntax import Instruction
from ...syntax.words import unquote
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

def _user_name(ins: Instruction) -> Optional[Word]:
    """The ``user[:group]`` word of a USER instruction."""
    return ins.words[0] if ins.words else None


_ROOT = re.compile(r"(?:root|0)(?::.*)?")


@rule("LastUserRoot", family=FAMILY, severity="warning", aliases=("DL3002",),
      summary="The image's last USER is root, so its containers run as root.")
def check_last_user_root(analysis: "Analysis") -> Iterator[Finding]:
    """A container running as root turns any escape from the application into root access.

    Every stage is checked, as hadolint does: a stage that ends as root is an image that
    runs as root as soon as someone builds it with ``--target``, and a builder that needs
    root can say so with a ``# hadolint ignore=DL3002`` where that is deliberate.
    """
    for stage in analysis.stages:
        last: Optional[tuple[Word, Instruction]] = None
        for ins in stage.instructions:
            if ins.name == "USER":
                word = _user_name(ins)
                if word is not None and _ROOT.fullmatch(unquote(word.text)):
                    last = (word, ins)
                else:
                    last = None
        if last is not None:
            word, ins = last
            yield found_at("LastUserRoot",
                           f"The last USER of {stage.label} is root: switch to an unprivileged user once "
                           "the steps that need root are done.", (word.start, word.end), ins)


_WINDOWS_IMAGE = re.compile(r"(?:^|/)(?:windows|nanoserver|servercore|windowsservercore)(?:[/:-]|$)"
                            r"|^mcr\.microsoft\.com/windows", re.IGNORECASE)


def windows_stage(analysis: "Analysis", ins: Instruction) -> bool:
    """Whether ``ins`` runs in a Windows image: a Windows base image (through base stages)
    or a PowerShell / cmd SHELL."""
    if not is_posix_shell(analysis.shell_for(ins)):
        return True
    stage = analysis.stage_of(ins)
    seen = 0
    while stage is not None and stage.base_stage is not None and seen < 10_000:
        stage, seen = stage.base_stage, seen + 1
    image = stage.image.text if stage is not None and stage.image is not None else ""
    return bool(_WINDOWS_IMAGE.search(image))


@rule("UserNotNumeric", family=FAMILY, severity="hint", aliases=("DL3066",),
      summary="USER given by name: the host cannot check a name against runAsNonRoot policies.")
def check_user_not_numeric(analysis: "Analysis") -> Iterator[Finding]:
    """Kubernetes' ``runAsNonRoot`` and similar checks can only verify a numeric UID; a
    name is resolved inside the image at start-up. A variable counts as numeric when it is a
    declared ARG, as in hadolint. Windows images are left alone: their users
    (``ContainerUser``, ``ContainerAdministrator``) have names, not numeric IDs."""
    args: set[str] = set()
    for ins in analysis.tree.instructions:
        if ins.name == "ARG":
            args.update(pair.key for pair in ins.pairs)
            continue
        if ins.name != "USER":
            continue
        word = _user_name(ins)
        if word is None:
            continue
        uid = unquote(word.text).split(":", 1)[0]
        if uid.isdigit() or windows_stage(analysis, ins):
            continue
        if any(f"${{{name}}}" in uid or f"${name}" in uid for name in args):
            continue
        yield found_at("UserNotNumeric",
                       f"USER '{uid}' is a name: give the numeric UID (e.g. USER 1000) so the container "
                       "runtime can verify the user is not root.", (word.start, word.end), ins)
