"""References to other parts of the file: build stages and variables.

Stages: only stages that come before the instruction (a stage cannot copy from itself or from a
later one; BuildKit refuses the cycle), by name and by index. Variables: what is visible at
the instruction by BuildKit's scoping rules (the analysis' scopes): in FROM lines the global
ARGs and the automatic platform ARGs; inside a stage its ARG and ENV, ENV inherited from the
base stage, and re-declared global ARGs; each with its value in the detail.
"""

from __future__ import annotations

import re

from ...analysis import Analysis
from ...analysis.scopes import PLATFORM_ARGS, PROXY_ARGS
from ...knowledge import KnowledgeBase
from ...syntax import Instruction
from .items import Candidate, Kind

# `$NAME`, `${NAME`, `${NAME:` at the end of the typed text (an escaped `\$` is not a reference)
VARIABLE_AT_END = re.compile(r"(?<![\\$])\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?\Z")
MODIFIER_AT_END = re.compile(r"(?<![\\$])\$\{([A-Za-z_][A-Za-z0-9_]*):\Z")

MODIFIERS = (
    (":-", "word", "the value when set and not empty, otherwise word", "substitution:${var:-word}"),
    (":+", "word", "word when set and not empty, otherwise empty", "substitution:${var:+word}"),
    (":?", "message", "fails the build with message when unset or empty", "substitution:${var:?word}"),
)


def _line(analysis: Analysis, offset: int) -> int:
    return analysis.lines.line_of(offset) + 1


def earlier_stages(analysis: Analysis, ins: Instruction):
    top = ins
    while top.parent is not None:
        top = top.parent
    if top.name == "FROM":
        for stage in analysis.stages:
            if stage.instruction is top:
                return analysis.stages[: stage.index]
        return list(analysis.stages)
    current = analysis.stage_of(top)
    if current is None:
        return []
    if ins.parent is not None:  # an ONBUILD trigger runs in a later build: no stage of this file exists there
        return []
    return analysis.stages[: current.index]


def stage_candidates(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, start: int, *,
                     indexes: bool, images: bool) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[str] = set()
    for stage in earlier_stages(analysis, ins):
        base = stage.image.text if stage.image is not None else ""
        where = f"line {_line(analysis, stage.instruction.start)}"
        data = {"offset": stage.name.start} if stage.name is not None else {"offset": stage.instruction.keyword_start}
        if stage.name is not None and stage.key not in seen:
            seen.add(stage.key)
            out.append(Candidate(stage.name.text, Kind.Reference, detail=f"stage {stage.index}: FROM {base} ({where})",
                                 sort=f"0{stage.index:04d}", start=start, data=data))
        if indexes:
            label = f" ({stage.name.text})" if stage.name is not None else ""
            out.append(Candidate(str(stage.index), Kind.Reference, detail=f"stage {stage.index}{label}: FROM {base} ({where})",
                                 sort=f"1{stage.index:04d}", start=start, data=data))
    if images:
        from .images import image_name_candidates

        for candidate in image_name_candidates(kb, start):
            candidate.sort = "2" + candidate.sort
            out.append(candidate)
    return out


def variable_candidates(analysis: Analysis, ins: Instruction, typed: str, start: int) -> list[Candidate]:
    """``typed`` is ``$``, ``$NA``, ``${`` or ``${NA``; items replace it whole."""
    braced = typed.startswith("${")
    following = analysis.text[start + len(typed): start + len(typed) + 1]
    close = "" if following == "}" else "}"
    out = []
    for name, detail, offset, order in visible_variables(analysis, ins):
        insert = f"${{{name}{close}" if braced else f"${name}"
        out.append(Candidate(name, Kind.Variable, insert=insert, filter=(f"${{{name}" if braced else f"${name}"),
                             detail=detail, sort=f"{order}", start=start,
                             data={"offset": offset} if offset is not None else {"id": f"arg:{name}"}))
    return out


def visible_variables(analysis: Analysis, ins: Instruction) -> list[tuple[str, str, int | None, int]]:
    """``(name, detail, offset of its definition, sort group)`` of the variables in scope."""
    scopes = analysis.scopes
    scope = scopes.scope_before(ins)
    if scope is None:
        return []
    out: list[tuple[str, str, int | None, int]] = []
    seen: set[str] = set()

    def add(definition, kind: str, order: int) -> None:
        if definition.name in seen:
            return
        seen.add(definition.name)
        value = definition.value if definition.value is not None else definition.raw
        where = f"{kind}, line {_line(analysis, definition.instruction.start)}" if definition.instruction else kind
        shown = f" = {value}" if value not in (None, "") else (" (no default)" if value is None else " = \"\"")
        if len(shown) > 80:
            shown = shown[:79] + "…"
        offset = definition.pair.key_start if definition.pair is not None else None
        out.append((definition.name, f"{where}{shown}", offset, order))

    top = ins
    while top.parent is not None:
        top = top.parent
    if top.name == "FROM" or scope.stage is None:
        for definition in scope.global_args.values():
            add(definition, "global ARG", 0)
        for name in sorted(PLATFORM_ARGS):
            if name not in seen and name != "TARGETSTAGE":
                seen.add(name)
                out.append((name, "automatic platform ARG", None, 1))
        return out
    for definition in scope.env.values():
        add(definition, "ENV from base stage" if definition.inherited is not None else "ENV", 0)
    for definition in scope.args.values():
        kind = "ARG (global default)" if definition.inherited is not None else "ARG"
        add(definition, kind, 0)
    for name in sorted(PROXY_ARGS):
        if name not in seen and name.isupper():
            seen.add(name)
            out.append((name, "proxy ARG, usable without declaring it", None, 2))
    return out


def modifier_candidates(analysis: Analysis, name: str, start: int) -> list[Candidate]:
    """After ``${NAME:``: the substitution forms (the ``:`` is replaced too)."""
    following = analysis.text[start + len(name) + 3: start + len(name) + 4]
    close = "" if following == "}" else "}"
    out = []
    for index, (modifier, word, summary, ident) in enumerate(MODIFIERS):
        plain = f"${{{name}{modifier}{word}{close}"
        snippet = f"\\${{{name}{modifier}${{1:{word}}}" + ("\\}" if close else "")  # `$` and `}` escaped
        out.append(Candidate(f"${{{name}{modifier}{word}}}", Kind.Operator, insert=plain, snippet=snippet,
                             detail=summary, sort=f"{index}", filter=plain, start=start,
                             data={"id": ident}))
    return out


_USER_COMMANDS = {"useradd": "user", "adduser": "user", "groupadd": "group", "addgroup": "group"}


def stage_accounts(analysis: Analysis, ins: Instruction) -> list[tuple[str, str, int]]:
    """Users and groups created by RUN instructions of this stage (and the stages it builds
    on) before ``ins``: ``(name, "user"|"group", line)``, read from the parsed shell commands."""
    top = ins
    while top.parent is not None:
        top = top.parent
    stage = analysis.stage_of(top)
    chain = []
    while stage is not None and len(chain) < 32:
        chain.append(stage)
        stage = stage.base_stage
    out: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for stage in reversed(chain):
        for other in stage.instructions:
            if other is top:
                break
            if other.name != "RUN":
                continue
            for located in analysis.commands(other):
                words = located.command.words
                kind = _USER_COMMANDS.get(words[0].text.rsplit("/", 1)[-1]) if words else None
                if kind is None:
                    continue
                operands = [w.text for w in words[1:] if not w.text.startswith("-")]
                name = operands[-1] if operands else ""
                if name and "$" not in name and (name, kind) not in seen:
                    seen.add((name, kind))
                    out.append((name, kind, _line(analysis, other.start)))
    return out


def user_candidates(analysis: Analysis, ins: Instruction, typed: str, start: int) -> list[Candidate]:
    """``USER`` and ``--chown=``: root and the accounts this stage created; after ``:`` groups."""
    accounts = stage_accounts(analysis, ins)
    if ":" in typed:
        start += typed.index(":") + 1
        names = [("root", "group 0", -1)] + [(n, f"group created on line {line}", line)
                                             for n, kind, line in accounts if kind == "group"]
        names += [(n, f"the user's own group (line {line})", line) for n, kind, line in accounts if kind == "user"]
    else:
        names = [("root", "user 0: full privileges", -1)] + [(n, f"user created on line {line}", line)
                                                            for n, kind, line in accounts if kind == "user"]
    out = []
    seen: set[str] = set()
    for index, (name, detail, _) in enumerate(names):
        if name in seen:
            continue
        seen.add(name)
        out.append(Candidate(name, Kind.Value, detail=detail, sort=f"{1 if name == 'root' else 0}{index:03d}", start=start))
    return out
