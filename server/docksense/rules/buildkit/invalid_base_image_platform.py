"""InvalidBaseImagePlatform: ``--platform`` against a platform the file itself fixes (convert.go).

Decidable offline only when a constant ``--platform`` contradicts a base *stage* pinned to
another platform, or a Docker Hub per-architecture repository (``arm64v8/alpine``).
"""

from __future__ import annotations

from typing import Iterator, Optional

from ...analysis.build import BuildModel
from ...analysis.platforms import namespace_platform, parse_platform
from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("InvalidBaseImagePlatform", family=FAMILY, severity=SEVERITY,
      summary="FROM --platform asks for a platform that the base the file names cannot provide.")
def check_invalid_base_image_platform(analysis) -> Iterator[Finding]:
    """A constant ``--platform`` that contradicts a platform the file itself fixes elsewhere."""
    build = analysis.build
    for info in build.stages:
        flag = info.platform
        if flag is None or info.platform_value is None:
            continue
        expected = parse_platform(info.platform_value)
        if expected is None:
            continue
        if info.base_index is not None:
            actual, source = _stage_platform(build, info.base_index)
            if actual is None or actual[:2] == expected[:2]:
                continue
            message = (f"--platform={info.platform_value} has no effect here: this stage builds on stage "
                       f"'{source}', which is pinned to {actual[0]}/{actual[1]}, and BuildKit keeps that "
                       f"platform. Set the platform on the base stage, or use an image as the base.")
        else:
            namespace = namespace_platform(info.base_name)
            if namespace is None or namespace == expected[:2]:
                continue
            message = (f"--platform={info.platform_value} does not match '{info.base_name}', which only "
                       f"exists for {namespace[0]}/{namespace[1]}: the build gets an image for the wrong "
                       f"platform (or fails to resolve it). Use the multi-platform repository or change "
                       f"--platform.")
        yield finding("InvalidBaseImagePlatform", message, flag.start, flag.end, info.instruction)


def _stage_platform(build: BuildModel, index: int) -> tuple[Optional[tuple[str, ...]], str]:
    """The platform a stage is pinned to by a constant --platform (following its bases)."""
    seen = 0
    current: Optional[int] = index
    while current is not None and seen <= len(build.stages):
        info = build.stages[current]
        if info.base_index is not None:
            current = info.base_index
            seen += 1
            continue
        if info.platform_value is not None:
            return parse_platform(info.platform_value), build.stages[index].name or f"stage {index}"
        namespace = namespace_platform(info.base_name)
        if namespace is not None:
            return (namespace[0], namespace[1], ""), build.stages[index].name or f"stage {index}"
        return None, ""
    return None, ""
