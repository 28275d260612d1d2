"""UndefinedVar: a ``$NAME`` BuildKit expands itself where nothing defines it (convert.go).

The dispatch (``Analysis.build``) says which names BuildKit would report at each word; what
is left here is what a file cannot know: for a base image whose environment is unknown, a name
is reported only when the file gives it away (see :func:`_surely_undefined`).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterator, Optional

from ...analysis.build import Use
from ...analysis.scopes import PLATFORM_ARGS
from ...syntax import Instruction, VarRef
from ...syntax.variables import find_variables
from ..context import knowledge_of
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding, keyword_casing
from .suggestions import Suggester


@rule("UndefinedVar", family=FAMILY, severity=SEVERITY,
      summary="A variable is used where nothing defines it yet.")
def check_undefined_var(analysis) -> Iterator[Finding]:
    """A ``$NAME`` that BuildKit expands itself but that nothing defines at that point."""
    build = analysis.build
    image_env: Optional[frozenset[str]] = None
    index: dict[int, tuple[list[VarRef], list[int]]] = {}  # per instruction: references by start
    suggester = Suggester()
    sizes: dict[int, int] = {}  # per environment layer: how many names it holds (an upper bound)
    for step in build.steps:
        ins = step.instruction
        for use in step.uses:
            if not use.undefined:
                continue
            refs: Optional[dict[str, VarRef]] = None
            size = sizes.get(id(use.env))
            if size is None and use.env is not None:
                size = sizes[id(use.env)] = sum(len(level.own_names()) for level in use.env.chain())
            for name in use.undefined:
                suggestion = suggester.suggest(name, use.env, use.before, size or 0)
                if not step.stage.env_known:
                    if image_env is None:
                        image_env = _image_env_names(analysis)
                    if not _surely_undefined(build, image_env, name, suggestion):
                        continue
                if refs is None:
                    refs = _refs(analysis, ins, use, index)
                ref = refs.get(name)
                r_start, r_end = (ref.name_start, ref.name_end) if ref is not None else (use.start, use.end)
                yield _finding(analysis, ins, name, suggestion, r_start, r_end)


def _surely_undefined(build, image_env: frozenset[str], name: str, suggestion: str) -> bool:
    """For a stage whose base image environment is unknown: is the name undefined anyway?

    Platform ARGs are never set by images. Otherwise a name the knowledge base documents
    as an environment variable (images commonly set those) gets the benefit of the doubt,
    and any other name is reported when the file declares it elsewhere (a global ARG not
    re-declared, a declaration further down) or when it is a near miss of a defined name.
    """
    if name in PLATFORM_ARGS:
        return True
    if name in image_env:
        return False
    return name in build.declared or bool(suggestion)


def _image_env_names(analysis) -> frozenset[str]:
    """Variables the knowledge base documents (images commonly set them)."""
    try:
        entries = knowledge_of(analysis).all_of("env")
    except Exception:  # a broken knowledge pack must not stop the check
        entries = []
    return frozenset(e.name for e in entries)


def _refs(analysis, ins: Instruction, use: Use,
          index: dict[int, tuple[list[VarRef], list[int]]]) -> dict[str, VarRef]:
    """The first reference to each name inside the word's span, found by bisection in the
    instruction's references sorted once (a scan per word made ENV with thousands of pairs
    quadratic)."""
    if not use.quotes:
        # heredoc bodies expand without quote processing: scan with quotes made inert
        body = analysis.text[use.start:use.end].replace("'", "\x00").replace('"', "\x00")
        found = find_variables(body, "\\", use.start)
    else:
        cached = index.get(id(ins))
        if cached is None:
            ordered = sorted(ins.variables, key=lambda r: r.start)  # stable: already in order
            cached = index[id(ins)] = (ordered, [r.start for r in ordered])
        ordered, positions = cached
        low = bisect_left(positions, use.start)
        found = ordered[low:bisect_left(positions, use.end, low)]
    out: dict[str, VarRef] = {}
    for ref in found:
        out.setdefault(ref.name, ref)
    return out


def _finding(analysis, ins: Instruction, name: str, suggestion: str, start: int, end: int) -> Finding:
    build = analysis.build
    text = analysis.text
    fix = None
    if name in build.global_declared or (name in PLATFORM_ARGS and name in build.global_env):
        scope = "a global ARG" if name in build.global_declared else "a predefined platform ARG"
        message = (f"Variable '${name}' is not defined here: it is {scope}, and global ARGs are not "
                   f"visible inside a stage until the stage declares them. Add `ARG {name}` to this "
                   f"stage before this instruction.")
        line_start = text.rfind("\n", 0, ins.start) + 1
        indent = text[line_start:ins.start]
        if indent.strip() == "":
            fix = Fix(f"Declare ARG {name} in this stage",
                      [Edit(line_start, line_start, f"{indent}{keyword_casing(ins, 'ARG')} {name}\n")],
                      preferred=True, safe=False)
    elif suggestion:
        message = (f"Variable '${name}' is not defined at this point (did you mean ${suggestion}?). "
                   f"Fix the name, or declare it with ARG or ENV before this instruction.")
        fix = Fix(f"Change to ${suggestion}", [Edit(start, end, suggestion)], preferred=False, safe=False)
    else:
        message = (f"Variable '${name}' is not defined at this point and expands to an empty string. "
                   f"Declare it with ARG or ENV before this instruction, or fix the name.")
    return finding("UndefinedVar", message, start, end, ins, fix)
