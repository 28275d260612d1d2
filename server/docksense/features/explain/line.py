"""The line-level explanation of one instruction: Purpose, Why, the lines it serves, notes that
apply here, and the options that matter. Shared by hover (which leads with it) and
``docksense explain`` (which prints it per line, like the seed walkthrough)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

import attrs

from ...analysis import Analysis
from ...analysis.images import lookup_image, parse_image
from ...knowledge import KnowledgeBase
from ...syntax import Instruction
from .. import markdown as md
from .instructions import stage_at
from .context import LineContext
from .links import link_phrases
from .phrases import join_words
from .purpose import purpose
from .why import why

MAX_OPTIONS = 4
_MEMO = "explain.line"


@attrs.define
class LineExplanation:
    """What one instruction does here and why; all text is Markdown with document text escaped."""

    line: int  # 1-based line of the keyword
    purpose: str
    why: str
    links: list[tuple[int, str]] = attrs.Factory(list)  # (line, phrase)
    notes: list[str] = attrs.Factory(list)
    options: list[tuple[str, str]] = attrs.Factory(list)  # (option as written, what it does)
    idioms: list[str] = attrs.Factory(list)  # ids of the idioms the Why relies on


def context(analysis: Analysis, kb: KnowledgeBase) -> LineContext:
    """The :class:`LineContext` of this document version (cached with the analysis)."""
    key = ("explain.context", id(kb))
    found = analysis.memo.get(key)
    if found is None:
        found = LineContext(analysis, kb)
        analysis.memo[key] = found
    return found  # type: ignore[return-value]


def compose(ctx: LineContext, ins: Instruction, with_comment: bool = True) -> LineExplanation:
    """Compose the explanation of ``ins`` (not cached: :func:`explain_line` caches)."""
    ctx.forget_roles()
    text_why, idioms = why(ctx, ins, with_comment)
    return LineExplanation(
        line=ctx.line(ins),
        purpose=purpose(ctx, ins),
        why=text_why,
        links=link_phrases(ctx.facts(ins).links),
        notes=_notes(ctx, ins),
        options=_options(ctx, ins.trigger or ins),
        idioms=idioms,
    )


def explain_line(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> LineExplanation:
    """The explanation of ``ins``, its purpose made distinct from every other instruction's with
    different text (cached per document version; hover asks for one line at a time)."""
    while ins.parent is not None:
        ins = ins.parent
    memo = analysis.memo.setdefault((_MEMO, id(kb)), {})
    found = memo.get(id(ins))  # type: ignore[union-attr]
    if found is None:
        ctx = context(analysis, kb)
        found = compose(ctx, ins)
        _distinct(analysis, kb, ins, found)
        memo[id(ins)] = found  # type: ignore[index]
    return found


def iter_lines(analysis: Analysis, kb: KnowledgeBase, with_comment: bool = True,
               once: bool = False) -> Iterator[tuple[Instruction, LineExplanation]]:
    """Every instruction's explanation in order, without keeping them (``explain`` streams them).

    ``once`` (a walkthrough read top to bottom): a Why sentence already said word for word on
    an earlier line (what ``set -eux`` does, why exec form, why a multi-stage copy) is not said
    again; the first line that needs it keeps it."""
    ctx = context(analysis, kb)
    seen: dict[str, str] = {}
    said: set[str] = set()
    for ins in analysis.tree.instructions:
        explanation = compose(ctx, ins, with_comment)
        _make_distinct(seen, _source(analysis, ins), explanation)
        if once and explanation.why:
            explanation.why = _unsaid(explanation.why, said)
        yield ins, explanation


_SENTENCE_END = re.compile(r"(?<=[.”])\s+(?=[A-Z`$“])")
_SAID_LIMIT = 4096  # sentences remembered; a huge file's walkthrough stays in bounded memory


def _unsaid(why: str, said: set[str]) -> str:
    kept = []
    for sentence in _SENTENCE_END.split(why):
        if sentence in said:
            continue
        kept.append(sentence)
        if len(sentence) >= 40 and len(said) < _SAID_LIMIT:
            said.add(sentence)
    return " ".join(kept)


def _source(analysis: Analysis, ins: Instruction) -> str:
    return " ".join(analysis.text[ins.start:ins.end].split())


def _make_distinct(seen: dict[str, str], text: str, explanation: LineExplanation) -> None:
    """Two instructions with different text never share a purpose: the later one gets its line."""
    if not explanation.purpose:
        return
    owner = seen.get(explanation.purpose)
    if owner is not None and owner != text:
        explanation.purpose = explanation.purpose.rstrip(".") + f" (line {explanation.line})."
    seen.setdefault(explanation.purpose, text)


_DISTINCT_LIMIT = 300  # instructions of one kind; past this a hover does not compare them all


def _distinct(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, explanation: LineExplanation) -> None:
    """Make ``explanation``'s purpose distinct as ``explain`` would. Purposes of different
    instruction kinds never coincide (each kind opens its own way), so only the instructions of
    the same kind are composed, once per document version; they are kept for later hovers."""
    same = [other for other in analysis.tree.instructions if other.name == ins.name]
    if len(same) > _DISTINCT_LIMIT:
        return
    key = ("explain.purposes", id(kb), ins.name)
    table = analysis.memo.get(key)
    if table is None:
        ctx = context(analysis, kb)
        memo = analysis.memo.setdefault((_MEMO, id(kb)), {})
        seen: dict[str, str] = {}
        table = {}
        for other in same:
            composed = explanation if other is ins else memo.get(id(other)) or compose(ctx, other)  # type: ignore[union-attr]
            _make_distinct(seen, _source(analysis, other), composed)
            table[id(other)] = composed.purpose
            memo[id(other)] = composed  # type: ignore[index]
        analysis.memo[key] = table
    explanation.purpose = table.get(id(ins), explanation.purpose)  # type: ignore[union-attr]


def unmentioned_links(explanation: LineExplanation) -> list[tuple[int, str]]:
    """The links whose line the Purpose and Why do not already name (so a walkthrough says each once)."""
    import re

    named = set(re.findall(r"\b(\d+)\b", explanation.purpose + " " + explanation.why))
    return [(line, text) for line, text in explanation.links if str(line) not in named]


# -- notes and options ---------------------------------------------------------------------------
def _notes(ctx: LineContext, ins: Instruction) -> list[str]:
    out: list[str] = []
    target = ins.trigger or ins
    if target.name == "FROM":
        stage = stage_at(ctx.analysis, ins)
        if stage is not None and stage.image is not None and stage.base_stage is None:
            ref = parse_image(stage.image.text)
            if ref is not None and not ref.has_variables:
                if not ref.tag and not ref.digest and ref.repository.lower() != "scratch":
                    out.append("No tag means `latest`, which moves: pin a version for repeatable builds.")
                facts = lookup_image(ctx.kb, ref)
                if facts.entry is not None and facts.entry.deprecated:
                    out.append(f"{md.code(facts.entry.name)}: {' '.join(facts.entry.deprecated.split())}")
    elif target.name == "ENV":
        for pair in target.pairs:
            entry = ctx.kb.get("env", pair.key)
            if entry is not None and entry.deprecated and not entry.why:
                out.append(f"{md.code(pair.key)}: {' '.join(entry.deprecated.split())}")
    elif target.name in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
        stage = ctx.stage(ins)
        if stage is not None:
            same = [i for i in stage.instructions if i.name == target.name]
            if len(same) > 1 and same[-1] is not ins:
                out.append(f"Only the last {target.name} of a stage counts: line {ctx.line(same[-1])} replaces this one.")
    for located in ctx.analysis.commands(target):
        for role in ctx.roles(located.command) if located.command.words else []:
            if role.part is not None and role.part.deprecated:
                out.append(f"{md.code(role.text)}: {' '.join(role.part.deprecated.split())}")
            elif role.role == "command" and role.entry is not None and role.entry.deprecated:
                out.append(f"{md.code(role.text)}: {' '.join(role.entry.deprecated.split())}")
    return list(dict.fromkeys(out))[:4]


def _options(ctx: LineContext, ins: Instruction) -> list[tuple[str, str]]:
    """Options that matter on this line and that the Purpose does not already state, as written
    with their value, and why they are there. One option given to several commands
    (``apt-get install -y`` ... ``apt-get purge -y``) is listed once, naming whose it is."""
    found: dict[tuple[str, str], list[str]] = {}
    downloads: Optional[set[str]] = None
    for located in ctx.analysis.commands(ins):
        command = located.command
        if not command.words:
            continue
        roles = ctx.roles(command)
        whose = _command_key(roles, command)
        for index, role in enumerate(roles):
            if role.role != "option" or role.part is None or not role.part.why or role.part.action:
                # an option with an action is already in the Purpose ("without recommended packages")
                continue
            if whose in _CONDITIONS:
                # ``[ -s file ]``'s why is about a download: only where this line downloads that file
                if downloads is None:
                    downloads = _downloaded(ctx, ins)
                tested = roles[index + 1].text if index + 1 < len(roles) else ""
                if tested not in downloads:
                    continue
            shown = role.text
            if role.part.takes_value:
                follow = roles[index + 1] if index + 1 < len(roles) else None
                if follow is not None and follow.role in ("option-value", "operand") and follow.word is not role.word:
                    shown += " " + follow.text
                elif follow is not None and follow.role == "option-value":
                    shown = role.word.text
            key = (shown, " ".join((role.part.why or role.part.summary).split()))
            if key not in found and len(found) >= MAX_OPTIONS:
                continue
            owners = found.setdefault(key, [])
            if whose not in owners:
                owners.append(whose)
    out = []
    for (shown, text), owners in found.items():
        if len(owners) > 1:
            text = f"for {join_words([md.code(o) for o in owners])}, {text[:1].lower() + text[1:]}"
        out.append((shown, text))
    return out


_CONDITIONS = frozenset({"test", "[", "[["})
_DOWNLOAD_OUTPUT = {"curl": ("-o", "--output"), "wget": ("-O", "--output-document")}


def _downloaded(ctx: LineContext, ins: Instruction) -> set[str]:
    """Files this instruction downloads into (``curl -o FILE``, ``wget -O FILE``), as written."""
    out: set[str] = set()
    for located in ctx.analysis.commands(ins):
        words = [w.text for w in located.command.words]
        if not words:
            continue
        flags = _DOWNLOAD_OUTPUT.get(words[0].rsplit("/", 1)[-1])
        if flags is None:
            continue
        short, long = flags
        for index, word in enumerate(words[1:], 1):
            if word.startswith(long + "="):
                out.add(word.split("=", 1)[1])
            elif (word == long or (word.startswith("-") and not word.startswith("--") and word.endswith(short[1])))\
                    and index + 1 < len(words):
                out.add(words[index + 1])
    return out


def _command_key(roles: list, command) -> str:
    """``apt-get install``: the program and its subcommand, as the line writes them."""
    words = [command.words[0].text.replace("\\", "/").rsplit("/", 1)[-1]]
    words += [r.text for r in roles[1:] if r.role == "subcommand"][:2]
    return " ".join(words)


__all__ = ["LineExplanation", "Optional", "compose", "context", "explain_line", "iter_lines", "unmentioned_links"]
