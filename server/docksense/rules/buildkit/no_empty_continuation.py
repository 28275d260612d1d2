"""NoEmptyContinuation: an empty line inside a continued instruction (parser)."""

from __future__ import annotations

from typing import Iterator, Optional

from ...syntax import Instruction
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("NoEmptyContinuation", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="An empty line sits inside an instruction continued with a backslash.")
def check_no_empty_continuation(analysis) -> Iterator[Finding]:
    """An empty line inside a continued instruction: ignored today, an error in the future."""
    text = analysis.text
    for ins in analysis.tree.instructions:
        lines = ins.empty_continuation_lines
        if not lines:
            continue
        spans = [s for s in _line_spans(text, ins, lines) if s is not None]
        if not spans:
            continue
        first_start, first_end = spans[0]
        count = len(spans)
        message = ("Empty line inside a continued instruction" + (f" ({count} of them)" if count > 1 else "")
                   + ": BuildKit skips it today but will treat it as an error in a future release. Remove it.")
        fix = Fix("Remove the empty continuation line" + ("s" if count > 1 else ""),
                  [Edit(s, e, "") for s, e in _merged(spans)], preferred=True, safe=True)
        yield finding("NoEmptyContinuation", message, first_start, first_end, ins, fix)


def _line_spans(text: str, ins: Instruction, lines: list[int]) -> list[Optional[tuple[int, int]]]:
    """The span of each physical line in ``lines`` (0-based, ascending) with its line break,
    found in one walk from ``ins`` (not one walk per line: 16 KB of empty lines took 10 s)."""
    out: list[Optional[tuple[int, int]]] = []
    pos = text.rfind("\n", 0, ins.keyword_start) + 1
    line = ins.line
    for wanted in lines:
        while line < wanted and pos >= 0:
            nxt = text.find("\n", pos)
            pos = -1 if nxt < 0 else nxt + 1
            line += 1
        if pos < 0 or line != wanted:
            out.append(None)
            continue
        end = text.find("\n", pos)
        if end < 0:
            out.append((pos - 1, len(text)) if pos > 0 else (pos, len(text)))
        else:
            out.append((pos, end + 1))
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent spans as one: a run of 16,000 empty lines is one edit, not 16,000 (each of which
    a client converts, sends and applies)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out
