"""One document's analysis: the syntax tree, positions, and lazily computed facts."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Optional

from ..syntax import Dockerfile, Instruction, LineIndex, parse
from .commands import Located, locate_commands
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
        """The shell commands of an instruction (parsed once per version)."""
        found = self._commands.get(id(ins))
        if found is None:
            found = locate_commands(ins)
            self._commands[id(ins)] = found
        return found
