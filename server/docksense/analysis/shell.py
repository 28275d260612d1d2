"""The shell layer: commands, subcommands, options and their exact offsets in a RUN command.

Hover has to explain every word of ``RUN apt-get install -y --no-install-recommends curl``,
so this module turns the command text (after the Dockerfile layer joined its continuation
lines) into simple commands with exact offsets into that text, and :func:`classify` tells
which word is the command, a subcommand, an option, an option's value or an operand.

Why our own tokenizer and not a real parser
-------------------------------------------
We measured both candidates on every shell-form RUN of the corpus (3,976 commands, 1.8 M
characters; ``bench/eval_shell_parsers.py``, numbers in ``docs/shell-parser-evaluation.md``):

* ``bashlex`` (pure Python) raises on 11 % of the complete commands (it does not implement
  ``case`` at all) and on 24 % of half-typed ones, where hover would then get nothing; it
  needs 5.2 s of CPU for the corpus, and it is GPLv3, which the MIT extension cannot bundle.
* ``tree-sitter-bash`` is fast (0.34 s) and tolerant, but compiled (grammar and core): the
  VS Code extension, which bundles its dependencies, would need a build per platform and
  Python version.
* This module: 0.50 s, never raises, and still finds every command that ends before the
  cut of a half-typed command; on complete commands it flags errors only where tree-sitter
  does too.

Neither candidate meets all three conditions (robust to half-typed input, fast, bundles as
pure Python), so this is a small hand-written tokenizer for the POSIX sh / bash subset that
Dockerfiles use. It never raises, always returns what it could recognise, and reports
problems (an unterminated quote, an unclosed ``if``) in ``errors`` for information only.

Design
------
* Scanning is regex-driven: most words are consumed whole by one regex match, so Python
  only looks at the few characters that matter (quotes, ``$``, operators). Every scan is
  linear, whatever the input (see the notes at :data:`_BLANKS_THEN_WORD` and
  :meth:`_Lexer._balanced`).
* Offsets are into the string given to :func:`parse_shell`; ``end`` is exclusive.
* Command and process substitutions, backticks and ``sh -c '...'`` scripts are tokenized in
  place (no copying of text), so their offsets need no mapping.
* Nesting is bounded (:data:`_MAX_DEPTH`): deeper input is swallowed into the current word
  with an error, so hostile input cannot exhaust the stack.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from ..knowledge import find_part

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..knowledge import Entry, KnowledgeBase, Part

__all__ = ["ShellScript", "SimpleCommand", "Word", "WordRole", "classify", "parse_shell"]


# == public data =============================================================================
# Word and SimpleCommand are made by the ten thousand per file, and attrs' frozen __init__
# (one object.__setattr__ call per field) was a third of the parsing time. So the parser makes
# them with the plain classes _NewWord / _NewCommand below (same slots, so same layout), which
# turn into the real class as they finish: the objects are the same in every way. That needs
# the classes without the `__weakref__` slot (CPython refuses the class change otherwise);
# nothing takes weak references to them.
@attrs.frozen(weakref_slot=False)
class Word:
    """One shell word with its place in the source, so hover can point at it exactly.

    ``text`` is the value with quoting removed (best effort: expansions are kept as written,
    since their value is unknown before the build); ``raw`` is the source slice
    ``source[start:end]``.
    """

    text: str
    raw: str
    start: int
    end: int
    quoted: bool = False
    has_expansion: bool = False


@attrs.frozen(weakref_slot=False)
class SimpleCommand:
    """One simple command: the unit that runs one program and that hover explains.

    ``words[0]`` is the program, after leading ``VAR=value`` assignments and wrapper commands
    (``sudo``, ``env``, ``xargs`` ...) were moved to ``assignments`` and ``wrappers``; each
    wrapper is also reported as a command of its own so its options can be explained too.
    ``words`` is empty for an assignment-only command such as ``FOO=bar``.
    ``redirects`` holds the targets of redirections (the file of ``> file``, the delimiter of a
    heredoc). ``start``/``end`` span the whole command including assignments, wrappers and
    redirections (a wrapper command spans its own words only). ``context`` says in which shell
    it runs: ``top``, ``subshell``, ``command-substitution``, ``process-substitution`` or
    ``sh -c``.
    """

    words: tuple[Word, ...]
    assignments: tuple[Word, ...] = ()
    wrappers: tuple[Word, ...] = ()
    redirects: tuple[Word, ...] = ()
    start: int = 0
    end: int = 0
    context: str = "top"

    @property
    def name(self) -> str:
        """The program as written (``""`` for an assignment-only command)."""
        return self.words[0].text if self.words else ""


class _NewWord:
    """``Word(text, raw, start, end, quoted, has_expansion)``, cheaper (see above)."""

    __slots__ = Word.__slots__

    def __init__(self, text: str, raw: str, start: int, end: int, quoted: bool, has_expansion: bool):
        self.text = text
        self.raw = raw
        self.start = start
        self.end = end
        self.quoted = quoted
        self.has_expansion = has_expansion
        self.__class__ = Word  # type: ignore[assignment]


class _NewCommand:
    """``SimpleCommand(words, assignments, wrappers, redirects, start, end, context)``, cheaper."""

    __slots__ = SimpleCommand.__slots__

    def __init__(self, words: tuple[Word, ...], assignments: tuple[Word, ...], wrappers: tuple[Word, ...],
                 redirects: tuple[Word, ...], start: int, end: int, context: str):
        self.words = words
        self.assignments = assignments
        self.wrappers = wrappers
        self.redirects = redirects
        self.start = start
        self.end = end
        self.context = context
        self.__class__ = SimpleCommand  # type: ignore[assignment]


@attrs.frozen
class ShellScript:
    """Everything found in one command string.

    ``commands`` are in source order of their names; ``errors`` are ``(start, end, message)``
    triples, informational only (the commands are still as complete as we could make them).
    """

    commands: tuple[SimpleCommand, ...]
    errors: tuple[tuple[int, int, str], ...] = ()

    def command_at(self, offset: int) -> SimpleCommand | None:
        """The innermost command whose span contains ``offset`` (end inclusive, for typing)."""
        best: SimpleCommand | None = None
        for command in self.commands:
            if command.start <= offset <= command.end and (
                best is None or command.end - command.start < best.end - best.start
            ):
                best = command
        return best


@attrs.frozen
class WordRole:
    """What one word, or one piece of a word, means to its command.

    ``role`` is ``command``, ``subcommand``, ``option``, ``option-value`` or ``operand``.
    ``start``/``end``/``text`` are those of the piece: one letter of a bundle such as ``-xzf``
    (``text`` is then ``-z``), the ``--name`` or the ``value`` of ``--name=value``.
    ``entry`` is the command's knowledge entry, ``part`` the subcommand or option explained
    (``None`` when unknown: nothing is guessed) and ``key`` its canonical name.
    """

    word: Word
    role: str
    start: int
    end: int
    text: str
    entry: Entry | None = attrs.field(default=None, eq=False)
    part: Part | None = attrs.field(default=None, eq=False)
    key: str = ""


# == lexer ===================================================================================
_MAX_DEPTH = 48

_WORD, _OP, _NEWLINE, _ARITH, _IO_NUMBER = range(5)

_PLAIN = re.compile(r"[^ \t\r\n'\"\\$`;&|()<>]+")
_DQ_PLAIN = re.compile(r'[^"\\$`]+')
_BRACE_PLAIN = re.compile(r"[^{}'\"\\$`]+")
_BACKTICK_PLAIN = re.compile(r"[^`\\]+")
_PAREN_PLAIN = re.compile(r"[^()'\"\\]+")
_DQ_SKIP = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_ANSI_SKIP = re.compile(r"[^'\\]*(?:\\.[^'\\]*)*'", re.S)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
# Blanks, then the longest prefix of a word made only of plain characters, '...', "..." and
# simple $NAME / ${NAME...} forms (a `#` there starts a comment). When that prefix ends at a
# word boundary (_WORD_END) it is the whole word: most words are like this, and one regex match
# is far cheaper than walking them; anything else takes the general path in _Lexer._word.
# Nothing follows the repetition and the double-quote loop is unrolled, so a match never
# backtracks: the cost stays linear on any input.
_SIMPLE_PARAM = r"\$(?:[A-Za-z0-9_@*#?$!-]|\{[^{}'\"\\$`]*\})"
_DQ_SIMPLE = r'"[^"\\$`]*(?:' + _SIMPLE_PARAM + r'[^"\\$`]*)*"'
_SIMPLE_WORD = r"(?!#)(?:[^ \t\r\n'\"\\$`;&|()<>]+|'[^']*'|" + _DQ_SIMPLE + "|" + _SIMPLE_PARAM + r"|\\[^\n])+"
_BLANKS_THEN_WORD = re.compile(r"([ \t\r]*)(" + _SIMPLE_WORD + ")?")
_ESCAPED = re.compile(r"\\(.)", re.S)
_WORD_END = frozenset(" \t\r\n;&|)<>")
_BLANK_OR_END = frozenset(" \t\r\n;&|)")  # where _Lexer._word stops at once
# What _Lexer._tokens matches at each token: blanks, then (group 1) a word of plain characters
# only that ends at a word boundary other than `<` / `>` (the most common token by far), or
# (group 2) an operator that needs no further look (the `;`, `|` and `&` families, longest
# first as in _operator_at), or (group 3) the prefix of _BLANKS_THEN_WORD, or (group 4) `)`.
# When group 1 fails
# it gives back one character at a time, each failing at once (the character after it is a
# plain one): linear too.
_TOKEN = re.compile(
    r"[ \t\r]*(?:([^ \t\r\n'\"\\$`;&|()<>#][^ \t\r\n'\"\\$`;&|()<>]*)(?=[ \t\r\n;&|)]|\Z)"
    r"|(;;&|;;|;&|;|\|\||\|&|\||&>>|&&|&>|&)"
    r"|(" + _SIMPLE_WORD + ")"
    r"|(\)))?"
)

_OPERATOR_CHARS = frozenset(";&|()<>")
_OPERATORS_3 = frozenset({"<<<", "<<-", ";;&", "&>>"})
_OPERATORS_2 = frozenset({"&&", "||", ";;", ";&", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>"})
_REDIRECTS = frozenset({"<", ">", ">>", "<<", "<<-", "<<<", "<&", ">&", "<>", ">|", "&>", "&>>"})
_CASE_ENDS = frozenset({";;", ";&", ";;&"})
_EXTGLOB_PREFIX = frozenset("@!+*?")

# A token is a plain tuple (kind, start, end, value, word, subs): cheap to build in bulk.
# ``word`` is the Word of a word token; ``subs`` lists (context, tokens) of the
# substitutions inside it.
_Token = tuple[int, int, int, str, "Word | None", "list[tuple[str, list]] | None"]


class _WordState:
    """Flags gathered while one word is scanned (nested scanners add to it)."""

    __slots__ = ("quoted", "expansion", "subs")

    def __init__(self) -> None:
        self.quoted = False
        self.expansion = False
        self.subs: list[tuple[str, list[_Token]]] | None = None

    def add_sub(self, context: str, tokens: list[_Token]) -> None:
        if self.subs is None:
            self.subs = []
        self.subs.append((context, tokens))


class _Lexer:
    """Turns a range of the source into tokens; substitutions are tokenized recursively."""

    def __init__(self, text: str, errors: list[tuple[int, int, str]]):
        self.text = text
        self.errors = errors
        self.depth = 0
        self.paren_cache: dict[int, dict[int, int]] = {}  # end -> {`(` offset: match end}

    def error(self, start: int, end: int, message: str) -> None:
        self.errors.append((start, end, message))

    # -- top level -------------------------------------------------------------------------
    def tokens(self, pos: int, end: int, closer: bool = False, opener: int = -1) -> tuple[list[_Token], int]:
        """Tokens of ``text[pos:end]``; with ``closer`` stop after the ``)`` closing ``opener``.

        Returns the tokens and the position after the last character consumed.
        """
        self.depth += 1
        try:
            return self._tokens(pos, end, closer, opener)
        finally:
            self.depth -= 1

    def _tokens(self, pos: int, end: int, closer: bool, opener: int) -> tuple[list[_Token], int]:
        text = self.text
        toks: list[_Token] = []
        append = toks.append
        parens = cases = 0
        heredocs: list[tuple[str, bool, int, int]] = []
        heredoc_op: bool | None = None  # after << / <<-: strip tabs?
        while pos < end:
            # _TOKEN recognises most tokens alone, one match after the other; the general path
            # below leaves this loop and the next one starts where it stopped.
            for match in _TOKEN.finditer(text, pos, end):
                raw = match[1]
                if raw is not None:
                    # A word of plain characters only, not before `<` or `>`: the common case.
                    start, pos = match.span(1)
                    if heredoc_op is not None:
                        heredocs.append((raw, heredoc_op, start, pos))
                        heredoc_op = None
                    elif closer and (not toks or toks[-1][0] in (_OP, _NEWLINE)):
                        cases += (raw == "case") - (raw == "esac" and cases > 0)
                    append((_WORD, start, pos, raw, _NewWord(raw, raw, start, pos, False, False), None))
                    continue
                group = match.lastindex
                if group == 2:  # one of the operators that need no further look (`;`, `&&` ...)
                    op = match[2]
                    start, pos = match.span(2)
                    append((_OP, start, pos, op, None, None))
                    continue
                if group == 4:  # `)`
                    pos = match.end()
                    if closer and parens == 0 and cases == 0:
                        return toks, pos
                    if parens > 0:
                        parens -= 1
                    append((_OP, pos - 1, pos, ")", None, None))
                    continue
                stop = match.end()
                word = None
                if group == 3 and (stop == end or text[stop] in _WORD_END):
                    # The match alone tells all about the word, unless it mixes single quotes
                    # with `$` or `"`, or escapes with any quote or `$`: the general path decides.
                    raw = match[3]
                    start = stop - len(raw)
                    if "\\" in raw:  # `\(`
                        if "'" not in raw and '"' not in raw and "$" not in raw:
                            word = _NewWord(_ESCAPED.sub(r"\1", raw), raw, start, stop, True, False)
                    elif "'" in raw:
                        if "$" not in raw and '"' not in raw or (
                            raw[0] == "'" and raw[-1] == "'" and raw.count("'") == 2  # one '...'
                        ):
                            word = _NewWord(raw.replace("'", ""), raw, start, stop, True, False)
                    elif '"' in raw:
                        word = _NewWord(raw.replace('"', ""), raw, start, stop, True, "$" in raw)
                    else:
                        word = _NewWord(raw, raw, start, stop, False, "$" in raw)
                if word is not None:
                    pos = stop
                    subs = None
                else:
                    pos = match.start(3) if group == 3 else stop
                    if pos >= end:
                        break
                    c = text[pos]
                    if c == "\n":
                        append((_NEWLINE, pos, pos + 1, "\n", None, None))
                        pos += 1
                        heredoc_op = None
                        if heredocs:
                            pos = self._skip_heredocs(pos, end, heredocs)
                            heredocs = []
                        break
                    if c == "\\" and pos + 1 < end and text[pos + 1] == "\n":
                        pos += 2  # line continuation: whitespace
                        break
                    if c == "#":
                        newline = text.find("\n", pos, end)
                        pos = end if newline < 0 else newline
                        break
                    if c in _OPERATOR_CHARS and not (c in "<>" and pos + 1 < end and text[pos + 1] == "("):
                        arith_end = self._arith_command_end(pos, end) if c == "(" else -1
                        if arith_end > 0:
                            append((_ARITH, pos, arith_end, text[pos:arith_end], None, None))
                            pos = arith_end
                            break
                        op = _operator_at(text, pos, end)
                        if op == ")" and closer and parens == 0 and cases == 0:
                            return toks, pos + 1
                        parens += (op == "(") - (op == ")" and parens > 0)
                        append((_OP, pos, pos + len(op), op, None, None))
                        pos += len(op)
                        if op in ("<<", "<<-"):
                            heredoc_op = op == "<<-"
                        break
                    word, subs, pos = self._word(pos, end)
                kind = _WORD
                if heredoc_op is not None:
                    heredocs.append((word.text, heredoc_op, word.start, word.end))
                    heredoc_op = None
                elif pos < end and text[pos] in "<>" and word.raw.isascii() and word.raw.isdigit():
                    kind = _IO_NUMBER
                elif closer and not word.quoted and (not toks or toks[-1][0] in (_OP, _NEWLINE)):
                    cases += (word.raw == "case") - (word.raw == "esac" and cases > 0)
                append((kind, word.start, word.end, word.raw, word, subs))
                if subs is not None or pos != stop:
                    break  # the general path took the word: go on from its end
            else:
                break  # (not reached: the last match is the empty one at the end)
        if closer:
            self.error(opener, end, "unterminated substitution: missing `)`")
        # A heredoc whose body is not in the text is normal: for `RUN cat <<EOF` the
        # Dockerfile layer owns the body. So no error for it.
        return toks, end

    def _arith_command_end(self, pos: int, end: int) -> int:
        """End of an arithmetic command ``(( ... ))`` starting at ``pos``, or -1."""
        text = self.text
        if pos + 1 >= end or text[pos + 1] != "(":
            return -1
        stop = self._balanced(pos, end)
        return stop if stop > 0 and text[stop - 2] == ")" else -1

    def _skip_heredocs(self, pos: int, end: int, heredocs: list[tuple[str, bool, int, int]]) -> int:
        """Skip the bodies of the heredocs opened on the line that just ended."""
        text = self.text
        for delimiter, strip_tabs, start, stop in heredocs:
            closed = False
            while pos < end and not closed:
                newline = text.find("\n", pos, end)
                line_end = end if newline < 0 else newline
                line = text[pos:line_end]
                if strip_tabs:
                    line = line.lstrip("\t")
                closed = line.rstrip("\r") == delimiter
                pos = line_end + 1 if newline >= 0 else end
            if not closed:
                self.error(start, stop, f"heredoc `{delimiter}` is not terminated")
        return min(pos, end)

    # -- words -----------------------------------------------------------------------------
    def _word(self, pos: int, end: int) -> tuple[Word, list[tuple[str, list[_Token]]] | None, int]:
        text = self.text
        start = pos
        state = _WordState()
        while pos < end:
            match = _PLAIN.match(text, pos, end)
            if match is not None:
                pos = match.end()
                if pos >= end:
                    break
            c = text[pos]
            if c in _BLANK_OR_END:
                break
            if c == "'":
                state.quoted = True
                close = text.find("'", pos + 1, end)
                if close < 0:
                    self.error(pos, end, "unterminated single quote")
                    pos = end
                else:
                    pos = close + 1
            elif c == '"':
                state.quoted = True
                pos = self._double(pos, end, state)
            elif c == "\\":
                if pos + 1 < end and text[pos + 1] != "\n":
                    state.quoted = True
                pos += 2
            elif c == "$":
                pos = self._dollar(pos, end, state, in_double=False)
            elif c == "`":
                pos = self._backtick(pos, end, state)
            elif c in "<>" and pos == start and pos + 1 < end and text[pos + 1] == "(":
                pos = self._substitution(pos + 2, end, state, "process-substitution", pos)
            elif c == "(" and self._is_array(start, pos):
                pos = self._array(pos, end, state)
            elif c == "(" and self._is_extglob(start, pos):
                close = self._balanced(pos, end)
                if close < 0:
                    self.error(pos, end, "unterminated pattern: missing `)`")
                pos = end if close < 0 else close
            else:
                break
        pos = min(max(pos, start + 1), end)  # always make progress, never overshoot
        raw = text[start:pos]
        if state.quoted:
            value = raw.replace('"', "") if _PLAIN_QUOTING(raw) is not None else _decode_text(raw)
        else:
            value = raw.replace("\\\n", "") if "\\\n" in raw else raw
        word = _NewWord(value, raw, start, pos, state.quoted, state.expansion)
        return word, state.subs, pos

    def _is_array(self, start: int, pos: int) -> bool:
        return self.text[pos - 1 : pos] == "=" and _ASSIGNMENT.fullmatch(self.text, start, pos) is not None

    def _is_extglob(self, start: int, pos: int) -> bool:
        prefix = pos - 1
        return prefix >= start and self.text[prefix] in _EXTGLOB_PREFIX and not (
            prefix == start and self.text[prefix] == "!"
        )

    def _array(self, pos: int, end: int, state: _WordState) -> int:
        """``name=( a b $(c) )``: the elements are words, their substitutions count."""
        if self.depth >= _MAX_DEPTH:
            return self._too_deep(pos, end)
        toks, stop = self.tokens(pos + 1, end, closer=True, opener=pos)
        for tok in toks:
            for context, sub in tok[5] or ():
                state.add_sub(context, sub)
        return stop

    def _double(self, pos: int, end: int, state: _WordState) -> int:
        """Skip a double-quoted string starting at ``pos``; returns the position after it."""
        if self.depth >= _MAX_DEPTH:
            return self._too_deep(pos, end)
        self.depth += 1
        try:
            text = self.text
            opening = pos
            pos += 1
            while pos < end:
                match = _DQ_PLAIN.match(text, pos, end)
                if match is not None:
                    pos = match.end()
                    if pos >= end:
                        break
                c = text[pos]
                if c == '"':
                    return pos + 1
                if c == "\\":
                    pos += 2
                elif c == "$":
                    pos = self._dollar(pos, end, state, in_double=True)
                else:
                    pos = self._backtick(pos, end, state)
            self.error(opening, end, "unterminated double quote")
            return end
        finally:
            self.depth -= 1

    def _dollar(self, pos: int, end: int, state: _WordState, in_double: bool) -> int:
        """Skip a ``$`` form at ``pos``: ``$(...)``, ``$((...))``, ``${...}``, ``$'...'``."""
        text = self.text
        state.expansion = True
        follower = text[pos + 1] if pos + 1 < end else ""
        if follower == "(":
            if pos + 2 < end and text[pos + 2] == "(":
                close = self._balanced(pos + 1, end)
                if close > 0:
                    return close
                self.error(pos, end, "unterminated arithmetic expansion: missing `))`")
                return end
            return self._substitution(pos + 2, end, state, "command-substitution", pos)
        if follower == "{":
            return self._brace(pos, end, state)
        if not in_double and follower == "'":
            state.quoted = True
            match = _ANSI_SKIP.match(text, pos + 2, end)
            if match is None:
                self.error(pos, end, "unterminated $'...' string")
                return end
            return match.end()
        if not in_double and follower == '"':
            state.quoted = True
            return self._double(pos + 1, end, state)
        return pos + 1

    def _substitution(self, pos: int, end: int, state: _WordState, context: str, opener: int) -> int:
        """``$(`` or ``<(`` / ``>(``: the commands up to the matching ``)``."""
        state.expansion = True
        if self.depth >= _MAX_DEPTH:
            return self._too_deep(opener, end)
        toks, stop = self.tokens(pos, end, closer=True, opener=opener)
        state.add_sub(context, toks)
        return stop

    def _backtick(self, pos: int, end: int, state: _WordState) -> int:
        """A backtick command substitution at ``pos``."""
        text = self.text
        state.expansion = True
        scan = pos + 1
        while scan < end:
            match = _BACKTICK_PLAIN.match(text, scan, end)
            if match is not None:
                scan = match.end()
                if scan >= end:
                    break
            if text[scan] == "`":
                break
            scan += 2  # a backslash and the character it escapes
        close = min(scan, end)
        if close >= end:
            self.error(pos, end, "unterminated backtick substitution")
        if self.depth >= _MAX_DEPTH:
            return self._too_deep(pos, end)
        state.add_sub("command-substitution", self.tokens(pos + 1, close)[0])
        return min(close + 1, end)

    def _brace(self, pos: int, end: int, state: _WordState) -> int:
        """``${...}`` starting at ``pos`` (the ``$``), nested braces and quotes included."""
        if self.depth >= _MAX_DEPTH:
            return self._too_deep(pos, end)
        self.depth += 1
        try:
            text = self.text
            opening = pos
            pos += 2
            depth = 1
            while pos < end:
                match = _BRACE_PLAIN.match(text, pos, end)
                if match is not None:
                    pos = match.end()
                    if pos >= end:
                        break
                c = text[pos]
                if c in "{}":
                    depth += 1 if c == "{" else -1
                    pos += 1
                    if depth == 0:
                        return pos
                elif c == "'":
                    close = text.find("'", pos + 1, end)
                    pos = end if close < 0 else close + 1
                elif c == '"':
                    pos = self._double(pos, end, state)
                elif c == "\\":
                    pos += 2
                elif c == "$":
                    pos = self._dollar(pos, end, state, in_double=False)
                else:
                    pos = self._backtick(pos, end, state)
            self.error(opening, end, "unterminated ${...}: missing `}`")
            return end
        finally:
            self.depth -= 1

    def _balanced(self, pos: int, end: int) -> int:
        """Position after the ``)`` matching the ``(`` at ``pos`` (quotes skipped), or -1.

        One scan records the match of every ``(`` it passes: scanning again from an inner
        ``(`` would see the same characters in the same state, so the answers carry over and
        input such as ``((((...`` stays linear instead of quadratic.
        """
        cache = self.paren_cache.setdefault(end, {})
        known = cache.get(pos)
        if known is not None:
            return known
        text = self.text
        opened: list[int] = []
        while pos < end:
            match = _PAREN_PLAIN.match(text, pos, end)
            if match is not None:
                pos = match.end()
                if pos >= end:
                    break
            c = text[pos]
            if c == "(":
                opened.append(pos)
            elif c == ")":
                cache[opened.pop()] = pos + 1
                if not opened:
                    return pos + 1
            elif c == "'":
                pos = text.find("'", pos + 1, end)
                if pos < 0:
                    break
            elif c == '"':
                match = _DQ_SKIP.match(text, pos + 1, end)
                if match is None:
                    break
                pos = match.end() - 1
            else:  # backslash
                pos += 1
            pos += 1
        for unmatched in opened:
            cache[unmatched] = -1
        return -1

    def _too_deep(self, pos: int, end: int) -> int:
        self.error(pos, end, "nested too deeply; the rest is not analysed")
        return end


def _operator_at(text: str, pos: int, end: int) -> str:
    """The longest operator at ``pos`` (the caller checked that one starts there)."""
    if pos + 3 <= end and text[pos : pos + 3] in _OPERATORS_3:
        return text[pos : pos + 3]
    if pos + 2 <= end and text[pos : pos + 2] in _OPERATORS_2:
        return text[pos : pos + 2]
    return text[pos]


# == quote removal ===========================================================================
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
                 "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_DQ_ESCAPABLE = frozenset('$`"\\\n')
_DECODE_PLAIN = re.compile(r"[^'\"\\$`]+")
_DECODE_DQ_PLAIN = re.compile(r'[^"\\$`]+')


def _decode(raw: str) -> tuple[str, list[int]]:
    """Remove quoting from ``raw``; returns the value and, per value character, its offset.

    Expansions (``$x``, ``$(...)``, ``${...}``, backticks) are kept verbatim.
    """
    chunks: list[str] = []
    offsets: list[int] = []
    pos, n = 0, len(raw)
    while pos < n:
        match = _DECODE_PLAIN.match(raw, pos)
        if match is not None:
            _keep(raw, pos, match.end(), chunks, offsets)
            pos = match.end()
            continue
        c = raw[pos]
        if c == "'":
            close = raw.find("'", pos + 1)
            close = n if close < 0 else close
            _keep(raw, pos + 1, close, chunks, offsets)
            pos = close + 1
        elif c == '"':
            pos = _decode_double(raw, pos + 1, chunks, offsets)
        elif c == "\\":
            if pos + 1 < n and raw[pos + 1] != "\n":
                _keep(raw, pos + 1, pos + 2, chunks, offsets)
            elif pos + 1 >= n:
                _keep(raw, pos, pos + 1, chunks, offsets)
            pos += 2
        elif raw.startswith("$'", pos):
            pos = _decode_ansi(raw, pos + 2, chunks, offsets)
        elif raw.startswith('$"', pos):
            pos = _decode_double(raw, pos + 2, chunks, offsets)
        else:
            pos = _keep_expansion(raw, pos, chunks, offsets)
    return "".join(chunks), offsets


def _keep(raw: str, start: int, stop: int, chunks: list[str], offsets: list[int]) -> None:
    if stop > start:
        chunks.append(raw[start:stop])
        offsets.extend(range(start, stop))


def _keep_expansion(raw: str, pos: int, chunks: list[str], offsets: list[int]) -> int:
    """Copy the ``$`` form or backtick substitution at ``pos`` unchanged."""
    stop = _expansion_end(raw, pos)
    _keep(raw, pos, stop, chunks, offsets)
    return stop


def _expansion_end(raw: str, pos: int) -> int:
    """Position after the ``$`` form or backtick substitution at ``pos``."""
    if raw.startswith("$(", pos) or raw.startswith("${", pos):
        return _group_end(raw, pos + 1)
    if raw[pos] == "`":
        close = raw.find("`", pos + 1)
        while close > 0 and raw[close - 1] == "\\":
            close = raw.find("`", close + 1)
        return len(raw) if close < 0 else close + 1
    return pos + 1


def _group_end(raw: str, pos: int) -> int:
    """Position after the bracket matching the ``(`` or ``{`` at ``pos`` (quotes skipped)."""
    opening = raw[pos]
    closing, skip = (")", _GROUP_PAREN_SKIP) if opening == "(" else ("}", _GROUP_BRACE_SKIP)
    depth, n = 0, len(raw)
    while pos < n:
        c = raw[pos]
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return pos + 1
        elif c in "'\"":
            close = raw.find(c, pos + 1)
            pos = n - 1 if close < 0 else close
        elif c == "\\":
            pos += 1
        pos = skip(raw, pos + 1).end()  # characters that matter to none of the cases above
    return n


_GROUP_PAREN_SKIP = re.compile(r"[^()'\"\\]*").match
_GROUP_BRACE_SKIP = re.compile(r"[^{}'\"\\]*").match


def _decode_double(raw: str, pos: int, chunks: list[str], offsets: list[int]) -> int:
    n = len(raw)
    while pos < n:
        match = _DECODE_DQ_PLAIN.match(raw, pos)
        if match is not None:
            _keep(raw, pos, match.end(), chunks, offsets)
            pos = match.end()
            continue
        c = raw[pos]
        if c == '"':
            return pos + 1
        if c == "\\":
            if pos + 1 < n and raw[pos + 1] in _DQ_ESCAPABLE:
                if raw[pos + 1] != "\n":
                    _keep(raw, pos + 1, pos + 2, chunks, offsets)
                pos += 2
            else:
                _keep(raw, pos, pos + 1, chunks, offsets)
                pos += 1
        else:
            pos = _keep_expansion(raw, pos, chunks, offsets)
    return n


def _decode_ansi(raw: str, pos: int, chunks: list[str], offsets: list[int]) -> int:
    n = len(raw)
    while pos < n:
        c = raw[pos]
        if c == "'":
            return pos + 1
        if c == "\\" and pos + 1 < n:
            escaped = _ANSI_ESCAPES.get(raw[pos + 1])
            if escaped is not None:
                chunks.append(escaped)
                offsets.append(pos + 1)
                pos += 2
                continue
        _keep(raw, pos, pos + 1, chunks, offsets)
        pos += 1
    return n


# Words _decode_text would only take the double quotes out of: plain text and "..." holding
# plain text, $NAME, and $(...) / ${...} without quotes, escapes or nested brackets (such as
# `arch="$(dpkg --print-architecture)"`, common and otherwise slow to decode). One character
# per repetition and alternatives that exclude each other, so a failed match stays linear.
_PLAIN_QUOTING = re.compile(
    r"""(?:[^'"\\$`]|"(?:[^"\\$`]|\$(?![({])|\$\([^()'"\\]*\)|\$\{[^{}'"\\]*\})*")+"""
).fullmatch


def _decode_text(raw: str) -> str:
    """``_decode(raw)[0]`` without the offsets (the lexer needs the value only)."""
    chunks: list[str] = []
    append = chunks.append
    pos, n = 0, len(raw)
    while pos < n:
        match = _DECODE_PLAIN.match(raw, pos)
        if match is not None:
            stop = match.end()
            append(raw[pos:stop])
            pos = stop
            continue
        c = raw[pos]
        if c == "'":
            close = raw.find("'", pos + 1)
            close = n if close < 0 else close
            append(raw[pos + 1 : close])
            pos = close + 1
        elif c == '"':
            pos = _decode_double_text(raw, pos + 1, append)
        elif c == "\\":
            if pos + 1 < n:
                if raw[pos + 1] != "\n":
                    append(raw[pos + 1])
            else:
                append(c)
            pos += 2
        elif raw.startswith("$'", pos):
            pos = _decode_ansi_text(raw, pos + 2, append)
        elif raw.startswith('$"', pos):
            pos = _decode_double_text(raw, pos + 2, append)
        else:
            stop = _expansion_end(raw, pos)
            append(raw[pos:stop])
            pos = stop
    return "".join(chunks)


def _decode_double_text(raw: str, pos: int, append) -> int:
    n = len(raw)
    while pos < n:
        match = _DECODE_DQ_PLAIN.match(raw, pos)
        if match is not None:
            stop = match.end()
            append(raw[pos:stop])
            pos = stop
            continue
        c = raw[pos]
        if c == '"':
            return pos + 1
        if c == "\\":
            if pos + 1 < n and raw[pos + 1] in _DQ_ESCAPABLE:
                if raw[pos + 1] != "\n":
                    append(raw[pos + 1])
                pos += 2
            else:
                append(c)
                pos += 1
        else:
            stop = _expansion_end(raw, pos)
            append(raw[pos:stop])
            pos = stop
    return n


def _decode_ansi_text(raw: str, pos: int, append) -> int:
    n = len(raw)
    while pos < n:
        c = raw[pos]
        if c == "'":
            return pos + 1
        if c == "\\" and pos + 1 < n:
            escaped = _ANSI_ESCAPES.get(raw[pos + 1])
            if escaped is not None:
                append(escaped)
                pos += 2
                continue
        append(c)
        pos += 1
    return n


def _offsets(word: Word) -> Sequence[int]:
    """Offset in ``word.raw`` of each character of ``word.text``."""
    return range(len(word.raw)) if word.text == word.raw else _decode(word.raw)[1]


# == wrappers and inline scripts =============================================================
@attrs.frozen
class _Wrapper:
    """How a wrapper command reads its own arguments before the command it runs."""

    value_options: frozenset[str] = frozenset()  # options that consume the next word
    operands: int = 0  # its own operands before the command (gosu USER, timeout 10)
    assignments: bool = False  # VAR=value words belong to it (env, sudo)
    standalone: frozenset[str] = frozenset()  # options after which it runs no command


def _opts(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _Wrapper(
        _opts("-u -g -C -D -p -r -t -T -U --user --group --close-from --chdir --host --prompt "
              "--role --type --command-timeout --other-user"),
        assignments=True,
        standalone=_opts("-e -l -v -K -V -h --edit --list --validate --remove-timestamp "
                         "--version --help"),
    ),
    "doas": _Wrapper(_opts("-u"), standalone=_opts("-C")),
    "exec": _Wrapper(_opts("-a")),
    "env": _Wrapper(_opts("-u -C -S --unset --chdir --split-string"), assignments=True,
                    standalone=_opts("--help --version")),
    "nohup": _Wrapper(),
    "time": _Wrapper(_opts("-f -o --format --output")),
    "nice": _Wrapper(_opts("-n --adjustment")),
    "ionice": _Wrapper(_opts("-c -n --class --classdata"), standalone=_opts("-p -P -u --pid --pgid --uid")),
    "command": _Wrapper(standalone=_opts("-v -V")),
    "builtin": _Wrapper(),
    "xargs": _Wrapper(
        _opts("-a -d -E -I -L -n -P -s --arg-file --delimiter --max-lines --max-args --max-procs "
              "--max-chars --process-slot-var"),
        standalone=_opts("--help --version --show-limits"),
    ),
    "gosu": _Wrapper(operands=1),
    "su-exec": _Wrapper(operands=1),
    "s6-setuidgid": _Wrapper(operands=1),
    "tini": _Wrapper(_opts("-e -p")),
    "dumb-init": _Wrapper(_opts("-r --rewrite")),
    "chroot": _Wrapper(_opts("--userspec --groups"), operands=1),
    "timeout": _Wrapper(_opts("-s -k --signal --kill-after"), operands=1),
    "stdbuf": _Wrapper(_opts("-i -o -e --input --output --error")),
    "setsid": _Wrapper(),
    "eatmydata": _Wrapper(),
    "fakeroot": _Wrapper(_opts("-l -s -i -b --lib --faked")),
}

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_SU_LIKE = frozenset({"su", "runuser"})
_SU_VALUE_OPTIONS = frozenset({"-s", "-g", "-G", "-u", "-w", "--shell", "--group", "--supp-group",
                               "--user", "--whitelist-environment"})


def _basename(name: str) -> str:
    return name.rsplit("/", 1)[-1] if "/" in name else name


def _wrapper_length(words: Sequence[Word]) -> int:
    """How many leading words form a wrapper (``sudo -u x``); 0 when it is the command itself."""
    spec = _WRAPPERS.get(_basename(words[0].text))
    if spec is None:
        return 0
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text == "--":
            i += 1
            break
        if text.startswith("-") and len(text) > 1:
            consumes = _option_consumes(text, spec)
            if consumes < 0:
                return 0
            i += 1 + consumes
        elif spec.assignments and _ASSIGNMENT.match(text):
            i += 1
        else:
            break
    while spec.assignments and i < n and _ASSIGNMENT.match(words[i].text):
        i += 1
    i += spec.operands
    return i if i < n else 0


def _option_consumes(text: str, spec: _Wrapper) -> int:
    """Words an option of a wrapper consumes after itself; -1 when it means 'no command'."""
    if text.startswith("--"):
        name = text.split("=", 1)[0]
        if name in spec.standalone:
            return -1
        return 1 if "=" not in text and name in spec.value_options else 0
    for index in range(1, len(text)):
        letter = "-" + text[index]
        if letter in spec.standalone:
            return -1
        if letter in spec.value_options:
            return 1 if index == len(text) - 1 else 0
    return 0


def _script_word(words: Sequence[Word]) -> tuple[Word, int] | None:
    """The word holding an inline script (``sh -c SCRIPT``, ``su -c SCRIPT``) and the
    length of the prefix before the script inside it (``--command=``)."""
    if not words:
        return None
    name = _basename(words[0].text)
    if name in _SHELLS:
        return _shell_script_word(words)
    if name in _SU_LIKE:
        return _su_script_word(words)
    return None


def _shell_script_word(words: Sequence[Word]) -> tuple[Word, int] | None:
    """``bash [options] -c SCRIPT``: the first operand once ``c`` was among the options."""
    saw_c = False
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text == "--":
            return (words[i + 1], 0) if saw_c and i + 1 < n else None
        if text in _SHELL_VALUE_OPTIONS:
            i += 2
            continue
        if len(text) > 1 and text[0] in "-+":
            bundle = not text.startswith("--")
            saw_c = saw_c or (bundle and "c" in text[1:])
            i += 2 if bundle and text[-1] in "oO" else 1  # `-euxo pipefail`
            continue
        return (words[i], 0) if saw_c else None
    return None


def _su_script_word(words: Sequence[Word]) -> tuple[Word, int] | None:
    """``su [options] [user] -c SCRIPT`` / ``--command=SCRIPT``."""
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text.startswith("--command="):
            return words[i], words[i].raw.find("=") + 1
        if text == "--command" or (text.startswith("-") and not text.startswith("--") and text.endswith("c")):
            return (words[i + 1], 0) if i + 1 < n else None
        i += 2 if text in _SU_VALUE_OPTIONS else 1
    return None


def _script_range(word: Word, skip: int, source_end: int) -> tuple[int, int] | None:
    """Where the inline script in ``word`` lies in the source, if offsets carry over 1:1.

    That is the case for one single-quoted string (backslashes there are literal), one
    double-quoted string or an unquoted word without escapes (``\\``-newline excepted: it
    stays a line continuation). An unterminated quote (half-typed) runs to the end.
    """
    raw = word.raw[skip:]
    base = word.start + skip
    if not raw:
        return None
    quote = raw[0]
    if quote != "'" and "\\" in raw.replace("\\\n", ""):
        return None
    if quote in "'\"":
        body = raw[1:-1] if len(raw) > 1 and raw[-1] == quote else raw[1:]
        if quote in body:
            return None
        if len(body) == len(raw) - 1 and word.end != source_end:
            return None
        return base + 1, base + 1 + len(body)
    if "'" in raw or '"' in raw:
        return None
    return base, base + len(raw)


# == parser ==================================================================================
_RESERVED = frozenset({"{", "}", "!", "if", "then", "elif", "else", "fi", "while", "until", "do",
                       "done", "for", "select", "case", "esac", "function"})
_OPENERS = {"{": "group", "if": "if", "while": "loop", "until": "loop", "for": "loop",
            "select": "loop", "case": "case"}
_CLOSERS = {"}": "group", "fi": "if", "done": "loop", "esac": "case"}


class _Frame:
    """An open compound command (``(``, ``{``, ``if``, a loop, ``case``)."""

    __slots__ = ("kind", "start", "end", "context", "in_pattern")

    def __init__(self, kind: str, start: int, end: int, context: str = ""):
        self.kind = kind
        self.start = start
        self.end = end
        self.context = context
        self.in_pattern = False


class _Builder:
    """The simple command being collected from tokens."""

    __slots__ = ("assignments", "words", "redirects", "start", "end", "subs")

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
        if end > self.end:
            self.end = end

    def add(self, bucket: list[Word], tok: _Token) -> None:
        word = tok[4]
        bucket.append(word)
        if self.start < 0:
            self.start = word.start
        if word.end > self.end:
            self.end = word.end
        if tok[5]:
            self.subs.append((word, tok[5]))


class _Parser:
    """Walks tokens, tracking compound commands, and emits simple commands."""

    def __init__(self, lexer: _Lexer, out: list[tuple[int, int, SimpleCommand]]):
        self.lexer = lexer
        self.out = out

    def error(self, start: int, end: int, message: str) -> None:
        self.lexer.error(start, end, message)

    def run(self, toks: list[_Token], base: str) -> None:
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
                        if word.end > cur.end:
                            cur.end = word.end
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
                if word.end > cur.end:
                    cur.end = word.end
            elif cur.start < 0 and kind != _NEWLINE and frames and frames[-1].in_pattern:
                i = self._pattern(toks, i, frames, base)
            elif kind == _OP:
                if tok[3] in _SEPARATORS:
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
            if i + 1 < len(toks) and toks[i + 1][0] == _WORD:
                cur.add(cur.redirects, toks[i + 1])
                return i + 2
            return i + 1
        if op == "(":
            if len(cur.words) == 1 and not cur.assignments and _is_op(toks, i + 1, ")"):
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
            if value in ("for", "select"):
                return self._for_header(toks, i + 1, base)
            if value == "case":
                return self._case_header(toks, i + 1, frames[-1], base)
        elif value in _CLOSERS:
            self._close(frames, _CLOSERS[value], start, end, value)
        elif value == "function":
            i += 1 if i + 1 < len(toks) and toks[i + 1][0] == _WORD else 0
            if _is_op(toks, i + 1, "(") and _is_op(toks, i + 2, ")"):
                i += 2
        return i + 1

    def _for_header(self, toks: list[_Token], i: int, base: str) -> int:
        """Skip ``NAME [in WORDS]`` or ``((...))`` after ``for``; the words' substitutions count."""
        n = len(toks)
        if i < n and toks[i][0] == _ARITH:
            return i + 1
        if i < n and toks[i][0] == _WORD:
            i += 1
        while i < n and toks[i][0] == _NEWLINE:
            i += 1
        if i < n and toks[i][0] == _WORD and toks[i][3] == "in":
            i += 1
            while i < n and toks[i][0] == _WORD:
                self._substitutions(toks[i][5])
                i += 1
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
            frames.pop()
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
        del frames[index + (1 if keep else 0) :]

    # -- emitting --------------------------------------------------------------------------
    def _finish(self, cur: _Builder, frames: list[_Frame], base: str) -> None:
        start = cur.start
        if start < 0:
            return
        context = next((f.context for f in reversed(frames) if f.context), base) if frames else base
        skip: Word | None = None
        words = cur.words
        assignments = cur.assignments
        redirects = cur.redirects
        if words:
            first = words[0]
            name = first.text
            if "/" in name:
                name = name.rsplit("/", 1)[-1]
            if name in _EMIT_SPECIAL:
                skip = self._emit(cur, context)
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
                if word is not skip:
                    self._substitutions(sub)

    def _emit(self, cur: _Builder, context: str) -> Word | None:
        """Record the command (and its wrappers); returns the script word parsed as ``sh -c``."""
        rest: list[Word] = cur.words
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
        self.out.append((rest[0].start if rest else cur.start, cur.start, _NewCommand(
            tuple(rest), tuple(cur.assignments), tuple(wrappers), tuple(cur.redirects), cur.start, cur.end, context)))
        return self._inline_script(rest)

    def _inline_script(self, words: Sequence[Word]) -> Word | None:
        found = _script_word(words)
        if found is None:
            return None
        word, skip = found
        span = _script_range(word, skip, len(self.lexer.text))
        if span is None or self.lexer.depth >= _MAX_DEPTH:
            return None
        self.run(self.lexer.tokens(span[0], span[1])[0], "sh -c")
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
_EMIT_SPECIAL = frozenset(_WRAPPERS) | _SHELLS | _SU_LIKE

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
    _Parser(lexer, commands).run(toks, "top")
    commands.sort(key=_SORT_KEY)
    return ShellScript(tuple(map(_COMMAND, commands)), tuple(errors))


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


# == classification ==========================================================================
def classify(cmd: SimpleCommand, kb: KnowledgeBase) -> list[WordRole]:
    """The role of every word of ``cmd.words`` (one role per letter of a short-option bundle).

    Wrappers and assignments are not included: each wrapper is a command of its own in
    :attr:`ShellScript.commands` and is classified separately.
    """
    if not cmd.words:
        return []
    return _Classifier(cmd, kb).run()


def _command_entry(kb: KnowledgeBase, name: str) -> Entry | None:
    """The command's entry by name as written, then by basename (``/usr/bin/apt-get``)."""
    if not name:
        return None
    entry = kb.get("command", name)
    if entry is None and "/" in name:
        base = _basename(name.rstrip("/"))
        entry = kb.get("command", base) if base else None
    return entry


class _Classifier:
    """Walks a command's words left to right, the way the program reads its arguments."""

    def __init__(self, cmd: SimpleCommand, kb: KnowledgeBase):
        self.cmd = cmd
        self.entry = _command_entry(kb, cmd.words[0].text)
        self.is_set = _basename(cmd.words[0].text) == "set"
        self.sub: tuple[str, Part] | None = None
        self.pending: tuple[str, Part] | None = None
        self.options_done = False
        self.operand_seen = False
        self.roles: list[WordRole] = []

    def run(self) -> list[WordRole]:
        first = self.cmd.words[0]
        key = self.entry.name if self.entry is not None else ""
        self.roles.append(WordRole(first, "command", first.start, first.end, first.text, self.entry, None, key))
        for word in self.cmd.words[1:]:
            self._word(word)
        return self.roles

    # -- helpers ---------------------------------------------------------------------------
    def _lookup(self, name: str) -> tuple[str, Part] | None:
        """An option of the subcommand first, then of the command."""
        if self.sub is not None:
            found = find_part(self.sub[1].options, name)
            if found is not None:
                return found
        return find_part(self.entry.options, name) if self.entry is not None else None

    def _add(self, word: Word, role: str, a: int, b: int, found: tuple[str, Part] | None,
             offsets: Sequence[int]) -> None:
        """Add the role of ``word.text[a:b]`` (offsets map text indexes to raw indexes)."""
        start = word.start + offsets[a] if a < len(offsets) else word.end
        end = word.start + offsets[b - 1] + 1 if b - 1 < len(offsets) else word.end
        key, part = found if found is not None else ("", None)
        self.roles.append(WordRole(word, role, start, end, word.text[a:b], self.entry, part, key))

    def _whole(self, word: Word, role: str, found: tuple[str, Part] | None) -> None:
        key, part = found if found is not None else ("", None)
        self.roles.append(WordRole(word, role, word.start, word.end, word.text, self.entry, part, key))

    def _expect_value(self, found: tuple[str, Part] | None) -> None:
        self.pending = found if found is not None and found[1].takes_value else None

    # -- words -----------------------------------------------------------------------------
    def _word(self, word: Word) -> None:
        text = word.text
        if self.pending is not None:
            self._whole(word, "option-value", self.pending)
            self.pending = None
        elif self.options_done or len(text) < 2 or text[0] not in "-+":
            self._operand(word)
        elif text == "--":
            self._whole(word, "option", self._lookup("--"))
            self.options_done = True
        elif text.startswith("--"):
            self._long(word)
        else:
            self._short(word)

    def _operand(self, word: Word) -> None:
        if not self.operand_seen and not self.options_done and self.entry is not None and self.entry.subcommands:
            found = find_part(self.entry.subcommands, word.text)
            if found is not None:
                self.operand_seen = True
                self.sub = found
                self._whole(word, "subcommand", found)
                return
        self.operand_seen = True
        self._whole(word, "operand", None)

    def _long(self, word: Word) -> None:
        text = word.text
        equals = text.find("=")
        if equals < 0:
            found = self._lookup(text)
            self._whole(word, "option", found)
            self._expect_value(found)
            return
        offsets = _offsets(word)
        found = self._lookup(text[:equals])
        self._add(word, "option", 0, equals, found, offsets)
        if equals + 1 < len(text):
            self._add(word, "option-value", equals + 1, len(text), found, offsets)

    def _short(self, word: Word) -> None:
        """``-x``, ``-xzf``, ``-C/dir``, ``-1``, ``+x``: whole first, then letter by letter."""
        text = word.text
        found = self._lookup(text)
        if found is not None:
            self._whole(word, "option", found)
            self._expect_value(found)
            return
        if (text[0] == "+" and not self.is_set) or (text[1:].isascii() and text[1:].isdigit()):
            self._operand(word)  # `chmod +x`, `head -5`: options only when known
            return
        letters = [self._letter(text[0], c) for c in text[1:]]
        if not any(letters):
            self._whole(word, "option", None)
            return
        self._letters(word, letters)

    def _letter(self, sign: str, letter: str) -> tuple[str, Part] | None:
        found = self._lookup(sign + letter)
        if found is None and sign == "+":
            found = self._lookup("-" + letter)  # `set +x` undoes `set -x`
        return found

    def _letters(self, word: Word, letters: list[tuple[str, Part] | None]) -> None:
        offsets = _offsets(word)
        text = word.text
        for index, found in enumerate(letters, start=1):
            start = word.start + offsets[index]
            self.roles.append(
                WordRole(word, "option", start, start + 1, text[0] + text[index], self.entry,
                         found[1] if found else None, found[0] if found else "")
            )
            if found is not None and found[1].takes_value:
                if index + 1 < len(text):
                    self._add(word, "option-value", index + 1, len(text), found, offsets)
                else:
                    self.pending = found
                return
