"""Text -> exact, error-tolerant syntax tree (BuildKit semantics). See :mod:`.parser`."""

from .nodes import (
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    Joined,
    JsonArray,
    KeyValue,
    SyntaxProblem,
    VarRef,
    Word,
)
from .parser import parse
from .text import LineIndex

__all__ = [
    "Comment",
    "Directive",
    "Dockerfile",
    "Flag",
    "Heredoc",
    "Instruction",
    "Joined",
    "JsonArray",
    "KeyValue",
    "LineIndex",
    "SyntaxProblem",
    "VarRef",
    "Word",
    "parse",
]
