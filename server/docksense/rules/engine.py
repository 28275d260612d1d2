"""Running the registered rules over an analysis, with settings and suppressions applied.

A rule's severity is decided in this order, each step overriding the previous one:

1. the rule's default;
2. the project's ``.hadolint.yaml`` (``override`` lists, ``ignored`` means off);
3. the editor settings ``rules.severity`` (rule names or hadolint aliases): the user's
   explicit choice, so it wins over the project file;
4. ``# check=error=true``: BuildKit-family findings become errors (the build fails on them),
   unless the rule was switched off.

A rule runs when its family is on (``rules.families``), its severity is not ``off``, and, for
an experimental rule, when ``rules.experimental``, the ``check`` directive or a ``check``
comment above some instruction enables it. Its findings are then filtered by the in-file
suppressions (see :mod:`.suppressions` for their exact semantics and the reasons).
"""

from __future__ import annotations

import logging
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

import attrs

from . import families  # noqa: F401  (registers every family)
from .context import use_knowledge, use_size_limit
from .document_too_large import too_large
from .hadolint_config import use_project_config
from .implicit_stage import findings_before_from
from .model import Finding, Rule
from .registry import RULES, canonical
from .suppressions import Suppressions, names_in

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase

log = logging.getLogger(__name__)


@attrs.define
class RuleConfig:
    """Which rules run and how loud they are: the engine's input (settings plus run options)."""

    severity: dict[str, str] = attrs.Factory(dict)  # rule name or alias -> severity or "off"
    families: dict[str, bool] = attrs.Factory(dict)
    experimental: list[str] = attrs.Factory(list)  # rule names or aliases, or "all"
    # honour .hadolint.yaml found beside the document (and above it)
    project_config: bool = True
    # stop looking for .hadolint.yaml here (the workspace folder); None: the filesystem root
    workspace_root: Optional[Path] = None
    # where to look for .hadolint.yaml when the document has no path (stdin: the cwd)
    search_from: Optional[Path] = None
    # the knowledge base rules read through rules.context.knowledge_of (None: bundled)
    knowledge: Optional["KnowledgeBase"] = None
    # limits.maxDocumentBytes: past it the families in LARGE_DOCUMENT_SKIPS do not run and
    # DocumentTooLarge says so once (None or 0: no limit)
    max_document_bytes: Optional[int] = 1_000_000

    def explicit_severity(self, name: str) -> Optional[str]:
        """The severity the settings give rule ``name`` (by name or alias), if they do."""
        for key, value in self.severity.items():
            if canonical(key) == name:
                return value
        return None

    def severity_of(self, name: str, default: str) -> str:
        explicit = self.explicit_severity(name)
        return default if explicit is None else explicit


def suppressions_for(analysis, config: RuleConfig) -> Suppressions:
    """The suppressions that apply to one analysed document under ``config``."""
    return Suppressions(
        analysis.tree,
        analysis.path,
        workspace_root=config.workspace_root,
        search_from=config.search_from,
        read_project_config=config.project_config,
    )


def rule_severity(rule: Rule, config: RuleConfig, suppressions: Suppressions) -> str:
    """The severity of a rule's findings in this document ("off": do not run it)."""
    explicit = config.explicit_severity(rule.name)
    if explicit is not None:
        severity = explicit
    else:
        severity = suppressions.project_severity(rule) or rule.severity
    if severity != "off" and suppressions.escalates(rule):
        return "error"
    return severity


# Families whose cost grows with what the shell scripts hold (a model of every RUN script,
# ShellCheck processes): left out past ``max_document_bytes``. The per-instruction families
# (syntax, buildkit, eol) are linear and always run.
LARGE_DOCUMENT_SKIPS = frozenset({"practice", "shellcheck"})

# Families whose findings for one document version can change (ShellCheck's verdicts arrive
# in the background): run each time, never taken from the per-version memo below.
_NOT_MEMOISED = frozenset({"shellcheck"})


def _raw_memo(analysis, config: RuleConfig, suppressions: Suppressions) -> dict[str, list[Finding]]:
    """What each rule produced for this analysis (one document version), before severities
    and suppressions, kept while the inputs rules read besides the analysis (the knowledge
    base, the project's .hadolint.yaml) are the same objects: a second push for the same
    version (ShellCheck's verdicts landed, settings changed) reruns only what can differ."""
    memo = getattr(analysis, "memo", None)
    if memo is None:
        return {}
    inputs = (config.knowledge, suppressions.hadolint)
    held = memo.get("rules.engine.raw")
    if held is None or held[0][0] is not inputs[0] or held[0][1] is not inputs[1]:
        held = (inputs, {})
        memo["rules.engine.raw"] = held
    return held[1]  # type: ignore[no-any-return]


# A finding's fields in constructor order: copying one through its constructor costs a
# quarter of ``attrs.evolve`` (which looks the fields up on every call); an edit copies
# every finding of the document once.
_FINDING_FIELDS = attrs.fields(Finding)
_finding_values = attrgetter(*(field.name for field in _FINDING_FIELDS))
_COPY_BY_CONSTRUCTOR = all(field.init and not field.kw_only and field.alias in (None, field.name)
                           for field in _FINDING_FIELDS)


def copy_finding(finding: Finding) -> Finding:
    """A shallow copy of ``finding`` (the engine sets the copy's severity)."""
    if _COPY_BY_CONSTRUCTOR and type(finding) is Finding:
        return Finding(*_finding_values(finding))
    return attrs.evolve(finding)


def run_rules(analysis, config: Optional[RuleConfig] = None) -> list[Finding]:
    """All findings, each rule isolated so that one failing rule never hides the others."""
    config = config or RuleConfig()
    suppressions = suppressions_for(analysis, config)
    use_knowledge(analysis, config.knowledge)
    use_size_limit(analysis, config.max_document_bytes)
    large = too_large(analysis.text, config.max_document_bytes)
    raw = _raw_memo(analysis, config, suppressions)
    use_project_config(analysis, suppressions.hadolint)
    experimental = names_in(config.experimental)
    all_experimental = "all" in config.experimental
    findings: list[Finding] = []
    for rule in list(RULES.values()):
        if not config.families.get(rule.family, True):
            continue
        if large and rule.family in LARGE_DOCUMENT_SKIPS:
            continue
        severity = rule_severity(rule, config, suppressions)
        if severity == "off":
            continue
        globally = True
        if rule.experimental:
            globally = all_experimental or rule.name in experimental or suppressions.file_enables(rule)
            if not globally and not suppressions.locally_enabled_anywhere(rule):
                continue
        try:
            produced: Iterable[Finding]
            remembered = raw.get(rule.name)
            if remembered is not None:  # the same version again: copies of what it produced
                produced = [copy_finding(finding) for finding in remembered]
            else:
                produced = list(rule.check(analysis))
                if rule.family not in _NOT_MEMOISED:
                    raw[rule.name] = [copy_finding(finding) for finding in produced]
            for finding in produced:
                # a family-wide rule may report under a sub-rule's name (ShellCheck: one rule
                # per SC code); that rule's settings and suppressions then apply
                target = rule if finding.rule == rule.name else RULES.get(finding.rule, rule)
                level = severity if target is rule else rule_severity(target, config, suppressions)
                if level == "off" or suppressions.suppressed(finding, target, globally):
                    continue
                finding.severity = level
                findings.append(finding)
        except Exception:
            log.exception("rule %s failed", rule.name)
    # a half-written file: the instructions before its first FROM are checked too
    findings = findings_before_from(analysis, findings, lambda virtual: run_rules(virtual, config))
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return findings
