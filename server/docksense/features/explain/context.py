"""What the line composer needs about one document version, gathered once."""

from __future__ import annotations

from ...analysis import Analysis
from ...analysis.lines import LineFacts, LineIndex, classified, line_facts
from ...analysis.stages import Stage
from ...knowledge import KnowledgeBase
from ...syntax import Instruction
from .paths import is_absolute


class LineContext:
    """The analysis, the knowledge base, the cross-line facts and the WORKDIR in effect at each
    instruction (one pass over the stages, so asking for every line stays linear)."""

    def __init__(self, analysis: Analysis, kb: KnowledgeBase):
        self.analysis = analysis
        self.kb = kb
        self.index: LineIndex = line_facts(analysis, kb)
        self._workdirs: dict[int, tuple[str, Instruction | None]] | None = None
        self._comments: dict[int, str] | None = None
        self._roles: dict[int, tuple[object, list]] = {}

    def roles(self, command) -> list:
        """``classify(command)``, remembered while one instruction is being explained (its
        purpose, idioms, options and notes all read the same roles)."""
        found = self._roles.get(id(command))
        if found is None or found[0] is not command:
            found = (command, classified(command, self.kb))
            self._roles[id(command)] = found
        return found[1]

    def forget_roles(self) -> None:
        self._roles.clear()

    def facts(self, ins: Instruction) -> LineFacts:
        found = self.index.of(ins)
        assert found is not None
        return found

    def stage(self, ins: Instruction) -> Stage | None:
        return self.analysis.stage_of(ins)

    def line(self, ins: Instruction) -> int:
        while ins.parent is not None:
            ins = ins.parent
        return ins.line + 1

    def is_last_stage(self, stage: Stage | None) -> bool:
        return stage is not None and self.analysis.stages and stage is self.analysis.stages[-1]

    def workdir(self, ins: Instruction) -> tuple[str, Instruction | None]:
        """The working directory before ``ins`` and the WORKDIR that set it ("" when unset)."""
        if self._workdirs is None:
            self._workdirs = {}
            final: dict[int, tuple[str, Instruction | None]] = {}
            for stage in self.analysis.stages:
                current: tuple[str, Instruction | None] = ("", None)
                if stage.base_stage is not None:
                    current = final.get(stage.base_stage.index, ("", None))
                for other in stage.instructions:
                    self._workdirs[id(other)] = current
                    if other.name == "WORKDIR" and other.words:
                        path = other.words[0].text
                        if not path.startswith("$") and not is_absolute(path) and current[0]:
                            path = current[0].rstrip("/") + "/" + path
                        current = (path, other)
                final[stage.index] = current
        while ins.parent is not None:
            ins = ins.parent
        return self._workdirs.get(id(ins), ("", None))

    def comment_above(self, ins: Instruction) -> str:
        """The comment block right above ``ins`` (no blank line between), pragmas left out."""
        if self._comments is None:
            self._comments = {c.line: c.text for c in self.analysis.tree.comments}
        lines = []
        number = ins.line - 1
        while number >= 0 and number in self._comments and len(lines) < 6:
            text = self._comments[number].strip()
            if not _is_pragma(text):
                lines.append(text)
            number -= 1
        return " ".join(reversed([t for t in lines if t]))


def _is_pragma(text: str) -> bool:
    low = text.lower().replace(" ", "")
    return low.startswith(("hadolint", "check=", "syntax=", "escape=", "shellcheck")) or not any(c.isalpha() for c in text)
