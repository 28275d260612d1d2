"""Write docs/rules/<Name>.md for every rule from its knowledge-base page.

The knowledge base is the single source; these Markdown pages are what a diagnostic's
``codeDescription.href`` opens for our own rules. ``--check`` exits 1 when a page is missing or
out of date (the test suite runs it).

    python scripts/gen_rule_docs.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docksense.knowledge import KnowledgeBase
from docksense.rules import RULES
from docksense.rules.docs_page import page
from docksense.rules.shellcheck import is_shellcheck_code

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "rules"


def index(kb: KnowledgeBase) -> str:
    lines = ["# docksense rules", "", "| rule | family | severity | hadolint | summary |", "| --- | --- | --- | --- | --- |"]
    for name in sorted((n for n in RULES if not is_shellcheck_code(n)), key=lambda n: (RULES[n].family, n)):
        rule = RULES[name]
        entry = kb.get("rule", name)
        summary = entry.summary.strip().replace("|", "\\|") if entry else ""
        lines.append(f"| [{name}]({name}.md) | {rule.family} | {rule.severity} | {', '.join(rule.aliases)} | {summary} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    check = "--check" in sys.argv[1:]
    kb = KnowledgeBase()
    # SC codes are registered as ShellCheck reports them; ShellCheck's wiki is their page
    wanted = {f"{name}.md": page(name, kb) for name in RULES if not is_shellcheck_code(name)}
    wanted["README.md"] = index(kb)
    stale = []
    for filename, content in wanted.items():
        path = OUT / filename
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != content:
            stale.append(filename)
            if not check:
                OUT.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
    extra = [p.name for p in OUT.glob("*.md") if p.name not in wanted]
    if check:
        for name in stale:
            print(f"docs/rules/{name} is missing or out of date: run python scripts/gen_rule_docs.py")
        for name in extra:
            print(f"docs/rules/{name} belongs to no rule")
        return 1 if stale or extra else 0
    for name in extra:
        (OUT / name).unlink()
    print(f"{len(wanted)} pages, {len(stale)} written, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
