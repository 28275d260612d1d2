"""A rule's documentation page, from its knowledge-base entry and its registry entry.

One source for ``docs/rules/<Name>.md`` (``scripts/gen_rule_docs.py``) and for
``docksense rule NAME``. ShellCheck codes have no entry of their own: their page is a short
one pointing at ShellCheck's wiki.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import RULES
from .shellcheck import is_shellcheck_code

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase


def page(name: str, kb: KnowledgeBase) -> str:
    rule = RULES[name]
    entry = kb.get("rule", name)
    if entry is None:
        raise LookupError(f"rule {name} has no knowledge page (knowledge/rules/{name}.toml)")
    lines = [f"# {name}", "", entry.summary.strip(), ""]
    facts = [f"family `{rule.family}`", f"default severity `{rule.severity}`"]
    if rule.aliases:
        facts.append("hadolint " + ", ".join(f"`{a}`" for a in rule.aliases))
    if rule.fixable:
        facts.append("quick fix available")
    if rule.experimental:
        facts.append("experimental (off unless enabled)")
    lines += ["*" + "; ".join(facts) + "*", ""]
    lines += ["## What it flags", "", " ".join(entry.purpose.split()), ""]
    lines += ["## Why it matters", "", " ".join(entry.why.split()), ""]
    if entry.fix:
        lines += ["## How to fix", "", " ".join(entry.fix.split()), ""]
    if entry.bad.strip():
        lines += ["## Example", "", "Flagged:", "", "```dockerfile", entry.bad.strip("\n"), "```", ""]
    if entry.good.strip():
        lines += ["Fixed:", "", "```dockerfile", entry.good.strip("\n"), "```", ""]
    lines += ["## Silencing it", "",
              f"`# check=skip={name}` at the top of the file (or on the line above one instruction)"
              + (f", `# hadolint ignore={rule.aliases[0]}`" if rule.aliases else "")
              + f", or the setting `docksense.rules.severity` = `{{\"{name}\": \"off\"}}`.", ""]
    if entry.docs:
        lines += [f"More: <{entry.docs}>", ""]
    return "\n".join(lines)


def shellcheck_page(name: str) -> str:
    rule = RULES.get(name)
    summary = rule.summary if rule is not None else f"ShellCheck {name}"
    severity = f"default severity `{rule.severity}`" if rule is not None else "severity from ShellCheck's level"
    return "\n".join([
        f"# {name}", "", summary, "", f"*family `shellcheck`; {severity}*", "",
        "Reported by ShellCheck in the shell code of RUN, heredocs and shell-form commands.", "",
        "## Silencing it", "",
        f"`# hadolint ignore={name}` on the line above the instruction, `# check=skip={name}`, or the "
        f"setting `docksense.rules.severity` = `{{\"{name}\": \"off\"}}`.", "",
        f"More: <https://www.shellcheck.net/wiki/{name}>", ""])
