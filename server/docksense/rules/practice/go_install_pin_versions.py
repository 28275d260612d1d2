"""GoInstallPinVersions (DL3062).
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

def _go_pinned(text: str) -> bool:
    """A local package, or a module with ``@version`` that is not ``@latest``/``@none``."""
    if text == "." or text.startswith(("/", ".")):
        return True
    return "@" in text and not text.endswith(("@latest", "@none"))


@rule("GoInstallPinVersions", family=FAMILY, severity="hint", aliases=("DL3062",),
      summary="go install, go get or go run of a module without a version.")
def check_go_install_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """``go install pkg`` without ``@version`` builds whatever is newest that day.

    ``go run`` is checked for its package argument only when it names a module path (not
    ``main.go``), as its other words are the program's arguments.
    """
    for run, cmd in model_of(analysis).runs_of("go"):
        sub = cmd.subcommand(("install", "get", "run"))
        if sub is None:
            continue
        packages = [w for w in cmd.operands_after(sub) if w.text != "tool"]
        if sub.text == "run":
            packages = [w for w in packages[:1] if not w.text.endswith(".go")]
        for word in packages:
            if word.has_expansion or _go_pinned(word.text):
                continue
            yield found_at("GoInstallPinVersions",
                           f"'{word.text}' has no version: write go {sub.text} {word.text}@<version> "
                           "(not @latest).", cmd.span(word), run.top)
