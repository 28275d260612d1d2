"""Which explanations an instruction has, and which one is under a given offset."""

from __future__ import annotations

from typing import Optional

from ...analysis import Analysis
from ...knowledge import KnowledgeBase
from ...syntax import Instruction
from .. import markdown as md
from .commands import command_explanations
from .comments import comment_explanations, directive_explanations
from .flags import flag_explanations
from .instructions import argument_explanations, keyword_explanation
from .large_shell import NOT_LARGE, explain_large_shell_at
from .model import Explanation
from .note_context import note_applies
from .variables import variable_explanations

_MEMO = "explain.instruction"


def explain_instruction(analysis: Analysis, kb: KnowledgeBase, ins: Instruction,
                        cache: bool = True) -> tuple[Explanation, list[Explanation]]:
    """The instruction's own explanation and those of its parts, in document order (cached
    unless ``cache`` is False: ``explain`` visits each instruction once and streams)."""
    memo = analysis.memo.setdefault((_MEMO, id(kb)), {}) if cache else {}
    cached = memo.get(id(ins))  # type: ignore[union-attr]
    if cached is not None:
        return cached
    head = keyword_explanation(analysis, kb, ins)
    parts: list[Explanation] = []
    parts.extend(flag_explanations(analysis, kb, ins))
    parts.extend(argument_explanations(analysis, kb, ins))
    parts.extend(command_explanations(analysis, kb, ins))
    if ins.trigger is None:
        parts.extend(variable_explanations(analysis, kb, ins))
    else:  # the trigger's own parts (its variables included)
        trigger_head, trigger_parts = explain_instruction(analysis, kb, ins.trigger)
        if not trigger_head.empty:
            parts.append(trigger_head)
        parts.extend(trigger_parts)
    parts = [p for p in parts if not p.empty]
    for part in [head] + parts:
        if part.notes:
            part.notes = [n for n in part.notes if note_applies(analysis, ins, n)]
    parts.sort(key=lambda p: (p.start, -(p.end - p.start)))
    memo[id(ins)] = (head, parts)  # type: ignore[index]
    return head, parts


def _keyword_pieces(head: Explanation, ins: Instruction) -> list[Explanation]:
    if head.empty:
        return []  # an unknown keyword: no hover rather than an empty one
    pieces = ins.keyword_pieces() or [(ins.keyword_start, ins.keyword_end)]
    out = []
    for start, end in pieces:
        copy = Explanation(start, end, head.title, head.kind, head.summary, head.purpose, head.why,
                           list(head.specifics), list(head.notes), head.docs, head.deprecated)
        out.append(copy)
    return out


def explain_comment_or_directive(analysis: Analysis, kb: KnowledgeBase, offset: int) -> Optional[Explanation]:
    """Explanation of a directive or pragma comment at ``offset``, if any."""
    for explanation in directive_explanations(analysis, kb):
        if explanation.start <= offset < explanation.end:
            return explanation
    for explanation in comment_explanations(analysis, kb):
        if explanation.start <= offset < explanation.end:
            return explanation
    return None


def explain_at(analysis: Analysis, kb: KnowledgeBase, offset: int) -> Optional[Explanation]:
    """The innermost explanation whose range holds ``offset``; None when nothing is known."""
    ins = analysis.tree.instruction_at(offset)
    if ins is None:
        return explain_comment_or_directive(analysis, kb, offset)
    # A huge RUN (a 1.6 MB one-liner) is explained from the commands around the cursor only.
    found = explain_large_shell_at(analysis, kb, offset)
    if found is not NOT_LARGE:
        return found
    if ins.trigger is None and any(start <= offset < end for start, end in ins.keyword_pieces()):
        # the keyword needs only the instruction's own explanation, not those of all its parts
        for piece in _keyword_pieces(keyword_explanation(analysis, kb, ins), ins):
            if piece.start <= offset < piece.end:
                return piece
    head, parts = explain_instruction(analysis, kb, ins)
    candidates = _keyword_pieces(head, ins) + parts
    if ins.trigger is not None:
        trigger_head, _ = explain_instruction(analysis, kb, ins.trigger)
        candidates += _keyword_pieces(trigger_head, ins.trigger)
    best: Optional[Explanation] = None
    for candidate in candidates:
        if candidate.start <= offset < candidate.end or (candidate.start == candidate.end == offset):
            if best is None or (candidate.end - candidate.start) < (best.end - best.start):
                best = candidate
    if best is None:
        return explain_comment_or_directive(analysis, kb, offset)
    return best


__all__ = ["explain_at", "explain_instruction", "explain_comment_or_directive", "md"]
