"""Folding ranges: each stage, multi-line instructions, heredoc bodies and comment blocks.

Ranges are whole lines (what every client can show). When two ranges would start on the
same line, the larger is kept: clients fold one range per start line, and a stage that
starts with a multi-line FROM should fold as the stage.
"""

from __future__ import annotations

from typing import Optional

from lsprotocol import types

from ..analysis import Analysis

_REGION = types.FoldingRangeKind.Region
_COMMENT = types.FoldingRangeKind.Comment


def folding_ranges(analysis: Analysis, limit: Optional[int] = None) -> list[types.FoldingRange]:
    """The folding ranges of the document version (computed once), at most ``limit`` of them."""
    found = analysis.memo.get(_MEMO)
    if found is None:
        found = _folding_ranges(analysis)
        analysis.memo[_MEMO] = found
    if limit is not None and limit >= 0:
        return found[:limit]  # type: ignore[index]
    return found  # type: ignore[return-value]


_MEMO = "features.folding"


def _folding_ranges(analysis: Analysis) -> list[types.FoldingRange]:
    tree = analysis.tree
    lines = analysis.lines
    found: dict[int, tuple[int, Optional[str]]] = {}

    def add(start: int, end: int, kind: Optional[str]) -> None:
        if end <= start:
            return
        previous = found.get(start)
        if previous is None or previous[0] < end:
            found[start] = (end, kind)

    for stage in analysis.stages:
        last = stage.instructions[-1]
        add(lines.line_of(stage.instruction.start), _last_line(lines, last), _REGION)
    for ins in tree.instructions:
        end_line = _last_line(lines, ins)
        add(lines.line_of(ins.start), end_line, _REGION)
        for doc in ins.heredocs:
            if doc.body_start < 0:
                continue
            body_line = lines.line_of(doc.body_start)
            close = lines.line_of(doc.terminator_start) if doc.terminated else end_line
            add(body_line - 1, close, _REGION)
    # comment blocks: consecutive comment lines (directives included), two or more
    comment_lines = sorted({lines.line_of(c.start) for c in tree.comments} |
                           {lines.line_of(d.start) for d in tree.directives})
    block_start = previous = None
    for line in comment_lines + [None]:
        if line is not None and previous is not None and line == previous + 1:
            previous = line
            continue
        if block_start is not None and previous is not None and previous > block_start:
            add(block_start, previous, _COMMENT)
        block_start = previous = line
    return [types.FoldingRange(start_line=start, end_line=end, kind=kind)
            for start, (end, kind) in sorted(found.items())]


def _last_line(lines, ins) -> int:
    """The last line with text of an instruction (LSP lines: the client's line breaks)."""
    first = lines.line_of(ins.start)
    line = lines.line_of(ins.end)
    if line > first and ins.end == lines.starts[line]:
        line -= 1
    return max(line, first)
