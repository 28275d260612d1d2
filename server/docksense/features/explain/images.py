"""Base images: what the image is, what its tag says, and whether its line is past end of life."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from ...analysis import Analysis
from ...analysis.images import lookup_image, parse_image
from ...knowledge import KnowledgeBase
from ...syntax import Instruction, Word
from .. import markdown as md
from .model import Explanation


def today() -> dt.date:
    """Today's date (a function so tests can fix it)."""
    return dt.date.today()


def image_explanation(analysis: Analysis, kb: KnowledgeBase, word: Word, ins: Instruction) -> Optional[Explanation]:
    ref = parse_image(word.text)
    if ref is None:
        return None
    facts = lookup_image(kb, ref)
    entry = facts.entry
    if entry is None and not ref.digest:
        return None  # an image we know nothing about: no guess
    out = Explanation.from_knowledge(word.start, word.end, word.text, "base image", entry)
    if entry is None:
        out.summary = "A base image pinned by digest."
        out.docs = "https://docs.docker.com/reference/dockerfile/#from"
    if ref.tag:
        line = f"Tag {md.code(ref.tag)}"
        if facts.line is not None:
            line += f": release line {md.code(facts.line.line)}"
        out.specifics.append(line + ".")
    elif not ref.digest:
        out.specifics.append("No tag: Docker uses `latest`, which moves; pin a version for repeatable builds.")
    for word_text, key in facts.variants:
        part = entry.variants.get(key) if entry else None
        if part is not None:
            out.specifics.append(f"{md.code(word_text)}: {part.summary.strip()}")
    if ref.digest:
        out.specifics.append(
            f"Pinned by digest {md.code(ref.digest[:19] + ('…' if len(ref.digest) > 19 else ''))}: the exact image "
            "content, so builds are repeatable; the tag (if any) is then only informative."
        )
    if facts.line is not None and entry is not None and entry.lifecycle is not None:
        eol = facts.end_of_life(today())
        lifecycle = entry.lifecycle
        if eol is not None:
            move = facts.line.successor or lifecycle.recommended
            text = f"**End of life**: the {md.escape(facts.line.line)} line lost support on {eol.isoformat()}"
            if move:
                text += f"; move to {md.code(move)}"
            out.specifics.append(text + f" (as of {lifecycle.as_of}, source: {lifecycle.source}).")
        else:
            out.specifics.append(f"Supported until {facts.line.eol} (as of {lifecycle.as_of}, "
                                 f"source: {lifecycle.source}).")
    if ref.has_variables:
        out.specifics.append("Contains variables: the image is decided at build time from the global ARGs.")
    return out
