"""Instructions before the first FROM are checked as if a stage had begun above them.

A half-written file (``RUN sudo apt-get update``, what a user has typed so far, or a
snippet pasted into a new buffer) has no FROM yet. BuildKit refuses it, and
NoFromInstruction says so; but every other check still has something useful to say about
those lines, and hadolint, which users compare us with, reports them.

Rather than teach every rule about a stage-less preamble, the rules run a second time over
a *virtual* text with one ``FROM`` line inserted above the first such instruction (above the
comments that belong to it, below the parser directives), and the findings that fall
on the original instructions before the real first FROM are mapped back to the document's
offsets. Findings of the inserted line itself are dropped, and so is anything the real run
already reported at the same place. The second run happens only for such files, which are
rare outside an editor's first minutes with a new file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

from ..syntax import Instruction
from .model import Edit, Finding, Fix
from .suppressions import read_directive_block

if TYPE_CHECKING:
    from ..analysis import Analysis

# A base no rule knows anything about: not scratch (whose working directory is known), not
# a Windows image, not a stage name (those are matched only backwards).
VIRTUAL_BASE = "docksense-implicit-stage"
_SKIP = frozenset({"NoFromInstruction"})


def first_stageless(analysis: "Analysis") -> Optional[Instruction]:
    """The first instruction before any FROM that needs a stage (anything but ARG)."""
    return next((ins for ins in analysis.preamble if ins.name != "ARG"), None)


def insertion_point(analysis: "Analysis", ins: Instruction) -> int:
    """Where the virtual FROM goes: right after the instruction before ``ins`` (or after the
    parser directives), so that every comment between them, ``# check=`` and ``# hadolint``
    pragmas included, still belongs to ``ins``."""
    lines = analysis.lines
    floor = read_directive_block(analysis.text).insert_at
    index = next((i for i, item in enumerate(analysis.tree.instructions) if item is ins), 0)
    if index > 0:
        previous = analysis.tree.instructions[index - 1]
        after = lines.starts[previous.end_line + 1] if previous.end_line + 1 < len(lines.starts) else len(analysis.text)
        floor = max(floor, after)
    return min(floor, lines.starts[ins.line])


def _newline(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def findings_before_from(analysis: "Analysis", found: list[Finding],
                         run: Callable[["Analysis"], list[Finding]]) -> list[Finding]:
    """``found`` plus what the rules say about the instructions before the first FROM."""
    ins = first_stageless(analysis)
    if ins is None:
        return found
    from ..analysis import Analysis

    text = analysis.text
    at = insertion_point(analysis, ins)
    prefix = f"FROM {VIRTUAL_BASE}{_newline(text)}"
    shift = len(prefix)
    virtual = Analysis(text[:at] + prefix + text[at:], analysis.path)
    stages = analysis.stages
    limit = stages[0].instruction.start if stages else len(text) + 1
    inserted_line = analysis.lines.line_of(at) if at < len(text) else len(analysis.lines.starts)
    seen = {(f.rule, f.start, f.end) for f in found}
    out = list(found)
    for finding in run(virtual):
        if finding.rule in _SKIP or finding.start < at + shift:
            continue
        start, end = finding.start - shift, finding.end - shift
        if start >= limit or (finding.rule, start, end) in seen:
            continue
        seen.add((finding.rule, start, end))
        finding.start, finding.end = start, end
        if finding.instruction_line > inserted_line:
            finding.instruction_line -= 1
        finding.fix = _mapped_fix(finding.fix, at, shift)
        out.append(finding)
    return out


def _mapped_fix(fix: Optional[Fix], at: int, shift: int) -> Optional[Fix]:
    """The fix in document offsets; None when it touches the inserted line."""
    if fix is None:
        return None
    edits = []
    for edit in fix.edits:
        if edit.start < at + shift and edit.end > at or (at <= edit.start < at + shift):
            return None
        if edit.start >= at + shift:
            edits.append(Edit(edit.start - shift, edit.end - shift, edit.new_text))
        else:
            edits.append(edit)
    return Fix(fix.title, edits, fix.preferred, fix.safe)
