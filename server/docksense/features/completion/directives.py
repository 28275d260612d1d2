"""Parser directives and pragmas in comments.

``# syntax=``, ``# escape=`` and ``# check=`` only in the directive block at the top of the
file (anywhere else BuildKit reads them as plain comments); ``# hadolint ignore=`` /
``# hadolint global ignore=`` on any comment line outside an instruction. Rule names come from
the knowledge base's rule pages (kept in step with the rule registry by a test), with their
hadolint and ShellCheck codes; ``# check=skip=`` offers BuildKit's own check names.
"""

from __future__ import annotations

import re

from ...analysis import Analysis
from ...knowledge import KnowledgeBase
from .context import Context
from .items import Candidate, Kind

FRONTENDS = (
    ("docker/dockerfile:1", "latest stable 1.x frontend (recommended)"),
    ("docker/dockerfile:1-labs", "stable frontend plus labs features"),
    ("docker/dockerfile-upstream:master", "unreleased frontend from BuildKit's master branch"),
    ("docker/dockerfile:1.10", "a pinned minor release"),
)
ESCAPES = (("\\", "backslash (default)"), ("`", "backtick, for Windows paths"))
CHECK_KEYS = (("skip=", "checks to skip (comma-separated, or all)"),
              ("error=", "true: a check violation fails the build"),
              ("experimental=", "experimental checks to enable (comma-separated, or all)"))
BOOLEANS = (("true", ""), ("false", ""))

_DIRECTIVE_NAME = re.compile(r"#[ \t]*([A-Za-z]*)\Z")
_DIRECTIVE_VALUE = re.compile(r"#[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(.*)\Z")
_PRAGMA_WORDS = re.compile(r"#[ \t]*((?:h|ha|had|hado|hadol|hadoli|hadolin|hadolint)?)\Z", re.IGNORECASE)
_PRAGMA_KEY = re.compile(r"#[ \t]*hadolint[ \t]+([a-z ]*)\Z")
_PRAGMA_VALUE = re.compile(r"#[ \t]*hadolint[ \t]+(?:global[ \t]+)?(ignore|shell)[ \t]*=[ \t]*(.*)\Z")


def directive_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context) -> list[Candidate]:
    """Completions on a comment line of the directive block at the top of the file."""
    text = ctx.before.lstrip(" \t")
    match = _DIRECTIVE_NAME.match(text)
    if match:
        typed = match.group(1)
        present = {d.name for d in analysis.tree.directives if d.line != analysis.lines.line_of(ctx.offset)}
        out = [
            Candidate(f"{name}=", Kind.Keyword, detail="parser directive", sort=f"0{i}",
                      start=ctx.offset - len(typed), data={"id": f"directive:{name}"})
            for i, name in enumerate(("syntax", "escape", "check")) if name not in present
        ]
        return out + pragma_candidates(kb, ctx)
    match = _DIRECTIVE_VALUE.match(text)
    if not match:
        return []
    name, value = match.group(1).lower(), match.group(2)
    if name == "syntax":
        return [Candidate(ref, Kind.Value, detail=why, sort=f"{i}", start=ctx.offset - len(value),
                          data={"id": "directive:syntax"}) for i, (ref, why) in enumerate(FRONTENDS)]
    if name == "escape":
        return [Candidate(ch, Kind.Value, detail=why, start=ctx.offset - len(value), data={"id": "directive:escape"})
                for ch, why in ESCAPES]
    if name == "check":
        return _check_value(kb, ctx, value)
    return pragma_candidates(kb, ctx)


def _check_value(kb: KnowledgeBase, ctx: Context, value: str) -> list[Candidate]:
    field = value.rsplit(";", 1)[-1].lstrip()
    key, eq, rest = field.partition("=")
    if not eq:
        used = {part.split("=", 1)[0].strip() for part in value.split(";")[:-1]}
        return [Candidate(k, Kind.Property, detail=why, start=ctx.offset - len(field), data={"id": "directive:check"})
                for k, why in CHECK_KEYS if k[:-1] not in used]
    key = key.strip().lower()
    if key == "error":
        return [Candidate(b, Kind.Value, start=ctx.offset - len(rest)) for b, _ in BOOLEANS]
    if key in ("skip", "experimental"):
        typed = rest.rsplit(",", 1)[-1]
        chosen = {name.strip() for name in rest.split(",")[:-1]}
        out = [Candidate("all", Kind.Value, detail="every check", sort="0", start=ctx.offset - len(typed))]
        for entry in kb.all_of("rule"):
            if entry.family != "buildkit" or entry.name in chosen:
                continue
            out.append(Candidate(entry.name, Kind.EnumMember, detail=entry.summary.strip(), sort="1",
                                 start=ctx.offset - len(typed), data={"id": entry.id}))
        return out
    return []


def pragma_candidates(kb: KnowledgeBase, ctx: Context) -> list[Candidate]:
    """``# hadolint ignore=...`` pragmas: the keywords, then rule names and codes."""
    text = ctx.before.lstrip(" \t")
    match = _PRAGMA_WORDS.match(text)
    if match and (match.group(1) or ctx.kind == "directive"):
        typed = match.group(1)
        start = ctx.offset - len(typed)
        return [
            Candidate("hadolint ignore=", Kind.Keyword, detail="ignore rules for the next instruction", sort="50",
                      start=start),
            Candidate("hadolint global ignore=", Kind.Keyword, detail="ignore rules in the whole file", sort="51",
                      start=start),
        ]
    match = _PRAGMA_KEY.match(text)
    if match:
        typed = match.group(1)
        return [Candidate(k, Kind.Keyword, start=ctx.offset - len(typed), detail=why)
                for k, why in (("ignore=", "ignore rules for the next instruction"),
                               ("global ignore=", "ignore rules in the whole file"),
                               ("shell=", "the shell ShellCheck assumes"))]
    match = _PRAGMA_VALUE.match(text)
    if not match:
        return []
    key, value = match.group(1), match.group(2)
    typed = re.split(r"[,\s]", value)[-1]
    start = ctx.offset - len(typed)
    if key == "shell":
        return [Candidate(s, Kind.Value, start=start) for s in ("sh", "bash", "dash", "ksh", "pwsh", "powershell")]
    return rule_candidates(kb, start, {v.strip() for v in re.split(r"[,\s]", value)[:-1]})


def rule_candidates(kb: KnowledgeBase, start: int, chosen: set[str]) -> list[Candidate]:
    """Every rule by name, and its hadolint/ShellCheck codes as items of their own."""
    out: list[Candidate] = []
    for entry in kb.all_of("rule"):
        summary = entry.summary.strip()
        codes = [a for a in entry.aliases if re.fullmatch(r"(DL|SC)\d+", a)]
        if entry.name not in chosen:
            detail = f"{', '.join(codes)}: {summary}" if codes else summary
            out.append(Candidate(entry.name, Kind.EnumMember, detail=detail, sort="1", start=start,
                                 data={"id": entry.id}))
        for code in codes:
            if code not in chosen:
                out.append(Candidate(code, Kind.EnumMember, detail=f"{entry.name}: {summary}", sort="0",
                                     start=start, data={"id": entry.id}))
    out.extend(_registry_only(kb, start, chosen, {c.label for c in out}))
    return out


def _registry_only(kb: KnowledgeBase, start: int, chosen: set[str], seen: set[str]) -> list[Candidate]:
    """Rules registered in code without a knowledge page yet (ShellCheck codes as they are added)."""
    try:
        from ...rules.registry import RULES
    except ImportError:  # the rules package is being changed: the knowledge pages suffice
        return []
    out = []
    for rule in list(RULES.values()):
        for name in (rule.name, *rule.aliases):
            if name in seen or name in chosen:
                continue
            seen.add(name)
            out.append(Candidate(name, Kind.EnumMember, detail=rule.summary, sort="2", start=start))
    return out


def comment_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context) -> list[Candidate]:
    """An ordinary comment line: only hadolint pragmas, once the comment starts like one."""
    return pragma_candidates(kb, ctx)
