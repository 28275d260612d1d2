"""Hover on a LABEL key: what a well-known key (OCI annotations, maintainer, OpenShift, BuildKit
frontend labels) means and who reads it, from the knowledge base's ``label`` entries."""

from __future__ import annotations

from typing import Optional

from ...knowledge import KnowledgeBase
from ...syntax.nodes import KeyValue
from .. import markdown as md
from .model import Explanation


def label_explanation(kb: KnowledgeBase, pair: KeyValue) -> Optional[Explanation]:
    """The explanation of a well-known label key, or None for a key we have no entry for."""
    key = pair.key.strip("'\"")
    entry = kb.get("label", key) if key else None
    if entry is None:
        return None
    explanation = Explanation.from_knowledge(pair.key_start, pair.key_end, pair.key, "label", entry)
    if entry.name != key:
        explanation.specifics.append(f"An older spelling of {md.code(entry.name)}.")
    if pair.value is not None:
        explanation.specifics.append(f"Value: {md.code(pair.value)}.")
    return explanation


__all__ = ["label_explanation"]
