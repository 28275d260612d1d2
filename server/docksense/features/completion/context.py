"""Where the cursor is, in Dockerfile terms: which kind of completion can stand there.

Everything is read from the cached syntax tree of the document version; the only text looked
at directly is the cursor's own line and the instruction's joined text up to the cursor, so
finding the context costs the same on a 5,000-line file as on a 5-line one.
"""

from __future__ import annotations

import bisect
import re

import attrs

from ...analysis import Analysis
from ...syntax import Heredoc, Instruction

_KEYWORD_PREFIX = re.compile(r"[ \t]*([A-Za-z]*)\Z")


@attrs.define
class Context:
    """What the cursor is in.

    ``kind`` is one of ``keyword`` (an instruction keyword can be typed here), ``directive``
    (a comment line in the directive block at the top), ``comment`` (any other comment line
    that may hold a pragma), ``arguments`` (after an instruction's keyword), ``heredoc`` (in a
    here-document body) or ``none``.
    """

    kind: str
    offset: int
    line_start: int
    before: str  # the cursor's line up to the cursor
    instruction: Instruction | None = None  # the instruction whose arguments hold the cursor (a trigger for ONBUILD)
    top: Instruction | None = None  # the top-level instruction (ONBUILD itself)
    prefix: str = ""  # arguments: joined text after the keyword up to the cursor
    onbuild: bool = False  # keyword: typed after ONBUILD
    heredoc: Heredoc | None = None


def joined_index(ins: Instruction, offset: int) -> int:
    """The index in ``ins.joined.text`` of a document offset (a cursor in a line continuation
    or in a comment line between continuation lines maps to the end of the text before it)."""
    best = 0
    for joined_start, doc_start, length in ins.joined.segments:
        if doc_start <= offset <= doc_start + length:
            return joined_start + offset - doc_start
        if offset > doc_start + length:
            best = joined_start + length
    return best


def _heredoc_at(ins: Instruction, offset: int) -> Heredoc | None:
    for doc in ins.heredocs:
        if doc.body_start < 0 or offset < doc.body_start:
            continue
        if not doc.terminated or offset < doc.terminator_start:
            return doc  # an unterminated body runs to the end of the file
    return None


def locate(analysis: Analysis, offset: int) -> Context:
    text = analysis.text
    lines = analysis.lines
    line = lines.line_of(offset)
    line_start = lines.starts[line]
    offset = min(offset, lines.ends[line])  # a cursor inside CRLF is at the line end
    before = text[line_start:offset]
    if line_start == 0 and before.startswith("\ufeff"):
        before = before[1:]  # a byte-order mark is not part of the first line's text
    top = analysis.tree.instruction_at(offset)
    if top is not None and top.start > offset:
        top = None
    if top is None:
        previous = _instruction_before(analysis, offset)
        if previous is not None and previous.end_line >= line and not previous.heredocs:
            top = previous  # blanks after a line continuation still belong to the instruction

    holder = top
    if holder is None and analysis.tree.instructions and analysis.tree.instructions[-1].start <= offset:
        holder = analysis.tree.instructions[-1]  # an unterminated heredoc body reaches past its instruction
    if holder is not None:
        host = holder.trigger if holder.trigger is not None else holder
        doc = _heredoc_at(host, offset)
        if doc is not None:
            return Context("heredoc", offset, line_start, before, host, holder, heredoc=doc)

    stripped = before.lstrip(" \t")
    if stripped.startswith("#"):
        if top is not None and top.start < line_start:
            return Context("none", offset, line_start, before)  # a comment inside a continued instruction
        if _in_directive_block(analysis, line):
            return Context("directive", offset, line_start, before)
        return Context("comment", offset, line_start, before)

    if top is None or top.start >= line_start and offset <= top.keyword_end:
        if top is not None and offset < top.keyword_start:
            return Context("none", offset, line_start, before)
        if _KEYWORD_PREFIX.match(before):
            return Context("keyword", offset, line_start, before, top=top)
        return Context("none", offset, line_start, before)

    if top.name == "ONBUILD":
        trigger = top.trigger
        if trigger is None or offset <= trigger.keyword_end:
            if trigger is not None and offset < trigger.keyword_start:
                return Context("none", offset, line_start, before)
            after = top.joined.text[top.keyword_index + len(top.keyword): joined_index(top, offset)]
            if after[:1].isspace() and re.fullmatch(r"\s+[A-Za-z]*", after):
                return Context("keyword", offset, line_start, before, top=top, onbuild=True)
            return Context("none", offset, line_start, before)
        ins = trigger
    else:
        ins = top
    index = joined_index(ins, offset)
    head = ins.keyword_index + len(ins.keyword)
    prefix = ins.joined.text[head:index] if index >= head else ""
    if not prefix[:1].isspace():
        return Context("none", offset, line_start, before)
    return Context("arguments", offset, line_start, before, ins, top, prefix=prefix)


def _instruction_before(analysis: Analysis, offset: int) -> Instruction | None:
    starts = analysis.memo.get("completion.starts")
    if starts is None:
        starts = [ins.start for ins in analysis.tree.instructions]
        analysis.memo["completion.starts"] = starts
    index = bisect.bisect_right(starts, offset) - 1  # type: ignore[arg-type]
    return analysis.tree.instructions[index] if index >= 0 else None


def _in_directive_block(analysis: Analysis, line: int) -> bool:
    """Whether a directive may stand on ``line``: every line above is a parser directive."""
    if analysis.tree.instructions and analysis.tree.instructions[0].line < line:
        return False
    directive_lines = {d.line for d in analysis.tree.directives}
    return all(n in directive_lines for n in range(line))


def typed_start(analysis: Analysis, ctx: Context, typed: str) -> int | None:
    """Start offset of ``typed`` (text just before the cursor) when it sits on the cursor's
    line as written; None when a continuation splits it (then nothing is offered)."""
    start = ctx.offset - len(typed)
    if start < ctx.line_start or analysis.text[start:ctx.offset] != typed:
        return None
    return start
