"""A window of a huge shell text around one offset, cut where the shell's own commands end.

Parsing and explaining a whole 1.6 MB RUN takes seconds; a hover needs only the commands
around the cursor. :func:`shell_window` finds, in one linear scan remembered per text, the
places where a top-level command ends (``&&``, ``||``, ``;``, ``|``, ``&`` or a newline outside
any quote, substitution or brace), and returns the span between two of them that holds the
offset and is about ``radius`` characters on each side. The commands in it parse exactly as in
the whole text; what the window cannot know is a variable set before it.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

__all__ = ["LARGE_SHELL_TEXT", "shell_window"]

# Shell texts larger than this are explained by window (hover) rather than whole.
LARGE_SHELL_TEXT = 128 * 1024

_INTERESTING = re.compile(r"['\"\\$`()&|;\n{}]")


@lru_cache(maxsize=8)
def _boundaries(text: str) -> list[int]:
    """Offsets just after each top-level command separator of ``text`` (one linear scan)."""
    out = [0]
    stack: list[str] = []  # open contexts: "(" for $( / ( and "{" for ${, '"' for double quotes, "`"
    pos, n = 0, len(text)
    search = _INTERESTING.search
    while pos < n:
        match = search(text, pos)
        if match is None:
            break
        pos = match.start()
        c = text[pos]
        top = stack[-1] if stack else ""
        if c == "\\":
            pos += 2
            continue
        if top == '"':
            if c == '"':
                stack.pop()
            elif c == "`":
                stack.append("`")
            elif c == "$" and text.startswith("$(", pos):
                stack.append("(")
                pos += 1
            elif c == "$" and text.startswith("${", pos):
                stack.append("{")
                pos += 1
            pos += 1
            continue
        if c == "'":
            close = text.find("'", pos + 1)
            pos = n if close < 0 else close + 1
            continue
        if c == '"':
            stack.append('"')
        elif c == "`":
            if top == "`":
                stack.pop()
            else:
                stack.append("`")
        elif c == "$":
            if text.startswith("$(", pos):
                stack.append("(")
                pos += 1
            elif text.startswith("${", pos):
                stack.append("{")
                pos += 1
        elif c == "(":
            stack.append("(")
        elif c == ")":
            if top == "(":
                stack.pop()
        elif c == "{":
            if top == "{":
                stack.append("{")
        elif c == "}":
            if top == "{":
                stack.pop()
        elif not stack:  # & | ; newline at top level
            end = pos + 1
            while end < n and text[end] in "&|;":
                end += 1
            out.append(end)
            pos = end
            continue
        pos += 1
    return out


def shell_window(text: str, offset: int, radius: int = 16 * 1024) -> tuple[int, int]:
    """The span of whole top-level commands around ``offset``, about ``radius`` each side
    (the whole text when it is small)."""
    if len(text) <= 2 * radius:
        return 0, len(text)
    bounds = _boundaries(text)
    low = bisect.bisect_right(bounds, max(0, offset - radius)) - 1
    high = bisect.bisect_left(bounds, min(len(text), offset + radius))
    start = bounds[max(low, 0)]
    end = bounds[high] if high < len(bounds) else len(text)
    if start > offset:  # never cut the command under the cursor
        start = bounds[bisect.bisect_right(bounds, offset) - 1]
    if end <= offset:
        end = len(text)
    return start, end
