"""Instruction keywords valid at the cursor, in the file's keyword casing.

Before the first FROM only ARG and FROM may stand (BuildKit refuses anything else in the
global scope); after ONBUILD every instruction except FROM, ONBUILD and MAINTAINER. Clients
with snippet support also get the common shapes as snippets: exec-form arrays, ``HEALTHCHECK
CMD``, ``COPY --from=``, ``FROM ... AS``.
"""

from __future__ import annotations

from ...analysis import Analysis
from .context import Context
from .items import Candidate, Kind

INSTRUCTIONS = ("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
                "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER")
NOT_IN_ONBUILD = frozenset({"FROM", "ONBUILD", "MAINTAINER"})
GLOBAL_SCOPE = ("FROM", "ARG")

# (keyword, label suffix, snippet body after the keyword)
SNIPPETS: tuple[tuple[str, str, str], ...] = (
    ("FROM", "image AS name", "FROM ${1:image}:${2:tag} AS ${3:name}"),
    ("RUN", "with a cache mount", "RUN --mount=type=cache,target=${1:/root/.cache} \\\\\n    ${2:command}"),
    ("CMD", '["executable", "param"]', 'CMD ["${1:executable}", "${2:param}"]'),
    ("ENTRYPOINT", '["executable", "param"]', 'ENTRYPOINT ["${1:executable}", "${2:param}"]'),
    ("COPY", "--from=stage src dest", "COPY --from=${1:stage} ${2:src} ${3:dest}"),
    ("COPY", "--link src dest", "COPY --link ${1:src} ${2:dest}"),
    ("HEALTHCHECK", "CMD command", "HEALTHCHECK --interval=${1:30s} --timeout=${2:5s} CMD ${3:command}"),
    ("HEALTHCHECK", "NONE", "HEALTHCHECK NONE"),
    ("SHELL", '["executable", "parameters"]', 'SHELL ["${1:/bin/bash}", "-o", "pipefail", "-c"]'),
    ("VOLUME", '["/path"]', 'VOLUME ["${1:/data}"]'),
    ("ENV", "key=value", "ENV ${1:KEY}=${2:value}"),
    ("ARG", "name=default", "ARG ${1:NAME}=${2:default}"),
    ("LABEL", "key=value", 'LABEL ${1:org.opencontainers.image.source}="${2:value}"'),
)


def keyword_case(analysis: Analysis, typed: str, skip: object = None) -> str:
    """"upper" or "lower": what most keywords of the file use (what is typed, in a new file).
    ``skip`` is the instruction being typed, which does not count."""
    upper = lower = 0
    for ins in analysis.tree.instructions:
        if ins is skip:
            continue
        if ins.keyword.isupper():
            upper += 1
        elif ins.keyword.islower():
            lower += 1
    if upper == lower == 0 or upper == lower:
        return "lower" if typed and typed.islower() else "upper"
    return "upper" if upper > lower else "lower"


def _first_from_before(analysis: Analysis, ctx: Context) -> bool:
    for stage in analysis.stages:
        ins = stage.instruction
        if ins is ctx.top:
            return False
        return ins.start < ctx.offset
    return False


def keyword_candidates(analysis: Analysis, ctx: Context, typed: str) -> list[Candidate]:
    if ctx.onbuild:
        allowed = [k for k in INSTRUCTIONS if k not in NOT_IN_ONBUILD]
    elif not _first_from_before(analysis, ctx):
        allowed = list(GLOBAL_SCOPE)
    else:
        allowed = list(INSTRUCTIONS)
    case = keyword_case(analysis, typed, ctx.top)
    fix = str.upper if case == "upper" else str.lower
    out = []
    for order, keyword in enumerate(allowed):
        written = fix(keyword)
        out.append(Candidate(
            label=written,
            kind=Kind.Keyword,
            insert=written + " ",
            sort=f"0{order:02d}",
            filter=written,
            deprecated=keyword == "MAINTAINER",
            detail="deprecated: use LABEL" if keyword == "MAINTAINER" else "instruction",
            data={"id": f"instruction:{keyword}"},
        ))
        for name, suffix, body in SNIPPETS:
            if name != keyword:
                continue
            snippet = written + body[len(name):]
            out.append(Candidate(
                label=f"{written} {suffix}",
                kind=Kind.Snippet,
                snippet=snippet,
                snippet_only=True,
                sort=f"1{order:02d}",
                filter=written,
                detail="snippet",
                data={"id": f"instruction:{keyword}"},
            ))
    return out
