"""What a rule may read besides its analysis: the knowledge base and the size limit the run was
configured with.

Rules take only an :class:`~docksense.analysis.Analysis`, so that they stay plain functions.
Rules that need facts from the knowledge base (image lifecycles for the end-of-life family,
command facts for practice rules) call :func:`knowledge_of`: it returns the base the caller
configured (``docksense check --knowledge DIR``, the server's ``knowledge.paths``), or one
shared bundled base. This module imports no rule family, so rule modules may import it at
module level without an import cycle through the engine.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Callable, Optional, TypeVar

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase

T = TypeVar("T")

_configured: "weakref.WeakKeyDictionary[object, KnowledgeBase]" = weakref.WeakKeyDictionary()
_size_limits: "weakref.WeakKeyDictionary[object, int]" = weakref.WeakKeyDictionary()
_default: Optional["KnowledgeBase"] = None
_lock = threading.Lock()


def use_knowledge(analysis: object, kb: Optional["KnowledgeBase"]) -> None:
    """Make ``kb`` the knowledge base rules see for this analysis (None: the bundled one)."""
    if kb is None:
        _configured.pop(analysis, None)
    else:
        _configured[analysis] = kb


def use_size_limit(analysis: object, limit: Optional[int]) -> None:
    """The ``limits.maxDocumentBytes`` the rules run under for ``analysis`` (None: no limit)."""
    if limit:
        _size_limits[analysis] = limit
    else:
        _size_limits.pop(analysis, None)


def size_limit_of(analysis: object) -> Optional[int]:
    """The size limit (bytes) configured for the run over ``analysis``, if any."""
    return _size_limits.get(analysis)


def knowledge_of(analysis: object) -> "KnowledgeBase":
    """The knowledge base for rules running over ``analysis``."""
    kb = _configured.get(analysis)
    if kb is not None:
        return kb
    global _default
    with _lock:
        if _default is None:
            from ..knowledge import KnowledgeBase

            _default = KnowledgeBase()
        return _default


def computed_once(analysis: object, key: str, compute: "Callable[[], T]") -> "T":
    """``compute()`` once per analysis (one document version), shared by the rules that need it.

    A family that works out all its findings in one pass stores the pass here, so each of its
    rules reads from it instead of walking the file again; it lives and dies with the analysis.
    """
    memo = getattr(analysis, "memo", None)
    if memo is None:  # not an Analysis (a test double): no caching
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]
