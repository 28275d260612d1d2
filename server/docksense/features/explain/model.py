"""What an explanation holds, independent of how it is shown (hover Markdown, CLI, JSON)."""

from __future__ import annotations

from typing import Optional

import attrs

from ...knowledge import Entry, Part


@attrs.define
class Explanation:
    """One explained token.

    ``title`` and ``kind`` name it (``--no-install-recommends``, "option of apt-get install");
    ``summary``/``purpose``/``why``/``notes``/``docs`` come from the knowledge base;
    ``specifics`` are Markdown lines about this very file (values, definitions, lines,
    end-of-life), built with :mod:`..markdown` so document text is always escaped.
    """

    start: int
    end: int
    title: str
    kind: str
    summary: str = ""
    purpose: str = ""
    why: str = ""
    specifics: list[str] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    docs: str = ""
    deprecated: str = ""

    @classmethod
    def from_knowledge(
        cls, start: int, end: int, title: str, kind: str, entry: Optional[Entry], part: Optional[Part] = None
    ) -> "Explanation":
        """Fill summary/purpose/why/notes/docs from an entry, or from one of its parts."""
        source = part if part is not None else entry
        out = cls(start, end, title, kind)
        if source is None:
            return out
        out.summary = source.summary.strip()
        out.purpose = source.purpose.strip()
        out.why = source.why.strip()
        out.notes = list(source.notes)
        out.docs = source.docs or (entry.docs if entry is not None else "")
        out.deprecated = source.deprecated or ""
        return out

    @property
    def empty(self) -> bool:
        return not (self.summary or self.purpose or self.specifics)
