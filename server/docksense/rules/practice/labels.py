"""LABEL keys: InvalidLabelKey (DL3048).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator, Optional

from ...syntax.words import unquote
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

_LABEL_KEY_CHARS = re.compile(r"[0-9a-z._/-]*")


def _label_key_problem(key: str) -> Optional[str]:
    """Why a label key breaks Docker's key format recommendation (None when it does not)."""
    if not key[:1].isascii() or not key[:1].islower() or not key[:1].isalpha():
        return "should start with a lower-case letter"
    if not (key[-1].isascii() and (key[-1].islower() or key[-1].isdigit())):
        return "should end with a lower-case letter or a digit"
    if not _LABEL_KEY_CHARS.fullmatch(key):
        return "should use only lower-case letters, digits, '.', '-', '_' and '/'"
    if key.startswith(("com.docker.", "io.docker.", "org.dockerproject.")):
        return "uses a namespace reserved by Docker"
    if ".." in key or "--" in key:
        return "should not repeat separators ('..' or '--')"
    return None


@rule("InvalidLabelKey", family=FAMILY, severity="hint", aliases=("DL3048",),
      summary="A LABEL key that does not follow Docker's key format (lower-case, dotted namespace).")
def check_invalid_label_key(analysis: "Analysis") -> Iterator[Finding]:
    """Tools that read labels expect reverse-DNS keys in lower case (org.opencontainers.image.*)."""
    for ins in analysis.tree.instructions:
        if ins.name != "LABEL":
            continue
        for pair in ins.pairs:
            key = unquote(pair.key)
            if not key or key.startswith("$"):
                continue  # a key that is wholly a variable is known only at build time
            problem = _label_key_problem(key)
            if problem:
                yield found_at("InvalidLabelKey", f"Label key '{key}' {problem}.",
                               (pair.key_start, pair.key_end), ins)
