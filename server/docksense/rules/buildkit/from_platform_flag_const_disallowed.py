"""FromPlatformFlagConstDisallowed: ``FROM --platform=linux/amd64`` (convert.go)."""

from __future__ import annotations

from typing import Iterator

from ...analysis.platforms import parse_platform
from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("FromPlatformFlagConstDisallowed", family=FAMILY, severity=SEVERITY,
      summary="FROM --platform uses a constant platform such as linux/amd64.")
def check_from_platform_flag_const(analysis) -> Iterator[Finding]:
    """``FROM --platform=linux/amd64``: pins the stage, so multi-platform builds cannot vary it."""
    for info in analysis.build.stages:
        flag = info.platform
        if flag is None or not flag.value or info.platform_value is None:
            continue
        parsed = parse_platform(info.platform_value)
        if parsed is None:
            continue
        if parsed.os in info.name or parsed.arch in info.name:
            continue  # a stage named after its platform is platform-specific on purpose
        message = (f"--platform={info.platform_value} pins this stage to one platform, so a multi-platform "
                   f"build cannot build it for its other targets. Use a platform ARG ($BUILDPLATFORM for "
                   f"build tools, $TARGETPLATFORM is the default), or name the stage after the platform if "
                   f"it is meant to be platform-specific.")
        yield finding("FromPlatformFlagConstDisallowed", message, flag.start, flag.end, info.instruction)
