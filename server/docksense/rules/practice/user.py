"""USER: LastUserRoot (DL3002), UserNotNumeric (DL3066).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.shell import Word
from ...syntax import Instruction
from ...syntax.words import unquote
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY, model_of

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

    Only stages that end up in an image are checked (the last stage and stages others are
    built FROM); a builder stage may well end as root.
    """
    model = model_of(analysis)
    for stage in analysis.stages:
        if stage.index not in model.shipped:
            continue
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
                           "The last USER of the image is root: switch to an unprivileged user once "
                           "the steps that need root are done.", (word.start, word.end), ins)


@rule("UserNotNumeric", family=FAMILY, severity="hint", aliases=("DL3066",),
      summary="USER given by name: the host cannot check a name against runAsNonRoot policies.")
def check_user_not_numeric(analysis: "Analysis") -> Iterator[Finding]:
    """Kubernetes' ``runAsNonRoot`` and similar checks can only verify a numeric UID; a
    name is resolved inside the image at start-up. A variable counts as numeric when it is a
    declared ARG, as in hadolint."""
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
        if uid.isdigit():
            continue
        if any(f"${{{name}}}" in uid or f"${name}" in uid for name in args):
            continue
        yield found_at("UserNotNumeric",
                       f"USER '{uid}' is a name: give the numeric UID (e.g. USER 1000) so the container "
                       "runtime can verify the user is not root.", (word.start, word.end), ins)
