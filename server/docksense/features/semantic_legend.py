"""The semantic token legend, apart from the tokenizer so the server can announce it at
``initialize`` without importing the analysis layers."""

from __future__ import annotations

from lsprotocol import types

TOKEN_TYPES = [
    "keyword", "parameter", "property", "string", "number", "variable", "class", "type",
    "comment", "macro", "operator", "function", "method",
]
TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary", "deprecated"]
LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS))
