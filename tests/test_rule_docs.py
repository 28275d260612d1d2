"""Every rule has a knowledge page and an up-to-date docs page; every diagnostic links to one."""

from __future__ import annotations

import subprocess
import sys

from docksense.knowledge import KnowledgeBase
from docksense.rules import RULES as ALL_RULES
from docksense.rules.shellcheck import is_shellcheck_code

from .conftest import ROOT

# SC codes are registered as ShellCheck reports them: their pages are ShellCheck's wiki
RULES = {name: rule for name, rule in ALL_RULES.items() if not is_shellcheck_code(name)}


def test_every_rule_has_a_knowledge_page():
    kb = KnowledgeBase()
    missing = [name for name in RULES if kb.get("rule", name) is None]
    assert missing == []


def test_pages_agree_with_the_registry():
    kb = KnowledgeBase()
    disagree = []
    for name, rule in RULES.items():
        page = kb.get("rule", name)
        if (page.family, page.severity, list(page.aliases)) != (rule.family, rule.severity, list(rule.aliases)):
            disagree.append((name, (page.family, page.severity, page.aliases), (rule.family, rule.severity, rule.aliases)))
        if not (page.fix and page.docs.startswith("https://")):
            disagree.append((name, "fix or docs missing"))
    assert disagree == []


def test_every_rule_has_a_docs_url():
    assert all(rule.docs_url.startswith("https://") for rule in ALL_RULES.values())


def test_docs_pages_are_generated_and_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# Rules whose examples cannot be checked from the snippet alone.
_CONTEXT_DEPENDENT = {
    "CopyIgnoredFile": "needs a .dockerignore beside the file",
    "InternalError": "reported only for a docksense bug",
    "LineTooLong": "the example stands for a 64 KiB line",
    "DocumentTooLarge": "the example stands for a file past 1,000,000 bytes (tests/test_document_too_large.py)",
    "EndOfLifeBaseImage": "depends on today's date",
    # need a .hadolint.yaml (tests/test_rules_project_config.py) or are off by default
    **{name: "needs the project's .hadolint.yaml" for name in (
        "RegistryNotTrusted", "HadolintConfigInvalid", "LabelMissing", "LabelNotInSchema", "LabelEmpty",
        "LabelNotUrl", "LabelNotRfc3339", "LabelNotSpdx", "LabelNotGitHash", "LabelNotSemver", "LabelNotEmail")},
    "HealthcheckMissing": "off by default",
    "InlineIgnorePragma": "off by default",
    "ShellCheckUnavailable": "reported only when ShellCheck is missing",
    "ShellCheck": "reports under the SC codes (tests/test_shellcheck.py checks its example)",
}


def _runnable(name: str, snippet: str) -> str:
    text = snippet.strip("\n") + "\n"
    if any(line.strip().upper().startswith("FROM") for line in text.splitlines()) or name in (
        "NoFromInstruction", "NoInstructions") or text.lstrip().startswith("#"):
        return text
    return "FROM alpine:3.20\n" + text


def test_docs_examples_are_accurate():
    import sys as _sys

    _sys.path.insert(0, str(ROOT))
    from tests.rule_helpers import findings

    kb = KnowledgeBase()
    wrong = []
    for name in RULES:
        page = kb.get("rule", name)
        if page is None or name in _CONTEXT_DEPENDENT:
            continue
        if page.bad.strip() and not findings(_runnable(name, page.bad), name):
            wrong.append(f"{name}: bad example not flagged")
        if page.good.strip() and findings(_runnable(name, page.good), name):
            wrong.append(f"{name}: good example flagged")
    assert wrong == []
