"""Variable scopes and values: what ``$NAME`` means at each instruction.

BuildKit's rules, as the Dockerfile reference states them and the frontend applies them:

* an ARG before the first FROM is global: visible in FROM lines, and inside a stage only
  after a bare ``ARG NAME`` re-declares it (then it takes the global default);
* inside a stage, ARG and ENV are visible from the instruction after their declaration to
  the end of the stage; ENV wins over an ARG of the same name;
* ENV is inherited by a stage built ``FROM`` another stage; ARG is not;
* values are substituted with the state from before the instruction (``ENV a=1 b=$a`` uses
  the old ``a``);
* the platform ARGs (``TARGETPLATFORM``, ``BUILDARCH`` ...) are predefined in the global
  scope; the proxy ARGs may be used without any declaration.
"""

from __future__ import annotations

import fnmatch
from typing import Callable, Optional

import attrs

from ..syntax import Dockerfile, Instruction, KeyValue
from ..syntax.variables import find_variables
from .stages import Stage
from .values import literal

PROXY_ARGS = frozenset(
    {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
     "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}
)
PLATFORM_ARGS = frozenset(
    {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
     "BUILDARCH", "BUILDVARIANT", "TARGETOSVERSION", "BUILDOSVERSION", "TARGETSTAGE"}
)


@attrs.define(eq=False)
class Definition:
    """Where a variable got its value."""

    name: str
    kind: str  # "ARG", "ENV", or "predefined"
    instruction: Optional[Instruction] = attrs.field(repr=False)
    pair: Optional[KeyValue] = attrs.field(repr=False)
    raw: Optional[str] = attrs.field()  # the value as written (None: ARG without a default)
    value: Optional[str] = attrs.field()  # the literal value with known variables substituted
    stage: Optional[Stage] = attrs.field(repr=False)  # None for the global scope
    inherited: Optional["Definition"] = None  # global ARG re-declared, or ENV from a base stage


@attrs.define(eq=False)
class Scope:
    """The variables visible just before one instruction."""

    env: dict[str, Definition]
    args: dict[str, Definition]
    global_args: dict[str, Definition]
    stage: Optional[Stage]


@attrs.frozen
class Resolution:
    """What a reference resolves to at its place."""

    name: str
    status: str  # env, arg, global, predefined, proxy, undeclared-global, undeclared-predefined, undefined
    definition: Optional[Definition]
    value: Optional[str]


class Scopes:
    """Scopes of every instruction of a file (and of ONBUILD triggers, through their parent)."""

    def __init__(self, tree: Dockerfile, preamble: list[Instruction], stages: list[Stage]):
        self._before: dict[int, Scope] = {}
        self.global_args: dict[str, Definition] = {}
        self.stage_env: dict[int, dict[str, Definition]] = {}
        self.definitions: list[Definition] = []
        self._walk(preamble, stages)

    def _walk(self, preamble: list[Instruction], stages: list[Stage]) -> None:
        global_args: dict[str, Definition] = {}
        for ins in preamble:
            self._before[id(ins)] = Scope({}, {}, global_args, None)
            if ins.name == "ARG":
                global_args = dict(global_args)
                for pair in ins.pairs:
                    value = None if pair.value is None else expand(pair.value, _lookup(global_args))
                    definition = Definition(pair.key, "ARG", ins, pair, pair.value, value, None)
                    global_args[pair.key] = definition
                    self.definitions.append(definition)
        self.global_args = global_args
        for stage in stages:
            env: dict[str, Definition] = {}
            if stage.base_stage is not None:
                base_env = self.stage_env.get(stage.base_stage.index, {})
                env = {k: attrs.evolve(d, inherited=d) for k, d in base_env.items()}
            args: dict[str, Definition] = {}
            for ins in stage.instructions:
                self._before[id(ins)] = Scope(env, args, global_args, stage)
                if ins.name == "ARG":
                    args = dict(args)
                    for pair in ins.pairs:
                        definition = self._stage_arg(ins, pair, env, args, global_args, stage)
                        args[pair.key] = definition
                        self.definitions.append(definition)
                elif ins.name == "ENV":
                    lookup = _lookup(args, env)
                    new_env = dict(env)
                    for pair in ins.pairs:
                        raw = pair.value or ""
                        definition = Definition(pair.key, "ENV", ins, pair, raw, expand(raw, lookup), stage)
                        new_env[pair.key] = definition
                        self.definitions.append(definition)
                    env = new_env
            self.stage_env[stage.index] = env

    @staticmethod
    def _stage_arg(ins, pair, env, args, global_args, stage) -> Definition:
        if pair.value is not None:
            value = expand(pair.value, _lookup(args, env))
            return Definition(pair.key, "ARG", ins, pair, pair.value, value, stage)
        inherited = global_args.get(pair.key)
        if inherited is not None:
            return Definition(pair.key, "ARG", ins, pair, None, inherited.value, stage, inherited=inherited)
        return Definition(pair.key, "ARG", ins, pair, None, None, stage)

    def scope_before(self, ins: Instruction) -> Optional[Scope]:
        while ins.parent is not None:  # an ONBUILD trigger runs in the child; show the parent's scope
            ins = ins.parent
        return self._before.get(id(ins))

    def resolve(self, name: str, ins: Instruction) -> Resolution:
        scope = self.scope_before(ins)
        if scope is None:
            return Resolution(name, "undefined", None, None)
        if ins.name == "FROM" or scope.stage is None:
            found = scope.global_args.get(name)
            if found is not None:
                return Resolution(name, "global", found, found.value)
            if name in PLATFORM_ARGS:
                return Resolution(name, "predefined", None, None)
            if name in PROXY_ARGS:
                return Resolution(name, "proxy", None, None)
            return Resolution(name, "undefined", None, None)
        found = scope.env.get(name)
        if found is not None:
            return Resolution(name, "env", found, found.value)
        found = scope.args.get(name)
        if found is not None:
            status = "predefined" if found.value is None and name in PLATFORM_ARGS else "arg"
            return Resolution(name, status, found, found.value)
        if name in PROXY_ARGS:
            return Resolution(name, "proxy", None, None)
        found = scope.global_args.get(name)
        if found is not None:
            return Resolution(name, "undeclared-global", found, None)
        if name in PLATFORM_ARGS:
            return Resolution(name, "undeclared-predefined", None, None)
        return Resolution(name, "undefined", None, None)


def _lookup(*maps: dict[str, Definition]) -> Callable[[str], Optional[str]]:
    """Value lookup over scopes, the first map winning (ENV before ARG)."""

    def get(name: str) -> Optional[str]:
        for mapping in reversed(maps):
            found = mapping.get(name)
            if found is not None:
                return found.value
        return None

    return get


def apply_modifier(value: Optional[str], modifier: str, word: str) -> Optional[str]:
    """The result of ``${V<modifier>word}`` for a known (or unset, None) value."""
    if modifier == "":
        return value
    if modifier == ":-":
        return value if value else word
    if modifier == "-":
        return value if value is not None else word
    if modifier == ":+":
        return word if value else ""
    if modifier == "+":
        return word if value is not None else ""
    if modifier in (":?", "?"):
        return value
    if value is None:
        return None
    if modifier in ("#", "##"):
        return _strip_prefix(value, word, longest=modifier == "##")
    if modifier in ("%", "%%"):
        return _strip_suffix(value, word, longest=modifier == "%%")
    if modifier in ("/", "//"):
        pattern, _, replacement = word.partition("/")
        if not pattern:
            return value
        return value.replace(pattern, replacement) if modifier == "//" else value.replace(pattern, replacement, 1)
    return value


def _strip_prefix(value: str, pattern: str, longest: bool) -> str:
    cuts = range(len(value), -1, -1) if longest else range(len(value) + 1)
    for cut in cuts:
        if fnmatch.fnmatchcase(value[:cut], pattern):
            return value[cut:]
    return value


def _strip_suffix(value: str, pattern: str, longest: bool) -> str:
    cuts = range(len(value) + 1) if longest else range(len(value), -1, -1)
    for cut in cuts:
        if fnmatch.fnmatchcase(value[cut:], pattern):
            return value[:cut]
    return value


def expand(raw: str, lookup: Callable[[str], Optional[str]]) -> str:
    """The literal value of ``raw`` with known variables substituted (unknown ones kept)."""
    if "$" not in raw:
        return literal(raw)
    refs = find_variables(raw)
    out = raw
    for ref in sorted(refs, key=lambda r: r.start, reverse=True):
        if ref.start < 0 or any(o is not ref and o.start <= ref.start and ref.end <= o.end for o in refs):
            continue  # nested inside another reference's word: handled with its parent
        value = lookup(ref.name)
        word = expand(ref.word, lookup) if ref.word else ""
        result = apply_modifier(value, ref.modifier, word)
        if result is None:
            continue
        out = out[: ref.start] + result + out[ref.end :]
    return literal(out)
