"""Running the registered rules over an analysis, with settings and suppressions applied."""

from __future__ import annotations

import logging
from typing import Iterable, Optional

import attrs

from . import syntax  # noqa: F401  (registers the family)
from .model import Finding
from .registry import RULES, canonical

log = logging.getLogger(__name__)


@attrs.define
class RuleConfig:
    """Which rules run and how loud they are (from settings, directives and pragmas)."""

    severity: dict[str, str] = attrs.Factory(dict)  # rule name or alias -> severity or "off"
    families: dict[str, bool] = attrs.Factory(dict)
    experimental: list[str] = attrs.Factory(list)

    def severity_of(self, name: str, default: str) -> str:
        for key, value in self.severity.items():
            if canonical(key) == name:
                return value
        return default


def run_rules(analysis, config: Optional[RuleConfig] = None) -> list[Finding]:
    """All findings, each rule isolated so that one failing rule never hides the others."""
    config = config or RuleConfig()
    findings: list[Finding] = []
    for rule in RULES.values():
        if not config.families.get(rule.family, True):
            continue
        if rule.experimental and rule.name not in config.experimental and "all" not in config.experimental:
            continue
        severity = config.severity_of(rule.name, rule.severity)
        if severity == "off":
            continue
        try:
            produced: Iterable[Finding] = rule.check(analysis)
            for finding in produced:
                finding.severity = severity
                findings.append(finding)
        except Exception:
            log.exception("rule %s failed", rule.name)
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return findings
