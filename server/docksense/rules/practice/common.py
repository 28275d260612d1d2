"""Findings, fixes and shell facts several practice rules share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Sequence

from ...analysis.shell import Word
from ...syntax import Instruction
from ...syntax.words import unquote
from ..model import Edit, Finding, Fix
from .model import Cmd, Model, Run

if TYPE_CHECKING:
    from ...analysis import Analysis

# hadolint's archiveFileFormatExtensions (Hadolint/Rule.hs): what ADD unpacks.
ARCHIVE_SUFFIXES = (".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2",
                     ".tgz", ".tlz", ".tpz", ".txz", ".xz")
REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")
TRUTHY = frozenset({"1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"})

# ---------------------------------------------------------------------------------------------
# Findings and fixes
# ---------------------------------------------------------------------------------------------


def found_at(name: str, message: str, span: tuple[int, int], top: Instruction,
             fix: Optional[Fix] = None) -> Finding:
    """A finding tied to its instruction's line (where ``# hadolint ignore=`` applies)."""
    start, end = span
    while top.parent is not None:
        top = top.parent
    return Finding(name, message, start, max(start, end), fix=fix, instruction_line=top.line)


def insert_option(analysis: "Analysis", cmd: Cmd, after: Word, option: str) -> Optional[Edit]:
    """An edit adding ``option`` right after the word ``after`` of ``cmd``.

    In an exec-form array the option becomes an item of its own; inside a string (shell
    form, ``sh -c "..."``, a heredoc) it is written after the word with a space.
    """
    start, end = cmd.span(after)
    if cmd.loc.source == "exec":
        text = analysis.text
        if end < len(text) and text[end] == '"':
            return Edit(end + 1, end + 1, f', "{option}"')
        return None
    return Edit(end, end, " " + option)


def append_to_run(run: Run, addition: str) -> Optional[Edit]:
    """An edit appending `` && addition`` at the end of a shell-form RUN.

    Offered only when the script ends with a simple command at the top level (not after a
    ``;``, ``&``, a comment, ``fi`` or ``done``), so the addition runs last and only when
    what came before succeeded.
    """
    ins = run.run
    if ins.json is not None or ins.heredocs or ins.form not in ("shell", ""):
        return None
    shell_cmds = [cmd for cmd in run.cmds if cmd.loc.source == "shell"]
    if not shell_cmds or not ins.args.strip():
        return None
    text_end = len(ins.args.rstrip())
    last = max((cmd.command.end for cmd in shell_cmds if cmd.command.context == "top"), default=-1)
    if last != text_end:
        return None
    position = shell_cmds[0].loc.span(text_end, text_end)[0]
    return Edit(position, position, f" && {addition}")


# ---------------------------------------------------------------------------------------------
# Shell facts several rules share
# ---------------------------------------------------------------------------------------------


def removes(cmd: Cmd, *prefixes: str) -> bool:
    """``rm -r`` (any spelling of recursive) of a path starting with one of ``prefixes``."""
    if cmd.name != "rm" or not cmd.has_flag("r", "R", "recursive"):
        return False
    return any(not w.text.startswith("-") and w.text.startswith(prefixes) for w in cmd.args)


def followed_by(first: Cmd, cmds: Sequence[Cmd], test: Callable[[Cmd], bool]) -> bool:
    """Whether a command after ``first`` in ``cmds`` passes ``test``."""
    seen = False
    for cmd in cmds:
        if cmd is first:
            seen = True
        elif seen and test(cmd):
            return True
    return False


def is_archive(text: str) -> bool:
    """A path ADD would unpack (hadolint's list of archive suffixes)."""
    return unquote(text).endswith(ARCHIVE_SUFFIXES)


def is_remote(text: str) -> bool:
    """A source ADD would download: an HTTP(S) URL or a Git remote."""
    return unquote(text).startswith(REMOTE_PREFIXES)


def copy_paths(ins: Instruction) -> list[Word]:
    """Sources and destination of COPY/ADD (JSON items in exec form)."""
    if ins.json is not None:
        return list(ins.json.items)
    return list(ins.words)


def stage_shipped(model: Model, run: Run) -> bool:
    """Whether the RUN's layers end up in an image: the last stage, a base of another
    stage, or an ONBUILD trigger (it runs in the child image)."""
    return run.trigger or run.stage is None or run.stage.index in model.shipped
