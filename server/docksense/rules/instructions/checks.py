"""The one pass over an analysis that collects every finding of the family: the driver
(keywords, flags, substitutions) and one ``_check_<instruction>`` method per instruction."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Optional

from ...syntax import Flag, Instruction, Word
from ...syntax.numbers import parse_signed_int_bounded
from ...syntax.words import unquote
from ..model import Edit, Finding, Fix
from .mounts import device_problems, parse_mount
from .spec import (
    _DURATION_FLAGS,
    _EXPANDED,
    _EXPANDED_FLAGS,
    _KEYWORD_SET,
    _RULES,
    _STAGE_NAME,
    _TRIGGER_NOTE,
    BOOL,
    FLAG_SPECS,
    KEYWORDS,
    STRINGS,
)
from .substitutions import substitution_problem
from .suggest import match_case, suggest
from .values import (
    _INTEGER,
    chmod_problem,
    parse_go_duration,
    parse_go_int,
    platform_problem,
    port_spec_problem,
    valid_signal,
)

if TYPE_CHECKING:
    from ...analysis import Analysis

_HEREDOC_WORD = re.compile(r"<<-?\s*[\"']?[A-Za-z0-9_.]")
_REMOTE_SOURCE = re.compile(r"(?i)(https?|git|ssh)://|git@[^:/]+:")
_VARIABLE_START = re.compile(r"\$[A-Za-z_{]")


# -- the pass ---------------------------------------------------------------------------------
class _Pass:
    """Collects every finding of the family for one analysis."""

    # instruction name -> the _check_<name> method (filled in below the class)
    _checks: "dict[str, Callable[..., None]]" = {}

    def __init__(self, analysis: "Analysis") -> None:
        self.analysis = analysis
        self.text: str = analysis.text
        self.found: dict[str, list[Finding]] = {name: [] for name in _RULES}
        self.stage_names: dict[str, int] = {}
        for stage in analysis.stages:
            if stage.name is not None:
                self.stage_names.setdefault(stage.key, stage.index)
        syntax = analysis.tree.directive("syntax")
        self.syntax = syntax.value if syntax is not None else ""

    # -- reporting --------------------------------------------------------------------------
    def add(self, name: str, ins: Instruction, message: str, start: int, end: int,
            fix: Optional[Fix] = None) -> None:
        top = ins
        while top.parent is not None:
            top = top.parent
        if top is not ins:
            message += _TRIGGER_NOTE
        self.found[name].append(Finding(name, message, start, max(start, end), _RULES[name][0],
                                        fix=fix, instruction_line=top.line))

    # -- driver -----------------------------------------------------------------------------
    def run(self) -> "_Pass":
        analysis = self.analysis
        self._preamble(analysis.preamble)
        for ins in analysis.preamble:
            self.instruction(ins, None, False)
        # whether each stage ends with a WORKDIR set (its own or one inherited from the stage
        # it is built on, which always comes earlier): one pass, linear in the file
        ends_with_workdir: dict[int, bool] = {}
        for stage in analysis.stages:
            base = stage.base_stage
            has_workdir = ends_with_workdir.get(base.index, False) if base is not None else False
            for ins in stage.instructions:
                if ins.name == "WORKDIR":
                    has_workdir = True
                self.instruction(ins, stage.index, has_workdir)
            ends_with_workdir[stage.index] = has_workdir
        return self

    def _preamble(self, preamble: list[Instruction]) -> None:
        for ins in preamble:
            if ins.name != "ARG" and ins.name in _KEYWORD_SET:
                self.add("NoFromInstruction", ins,
                         f"{ins.keyword} before the first FROM: only ARG may come before FROM "
                         "(BuildKit: no build stage in current context)",
                         ins.keyword_start, ins.keyword_end)
        if not self.analysis.stages and preamble and all(i.name == "ARG" for i in preamble):
            first = preamble[0]
            self.add("NoFromInstruction", first,
                     "the file has no FROM instruction, so there is no stage to build",
                     first.keyword_start, first.keyword_end)

    def instruction(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        name = ins.keyword.upper()
        if name not in _KEYWORD_SET:
            self._unknown_instruction(ins)
            return
        if ins.flags:
            spec = FLAG_SPECS.get(name)
            if name == "HEALTHCHECK" and ins.words and ins.words[0].text.upper() == "NONE":
                spec = None  # BuildKit never parses the flags of HEALTHCHECK NONE
            if spec is not None:
                self._flags(ins, spec)
        if ins.variables:
            self._substitutions(ins, name)
        check = self._checks.get(name)
        if check is not None:
            check(self, ins, stage, has_workdir)

    # -- keywords and flags -----------------------------------------------------------------
    def _unknown_instruction(self, ins: Instruction) -> None:
        hints = suggest(ins.keyword, KEYWORDS, False)
        message = f"unknown instruction: {ins.keyword}"
        fix = None
        if len(hints) == 1:
            replacement = match_case(hints[0], ins.keyword)
            message += f" (did you mean {replacement}?)"
            pieces = ins.keyword_pieces()
            if len(pieces) == 1:
                fix = Fix(f"Change to {replacement}", [Edit(pieces[0][0], pieces[0][1], replacement)],
                          preferred=True, safe=False)
        elif hints:
            message += f" (did you mean {' or '.join(hints)}?)"
        self.add("UnknownInstruction", ins, message, ins.keyword_start, ins.keyword_end, fix)

    def _flags(self, ins: Instruction, spec: dict[str, str]) -> None:
        seen: dict[str, Flag] = {}
        for flag in ins.flags:
            kind = spec.get(flag.name)
            if kind is None:
                self._unknown_flag(ins, flag, spec)
                continue
            if flag.name in seen and kind != STRINGS:
                self._duplicate_flag(ins, flag, seen[flag.name])
                continue
            seen[flag.name] = flag
            if kind == BOOL:
                if flag.value == "":
                    self.add("FlagMissingValue", ins, f"missing a value on flag: --{flag.name}"
                             f" (write --{flag.name} or --{flag.name}=true)", flag.start, flag.end)
                elif flag.value is not None and flag.value.lower() not in ("true", "false"):
                    self.add("InvalidBooleanFlag", ins,
                             f"expecting boolean value for flag --{flag.name}, not: {flag.value}",
                             flag.value_start, flag.value_end)
            elif flag.value is None:
                self.add("FlagMissingValue", ins, f"missing a value on flag: --{flag.name}"
                         f" (write --{flag.name}=<value>)", flag.start, flag.end)

    def _unknown_flag(self, ins: Instruction, flag: Flag, spec: dict[str, str]) -> None:
        message = f"unknown flag: --{flag.name}"
        fix = None
        hints = suggest(flag.name, spec, True)
        if len(hints) == 1:
            message += f" (did you mean --{hints[0]}?)"
            if self.text[flag.name_start:flag.name_end] == "--" + flag.name:
                fix = Fix(f"Change to --{hints[0]}",
                          [Edit(flag.name_start + 2, flag.name_end, hints[0])], preferred=True, safe=False)
        elif hints:
            message += f" (did you mean {' or '.join('--' + h for h in hints)}?)"
        if spec:
            message += f"; {ins.name} accepts {', '.join('--' + k for k in spec)}"
        else:
            message += f"; {ins.name} takes no flags"
        self.add("UnknownFlag", ins, message, flag.name_start, flag.name_end, fix)

    def _duplicate_flag(self, ins: Instruction, flag: Flag, first: Flag) -> None:
        start = flag.start
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        same = first.value == flag.value
        fix = Fix(f"Remove the second --{flag.name}", [Edit(start, flag.end, "")], preferred=True, safe=same)
        self.add("DuplicateFlag", ins, f"duplicate flag specified: --{flag.name} (give it once)",
                 flag.start, flag.end, fix)

    # -- substitutions --------------------------------------------------------------------
    def _expanded_spans(self, ins: Instruction) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        name = ins.name
        if name == "FROM":
            if ins.words:
                spans.append((ins.words[0].start, ins.words[0].end))
        elif name in _EXPANDED and ins.args:
            spans.append(ins.args_span())
        for flag_name in _EXPANDED_FLAGS.get(name, ()):
            for flag in ins.flags:
                if flag.name == flag_name and flag.value is not None:
                    spans.append((flag.value_start, flag.value_end))
        return spans

    def _substitutions(self, ins: Instruction, name: str) -> None:
        if name == "ONBUILD":
            return
        spans = self._expanded_spans(ins)
        if not spans:
            return
        for ref in ins.variables:
            if not ref.braced or not any(a <= ref.start < b for a, b in spans):
                continue
            expr = self.text[ref.start:ref.end]
            if "\n" in expr:
                continue
            problem = substitution_problem(expr)
            if problem:
                self.add("UnsupportedModifier", ins,
                         f"{problem} in {expr}: BuildKit supports ${{name}}, :- - :+ + :? ? # ## % %% / //",
                         ref.start, ref.end)

    # -- per instruction ------------------------------------------------------------------
    def _missing(self, ins: Instruction, message: str) -> None:
        self.add("WrongArgumentCount", ins, message, ins.keyword_start, ins.keyword_end)

    def _check_from(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        words = ins.words
        if len(words) == 3:
            if words[1].text.lower() != "as":
                self.add("FromExpectedAs", ins,
                         f"FROM expects AS before the stage name, found {words[1].text!r}",
                         words[1].start, words[1].end)
            elif not _STAGE_NAME.fullmatch(words[2].text.lower()):
                self.add("InvalidStageName", ins,
                         f"invalid name for build stage: {words[2].text!r}: a stage name starts with a "
                         "letter and has only letters, digits, '-', '_' and '.'",
                         words[2].start, words[2].end)
        elif len(words) != 1:
            extra = " (the stage name after AS is missing)" if len(words) == 2 and words[1].text.lower() == "as" else ""
            if words:
                start, end = words[0].start, words[-1].end
            else:
                start, end = ins.keyword_start, ins.keyword_end
            self.add("WrongArgumentCount", ins,
                     f"FROM requires either one or three arguments: FROM image [AS name]{extra}", start, end)
        platform = ins.flag("platform")
        if platform is not None and platform.name == "platform" and platform.value and "$" not in platform.value:
            problem = platform_problem(platform.value)
            if problem:
                self.add("InvalidFlagValue", ins,
                         f"failed to parse platform {platform.value}: {problem} (write os/arch[/variant], "
                         "e.g. linux/amd64)", platform.value_start, platform.value_end)

    def _check_copy(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._sources_and_dest(ins)
        source = ins.flag("from")
        if source is not None and source.name == "from" and source.value:
            self._copy_from(ins, source, stage)
        for word in self._sources(ins):
            text = word.text
            if _REMOTE_SOURCE.match(text):
                fix = Fix("Use ADD to fetch it", [Edit(ins.keyword_start, ins.keyword_end,
                                                       match_case("ADD", ins.keyword))],
                          preferred=True, safe=False) if ins.parent is None else None
                self.add("CopyRemoteSource", ins,
                         f"COPY cannot fetch {text}: only ADD downloads URLs and clones Git repositories",
                         word.start, word.end, fix)
        self._chmod(ins)

    def _check_add(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._sources_and_dest(ins)
        self._chmod(ins)
        checksum = ins.flag("checksum")
        if checksum is None or checksum.name != "checksum" or not checksum.value:
            return
        sources = self._sources(ins)
        if len(sources) > 1:
            self.add("InvalidFlagValue", ins, "checksum can't be specified for multiple sources",
                     checksum.start, checksum.end)
        elif len(sources) == 1:
            text = sources[0].text
            if "$" not in text and not _REMOTE_SOURCE.match(text) and not text.startswith("git@"):
                self.add("InvalidFlagValue", ins,
                         f"--checksum requires an HTTP(S) or Git source, not {text}", checksum.start, checksum.end)

    def _args(self, ins: Instruction) -> list[Word]:
        return list(ins.json.items) if ins.json is not None else list(ins.words)

    def _sources(self, ins: Instruction) -> list[Word]:
        args = self._args(ins)
        return [w for w in args[:-1] if not w.text.startswith("<<")] if len(args) >= 2 else []

    def _sources_and_dest(self, ins: Instruction) -> None:
        args = self._args(ins)
        name = ins.name
        if len(args) < 2:
            self._missing(ins, f"{name} requires at least two arguments, but only {len(args)} "
                          f"{'was' if len(args) == 1 else 'were'} provided: {name} source... destination")
            return
        dest = args[-1]
        if ins.json is None and _HEREDOC_WORD.match(dest.text):
            self.add("HeredocDestination", ins, f"{name} cannot accept a heredoc as a destination; "
                     "put the destination path last", dest.start, dest.end)
            return
        sources = args[:-1]
        if len(sources) < 2 or any(w.text.startswith("<<") for w in sources) or "$" in dest.text:
            return
        if dest.text.endswith(("/", "\\")):
            return
        raw_end = dest.end - 1 if ins.json is not None else dest.end
        fix = Fix("Add a trailing / to the destination", [Edit(raw_end, raw_end, "/")], preferred=True)
        if self.text[dest.start:dest.end] != (dest.raw or dest.text):
            fix = None
        self.add("CopyDestinationNotDirectory", ins,
                 f"{name} with more than one source needs a directory destination ending in /: "
                 f"write {dest.text}/ (the classic builder refuses {dest.text}, and BuildKit "
                 "may write the sources over one file)", dest.start, dest.end, fix)

    def _copy_from(self, ins: Instruction, flag: Flag, stage: Optional[int]) -> None:
        value = flag.value or ""
        refs = [r for r in ins.variables if flag.value_start <= r.start < flag.value_end]
        if refs or "$" in value and _VARIABLE_START.search(value):
            self.add("InvalidFlagValue", ins,
                     "variable expansion is not supported for --from; define a stage with "
                     "FROM ${IMAGE} AS name (using a global ARG) and copy from that name",
                     flag.value_start, flag.value_end)
            return
        if stage is None:
            return
        if _INTEGER.fullmatch(value):
            index = parse_signed_int_bounded(value) or 0
            count = len(self.analysis.stages)
            if index < 0 or index >= count:
                self.add("InvalidFlagValue", ins, f"invalid stage index {value if len(value) < 24 else value[:20] + '...'}: the file has {count} "
                         f"stage{'s' if count != 1 else ''}", flag.value_start, flag.value_end)
            elif index >= stage:
                self._forward(ins, flag, value, index, stage)
            return
        target = self.stage_names.get(value.lower())
        if target is not None and target >= stage:
            self._forward(ins, flag, value, target, stage)

    def _forward(self, ins: Instruction, flag: Flag, value: str, target: int, stage: int) -> None:
        what = "its own stage" if target == stage else "a stage defined later"
        self.add("ForwardStageReference", ins,
                 f"{ins.name} uses stage {value!r}, which is {what}: BuildKit builds stages in "
                 "order, so a stage can only use stages defined before it",
                 flag.value_start, flag.value_end)

    def _chmod(self, ins: Instruction) -> None:
        flag = ins.flag("chmod")
        if flag is None or flag.name != "chmod" or not flag.value or "$" in flag.value:
            return
        problem = chmod_problem(flag.value)
        if problem:
            self.add("InvalidFlagValue", ins, problem, flag.value_start, flag.value_end)

    def _check_run(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        for flag in ins.flags:
            if flag.value is None:
                continue
            if flag.name == "network" and flag.value not in ("default", "none", "host"):
                self.add("InvalidFlagValue", ins,
                         f'invalid network mode "{flag.value}": use default, none or host',
                         flag.value_start, flag.value_end)
            elif flag.name == "security" and flag.value not in ("insecure", "sandbox"):
                self.add("InvalidFlagValue", ins,
                         f'security "{flag.value}" is not valid: use sandbox or insecure',
                         flag.value_start, flag.value_end)
            elif flag.name == "device":
                self._device(ins, flag)
            elif flag.name == "mount":
                self._mount(ins, flag, stage, has_workdir)

    def _device(self, ins: Instruction, flag: Flag) -> None:
        problems = device_problems(flag.value or "")
        syntax = self.syntax
        if (not syntax or "docker/dockerfile" in syntax) and "labs" not in syntax:
            problems.append("the device feature is only supported by the labs frontend "
                            "(# syntax=docker/dockerfile:1-labs)")
        for problem in problems:
            self.add("InvalidFlagValue", ins, problem, flag.value_start, flag.value_end)

    def _mount(self, ins: Instruction, flag: Flag, stage: Optional[int], has_workdir: bool) -> None:
        spec = parse_mount(flag.value or "")
        for problem in spec.problems:
            self.add("InvalidMount", ins, problem, flag.value_start, flag.value_end)
        if (spec.type_known and spec.type in ("bind", "cache", "tmpfs") and not spec.target
                and not has_workdir and not spec.problems):
            self.add("MountTargetMissing", ins,
                     f"this {spec.type} mount has no target: BuildKit mounts it at the working "
                     "directory and refuses when that is / (add target=/path)",
                     flag.value_start, flag.value_end)
        if spec.from_ and stage is not None and "$" not in spec.from_:
            target = self.stage_names.get(spec.from_.lower())
            if target is not None and target >= stage:
                self._forward(ins, flag, spec.from_, target, stage)

    def _check_healthcheck(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if not ins.words:
            self._missing(ins, "HEALTHCHECK requires at least one argument: HEALTHCHECK CMD command, "
                          "or HEALTHCHECK NONE")
            return
        kind = ins.words[0]
        typ = kind.text.upper()
        has_rest = ins.form == "shell" or (ins.json is not None and bool(ins.json.items))
        if typ == "NONE":
            if has_rest:
                end = ins.args_span()[1]
                start = ins.json.start if ins.json is not None else kind.end
                while start < end and self.text[start] in " \t\\`\r\n":
                    start += 1
                self.add("InvalidHealthcheck", ins, "HEALTHCHECK NONE takes no arguments (remove "
                         "what follows NONE)", start, end)
            return
        if typ == "CMD":
            if not has_rest:
                self.add("InvalidHealthcheck", ins, "Missing command after HEALTHCHECK CMD",
                         kind.start, kind.end)
        else:
            self.add("InvalidHealthcheck", ins,
                     f'Unknown type "{kind.text}" in HEALTHCHECK (use CMD or NONE)', kind.start, kind.end)
        for flag in ins.flags:
            if flag.value is None or flag.value == "":
                continue
            span = (flag.value_start, flag.value_end)
            if flag.name in _DURATION_FLAGS:
                duration = parse_go_duration(flag.value)
                if duration is None:
                    self.add("InvalidDuration", ins,
                             f'time: invalid duration "{flag.value}" for --{flag.name} (write e.g. 30s, '
                             "1m30s, 500ms)", *span)
                elif duration != 0 and duration < 1_000_000:
                    self.add("InvalidDuration", ins,
                             f'Interval "{flag.name}" cannot be less than 1ms (0 means the default)', *span)
            elif flag.name == "retries":
                retries = parse_go_int(flag.value, 32)
                if retries is None:
                    self.add("InvalidRetries", ins,
                             f'--retries must be a whole number: strconv.ParseInt: parsing "{flag.value}": '
                             "invalid syntax", *span)
                elif retries < 0:
                    self.add("InvalidRetries", ins, f"--retries cannot be negative ({retries})", *span)

    def _check_shell(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if ins.args.startswith("[") and any(p.code == "JSONNotStringArray" and ins.start <= p.start < ins.end
                                            for p in self.analysis.tree.problems):
            return  # a JSON array with a non-string item: the parser already reports it
        if ins.form == "shell" or ins.form == "heredoc":
            start, end = ins.args_span()
            self.add("ShellRequiresJson", ins,
                     'SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/bash", "-c"]',
                     start, end)
        elif ins.json is None or not ins.json.items:
            if ins.args == "" or ins.json is not None:
                self._missing(ins, "SHELL requires at least one argument")

    def _check_onbuild(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        trigger = ins.trigger
        if trigger is None:
            self._missing(ins, "ONBUILD requires at least one argument: ONBUILD instruction")
            return
        if trigger.name == "ONBUILD":
            self.add("OnbuildChaining", ins, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                     trigger.keyword_start, trigger.keyword_end)
        elif trigger.name in ("FROM", "MAINTAINER"):
            self.add("OnbuildDisallowedTrigger", ins, f"{trigger.name} isn't allowed as an ONBUILD trigger",
                     trigger.keyword_start, trigger.keyword_end)
        else:
            self.instruction(trigger, None, True)

    def _check_env(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._pairs(ins)

    def _check_label(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._pairs(ins)

    def _check_arg(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._pairs(ins)

    def _pairs(self, ins: Instruction) -> None:
        if not ins.args:
            self._missing(ins, f"{ins.name} requires at least one argument")
            return
        for pair in ins.pairs:
            if pair.key == "" and pair.value is not None:
                self.add("EmptyKeyName", ins, f"{ins.name} names can not be blank: write name=value",
                         pair.start, pair.end)

    def _exactly_one(self, ins: Instruction) -> None:
        if not ins.args:
            self._missing(ins, f"{ins.name} requires exactly one argument")

    def _check_maintainer(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._exactly_one(ins)

    def _check_user(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._exactly_one(ins)

    def _check_workdir(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._exactly_one(ins)

    def _check_stopsignal(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if not ins.args:
            self._exactly_one(ins)
            return
        if "$" in ins.args:
            return
        value = unquote(ins.args, self.analysis.tree.escape)
        if not valid_signal(value):
            start, end = ins.args_span()
            self.add("InvalidStopSignal", ins,
                     f"invalid signal: {value} (use a name such as SIGTERM or SIGQUIT, or a number)",
                     start, end)

    def _check_expose(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if not ins.words:
            self._missing(ins, "EXPOSE requires at least one argument: EXPOSE port[/protocol]")
            return
        for word in ins.words:
            if "$" in word.text:
                continue
            problem = port_spec_problem(unquote(word.text, self.analysis.tree.escape))
            if problem:
                self.add("InvalidExposePort", ins, problem, word.start, word.end)

    def _check_volume(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        args = self._args(ins)
        if not args:
            self._missing(ins, "VOLUME requires at least one argument")
            return
        for word in args:
            if word.text.strip() == "":
                self.add("EmptyVolumePath", ins, "VOLUME specified can not be an empty string",
                         word.start, word.end)


_Pass._checks = {
    attr[len("_check_"):].upper(): getattr(_Pass, attr) for attr in dir(_Pass) if attr.startswith("_check_")
}
