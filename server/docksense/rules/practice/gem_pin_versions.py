"""GemPinVersions (DL3028).
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
        for word in cmd.operands_after(install):
            if word.has_expansion or ":" in word.text:
                continue
            yield found_at("GemPinVersions",
                           f"Gem '{word.text}' has no version: pin it (gem install {word.text}:<version>).",
                           cmd.span(word), run.top)
