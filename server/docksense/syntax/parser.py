"""Text -> :class:`Dockerfile`: an exact, error-tolerant syntax tree with BuildKit's semantics.

BuildKit's parser (moby/buildkit ``frontend/dockerfile/parser``) is the reference for what the
text means; this module reads it the same way (line splitting on ``\\n``, continuation with
the active escape character, comment lines dropped inside continuations, parser directives
only at the top, heredoc bodies read after the instruction line) but keeps every token's
position and never gives up: where BuildKit would stop at the first error, this records a
:class:`SyntaxProblem` and reads on, so an editor can show every problem at once.

dockerfile-parse (a dependency the project uses for its quoting helpers and as a
cross-check in the tests) splits files into instructions as well, but it keeps no columns
and reads a heredoc body line such as ``FROM x`` as an instruction of its own; this layer
exists to cover exactly that. Values of ENV/LABEL/ARG are turned into their literal form with
``dockerfile_parse.util.WordSplitter`` where its quoting matches BuildKit's (see
``docksense.analysis.values``).
"""

from __future__ import annotations

import bisect
import logging
import re
from typing import Optional

from . import heredocs as heredoc_lib
from .directives import DirectiveReader
from .nodes import (
    Comment,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    Joined,
    JsonArray,
    KeyValue,
    SyntaxProblem,
    VarRef,
    Word,
)
from .text import go_lstrip, go_rstrip, go_trim_space, is_go_space
from .variables import find_variables
from .words import (
    RE_WHITESPACE,
    NotStringArray,
    extract_flags,
    parse_json_array,
    parse_words,
    split_whitespace,
)

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 64 * 1024 - 1  # bufio.MaxScanTokenSize - 1
# ``ONBUILD ONBUILD ...`` is read as nested triggers up to this depth. BuildKit refuses any
# chained ONBUILD at build time, so deeper levels carry no meaning; bounding them keeps every
# consumer that walks triggers recursively far from Python's recursion limit.
MAX_ONBUILD_DEPTH = 16

JSON_INSTRUCTIONS = frozenset({"run", "cmd", "entrypoint", "shell"})
JSON_LIST_INSTRUCTIONS = frozenset({"add", "copy", "volume"})
NAME_VALUE_INSTRUCTIONS = frozenset({"env", "label"})
WHITESPACE_INSTRUCTIONS = frozenset({"expose", "from"})
STRING_INSTRUCTIONS = frozenset({"maintainer", "stopsignal", "user", "workdir"})
HEREDOC_INSTRUCTIONS = frozenset({"run", "copy", "add"})
KNOWN_INSTRUCTIONS = frozenset(
    JSON_INSTRUCTIONS
    | JSON_LIST_INSTRUCTIONS
    | NAME_VALUE_INSTRUCTIONS
    | WHITESPACE_INSTRUCTIONS
    | STRING_INSTRUCTIONS
    | {"arg", "healthcheck", "onbuild"}
)
# Instructions whose arguments BuildKit expands itself (RUN/CMD/ENTRYPOINT leave it to the shell).
BUILDER_EXPANDS = frozenset(
    {"add", "copy", "env", "expose", "from", "label", "stopsignal", "user", "volume", "workdir", "arg"}
)


def _continuation_re(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(rf"([^{e}]){e}[ \t]*\Z|\A{e}[ \t]*\Z")


_CONTINUATION = {"\\": _continuation_re("\\"), "`": _continuation_re("`")}


_lstrip_go = go_lstrip


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.lines = text.split("\n")
        starts = [0] * len(self.lines)
        pos = 0
        for index, line in enumerate(self.lines):
            starts[index] = pos
            pos += len(line) + 1
        self.starts = starts
        self.escape = "\\"
        self.directives = DirectiveReader()
        self.problems: list[SyntaxProblem] = []
        self.comments: list[Comment] = []
        self.instructions: list[Instruction] = []

    # -- helpers -----------------------------------------------------------------
    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def problem(self, code: str, message: str, start: int, end: int, severity: str = "error") -> None:
        self.problems.append(SyntaxProblem(code, message, start, max(start, end), severity))

    # -- the main loop -----------------------------------------------------------
    def run(self) -> Dockerfile:
        text = self.text
        lines = self.lines
        starts = self.starts
        n = len(lines)
        bom = text.startswith("\ufeff")
        pending_comments: list[str] = []
        i = 0
        while i < n:
            raw = lines[i]
            start = starts[i]
            content = raw.rstrip("\r")
            if i == 0 and bom:
                content = content[1:]
                start += 1
            self._check_length(content, start)
            stripped = _lstrip_go(content)
            lead = len(content) - len(stripped)
            is_comment = stripped.startswith("#")
            if is_comment:
                note = go_trim_space(stripped[1:])
                if note:
                    pending_comments.append(note)
                else:
                    pending_comments = []
            directive = self.directives.feed(stripped, start + lead, i)
            if directive is not None:
                if pending_comments:
                    pending_comments.pop()
                if directive.name == "escape" and directive.value in ("\\", "`") and \
                        self.directives.seen.get("escape") is directive:
                    self.escape = directive.value
            elif is_comment:
                self.comments.append(Comment(go_trim_space(stripped[1:]), start + lead, start + len(content), i))
            token = "" if is_comment else stripped
            first_line = i
            i += 1
            kept, end_of_line = self._trim_continuation(token)
            if end_of_line and not kept:
                continue
            segments = [(0, start + lead, len(kept))]
            parts = [kept]
            length = len(kept)
            empty_lines: list[int] = []
            last_end = start + len(content)
            while not end_of_line and i < n:
                next_raw = lines[i].rstrip("\r")
                next_start = starts[i]
                self._check_length(next_raw, next_start)
                i += 1
                next_stripped = _lstrip_go(next_raw)
                if next_stripped.startswith("#"):
                    self.comments.append(
                        Comment(go_trim_space(next_stripped[1:]),
                                next_start + len(next_raw) - len(next_stripped),
                                next_start + len(next_raw), i - 1)
                    )
                    continue
                if not next_stripped:
                    empty_lines.append(i - 1)
                    continue
                piece, end_of_line = self._trim_continuation(next_raw)
                segments.append((length, next_start, len(piece)))
                parts.append(piece)
                length += len(piece)
                last_end = next_start + len(next_raw)
            joined = Joined("".join(parts), segments)
            instruction = self._instruction(joined, 0, pending_comments)
            pending_comments = []
            if instruction is None:
                continue
            instruction.empty_continuation_lines = empty_lines
            instruction.end = max(instruction.end, last_end)
            if empty_lines:
                self.problem(
                    "NoEmptyContinuation",
                    "Empty continuation line found in: " + joined.text,
                    starts[empty_lines[0]],
                    starts[empty_lines[0]],
                    severity="warning",
                )
            i = self._read_heredocs(instruction, i)
            # BuildKit's StartLine/EndLine: the physical lines consumed, 0-based here.
            instruction.line = first_line
            instruction.end_line = i - 1
            self.instructions.append(instruction)
        if not self.instructions:
            end = len(text)
            self.problem("NoInstructions", "file with no instructions", end, end)
        self.problems.extend(self.directives.problems)
        self.problems.sort(key=lambda p: (p.start, p.end))
        return Dockerfile(
            text=text,
            instructions=self.instructions,
            directives=self.directives.directives,
            comments=self.comments,
            problems=self.problems,
            escape=self.escape,
            bom=bom,
        )

    def _check_length(self, content: str, start: int) -> None:
        if len(content) > MAX_LINE_BYTES // 4 and len(content.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
            self.problem(
                "LineTooLong",
                f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}",
                start,
                start + len(content),
            )

    def _trim_continuation(self, line: str) -> tuple[str, bool]:
        if not line.rstrip(" \t").endswith(self.escape):
            return line, True
        match = _CONTINUATION[self.escape].search(line)
        if match is None:
            return line, True
        return line[: match.start()] + (match.group(1) or ""), False

    # -- one instruction ---------------------------------------------------------
    def _instruction(self, joined: Joined, base: int, comments: list[str], depth: int = 0) -> Optional[Instruction]:
        """Read ``joined.text[base:]`` as one instruction (``base`` > 0 for ONBUILD triggers,
        ``depth`` the number of ONBUILDs around it)."""
        text = joined.text
        n = len(text)
        core_start = n - len(go_lstrip(text[base:])) if base < n else n
        core_end = len(go_rstrip(text))
        if core_start >= core_end:
            return None
        core = text[core_start:core_end]
        gap = RE_WHITESPACE.search(core)
        keyword = core[: gap.start()] if gap else core
        kw_start, kw_end = joined.doc_span(core_start, core_start + len(keyword))
        flags: list[Flag] = []
        if gap:
            rest_start = core_start + gap.end()
            rest = text[rest_start:core_end]
            flag_end, raw_flags = extract_flags(rest, self.escape)
            for word, f_start, f_end in raw_flags:
                flags.append(self._flag(joined, word, rest_start + f_start, rest_start + f_end))
            args_raw = rest[flag_end:]
            args = go_trim_space(args_raw)
            args_offset = rest_start + flag_end + (len(args_raw) - len(_lstrip_go(args_raw)))
        else:
            args = ""
            args_offset = core_end
        start = kw_start
        end = joined.doc(core_end - 1) + 1
        instruction = Instruction(
            keyword=keyword,
            start=start,
            end=end,
            keyword_start=kw_start,
            keyword_end=kw_end,
            line=self.line_of(kw_start),
            end_line=self.line_of(max(start, end - 1)),
            joined=joined,
            args_offset=args_offset,
            args=args,
            flags=flags,
            comments=list(comments),
            keyword_index=core_start,
            name=keyword.upper(),
        )
        self._arguments(instruction, depth)
        self._variables(instruction)
        return instruction

    def _flag(self, joined: Joined, word: str, start: int, end: int) -> Flag:
        name, eq, value = word.partition("=")
        source = joined.text[start:end]
        eq_index = source.find("=")
        name_end = start + (eq_index if eq_index >= 0 else len(source))
        doc_start, doc_end = joined.doc_span(start, end)
        name_doc = joined.doc_span(start, name_end)
        flag = Flag(
            name=name[2:] if name.startswith("--") else name,
            value=value if eq else None,
            start=doc_start,
            end=doc_end,
            name_start=name_doc[0],
            name_end=name_doc[1],
            raw=word,
        )
        if eq:
            value_doc = joined.doc_span(name_end + 1, end)
            flag.value_start, flag.value_end = value_doc
        return flag

    def _word(self, joined: Joined, text: str, start: int, end: int) -> Word:
        doc_start, doc_end = joined.doc_span(start, end)
        return Word(text, doc_start, doc_end, joined.text[start:end])

    def _arguments(self, ins: Instruction, depth: int = 0) -> None:
        kind = ins.keyword.lower()
        joined = ins.joined
        args, offset = ins.args, ins.args_offset
        if kind in JSON_INSTRUCTIONS or kind in JSON_LIST_INSTRUCTIONS or kind == "healthcheck":
            self._maybe_json(ins, kind)
        elif kind in NAME_VALUE_INSTRUCTIONS:
            ins.words = [self._word(joined, *w) for w in split_whitespace(args, offset)]
            self._name_values(ins, kind.upper())
        elif kind == "arg":
            for word, w_start, w_end in parse_words(args, self.escape, offset):
                ins.words.append(self._word(joined, word, w_start, w_end))
                key, eq, value = word.partition("=")
                key_doc = joined.doc_span(w_start, w_start + len(key))
                pair = KeyValue(key, value if eq else None, key_doc[0], key_doc[1])
                pair.start, pair.end = joined.doc_span(w_start, w_end)
                if eq:
                    pair.value_start, pair.value_end = joined.doc_span(w_start + len(key) + 1, w_end)
                ins.pairs.append(pair)
        elif kind in WHITESPACE_INSTRUCTIONS:
            ins.words = [self._word(joined, *w) for w in split_whitespace(args, offset)]
        elif kind in STRING_INSTRUCTIONS:
            if args:
                ins.words = [self._word(joined, args, offset, offset + len(args))]
        elif kind == "onbuild":
            if depth >= MAX_ONBUILD_DEPTH:
                # Left unread: the rules layer already reports the outer ``ONBUILD ONBUILD``
                # as the error BuildKit gives, which covers every level below it.
                return
            trigger = self._instruction(joined, offset, [], depth + 1) if args else None
            if trigger is not None:
                trigger.parent = ins
                ins.trigger = trigger
                if trigger.name in ("ONBUILD", "FROM", "MAINTAINER"):
                    pass  # reported by the rules layer (BuildKit refuses these at build time)

    def _maybe_json(self, ins: Instruction, kind: str) -> None:
        joined = ins.joined
        args, offset = ins.args, ins.args_offset
        if kind == "healthcheck":
            if not args:
                return
            sep = 0
            while sep < len(args) and not is_go_space(args[sep]):
                sep += 1
            nxt = sep
            while nxt < len(args) and is_go_space(args[nxt]):
                nxt += 1
            ins.words = [self._word(joined, args[:sep], offset, offset + sep)]
            args, offset = args[nxt:], offset + nxt
            if not args:
                return
        elif not args:
            return
        try:
            items = parse_json_array(args, offset)
        except NotStringArray as exc:
            start, end = joined.doc_span(offset, offset + len(args))
            self.problem("JSONNotStringArray", str(exc), start, end)
            items = None
        if items is not None:
            start, end = joined.doc_span(offset, offset + len(args))
            ins.json = JsonArray([self._word(joined, *item) for item in items], start, end)
            ins.form = "exec"
            if kind != "healthcheck":
                ins.words = list(ins.json.items)
            return
        if kind in JSON_LIST_INSTRUCTIONS:
            ins.words = [self._word(joined, *w) for w in split_whitespace(args, offset)]
            return
        # Shell form: the words are the shell's business (see docksense.analysis.shell).
        ins.form = "shell"

    def _name_values(self, ins: Instruction, key: str) -> None:
        joined = ins.joined
        args, offset = ins.args, ins.args_offset
        words = parse_words(args, self.escape, offset)
        if not words:
            return
        if "=" not in words[0][0]:
            parts = RE_WHITESPACE.split(args, maxsplit=1)
            k_start, k_end = joined.doc_span(offset, offset + len(parts[0]))
            pair = KeyValue(parts[0], None, k_start, k_end, legacy=True, start=k_start, end=k_end)
            if len(parts) < 2:
                self.problem("MissingValue", f"{key} must have two arguments", k_start, k_end)
            else:
                v_offset = offset + len(args) - len(parts[1])
                pair.value = parts[1]
                pair.value_start, pair.value_end = joined.doc_span(v_offset, v_offset + len(parts[1]))
                pair.end = pair.value_end
            ins.pairs.append(pair)
            return
        for word, w_start, w_end in words:
            w_doc = joined.doc_span(w_start, w_end)
            if "=" not in word:
                self.problem(
                    "MissingEquals",
                    f"Syntax error - can't find = in {word!r}. Must be of the form: name=value",
                    *w_doc,
                )
                ins.pairs.append(KeyValue(word, None, w_doc[0], w_doc[1], start=w_doc[0], end=w_doc[1]))
                continue
            name, _, value = word.partition("=")
            source = joined.text[w_start:w_end]
            eq = source.find("=")
            k_doc = joined.doc_span(w_start, w_start + eq)
            v_doc = joined.doc_span(w_start + eq + 1, w_end)
            ins.pairs.append(KeyValue(name, value, k_doc[0], k_doc[1], v_doc[0], v_doc[1],
                                      start=w_doc[0], end=w_doc[1]))

    def _variables(self, ins: Instruction) -> None:
        joined = ins.joined
        refs: list[VarRef] = []
        escape = self.escape
        for flag in ins.flags:
            if flag.value is not None and "$" in flag.value:
                refs.extend(self._map_refs(joined, joined.text, escape, flag, ins))
        if "$" in ins.args and ins.trigger is None:
            local = find_variables(joined.text[ins.args_offset: ins.args_offset + len(ins.args)],
                                   escape, ins.args_offset)
            refs.extend(self._mapped(joined, local))
        if ins.trigger is not None:
            refs.extend(ins.trigger.variables)
        ins.variables = refs

    def _map_refs(self, joined: Joined, text: str, escape: str, flag: Flag, ins: Instruction) -> list[VarRef]:
        # locate the flag's source slice in joined coordinates
        for seg_start, doc_start, length in joined.segments:
            if doc_start <= flag.value_start < doc_start + length + 1:
                j_start = seg_start + flag.value_start - doc_start
                break
        else:
            return []
        j_end = j_start
        target = flag.value_end
        while j_end < len(text) and joined.doc(j_end) < target:
            j_end += 1
        return self._mapped(joined, find_variables(text[j_start:j_end], escape, j_start))

    @staticmethod
    def _mapped(joined: Joined, refs: list[VarRef]) -> list[VarRef]:
        for ref in refs:
            ref.start, ref.end = joined.doc_span(ref.start, ref.end)
            ref.name_start, ref.name_end = joined.doc_span(ref.name_start, ref.name_end)
            if ref.word_start >= 0:
                ref.word_start, ref.word_end = joined.doc_span(ref.word_start, ref.word_end)
        return refs

    # -- heredocs ----------------------------------------------------------------
    def _read_heredocs(self, ins: Instruction, i: int) -> int:
        target = ins.trigger if ins.name == "ONBUILD" and ins.trigger is not None else ins
        if target.keyword.lower() not in HEREDOC_INSTRUCTIONS or target.form == "exec":
            return i
        if "<<" not in ins.joined.text:
            return i
        try:
            markers = heredoc_lib.find_markers(ins.joined.text)
        except heredoc_lib.HeredocSyntaxError as exc:
            start, end = ins.args_span()
            self.problem("InvalidHeredoc", str(exc), start, end)
            return i
        lines, starts, n = self.lines, self.starts, len(self.lines)
        for marker in markers:
            m_start, m_end = ins.joined.doc_span(marker.start, marker.end)
            doc = Heredoc(marker.name, m_start, m_end, marker.chomp, marker.expand, marker.fd)
            doc.body_start = starts[i] if i < n else len(self.text)
            body: list[str] = []
            while i < n:
                raw = lines[i]
                line_start = starts[i]
                candidate = raw.rstrip("\r")
                if marker.chomp:
                    candidate = candidate.lstrip("\t")
                i += 1
                if candidate == marker.name:
                    doc.terminated = True
                    doc.terminator_start = line_start
                    doc.terminator_end = line_start + len(raw.rstrip("\r"))
                    break
                body.append(raw + "\n" if i < n else raw)
            doc.content = "".join(body)
            doc.body_end = doc.body_start + len(doc.content) if body else doc.body_start
            if body and doc.content.endswith("\n"):
                doc.body_end -= 1
            if not doc.terminated:
                self.problem("UnterminatedHeredoc", "unterminated heredoc", m_start, m_end)
                ins.end = len(self.text.rstrip("\r\n")) if body else ins.end
            else:
                ins.end = doc.terminator_end
            target.heredocs.append(doc)
            if doc.expand and "$" in doc.content:
                target.variables.extend(find_variables(doc.content, "\\", doc.body_start))
        if target.heredocs:
            target.form = "heredoc" if target.form in ("", "shell") else target.form
            if target is not ins:
                ins.heredocs = target.heredocs
        return i


def parse(text: str) -> Dockerfile:
    """Parse a Dockerfile. Never raises: unexpected failures become a problem on the tree."""
    try:
        return _Parser(text).run()
    except Exception:  # pragma: no cover - a bug; keep the editor alive and say so
        log.exception("internal error while parsing")
        return Dockerfile(
            text=text,
            instructions=[],
            directives=[],
            comments=[],
            problems=[SyntaxProblem("InternalError", "docksense could not parse this file (internal error)", 0, 0)],
        )
