"""Hover on a package name in a distribution install command (``apt-get install``, ``apk add``,
``dnf``/``yum``/``microdnf install``, ``zypper install``): what the package provides and why a
Dockerfile installs it, from the knowledge base's ``package`` entries.

Language package managers (pip, npm, gem, ...) install other ecosystems' packages with the same
verbs, so a Debian or Alpine package text is only given for the distribution installers.
"""

from __future__ import annotations

from typing import Optional

from ...knowledge import KnowledgeBase
from .. import markdown as md
from .model import Explanation

# "<command entry name> <subcommand key>" as commands.py builds it for the owner of an operand.
DISTRO_INSTALLERS = frozenset({
    "apt-get install", "apt install", "aptitude install",
    "apk add",
    "dnf install", "yum install", "microdnf install", "tdnf install",
    "zypper install",
})


def package_explanation(kb: KnowledgeBase, text: str, owner: str, start: int, end: int) -> Optional[Explanation]:
    """The explanation of the package named by ``text`` when ``owner`` installs distribution packages."""
    if owner not in DISTRO_INSTALLERS or not text or text.startswith("-") or "$" in text:
        return None
    entry = kb.distro_package(text)
    if entry is None:
        return None
    explanation = Explanation.from_knowledge(start, end, text, f"package installed by {owner}", entry)
    command = kb.package(entry.name)
    if command is not None and command.kind == "command":
        explanation.specifics.append(f"Provides the {md.code(command.name)} command.")
    return explanation


__all__ = ["DISTRO_INSTALLERS", "package_explanation"]
