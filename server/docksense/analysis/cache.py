"""Parse once per document version: a small cache keyed by URI and version."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the analysis modules load on the first document, not at server start
    from .document import Analysis


class AnalysisCache:
    """Keeps the analysis of the latest version of each open document (and a few closed ones)."""

    def __init__(self, capacity: int = 64):
        self.capacity = capacity
        self._items: "OrderedDict[str, tuple[object, str, Analysis]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, uri: str, version: object, text: str, path: Optional[Path] = None) -> Analysis:
        with self._lock:
            hit = self._items.get(uri)
            if hit is not None and hit[0] == version and hit[1] is text or (
                hit is not None and hit[0] == version and hit[1] == text
            ):
                self._items.move_to_end(uri)
                return hit[2]
        from .document import Analysis

        analysis = Analysis(text, path)
        with self._lock:
            self._items[uri] = (version, text, analysis)
            self._items.move_to_end(uri)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return analysis

    def drop(self, uri: str) -> None:
        with self._lock:
            self._items.pop(uri, None)
