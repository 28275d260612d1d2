"""What BuildKit would do with each instruction: the dispatch state, stage by stage.

BuildKit's frontend (``dockerfile2llb/convert.go``) resolves every stage's base (expanding
global ARGs in FROM), then dispatches each instruction against a state holding the
environment, the declared build ARGs, the working directory, the user and whether a SHELL was
set; a stage built FROM another stage starts from that stage's final state. This module
replays that walk once per document version, offline, and records for every instruction the
words BuildKit expands there (with their values and the names they looked up) and the state
around it. Rules and features read it (``Analysis.build``) and never re-parse instructions.

What a file cannot know: the base image's environment. For ``scratch`` and the images known
to set nothing but ``PATH`` (alpine, busybox, debian, ubuntu) it is known; otherwise a lookup
of a name the file does not set answers "cannot tell" and values depending on it are unknown
(None). ``--build-arg`` values are not known either: ARG defaults are used, as BuildKit's
linter does; the predefined platform ARGs take the values of a ``linux/amd64`` build.
"""

from __future__ import annotations

import csv
import posixpath
from functools import cached_property
from typing import Optional

import attrs

from ..syntax import Dockerfile, Flag, Instruction, Word
from ..syntax.expansion import MAX_VALUE, SET, UNKNOWN, UNSET, Expansion, expand_word, is_literal
from ..syntax.numbers import parse_int_bounded
from .images import parse_image
from .platforms import PLATFORM_DEFAULTS, Platform, looks_windows, parse_platform
from .stages import Stage
from .values import MISSING, Layer

NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})
"""ARGs BuildKit never puts into the environment (and never reports as undefined)."""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""BuildKit adds PATH to every non-Windows stage that lacks it (system.DefaultPathEnv)."""
PATH_ONLY_IMAGES = frozenset({"alpine", "busybox", "debian", "ubuntu"})
"""Docker Hub images whose config sets no environment besides PATH."""


@attrs.define(eq=False)
class StageInfo:
    """One stage as BuildKit resolves it."""

    index: int
    stage: Stage
    instruction: Instruction
    words: list[Word]
    name_word: Optional[Word]  # the word after AS (FROM x AS name)
    name: str  # BuildKit's stage name: lower-cased, "" when unnamed
    image: Optional[Word]
    base_name: Optional[str]  # the base after global-ARG expansion (None: unknown)
    base_index: Optional[int]  # the earlier stage it builds on
    platform: Optional[Flag]
    platform_value: Optional[str]  # the --platform value after expansion (None: unknown/absent)
    windows: Optional[bool] = None  # the stage's OS is Windows (None: the file does not say)
    env_known: bool = False  # the base image's environment is known (scratch, PATH-only images)

    @property
    def parsed_platform(self) -> Optional[Platform]:
        return parse_platform(self.platform_value) if self.platform_value is not None else None


@attrs.define(slots=True, eq=False)
class Use:
    """One word BuildKit expands while dispatching an instruction."""

    role: str  # env-key env-value label-key label-value arg-value flag source dest heredoc workdir
    #            user stopsignal volume mount expose
    start: int  # its span in the document
    end: int
    value: Optional[str]  # the expanded value (None: unknown offline, malformed, or too large)
    expansion: Optional[Expansion] = None  # None: the word is literal (expands to itself)
    quotes: bool = True  # False: a heredoc body (expanded without quote processing)
    word: Optional[Word] = None
    undefined: tuple[str, ...] = ()  # names BuildKit reports as undefined here (UndefinedVar)
    env: Optional[Layer] = None  # the environment it was expanded in (see env_names) ...
    before: int = 0  # ... as it was before this sequence number

    @property
    def error(self) -> str:
        """Why BuildKit would refuse the word ("" when it would not)."""
        return self.expansion.error if self.expansion is not None else ""

    def env_names(self) -> list[str]:
        """Names in the environment at this word, in BuildKit's insertion order."""
        if self.env is None:
            return []
        return [name for name, _ in self.env.names(self.before)]


@attrs.define(slots=True, eq=False)
class Step:
    """One dispatched instruction and the state around it."""

    instruction: Instruction
    stage: StageInfo
    uses: "list[Use] | tuple[()]"  # () until the first word is recorded
    workdir_set: bool = False  # some WORKDIR ran before, in this stage or a base stage
    workdir: Optional[str] = None  # the working directory before it ("/" by default; None: unknown)
    user: Optional[str] = None  # the USER in effect before it (None: the base image's)
    shell_set: bool = False  # an exec-form SHELL ran before, in this stage or a base stage
    from_stage: Optional[int] = None  # the stage COPY --from= (or RUN --mount from=) names
    #                                    (None: none, an image, or unknown)
    destination: Optional[str] = None  # COPY/ADD destination resolved against WORKDIR (None: unknown)

    def uses_of(self, *roles: str) -> list[Use]:
        return [u for u in self.uses if u.role in roles]


@attrs.define(slots=True, frozen=True)
class Limit:
    """A word whose value was not worked out: too large (MAX_VALUE) or nested too deep (MAX_DEPTH)."""

    instruction: Instruction
    start: int
    end: int
    too_deep: bool  # False: too large


@attrs.define(eq=False)
class _State:
    env: Layer  # values: str, or None when unknown
    args: Layer  # declared ARG names (values unused)
    info: StageInfo
    workdir_set: bool = False
    workdir: Optional[str] = "/"
    user: Optional[str] = None
    shell_set: bool = False

    def lookup(self, before: int):
        env, known = self.env, self.info.env_known

        def get(name: str) -> tuple[int, Optional[str]]:
            found, _ = env.find(name, before)
            if found is not MISSING:
                return SET, found
            return (UNSET, None) if known else (UNKNOWN, None)

        return get

    def declared(self, name: str, before: int) -> bool:
        return self.args.find(name, before)[0] is not MISSING

    def child(self, info: StageInfo) -> "_State":
        """A stage built FROM this one inherits its environment, ARGs, WORKDIR, USER and SHELL."""
        return _State(Layer(self.env), Layer(self.args), info, self.workdir_set, self.workdir, self.user,
                      self.shell_set)


_RECORDED = frozenset({"env-key", "source", "dest", "workdir", "user", "expose", "from"})
"""Roles whose literal words are recorded too (the others matter only when they expand)."""


class BuildModel:
    """The dispatch of every stage (computed once per analysis: ``Analysis.build``)."""

    def __init__(self, tree: Dockerfile, preamble: list[Instruction], stages: list[Stage]):
        self.escape = tree.escape
        self.global_env: dict[str, str] = dict(PLATFORM_DEFAULTS)  # predefined + global ARG values
        self.global_declared: dict[str, None] = {}  # ARG keys before the first FROM (ordered set)
        self.meta_ok = True  # the global ARG defaults expand without error
        self.declared: set[str] = set()  # every ARG and ENV key anywhere in the file
        self.stages: list[StageInfo] = []
        self.steps: list[Step] = []  # in dispatch order: stage by stage, instruction by instruction
        self._by_instruction: dict[int, Step] = {}
        self._by_name: dict[str, list[Step]] = {}
        self.limits: list[Limit] = []  # words not expanded because of a bound, in file order
        self._first_named: dict[str, int] = {}  # stage name -> index of the first stage so named
        self._seq = 0
        self._resolve_stages(tree, preamble, stages)
        self._dispatch()

    # -- reading ----------------------------------------------------------------------------
    def global_lookup(self, name: str) -> tuple[int, Optional[str]]:
        if name in self.global_env:
            return SET, self.global_env[name]
        return UNSET, None

    def expand_global(self, text: str) -> Expansion:
        """A word of a FROM line expanded with the global ARGs (as BuildKit does)."""
        return expand_word(text, self.global_lookup, self.escape)

    def from_arg_names(self) -> list[str]:
        """Names FROM may use: declared global ARGs, then the predefined ones."""
        names = list(self.global_declared)
        names.extend(k for k in self.global_env if k not in self.global_declared)
        return names

    def steps_of(self, *names: str) -> list[Step]:
        """The steps of the instructions named (``"COPY"``, ``"ADD"``...), in dispatch order."""
        if len(names) == 1:
            return self._by_name.get(names[0], [])
        wanted = set(names)
        return [s for s in self.steps if s.instruction.name in wanted]

    def step(self, ins: Instruction) -> Optional[Step]:
        """The dispatch record of an instruction of a stage (not FROM, not the global scope)."""
        return self._by_instruction.get(id(ins))

    def stage_named(self, name: str, before: int) -> Optional[int]:
        """The index of the stage ``--from=name`` reaches from stage ``before``."""
        key = name.lower()
        first = self._first_named.get(key)
        if first is not None and first < before:
            return first
        index = parse_int_bounded(key)  # ASCII digits only, bounded length
        if index is not None and index < before:
            return index
        return None

    # -- stages -----------------------------------------------------------------------------
    def _resolve_stages(self, tree: Dockerfile, preamble: list[Instruction], stages: list[Stage]) -> None:
        names: list[tuple[Optional[Word], str]] = []
        for stage in stages:
            words = stage.instruction.words
            if len(words) == 3 and words[1].text.lower() == "as":
                names.append((words[2], words[2].text.lower()))
            else:
                names.append((None, ""))
        self.global_env["TARGETSTAGE"] = names[-1][1] if names and names[-1][1] else "default"
        for ins in preamble:
            if ins.name != "ARG":
                continue
            for pair in ins.pairs:
                self.global_declared[pair.key] = None
                if pair.value is not None:
                    expanded = self.expand_global(pair.value)
                    self._limit(expanded, ins, pair.value_start, pair.value_end)
                    if expanded.error:
                        self.meta_ok = False
                    self.global_env[pair.key] = expanded.value or ""
        for ins in tree.instructions:
            if ins.name in ("ARG", "ENV"):
                self.declared.update(p.key for p in ins.pairs)
        by_name: dict[str, int] = {}
        for stage, (name_word, name) in zip(stages, names):
            base_name = None
            if stage.image is not None:
                expanded = self.expand_global(stage.image.text)
                self._limit(expanded, stage.instruction, stage.image.start, stage.image.end)
                base_name = None if expanded.error else expanded.value
            platform = stage.instruction.flag("platform")
            platform_value = None
            if platform is not None and platform.value is not None:
                expanded = self.expand_global(platform.value)
                known = not (expanded.error or expanded.matched or expanded.unmatched)
                platform_value = expanded.value if known else None
            base_index = by_name.get(base_name) if base_name is not None else None
            info = StageInfo(stage.index, stage, stage.instruction, stage.instruction.words, name_word, name,
                             stage.image, base_name, base_index, platform, platform_value)
            info.windows = _stage_os(info)
            info.env_known = _env_known(base_name)
            self.stages.append(info)
            if name:
                by_name[name] = stage.index
                self._first_named.setdefault(name, stage.index)

    # -- dispatch ---------------------------------------------------------------------------
    def _dispatch(self) -> None:
        states: list[_State] = []
        for info in self.stages:
            if info.base_index is not None and info.base_index < len(states):
                state = states[info.base_index].child(info)
            else:
                # the base image's WORKDIR is "/" only when its config is known to set none
                state = _State(Layer(), Layer(), info, workdir="/" if info.env_known else None)
                if info.windows is not True:
                    state.env.set("PATH", self._next(), DEFAULT_PATH if info.env_known else None)
            steps, by_instruction, by_name = self.steps, self._by_instruction, self._by_name
            handlers = self._handlers
            for ins in info.stage.instructions[1:]:
                step = Step(ins, info, (), state.workdir_set, state.workdir, state.user, state.shell_set)
                steps.append(step)
                by_instruction[id(ins)] = step
                name = ins.name
                group = by_name.get(name)
                if group is None:
                    by_name[name] = [step]
                else:
                    group.append(step)
                handler = handlers.get(name)
                if handler is not None:
                    handler(ins, state, step)
            states.append(state)

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _use(self, step: Step, state: _State, role: str, text: str, start: int, end: int,
             word: Optional[Word] = None, quotes: bool = True, report: bool = True) -> Use:
        """Expand one word as BuildKit's dispatch does, noting the names it would report.

        A literal word is recorded only for the roles whose value checks read (keeping the
        record small keeps a 5,000-line file's dispatch cheap); it is returned either way."""
        before = self._seq + 1
        if is_literal(text) and len(text) <= MAX_VALUE:
            use = Use(role, start, end, text, None, quotes, word, (), state.env, before)
            if role in _RECORDED:
                self._record(step, use)
            return use
        escape = self.escape if quotes else "\\"
        expansion = expand_word(text, state.lookup(before), escape, quotes=quotes)
        undefined: tuple[str, ...] = ()
        if report and expansion.unmatched:
            undefined = tuple(name for name in expansion.unmatched
                              if name not in NON_ENV_ARGS and not state.declared(name, before))
        use = Use(role, start, end, expansion.value, expansion, quotes, word, undefined, state.env, before)
        self._record(step, use)
        self._limit(expansion, step.instruction, start, end)
        return use

    @staticmethod
    def _record(step: Step, use: Use) -> None:
        if step.uses:
            step.uses.append(use)  # type: ignore[union-attr]
        else:
            step.uses = [use]

    def _limit(self, expansion: Expansion, ins: Instruction, start: int, end: int) -> None:
        if expansion.too_large or expansion.too_deep:
            self.limits.append(Limit(ins, start, end, expansion.too_deep))

    @cached_property
    def _handlers(self):
        return {"ENV": self._env, "LABEL": self._label, "ARG": self._arg, "COPY": self._copy, "ADD": self._copy,
                "WORKDIR": self._workdir, "USER": self._words, "STOPSIGNAL": self._words,
                "VOLUME": self._words, "RUN": self._run, "SHELL": self._shell, "EXPOSE": self._expose}

    def _env(self, ins: Instruction, st: _State, step: Step) -> None:
        updates = []
        for pair in ins.pairs:
            key = self._use(step, st, "env-key", pair.key, pair.key_start, pair.key_end)
            value: Optional[str] = ""
            if pair.value is not None:
                value = self._use(step, st, "env-value", pair.value, pair.value_start, pair.value_end).value
            updates.append((key.value if key.value is not None else pair.key, value))
        for key_text, value in updates:
            st.env.set(key_text, self._next(), value)

    def _label(self, ins: Instruction, st: _State, step: Step) -> None:
        for pair in ins.pairs:
            self._use(step, st, "label-key", pair.key, pair.key_start, pair.key_end)
            if pair.value is not None:
                self._use(step, st, "label-value", pair.value, pair.value_start, pair.value_end)

    def _words(self, ins: Instruction, st: _State, step: Step) -> None:
        """USER, STOPSIGNAL, VOLUME: every word is expanded."""
        role = ins.name.lower()
        for word in ins.words:
            text = word.text if ins.form == "exec" else word.raw or word.text
            use = self._use(step, st, role, text, word.start, word.end, word)
            if role == "user":
                st.user = use.value

    def _run(self, ins: Instruction, st: _State, step: Step) -> None:
        for flag in ins.flags:
            if flag.name.lower() == "mount" and flag.value is not None:
                use = self._use(step, st, "mount", flag.value, flag.value_start, flag.value_end)
                source = _mount_from(use.value) if use.value is not None else None
                if source is not None and step.from_stage is None:
                    step.from_stage = self.stage_named(source, st.info.index)

    def _shell(self, ins: Instruction, st: _State, step: Step) -> None:
        if ins.form == "exec":
            st.shell_set = True

    def _expose(self, ins: Instruction, st: _State, step: Step) -> None:
        for word in ins.words:  # BuildKit does not report undefined names here
            self._use(step, st, "expose", word.text, word.start, word.end, word, report=False)

    def _arg(self, ins: Instruction, st: _State, step: Step) -> None:
        for pair in ins.pairs:
            value: Optional[str]
            if pair.value is not None:
                value = self._use(step, st, "arg-value", pair.value, pair.value_start, pair.value_end).value
            elif pair.key in self.global_env:
                value = self.global_env[pair.key]
            else:
                st.args.set(pair.key, self._next(), True)
                continue
            seq = self._next()
            if pair.key not in NON_ENV_ARGS:
                st.env.set(pair.key, seq, value)
            st.args.set(pair.key, seq, True)

    def _copy(self, ins: Instruction, st: _State, step: Step) -> None:
        wanted = ("chown", "chmod", "checksum") if ins.name == "ADD" else ("chown", "chmod")
        for flag in ins.flags:
            if flag.name.lower() in wanted and flag.value is not None:
                self._use(step, st, "flag", flag.value, flag.value_start, flag.value_end)
        words = ins.words
        heredoc_words = bool(ins.heredocs)
        last: Optional[Use] = None
        for index, word in enumerate(words):
            if heredoc_words and word.text.startswith("<<"):
                continue
            text = word.text if ins.form == "exec" else word.raw or word.text
            role = "source" if index < len(words) - 1 else "dest"
            last = self._use(step, st, role, text, word.start, word.end, word)
        for doc in ins.heredocs:
            if doc.expand and doc.body_end > doc.body_start:
                self._use(step, st, "heredoc", doc.content, doc.body_start, doc.body_end, quotes=False)
        if last is not None and last.role == "dest" and last.value is not None:
            dest = last.value
            if dest.startswith("/"):
                step.destination = dest
            elif st.workdir is not None and st.info.windows is not True:
                # BuildKit joins a relative destination to WORKDIR and marks a directory with a
                # trailing slash when it is written with one or is "." (dispatchCopy)
                joined = posixpath.normpath(posixpath.join(st.workdir, dest))
                directory = dest.endswith("/") or dest == "."
                step.destination = joined + "/" if directory and joined != "/" else joined
        from_flag = ins.flag("from") if ins.name == "COPY" else None
        if from_flag is not None and from_flag.value:
            expanded = self._use(step, st, "from", from_flag.value, from_flag.value_start, from_flag.value_end,
                                 report=False)
            if expanded.value is not None:
                step.from_stage = self.stage_named(expanded.value, st.info.index)

    def _workdir(self, ins: Instruction, st: _State, step: Step) -> None:
        if not ins.words:
            return
        word = ins.words[0]
        use = self._use(step, st, "workdir", word.text, word.start, word.end, word)
        path = use.value
        if path is not None and path.startswith("/"):
            st.workdir = posixpath.normpath(path)
        elif path is None or st.workdir is None or st.info.windows:
            st.workdir = None  # unknown (or a Windows path this model does not resolve)
        else:
            st.workdir = posixpath.normpath(posixpath.join(st.workdir, path))
        st.workdir_set = True


def _mount_from(spec: str) -> Optional[str]:
    """The ``from=`` of a ``--mount`` spec (fields are comma-separated CSV, as BuildKit reads them)."""
    if len(spec) > 4096 or "from" not in spec.lower():
        return None
    try:
        fields = next(csv.reader([spec]))
    except (csv.Error, StopIteration):
        return None
    for field in fields:
        key, sep, value = field.partition("=")
        if sep and key.strip().lower() == "from":
            return value.strip()
    return None


def _stage_os(info: StageInfo) -> Optional[bool]:
    """True for a Windows stage, False for Linux, None when the file does not say."""
    if info.platform_value is not None:
        parsed = parse_platform(info.platform_value)
        if parsed is not None:
            return parsed.os == "windows"
    base = (info.base_name or "").lower()
    if looks_windows(base):
        return True
    if base == "scratch":
        return False
    ref = parse_image(base) if base else None
    if ref is not None and not ref.registry and ref.repository in PATH_ONLY_IMAGES:
        return False
    return None


def _env_known(base: Optional[str]) -> bool:
    if base == "scratch":
        return True
    if base:
        ref = parse_image(base)
        return ref is not None and not ref.registry and ref.repository in PATH_ONLY_IMAGES
    return False
