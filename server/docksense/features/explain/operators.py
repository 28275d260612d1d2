"""Control operators in shell code: ``|``, ``&&``, ``||``, ``;``, ``&``, ``|&``.

Each hover says what the operator does to the two commands around it, here: the pipe names the
programs it joins and whether ``pipefail`` is on; ``;`` says whether ``set -e`` still stops the
RUN; a download piped into a shell (``curl ... | sh``) says what runs and what can go wrong.
"""

from __future__ import annotations

import bisect

from ...analysis import Analysis
from ...analysis.shell.data import ShellScript, SimpleCommand
from ...analysis.shell.runs import RunShell, run_shell
from ...syntax import Instruction
from .. import markdown as md
from .model import Explanation

_PIPELINES = "https://www.gnu.org/software/bash/manual/html_node/Pipelines.html"
_LISTS = "https://www.gnu.org/software/bash/manual/html_node/Lists.html"
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
_RESERVED_AFTER = frozenset({"then", "do", "done", "fi", "else", "elif", "esac", "}"})


def _name(command: SimpleCommand) -> str:
    return command.words[0].text.rsplit("/", 1)[-1] if command.words else ""


class _Index:
    """The commands of a script by position, and the ``set`` state along it: each operator's
    neighbours and the options in effect are found by bisection (a long RUN has thousands)."""

    def __init__(self, script: ShellScript):
        self.commands = sorted((c for c in script.commands if c.words), key=lambda c: c.start)
        self.starts = [c.start for c in self.commands]
        self.op_starts = [s for _, s, _ in script.operators]
        self.op_ends = [e for _, _, e in script.operators]
        # (start of a `set` command, errexit, pipefail after it), in source order
        self.sets: list[tuple[int, bool, bool]] = []
        errexit = pipefail = False
        for command in self.commands:
            if _name(command) == "set":
                errexit, pipefail = _apply_set(command, errexit, pipefail)
                self.sets.append((command.start, errexit, pipefail))
        self.set_starts = [start for start, _, _ in self.sets]

    def around(self, index: int) -> tuple[list[SimpleCommand], list[SimpleCommand]]:
        """The commands of the segment just before operator ``index`` and of the one after it (a
        wrapper such as ``sudo`` is a command of its own, so a segment may hold several)."""
        start, end = self.op_starts[index], self.op_ends[index]
        lower = self.op_ends[index - 1] if index > 0 else -1
        upper = self.op_starts[index + 1] if index + 1 < len(self.op_starts) else 1 << 60
        a = bisect.bisect_left(self.starts, lower)
        b = bisect.bisect_left(self.starts, start)
        before = [c for c in self.commands[a:b] if c.end <= start]
        c = bisect.bisect_left(self.starts, end)
        d = bisect.bisect_left(self.starts, upper)
        return before, self.commands[c:d]

    def options_at(self, offset: int) -> tuple[bool, bool]:
        """(errexit, pipefail) as the ``set`` commands before ``offset`` leave them."""
        index = bisect.bisect_left(self.set_starts, offset)
        return (self.sets[index - 1][1], self.sets[index - 1][2]) if index else (False, False)


def _apply_set(command: SimpleCommand, errexit: bool, pipefail: bool) -> tuple[bool, bool]:
    words = [w.text for w in command.words[1:]]
    for index, word in enumerate(words):
        if len(word) < 2 or word[0] not in "-+" or word == "--":
            continue
        on = word[0] == "-"
        letters = word[1:]
        if "e" in letters:
            errexit = on
        if "o" in letters and index + 1 < len(words):
            long = words[index + 1]
            if long == "pipefail":
                pipefail = on
            elif long == "errexit":
                errexit = on
    return errexit, pipefail


def _reads_stdin(command: SimpleCommand) -> bool:
    """Whether a shell reads its script from standard input: no ``-c`` and no script file
    (``sh``, ``sh -``, ``bash -s -- --flag``)."""
    words = [w.text for w in command.words[1:]]
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in ("-s", "-", "--"):
            return True
        elif word in ("-o", "+o"):
            skip = True  # `bash -o pipefail`: the option's name
        elif word[:1] in "-+" and len(word) > 1:
            if not word.startswith("--") and "c" in word[1:]:
                return False  # `sh -c '...'`, `sh -ec '...'`
        else:
            return False  # `sh install.sh`: a script file
    return True


def _codes(commands: list[SimpleCommand]) -> str:
    names = [md.code(_name(c)) for c in commands if _name(c)]
    return " ".join(names[-1:]) if names else ""


def _pipe(op: str, before: list[SimpleCommand], after: list[SimpleCommand], pipefail: bool,
          start: int, end: int) -> Explanation:
    left, right = _codes(before) or "the command before", _codes(after) or "the command after"
    shell = next((c for c in after if _name(c) in _SHELLS and _reads_stdin(c)), None)
    if op == "|&":
        summary = (f"A bash pipe: both standard output and standard error of {left} become the standard input "
                   f"of {right} (the same as `2>&1 |`).")
    else:
        summary = f"A pipe: the standard output of {left} becomes the standard input of {right}; both run at once."
    explanation = Explanation(start, end, op, "pipe", summary=summary, docs=_PIPELINES)
    if shell is not None:
        downloaded = any(_name(c) in _DOWNLOADERS for c in before)
        what = "the downloaded text" if downloaded else "whatever arrives on the pipe"
        explanation.specifics.append(
            f"{md.code(_name(shell))} reads its script from standard input, so it runs {what} as shell code "
            "at once, without it ever being saved or looked at.")
        if downloaded:
            explanation.notes.append(
                "Risk: the build runs code from the network unverified, usually as root. A changed or "
                "compromised URL runs anything; a download cut short can run half a script. Safer: download to "
                "a file, check its checksum (`sha256sum -c`) or signature, then run it.")
    if pipefail:
        explanation.specifics.append("`pipefail` is on here: if any command of the pipeline fails, the RUN fails.")
    else:
        explanation.notes.append(
            f"The pipeline's exit status is {right}'s alone: a failing {left} does not fail the RUN. "
            "`set -o pipefail` (or SHELL with bash `-o pipefail`) changes that.")
    return explanation


def _list(op: str, before: list[SimpleCommand], after: list[SimpleCommand], errexit: bool, next_word: str,
          start: int, end: int, after_pipe: bool = False) -> Explanation:
    left, right = _codes(before) or "the command before", _codes(after) or "the next command"
    if after_pipe and _codes(before):
        left = f"the pipeline ending in {left}"  # `a | b && c`: the pipeline's status is b's
    if op == "&&":
        explanation = Explanation(start, end, op, "AND list", docs=_LISTS,
                                  summary=f"Runs {right} only if {left} succeeded (exit status 0). A chain of `&&` "
                                          "stops at the first failure, and that failure fails the RUN.")
    elif op == "||":
        explanation = Explanation(start, end, op, "OR list", docs=_LISTS,
                                  summary=f"Runs {right} only if {left} failed; the result is then {right}'s.")
        if after and _name(after[0]) in ("true", ":"):
            explanation.specifics.append(f"`|| {_name(after[0])}` ignores any failure of {left}: the RUN goes on "
                                         "and passes even when it failed.")
    elif op == "&":
        explanation = Explanation(start, end, op, "background", docs=_LISTS,
                                  summary=f"Starts {left} in the background and goes on at once without waiting "
                                          "for it; its exit status is never checked.")
        explanation.notes.append("A background process still running when the RUN's shell exits is stopped with "
                                 "the build step: start services in CMD or ENTRYPOINT, not in RUN.")
    else:
        if next_word in _RESERVED_AFTER:
            return Explanation(start, end, op, "command separator", docs=_LISTS,
                               summary=f"Ends the command list before `{next_word}` (a newline would do the same).")
        explanation = Explanation(start, end, op, "command separator", docs=_LISTS,
                                  summary=f"Runs {right} after {left}, whatever its exit status.")
        if errexit:
            explanation.specifics.append("`set -e` is on here: a failing command still stops the RUN.")
        else:
            explanation.notes.append(f"Without `set -e` a failure of {left} is ignored; only the last command's "
                                     "status decides whether the RUN fails. `&&` stops at the failure.")
    return explanation


def operator_explanations(analysis: Analysis, ins: Instruction, run: RunShell | None = None) -> list[Explanation]:
    out: list[Explanation] = []
    shell = analysis.shell_for(ins)
    shell_pipefail = any(part == "pipefail" for part in shell or ())
    text = analysis.text
    for piece, model in (run or run_shell(analysis, ins)).pieces:
        script = model.script
        if not script.operators:
            continue
        index = _Index(script)
        for number, (op, s, e) in enumerate(script.operators):
            start, end = piece.to_doc(s, e)
            if text[start:end] != op:
                continue  # a decoded script whose operator is spelt differently in the source
            before, after = index.around(number)
            errexit, pipefail = index.options_at(s)
            if op in ("|", "|&"):
                out.append(_pipe(op, before, after, pipefail or shell_pipefail, start, end))
            else:
                rest = [w for w in text[end:end + 60].split() if w != "\\"]
                next_word = rest[0].rstrip(";") if rest else ""
                after_pipe = number > 0 and script.operators[number - 1][0] in ("|", "|&")
                out.append(_list(op, before, after, errexit, next_word, start, end, after_pipe))
    return out
