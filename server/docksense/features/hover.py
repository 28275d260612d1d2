"""Hover: the explanation of the token under the cursor, as Markdown (or plain text).

The answer is a lookup into the cached analysis of the document version (the explanation
engine memoises per instruction), so it stays within a couple of milliseconds.
"""

from __future__ import annotations

import logging
from typing import Optional

from lsprotocol import types

from ..analysis import Analysis
from ..knowledge import KnowledgeBase
from . import markdown as md
from .explain import Explanation, explain_at
from .explain.line import explain_line, unmentioned_links
from .positions import to_offset, to_range

MAX_NOTES = 3
log = logging.getLogger(__name__)

# Past this many characters an instruction gets no line-level Purpose/Why in a hover.
LARGE_INSTRUCTION = 256 * 1024


def render(explanation: Explanation, detail: str = "full", general: bool = False) -> str:
    """Markdown for one explanation: summary, Purpose, Why, this file, notes, docs link.

    ``general`` renders a keyword's general text after the line's own Purpose and Why: the
    summary, this file's specifics and two notes, without a second Purpose/Why."""
    lines = [f"**{md.code(explanation.title)}** · {md.escape(explanation.kind)}", ""]
    if explanation.deprecated:
        lines += [f"**Deprecated:** {explanation.deprecated.strip()}", ""]
    if explanation.summary:
        lines += [explanation.summary, ""]
    if detail == "full" and not general:
        if explanation.purpose and explanation.purpose != explanation.summary:
            lines += [f"**Purpose:** {' '.join(explanation.purpose.split())}", ""]
        if explanation.why:
            lines += [f"**Why:** {' '.join(explanation.why.split())}", ""]
    if explanation.specifics:
        lines += [f"- {line}" for line in explanation.specifics] + [""]
    if detail == "full" and explanation.notes:
        limit = 2 if general else MAX_NOTES
        lines += [f"- ⚠ {' '.join(note.split())}" for note in explanation.notes[:limit]] + [""]
    if explanation.docs.startswith("https://"):
        lines.append(f"[Docs]({explanation.docs.replace(')', '%29').replace(' ', '%20')})")
    return "\n".join(lines).strip()


def hover(
    analysis: Analysis,
    kb: KnowledgeBase,
    position: types.Position,
    encoding: str = "utf-16",
    detail: str = "full",
    markdown: bool = True,
) -> Optional[types.Hover]:
    offset = to_offset(analysis.lines, position, encoding)
    explanation = explain_at(analysis, kb, offset)
    if explanation is None:
        return None
    lead = line_lead(analysis, kb, offset, detail) if explanation.kind == "instruction" else ""
    text = render(explanation, detail, general=bool(lead))
    if lead:
        text = lead + "\n\n---\n\n" + text
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    value = text if markdown else md.plain(text)
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=value),
        range=to_range(analysis.lines, explanation.start, explanation.end, encoding),
    )


def line_lead(analysis: Analysis, kb: KnowledgeBase, offset: int, detail: str = "full") -> str:
    """Purpose and Why of the instruction at ``offset``, for a hover on its keyword.

    The line-level explanation comes first because it is what the reader is asking about (what
    this line does here); the keyword's general text follows. A failure here must not cost the
    reader the rest of the hover, so it degrades to no lead.
    """
    ins = analysis.tree.instruction_at(offset)
    if ins is None:
        return ""
    if ins.end - ins.start > LARGE_INSTRUCTION:
        # Composing the line means classifying every command in it and linking it to the rest
        # of the file: seconds for a megabyte-long RUN. Say so instead of stalling the hover.
        size = (ins.end - ins.start) // 1024
        return (f"**Purpose:** not composed for an instruction this long ({size} KB); hover a "
                f"command or option inside it for its meaning.")
    try:
        line = explain_line(analysis, kb, ins)
    except Exception:  # noqa: BLE001 - the general hover still answers
        log.exception("line explanation failed")
        return ""
    parts = []
    if line.purpose:
        parts.append(f"**Purpose:** {line.purpose}")
    if line.why:
        parts.append(f"**Why:** {line.why}")
    if detail == "full":
        links = unmentioned_links(line)
        if links:
            parts.append("**Lines:** " + "; ".join(text for _, text in links[:4]) + ".")
        parts.extend(f"⚠ {note}" for note in line.notes[:2])
    return "\n\n".join(parts)


def client_wants_markdown(capabilities: Optional[types.ClientCapabilities]) -> bool:
    try:
        formats = capabilities.text_document.hover.content_format  # type: ignore[union-attr]
    except AttributeError:
        return True
    if not formats:
        return True
    return types.MarkupKind.Markdown in formats
