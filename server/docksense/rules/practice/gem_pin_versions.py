"""GemPinVersions (DL3028).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ...analysis.shell import Word
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY, Cmd, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

_OPTION_VALUES = re.compile(r"true|false|yes|no|[0-9][0-9.]*")


def _gems(cmd: Cmd, install: Word) -> list[Word]:
    """The gems named after ``install``: words after ``--`` are options for the gem's build
    (``gem install pg -- --with-pg-config=...``), and a bare value after an option the
    knowledge base does not know (``--use-system-libraries true``) is that option's value."""
    words = list(cmd.args)
    limit = next((w.start for w in words if w.text == "--"), None)
    values = {id(words[i + 1]) for i, w in enumerate(words[:-1])
              if w.text.startswith("--") and "=" not in w.text and w.text != "--"
              and _OPTION_VALUES.fullmatch(words[i + 1].text)}
    return [w for w in cmd.operands_after(install)
            if (limit is None or w.start < limit) and id(w) not in values]


@rule("GemPinVersions", family=FAMILY, severity="hint", aliases=("DL3028",),
      summary="A gem installed with gem install without a version.")
def check_gem_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned gems make the image depend on the day it was built."""
    for run, cmd in model_of(analysis).runs_of("gem"):
        install = cmd.subcommand(("install", "i"))
        if install is None:
            continue
        texts = cmd.arg_texts()
        if "-v" in texts or "--version" in texts or any(t.startswith("--version=") for t in texts):
            continue
        for word in _gems(cmd, install):
            if word.has_expansion or ":" in word.text:
                continue
            yield found_at("GemPinVersions",
                           f"Gem '{word.text}' has no version: pin it (gem install {word.text}:<version>).",
                           cmd.span(word), run.top)
