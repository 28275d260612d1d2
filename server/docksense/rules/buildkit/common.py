"""What the buildkit checks share: the finding shape, suggestions, small text helpers."""

from __future__ import annotations

import bisect
from typing import Iterable, Optional

from ...syntax import Dockerfile, Instruction
from ..model import Finding, Fix

FAMILY = "buildkit"
SEVERITY = "warning"


def finding(name: str, message: str, start: int, end: int, ins: Optional[Instruction],
            fix: Optional[Fix] = None, *, unnecessary: bool = False, deprecated: bool = False) -> Finding:
    """A finding of this family, tied to its instruction's line (where ``# check=`` applies)."""
    top = ins
    while top is not None and top.parent is not None:
        top = top.parent
    return Finding(
        name, message, start, max(start, end), SEVERITY,
        unnecessary=unnecessary, deprecated=deprecated, fix=fix,
        instruction_line=top.line if top is not None else -1,
    )


def levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance of ``a`` and ``b`` (unit costs), or ``limit`` when it is at least that."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)


def suggest(name: str, options: Iterable[str]) -> str:
    """BuildKit's suggest.Search (case-sensitive): the closest option at distance 1 or 2.

    An exact match means the problem is elsewhere, so there is nothing to suggest.
    """
    match = ""
    best = 3
    size = len(name)
    for option in options:
        if option == name:
            return ""
        if abs(len(option) - size) >= best:
            continue
        distance = levenshtein(name, option, best)
        if distance < best:
            match, best = option, distance
    return match


def has_inner_comment(tree: Dockerfile, ins: Instruction) -> bool:
    """True when comment lines sit inside the instruction (rewriting it would drop them)."""
    if ins.end_line == ins.line:
        return False
    comments = tree.comments  # in file order
    index = bisect.bisect_right(comments, ins.start, key=lambda c: c.start)
    return index < len(comments) and comments[index].start < ins.end


def keyword_casing(ins: Instruction, keyword: str) -> str:
    """``keyword`` written in the casing of ``ins``'s own keyword (lower stays lower)."""
    return keyword.lower() if ins.keyword == ins.keyword.lower() else keyword.upper()
