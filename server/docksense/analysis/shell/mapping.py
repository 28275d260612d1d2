"""Moving what a parse of a decoded script found back to source offsets.

``su -c "... \\"$x\\" \\$y"`` holds a script whose text is not a slice of the source: the
parser decodes it, parses the decoded text with a parser of its own, and :class:`_Mapper`
turns every word, command, redirection, script and binding it found into source offsets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .data import InlineScript, Redirection, SimpleCommand, Word

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .parser import _Parser


class _Mapper:
    """Moves what a parse of a decoded script found to source offsets (``offsets[i]`` is the
    source offset of character ``i``); a word keeps its identity across the commands it is in."""

    def __init__(self, source: str, offsets: list[int]):
        self.source = source
        self.offsets = offsets
        self.words: dict[int, Word] = {}
        self.commands: dict[int, SimpleCommand] = {}

    def pos(self, index: int) -> int:
        offsets = self.offsets
        return offsets[index] if index < len(offsets) else offsets[-1] + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        offsets = self.offsets
        begin = self.pos(start)
        if end > start and start < len(offsets) and self.source[begin - 1 : begin] == "\\" and (
                start == 0 or offsets[start - 1] != begin - 1):
            begin -= 1  # the backslash that escapes the first character belongs to the word
        return begin, (offsets[min(end, len(offsets)) - 1] + 1 if end > start else begin)

    def word(self, word: Word) -> Word:
        mapped = self.words.get(id(word))
        if mapped is None:
            start, end = self.span(word.start, word.end)
            mapped = Word(word.text, self.source[start:end], start, end, word.quoted, word.has_expansion)
            self.words[id(word)] = mapped
        return mapped

    def command(self, command: SimpleCommand) -> SimpleCommand:
        mapped = self.commands.get(id(command))
        if mapped is None:
            start, end = self.span(command.start, command.end)
            mapped = SimpleCommand(tuple(map(self.word, command.words)), tuple(map(self.word, command.assignments)),
                                   tuple(map(self.word, command.wrappers)), tuple(map(self.word, command.redirects)),
                                   start, end, command.context)
            self.commands[id(command)] = mapped
        return mapped

    def into(self, parser: _Parser, inner: _Parser, out: list[tuple[int, int, SimpleCommand]],
             errors: list[tuple[int, int, str]]) -> None:
        for name_start, start, command in out:
            parser.out.append((self.pos(name_start), self.pos(start), self.command(command)))
        for start, end, message in errors:
            parser.lexer.errors.append((*self.span(start, end), message))
        for r in inner.redirections:
            parser.redirections.append(Redirection(
                r.op, r.fd, self.pos(r.start), self.pos(r.op_start), self.span(r.op_start, r.op_end)[1],
                self.span(r.start, r.end)[1], self.word(r.target) if r.target is not None else None, r.context))
        for op, start, end in inner.operators:
            parser.operators.append((op, *self.span(start, end)))
        for s in inner.scripts:
            # Composed, not copied: a script nested in decoded scripts n deep is mapped n times
            # as it moves out, and copying its offsets each time was quadratic in the depth.
            own = s.offsets if s.offsets is not None else range(s.start, s.start + len(s.text))
            offsets = _Composed(own, self.offsets)
            parser.scripts.append(InlineScript(
                *self.span(s.start, s.end), self.command(s.runner), self.word(s.script_word),
                tuple(map(self.word, s.args)), True, s.depth, s.text, offsets))
        for name, kind, start, end, values, scope_start, scope_end in inner.bindings:
            parser.bindings.append([name, kind, *self.span(start, end), tuple(map(self.word, values)),
                                    self.pos(scope_start) if scope_start >= 0 else -1,
                                    self.pos(scope_end) if scope_end >= 0 else -1])


class _Composed:
    """``outer[inner[i]]`` as a sequence: offsets through two decodings, without a copy."""

    __slots__ = ("inner", "outer")

    def __init__(self, inner, outer):
        self.inner = inner
        self.outer = outer

    def __len__(self) -> int:
        return len(self.inner)

    def __getitem__(self, index: int) -> int:
        at = self.inner[index]
        outer = self.outer
        return outer[at] if at < len(outer) else outer[-1] + 1
