"""The knowledge base: TOML entries under ``knowledge/``, typed and indexed."""

from .base import KnowledgeBase, find_part
from .loader import KnowledgeProblem
from .models import Entry, Lifecycle, LifecycleLine, Part, entry_id

__all__ = [
    "Entry",
    "KnowledgeBase",
    "KnowledgeProblem",
    "Lifecycle",
    "LifecycleLine",
    "Part",
    "entry_id",
    "find_part",
]
