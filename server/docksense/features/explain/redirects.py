"""Redirections in shell code: ``2>&1``, ``> /dev/null``, ``>> file``, ``<<< "$text"``.

The span of an explanation is the whole redirection (fd, operator and target), so hovering
any part of ``2>&1`` explains it; a target that is a known path keeps its own, smaller hover.
"""

from __future__ import annotations

from ...analysis import Analysis
from ...analysis.shell.data import Redirection
from ...analysis.shell.runs import RunShell, run_shell
from ...syntax import Instruction
from .. import markdown as md
from .model import Explanation

_DOCS = "https://www.gnu.org/software/bash/manual/html_node/Redirections.html"
_FD_NAMES = {"0": "standard input", "1": "standard output", "2": "standard error"}
_BASH_ONLY = {
    "<<<": "A bash (and zsh, ksh) feature: `/bin/sh` on Debian and Ubuntu (dash) rejects it, so the RUN fails "
           "unless SHELL selects bash.",
    "&>": "A bash feature: `/bin/sh` on Debian and Ubuntu (dash) reads `cmd &> file` as `cmd &` then `> file`: "
          "the command runs in the background and the file is only emptied. Portable: `> file 2>&1`.",
    "&>>": "A bash feature: `/bin/sh` (dash) does not know it. Portable: `>> file 2>&1`.",
}


def _fd(redirection: Redirection, default: str) -> str:
    fd = redirection.fd or default
    name = _FD_NAMES.get(fd)
    return f"{name} (fd {fd})" if name else f"file descriptor {fd}"


def _describe(r: Redirection) -> str:
    op = r.op
    target = r.target.text if r.target is not None else ""
    shown = md.code(target) if target else "the file named next"
    if op in (">&", "<&") and target == "-":
        return f"Closes {_fd(r, '1' if op == '>&' else '0')}."
    if op in (">&", "<&") and target.isdigit():
        default = "1" if op == ">&" else "0"
        return (f"Makes {_fd(r, default)} go wherever {_FD_NAMES.get(target, 'fd ' + target)} (fd {target}) goes at "
                "this point in the line, so the two streams end up together.")
    if op in ("&>", ">&"):
        if target == "/dev/null":
            return "Discards both standard output and standard error."
        return f"Sends both standard output and standard error to {shown}, replacing its contents."
    if op == "&>>":
        return f"Appends both standard output and standard error to {shown}."
    if op in (">", ">|"):
        if target == "/dev/null":
            return f"Discards {_fd(r, '1')}."
        return f"Writes {_fd(r, '1')} to {shown}, replacing its contents (the file is created if missing)."
    if op == ">>":
        return f"Appends {_fd(r, '1')} to the end of {shown} (the file is created if missing)."
    if op == "<":
        return f"Reads {_fd(r, '0')} from {shown}."
    if op == "<>":
        return f"Opens {shown} for reading and writing as {_fd(r, '0')}."
    if op == "<<<":
        return f"A here-string: {md.code(target) if target else 'the next word'}, expanded and followed by a newline, is the command's standard input."
    if op in ("<<", "<<-"):
        tabs = " Leading tabs of those lines are removed." if op == "<<-" else ""
        return f"A here-document: the lines up to {shown} are the command's standard input.{tabs}"
    return "A redirection."


def redirect_explanations(analysis: Analysis, ins: Instruction, run: RunShell | None = None) -> list[Explanation]:
    out: list[Explanation] = []
    shell = analysis.shell_for(ins)
    uses_bash = bool(shell) and shell[0].rsplit("/", 1)[-1] in ("bash", "zsh", "ksh")
    for piece, model in (run or run_shell(analysis, ins)).pieces:
        for r in model.script.redirections:
            if r.op in ("<<", "<<-") and piece.source == "shell" and ins.heredocs:
                continue  # a Dockerfile heredoc: the instruction explains it
            start, end = piece.to_doc(r.start, r.end)
            title = analysis.text[start:end]
            explanation = Explanation(start, end, " ".join(title.split()), "redirection", summary=_describe(r),
                                      docs=_DOCS)
            if r.op == ">&" and r.target is not None and r.target.text.isdigit() and r.fd == "2":
                explanation.specifics.append("Order matters: `> /dev/null 2>&1` silences both streams, while "
                                             "`2>&1 > /dev/null` keeps errors where output went before.")
            note = _BASH_ONLY.get(r.op)
            if note is not None and not uses_bash:
                explanation.notes.append(note)
            out.append(explanation)
    return out
