"""RedundantTargetPlatform: ``FROM --platform=$TARGETPLATFORM`` (convert.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("RedundantTargetPlatform", family=FAMILY, severity=SEVERITY, fixable=True, aliases=("DL3065",),
      summary="FROM --platform=$TARGETPLATFORM sets the platform FROM uses anyway.")
def check_redundant_target_platform(analysis) -> Iterator[Finding]:
    """``FROM --platform=$TARGETPLATFORM``: the target platform is already the default."""
    build = analysis.build
    text = analysis.text
    for info in build.stages:
        flag = info.platform
        if flag is None or not flag.value:
            continue
        expanded = build.expand_global(flag.value)
        if expanded.error or expanded.unmatched or list(expanded.matched) != ["TARGETPLATFORM"]:
            continue
        if expanded.value != build.global_env.get("TARGETPLATFORM"):
            continue
        end = flag.end
        while end < len(text) and text[end] in " \t":
            end += 1
        # a global ARG TARGETPLATFORM may give it another default: then removing is not neutral
        overridden = "TARGETPLATFORM" in build.global_declared
        fix = Fix("Remove the redundant --platform flag", [Edit(flag.start, end, "")],
                  preferred=True, safe=not overridden)
        message = (f"--platform={flag.value} asks for the target platform, which FROM uses anyway: "
                   f"remove the flag.")
        yield finding("RedundantTargetPlatform", message, flag.start, flag.end, info.instruction, fix)
