"""Helpers for rule tests: run the checks on a text, apply a finding's fix."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from docksense.analysis import Analysis
from docksense.rules import Finding, RuleConfig, run_rules


def findings(text: str, rule: Optional[str] = None, path: Optional[Path] = None,
             config: Optional[RuleConfig] = None) -> list[Finding]:
    """All findings (or those of one rule) for ``text``."""
    found = run_rules(Analysis(text, path), config or RuleConfig(experimental=["all"]))
    return [f for f in found if rule is None or f.rule == rule]


def lines_of(text: str, found: list[Finding]) -> list[int]:
    """1-based line numbers of the findings' starts (as BuildKit's tests state them)."""
    return [text.count("\n", 0, f.start) + 1 for f in found]


def apply_fix(text: str, finding: Finding) -> str:
    """The text after applying ``finding.fix`` (edits applied from the end)."""
    assert finding.fix is not None, f"{finding.rule} has no fix"
    out = text
    for edit in sorted(finding.fix.edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[: edit.start] + edit.new_text + out[edit.end :]
    return out
