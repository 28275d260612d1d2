"""InvalidDefaultArgInFrom: with its ARG defaults, a FROM image is not a valid reference (convert.go)."""

from __future__ import annotations

from typing import Iterator

from ...analysis.images import valid_reference
from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("InvalidDefaultArgInFrom", family=FAMILY, severity=SEVERITY,
      summary="With the default values of its ARGs, a FROM image is empty or not a valid image reference.")
def check_invalid_default_arg_in_from(analysis) -> Iterator[Finding]:
    """With the ARG defaults alone, the FROM image must still be a valid reference."""
    build = analysis.build
    if not build.meta_ok:
        return
    for info in build.stages:
        if info.image is None:
            continue
        expanded = build.expand_global(info.image.text)
        if expanded.error or expanded.value is None:
            return  # BuildKit abandons the check here
        if valid_reference(expanded.value):
            continue
        result = f"'{expanded.value}'" if expanded.value else "an empty name"
        if expanded.matched or expanded.unmatched:
            message = (f"With the default values of its ARGs, the base image '{info.image.text}' becomes "
                       f"{result}, which is not a valid image reference: give the ARG a default that makes "
                       f"a valid name, so the file also builds without --build-arg.")
        else:
            message = (f"'{info.image.text}' is not a valid image reference (names are lowercase; a tag "
                       f"follows ':' and a digest '@').")
        yield finding("InvalidDefaultArgInFrom", message, info.image.start, info.image.end, info.instruction)
