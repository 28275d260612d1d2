"""apk: the package index cache and pinning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding, Fix
from ..registry import rule
from .common import (
    found_at,
    insert_option,
)
from .model import FAMILY, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

@rule("ApkNoCache", family=FAMILY, severity="information", aliases=("DL3019",), fixable=True,
      summary="apk add without --no-cache leaves the package index in the layer.")
def check_apk_no_cache(analysis: "Analysis") -> Iterator[Finding]:
    """``--no-cache`` fetches a fresh index and keeps nothing: no ``--update``, no clean-up."""
    for run, cmd in model_of(analysis).runs_of("apk"):
        add = cmd.subcommand(("add",))
        # --no-network reads nothing from the network, so there is no index to keep
        if add is None or cmd.has_flag("no-cache", "no-network") or run.cache_mount_with("/var/cache/apk"):
            continue
        edit = insert_option(analysis, cmd, add, "--no-cache")
        fix = Fix("Add --no-cache", [edit], preferred=True, safe=True) if edit else None
        yield found_at("ApkNoCache",
                       "apk add keeps the package index in /var/cache/apk: add --no-cache (it also "
                       "makes '--update' and deleting the cache unnecessary).",
                       cmd.span(add), run.top, fix)


@rule("ApkPinVersions", family=FAMILY, severity="hint", aliases=("DL3018",),
      summary="A package installed with apk add without a version.")
def check_apk_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    for run, cmd in model_of(analysis).runs_of("apk"):
        add = cmd.subcommand(("add",))
        if add is None:
            continue
        for word in cmd.operands_after(add, ("t", "virtual", "repository", "X")):
            text = word.text
            if word.has_expansion or any(c in text for c in "=~<>") or text.endswith(".apk"):
                continue
            yield found_at("ApkPinVersions",
                           f"Package '{text}' has no version: pin it (apk add {text}=<version>) so "
                           "rebuilds install the same software.", cmd.span(word), run.top)
