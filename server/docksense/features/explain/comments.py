"""Parser directives and pragma comments (``# check=skip=...``, ``# hadolint ignore=...``)."""

from __future__ import annotations

import re

from ...analysis import Analysis
from ...knowledge import KnowledgeBase, find_part
from .. import markdown as md
from .model import Explanation

_PRAGMA = re.compile(r"(hadolint\s+(?:global\s+)?ignore\s*=\s*|check\s*=\s*skip\s*=\s*)(\S+)")


def directive_explanations(analysis: Analysis, kb: KnowledgeBase) -> list[Explanation]:
    out: list[Explanation] = []
    for directive in analysis.tree.directives:
        entry = kb.get("directive", directive.name)
        if entry is None:
            continue
        head = Explanation.from_knowledge(directive.name_start, directive.name_end, directive.written_name,
                                          "parser directive", entry)
        head.specifics.append(f"Value: {md.code(directive.value)}.")
        out.append(head)
        if directive.name == "check":
            out.extend(_check_value(analysis, kb, entry, directive.value, directive.value_start))
        elif directive.name == "escape":
            head.specifics.append("Lines continue with this character, and it escapes the next one.")
    return out


def _check_value(analysis: Analysis, kb: KnowledgeBase, entry, value: str, base: int) -> list[Explanation]:
    out: list[Explanation] = []
    pos = 0
    for field in value.split(";"):
        key, eq, names = field.partition("=")
        key_start = base + pos + (len(key) - len(key.lstrip()))
        part = find_part(entry.options, key.strip().lower())
        if part is not None:
            out.append(Explanation.from_knowledge(key_start, key_start + len(key.strip()), key.strip(),
                                                  "check directive option", entry, part[1]))
        if eq:
            names_base = base + pos + len(key) + 1
            out.extend(rule_name_explanations(kb, names, names_base))
        pos += len(field) + 1
    return out


def rule_name_explanations(kb: KnowledgeBase, names: str, base: int) -> list[Explanation]:
    """One explanation per comma-separated rule name (or hadolint code) in ``names``."""
    # Imported here: the rules package is large and only pragma comments need its names.
    from ...rules.registry import canonical

    out: list[Explanation] = []
    pos = 0
    for name in names.split(","):
        clean = name.strip()
        start = base + pos + (len(name) - len(name.lstrip()))
        pos += len(name) + 1
        if not clean:
            continue
        rule = canonical(clean) or clean
        entry = kb.get("rule", rule)
        if entry is None:
            continue
        explanation = Explanation.from_knowledge(start, start + len(clean), clean, "rule", entry)
        explanation.specifics.append(f"Silenced here: {md.code(rule)}" +
                                     (f" (hadolint {md.code(clean)})" if rule != clean else "") + ".")
        out.append(explanation)
    return out


def comment_explanations(analysis: Analysis, kb: KnowledgeBase) -> list[Explanation]:
    out: list[Explanation] = []
    for comment in analysis.tree.comments:
        match = _PRAGMA.search(comment.text)
        if match is None:
            continue
        raw = analysis.text[comment.start:comment.end]
        at = raw.find(match.group(2), raw.find(match.group(1)[:5]))
        if at < 0:
            continue
        out.extend(rule_name_explanations(kb, match.group(2), comment.start + at))
    return out
