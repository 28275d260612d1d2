"""The syntax tree of a Dockerfile.

Every location is a half-open ``(start, end)`` pair of code-point offsets into the document
text (see :mod:`docksense.syntax.text` for LSP positions). Values (``text``) are what BuildKit
sees after joining continuation lines; ``start``/``end`` are where they are in the file.
"""

from __future__ import annotations

import bisect
from typing import Optional

import attrs


@attrs.define(slots=True)
class SyntaxProblem:
    """Something BuildKit would refuse (severity error) or warn about (warning)."""

    code: str
    message: str
    start: int
    end: int
    severity: str = "error"


@attrs.define(slots=True)
class Joined:
    """The text of one instruction with continuations joined, and where each piece came from.

    ``segments`` holds ``(joined_start, doc_start, length)`` triples in order, one per physical
    line that contributed text; :meth:`doc` maps a joined offset to a document offset.
    """

    text: str
    segments: list[tuple[int, int, int]]

    def doc(self, index: int) -> int:
        segs = self.segments
        if len(segs) == 1:
            _, doc_start, length = segs[0]
            return doc_start + (index if index < length else length)
        if not segs:
            return 0
        i = bisect.bisect_right(segs, (index, float("inf"), 0)) - 1
        if i < 0:
            i = 0
        joined_start, doc_start, length = segs[i]
        offset = index - joined_start
        return doc_start + (offset if offset < length else length)

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        """Document span of ``text[start:end]``; an empty span stays empty."""
        if end <= start:
            at = self.doc(start)
            return at, at
        return self.doc(start), self.doc(end - 1) + 1

    def doc_pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The document spans that ``text[start:end]`` is made of (one per physical line)."""
        pieces = []
        for joined_start, doc_start, length in self.segments:
            lo = max(start, joined_start)
            hi = min(end, joined_start + length)
            if lo < hi:
                pieces.append((doc_start + lo - joined_start, doc_start + hi - joined_start))
        return pieces


@attrs.define(slots=True)
class Word:
    """A word of an instruction's arguments: its value and where it is."""

    text: str
    start: int
    end: int
    raw: str = ""


@attrs.define(slots=True)
class Flag:
    """``--name=value`` (or ``--name``) before an instruction's arguments."""

    name: str  # without the leading dashes, as written
    value: Optional[str]  # None for a bare ``--name``
    start: int
    end: int
    name_start: int
    name_end: int  # the span of ``--name``
    value_start: int = -1
    value_end: int = -1
    raw: str = ""  # BuildKit's flag string (quotes and escapes removed)

    @property
    def has_value(self) -> bool:
        return self.value is not None


@attrs.define(slots=True)
class KeyValue:
    """One ``key=value`` of ENV, LABEL or ARG (or the legacy ``ENV key value``)."""

    key: str
    value: Optional[str]  # raw value text as BuildKit keeps it (quotes included); None: no '='
    key_start: int
    key_end: int
    value_start: int = -1
    value_end: int = -1
    legacy: bool = False  # ``ENV key value`` form
    start: int = 0
    end: int = 0


@attrs.define(slots=True)
class VarRef:
    """A variable reference ``$name`` or ``${name<modifier>word}``."""

    name: str
    start: int  # the whole expression, ``$`` included
    end: int
    name_start: int
    name_end: int
    modifier: str = ""  # one of :- - :+ + :? ? # ## % %% / //, or "" for none
    word: str = ""  # text after the modifier (raw)
    word_start: int = -1
    word_end: int = -1
    braced: bool = False


@attrs.define(slots=True)
class Heredoc:
    """A here-document attached to RUN/COPY/ADD (or such an ONBUILD trigger)."""

    name: str  # the terminator word, quotes removed
    marker_start: int  # span of ``<<EOF`` in the instruction line
    marker_end: int
    chomp: bool  # ``<<-``: leading tabs are stripped
    expand: bool  # unquoted delimiter: variables expand in the body
    fd: int
    content: str = ""
    body_start: int = -1  # span of the body lines in the document
    body_end: int = -1
    terminator_start: int = -1
    terminator_end: int = -1
    terminated: bool = False


@attrs.define(slots=True)
class JsonArray:
    """The exec form: a JSON array of strings, each with the span of its literal."""

    items: list[Word]
    start: int
    end: int


@attrs.define(slots=True)
class Instruction:
    """One instruction, from its keyword to the end of its last line (heredocs included)."""

    keyword: str  # as written (continuations joined)
    start: int
    end: int
    keyword_start: int
    keyword_end: int
    line: int  # 0-based line of the keyword
    end_line: int  # 0-based last line (heredoc bodies included)
    joined: Joined  # the instruction text after continuations were joined (keyword included)
    args_offset: int  # where the arguments (after flags) start in ``joined.text``
    args: str  # BuildKit's argument string (trimmed)
    flags: list[Flag] = attrs.Factory(list)
    form: str = ""  # "shell", "exec", "heredoc", or "" where it does not apply
    json: Optional[JsonArray] = None
    words: list[Word] = attrs.Factory(list)  # whitespace-delimited words of ``args``
    pairs: list[KeyValue] = attrs.Factory(list)  # ENV / LABEL / ARG
    heredocs: list[Heredoc] = attrs.Factory(list)
    trigger: Optional["Instruction"] = None  # ONBUILD's instruction
    comments: list[str] = attrs.Factory(list)  # comment lines right above (BuildKit's PrevComment)
    variables: list[VarRef] = attrs.Factory(list)
    empty_continuation_lines: list[int] = attrs.Factory(list)
    keyword_index: int = 0  # where the keyword starts in ``joined.text``
    name: str = ""  # the keyword in upper case (``run`` -> ``RUN``), set by the parser
    parent: Optional["Instruction"] = attrs.field(default=None, repr=False, eq=False)

    def keyword_pieces(self) -> list[tuple[int, int]]:
        """The keyword's document spans: more than one when a continuation splits it."""
        begin = self.keyword_index
        return self.joined.doc_pieces(begin, begin + len(self.keyword))

    def args_span(self) -> tuple[int, int]:
        """Document span of the argument string (after flags)."""
        start = self.args_offset
        return self.joined.doc_span(start, start + len(self.args))

    def flag(self, name: str) -> Optional[Flag]:
        for flag in self.flags:
            if flag.name.lower() == name.lower():
                return flag
        return None


@attrs.define(slots=True)
class Directive:
    """A parser directive at the top of the file: ``# syntax=...``, ``# escape=...``, ``# check=...``."""

    name: str  # lower case
    value: str
    start: int
    end: int
    name_start: int
    name_end: int
    value_start: int
    value_end: int
    line: int
    written_name: str = ""


@attrs.define(slots=True)
class Comment:
    """A comment line (directives are kept apart)."""

    text: str  # after ``#``, stripped
    start: int
    end: int
    line: int


@attrs.define(slots=True)
class Dockerfile:
    """The whole file: directives, comments, instructions and what BuildKit would object to."""

    text: str
    instructions: list[Instruction]
    directives: list[Directive]
    comments: list[Comment]
    problems: list[SyntaxProblem]
    escape: str = "\\"
    bom: bool = False

    def directive(self, name: str) -> Optional[Directive]:
        for directive in self.directives:
            if directive.name == name:
                return directive
        return None

    def instruction_at(self, offset: int) -> Optional[Instruction]:
        """The instruction whose span contains ``offset`` (end inclusive, for a cursor)."""
        items = self.instructions
        lo, hi = 0, len(items)
        while lo < hi:
            mid = (lo + hi) // 2
            if items[mid].end < offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(items) and items[lo].start <= offset <= items[lo].end:
            return items[lo]
        return None

    @property
    def errors(self) -> list[SyntaxProblem]:
        return [p for p in self.problems if p.severity == "error"]
