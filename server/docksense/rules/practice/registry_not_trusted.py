"""RegistryNotTrusted (DL3026): images pulled from a registry the project does not trust.

Active only when the project's ``.hadolint.yaml`` lists ``trustedRegistries``. As in
hadolint, the base image of every FROM, the image of ``COPY --from=`` and the image of a
``RUN --mount=...,from=`` are checked; names of earlier stages are not images, and images
without a registry come from Docker Hub (``docker.io`` or ``hub.docker.com`` trust them).
A pattern ``*.example.com`` matches any registry ending in ``.example.com``, ``*`` any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.images import parse_image
from ...syntax.words import unquote
from ..hadolint_config import project_config
from ..instructions import parse_mount
from ..model import Finding
from ..registry import rule
from .common import found_at
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

_HUB = ("docker.io", "hub.docker.com")


def registry_matches(pattern: str, registry: str) -> bool:
    """hadolint's ``matchRegistry``: ``*``, a ``*suffix``, a ``prefix*`` or the exact name."""
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return registry.endswith(pattern[1:])
    if pattern.endswith("*"):
        return registry.startswith(pattern[:-1])
    return registry == pattern


def untrusted_registry(image: str, trusted: tuple[str, ...]) -> Optional[str]:
    """The registry of ``image`` when no trusted pattern matches it (None: trusted)."""
    ref = parse_image(unquote(image))
    if ref is None or "$" in image:
        return None
    if not ref.registry:
        if ref.repository == "scratch":
            return None
        explicit = unquote(image).split("/", 1)[0]
        hubs = (explicit,) if explicit in _HUB else _HUB
        if any(registry_matches(p, hub) for p in trusted for hub in hubs):
            return None
        return explicit if explicit in _HUB else "docker.io"
    if any(registry_matches(p, ref.registry) for p in trusted):
        return None
    return ref.registry


def _message(image: str, registry: str, trusted: tuple[str, ...]) -> str:
    listed = ", ".join(trusted)
    return (f"'{image}' comes from {registry}, which is not among the project's trusted registries "
            f"({listed}, set in .hadolint.yaml): pull it through a trusted registry.")


@rule("RegistryNotTrusted", family=FAMILY, severity="warning", aliases=("DL3026",),
      summary="An image from a registry that .hadolint.yaml's trustedRegistries does not list.")
def check_registry_not_trusted(analysis: "Analysis") -> Iterator[Finding]:
    """A supply-chain policy: images come only from registries the project vetted."""
    trusted = project_config(analysis).trusted_registries
    if not trusted:
        return
    stages: set[str] = set()
    for stage in analysis.stages:
        word = stage.image
        if word is not None and word.text.lower() not in stages:
            registry = untrusted_registry(word.text, trusted)
            if registry is not None:
                yield found_at("RegistryNotTrusted", _message(word.text, registry, trusted),
                               (word.start, word.end), stage.instruction)
        if stage.key:
            stages.add(stage.key)
        for ins in stage.instructions:
            target = ins.trigger if ins.trigger is not None else ins
            for flag in target.flags:
                name = flag.name.lower()
                if not flag.value:
                    continue
                if name == "from" and target.name in ("COPY", "ADD"):
                    image = unquote(flag.value)
                    span = (flag.value_start, flag.value_end)
                elif name == "mount" and target.name == "RUN":
                    spec = parse_mount(flag.value)
                    if spec.type not in ("bind", "cache") or not spec.from_:
                        continue
                    image = spec.from_
                    span = (flag.start, flag.end)
                else:
                    continue
                if image.lower() in stages or image.isdigit():
                    continue
                registry = untrusted_registry(image, trusted)
                if registry is not None:
                    yield found_at("RegistryNotTrusted", _message(image, registry, trusted), span, ins)
