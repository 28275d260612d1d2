"""The parser: tokens to simple commands, tracking compound commands and inline scripts."""

from __future__ import annotations

import operator
from collections.abc import Sequence

from .data import (
    Binding,
    InlineScript,
    Redirection,
    ShellScript,
    SimpleCommand,
    Word,
    _NewCommand,
)
from .lexer import (
    _ARITH,
    _ASSIGNMENT,
    _CASE_ENDS,
    _IO_NUMBER,
    _MAX_DEPTH,
    _NEWLINE,
    _OP,
    _REDIRECTS,
    _WORD,
    _Lexer,
    _Token,
)
from .mapping import _Mapper
from .quoting import _decode
from .wrappers import (
    _FIND_EXEC,
    _SHELLS,
    _SU_LIKE,
    _WRAPPERS,
    _basename,
    _script_range,
    _script_word,
    _wrapper_length,
)

_RESERVED = frozenset({"{", "}", "!", "if", "then", "elif", "else", "fi", "while", "until", "do",
                       "done", "for", "select", "case", "esac", "function"})
_OPENERS = {"{": "group", "if": "if", "while": "loop", "until": "loop", "for": "loop",
            "select": "loop", "case": "case"}
_CLOSERS = {"}": "group", "fi": "if", "done": "loop", "esac": "case"}


class _Frame:
    """An open compound command (``(``, ``{``, ``if``, a loop, ``case``)."""

    __slots__ = ("context", "end", "function", "in_pattern", "kind", "start")

    def __init__(self, kind: str, start: int, end: int, context: str = ""):
        self.kind = kind
        self.start = start
        self.end = end
        self.context = context
        self.in_pattern = False
        self.function: list | None = None  # the binding of the function whose body this is


class _Builder:
    """The simple command being collected from tokens."""

    __slots__ = ("assignments", "end", "redirects", "start", "subs", "words")

    def __init__(self) -> None:
        self.assignments: list[Word] = []
        self.words: list[Word] = []
        self.redirects: list[Word] = []
        self.start = -1
        self.end = -1
        self.subs: list[tuple[Word, list[tuple[str, list[_Token]]]]] = []

    def reset(self) -> None:
        # Lists still empty are kept: nothing holds on to them.
        if self.assignments:
            self.assignments = []
        if self.words:
            self.words = []
        if self.redirects:
            self.redirects = []
        self.start = -1
        self.end = -1
        if self.subs:
            self.subs = []

    def touch(self, start: int, end: int) -> None:
        if self.start < 0:
            self.start = start
        self.end = max(self.end, end)

    def add(self, bucket: list[Word], tok: _Token) -> None:
        word = tok[4]
        bucket.append(word)
        if self.start < 0:
            self.start = word.start
        self.end = max(self.end, word.end)
        if tok[5]:
            self.subs.append((word, tok[5]))


class _Parser:
    """Walks tokens, tracking compound commands, and emits simple commands."""

    def __init__(self, lexer: _Lexer, out: list[tuple[int, int, SimpleCommand]], depth: int = 0, shells: int = 1):
        self.lexer = lexer
        self.out = out
        # Nesting so far: substitutions and inline scripts, counted together with the lexer's
        # own nesting so that scripts inside scripts cannot restart the count (see _MAX_DEPTH).
        self.depth = depth
        self.shells = shells  # shells around the commands being parsed (1: the RUN's own)
        self.redirections: list[Redirection] = []
        self.scripts: list[InlineScript] = []
        self.operators: list[tuple[str, int, int]] = []  # (op, start, end) of `|`, `&&`, `;` ...
        # [name, kind, start, end, values, scope_start, scope_end]: frozen into Binding at the end
        self.bindings: list[list] = []
        self.function: list | None = None  # a function defined just now, its body next

    def error(self, start: int, end: int, message: str) -> None:
        self.lexer.error(start, end, message)

    def run(self, toks: list[_Token], base: str) -> None:
        self.depth += 1
        try:
            self._run(toks, base)
        finally:
            self.depth -= 1

    def _run(self, toks: list[_Token], base: str) -> None:
        frames: list[_Frame] = []
        cur = _Builder()
        i, n = 0, len(toks)
        while i < n:
            tok = toks[i]
            kind = tok[0]
            if kind == _WORD:
                words = cur.words
                if not words:
                    if cur.start < 0 and frames and frames[-1].in_pattern:
                        i = self._pattern(toks, i, frames, base)
                        continue
                    value = tok[3]
                    if "=" in value or value in _FIRST_WORD_SPECIAL:
                        i = self._word(toks, i, cur, frames, base)
                        continue
                    # The command name (inlined _word and _Builder.add: the common case).
                    word = tok[4]
                    words.append(word)
                    if cur.start < 0:
                        cur.start = word.start
                    if tok[5]:
                        cur.subs.append((word, tok[5]))
                    i += 1
                    if i == n or toks[i][0] != _WORD:
                        cur.end = max(cur.end, word.end)
                        continue
                    tok = toks[i]
                # Arguments: the most common tokens, taken in one go (tokens are in source
                # order, so the last one ends the command so far).
                while True:
                    word = tok[4]
                    words.append(word)
                    if tok[5]:
                        cur.subs.append((word, tok[5]))
                    i += 1
                    if i == n:
                        break
                    tok = toks[i]
                    if tok[0] != _WORD:
                        break
                cur.end = max(cur.end, word.end)
            elif cur.start < 0 and kind != _NEWLINE and frames and frames[-1].in_pattern:
                i = self._pattern(toks, i, frames, base)
            elif kind == _OP:
                if tok[3] in _SEPARATORS:
                    self.operators.append((tok[3], tok[1], tok[2]))
                    if cur.start >= 0:
                        self._finish(cur, frames, base)
                    i += 1
                else:
                    i = self._operator(toks, i, cur, frames, base)
            elif kind == _IO_NUMBER:
                cur.touch(tok[1], tok[2])
                i += 1
            else:  # newline or an arithmetic command
                self._finish(cur, frames, base)
                i += 1
        self._finish(cur, frames, base)
        for frame in frames:
            self.error(frame.start, frame.end, f"`{_FRAME_WORDS[frame.kind]}` is not closed")

    # -- tokens ----------------------------------------------------------------------------
    def _word(self, toks: list[_Token], i: int, cur: _Builder, frames: list[_Frame], base: str) -> int:
        tok = toks[i]
        word: Word = tok[4]
        value = tok[3]
        if cur.start < 0 and not word.quoted and value in _RESERVED:
            return self._reserved(toks, i, frames, base)
        if not cur.words and not word.quoted and value == "[[":
            return self._conditional(toks, i, cur)
        if not cur.words and "=" in value and _ASSIGNMENT.match(value):
            cur.add(cur.assignments, tok)
        else:
            cur.add(cur.words, tok)
        return i + 1

    def _operator(self, toks: list[_Token], i: int, cur: _Builder, frames: list[_Frame], base: str) -> int:
        _kind, start, end, op, _word, _subs = toks[i]
        if op in _REDIRECTS:
            cur.touch(start, end)
            fd = toks[i - 1] if i > 0 and toks[i - 1][0] == _IO_NUMBER and toks[i - 1][2] == start else None
            target = toks[i + 1][4] if i + 1 < len(toks) and toks[i + 1][0] == _WORD else None
            context = next((f.context for f in reversed(frames) if f.context), base) if frames else base
            self.redirections.append(Redirection(
                op, fd[3] if fd else "", fd[1] if fd else start, start, end,
                target.end if target is not None else end, target, context))
            if target is not None:
                cur.add(cur.redirects, toks[i + 1])
                return i + 2
            return i + 1
        if op == "(":
            if len(cur.words) == 1 and not cur.assignments and _is_op(toks, i + 1, ")"):
                name = cur.words[0]
                self.function = [name.text, "function", name.start, name.end, (), -1, -1]
                self.bindings.append(self.function)
                cur.reset()  # `name ( )`: a function definition, its body follows
                return i + 2
            if cur.start >= 0:
                self.error(start, end, "unexpected `(`")
            self._finish(cur, frames, base)
            frames.append(_Frame("subshell", start, end, "subshell"))
            return i + 1
        self._finish(cur, frames, base)
        if op == ")":
            self._close(frames, "subshell", start, end, ")")
        elif op in _CASE_ENDS:
            index = _last_frame(frames, "case")
            if index < 0:
                self.error(start, end, f"`{op}` outside `case`")
            else:
                self._close(frames, "case", start, end, op, keep=True)
                frames[index].in_pattern = True
        return i + 1

    def _reserved(self, toks: list[_Token], i: int, frames: list[_Frame], base: str) -> int:
        _kind, start, end, value, _word, _subs = toks[i]
        if value in _OPENERS:
            frames.append(_Frame(_OPENERS[value], start, end))
            if self.function is not None:  # the body of the function defined just before
                frames[-1].function = self.function
                self.function[5] = start
                self.function = None
            if value in ("for", "select"):
                return self._for_header(toks, i + 1, base, value)
            if value == "case":
                return self._case_header(toks, i + 1, frames[-1], base)
        elif value in _CLOSERS:
            self._close(frames, _CLOSERS[value], start, end, value)
        elif value == "function":
            if i + 1 < len(toks) and toks[i + 1][0] == _WORD:
                i += 1
                self.function = [toks[i][3], "function", toks[i][1], toks[i][2], (), -1, -1]
                self.bindings.append(self.function)
            if _is_op(toks, i + 1, "(") and _is_op(toks, i + 2, ")"):
                i += 2
        return i + 1

    def _for_header(self, toks: list[_Token], i: int, base: str, keyword: str = "for") -> int:
        """Read ``NAME [in WORDS]`` or ``((...))`` after ``for``; the words' substitutions count.

        The loop variable is recorded as a binding with the words it takes in turn.
        """
        n = len(toks)
        if i < n and toks[i][0] == _ARITH:
            return i + 1
        binding: list | None = None
        if i < n and toks[i][0] == _WORD:
            binding = [toks[i][3], keyword, toks[i][1], toks[i][2], (), -1, -1]
            self.bindings.append(binding)
            i += 1
        while i < n and toks[i][0] == _NEWLINE:
            i += 1
        if i < n and toks[i][0] == _WORD and toks[i][3] == "in":
            i += 1
            values = []
            while i < n and toks[i][0] == _WORD:
                values.append(toks[i][4])
                self._substitutions(toks[i][5])
                i += 1
            if binding is not None:
                binding[4] = tuple(values)
        return i

    def _case_header(self, toks: list[_Token], i: int, frame: _Frame, base: str) -> int:
        """Skip ``WORD in`` after ``case``; patterns come next."""
        n = len(toks)
        if i < n and toks[i][0] == _WORD:
            self._substitutions(toks[i][5])
            i += 1
        while i < n and toks[i][0] == _NEWLINE:
            i += 1
        if i < n and toks[i][0] == _WORD and toks[i][3] == "in":
            i += 1
        frame.in_pattern = True
        return i

    def _pattern(self, toks: list[_Token], i: int, frames: list[_Frame], base: str) -> int:
        """Skip a case pattern ``[(] a | b )``, or close the case at ``esac``."""
        n = len(toks)
        tok = toks[i]
        if tok[0] == _WORD and tok[3] == "esac" and not tok[4].quoted:
            self._branch(frames.pop(), tok[2])
            return i + 1
        while i < n:
            tok = toks[i]
            if tok[0] == _OP and tok[3] == ")":
                frames[-1].in_pattern = False
                return i + 1
            if tok[0] == _WORD:
                self._substitutions(tok[5])
            i += 1
        return n

    def _conditional(self, toks: list[_Token], i: int, cur: _Builder) -> int:
        """``[[ ... ]]``: one command whose ``&&``, ``<``, ``(`` are not operators."""
        n = len(toks)
        while i < n:
            tok = toks[i]
            if tok[0] == _NEWLINE or (tok[0] == _OP and tok[3] in (";", "&") + tuple(_CASE_ENDS)):
                return i
            if tok[0] == _WORD:
                cur.add(cur.words, tok)
                if tok[3] == "]]":
                    return i + 1
            i += 1
        return n

    def _close(self, frames: list[_Frame], kind: str, start: int, end: int, word: str, keep: bool = False) -> None:
        """Close the innermost frame of ``kind`` (and, with errors, anything left open in it)."""
        index = _last_frame(frames, kind)
        if index < 0:
            self.error(start, end, f"`{word}` without a matching `{_FRAME_WORDS[kind]}`")
            return
        for frame in frames[index + 1 :]:
            self.error(frame.start, frame.end, f"`{_FRAME_WORDS[frame.kind]}` is not closed")
        for frame in frames[index + (1 if keep else 0) :]:
            if frame.function is not None:
                frame.function[6] = end
            self._branch(frame, end)
        del frames[index + (1 if keep else 0) :]

    def _branch(self, frame: _Frame, end: int) -> None:
        """Record a closed ``if`` or ``case``: what it sets depends on the branch taken."""
        if frame.kind in ("if", "case"):
            self.bindings.append([frame.kind, frame.kind, frame.start, frame.end, (), frame.start, end])

    # -- emitting --------------------------------------------------------------------------
    def _finish(self, cur: _Builder, frames: list[_Frame], base: str) -> None:
        start = cur.start
        if start < 0:
            return
        context = next((f.context for f in reversed(frames) if f.context), base) if frames else base
        skip: set[int] | None = None
        words = cur.words
        assignments = cur.assignments
        redirects = cur.redirects
        if words:
            first = words[0]
            name = first.text
            if "/" in name:
                name = name.rsplit("/", 1)[-1]
            if name in _EMIT_SPECIAL:
                skip = self._emit(cur.words, cur.assignments, cur.redirects, cur.start, cur.end, context)
            else:  # no wrapper, no inline script: the common case, inlined
                self.out.append((first.start, start, _NewCommand(
                    tuple(words), tuple(assignments) if assignments else (), (),
                    tuple(redirects) if redirects else (), start, cur.end, context)))
            cur.words = []
        elif assignments:  # no wrapper, no script: as _emit would
            self.out.append((start, start, _NewCommand(
                (), tuple(assignments), (), tuple(redirects) if redirects else (), start, cur.end, context)))
        # The rest of cur.reset(), inlined (the substitutions below have builders of their own).
        if assignments:
            cur.assignments = []
        if redirects:
            cur.redirects = []
        cur.start = cur.end = -1
        subs = cur.subs
        if subs:
            cur.subs = []
            for word, sub in subs:
                if skip is None or id(word) not in skip:
                    self._substitutions(sub)

    def _emit(self, words: list[Word], assignments: list[Word], redirects: list[Word], start: int, end: int,
              context: str) -> set[int]:
        """Record the command (and its wrappers, and the commands find runs); returns the ids of
        the words parsed as inline scripts (their substitutions are parsed with the script)."""
        rest: list[Word] = words
        wrappers: list[Word] = []
        while rest:
            length = _wrapper_length(rest)
            if not length:
                break
            own = tuple(rest[:length])
            self.out.append((own[0].start, own[0].start,
                             _NewCommand(own, (), tuple(wrappers), (), own[0].start, own[-1].end, context)))
            wrappers.extend(own)
            rest = rest[length:]
        skip: set[int] = set()
        if rest and _basename(rest[0].text) == "find":
            rest = self._find(rest, context, skip)
        command = _NewCommand(tuple(rest), tuple(assignments), tuple(wrappers), tuple(redirects), start, end, context)
        self.out.append((rest[0].start if rest else start, start, command))
        script = self._inline_script(rest, command)
        if script is not None:
            skip.add(id(script))
        return skip

    def _find(self, words: list[Word], context: str, skip: set[int]) -> list[Word]:
        """``find ... -exec CMD ARGS {} ;``: each command find runs becomes a command of its own
        (context ``find -exec``); find keeps its own words, ``-exec`` and the ``;`` or ``+``."""
        own: list[Word] = []
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            own.append(word)
            i += 1
            if word.text not in _FIND_EXEC:
                continue
            j = i
            while j < n and not (words[j].text == ";" or (words[j].text == "+" and j > i
                                                          and words[j - 1].text == "{}")):
                j += 1
            inner = words[i:j]
            if inner:
                skip.update(self._emit(inner, [], [], inner[0].start, inner[-1].end, "find -exec"))
            i = j
        return own

    def _inline_script(self, words: Sequence[Word], runner: SimpleCommand) -> Word | None:
        """Parse the script of ``sh -c SCRIPT`` / ``su -c SCRIPT`` as commands of its own."""
        found = _script_word(words)
        if found is None:
            return None
        word, skip = found
        if self.depth >= _MAX_DEPTH:
            self.error(word.start, word.end, "nested too deeply; the rest is not analysed")
            return word
        index = next((k for k, w in enumerate(words) if w is word), len(words))
        args = tuple(words[index + 1 :]) if _basename(words[0].text) in _SHELLS else ()
        span = _script_range(word, skip, len(self.lexer.text))
        if span is None:
            return self._escaped_script(word, skip, runner, args)
        self.scripts.append(InlineScript(span[0], span[1], runner, word, args, False, self.shells,
                                         self.lexer.text[span[0] : span[1]]))
        lexer = self.lexer
        saved = lexer.depth
        lexer.depth = self.depth  # the script's nesting counts from here, not from 0
        try:
            toks = lexer.tokens(span[0], span[1])[0]
        finally:
            lexer.depth = saved
        self.shells += 1
        try:
            self.run(toks, "sh -c")
        finally:
            self.shells -= 1
        return word

    def _escaped_script(self, word: Word, skip: int, runner: SimpleCommand, args: tuple[Word, ...]) -> Word | None:
        """A script whose text is not the source slice (``su -c "... \\"$x\\" \\$y"``): decode it,
        parse the decoded text and map every offset back to the source."""
        text, offsets = _decode(word.raw[skip:])
        if not text.strip() or len(offsets) != len(text):
            return None
        base = word.start + skip
        source = [base + k for k in offsets]
        self.scripts.append(InlineScript(source[0], source[-1] + 1, runner, word, args, True, self.shells,
                                         text, tuple(source)))
        errors: list[tuple[int, int, str]] = []
        out: list[tuple[int, int, SimpleCommand]] = []
        inner = _Parser(_Lexer(text, errors), out, self.depth, self.shells + 1)
        inner.lexer.depth = self.depth
        inner.run(inner.lexer.tokens(0, len(text))[0], "sh -c")
        _Mapper(self.lexer.text, source).into(self, inner, out, errors)
        return word
    def _substitutions(self, subs: list[tuple[str, list[_Token]]] | None) -> None:
        """Commands inside ``$( )``, backticks and ``<( )``, each in its own context."""
        for context, toks in subs or ():
            self.run(toks, context)


# Operators after which the parser only has to finish the current command.
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "|&"})
# First words _Parser._word must look at (with any word holding a `=`).
_FIRST_WORD_SPECIAL = _RESERVED | {"[["}
# Command names (basenames) _Parser._emit must look at: wrappers and inline-script runners.
_EMIT_SPECIAL = frozenset(_WRAPPERS) | _SHELLS | _SU_LIKE | {"find"}

_FRAME_WORDS = {"subshell": "(", "group": "{", "if": "if", "loop": "do", "case": "case"}


def _is_op(toks: list[_Token], i: int, op: str) -> bool:
    return i < len(toks) and toks[i][0] == _OP and toks[i][3] == op


def _last_frame(frames: list[_Frame], kind: str) -> int:
    for index in range(len(frames) - 1, -1, -1):
        if frames[index].kind == kind:
            return index
    return -1


def _parse(text: str) -> ShellScript:
    """:func:`parse_shell` without the safety net (the tests call this one)."""
    errors: list[tuple[int, int, str]] = []
    lexer = _Lexer(text, errors)
    # (start of the name, or of the command when it has none; start; command): in that order.
    commands: list[tuple[int, int, SimpleCommand]] = []
    toks, _ = lexer.tokens(0, len(text))
    parser = _Parser(lexer, commands)
    parser.run(toks, "top")
    commands.sort(key=_SORT_KEY)
    bindings = tuple(Binding(name, kind, start, end, values, scope_start, scope_end)
                     for name, kind, start, end, values, scope_start, scope_end in parser.bindings)
    return ShellScript(tuple(map(_COMMAND, commands)), tuple(errors), tuple(parser.redirections),
                       tuple(sorted(parser.scripts, key=_START)), tuple(sorted(bindings, key=_START)),
                       tuple(sorted(parser.operators, key=_OP_START)))


_START = operator.attrgetter("start")
_OP_START = operator.itemgetter(1)


_SORT_KEY = operator.itemgetter(0, 1)
_COMMAND = operator.itemgetter(2)


def parse_shell(text: str) -> ShellScript:
    """All simple commands of a shell command string, with exact offsets into ``text``.

    Never raises: hover runs on half-typed text. Should an unforeseen input still trip the
    parser, the result is an empty script carrying the error, not an exception in the server.
    """
    if not isinstance(text, str):
        return ShellScript((), ((0, 0, "not a string"),))
    try:
        return _parse(text)
    except Exception as exc:  # noqa: BLE001 - the safety net that keeps the server alive
        return ShellScript((), ((0, len(text), f"internal error: {type(exc).__name__}"),))
