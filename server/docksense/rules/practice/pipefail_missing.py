"""PipefailMissing (DL4006): pipes whose first commands may fail unnoticed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

from ...analysis.commands import is_posix_shell
from ...analysis.shell import SimpleCommand
from ...syntax import Instruction
from ..model import Finding
from ..registry import rule
from .common import (
    found_at,
)
from .model import FAMILY, Cmd, Run, basename, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

# Reserved words that may start the command after a pipe (used to tell `a | while ...` from a
# case pattern `a|b)`).
_COMMAND_STARTERS = ("while", "until", "if", "for", "case", "select", "time", "!", "(", "{", "[[")

def _pipes(text: str, commands: Sequence[SimpleCommand]) -> list[int]:
    """:func:`_pipes_between` the commands' spans, remembered across document versions: after
    an edit only the edited RUN's script is scanned again."""
    if "|" not in text:
        return []
    spans = tuple(sorted((c.start, c.end) for c in commands if c.end > c.start))
    return list(_pipes_between(text, spans))


@lru_cache(maxsize=4096)
def _pipes_between(text: str, spans: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """Offsets of the pipe operators of a script, found between its commands.

    Words and redirections are inside command spans; what lies between commands is
    operators, reserved words, comments, case patterns and arithmetic. A ``|`` there is a
    pipe unless it is half of ``||`` or a case-pattern alternative (``a|b)``): after a pipe
    comes a command, so nothing but blanks or a compound-command opener may follow it.
    """
    gaps: list[tuple[int, int]] = []
    position = 0
    for start, end in spans:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < len(text):
        gaps.append((position, len(text)))
    found: list[int] = []
    for start, end in gaps:
        if text.find("|", start, end) < 0:
            continue
        i = start
        while i < end:
            ch = text[i]
            if ch in "'\"":
                close = text.find(ch, i + 1, end)
                i = end if close < 0 else close + 1
                continue
            if ch == "\\":
                i += 2
                continue
            if ch == "#" and (i == 0 or text[i - 1] in " \t\n;&|("):
                newline = text.find("\n", i, end)
                i = end if newline < 0 else newline
                continue
            if ch == "|":
                if i + 1 < end and text[i + 1] == "|":
                    i += 2
                    continue
                rest = text[i + 1:end].lstrip("&").strip(" \t\r\n\\")
                if not rest or rest.startswith(_COMMAND_STARTERS):
                    found.append(i)
            i += 1
    return tuple(found)


def _sets_pipefail(cmd: Cmd) -> bool:
    """``set -o pipefail`` or a bundle ending in ``o`` followed by ``pipefail``."""
    if cmd.name != "set":
        return False
    args = cmd.arg_texts()
    return any(a.startswith("-") and not a.startswith("--") and a.endswith("o") and i + 1 < len(args)
               and args[i + 1] == "pipefail" for i, a in enumerate(args))


# Shells whose ``-o pipefail`` cannot be relied on: POSIX sh (dash on Debian and Ubuntu).
_NO_PIPEFAIL = frozenset({"sh", "dash"})


def _shell_pipefail(shell: list[str]) -> bool:
    """Whether a SHELL enables pipefail, or is not a POSIX shell (no pipes to worry about)."""
    if not is_posix_shell(shell):
        return True
    if basename(shell[0]) in _NO_PIPEFAIL:
        return False  # `sh -o pipefail` fails at once where sh is dash
    for index, item in enumerate(shell[:-1]):
        if item.startswith("-") and not item.startswith("--") and item.endswith("o") \
                and shell[index + 1] == "pipefail":
            return True
    return False


@rule("PipefailMissing", family=FAMILY, severity="warning", aliases=("DL4006",),
      summary="A RUN with a pipe, without pipefail: a failing command before the | goes unnoticed.")
def check_pipefail_missing(analysis: "Analysis") -> Iterator[Finding]:
    """``curl ... | tar x`` succeeds when curl fails, because a pipeline's status is its last
    command's. ``SHELL ["/bin/bash", "-o", "pipefail", "-c"]`` (or ``set -o pipefail`` in the
    script) makes the build stop instead."""
    model = model_of(analysis)
    for run in model.runs:
        if run.trigger or _shell_pipefail(run.shell):
            continue
        finding = _first_pipe(run)
        if finding is not None:
            yield finding


def _first_pipe(run: Run) -> Optional[Finding]:
    """The first pipe of a RUN not covered by a ``set -o pipefail`` before it."""
    ins = run.run
    # Commands sharing a mapping to the document come from the same script text.
    groups: dict[int, list[Cmd]] = {}
    for cmd in run.cmds:
        if cmd.loc.source != "exec":
            groups.setdefault(id(cmd.loc.to_doc), []).append(cmd)
    for cmds in groups.values():
        source = cmds[0].loc.source
        text = _script_text(ins, source, cmds[0].loc.span(0, 0)[0])
        if text is None:
            continue
        for pipe in _pipes(text, [c.command for c in cmds]):
            if any(_sets_pipefail(c) and c.command.start < pipe for c in cmds):
                continue
            if source == "exec-script" and _exec_pipefail(ins):
                continue
            if _cannot_fail(cmds, pipe):
                continue
            span = cmds[0].loc.span(pipe, pipe + 1)
            return found_at("PipefailMissing",
                            "Only the last command of a pipeline decides whether this RUN fails: set "
                            "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before it (on Alpine "
                            "use /bin/ash), or start the script with 'set -o pipefail'.",
                            span, run.top)
    return None


# Builtins that print their arguments: they do not fail (short of a closed pipe), so a pipe
# after them hides nothing (``echo "$SUM  file" | sha256sum -c -``).
_CANNOT_FAIL = frozenset({"echo", "printf", "true", ":"})


def _cannot_fail(cmds: Sequence[Cmd], pipe: int) -> bool:
    """Whether the command written right before the pipe at ``pipe`` cannot fail."""
    left = max((c for c in cmds if c.command.end <= pipe), key=lambda c: c.command.end, default=None)
    return left is not None and left.name in _CANNOT_FAIL and not any(
        w.text.startswith("$(") or w.text.startswith("`") for w in left.args)


def _exec_pipefail(ins: Instruction) -> bool:
    """Whether an exec-form RUN's own shell (``["bash", "-o", "pipefail", "-c", ...]``) sets pipefail."""
    items = [item.text for item in ins.json.items] if ins.json is not None else []
    return _shell_pipefail(items[:-1]) and len(items) > 1


def _script_text(ins: Instruction, source: str, base: int) -> Optional[str]:
    """The text a group of commands' offsets refer to: the RUN's shell text, a heredoc body
    or the script of ``["sh", "-c", "..."]``."""
    if source == "shell":
        return ins.args
    if source == "heredoc":
        for doc in ins.heredocs:
            if doc.body_start == base:
                return doc.content
        return None
    if source == "exec-script" and ins.json is not None and len(ins.json.items) >= 3:
        return ins.json.items[2].text
    return None
