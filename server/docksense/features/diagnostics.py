"""Diagnostics: findings of the rule engine as LSP diagnostics, with the fix in ``data``."""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Optional

from lsprotocol import types

from ..analysis import Analysis
from ..rules import RULES, Finding, RuleConfig, run_rules
from ..settings import Settings
from .positions import to_offset, to_range

SOURCE = "docksense"

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def rule_config(settings: Settings) -> RuleConfig:
    return RuleConfig(
        severity=dict(settings.rules.severity),
        families=dict(settings.rules.families),
        experimental=list(settings.rules.experimental),
        max_document_bytes=settings.limits.max_document_bytes,
    )


def findings(analysis: Analysis, settings: Settings) -> list[Finding]:
    if not settings.diagnostics.enable:
        return []
    return run_rules(analysis, rule_config(settings))


def fix_data(finding: Finding, analysis: Analysis, encoding: str) -> Optional[dict[str, Any]]:
    """The finding's fix as JSON for ``Diagnostic.data`` (LSP ranges, ready to apply)."""
    if finding.fix is None:
        return None
    ranges = [to_range(analysis.lines, e.start, e.end, encoding) for e in finding.fix.edits]
    where = to_range(analysis.lines, finding.start, finding.end, encoding)
    return {
        "rule": finding.rule,
        "fix": {
            "title": finding.fix.title,
            "preferred": finding.fix.preferred,
            "safe": finding.fix.safe,
            "edits": [
                {"range": _range_json(r), "newText": e.new_text}
                for r, e in zip(ranges, finding.fix.edits)
            ],
        },
        # lets a code action check, without a second analysis, that the text the fix was
        # computed on is still there (the client may send diagnostics of an older version)
        "fingerprint": fingerprint(analysis.text, _spans(analysis, [where, *ranges], encoding)),
    }


def _spans(analysis: Analysis, ranges: Iterable[types.Range], encoding: str) -> list[tuple[int, int]]:
    return [
        (to_offset(analysis.lines, r.start, encoding), to_offset(analysis.lines, r.end, encoding))
        for r in ranges
    ]


def fingerprint(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """A short digest of the text under ``spans`` (a diagnostic's range and its fix's edits)."""
    digest = hashlib.blake2s(digest_size=8)
    for start, end in spans:
        digest.update(text[start:end].encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _range_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def to_diagnostic(finding: Finding, analysis: Analysis, encoding: str) -> types.Diagnostic:
    rule = RULES.get(finding.rule)
    tags = []
    if finding.unnecessary:
        tags.append(types.DiagnosticTag.Unnecessary)
    if finding.deprecated:
        tags.append(types.DiagnosticTag.Deprecated)
    data = fix_data(finding, analysis, encoding) or {"rule": finding.rule}
    return types.Diagnostic(
        range=to_range(analysis.lines, finding.start, finding.end, encoding),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule.docs_url) if rule and rule.docs_url else None,
        source=SOURCE,
        tags=tags or None,
        data=data,
    )


def diagnostics(analysis: Analysis, settings: Settings, encoding: str = "utf-16") -> list[types.Diagnostic]:
    return [to_diagnostic(f, analysis, encoding) for f in findings(analysis, settings)]


# -- the push path: JSON-ready dicts ---------------------------------------------------------
# A push sends every finding of the document; building lsprotocol objects and having the
# JSON-RPC layer unstructure them again took more time than the rules for a 5,000-line file.
# These dicts are exactly what the converter makes of ``to_diagnostic`` (tests compare them),
# and each offset is converted once even when a finding and its fix share it.
_SEVERITY_NUMBER = {name: level.value for name, level in _SEVERITY.items()}


class _Positions:
    """Offsets to LSP positions (JSON), memoised; and, for a fix's fingerprint, the offsets
    those positions map back to (computed only for findings that carry a fix)."""

    __slots__ = ("lines", "encoding", "_seen", "_back")

    def __init__(self, lines: Any, encoding: str):
        self.lines = lines
        self.encoding = encoding
        self._seen: dict[int, dict[str, int]] = {}
        self._back: dict[int, int] = {}

    def at(self, offset: int) -> dict[str, int]:
        found = self._seen.get(offset)
        if found is None:
            line, character = self.lines.position(offset, self.encoding)
            found = self._seen[offset] = {"line": line, "character": character}
        return found

    def back(self, offset: int) -> int:
        """The offset the position of ``offset`` stands for (what a client's range maps to)."""
        found = self._back.get(offset)
        if found is None:
            where = self.at(offset)
            found = self._back[offset] = self.lines.offset(where["line"], where["character"], self.encoding)
        return found

    def range(self, start: int, end: int) -> dict[str, Any]:
        return {"start": self.at(start), "end": self.at(max(start, end))}

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.back(start), self.back(max(start, end))


def _diagnostic_json(finding: Finding, text: str, positions: _Positions) -> dict[str, Any]:
    out: dict[str, Any] = {
        "range": positions.range(finding.start, finding.end),
        "message": finding.message,
        "severity": _SEVERITY_NUMBER.get(finding.severity, 2),
        "code": finding.rule,
    }
    rule = RULES.get(finding.rule)
    if rule and rule.docs_url:
        out["codeDescription"] = {"href": rule.docs_url}
    out["source"] = SOURCE
    tags = []
    if finding.unnecessary:
        tags.append(types.DiagnosticTag.Unnecessary.value)
    if finding.deprecated:
        tags.append(types.DiagnosticTag.Deprecated.value)
    if tags:
        out["tags"] = tags
    fix = finding.fix
    if fix is None:
        out["data"] = {"rule": finding.rule}
        return out
    edits = []
    spans = [positions.span(finding.start, finding.end)]
    for edit in fix.edits:
        spans.append(positions.span(edit.start, edit.end))
        edits.append({"range": positions.range(edit.start, edit.end), "newText": edit.new_text})
    out["data"] = {
        "rule": finding.rule,
        "fix": {"title": fix.title, "preferred": fix.preferred, "safe": fix.safe, "edits": edits},
        "fingerprint": fingerprint(text, spans),
    }
    return out


def diagnostics_json(analysis: Analysis, settings: Settings, encoding: str = "utf-16") -> list[dict[str, Any]]:
    """The document's diagnostics as JSON-ready dicts (``publishDiagnostics`` params)."""
    positions = _Positions(analysis.lines, encoding)
    text = analysis.text
    return [_diagnostic_json(f, text, positions) for f in findings(analysis, settings)]
