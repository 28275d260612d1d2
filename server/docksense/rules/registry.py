"""The rule registry: every check by its stable name, with hadolint codes as aliases."""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from .model import Finding, Rule

RULES: dict[str, Rule] = {}
_ALIASES: dict[str, str] = {}

BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule/{slug}/"
OUR_DOCS = "https://github.com/docksense/docksense/blob/main/docs/rules/{name}.md"


def _slug(name: str) -> str:
    out = []
    for index, ch in enumerate(name):
        if ch.isupper() and index and (not name[index - 1].isupper() or
                                        (index + 1 < len(name) and name[index + 1].islower())):
            out.append("-")
        out.append(ch.lower())
    return "".join(out)


def rule(
    name: str,
    *,
    family: str,
    severity: str,
    summary: str,
    aliases: Iterable[str] = (),
    experimental: bool = False,
    fixable: bool = False,
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a check function under a stable name."""

    def register(check: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        docs = BUILDKIT_DOCS.format(slug=_slug(name)) if family == "buildkit" else OUR_DOCS.format(name=name)
        entry = Rule(name, family, severity, summary, check, tuple(aliases), experimental, fixable, docs)
        RULES[name] = entry
        for alias in entry.aliases:
            _ALIASES[alias.upper()] = name
        return check

    return register


def canonical(name: str) -> Optional[str]:
    """The rule name for a name or alias (hadolint codes are case-insensitive)."""
    if name in RULES:
        return name
    return _ALIASES.get(name.upper())
