"""Document links: images to their registry page, ``# syntax=`` frontends, rule codes to docs.

* ``FROM``, ``COPY --from=<image>`` and ``RUN --mount=from=<image>`` image names link to the
  registry's page for the repository (Docker Hub official ``_/name`` and user ``r/ns/name``
  pages, ghcr.io, quay.io, mcr.microsoft.com, gcr.io, public.ecr.aws); a Docker Hub tag also
  links to the tag list filtered by that tag. Build stages get no link (they are names in
  this file: go-to-definition takes you there), nor does ``scratch``.
* ``# syntax=docker/dockerfile:1`` links the frontend image the same way.
* Rule codes in ``# check=skip=...``/``experimental=...`` (the directive and instruction
  comments) and ``# hadolint [global] ignore=...`` link to the rule's docs page: the rule
  registry's page for rules docksense knows, hadolint's wiki for other DL codes,
  ShellCheck's wiki for SC codes.

Nothing is fetched: links are computed from the text alone.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import quote

from lsprotocol import types

from ..analysis import Analysis
from ..analysis.images import parse_image
from ..analysis.scopes import expand
from .occurrences import from_values
from .spans import ranges

_SHELLCHECK_WIKI = "https://www.shellcheck.net/wiki/{code}"
_HADOLINT_WIKI = "https://github.com/hadolint/hadolint/wiki/{code}"
_GCR_REGIONS = {"gcr.io": "global", "us.gcr.io": "us", "eu.gcr.io": "eu", "asia.gcr.io": "asia"}

_CHECK = re.compile(r"\s*check\s*=\s*", re.IGNORECASE)
_HADOLINT = re.compile(r"hadolint[ \t]+(?:global[ \t]+)?ignore[ \t]*=[ \t]*")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


# -- registry pages -----------------------------------------------------------------------------
def registry_page(reference: str) -> Optional[str]:
    """The web page of an image repository, or None for a registry without known pages."""
    ref = parse_image(reference)
    if ref is None or not ref.repository or "$" in reference:
        return None
    repository = ref.repository
    if not re.fullmatch(r"[a-z0-9][a-z0-9._/-]*", repository):
        return None
    registry = ref.registry
    parts = repository.split("/")
    if registry == "":
        if repository == "scratch":
            return None
        if len(parts) == 1:
            return f"https://hub.docker.com/_/{repository}"
        return f"https://hub.docker.com/r/{repository}"
    if registry == "ghcr.io" and len(parts) >= 2:
        owner, repo = parts[0], parts[1]
        package = "/".join(parts[1:])
        return f"https://github.com/{owner}/{repo}/pkgs/container/{quote(package, safe='')}"
    if registry == "quay.io" and len(parts) >= 2:
        return f"https://quay.io/repository/{repository}"
    if registry == "mcr.microsoft.com":
        return f"https://mcr.microsoft.com/artifact/mar/{repository}"
    if registry in _GCR_REGIONS and len(parts) >= 2:
        return f"https://console.cloud.google.com/gcr/images/{parts[0]}/{_GCR_REGIONS[registry]}/{'/'.join(parts[1:])}"
    if registry == "public.ecr.aws" and len(parts) >= 2:
        return f"https://gallery.ecr.aws/{repository}"
    return None


def _image_links(reference: str, start: int, end: int) -> list[tuple[int, int, str, str]]:
    """(start, end, target, tooltip) for an image word at ``start``: the name links to the
    repository page, a Docker Hub tag to its tag list."""
    page = registry_page(reference)
    if page is None:
        return []
    ref = parse_image(reference)
    assert ref is not None
    name_end = end
    tag_at = -1
    if ref.digest:
        name_end = start + reference.index("@")
    if ref.tag:
        tag_at = reference.rfind(":" + ref.tag, 0, name_end - start)
        if tag_at >= 0:
            name_end = start + tag_at
    out = [(start, name_end, page, f"Open {ref.full_name} on its registry")]
    if ref.tag and tag_at >= 0 and not ref.registry:
        tag_start = start + tag_at + 1
        out.append((tag_start, tag_start + len(ref.tag), f"{page}/tags?name={quote(ref.tag, safe='')}",
                    f"Tags of {ref.full_name} matching {ref.tag}"))
    return out


# -- rule codes ---------------------------------------------------------------------------------
def rule_page(code: str) -> Optional[str]:
    """The docs page of a rule name or alias (DL/SC codes included)."""
    try:
        from ..rules import RULES, canonical
    except Exception:  # the rules failed to import: still link what we can
        RULES, canonical = {}, (lambda name: None)  # type: ignore[assignment]
    name = canonical(code)
    if name is not None:
        url = getattr(RULES[name], "docs_url", "")
        if url:
            return url
    upper = code.upper()
    if re.fullmatch(r"SC\d{4}", upper):
        return _SHELLCHECK_WIKI.format(code=upper)
    if re.fullmatch(r"DL\d{4}", upper):
        return _HADOLINT_WIKI.format(code=upper)
    return None


def _code_links(text: str, start: int, end: int) -> list[tuple[int, int, str, str]]:
    """Links for each code in the comma-separated list ``text[start:end]``."""
    out = []
    for match in _NAME.finditer(text, start, end):
        code = match.group(0)
        if code.lower() == "all":
            continue
        page = rule_page(code)
        if page is not None:
            out.append((match.start(), match.end(), page, f"Docs of {code}"))
    return out


def _check_value_links(text: str, value_start: int, value_end: int) -> list[tuple[int, int, str, str]]:
    """``skip=A,B;experimental=C``: the names after ``skip=`` and ``experimental=``."""
    out = []
    stop = text.find(" ", value_start, value_end)  # BuildKit reads up to the first space
    stop = value_end if stop < 0 else stop
    pos = value_start
    while pos < stop:
        part_end = text.find(";", pos, stop)
        part_end = stop if part_end < 0 else part_end
        key, sep, _ = text[pos:part_end].partition("=")
        if sep and key.strip().lower() in ("skip", "experimental"):
            out.extend(_code_links(text, pos + len(key) + 1, part_end))
        pos = part_end + 1
    return out


# -- the request ----------------------------------------------------------------------------------
def document_links(analysis: Analysis, encoding: str = "utf-16") -> list[types.DocumentLink]:
    text = analysis.text
    found: list[tuple[int, int, str, str]] = []
    tree = analysis.tree
    syntax = tree.directive("syntax")
    if syntax is not None:
        found.extend(_image_links(syntax.value, syntax.value_start, syntax.value_end))
    check = tree.directive("check")
    if check is not None:
        found.extend(_check_value_links(text, check.value_start, check.value_end))
    for comment in tree.comments:
        body_start = text.find("#", comment.start, comment.end) + 1
        body = text[body_start:comment.end]
        lead = len(body) - len(body.lstrip())
        match = _HADOLINT.match(body, lead)
        if match:
            found.extend(_code_links(text, body_start + match.end(), comment.end))
            continue
        match = _CHECK.match(body)
        if match:
            found.extend(_check_value_links(text, body_start + match.end(), comment.end))
    global_args = analysis.scopes.global_args
    lookup = (lambda name: global_args[name].value if name in global_args else None)
    stage_keys = {stage.key for stage in analysis.stages if stage.key}
    for stage in analysis.stages:
        if stage.image is not None and stage.base_stage is None:
            word = stage.image
            reference = expand(word.text, lookup) if "$" in word.text else word.text
            if "$" in reference:
                continue
            if reference == word.text:
                found.extend(_image_links(reference, word.start, word.end))
            else:
                page = registry_page(reference)
                if page is not None:
                    found.append((word.start, word.end, page, f"Open {reference} on its registry"))
        for ins in stage.instructions[1:]:
            found.extend(_from_flag_links(text, ins, stage_keys))
    found.sort()
    return [
        types.DocumentLink(range=ranges(analysis, encoding).range(start, end), target=target, tooltip=tooltip)
        for start, end, target, tooltip in found
        if end > start
    ]


def _from_flag_links(text: str, ins, stage_keys: set[str]) -> list[tuple[int, int, str, str]]:
    """``COPY --from=<image>`` and ``RUN --mount=from=<image>`` that name an image, not a stage."""
    out = []
    values = from_values(text, ins)
    for value, start, end in values:
        if value.lower() in stage_keys or value.isdigit() or "$" in value:
            continue
        out.extend(_image_links(value, start, end))
    return out
