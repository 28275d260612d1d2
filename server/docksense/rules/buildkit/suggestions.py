"""Did-you-mean suggestions for UndefinedVar over a large environment, without comparing every
undefined name with every defined one.

BuildKit's suggest.Search picks the defined name closest to the undefined one (distance 1 or
2, the first such name in environment order on ties). A file with thousands of ENV names and
thousands of undefined references made that millions of edit-distance computations (66 KB took
minutes). Two strings within edit distance 2 always share a string obtained by deleting at
most two characters from each, so each layer of names is indexed once by those deletion
variants and a query only verifies the few names it shares a variant with.
"""

from __future__ import annotations

from typing import Optional

from ...analysis.values import MISSING, Layer
from .common import levenshtein, suggest

_INDEXED_LENGTH = 24  # longer names are compared directly (their variant sets grow as length^2)
_SMALL = 64  # environments up to this size are searched directly, as BuildKit does


def _variants(name: str, deletions: int) -> set[str]:
    """Every string obtained from ``name`` by deleting up to ``deletions`` (1 or 2) characters."""
    out = {name}
    for i in range(len(name)):
        once = name[:i] + name[i + 1:]
        out.add(once)
        if deletions > 1:
            for j in range(i, len(once)):
                out.add(once[:j] + once[j + 1:])
    return out


class _LayerIndex:
    """One layer's own names (as final after the dispatch) by deletion variant."""

    __slots__ = ("names", "first", "index", "close", "long")

    def __init__(self, layer: Layer):
        own = layer.own_names()
        self.names = [name for name, _ in own]
        self.first = [seq for _, seq in own]
        self.index: dict[str, list[int]] = {}  # up to two deletions: distance <= 2
        self.close: dict[str, list[int]] = {}  # up to one deletion: distance <= 1
        self.long: list[int] = []
        for position, name in enumerate(self.names):
            if len(name) > _INDEXED_LENGTH:
                self.long.append(position)
                continue
            for variant in _variants(name, 2):
                self.index.setdefault(variant, []).append(position)
            for variant in _variants(name, 1):
                self.close.setdefault(variant, []).append(position)

    def near(self, name: str, variants: Optional[set[str]], tight: bool) -> set[int]:
        if variants is None:  # a long query: every name of a close length
            return {p for p, other in enumerate(self.names) if abs(len(other) - len(name)) < 3}
        table = self.close if tight else self.index
        found: set[int] = set()
        for variant in variants:
            found.update(table.get(variant, ()))
        found.update(p for p in self.long if abs(len(self.names[p]) - len(name)) < 3)
        return found


class Suggester:
    """Suggestions against the environment of the words of one analysis."""

    def __init__(self) -> None:
        self._indexes: dict[int, _LayerIndex] = {}

    def _index(self, layer: Layer) -> _LayerIndex:
        found = self._indexes.get(id(layer))
        if found is None:
            found = self._indexes[id(layer)] = _LayerIndex(layer)
        return found

    def suggest(self, name: str, layer: Optional[Layer], before: int, size_hint: int) -> str:
        """The name BuildKit would suggest for ``name`` in ``layer`` before ``before``."""
        if layer is None:
            return ""
        if size_hint <= _SMALL:
            return suggest(name, [n for n, _ in layer.names(before)])
        if layer.find(name, before)[0] is not MISSING:
            return ""  # an exact match: the problem is elsewhere
        chain = layer.chain()
        long_query = len(name) > _INDEXED_LENGTH
        # distance 1 first (few candidates), then distance 2 only when nothing is that close
        for tight in (True, False):
            variants = None if long_query else _variants(name, 1 if tight else 2)
            best: tuple[int, int, int] = (2 if tight else 3, 0, 0)
            match = ""
            for depth, level in enumerate(chain):
                index = self._index(level)
                rank = len(chain) - 1 - depth  # the oldest base's names come first
                for position in index.near(name, variants, tight):
                    if depth == 0 and index.first[position] >= before:
                        continue  # declared later in this stage
                    candidate = index.names[position]
                    distance = levenshtein(name, candidate, 3)
                    key = (distance, rank, position)
                    if key < best:
                        best, match = key, candidate
            if match:
                return match
        return ""
