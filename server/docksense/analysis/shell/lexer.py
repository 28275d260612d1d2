"""The tokenizer: a range of shell text to tokens, with substitutions tokenized in place.

Scanning is regex-driven: most words are consumed whole by one regex match, so Python only
looks at the few characters that matter (quotes, ``$``, operators). Every scan is linear,
whatever the input (see the notes at :data:`_BLANKS_THEN_WORD` and :meth:`_Lexer._balanced`).
Nesting is bounded (:data:`_MAX_DEPTH`): deeper input is swallowed into the current word with
an error, so hostile input cannot exhaust the stack.
"""

from __future__ import annotations

import re

from .data import Word, _NewWord
from .quoting import _PLAIN_QUOTING, _decode_text

_MAX_DEPTH = 48

_WORD, _OP, _NEWLINE, _ARITH, _IO_NUMBER = range(5)

_PLAIN = re.compile(r"[^ \t\r\n'\"\\$`;&|()<>]+")
_DQ_PLAIN = re.compile(r'[^"\\$`]+')
_BRACE_PLAIN = re.compile(r"[^{}'\"\\$`]+")
_BACKTICK_PLAIN = re.compile(r"[^`\\]+")
_PAREN_PLAIN = re.compile(r"[^()'\"\\]+")
_DQ_SKIP = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_ANSI_SKIP = re.compile(r"[^'\\]*(?:\\.[^'\\]*)*'", re.DOTALL)
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
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
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

    __slots__ = ("expansion", "quoted", "subs")

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
