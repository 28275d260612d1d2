"""Every rule has a knowledge page and an up-to-date docs page; every diagnostic links to one."""

from __future__ import annotations

import subprocess
import sys

from docksense.knowledge import KnowledgeBase
from docksense.rules import RULES

from .conftest import ROOT


def test_every_rule_has_a_knowledge_page():
    kb = KnowledgeBase()
    missing = [name for name in RULES if kb.get("rule", name) is None]
    assert missing == []


def test_every_rule_has_a_docs_url():
    assert all(rule.docs_url.startswith("https://") for rule in RULES.values())


def test_docs_pages_are_generated_and_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
