"""Hover inside a huge RUN (hundreds of KB of shell on one line): explain the commands around
the cursor instead of the whole instruction.

The normal path explains every part of an instruction once and picks the one under the cursor;
for a 1.6 MB RUN that is seconds of work. :func:`explain_large_shell_at` answers instead from a
window of whole top-level commands around the cursor (:func:`~docksense.analysis.shell.window.
shell_window`), parsed and explained on their own: the same explanations, except that a
variable set before the window is reported as not known rather than guessed.

Hover calls it first: it returns :data:`NOT_LARGE` when the cursor is not in such a RUN, so the
normal path runs.
"""

from __future__ import annotations

import bisect

from ...analysis import Analysis
from ...analysis.commands import (
    Located,
    ShellText,
    is_posix_shell,
    parse_shell,
    shell_texts,
)
from ...analysis.shell.runs import RunShell
from ...analysis.shell.window import LARGE_SHELL_TEXT, shell_window
from ...knowledge import KnowledgeBase
from ...syntax import Instruction
from .commands import explain_commands
from .model import Explanation
from .variables import variable_explanations

__all__ = ["NOT_LARGE", "explain_large_shell_at"]

NOT_LARGE = object()  # the cursor is not inside a huge shell text: use the normal path


def explain_large_shell_at(analysis: Analysis, kb: KnowledgeBase, offset: int):
    """The innermost explanation at ``offset`` when it lies in a huge shell text (or None when
    nothing there is known); :data:`NOT_LARGE` otherwise."""
    ins = analysis.tree.instruction_at(offset)
    if ins is None or len(ins.joined.text) < LARGE_SHELL_TEXT:
        return NOT_LARGE
    target = ins.trigger if ins.trigger is not None else ins
    if target.name not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
        return NOT_LARGE
    for piece in shell_texts(ins, is_posix_shell(analysis.shell_for(ins))):
        if len(piece.text) < LARGE_SHELL_TEXT:
            continue
        index = _text_offset(piece, offset)
        if index is None:
            continue
        return _explain_window(analysis, kb, ins, piece, index, offset)
    return NOT_LARGE


def _text_offset(piece: ShellText, offset: int) -> int | None:
    """The offset in ``piece.text`` of document ``offset`` (None when outside the piece)."""
    text = piece.text
    first, _ = piece.to_doc(0, 1)
    _, last = piece.to_doc(len(text) - 1, len(text))
    if not first <= offset < last:
        return None
    return bisect.bisect_right(range(len(text)), offset, key=lambda i: piece.to_doc(i, i + 1)[0]) - 1


def _explain_window(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, piece: ShellText, index: int,
                    offset: int) -> Explanation | None:
    start, end = shell_window(piece.text, index)
    base_map = piece.to_doc

    def to_doc(a: int, b: int) -> tuple[int, int]:
        return base_map(start + a, start + b)

    window = ShellText(piece.text[start:end], to_doc, piece.source)
    located = [Located(command, to_doc, piece.source) for command in parse_shell(window.text).commands]
    model = RunShell(ins, [window])
    parts = explain_commands(analysis, kb, ins, located, model)
    parts += variable_explanations(analysis, kb, ins, window=model)
    best = None
    for part in parts:
        if part.empty:
            continue
        inside = part.start <= offset < part.end or part.start == part.end == offset
        if inside and (best is None or part.end - part.start < best.end - best.start):
            best = part
    return best
