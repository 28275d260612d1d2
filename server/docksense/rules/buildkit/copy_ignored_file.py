"""CopyIgnoredFile: COPY/ADD of a path ``.dockerignore`` excludes (convert.go).

The ignore file and its matching are the build context's (``Analysis.context``); the sources
as BuildKit expands them are the dispatch's (``Analysis.build``).
"""

from __future__ import annotations

from typing import Iterator

from ...analysis.context import go_clean
from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding


@rule("CopyIgnoredFile", family=FAMILY, severity=SEVERITY,
      summary="COPY or ADD names a source that .dockerignore excludes from the build context.")
def check_copy_ignored_file(analysis) -> Iterator[Finding]:
    """COPY/ADD of a path that ``.dockerignore`` keeps out of the build context."""
    steps = analysis.build.steps_of("COPY", "ADD")
    if not steps or analysis.path is None:
        return
    matcher = analysis.context.ignore
    if matcher is None or matcher.exclusions:
        return
    for step in steps:
        ins = step.instruction
        from_flag = ins.flag("from") if ins.name == "COPY" else None
        if from_flag is not None and from_flag.value:
            continue  # sources come from another stage or image, not from the context
        verb = "Add" if ins.name == "ADD" else "Copy"
        for use in step.uses_of("source"):
            src = use.value
            if src is None or "://" in src or src.startswith("git@"):
                continue
            src = go_clean(src)
            if src in (".", "/") and not matcher.root_ignored():
                continue
            pattern = matcher.matching(src)
            if pattern is None:
                continue
            message = (f"{verb} source '{src}' is excluded by {matcher.source} (pattern '{pattern.text}'), so "
                       f"it is not part of the build context and {ins.name} cannot find it. Remove it from "
                       f"{matcher.source} or copy another path.")
            yield finding("CopyIgnoredFile", message, use.start, use.end, ins)
