"""Well-known paths (``/var/lib/apt/lists``, ``/root/.cache/pip`` ...)."""

from __future__ import annotations

import re

from ...knowledge import KnowledgeBase
from .model import Explanation

_WINDOWS_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]|[\\/]")


def is_absolute(path: str) -> bool:
    """An absolute path in the image: ``/app``, or on Windows images ``C:\\app``, ``C:/app``
    and ``\\app`` (BuildKit resolves those against the system drive, not the WORKDIR)."""
    return bool(_WINDOWS_ABSOLUTE.match(path))


def _candidates(text: str) -> list[str]:
    path = text.strip("'\"")
    out = [path]
    for suffix in ("/*", "/", "/**"):
        if path.endswith(suffix) and len(path) > len(suffix):
            out.append(path[: -len(suffix)])
    return out


def path_explanation(kb: KnowledgeBase, text: str, start: int, end: int) -> Explanation | None:
    if not text.startswith(("/", "'/", '"/')):
        return None
    for candidate in _candidates(text):
        entry = kb.get("path", candidate)
        if entry is not None:
            return Explanation.from_knowledge(start, end, text, "path", entry)
    return None
