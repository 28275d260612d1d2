"""FromPlatformFlag (DL3029): ``FROM --platform`` with anything but the build's own platforms.

hadolint's reading: a platform is the builder's business, so a FROM may only say
``$BUILDPLATFORM`` (tools that run during the build) or ``$TARGETPLATFORM`` (the default,
spelled out). BuildKit's FromPlatformFlagConstDisallowed covers the constant case as a
warning; this rule also covers platforms from other variables, as a hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding
from ..registry import rule
from .common import found_at
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis


@rule("FromPlatformFlag", family=FAMILY, severity="hint", aliases=("DL3029",),
      summary="FROM --platform with a value other than $BUILDPLATFORM or $TARGETPLATFORM.")
def check_from_platform_flag(analysis: "Analysis") -> Iterator[Finding]:
    """A fixed or arbitrary platform pins the stage: a multi-platform build cannot vary it."""
    for stage in analysis.stages:
        flag = stage.platform
        if flag is None or not flag.value:
            continue
        if "BUILDPLATFORM" in flag.value or "TARGETPLATFORM" in flag.value:
            continue
        yield found_at("FromPlatformFlag",
                       f"--platform={flag.value} decides the platform in the Dockerfile: leave it to the "
                       "build (--platform on the command line), or use $BUILDPLATFORM for build tools.",
                       (flag.start, flag.end), stage.instruction)
