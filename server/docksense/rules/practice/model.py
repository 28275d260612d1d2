"""The model every practice rule reads: each RUN's commands, parsed once per analysis.

Every RUN is parsed once (the analysis's shared parse, the one hover uses), commands are
indexed by program name and classified only when a rule asks, so the family stays linear in
the size of the file.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

import attrs

from ...analysis.commands import Located
from ...analysis.shell import SimpleCommand, Word, WordRole, classify
from ...syntax import Instruction
from ..context import computed_once, knowledge_of
from ..instructions import parse_mount

if TYPE_CHECKING:
    from ...analysis import Analysis
    from ...analysis.stages import Stage
    from ...knowledge import KnowledgeBase

FAMILY = "practice"
_MEMO_KEY = "practice.model"

# Roles of a command, kept across document versions. The shared shell parse
# (analysis.commands.parse_shell) hands every version the same SimpleCommand object for a RUN
# whose text did not change, so after an edit only the edited RUN's commands are classified
# again. Keyed by identity (rules compare the roles' words to the command's words with
# ``is``); the entry holds the command and the knowledge base so their ids stay theirs.
_ROLES_LIMIT = 8192
_roles_cache: "OrderedDict[tuple[int, int], tuple[SimpleCommand, KnowledgeBase, list[WordRole]]]" = OrderedDict()
_roles_lock = threading.Lock()


def roles_of(command: SimpleCommand, kb: "KnowledgeBase") -> list[WordRole]:
    """``classify(command, kb)``, remembered for this very command object and knowledge base."""
    key = (id(command), id(kb))
    with _roles_lock:
        held = _roles_cache.get(key)
        if held is not None and held[0] is command and held[1] is kb:
            _roles_cache.move_to_end(key)
            return held[2]
    roles = classify(command, kb)
    with _roles_lock:
        _roles_cache[key] = (command, kb, roles)
        if len(_roles_cache) > _ROLES_LIMIT:
            _roles_cache.popitem(last=False)
    return roles


@attrs.define(eq=False)
class Cmd:
    """One simple command of a RUN, with its classification computed on first use."""

    loc: Located
    run: "Run"
    name: str  # basename of the program as written
    kb: "KnowledgeBase" = attrs.field(repr=False)
    _roles: Optional[list[WordRole]] = None

    @property
    def command(self) -> SimpleCommand:
        return self.loc.command

    @property
    def words(self) -> tuple[Word, ...]:
        return self.loc.command.words

    @property
    def args(self) -> tuple[Word, ...]:
        return self.loc.command.words[1:]

    @property
    def roles(self) -> list[WordRole]:
        """What each word is to the program (subcommand, option, value ...), from the knowledge base."""
        if self._roles is None:
            self._roles = roles_of(self.loc.command, self.kb)
        return self._roles

    def span(self, word: Word) -> tuple[int, int]:
        """Document offsets of one of this command's words."""
        return self.loc.span(word.start, word.end)

    def flags(self) -> list[str]:
        """Option names the way hadolint's ``getAllFlags`` reads them.

        ``--name=value`` gives ``name``; ``-abc`` gives ``a``, ``b``, ``c`` (so ``-qq`` counts
        ``q`` twice); ``-`` and ``--`` are not flags.
        """
        out: list[str] = []
        for word in self.args:
            text = word.text
            if text in ("-", "--") or not text.startswith("-"):
                continue
            if text.startswith("--"):
                out.append(text[2:].split("=", 1)[0])
            else:
                out.extend(text[1:])
        return out

    def has_flag(self, *names: str) -> bool:
        wanted = set(names)
        return any(name in wanted for name in self.flags())

    def arg_texts(self) -> list[str]:
        return [word.text for word in self.args]

    def subcommand(self, wanted: Iterable[str]) -> Optional[Word]:
        """The subcommand word when it is one of ``wanted`` (``install``, ``add`` ...).

        The first operand a program reads is its subcommand. An operand the knowledge base
        does not know as a subcommand may be the value of an option it does not know, so the
        search goes on past it; a known subcommand that is not wanted ends it.
        """
        names = set(wanted)
        for role in self.roles[1:]:
            if role.role == "subcommand":
                return role.word if role.word.text in names or role.key in names else None
            if role.role == "operand":
                if role.word.text in names:
                    return role.word
        return None

    def operands_after(self, word: Word, value_options: Iterable[str] = ()) -> list[Word]:
        """Operands after ``word``: no options, no values of options.

        An option takes the next word as its value when the knowledge base says so, or when
        it is in ``value_options`` (hadolint's ``dropFlagArg`` lists, names without dashes;
        any letter of a short bundle counts, as in hadolint).
        """
        values = set(value_options)
        classified_values = {id(r.word) for r in self.roles if r.role == "option-value"}
        out: list[Word] = []
        skip_next = False
        started = False
        for arg in self.args:
            if not started:
                started = arg is word
                continue
            text = arg.text
            if id(arg) in classified_values and not text.startswith("-"):
                skip_next = False
                continue
            if skip_next:
                skip_next = False
                continue
            if text == "--":
                continue
            if text.startswith("-") and len(text) > 1:
                if "=" not in text:
                    names = [text[2:]] if text.startswith("--") else list(text[1:])
                    skip_next = any(name in values for name in names)
                continue
            out.append(arg)
        return out


@attrs.define(eq=False)
class Run:
    """A RUN instruction (or an ONBUILD RUN trigger) and its commands in source order."""

    top: Instruction  # the instruction in the file (the ONBUILD for a trigger)
    run: Instruction  # the RUN itself
    stage: Optional["Stage"]
    shell: list[str]
    cmds: list[Cmd] = attrs.Factory(list)

    @property
    def trigger(self) -> bool:
        return self.top is not self.run

    def mounts(self) -> list[tuple[str, str]]:
        """``(type, target)`` of each ``--mount`` (BuildKit's default type is ``bind``)."""
        out: list[tuple[str, str]] = []
        for flag in self.run.flags:
            if flag.name.lower() == "mount" and flag.value:
                spec = parse_mount(flag.value)
                out.append((spec.type, spec.target or ""))
        return out

    def cache_mount_with(self, fragment: str) -> bool:
        """hadolint's ``hasCacheOrTmpfsMountWith``: a cache or tmpfs mount over ``fragment``."""
        return any(kind in ("cache", "tmpfs") and fragment in target for kind, target in self.mounts())

    def named(self, *names: str) -> list[Cmd]:
        wanted = set(names)
        return [cmd for cmd in self.cmds if cmd.name in wanted]


@attrs.define(eq=False)
class Model:
    """What every practice rule reads: the RUNs, and which stages end up in an image."""

    runs: list[Run]
    shipped: set[int]  # indexes of the last stage and of stages other stages build FROM
    by_name: dict[str, list[Cmd]] = attrs.Factory(dict)  # program name -> commands, in order

    def runs_of(self, *names: str) -> Iterator[tuple[Run, Cmd]]:
        """Every command named one of ``names``, with its RUN, in source order."""
        if len(names) == 1:
            found = self.by_name.get(names[0], [])
        else:
            order = {id(run): index for index, run in enumerate(self.runs)}
            found = sorted((cmd for name in names for cmd in self.by_name.get(name, [])),
                           key=lambda cmd: order[id(cmd.run)])
        for cmd in found:
            yield cmd.run, cmd


def basename(text: str) -> str:
    """``/usr/bin/apt-get`` -> ``apt-get``: rules match programs by name wherever they live."""
    if "/" not in text and "\\" not in text:
        return text  # the common case, without building new strings (every command, every version)
    return text.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]


def model_of(analysis: "Analysis") -> Model:
    """The shared model, built on first use and kept with the analysis."""
    return computed_once(analysis, _MEMO_KEY, lambda: build_model(analysis))


def build_model(analysis: "Analysis") -> Model:
    """Every RUN (and ONBUILD RUN) with its commands, from the analysis's shared parse (the
    same one hover uses), under the SHELL in effect for it."""
    kb = knowledge_of(analysis)
    runs: list[Run] = []
    by_name: dict[str, list[Cmd]] = {}
    stages = analysis.stages
    shipped = {len(stages) - 1} if stages else set()
    for stage in stages:
        if stage.base_stage is not None:
            shipped.add(stage.base_stage.index)
        for ins in stage.instructions:
            run_ins = ins.trigger if ins.trigger is not None else ins
            if run_ins.name != "RUN":
                continue
            run = Run(ins, run_ins, stage, list(analysis.shell_for(ins)))
            for loc in analysis.commands(ins):
                words = loc.command.words
                if not words or words[0].has_expansion:
                    continue
                cmd = Cmd(loc, run, basename(words[0].text), kb)
                run.cmds.append(cmd)
                by_name.setdefault(cmd.name, []).append(cmd)
            runs.append(run)
    return Model(runs, shipped, by_name)
