"""Family ``eol``: base images whose release line no longer gets fixes.

An image tag such as ``node:18-slim`` names a release line (``18``) whose maintainers stop
publishing security fixes on a known date; the image keeps building, so nothing else tells
the author. The knowledge base records each line's end-of-life date, an optional successor
and the line to recommend (``knowledge/images/*.toml``, ``[lifecycle]``); this family reads
them through :func:`docksense.analysis.images.lookup_image`.

It stays silent whenever it cannot be sure: an image or tag the knowledge base does not
know, a tag built from a variable without a default, a reference pinned by digest alone. A
tag built from global ARGs is judged by the value their defaults give (the build model's
expansion, as BuildKit expands a FROM line); it is reported on the whole word, without a fix. The fix swaps the
release line inside the tag and keeps the variant (``18-slim`` -> ``22-slim``); it is never
applied automatically because a new base image changes what the image contains.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
import weakref
from typing import TYPE_CHECKING, Iterator, Optional

from ..analysis.images import ImageFacts, lookup_image, parse_image
from ..knowledge import KnowledgeBase
from ..syntax.words import unquote
from .context import knowledge_of
from .model import Edit, Finding, Fix
from .registry import rule

if TYPE_CHECKING:
    from ..analysis import Analysis

_KB: Optional[KnowledgeBase] = None
_KB_LOCK = threading.Lock()


def set_knowledge_base(kb: Optional[KnowledgeBase]) -> None:
    """Use ``kb`` (the server's, with the user's packs) for every document; None undoes it."""
    global _KB
    with _KB_LOCK:
        _KB = kb


def knowledge_base(analysis: "Analysis") -> KnowledgeBase:
    """The knowledge base to judge ``analysis`` with.

    The one given to :func:`set_knowledge_base` wins; otherwise the one the run was
    configured with (:func:`docksense.rules.context.knowledge_of`), which falls back to a
    single bundled base created on first need, so the files are read once per process.
    """
    kb = _KB
    return kb if kb is not None else knowledge_of(analysis)


def today() -> _dt.date:
    """The date end-of-life is judged against (tests replace this function)."""
    return _dt.date.today()


_VERSION_TAIL = re.compile(r"(?:\.[0-9]+)*")


# What the knowledge base says about an image tag, kept across document versions (an edit
# re-checks every FROM; the facts of a tag only change with the knowledge base itself).
_FACTS: "weakref.WeakKeyDictionary[KnowledgeBase, dict[tuple[str, str], ImageFacts]]" = weakref.WeakKeyDictionary()
_FACTS_LIMIT = 4096


def _facts_of(kb: KnowledgeBase, ref) -> ImageFacts:
    with _KB_LOCK:
        table = _FACTS.get(kb)
        if table is None:
            table = _FACTS[kb] = {}
    key = (ref.full_name, ref.tag)
    facts = table.get(key)
    if facts is None:
        if len(table) >= _FACTS_LIMIT:
            table.clear()
        facts = table[key] = lookup_image(kb, ref)
    return facts


def suggested_line(facts: ImageFacts) -> str:
    """Where to move: the line's successor when the knowledge base names one, else the
    recommended line (which may be another image, such as ``eclipse-temurin:25``)."""
    if facts.line is not None and facts.line.successor:
        return facts.line.successor
    lifecycle = facts.entry.lifecycle if facts.entry is not None else None
    return lifecycle.recommended if lifecycle is not None else ""


def replacement_tag(tag: str, line: str, target: str) -> Optional[str]:
    """``tag`` with its release line swapped for ``target``, variant kept; None when the tag
    does not have the plain ``<version>[-variant]`` shape that makes the swap mechanical."""
    if not tag.startswith(line) or not target or ":" in target or "/" in target:
        return None
    end = len(line)
    if line[-1:].isdigit():
        end += _VERSION_TAIL.match(tag, end).end() - end
    rest = tag[end:]
    if rest and rest[0] not in "-_":
        return None
    new = target + rest
    return new if new != tag else None


def _expanded_with_defaults(analysis: "Analysis", index: int, text: str) -> tuple[Optional[str], list[str]]:
    """A FROM image built from variables, as BuildKit expands it with the global ARG defaults
    (the build model's expansion), and the names it read; None when a name has no value, the
    word is malformed, or the stage builds on an earlier stage."""
    build = analysis.build
    if index >= len(build.stages) or build.stages[index].base_index is not None:
        return None, []
    expanded = build.expand_global(text)
    if expanded.value is None or expanded.error or expanded.unmatched or not expanded.matched:
        return None, []
    return expanded.value, list(expanded.matched)


@rule(
    "EndOfLifeBaseImage",
    family="eol",
    severity="warning",
    summary="A base image tag whose release line is past its end of life",
    fixable=True,
)
def check_end_of_life(analysis: "Analysis") -> Iterator[Finding]:
    """Each FROM whose tag belongs to a release line past its end-of-life date."""
    kb: Optional[KnowledgeBase] = None
    now = today()
    escape = analysis.tree.escape
    for stage in analysis.stages:
        word = stage.image
        if word is None or stage.base_stage is not None:
            continue
        via_args: list[str] = []
        if "$" in word.text:
            value, via_args = _expanded_with_defaults(analysis, stage.index, word.text)
            if value is None:
                continue
        else:
            value = unquote(word.text, escape)
        ref = parse_image(value)
        if ref is None or not ref.tag or ref.has_variables:
            continue
        if kb is None:
            kb = knowledge_base(analysis)
        facts = _facts_of(kb, ref)
        eol = facts.end_of_life(now)
        if eol is None or facts.line is None:
            continue
        line = facts.line.line
        target = suggested_line(facts)
        message = f"{ref.full_name} {line} reached end of life on {eol.isoformat()}"
        if target:
            where = target if (":" in target or "/" in target) else f"{ref.full_name}:{target}"
            message += f"; move to a supported line such as {where}"
        if via_args:
            names = ", ".join(via_args)
            message += f" (with the default of ARG {names}; --build-arg may override it)"
        source = analysis.text[word.start:word.end]
        tag_at = source.rfind(":" + ref.tag, 0, len(source) - len(ref.digest) - (1 if ref.digest else 0))
        if source != value or tag_at < 0:
            yield Finding("EndOfLifeBaseImage", message, word.start, word.end, "warning",
                          instruction_line=stage.instruction.line)
            continue
        start = word.start + tag_at + 1
        end = start + len(ref.tag)
        fix = None
        new_tag = replacement_tag(ref.tag, line, target) if not ref.digest else None
        if new_tag is not None:
            fix = Fix(f"Use {ref.full_name}:{new_tag}", [Edit(start, end, new_tag)], preferred=True, safe=False)
        yield Finding("EndOfLifeBaseImage", message, start, end, "warning", fix=fix,
                      instruction_line=stage.instruction.line)


__all__ = ["check_end_of_life", "knowledge_base", "replacement_tag", "set_knowledge_base",
           "suggested_line", "today"]
