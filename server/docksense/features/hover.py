"""Hover: the explanation of the token under the cursor, as Markdown (or plain text).

The answer is a lookup into the cached analysis of the document version (the explanation
engine memoises per instruction), so it stays within a couple of milliseconds.
"""

from __future__ import annotations

from typing import Optional

from lsprotocol import types

from ..analysis import Analysis
from ..knowledge import KnowledgeBase
from . import markdown as md
from .explain import Explanation, explain_at
from .positions import to_offset, to_range

MAX_NOTES = 3


def render(explanation: Explanation, detail: str = "full") -> str:
    """Markdown for one explanation: summary, Purpose, Why, this file, notes, docs link."""
    lines = [f"**{md.code(explanation.title)}** · {md.escape(explanation.kind)}", ""]
    if explanation.deprecated:
        lines += [f"**Deprecated:** {explanation.deprecated.strip()}", ""]
    if explanation.summary:
        lines += [explanation.summary, ""]
    if detail == "full":
        if explanation.purpose and explanation.purpose != explanation.summary:
            lines += [f"**Purpose:** {' '.join(explanation.purpose.split())}", ""]
        if explanation.why:
            lines += [f"**Why:** {' '.join(explanation.why.split())}", ""]
    if explanation.specifics:
        lines += [f"- {line}" for line in explanation.specifics] + [""]
    if detail == "full" and explanation.notes:
        lines += [f"- ⚠ {' '.join(note.split())}" for note in explanation.notes[:MAX_NOTES]] + [""]
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
    text = render(explanation, detail)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    value = text if markdown else md.plain(text)
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=value),
        range=to_range(analysis.lines, explanation.start, explanation.end, encoding),
    )


def client_wants_markdown(capabilities: Optional[types.ClientCapabilities]) -> bool:
    try:
        formats = capabilities.text_document.hover.content_format  # type: ignore[union-attr]
    except AttributeError:
        return True
    if not formats:
        return True
    return types.MarkupKind.Markdown in formats
