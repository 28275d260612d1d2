"""NpmPinVersions (DL3016).
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

def _npm_pinned(text: str) -> bool:
    """hadolint's npm ``versionFixed``: git URLs need a ``#ref``; tarballs and folders are
    fixed; otherwise ``@version`` after the package's ``@scope/``."""
    if text.startswith(("git://", "git+ssh://", "git+http://", "git+https://")):
        return "#" in text
    if text.endswith((".tar", ".tar.gz", ".tgz")) or text.startswith(("/", "./", "../", "~/")):
        return True
    name = text.split("/", 1)[1] if text.startswith("@") and "/" in text else text  # drop the @scope
    return "@" in name


@rule("NpmPinVersions", family=FAMILY, severity="hint", aliases=("DL3016",),
      summary="A package installed with npm install without a version.")
def check_npm_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built.

    ``npm install`` without packages installs from package.json and its lock file: fine.
    """
    for run, cmd in model_of(analysis).runs_of("npm"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        for word in cmd.operands_after(install, ("loglevel", "registry")):
            if word.has_expansion or word.text == "install" or _npm_pinned(word.text):
                continue
            yield found_at("NpmPinVersions",
                           f"Package '{word.text}' has no version: pin it (npm install "
                           f"{word.text}@<version>).", cmd.span(word), run.top)
