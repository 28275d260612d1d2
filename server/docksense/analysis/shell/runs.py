"""Shell variables per instruction, in document offsets: what hover, the line explanations,
completion, rename and the checks ask about ``$x`` inside a RUN.

:func:`run_shell` gives the model of one instruction (RUN, shell-form CMD/ENTRYPOINT,
``HEALTHCHECK CMD``, the script of ``["sh", "-c", "..."]``): every reference with the
definition it reads (:class:`DocReference`), and every definition (:class:`DocDefinition`).
:func:`earlier_run_definition` answers the question across instructions: each RUN starts a
new shell, so a variable another RUN set is gone (empty) in this one.

Everything is computed once per document version (kept in ``analysis.memo``) from the parse
that :meth:`Analysis.commands` already made.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import attrs

from ...syntax import Instruction
from ..commands import ShellText, is_posix_shell, shell_texts
from .data import SimpleCommand
from .references import ShellRef
from .variables import ShellDefinition, ShellResolution, ShellVariables, shell_variables

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..document import Analysis

__all__ = ["DocDefinition", "DocReference", "RunShell", "earlier_run_definition", "run_shell"]

_MEMO = "analysis.shell.runs"
_MEMO_INDEX = "analysis.shell.runs.index"


@attrs.frozen
class DocDefinition:
    """A :class:`ShellDefinition` of ``instruction``, with its name's document span."""

    definition: ShellDefinition
    start: int
    end: int
    instruction: Instruction = attrs.field(eq=False, repr=False)

    @property
    def name(self) -> str:
        return self.definition.name


@attrs.frozen
class DocReference:
    """A shell reference (``$x``, ``${x:-y}``, ``$1``) with document spans and what it reads."""

    ref: ShellRef
    start: int
    end: int
    name_start: int
    name_end: int
    model: ShellVariables = attrs.field(eq=False, repr=False)
    piece: ShellText = attrs.field(eq=False, repr=False)

    @property
    def name(self) -> str:
        return self.ref.name

    def resolve(self) -> ShellResolution:
        return self.model.resolve(self.ref)


class RunShell:
    """The shell-variable model of one instruction (empty for one without shell code)."""

    def __init__(self, ins: Instruction, pieces: list[ShellText]):
        self.instruction = ins
        self.pieces = [(piece, shell_variables(piece.text)) for piece in pieces]
        self._references: list[DocReference] | None = None
        self._definitions: list[DocDefinition] | None = None
        self._readers: dict[int, list[DocReference]] | None = None
        self._located: dict[int, DocDefinition] | None = None

    @property
    def references(self) -> list[DocReference]:
        """Every reference, in document order."""
        if self._references is None:
            out = []
            for piece, model in self.pieces:
                for ref in model.references:
                    start, end = piece.to_doc(ref.start, ref.end)
                    name_start, name_end = piece.to_doc(ref.name_start, ref.name_end)
                    out.append(DocReference(ref, start, end, name_start, name_end, model, piece))
            out.sort(key=lambda r: (r.start, -r.end))
            self._references = out
        return self._references

    @property
    def definitions(self) -> list[DocDefinition]:
        """Every definition, in document order."""
        if self._definitions is None:
            out = []
            for piece, model in self.pieces:
                for definition in model.definitions:
                    start, end = piece.to_doc(definition.start, definition.end)
                    out.append(DocDefinition(definition, start, end, self.instruction))
            self._definitions = out
        return self._definitions

    def reference_at(self, offset: int) -> DocReference | None:
        """The innermost reference whose span holds ``offset``."""
        refs = self.references
        index = bisect.bisect_right([r.start for r in refs], offset) - 1
        best = None
        while index >= 0:
            ref = refs[index]
            if ref.start <= offset < ref.end and (best is None or ref.end - ref.start < best.end - best.start):
                best = ref
            if ref.start < offset - 4096:
                break
            index -= 1
        return best

    def definition_of(self, ref: DocReference) -> DocDefinition | None:
        """The document-level definition a reference reads, if it reads one in this instruction."""
        found = ref.resolve().definition
        return self.located(found) if found is not None else None

    def located(self, definition: ShellDefinition) -> DocDefinition | None:
        """The document-level form of one of this instruction's definitions."""
        if self._located is None:
            self._located = {id(d.definition): d for d in self.definitions}
        return self._located.get(id(definition))

    def receiver(self, ref: DocReference) -> SimpleCommand | None:
        """The command whose arguments hold ``ref`` (the program a literal ``$`` goes to)."""
        return ref.model.command_at(ref.ref.start)

    def readers(self, definition: DocDefinition) -> list[DocReference]:
        """The references that read ``definition`` (all of them computed once)."""
        if self._readers is None:
            by_definition: dict[int, DocDefinition] = {id(d.definition): d for d in self.definitions}
            readers: dict[int, list[DocReference]] = {}
            for ref in self.references:
                if ref.ref.kind == "expand" and ref.name and not ref.ref.positional:
                    found = ref.resolve().definition
                    if found is not None and id(found) in by_definition:
                        readers.setdefault(id(found), []).append(ref)
            self._readers = readers
        return self._readers.get(id(definition.definition), [])

    def sets(self, name: str) -> list[DocDefinition]:
        """Definitions of ``name`` in the instruction's own shell (what a later line could expect)."""
        return [d for d in self.definitions if d.name == name and d.definition.shell < 0
                and d.definition.kind != "prefix"]


def run_shell(analysis: Analysis, ins: Instruction) -> RunShell:
    """The shell-variable model of ``ins`` (cached per document version)."""
    memo = analysis.memo.setdefault(_MEMO, {})
    found = memo.get(id(ins))  # type: ignore[union-attr]
    if found is None:
        posix = is_posix_shell(analysis.shell_for(ins))
        found = RunShell(ins, shell_texts(ins, posix))
        memo[id(ins)] = found  # type: ignore[index]
    return found


def earlier_run_definition(analysis: Analysis, ins: Instruction, name: str) -> DocDefinition | None:
    """The last definition of ``name`` by the top-level shell of a RUN before ``ins`` in the
    same stage (or a stage it builds on): gone by the time ``ins`` runs, since each RUN starts
    a shell of its own."""
    index: dict[str, list[DocDefinition]] = analysis.memo.get(_MEMO_INDEX)  # type: ignore[assignment]
    if index is None:
        index = {}
        for other in analysis.tree.instructions:
            if other.name in ("RUN", "ONBUILD"):
                for definition in run_shell(analysis, other).definitions:
                    if definition.definition.shell < 0 and definition.definition.kind != "prefix":
                        index.setdefault(definition.name, []).append(definition)
        analysis.memo[_MEMO_INDEX] = index
    candidates = index.get(name)
    if not candidates:
        return None
    stages = set()
    stage = analysis.stage_of(ins)
    while stage is not None and len(stages) < 256 and id(stage) not in stages:
        stages.add(id(stage))
        stage = stage.base_stage
    for definition in reversed(candidates):
        other = definition.instruction
        if other.start < ins.start and other is not ins:
            other_stage = analysis.stage_of(other)
            if other_stage is not None and id(other_stage) in stages:
                return definition
    return None
