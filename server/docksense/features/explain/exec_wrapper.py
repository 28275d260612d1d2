"""``exec program ...`` in a shell-form CMD/ENTRYPOINT: the shell replaces itself with the
program, so the program becomes PID 1 and receives ``docker stop``'s signal itself. This is
the idiom that makes shell form safe; the explanation names the program, not ``exec``."""

from __future__ import annotations

from typing import Optional

from ...analysis import Analysis
from ...syntax import Instruction


def exec_program(analysis: Analysis, ins: Instruction) -> Optional[str]:
    """The program a shell-form CMD/ENTRYPOINT ends in through ``exec`` (its basename), else None.

    The shell's own commands before it (``set -e; ./migrate && exec node server.js``) run first;
    what matters for signals is that the process left running is the program."""
    if ins.json is not None or ins.name not in ("CMD", "ENTRYPOINT"):
        return None
    for located in analysis.commands(ins):
        command = located.command
        if command.context != "top" or not command.words:
            continue
        if any(w.text == "exec" for w in command.wrappers) and command.words[0].text != "exec":
            return command.words[0].text.replace("\\", "/").rsplit("/", 1)[-1]
    return None


def is_exec_builtin(command) -> bool:
    """The ``exec`` word itself, reported as a command of its own: the command it runs follows."""
    return bool(command.words) and command.words[0].text == "exec"
