"""One document's analysis: the syntax tree, positions, and lazily computed facts."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Optional

from typing import TYPE_CHECKING

from ..syntax import Dockerfile, Instruction, LineIndex, parse
from .commands import DEFAULT_SHELL, Located, is_posix_shell, locate_commands
from .scopes import Scopes
from .stages import Stage, find_stages

if TYPE_CHECKING:
    from .build import BuildModel
    from .context import BuildContext
    from .platforms import Platform


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

    @cached_property
    def build(self) -> "BuildModel":
        """What BuildKit would do with each instruction (dispatch state per stage)."""
        from .build import BuildModel

        return BuildModel(self.tree, self.preamble, self.stages)

    @cached_property
    def context(self) -> "BuildContext":
        """The build context beside ``path`` (its ``.dockerignore``), read lazily and only read."""
        from .context import BuildContext

        return BuildContext(self.path)

    @cached_property
    def platforms(self) -> "list[Optional[Platform]]":
        """Each stage's ``FROM --platform`` when it is a constant BuildKit accepts (else None)."""
        return [info.parsed_platform for info in self.build.stages]

    def stage_of(self, ins: Instruction) -> Optional[Stage]:
        """The stage an instruction belongs to (None in the global scope)."""
        while ins.parent is not None:
            ins = ins.parent
        return self._stage_by_instruction.get(id(ins))

    @cached_property
    def _stage_by_instruction(self) -> dict[int, Stage]:
        return {id(ins): stage for stage in self.stages for ins in stage.instructions}

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
        while ins.parent is not None:
            ins = ins.parent
        return self._shells.get(id(ins), list(DEFAULT_SHELL))

    @cached_property
    def _shells(self) -> dict[int, list[str]]:
        """SHELL in effect before every instruction, in one pass over the stages: SHELL
        instructions carry over to stages built on this one; a Windows base image starts
        with ``cmd /S /C``."""
        shells: dict[int, list[str]] = {}
        final: dict[int, list[str]] = {}
        for stage in self.stages:
            if stage.base_stage is not None:
                shell = final.get(stage.base_stage.index, list(DEFAULT_SHELL))
            elif stage.image is not None and _WINDOWS_IMAGE.search(stage.image.text):
                shell = ["cmd", "/S", "/C"]
            else:
                shell = list(DEFAULT_SHELL)
            for ins in stage.instructions:
                shells[id(ins)] = shell
                if ins.name == "SHELL" and ins.json is not None and ins.json.items:
                    shell = [w.text for w in ins.json.items]
            final[stage.index] = shell
        return shells


_WINDOWS_IMAGE = re.compile(r"windows/|windowsservercore|nanoserver|servercore|ltsc20\d\d", re.IGNORECASE)
