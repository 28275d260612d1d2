"""MaintainerDeprecated: the MAINTAINER instruction (instructions/parse.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding, has_inner_comment, keyword_casing


@rule("MaintainerDeprecated", family=FAMILY, severity=SEVERITY, fixable=True, aliases=("DL4000",),
      summary="The deprecated MAINTAINER instruction is used.")
def check_maintainer_deprecated(analysis) -> Iterator[Finding]:
    """MAINTAINER is deprecated; the OCI label ``org.opencontainers.image.authors`` replaces it."""
    tree = analysis.tree
    for ins in tree.instructions:
        if ins.name != "MAINTAINER":
            continue
        fix = None
        if ins.args and not has_inner_comment(tree, ins):
            escape = tree.escape
            value = "".join(escape + ch if ch in ('"', "$", escape) else ch for ch in ins.args)
            label = keyword_casing(ins, "LABEL")
            fix = Fix("Replace with LABEL org.opencontainers.image.authors",
                      [Edit(ins.keyword_start, ins.end, f'{label} org.opencontainers.image.authors="{value}"')],
                      preferred=True, safe=False)
        message = ("MAINTAINER is deprecated: record the image's author with "
                   "LABEL org.opencontainers.image.authors=\"...\" instead.")
        yield finding("MaintainerDeprecated", message, ins.keyword_start, ins.keyword_end, ins, fix,
                      deprecated=True)
