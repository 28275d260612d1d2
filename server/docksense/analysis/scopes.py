"""Variable scopes and values: what ``$NAME`` means at each instruction.

BuildKit's rules, as the Dockerfile reference states them and the frontend applies them:

* an ARG before the first FROM is global: visible in FROM lines, and inside a stage only
  after a bare ``ARG NAME`` re-declares it (then it takes the global default);
* inside a stage, ARG and ENV are visible from the instruction after their declaration to
  the end of the stage; ENV wins over an ARG of the same name;
* ENV is inherited by a stage built ``FROM`` another stage; ARG is not;
* values are substituted with the state from before the instruction (``ENV a=1 b=$a`` uses
  the old ``a``); the pairs of one ARG see the pairs before them;
* the platform ARGs (``TARGETPLATFORM``, ``BUILDARCH`` ...) are predefined in the global
  scope; the proxy ARGs may be used without any declaration.

Values are expanded by the one expansion engine (:mod:`docksense.syntax.expansion`) in its
"keep unknown" mode: a reference to something the file does not define stays as written.
Tables are versioned layers (:mod:`.values`), never copies, so memory is linear in the file.
"""

from __future__ import annotations

from typing import Callable, Iterator, Mapping, Optional

import attrs

from ..syntax import Dockerfile, Instruction, KeyValue
from ..syntax.expansion import MAX_VALUE, SET, TOO_LARGE, UNSET, TooLarge, apply_modifier, expand_word
from .stages import Stage
from .values import MISSING, Layer, LayerView, literal

PROXY_ARGS = frozenset(
    {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
     "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}
)
PLATFORM_ARGS = frozenset(
    {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
     "BUILDARCH", "BUILDVARIANT", "TARGETOSVERSION", "BUILDOSVERSION", "TARGETSTAGE"}
)
TOO_DEEP = TooLarge("(too deeply nested to show)")

__all__ = ["PROXY_ARGS", "PLATFORM_ARGS", "TOO_LARGE", "TOO_DEEP", "Definition", "Scope", "Resolution",
           "Scopes", "apply_modifier", "expand"]


@attrs.define(eq=False)
class Definition:
    """Where a variable got its value."""

    name: str
    kind: str  # "ARG", "ENV", or "predefined"
    instruction: Optional[Instruction] = attrs.field(repr=False)
    pair: Optional[KeyValue] = attrs.field(repr=False)
    raw: Optional[str] = attrs.field()  # the value as written (None: ARG without a default)
    # the literal value with known variables substituted; TOO_LARGE / TOO_DEEP (strings that
    # say so) when it was not computed
    value: Optional[str] = attrs.field()
    stage: Optional[Stage] = attrs.field(repr=False)  # None for the global scope
    inherited: Optional["Definition"] = None  # global ARG re-declared, or ENV from a base stage

    @property
    def computed(self) -> bool:
        """False when the value was too large or too deeply nested to compute."""
        return not isinstance(self.value, TooLarge)


class Scope:
    """The variables visible just before one instruction (read-only mappings name -> Definition).

    ``env`` includes the ENV inherited from base stages (as definitions whose ``inherited``
    points at the base stage's); ``args`` the stage's ARGs; ``global_args`` the global ARGs
    (all of them inside a stage, those declared so far in the global scope).
    """

    __slots__ = ("env", "args", "global_args", "stage")

    def __init__(self, env: Mapping[str, Definition], args: Mapping[str, Definition],
                 global_args: Mapping[str, Definition], stage: Optional[Stage]):
        self.env = env
        self.args = args
        self.global_args = global_args
        self.stage = stage


@attrs.frozen
class Resolution:
    """What a reference resolves to at its place."""

    name: str
    status: str  # env, arg, global, predefined, proxy, undeclared-global, undeclared-predefined, undefined
    definition: Optional[Definition]
    value: Optional[str]


_EMPTY = Layer()


class _StageTables:
    __slots__ = ("stage", "env", "args")

    def __init__(self, stage: Stage, env: Layer, args: Layer):
        self.stage = stage
        self.env = env
        self.args = args


class Scopes:
    """Scopes of every instruction of a file (and of ONBUILD triggers, through their parent)."""

    def __init__(self, tree: Dockerfile, preamble: list[Instruction], stages: list[Stage]):
        self._escape = tree.escape
        self._seq = 0
        self._at: dict[int, tuple[Optional[_StageTables], int]] = {}  # id(ins) -> (tables, seq before)
        self._tables: dict[int, _StageTables] = {}
        self._inherited: dict[tuple[int, str], Definition] = {}
        self._global = Layer()
        self.definitions: list[Definition] = []
        self._walk(preamble, stages)
        self.global_args: dict[str, Definition] = {
            name: self._global.own(name) for name, _ in self._global.names()}

    # -- building ---------------------------------------------------------------------------
    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _walk(self, preamble: list[Instruction], stages: list[Stage]) -> None:
        glob = self._global
        for ins in preamble:
            self._at[id(ins)] = (None, self._seq + 1)
            if ins.name != "ARG":
                continue
            for pair in ins.pairs:
                value = None
                if pair.value is not None:
                    value = self._expand(pair.value, self._global_lookup(self._seq + 1))
                definition = Definition(pair.key, "ARG", ins, pair, pair.value, value, None)
                glob.set(pair.key, self._next(), definition)
                self.definitions.append(definition)
        for stage in stages:
            base = self._tables.get(stage.base_stage.index) if stage.base_stage is not None else None
            tables = _StageTables(stage, Layer(base.env if base is not None else None), Layer())
            self._tables[stage.index] = tables
            for ins in stage.instructions:
                before = self._seq + 1
                self._at[id(ins)] = (tables, before)
                if ins.name == "ARG":
                    for pair in ins.pairs:
                        definition = self._stage_arg(ins, pair, tables, stage)
                        tables.args.set(pair.key, self._next(), definition)
                        self.definitions.append(definition)
                elif ins.name == "ENV":
                    lookup = self._stage_lookup(tables, before)
                    for pair in ins.pairs:
                        raw = pair.value or ""
                        definition = Definition(pair.key, "ENV", ins, pair, raw, self._expand(raw, lookup), stage)
                        tables.env.set(pair.key, self._next(), definition)
                        self.definitions.append(definition)

    def _stage_arg(self, ins: Instruction, pair: KeyValue, tables: _StageTables, stage: Stage) -> Definition:
        if pair.value is not None:
            value = self._expand(pair.value, self._stage_lookup(tables, self._seq + 1))
            return Definition(pair.key, "ARG", ins, pair, pair.value, value, stage)
        inherited = self._global.own(pair.key)
        if inherited is not MISSING:
            return Definition(pair.key, "ARG", ins, pair, None, inherited.value, stage, inherited=inherited)
        return Definition(pair.key, "ARG", ins, pair, None, None, stage)

    def _global_lookup(self, before: int) -> Callable[[str], tuple[int, Optional[str]]]:
        glob = self._global

        def get(name: str) -> tuple[int, Optional[str]]:
            found = glob.own(name, before)
            if found is MISSING or found.value is None:
                return UNSET, None
            return SET, found.value

        return get

    @staticmethod
    def _stage_lookup(tables: _StageTables, before: int) -> Callable[[str], tuple[int, Optional[str]]]:
        def get(name: str) -> tuple[int, Optional[str]]:
            for layer in (tables.env, tables.args):  # ENV wins over ARG
                found, _ = layer.find(name, before)
                if found is not MISSING and found.value is not None:
                    return SET, found.value
            return UNSET, None

        return get

    def _expand(self, raw: str, lookup: Callable[[str], tuple[int, Optional[str]]]) -> str:
        return _shown_value(raw, lookup, self._escape)

    # -- reading ----------------------------------------------------------------------------
    def _inherit(self, tables: _StageTables) -> Callable[[Definition], Definition]:
        def wrap(definition: Definition) -> Definition:
            key = (tables.stage.index, definition.name)
            found = self._inherited.get(key)
            if found is None or found.inherited is not definition:
                found = attrs.evolve(definition, inherited=definition)
                self._inherited[key] = found
            return found

        return wrap

    def scope_before(self, ins: Instruction) -> Optional[Scope]:
        while ins.parent is not None:  # an ONBUILD trigger runs in the child; show the parent's scope
            ins = ins.parent
        at = self._at.get(id(ins))
        if at is None:
            return None
        tables, before = at
        if tables is None:
            return Scope(LayerView(_EMPTY), LayerView(_EMPTY), LayerView(self._global, before), None)
        return Scope(LayerView(tables.env, before, self._inherit(tables)), LayerView(tables.args, before),
                     self.global_args, tables.stage)

    @property
    def stage_env(self) -> Mapping[int, Mapping[str, Definition]]:
        """The ENV at the end of each stage (by stage index), inherited ENV included."""
        return _StageEnv(self)

    def visible(self, ins: Instruction) -> dict[str, Resolution]:
        """Every variable in effect before ``ins`` (what a completion offers), by name."""
        scope = self.scope_before(ins)
        if scope is None:
            return {}
        names: list[str] = list(scope.global_args)
        if scope.stage is not None and ins.name != "FROM":
            names = list(scope.env) + list(scope.args)
        return {name: self.resolve(name, ins) for name in dict.fromkeys(names)}

    def resolve(self, name: str, ins: Instruction) -> Resolution:
        top = ins
        while top.parent is not None:
            top = top.parent
        at = self._at.get(id(top))
        if at is None:
            return Resolution(name, "undefined", None, None)
        tables, before = at
        if ins.name == "FROM" or tables is None:
            found = self._global.own(name, before) if tables is None else self.global_args.get(name, MISSING)
            if found is not MISSING:
                return Resolution(name, "global", found, found.value)
            if name in PLATFORM_ARGS:
                return Resolution(name, "predefined", None, None)
            if name in PROXY_ARGS:
                return Resolution(name, "proxy", None, None)
            return Resolution(name, "undefined", None, None)
        found, inherited = tables.env.find(name, before)
        if found is not MISSING:
            if inherited:
                found = self._inherit(tables)(found)
            return Resolution(name, "env", found, found.value)
        found, _ = tables.args.find(name, before)
        if found is not MISSING:
            status = "predefined" if found.value is None and name in PLATFORM_ARGS else "arg"
            return Resolution(name, status, found, found.value)
        if name in PROXY_ARGS:
            return Resolution(name, "proxy", None, None)
        found = self.global_args.get(name)
        if found is not None:
            return Resolution(name, "undeclared-global", found, None)
        if name in PLATFORM_ARGS:
            return Resolution(name, "undeclared-predefined", None, None)
        return Resolution(name, "undefined", None, None)


class _StageEnv(Mapping[int, Mapping[str, Definition]]):
    __slots__ = ("_scopes",)

    def __init__(self, scopes: Scopes):
        self._scopes = scopes

    def __getitem__(self, index: int) -> Mapping[str, Definition]:
        tables = self._scopes._tables[index]
        return LayerView(tables.env, None, self._scopes._inherit(tables))

    def __iter__(self) -> Iterator[int]:
        return iter(self._scopes._tables)

    def __len__(self) -> int:
        return len(self._scopes._tables)


def expand(raw: str, lookup: Callable[[str], Optional[str]], escape: str = "\\") -> str:
    """The literal value of ``raw`` with known variables substituted (unknown ones kept)."""

    def get(name: str) -> tuple[int, Optional[str]]:
        value = lookup(name)
        return (UNSET, None) if value is None else (SET, value)

    return _shown_value(raw, get, escape)


def _shown_value(raw: str, lookup: Callable[[str], tuple[int, Optional[str]]], escape: str) -> str:
    """The value a hover shows: expanded, or a marker saying why not; a word BuildKit would
    refuse (a half-typed quote) is shown dequoted as well as it can be."""
    result = expand_word(raw, lookup, escape, keep_unknown=True)
    if result.value is not None:
        return result.value
    if result.too_large:
        return TOO_LARGE
    if result.too_deep:
        return TOO_DEEP
    return literal(raw, escape) if len(raw) <= MAX_VALUE else TOO_LARGE
