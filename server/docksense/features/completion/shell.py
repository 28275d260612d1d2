"""Inside RUN (shell form and shell heredocs), shell-form CMD/ENTRYPOINT and HEALTHCHECK CMD:
command names, subcommands, options and option values from the knowledge base.

The command under the cursor comes from the analysis' parsed shell commands of this document
version (mapped back to document offsets); only the words before the cursor decide what is
offered, read the way the program reads them (the same classifier hover uses), so
``apt-get install --no-`` offers ``--no-install-recommends`` and ``npm `` offers ``ci``.
"""

from __future__ import annotations

import re

from ...analysis import Analysis
from ...analysis.commands import is_posix_shell
from ...analysis.shell import SimpleCommand, classify
from ...analysis.shell import Word as ShellWord
from ...knowledge import KnowledgeBase
from ...syntax import Heredoc, Instruction
from .context import Context
from .items import Candidate, Kind

_WORD_BREAK = " \t\r\n;&|()<>`\"'"
_SEPARATORS = frozenset(";&|(\n{")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash"})


def current_word(analysis: Analysis, ctx: Context) -> str:
    """The shell word typed so far on the cursor's line."""
    before = ctx.before
    index = len(before)
    while index > 0 and before[index - 1] not in _WORD_BREAK:
        index -= 1
    return before[index:]


def _shell_start(ins: Instruction, heredoc: Heredoc | None) -> int | None:
    """Document offset where the shell code starts (None: this is not shell code)."""
    if heredoc is not None:
        return heredoc.body_start
    if ins.json is not None:
        return None
    if ins.name == "HEALTHCHECK":
        if not ins.words or ins.words[0].text.upper() != "CMD":
            return None
        return ins.words[0].end
    return ins.args_span()[0]


def shell_heredoc(analysis: Analysis, ins: Instruction, heredoc: Heredoc) -> bool:
    """Whether a RUN heredoc body is shell code (``RUN <<EOF`` or ``RUN bash <<EOF``)."""
    if ins.name != "RUN":
        return False
    first = ins.args.split()[0] if ins.args.split() else ""
    return first.startswith("<<") or first in _SHELLS


def shell_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context, ins: Instruction,
                     heredoc: Heredoc | None = None) -> list[Candidate]:
    if not is_posix_shell(analysis.shell_for(ins)):
        return []
    start = _shell_start(ins, heredoc)
    if start is None or ctx.offset < start:
        return []
    typed = current_word(analysis, ctx)
    word_start = ctx.offset - len(typed)
    if "$" in typed or "=" in typed and not typed.startswith("-"):
        return []
    words = _words_before(analysis, ctx.top or ins, word_start)
    if words is None:
        if not _at_command_position(analysis, start, word_start):
            return []
        return command_candidates(kb, word_start)
    return argument_candidates(kb, words, typed, word_start)


def _words_before(analysis: Analysis, ins: Instruction, word_start: int) -> list[ShellWord] | None:
    """The words of the command the cursor continues, or None when it starts a new one."""
    best: tuple[int, list[ShellWord]] | None = None
    for located in analysis.commands(ins):
        command = located.command
        if not command.words:
            continue
        spans = [located.span(w.start, w.end) for w in command.words]
        if spans[0][0] >= word_start:
            continue
        before = [w for w, (s, e) in zip(command.words, spans) if e <= word_start and s < word_start]
        if not before:
            continue
        last_end = max(e for (s, e) in spans if e <= word_start)
        if best is None or last_end > best[0]:
            best = (last_end, before)
    if best is None:
        return None
    last_end, words = best
    gap = analysis.text[last_end:word_start]
    gap = re.sub(r"[\\`]\r?\n", "", gap)
    if gap.strip(" \t") and not gap.strip(" \t").startswith("#"):
        return None  # an operator or a line break between: a new command starts here
    if "\n" in gap:
        return None
    return words


def _at_command_position(analysis: Analysis, shell_start: int, word_start: int) -> bool:
    """Whether a command name can stand at ``word_start``: at the start of the shell code, or
    after an operator (``&&``, ``;``, ``|``, ``(``) or a line break of a script."""
    text = analysis.text
    index = word_start
    while index > shell_start:
        ch = text[index - 1]
        if ch in " \t":
            index -= 1
            continue
        if ch == "\n":
            probe = index - 1
            if probe > 0 and text[probe - 1] == "\r":
                probe -= 1
            if probe > 0 and text[probe - 1] in "\\`":
                index = probe - 1  # a line continuation
                continue
            return True
        return ch in _SEPARATORS or (ch == "!" and index - 1 <= shell_start)
    return True


_JSON_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"\s*,\s*')
_JSON_OPEN = re.compile(r'\[\s*((?:"(?:[^"\\]|\\.)*"\s*,\s*)*)"((?:[^"\\]|\\.)*)\Z')


def exec_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context, ins: Instruction, array: str) -> list[Candidate]:
    """Inside a string of an exec-form array (``RUN ["apt-get", "inst``): the program, then its
    subcommands and options, as in shell form. ``array`` is the text from ``[`` to the cursor."""
    match = _JSON_OPEN.match(array)
    if match is None:
        return []
    typed = match.group(2)
    if "\\" in typed or ctx.before[len(ctx.before) - len(typed):] != typed:
        return []
    start = ctx.offset - len(typed)
    items = [m.group(1) for m in _JSON_ITEM.finditer(match.group(1))]
    if not items:
        if ins.name == "CMD" and _has_entrypoint_before(analysis, ins):
            return []  # CMD items are ENTRYPOINT's arguments here
        return command_candidates(kb, start)
    words = []
    position = 0
    for text in items:
        words.append(ShellWord(text, text, position, position + len(text)))
        position += len(text) + 1
    return argument_candidates(kb, words, typed, start)


def _has_entrypoint_before(analysis: Analysis, ins: Instruction) -> bool:
    stage = analysis.stage_of(ins)
    if stage is None:
        return False
    for other in stage.instructions:
        if other is ins:
            return False
        if other.name == "ENTRYPOINT":
            return True
    return False


def command_candidates(kb: KnowledgeBase, start: int) -> list[Candidate]:
    out = []
    for entry in kb.all_of("command"):
        out.append(Candidate(entry.name, Kind.Function, detail=_short(entry.summary), start=start,
                             deprecated=bool(entry.deprecated), data={"id": entry.id}))
    return out


def argument_candidates(kb: KnowledgeBase, words: list[ShellWord], typed: str, start: int) -> list[Candidate]:
    roles = classify(SimpleCommand(tuple(words), start=words[0].start, end=words[-1].end), kb)
    if not roles or roles[0].entry is None:
        return []
    entry = roles[0].entry
    # The subcommands so far, outermost first, each with its path in the entry: classify reads
    # `go mod download` as `mod` (a subcommand) whose value `download` is a subcommand of its own.
    subs: list[tuple[str, object, list[str]]] = []
    has_operand = False
    for role in roles[1:]:
        if role.role == "subcommand" and role.part is not None:
            path = subs[-1][2] + ["values", role.key] if subs else ["subcommands", role.key]
            subs.append((role.key, role.part, path))
        elif role.role == "operand":
            has_operand = True
    # Where options are looked up, innermost first (as classify looks them up).
    levels = [(part.options, path, " ".join([entry.name] + [k for k, _, _ in subs[: i + 1]]))
              for i, (_, part, path) in enumerate(subs)][::-1]
    levels.append((entry.options, [], entry.name))
    last = roles[-1]
    optional = last.part is not None and not last.part.takes_value and bool(last.part.values)  # `--self-contained [false]`
    if last.role == "option" and last.part is not None and (last.part.takes_value or optional) \
            and last.word is words[-1] and not typed.startswith("-") and "=" not in words[-1].text:
        if last.part.values:
            path = _option_path(levels, last.key, last.part) + ["options", last.key]
            return [Candidate(value, Kind.Value, detail=_short(part.summary), start=start,
                              data={"id": entry.id, "path": path + ["values", value]})
                    for value, part in last.part.values.items()]
        return []
    if typed.startswith("-"):
        if "=" in typed:
            return _inline_value(entry, levels, typed, start)
        written = {w.text.split("=", 1)[0] for w in words}
        out = []
        seen: set[str] = set()
        for depth, (options, path, who) in enumerate(levels):
            sort = "0" if depth < len(levels) - 1 else "1"
            for key, part in options.items():
                if key in written or key in seen or key.endswith("*"):
                    continue  # `--with-*` names a family of options, not one to insert
                seen.add(key)
                out.append(_option(entry, key, part, f"option of {who}", start, path + ["options", key], sort))
        return out
    if has_operand:
        return []
    if not subs and entry.subcommands:
        choices, path = entry.subcommands, ["subcommands"]
    elif subs and subs[-1][1].values:
        choices, path = subs[-1][1].values, subs[-1][2] + ["values"]
    else:
        return []
    return [Candidate(key, Kind.Method, detail=_short(part.summary), start=start,
                      deprecated=bool(part.deprecated), data={"id": entry.id, "path": path + [key]})
            for key, part in choices.items()]


def _option_path(levels, key: str, part) -> list[str]:
    """The path of the level whose options hold ``key`` (the innermost that has it)."""
    for options, path, _ in levels:
        if options.get(key) is part:
            return path
    return []


def _inline_value(entry, levels, typed: str, start: int) -> list[Candidate]:
    name = typed.partition("=")[0]
    for options, path, _ in levels:
        part = options.get(name)
        if part is not None and part.values:
            return [Candidate(v, Kind.Value, detail=_short(p.summary), start=start + len(name) + 1,
                              data={"id": entry.id, "path": path + ["options", name, "values", v]})
                    for v, p in part.values.items()]
    return []


def _option(entry, key: str, part, kind: str, start: int, path: list[str], sort: str) -> Candidate:
    detail = _short(part.summary)
    return Candidate(key, Kind.Property, detail=detail, start=start, sort=sort + ("1" if key.startswith("--") else "0"),
                     deprecated=bool(part.deprecated), data={"id": entry.id, "path": path, "kind": kind})


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
