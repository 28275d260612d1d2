"""UndefinedArgInFrom: FROM uses a name no global ARG declares (convert.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding, suggest


@rule("UndefinedArgInFrom", family=FAMILY, severity=SEVERITY,
      summary="FROM uses a variable that no ARG before the first FROM declares.")
def check_undefined_arg_in_from(analysis) -> Iterator[Finding]:
    """A ``$NAME`` in FROM that no global ARG declares expands to an empty string."""
    build = analysis.build
    allowed = build.from_arg_names()
    allowed_set = set(allowed)
    for info in build.stages:
        ins = info.instruction
        spans: list[tuple[str, int, int]] = []
        if info.image is not None:
            spans.append((info.image.text, info.image.start, info.image.end))
        if info.platform is not None and info.platform.value:
            spans.append((info.platform.value, info.platform.value_start, info.platform.value_end))
        for text, start, end in spans:
            expanded = build.expand_global(text)
            for name in expanded.unmatched:
                if name in allowed_set:
                    continue
                suggestion = suggest(name, allowed)
                ref = next((r for r in ins.variables if start <= r.start < end and r.name == name), None)
                r_start, r_end = (ref.name_start, ref.name_end) if ref is not None else (start, end)
                hint = f" (did you mean {suggestion}?)" if suggestion else ""
                message = (f"FROM uses '${name}'{hint}, but no ARG before the first FROM declares it, so it "
                           f"expands to an empty string. Declare it with ARG before the first FROM.")
                fix = None
                if suggestion:
                    fix = Fix(f"Change to ${suggestion}", [Edit(r_start, r_end, suggestion)],
                              preferred=False, safe=False)
                yield finding("UndefinedArgInFrom", message, r_start, r_end, ins, fix)
