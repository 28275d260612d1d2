"""The ``${...}`` forms BuildKit's lexer refuses (shell/lex.go processDollar)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    pass


_SPECIAL_PARAMS = "@*#?-$!0"


def substitution_problem(expr: str) -> Optional[str]:
    """Why BuildKit's lexer (shell/lex.go processDollar) refuses a ``${...}`` expression."""
    n = len(expr)
    if n < 3:
        return "syntax error: missing '}'"
    first = expr[2]
    if first in "{}:":
        return "syntax error: bad substitution"
    i = 2
    if first.isdigit():
        while i < n and expr[i].isdigit():
            i += 1
    elif first in _SPECIAL_PARAMS:
        i += 1
    else:
        while i < n and (expr[i].isalnum() or expr[i] == "_"):
            i += 1
    if not expr.endswith("}") or i >= n:
        return "syntax error: missing '}'"
    ch = expr[i]
    if ch == "}":
        return None
    if ch == ":":
        nxt = expr[i + 1] if i + 1 < n else ""
        if nxt in ("+", "-", "?") and nxt:
            return None
        return f"unsupported modifier ({ch}{nxt}) in substitution"
    if ch in "+-?#%":
        return None
    if ch == "/":
        rest = expr[i + 1:-1]
        if rest.startswith("/"):
            rest = rest[1:]
        if "/" not in rest:
            return "syntax error: missing '/' in ${}"
        return None
    return f"unsupported modifier ({ch}) in substitution"
