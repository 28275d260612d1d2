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


# ---------------------------------------------------------------------------------------------
# Reference validity (distribution/reference ParseNormalizedNamed), for FROM lines
# ---------------------------------------------------------------------------------------------

_REF_ALNUM = r"[a-z0-9]+"
_REF_SEP = r"(?:[._]|__|[-]+)"
_REF_PATH = _REF_ALNUM + r"(?:" + _REF_SEP + _REF_ALNUM + r")*"
_REF_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_REF_DOMAIN = (r"(?:" + _REF_DOMAIN_PART + r"(?:\." + _REF_DOMAIN_PART + r")*|\[(?:[a-fA-F0-9:]+)\])"
               r"(?::[0-9]+)?")
_REFERENCE = re.compile(
    r"^((?:" + _REF_DOMAIN + r"/)?" + _REF_PATH + r"(?:/" + _REF_PATH + r")*)"
    r"(?::([\w][\w.-]{0,127}))?"
    r"(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
    re.ASCII,
)
_NAME_ONLY = re.compile(r"^(?:(" + _REF_DOMAIN + r")/)?(" + _REF_PATH + r"(?:/" + _REF_PATH + r")*)$", re.ASCII)
_DIGEST_SIZES = {"sha256": 64, "sha384": 96, "sha512": 128}
_MAX_REFERENCE = 4096  # longer than any registry accepts; not worth matching


def valid_reference(ref: str) -> bool:
    """Whether distribution/reference.ParseNormalizedNamed accepts ``ref`` (a FROM image)."""
    if len(ref) > _MAX_REFERENCE or re.fullmatch(r"[a-f0-9]{64}", ref):
        return False
    first, slash, rest = ref.partition("/")
    if not slash:
        domain, remainder = "docker.io", "library/" + ref
    elif first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        domain, remainder = first, rest
    else:
        domain, remainder = "docker.io", ref
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in remainder:
        remainder = "library/" + remainder
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return False
    match = _REFERENCE.match(domain + "/" + remainder)
    if match is None:
        return False
    name_match = _NAME_ONLY.match(match.group(1))
    path = name_match.group(2) if name_match else match.group(1)
    if len(path) > 255:
        return False
    digest = match.group(3)
    if digest:
        algorithm, _, encoded = digest.partition(":")
        size = _DIGEST_SIZES.get(algorithm)
        if size is None or len(encoded) != size or not re.fullmatch(r"[a-f0-9]+", encoded):
            return False
    return True
