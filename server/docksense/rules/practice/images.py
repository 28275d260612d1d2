"""Base image tags: ImageTagLatest (DL3007), ImageUntagged (DL3006).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...analysis.images import parse_image
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

@rule("ImageTagLatest", family=FAMILY, severity="warning", aliases=("DL3007",),
      summary="A base image with the tag latest, which moves to a new release without notice.")
def check_image_tag_latest(analysis: "Analysis") -> Iterator[Finding]:
    """``latest`` changes whenever the image's maintainers publish: builds are not repeatable."""
    for stage in analysis.stages:
        word = stage.image
        if word is None or "$" in word.text:
            continue
        ref = parse_image(word.text)
        if ref is None or ref.tag != "latest" or ref.digest:
            continue
        start, end = word.start, word.end
        if word.raw == word.text:
            colon = word.text.rfind(":latest")
            start, end = word.start + colon + 1, word.start + colon + len(":latest")
        yield found_at("ImageTagLatest",
                       f"'{word.text}' follows the latest release, which changes without notice: pin a "
                       "version tag (and a digest for full reproducibility).",
                       (start, end), stage.instruction)


@rule("ImageUntagged", family=FAMILY, severity="warning", aliases=("DL3006",),
      summary="A base image without a tag, which means latest.")
def check_image_untagged(analysis: "Analysis") -> Iterator[Finding]:
    """No tag means ``latest``: the base image changes whenever a new release is published."""
    for stage in analysis.stages:
        word = stage.image
        if word is None or stage.base_stage is not None or "$" in word.text:
            continue
        ref = parse_image(word.text)
        if ref is None or ref.tag or ref.digest or ref.repository == "scratch":
            continue
        yield found_at("ImageUntagged",
                       f"'{word.text}' has no tag, so it means {word.text}:latest: pin a version tag.",
                       (word.start, word.end), stage.instruction)
