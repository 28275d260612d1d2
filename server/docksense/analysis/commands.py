"""Where the shell commands of an instruction are, mapped back to the document.

RUN (shell form, heredoc scripts), shell-form CMD/ENTRYPOINT and ``HEALTHCHECK CMD`` hold
shell code; exec-form arrays hold a program and its arguments. This module finds them and
gives each a mapping from the shell text's offsets to document offsets, so hover and checks
can point at the exact word. The shell text itself is parsed by :mod:`.shell`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import attrs

from ..syntax import Instruction
from .shell import ShellScript, SimpleCommand, Word
from .shell import parse_shell as _parse_shell


@lru_cache(maxsize=8192)
def parse_shell(text: str) -> ShellScript:
    """:func:`.shell.parse_shell`, remembered by text: the result holds offsets into ``text``
    only, so after an edit every RUN whose text did not change is not parsed again."""
    return _parse_shell(text)

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash",
                     "/usr/bin/env"})
SHELL_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL"})
DEFAULT_SHELL = ("/bin/sh", "-c")
_NON_POSIX = frozenset({"powershell", "pwsh", "cmd"})


def is_posix_shell(shell: list[str]) -> bool:
    """False for PowerShell and cmd.exe, whose code the sh tokenizer must not read."""
    if not shell:
        return True
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    program = program.removesuffix(".exe")
    return program not in _NON_POSIX


@attrs.frozen
class Located:
    """A shell command and the way back to the document."""

    command: SimpleCommand
    to_doc: Callable[[int, int], tuple[int, int]] = attrs.field(eq=False, repr=False)
    source: str  # "shell", "heredoc", "exec", "exec-script"

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_doc(start, end)


def _joined_mapper(ins: Instruction, base: int) -> Callable[[int, int], tuple[int, int]]:
    joined = ins.joined

    def to_doc(start: int, end: int) -> tuple[int, int]:
        return joined.doc_span(base + start, base + end)

    return to_doc


def _linear_mapper(base: int) -> Callable[[int, int], tuple[int, int]]:
    def to_doc(start: int, end: int) -> tuple[int, int]:
        return base + start, base + end

    return to_doc


def _command_text(ins: Instruction) -> tuple[str, int]:
    """The shell text of a shell-form instruction and its offset in ``joined.text``."""
    if ins.name == "HEALTHCHECK":
        if not ins.words or ins.words[0].text.upper() != "CMD":
            return "", 0
        rest = ins.args[len(ins.words[0].text):]
        stripped = rest.lstrip()
        return stripped, ins.args_offset + len(ins.args) - len(stripped)
    return ins.args, ins.args_offset


@attrs.frozen
class ShellText:
    """One piece of shell code of an instruction and the way from its offsets to the document.

    ``source`` is ``shell`` (the shell-form text), ``heredoc`` (a RUN heredoc body that a
    shell reads) or ``exec-script`` (the script of ``["sh", "-c", "..."]``).
    """

    text: str
    to_doc: Callable[[int, int], tuple[int, int]] = attrs.field(eq=False, repr=False)
    source: str


def shell_texts(ins: Instruction, posix_shell: bool = True) -> list[ShellText]:
    """The shell code of ``ins`` (an ONBUILD trigger's, for ONBUILD), in document order.

    With ``posix_shell`` False (a PowerShell or cmd SHELL) there is none to read as sh.
    """
    if ins.trigger is not None:
        return shell_texts(ins.trigger, posix_shell)
    if ins.name not in SHELL_INSTRUCTIONS or ins.name == "SHELL":
        return []
    if ins.json is not None:
        script = _exec_script(ins)
        return [script] if script is not None else []
    if not posix_shell:
        return []
    out: list[ShellText] = []
    text, base = _command_text(ins)
    if text:
        out.append(ShellText(text, _joined_mapper(ins, base), "shell"))
    if ins.name == "RUN" and ins.heredocs:
        first_program = next((c.words[0].text for c in parse_shell(text).commands if c.words), "") if text else ""
        for doc in ins.heredocs:
            if first_program and first_program not in _SHELLS:
                continue  # the body is another program's input (python <<EOF ...)
            out.append(ShellText(doc.content, _linear_mapper(doc.body_start), "heredoc"))
    return out


def locate_commands(ins: Instruction, posix_shell: bool = True) -> list[Located]:
    """Every simple command in ``ins`` (an ONBUILD trigger is looked at through its trigger).

    With ``posix_shell`` False (a PowerShell or cmd SHELL) only exec-form arrays are read.
    """
    if ins.trigger is not None:
        return locate_commands(ins.trigger, posix_shell)
    if ins.name not in SHELL_INSTRUCTIONS:
        return []
    out: list[Located] = []
    if ins.json is not None:
        out.extend(_exec_form(ins))
    for piece in shell_texts(ins, posix_shell):
        for command in parse_shell(piece.text).commands:
            out.append(Located(command, piece.to_doc, piece.source))
    return out


def _exec_script(ins: Instruction) -> ShellText | None:
    """``["sh", "-c", "script"]``: the script is shell code; mapped when the literal has no escapes."""
    items = ins.json.items if ins.json is not None else []
    if len(items) < 3:
        return None
    program = items[0].text.rsplit("/", 1)[-1]
    if program in ("sh", "bash", "ash", "dash", "zsh") and items[1].text.startswith("-") and "c" in items[1].text:
        script_item = items[2]
        literal_len = script_item.end - script_item.start - 2
        if literal_len == len(script_item.text):
            return ShellText(script_item.text, _linear_mapper(script_item.start + 1), "exec-script")
    return None


def _exec_form(ins: Instruction) -> list[Located]:
    items = ins.json.items if ins.json is not None else []
    if not items:
        return []
    # Offsets of a JSON item: inside the quotes when the literal has no escapes.
    words = []
    for item in items:
        inner_start = item.start + 1
        inner_end = max(inner_start, item.end - 1)
        words.append(Word(item.text, item.text, inner_start, inner_end))
    command = SimpleCommand(tuple(words), start=words[0].start, end=words[-1].end, context="exec")
    return [Located(command, _linear_mapper(0), "exec")]
