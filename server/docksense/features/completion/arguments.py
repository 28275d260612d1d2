"""After an instruction's keyword: flags, then what each instruction's arguments can be."""

from __future__ import annotations

from ...analysis import Analysis
from ...knowledge import KnowledgeBase
from ...syntax import Instruction
from .context import Context, typed_start
from .flags import flag_context, flag_name_candidates, flag_value_candidates
from .images import tag_candidates
from .items import Candidate, Kind
from .keywords import keyword_case
from .references import (
    MODIFIER_AT_END,
    VARIABLE_AT_END,
    modifier_candidates,
    stage_candidates,
    user_candidates,
    variable_candidates,
)
from .shell import exec_candidates, shell_candidates

# Where the builder (or the shell) expands variables; exec-form RUN/CMD/ENTRYPOINT get none.
_NO_EXPANSION_IN_EXEC = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL"})
_SHELL_CODE = frozenset({"RUN", "CMD", "ENTRYPOINT"})
# The pre-defined annotation keys of the OCI image spec (annotations.md), which registries and
# scanners read from image labels.
OCI_LABELS = (
    ("org.opencontainers.image.source", "URL of the source code the image was built from"),
    ("org.opencontainers.image.description", "human-readable description of the software in the image"),
    ("org.opencontainers.image.title", "human-readable title of the image"),
    ("org.opencontainers.image.version", "version of the packaged software"),
    ("org.opencontainers.image.revision", "source control revision (commit) the image was built from"),
    ("org.opencontainers.image.licenses", "SPDX license expression of the software in the image"),
    ("org.opencontainers.image.authors", "people or organisation responsible for the image"),
    ("org.opencontainers.image.vendor", "who distributes the image"),
    ("org.opencontainers.image.url", "where to find more information on the image"),
    ("org.opencontainers.image.documentation", "URL of the image's documentation"),
    ("org.opencontainers.image.created", "date and time the image was built (RFC 3339)"),
    ("org.opencontainers.image.base.name", "reference of the image this one is based on"),
)
SHELLS = (
    ('["/bin/bash", "-o", "pipefail", "-c"]', "bash; a failing command anywhere in a pipe fails the RUN"),
    ('["/bin/sh", "-c"]', "the default shell on Linux"),
    ('["/bin/ash", "-eo", "pipefail", "-c"]', "busybox ash (Alpine) with pipefail"),
    ('["powershell", "-Command"]', "Windows PowerShell"),
    ('["pwsh", "-Command"]', "PowerShell 7"),
    ('["cmd", "/S", "/C"]', "the default shell on Windows"),
)


def argument_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context) -> list[Candidate]:
    ins = ctx.instruction
    assert ins is not None
    prefix = ctx.prefix
    tokens = prefix.split()
    current = "" if prefix[-1:].isspace() else (tokens[-1] if tokens else "")
    previous = tokens[:-1] if current else tokens
    in_flags = all(t.startswith("--") for t in previous)

    if in_flags and current.startswith("-"):
        found = flag_context(previous, current)
        if found is not None:
            name, value = found
            if value is None:
                start = typed_start(analysis, ctx, current)
                return [] if start is None else flag_name_candidates(kb, ins, current, start, analysis)
            if "$" in value and not value.endswith(",") and _variable_allowed(ins, name):
                variables = _variables(analysis, ctx, ins, prefix)
                if variables is not None:
                    return variables
            start = typed_start(analysis, ctx, value)
            return [] if start is None else flag_value_candidates(analysis, kb, ctx, ins, name, value, start)

    if ins.json is None or ins.name not in _NO_EXPANSION_IN_EXEC:
        variables = _variables(analysis, ctx, ins, prefix)
        if variables is not None:
            return variables

    args = _after_flags(previous)
    start = typed_start(analysis, ctx, current)
    if start is None:
        return []
    name = ins.name
    out: list[Candidate] = []
    if name == "FROM":
        out = _from(analysis, kb, ins, args, current, start)
    elif name in _SHELL_CODE and _array(prefix) is not None:
        out = exec_candidates(analysis, kb, ctx, ins, _array(prefix) or "")
    elif name in _SHELL_CODE:
        if not args and in_flags and (not current or current.startswith("-")):
            out = flag_name_candidates(kb, ins, current, start, analysis) if name == "RUN" else []
        if not current.startswith("-") or args:
            out += shell_candidates(analysis, kb, ctx, ins)
    elif name == "HEALTHCHECK":
        if not args and in_flags:
            out = flag_name_candidates(kb, ins, current, start, analysis)
            upper = keyword_case(analysis, "") == "upper"
            for word, why in (("CMD", "the command that checks the container"), ("NONE", "disable the base image's check")):
                word = word if upper else word.lower()
                out.append(Candidate(word, Kind.Keyword, insert=word + " ", detail=why, start=start, sort="0"))
        elif args and args[0].upper() == "CMD":
            array = _array(prefix.split(args[0], 1)[-1] if args[0] in prefix else "")
            out = exec_candidates(analysis, kb, ctx, ins, array) if array is not None else shell_candidates(analysis, kb, ctx, ins)
    elif name in ("COPY", "ADD"):
        if not args and in_flags:
            out = flag_name_candidates(kb, ins, current, start, analysis)
    elif name == "ARG":
        if "=" not in current:
            out = _arg_names(analysis, kb, ins, start)
    elif name == "ENV":
        if "=" not in current:
            out = [Candidate(e.name, Kind.Variable, insert=e.name + "=", detail=_short(e.summary), start=start,
                             data={"id": e.id}) for e in kb.all_of("env")]
    elif name == "USER" and not args:
        out = user_candidates(analysis, ins, current, start)
    elif name == "STOPSIGNAL" and not args:
        out = [Candidate(e.name, Kind.EnumMember, detail=_short(e.summary), start=start, data={"id": e.id})
               for e in kb.all_of("signal")]
    elif name == "EXPOSE":
        out = [Candidate(e.name, Kind.Value, detail=_short(e.summary), start=start, data={"id": e.id})
               for e in kb.all_of("port")]
    elif name == "LABEL" and "=" not in current:
        out = [Candidate(key, Kind.Property, insert=key + "=", detail=why, sort=f"{i:02d}", start=start)
               for i, (key, why) in enumerate(OCI_LABELS)]
    elif name == "SHELL" and not args and not current:
        out = [Candidate(text, Kind.Value, detail=why, sort=f"{i}", start=start) for i, (text, why) in enumerate(SHELLS)]
    return out


def _array(prefix: str):
    """The text from ``[`` to the cursor when the arguments (after flags) open a JSON array."""
    rest = prefix.lstrip()
    while rest.startswith("--"):
        cut = len(rest.split(None, 1)[0])
        rest = rest[cut:].lstrip()
    return rest if rest.startswith("[") else None


def _after_flags(previous: list[str]) -> list[str]:
    out = []
    in_flags = True
    for token in previous:
        if in_flags and token.startswith("--"):
            continue
        in_flags = False
        out.append(token)
    return out


def _variable_allowed(ins: Instruction, flag: str) -> bool:
    return flag.lower() != "from"  # COPY --from= and mount from= are not expanded


def _variables(analysis: Analysis, ctx: Context, ins: Instruction, prefix: str):
    """Variables or substitution forms when the text just typed is a reference."""
    if ins.name == "RUN" and "from=" in prefix.rsplit(" ", 1)[-1].rsplit(",", 1)[-1]:
        return None
    match = MODIFIER_AT_END.search(prefix)
    if match:
        start = typed_start(analysis, ctx, match.group(0))
        return [] if start is None else modifier_candidates(analysis, match.group(1), start)
    match = VARIABLE_AT_END.search(prefix)
    if match:
        start = typed_start(analysis, ctx, match.group(0))
        return [] if start is None else variable_candidates(analysis, ins, match.group(0), start)
    return None


def _from(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, args: list[str], current: str,
          start: int) -> list[Candidate]:
    if not args:
        if "@" in current:
            return []
        if ":" in current.rsplit("/", 1)[-1]:
            image = current.rpartition(":")[0]
            return tag_candidates(kb, image, start + len(image) + 1)
        out = []
        if not current.startswith("-") and ins.flag("platform") is None:
            out += flag_name_candidates(kb, ins, current, start, analysis) if not current else []
        if current.startswith("-"):
            return flag_name_candidates(kb, ins, current, start, analysis)
        out += stage_candidates(analysis, kb, ins, start, indexes=False, images=True)
        return out
    if len(args) == 1 and "as".startswith(current.lower()):
        word = "AS" if keyword_case(analysis, "") == "upper" else "as"
        return [Candidate(word, Kind.Keyword, insert=word + " ", detail="name this stage", start=start)]
    return []


def _arg_names(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, start: int) -> list[Candidate]:
    """Predefined ARGs worth declaring, and global ARGs to re-declare inside a stage."""
    out = []
    scope = analysis.scopes.scope_before(ins)
    declared = set(scope.args) if scope is not None else set()
    if scope is not None and scope.stage is not None:
        for name, definition in scope.global_args.items():
            if name not in declared:
                value = definition.value if definition.value is not None else "(no default)"
                out.append(Candidate(name, Kind.Variable, detail=f"global ARG = {value}", sort="0", start=start,
                                     data={"offset": definition.pair.key_start} if definition.pair else None))
    for entry in kb.all_of("arg"):
        if entry.name in declared or entry.name.endswith("_proxy"):  # the upper-case proxy names suffice
            continue
        out.append(Candidate(entry.name, Kind.Variable, detail=_short(entry.summary), sort="1", start=start,
                             data={"id": entry.id}))
    return out


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["argument_candidates"]
