"""Diagnostics: findings of the rule engine as LSP diagnostics, with the fix in ``data``."""

from __future__ import annotations

from typing import Any, Optional

from lsprotocol import types

from ..analysis import Analysis
from ..rules import RULES, Finding, RuleConfig, run_rules
from ..settings import Settings
from .positions import to_range

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
    )


def findings(analysis: Analysis, settings: Settings) -> list[Finding]:
    if not settings.diagnostics.enable:
        return []
    return run_rules(analysis, rule_config(settings))


def fix_data(finding: Finding, analysis: Analysis, encoding: str) -> Optional[dict[str, Any]]:
    """The finding's fix as JSON for ``Diagnostic.data`` (LSP ranges, ready to apply)."""
    if finding.fix is None:
        return None
    return {
        "rule": finding.rule,
        "fix": {
            "title": finding.fix.title,
            "preferred": finding.fix.preferred,
            "safe": finding.fix.safe,
            "edits": [
                {
                    "range": _range_json(to_range(analysis.lines, e.start, e.end, encoding)),
                    "newText": e.new_text,
                }
                for e in finding.fix.edits
            ],
        },
    }


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
