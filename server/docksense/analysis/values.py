"""Variable tables that are shared, not copied, and the literal value of a word.

A Dockerfile changes its variables one ARG or ENV at a time, and every instruction wants to
know the table "as it was just before me". Copying the table at each change costs
O(instructions x variables) memory (20,000 ENV lines made 2.8 GB); a :class:`Layer` instead
keeps, per name, the list of values it took with the sequence number at which each took
effect, so "the table before sequence s" is a bisect, and a stage built on another stage reads
its base's layer (as it was at its end) through ``parent`` instead of copying it.

``literal``: dockerfile-parse's ``WordSplitter`` implements the shell-like quoting Docker
documents for ENV/LABEL/ARG values; it is kept for words the expander refuses (a half-typed
quote), where showing something beats showing nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any, Callable, Iterator, Mapping, Optional

from dockerfile_parse.util import WordSplitter

from ..syntax.words import unquote

MISSING: Any = object()
_NO_ENTRIES: dict = {}  # never written to: Layer.set replaces it first


class Layer:
    """One versioned table of variables (the ENV of a stage, its ARGs, the global ARGs)."""

    __slots__ = ("parent", "_seqs", "_values", "__weakref__")

    def __init__(self, parent: Optional["Layer"] = None):
        while parent is not None and not parent._seqs:  # an empty base adds nothing: skip it
            parent = parent.parent
        self.parent = parent
        # shared empty tables until the first value (most stages declare nothing: fewer objects
        # for the garbage collector to walk in a large file)
        self._seqs: dict[str, list[int]] = _NO_ENTRIES
        self._values: dict[str, list[Any]] = _NO_ENTRIES

    def set(self, name: str, seq: int, value: Any) -> None:
        """``name`` takes ``value`` from sequence number ``seq`` on (seqs only grow)."""
        if self._seqs is _NO_ENTRIES:
            self._seqs, self._values = {}, {}
        seqs = self._seqs.get(name)
        if seqs is None:
            self._seqs[name] = [seq]
            self._values[name] = [value]
        else:
            seqs.append(seq)
            self._values[name].append(value)

    def own(self, name: str, before: Optional[int] = None) -> Any:
        """The value this layer gives ``name`` before ``before`` (None: at its end), or MISSING."""
        seqs = self._seqs.get(name)
        if seqs is None:
            return MISSING
        if before is None:
            return self._values[name][-1]
        index = bisect_left(seqs, before)
        return self._values[name][index - 1] if index else MISSING

    def find(self, name: str, before: Optional[int] = None) -> tuple[Any, bool]:
        """``(value, inherited)``: this layer's value before ``before``, else a parent's final one."""
        found = self.own(name, before)
        if found is not MISSING:
            return found, False
        layer = self.parent
        while layer is not None:
            values = layer._values.get(name)
            if values is not None:
                return values[-1], True
            layer = layer.parent
        return MISSING, False

    def own_names(self) -> list[tuple[str, int]]:
        """``(name, sequence number of its first value)`` of this layer, in insertion order."""
        return [(name, seqs[0]) for name, seqs in self._seqs.items()]

    def chain(self) -> list["Layer"]:
        """This layer and the layers it continues, nearest first."""
        out: list[Layer] = []
        layer: Optional[Layer] = self
        while layer is not None:
            out.append(layer)
            layer = layer.parent
        return out

    def names(self, before: Optional[int] = None) -> Iterator[tuple[str, bool]]:
        """``(name, inherited)`` of every name visible before ``before``, each once, in the
        order a copied dict would hold them: the oldest base's names first."""
        chain: list[Layer] = []
        layer: Optional[Layer] = self.parent
        while layer is not None:
            chain.append(layer)
            layer = layer.parent
        seen: set[str] = set()
        for layer in reversed(chain):
            for name in layer._seqs:
                if name not in seen:
                    seen.add(name)
                    yield name, True
        for name, seqs in self._seqs.items():
            if name not in seen and (before is None or seqs[0] < before):
                seen.add(name)
                yield name, False


class LayerView(Mapping[str, Any]):
    """A read-only mapping of a layer as it is before a sequence number.

    ``inherit`` turns a value found in a parent layer into what this layer shows for it (for
    ENV: a definition marked as inherited from the base stage).
    """

    __slots__ = ("_layer", "_before", "_inherit")

    def __init__(self, layer: Layer, before: Optional[int] = None,
                 inherit: Optional[Callable[[Any], Any]] = None):
        self._layer = layer
        self._before = before
        self._inherit = inherit

    def __getitem__(self, name: str) -> Any:
        value, inherited = self._layer.find(name, self._before)
        if value is MISSING:
            raise KeyError(name)
        return self._inherit(value) if inherited and self._inherit is not None else value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._layer.find(name, self._before)[0] is not MISSING

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._layer.names(self._before))

    def __len__(self) -> int:
        return sum(1 for _ in self._layer.names(self._before))

    def __repr__(self) -> str:
        return f"LayerView({dict(self)!r})"


def literal(raw: str, escape: str = "\\") -> str:
    """The literal value of an ENV/LABEL/ARG word: quotes removed, escapes applied."""
    if escape != "\\" or '"' in raw and "\\" in raw:
        return unquote(raw, escape)
    try:
        return WordSplitter(raw).dequote()
    except Exception:
        return unquote(raw, escape)
