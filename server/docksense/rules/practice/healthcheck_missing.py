"""HealthcheckMissing (DL3057): an image without a HEALTHCHECK (off by default, as in hadolint).

Followed through stage inheritance exactly as hadolint does: a stage built FROM a stage that
has a HEALTHCHECK has one too, and a HEALTHCHECK (``NONE`` included: a deliberate choice)
in a stage also settles the stages it is built on. Every stage left without one is
reported at its FROM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding
from ..registry import rule
from .common import found_at
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis


def image_name(text: str) -> str:
    """hadolint's ``imageName``: the reference without its tag or digest."""
    name = text.split("@", 1)[0]
    colon, slash = name.rfind(":"), name.rfind("/")
    return name[:colon] if colon > slash else name


@rule("HealthcheckMissing", family=FAMILY, severity="off", aliases=("DL3057",),
      summary="A stage with no HEALTHCHECK, neither its own nor one it inherits.")
def check_healthcheck_missing(analysis: "Analysis") -> Iterator[Finding]:
    """Orchestrators use HEALTHCHECK to tell a running container from a working one."""
    stages = analysis.stages
    sources = [image_name(s.image.text) if s.image is not None else "" for s in stages]
    names = [s.name.text if s.name is not None else sources[i] for i, s in enumerate(stages)]
    good: set[int] = set()
    bad: set[int] = set()
    for index, stage in enumerate(stages):
        if any(names[g] == sources[index] for g in good):
            good.add(index)
        else:
            bad.add(index)
        if not any(ins.name == "HEALTHCHECK" for ins in stage.instructions):
            continue
        # this stage and, recursively, the stages it is built on
        frontier = [index]
        good.add(index)
        bad.discard(index)
        while frontier:
            current = frontier.pop()
            for other in [b for b in bad if names[b] == sources[current]]:
                bad.discard(other)
                good.add(other)
                frontier.append(other)
    for index in sorted(bad):
        stage = stages[index]
        ins = stage.instruction
        yield found_at("HealthcheckMissing",
                       f"{stage.label} has no HEALTHCHECK: add one (or HEALTHCHECK NONE to say it needs "
                       "none) so the container's health can be monitored.",
                       (ins.keyword_start, ins.keyword_end), ins)
