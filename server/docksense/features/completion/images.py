"""Image names and tags, offline, from the knowledge base.

Names after ``FROM `` (and in ``COPY --from=``); after ``name:`` the release lines the entry
knows (newest first, LTS marked, past end of life marked deprecated), the variants as tags of
their own (``alpine``, ``slim``, ``latest``) and ``line-variant`` for supported lines.
"""

from __future__ import annotations

import datetime as _dt
import re

from ...analysis.images import lookup_image, parse_image
from ...knowledge import Entry, KnowledgeBase
from .items import Candidate, Kind


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def image_name_candidates(kb: KnowledgeBase, start: int) -> list[Candidate]:
    out = []
    for entry in kb.all_of("image"):
        out.append(Candidate(entry.name, Kind.Module, detail=_short(entry.summary), deprecated=bool(entry.deprecated),
                             sort="1" if entry.deprecated else "0", start=start, data={"id": entry.id}))
    return out


def _version_key(line: str) -> tuple:
    parts = re.split(r"[.\-]", line)
    return tuple((0, int(p)) if p.isascii() and p.isdigit() and len(p) < 10 else (1, p) for p in parts)


def tag_candidates(kb: KnowledgeBase, image: str, start: int, today: _dt.date | None = None) -> list[Candidate]:
    """Tags for ``image`` (the reference before ``:``)."""
    ref = parse_image(image + ":x")
    if ref is None or "$" in image:
        return []
    entry = lookup_image(kb, ref).entry
    if entry is None:
        return []
    today = today or _dt.date.today()
    out: list[Candidate] = []
    recommended = entry.lifecycle.recommended if entry.lifecycle else ""
    lines = sorted(entry.lifecycle.lines, key=lambda l: _version_key(l.line), reverse=True) if entry.lifecycle else []
    supported = []
    for rank, line in enumerate(lines):
        ended = _ended(line.eol, today)
        if not ended:
            supported.append(line.line)
        notes = ["LTS"] if line.lts else []
        if line.line == recommended:
            notes.append("recommended")
        notes.append(f"end of life since {line.eol}" if ended else f"supported until {line.eol}")
        out.append(Candidate(line.line, Kind.Constant, detail=", ".join(notes), deprecated=ended,
                             sort=("0" if line.line == recommended else "1" if not ended else "3") + f"{rank:03d}",
                             start=start, data=_data(entry, line.line)))
    for key, part in entry.variants.items():
        ended = bool(part.deprecated) or "end of life" in part.summary.lower()
        out.append(Candidate(key, Kind.EnumMember, detail=_short(part.summary), deprecated=ended, sort="2" + key,
                             start=start, data={"id": entry.id, "path": ["variants", key]}))
        if key in ("latest",) or ended:
            continue
        for rank, line in enumerate(supported):
            out.append(Candidate(f"{line}-{key}", Kind.EnumMember, detail=_short(part.summary),
                                 sort=f"2{rank:03d}{key}", start=start,
                                 data={"id": entry.id, "path": ["variants", key]}))
    return out


def _data(entry: Entry, tag: str) -> dict:
    return {"id": entry.id, "tag": tag}


def _ended(eol: str, today: _dt.date) -> bool:
    try:
        return _dt.date.fromisoformat(eol) <= today
    except ValueError:
        return False
