"""What a rule produces: findings with offsets, and fixes as plain text edits.

Rules never see LSP types; :mod:`docksense.features.diagnostics` converts at the edge, and a
finding's fix travels in the diagnostic's ``data`` so code actions need no second analysis.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import attrs

SEVERITY_ORDER = {"hint": 0, "information": 1, "warning": 2, "error": 3}


@attrs.define(slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new_text`` (offsets into the document)."""

    start: int
    end: int
    new_text: str


@attrs.define(slots=True)
class Fix:
    title: str
    edits: list[Edit]
    preferred: bool = False
    safe: bool = True  # applied by fix-all and ``docksense check --fix``


@attrs.define(slots=True)
class Finding:
    rule: str
    message: str
    start: int
    end: int
    severity: str = "warning"
    unnecessary: bool = False
    deprecated: bool = False
    fix: Optional[Fix] = None
    # the instruction the finding belongs to (for ``# check=skip`` on the line above)
    instruction_line: int = -1


@attrs.define(slots=True)
class Rule:
    """A check: stable name, family, default severity, and the function that runs it."""

    name: str
    family: str
    severity: str
    summary: str
    check: Callable[..., Iterable[Finding]]
    aliases: tuple[str, ...] = ()
    experimental: bool = False
    fixable: bool = False
    docs_url: str = ""
