"""Image references: registry, repository, tag, digest, and what the knowledge base says.

``FROM python:3.11-slim`` names the repository ``python`` (Docker Hub's ``library/python``)
with tag ``3.11-slim``: release line ``3.11``, variant ``slim``. The lifecycle lookup takes
the longest release line the tag belongs to (a tag belongs to line ``3.11`` when it equals it
or continues with a non-digit: ``3.11.9``, ``3.11-slim``; ``3.110`` does not).
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Optional

import attrs

from ..knowledge import Entry, KnowledgeBase, LifecycleLine

_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


@attrs.frozen
class ImageRef:
    """A parsed image reference (``[registry/]repository[:tag][@digest]``)."""

    raw: str
    registry: str  # "" for Docker Hub
    repository: str  # "python", "bitnami/redis", "dotnet/sdk"
    tag: str
    digest: str

    @property
    def full_name(self) -> str:
        """The name the knowledge base uses: ``python`` or ``mcr.microsoft.com/dotnet/sdk``."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    @property
    def has_variables(self) -> bool:
        return "$" in self.raw


def parse_image(raw: str) -> Optional[ImageRef]:
    """Split an image reference; None for an empty string."""
    text = raw.strip()
    if not text:
        return None
    name, _, digest = text.partition("@")
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    registry = ""
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, name = first, rest
    if registry in _DOCKER_HUB:
        registry = ""
    if not registry and name.startswith("library/"):
        name = name[len("library/") :]
    return ImageRef(raw=raw, registry=registry.lower(), repository=name, tag=tag, digest=digest)


@attrs.frozen
class ImageFacts:
    """What we know about one image reference."""

    ref: ImageRef
    entry: Optional[Entry]
    line: Optional[LifecycleLine]  # the release line the tag belongs to
    variants: tuple[tuple[str, str], ...]  # (tag word, variant key) pairs found in the tag

    def end_of_life(self, today: Optional[_dt.date] = None) -> Optional[_dt.date]:
        """The end-of-life date when it has passed (None when supported or unknown)."""
        if self.line is None:
            return None
        try:
            eol = _dt.date.fromisoformat(self.line.eol)
        except ValueError:
            return None
        today = today or _dt.date.today()
        return eol if eol <= today else None


def lookup_image(kb: KnowledgeBase, ref: ImageRef) -> ImageFacts:
    entry = kb.get("image", ref.full_name)
    if entry is None and not ref.registry:
        entry = kb.get("image", "library/" + ref.repository)
    if entry is None:
        return ImageFacts(ref, None, None, ())
    line = _release_line(entry, ref.tag)
    variants = []
    if ref.tag and entry.variants:
        for word in re.split(r"[-_]", ref.tag):
            key = _variant_key(entry, word)
            if key:
                variants.append((word, key))
    return ImageFacts(ref, entry, line, tuple(variants))


def _variant_key(entry: Entry, word: str) -> str:
    if word in entry.variants:
        return word
    for key, part in entry.variants.items():
        if word in part.aliases:
            return key
    # alpine3.20 -> alpine; windowsservercore-ltsc2022 handled by the split
    stripped = re.sub(r"[\d.]+$", "", word)
    if stripped and stripped != word and stripped in entry.variants:
        return stripped
    return ""


def _release_line(entry: Entry, tag: str) -> Optional[LifecycleLine]:
    if not tag or entry.lifecycle is None:
        return None
    best: Optional[LifecycleLine] = None
    for candidate in entry.lifecycle.lines:
        line = candidate.line
        belongs = tag == line or (tag.startswith(line) and not tag[len(line)].isdigit())
        if belongs and (best is None or len(line) > len(best.line)):
            best = candidate
    return best
