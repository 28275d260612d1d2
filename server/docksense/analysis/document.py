"""One document's analysis: the syntax tree, positions, and lazily computed facts."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Optional

from ..syntax import Dockerfile, Instruction, LineIndex, parse
from .commands import DEFAULT_SHELL, Located, is_posix_shell, locate_commands
from .scopes import Scopes
from .stages import Stage, find_stages


class Analysis:
    """Everything features need to know about one version of a document.

    ``path`` is the file on disk when there is one (used to find ``.dockerignore`` and
    ``.hadolint.yaml`` beside it); it is only ever read, never executed.
    """

    def __init__(self, text: str, path: Optional[Path] = None):
        self.text = text
        self.path = path
        self.tree: Dockerfile = parse(text)
        self._commands: dict[int, list[Located]] = {}
        # Features may keep derived data here (keyed by their own names); it lives and dies
        # with this document version.
        self.memo: dict[object, object] = {}

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def _stages(self) -> tuple[list[Instruction], list[Stage]]:
        return find_stages(self.tree)

    @property
    def preamble(self) -> list[Instruction]:
        """Instructions before the first FROM (the global scope)."""
        return self._stages[0]

    @property
    def stages(self) -> list[Stage]:
        return self._stages[1]

    @cached_property
    def scopes(self) -> Scopes:
        return Scopes(self.tree, self.preamble, self.stages)

    def stage_of(self, ins: Instruction) -> Optional[Stage]:
        """The stage an instruction belongs to (None in the global scope)."""
        while ins.parent is not None:
            ins = ins.parent
        for stage in reversed(self.stages):
            if stage.instruction.start <= ins.start:
                return stage
        return None

    def commands(self, ins: Instruction) -> list[Located]:
        """The shell commands of an instruction (parsed once per version).

        Shell-form code is only parsed when the SHELL in effect is a POSIX shell: under
        ``SHELL ["powershell", ...]`` or ``cmd`` the text is not sh, and reading it as sh would
        explain the wrong things.
        """
        found = self._commands.get(id(ins))
        if found is None:
            found = locate_commands(ins, posix_shell=is_posix_shell(self.shell_for(ins)))
            self._commands[id(ins)] = found
        return found

    def shell_for(self, ins: Instruction) -> list[str]:
        """The SHELL in effect for ``ins`` (``["/bin/sh", "-c"]`` unless a SHELL changed it)."""
        stage = self.stage_of(ins)
        return _shell_in(stage, ins.start) if stage is not None else list(DEFAULT_SHELL)


_WINDOWS_IMAGE = re.compile(r"windows/|windowsservercore|nanoserver|servercore|ltsc20\d\d", re.IGNORECASE)


def _shell_in(stage: Stage, before: int, depth: int = 0) -> list[str]:
    """The SHELL at ``before``: SHELL instructions of the stage and its base stages; on a
    Windows base image the default is ``cmd /S /C``."""
    shell = list(DEFAULT_SHELL)
    if stage.base_stage is None and stage.image is not None and _WINDOWS_IMAGE.search(stage.image.text):
        shell = ["cmd", "/S", "/C"]
    if stage.base_stage is not None and depth < 64:
        shell = _shell_in(stage.base_stage, stage.base_stage.instructions[-1].end + 1, depth + 1)
    for ins in stage.instructions:
        if ins.start >= before:
            break
        if ins.name == "SHELL" and ins.json is not None and ins.json.items:
            shell = [w.text for w in ins.json.items]
    return shell
