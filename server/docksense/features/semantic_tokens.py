"""Semantic tokens (full, range and delta) with a legend that covers every token emitted.

What is coloured, and as which standard token type:

===========================  ============================================================
keyword                      instruction keywords, ``AS``, ``HEALTHCHECK CMD``/``NONE``,
                             ONBUILD's trigger keyword (``MAINTAINER``: ``deprecated``)
parameter                    flags (``--from``), options of shell commands (``-y``)
property                     option keys inside a flag value (``type`` of ``--mount``),
                             LABEL keys (with ``declaration``)
string                       flag values, ENV/ARG/LABEL values, exec-form items, quoted
                             shell words, directive values
number                       EXPOSE ports
variable                     ``$VAR``/``${VAR}``; ARG/ENV keys and names a RUN script
                             sets (``arch=``, ``for f in``) with ``declaration``;
                             BuildKit's platform ARGs with ``readonly`` + ``defaultLibrary``
class                        stage names (``AS x`` with ``declaration``, ``FROM x``,
                             ``--from=x``, ``from=x``)
type                         base images
comment                      comments
macro                        parser directive names (``syntax``, ``escape``, ``check``)
operator                     heredoc markers ``<<EOF`` and terminators, ``${V:-x}`` modifiers
function / method            shell commands and their subcommands inside RUN, CMD, ...
===========================  ============================================================

rcjsuen's server emits a type its legend does not list, so clients drop those tokens; here
the legend is the single list the encoder indexes into, so that cannot happen.

Tokens may overlap while collected (a variable inside a string, a command inside an exec
item); each instruction's tokens are "painted" by priority so the result never overlaps,
then cut at line ends (not every client supports multi-line tokens).
"""

from __future__ import annotations

import bisect
import itertools
import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Optional, Union

from lsprotocol import types

from ..analysis import Analysis
from ..analysis.commands import is_posix_shell
from ..analysis.scopes import PLATFORM_ARGS
from ..syntax import Instruction
from .occurrences import mount_options

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase

from .semantic_legend import LEGEND, TOKEN_MODIFIERS, TOKEN_TYPES  # noqa: F401 (LEGEND: re-exported)

_T = {name: index for index, name in enumerate(TOKEN_TYPES)}
KEYWORD, PARAMETER, PROPERTY, STRING, NUMBER, VARIABLE, CLASS, TYPE, COMMENT, MACRO, OPERATOR, FUNCTION, METHOD = (
    _T[name] for name in TOKEN_TYPES)
DECLARATION, READONLY, DEFAULT_LIBRARY, DEPRECATED = (1 << i for i in range(len(TOKEN_MODIFIERS)))

# painting priorities: a higher one wins where tokens overlap
_LOW, _MID, _HIGH, _TOP = 0, 1, 2, 3

Raw = tuple[int, int, int, int, int]  # (start, end, type, modifiers, priority)


# -- collecting ---------------------------------------------------------------------------------
class _Collector:
    def __init__(self, analysis: Analysis, kb: Optional["KnowledgeBase"]):
        self.analysis = analysis
        self.text = analysis.text
        self.kb = kb
        self.stage_keys = {stage.key for stage in analysis.stages if stage.key}
        # FROM x names a stage only when x was declared earlier (else it is an image)
        self.builds_on_stage = {id(stage.instruction): stage.base_stage is not None for stage in analysis.stages}

    def instruction(self, ins: Instruction, out: list[Raw]) -> None:
        modifiers = DEPRECATED if ins.name == "MAINTAINER" else 0
        for start, end in ins.keyword_pieces():
            out.append((start, end, KEYWORD, modifiers, _MID))
        self._flags(ins, out)
        name = ins.name
        if name == "FROM":
            self._from(ins, out)
        elif name in ("ARG", "ENV", "LABEL"):
            for pair in ins.pairs:
                kind, mods = (PROPERTY, DECLARATION) if name == "LABEL" else (VARIABLE, DECLARATION)
                if name == "ARG" and pair.key in PLATFORM_ARGS:
                    mods |= READONLY | DEFAULT_LIBRARY
                out.append((pair.key_start, pair.key_end, kind, mods, _MID))
                if self.text[pair.key_end:pair.key_end + 1] == "=":
                    out.append((pair.key_end, pair.key_end + 1, OPERATOR, 0, _MID))
                if pair.value is not None and pair.value_end > pair.value_start:
                    out.append((pair.value_start, pair.value_end, STRING, 0, _LOW))
        elif name == "EXPOSE":
            for word in ins.words:
                if "$" not in word.text:
                    out.append((word.start, word.end, NUMBER, 0, _LOW))
        elif name == "HEALTHCHECK" and ins.words and ins.words[0].text.upper() in ("CMD", "NONE"):
            word = ins.words[0]
            out.append((word.start, word.end, KEYWORD, 0, _MID))
        elif name in _PATH_INSTRUCTIONS and ins.json is None:
            for word in ins.words:  # paths, users, signals: values, as the builder reads them
                if not word.text.startswith("<<"):
                    out.append((word.start, word.end, STRING, 0, _LOW))
        self._continuations(ins, out)
        if ins.json is not None:
            for item in ins.json.items:
                out.append((item.start, item.end, STRING, 0, _LOW))
        if ins.trigger is not None:
            self.instruction(ins.trigger, out)
            return
        for doc in ins.heredocs:
            out.append((doc.marker_start, doc.marker_end, OPERATOR, 0, _HIGH))
            if doc.terminated:
                out.append((doc.terminator_start, doc.terminator_end, OPERATOR, 0, _HIGH))
        self._shell(ins, out)
        self._variables(ins, out)

    def _continuations(self, ins: Instruction, out: list[Raw]) -> None:
        """The escape character that continues a line (``\\`` or the ``# escape=`` one)."""
        segments = ins.joined.segments
        if len(segments) < 2:
            return
        text, escape = self.text, self.analysis.tree.escape
        for _, doc_start, length in segments[:-1]:
            pos = doc_start + length
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            if text[pos:pos + 1] == escape:
                out.append((pos, pos + 1, OPERATOR, 0, _HIGH))

    def _from(self, ins: Instruction, out: list[Raw]) -> None:
        words = ins.words
        if not words:
            return
        image = words[0]
        is_stage = self.builds_on_stage.get(id(ins), False)
        if is_stage:
            out.append((image.start, image.end, CLASS, 0, _MID))
        else:  # the repository as a type, its :tag or @digest apart
            cut = _tag_start(image.text)
            out.append((image.start, image.start + cut, TYPE, 0, _MID))
            if cut < len(image.text) and image.end - image.start == len(image.text):
                out.append((image.start + cut, image.end, PROPERTY, 0, _MID))
        if len(words) >= 3 and words[1].text.lower() == "as":
            out.append((words[1].start, words[1].end, KEYWORD, 0, _MID))
            out.append((words[2].start, words[2].end, CLASS, DECLARATION, _MID))

    def _flags(self, ins: Instruction, out: list[Raw]) -> None:
        text = self.text
        for flag in ins.flags:
            out.append((flag.name_start, flag.name_end, PARAMETER, 0, _MID))
            if flag.value is None or flag.value_end <= flag.value_start:
                continue
            lowered = flag.name.lower()
            if lowered == "mount":
                options = mount_options(text, flag)
                for option in options:
                    out.append((option.key_start, option.key_end, PROPERTY, 0, _MID))
                    if option.value_end > option.value_start:
                        kind = CLASS if option.key.strip().lower() == "from" and \
                            option.value.lower() in self.stage_keys else STRING
                        out.append((option.value_start, option.value_end, kind, 0, _MID))
                if options:
                    continue
            kind = STRING
            if lowered == "from" and (flag.value.lower() in self.stage_keys or flag.value.isdigit()):
                kind = CLASS
            out.append((flag.value_start, flag.value_end, kind, 0, _LOW))

    def _shell(self, ins: Instruction, out: list[Raw]) -> None:
        if ins.name not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
            return
        self._shell_definitions(ins, out)
        classify = _classifier(self.kb)
        for located in self.analysis.commands(ins):
            command = located.command
            if not command.words:
                continue
            roles = classify(command) if classify is not None else None
            if roles is None:
                first = command.words[0]
                start, end = located.span(first.start, first.end)
                out.append((start, end, FUNCTION, 0, _MID))
                for word in command.words[1:]:
                    if word.text.startswith("-") and len(word.text) > 1 and not word.quoted:
                        start, end = located.span(word.start, word.end)
                        out.append((start, end, PARAMETER, 0, _MID))
                    elif word.quoted and located.source != "exec":
                        start, end = located.span(word.start, word.end)
                        out.append((start, end, STRING, 0, _LOW))
                continue
            for role in roles:
                kind = _ROLE_TYPES.get(role.role)
                if kind is None:
                    if role.word.quoted and located.source != "exec":
                        start, end = located.span(role.word.start, role.word.end)
                        out.append((start, end, STRING, 0, _LOW))
                    continue
                start, end = located.span(role.start, role.end)
                out.append((start, end, kind, 0, _MID))

    def _shell_definitions(self, ins: Instruction, out: list[Raw]) -> None:
        """Names the script sets (``arch=...``, ``for f in``): variable declarations."""
        try:
            from ..analysis.shell.runs import run_shell

            model = run_shell(self.analysis, ins)
        except Exception:  # the shell model is an extra
            return
        for definition in model.definitions:
            if definition.end > definition.start:
                out.append((definition.start, definition.end, VARIABLE, DECLARATION, _HIGH))

    def _variables(self, ins: Instruction, out: list[Raw]) -> None:
        for ref in ins.variables:
            if ref.name_end <= ref.start:
                continue
            mods = READONLY | DEFAULT_LIBRARY if ref.name in PLATFORM_ARGS else 0
            if ref.braced and ref.modifier:
                out.append((ref.start, ref.name_end, VARIABLE, mods, _TOP))
                out.append((ref.name_end, ref.name_end + len(ref.modifier), OPERATOR, 0, _TOP))
                if ref.end > ref.name_end and self.text[ref.end - 1:ref.end] == "}":
                    out.append((ref.end - 1, ref.end, VARIABLE, mods, _TOP))
            else:
                out.append((ref.start, ref.end, VARIABLE, mods, _TOP))


_ROLE_TYPES = {"command": FUNCTION, "subcommand": METHOD, "option": PARAMETER}
_PATH_INSTRUCTIONS = frozenset({"COPY", "ADD", "WORKDIR", "VOLUME", "USER", "STOPSIGNAL"})


def _tag_start(image: str) -> int:
    """Where ``:tag`` or ``@digest`` begins in an image reference (its length when neither)."""
    at = image.find("@")
    name = image if at < 0 else image[:at]
    colon = name.rfind(":")
    if colon > name.rfind("/") and "$" not in name[colon:]:
        return colon
    return at if at >= 0 else len(image)


_ROLES_CACHE: "OrderedDict[object, Optional[list]]" = OrderedDict()
_ROLES_CAPACITY = 20000
_ROLES_LOCK = threading.Lock()


def _classifier(kb):
    """``classify`` remembered by command value: the shell parser already returns the same
    commands for unchanged RUN text, so after an edit only changed commands are classified."""
    if kb is None:
        return None
    from ..analysis.shell import classify

    def run(command):
        key = (id(kb), command)
        with _ROLES_LOCK:
            found = _ROLES_CACHE.get(key, _MISSING)
            if found is not _MISSING:
                return found
        try:
            roles = classify(command, kb)
        except Exception:  # an unexpected word shape: colour it the simple way
            roles = None
        with _ROLES_LOCK:
            _ROLES_CACHE[key] = roles
            if len(_ROLES_CACHE) > _ROLES_CAPACITY:
                _ROLES_CACHE.popitem(last=False)
        return roles

    return run


_MISSING = object()


# -- painting -----------------------------------------------------------------------------------
def _paint(tokens: list[Raw]) -> list[Raw]:
    """Non-overlapping tokens, the higher priority winning, in document order.

    Covered intervals are kept disjoint and sorted (two parallel lists), so each token finds
    what already covers it by bisection: linear-logarithmic in the tokens of an instruction.
    """
    if len(tokens) < 2:
        return tokens
    tokens.sort()
    reach = -1
    for token in tokens:
        if token[0] < reach:
            break
        reach = token[1]
    else:
        return tokens  # nothing overlaps (the common case)
    starts: list[int] = []
    ends: list[int] = []
    result: list[Raw] = []
    for start, end, kind, mods, prio in sorted(tokens, key=lambda t: (-t[4], t[0])):
        index = bisect.bisect_right(ends, start)
        pos = start
        pieces = []
        while index < len(starts) and starts[index] < end:
            if starts[index] > pos:
                pieces.append((pos, starts[index]))
            pos = max(pos, ends[index])
            index += 1
        if pos < end:
            pieces.append((pos, end))
        for p_start, p_end in pieces:
            at = bisect.bisect_left(starts, p_start)
            starts.insert(at, p_start)
            ends.insert(at, p_end)
            result.append((p_start, p_end, kind, mods, prio))
    result.sort()
    return result


# -- encoding -----------------------------------------------------------------------------------
Absolute = tuple[int, int, int, int, int]  # (line, character, length, type, modifiers)


def absolute_tokens(analysis: Analysis, kb: Optional["KnowledgeBase"] = None,
                    encoding: str = "utf-16") -> list[Absolute]:
    """Every token of the document as (line, character, length, type, modifiers), in order."""
    key = ("features.semantic_tokens", encoding, kb is not None)
    cached = analysis.memo.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    tree = analysis.tree
    text = analysis.text
    collector = _Collector(analysis, kb)
    spans: list[Raw] = []
    # directives and comments
    for directive in tree.directives:
        spans.append((directive.start, directive.name_start, COMMENT, 0, _LOW))
        spans.append((directive.name_start, directive.name_end, MACRO, 0, _LOW))
        if directive.value_end > directive.value_start:
            spans.append((directive.value_start, directive.value_end, STRING, 0, _LOW))
    for comment in tree.comments:
        spans.append((comment.start, comment.end, COMMENT, 0, _LOW))
    spans.sort()
    out = _encode(analysis, text, spans, encoding)
    lines = analysis.lines
    stage_context = tuple(sorted(collector.stage_keys))
    context = (tree.escape, encoding, id(kb) if kb is not None else 0)
    for ins in tree.instructions:
        first_line = lines.line_of(ins.start)
        out.extend([(line + first_line, char, length, kind, mods)
                    for line, char, length, kind, mods in
                    _instruction_tokens(analysis, collector, ins, first_line, stage_context, context, encoding)])
    out.sort()
    # a token cut across a comment line inside a continued instruction: the comment wins
    kept: list[Absolute] = []
    last_line, last_end = -1, -1
    for token in out:
        if token[0] == last_line and token[1] < last_end:
            continue
        kept.append(token)
        last_line, last_end = token[0], token[1] + token[2]
    analysis.memo[key] = kept
    return kept


# Tokens of an instruction depend only on its own source text and on a little context (the
# escape character, the stage names, the SHELL kind, whether FROM names an earlier stage), so
# they are remembered by those across versions: after an edit only changed instructions are
# tokenized again, and their lines are shifted.
_INSTRUCTION_CACHE: "OrderedDict[tuple, list[Absolute]]" = OrderedDict()
_INSTRUCTION_CAPACITY = 20000
_INSTRUCTION_LOCK = threading.Lock()


def _instruction_tokens(analysis: Analysis, collector: "_Collector", ins: Instruction, first_line: int,
                        stage_context: tuple, context: tuple, encoding: str) -> list[Absolute]:
    lines = analysis.lines
    base = lines.starts[first_line]
    source = analysis.text[base:max(ins.end, base)]
    name = ins.name if ins.trigger is None else "ONBUILD"
    dependent = name in ("FROM", "COPY", "RUN", "ONBUILD")
    key = (source, context, _posix(analysis, ins), stage_context if dependent else (),
           collector.builds_on_stage.get(id(ins), False))
    with _INSTRUCTION_LOCK:
        found = _INSTRUCTION_CACHE.get(key)
        if found is not None:
            _INSTRUCTION_CACHE.move_to_end(key)
            return found
    raw: list[Raw] = []
    collector.instruction(ins, raw)
    tokens = _encode(analysis, analysis.text, _paint(raw), encoding)
    relative = [(line - first_line, char, length, kind, mods) for line, char, length, kind, mods in tokens]
    with _INSTRUCTION_LOCK:
        _INSTRUCTION_CACHE[key] = relative
        if len(_INSTRUCTION_CACHE) > _INSTRUCTION_CAPACITY:
            _INSTRUCTION_CACHE.popitem(last=False)
    return relative


def _posix(analysis: Analysis, ins: Instruction) -> bool:
    return is_posix_shell(analysis.shell_for(ins))


def _encode(analysis: Analysis, text: str, spans: list[Raw], encoding: str) -> list[Absolute]:
    lines = analysis.lines
    starts, ends = lines.starts, lines.ends
    count = len(starts)
    ascii_text = text.isascii() or encoding == "utf-32"
    out: list[Absolute] = []
    append = out.append
    last_end = -1
    line = 0
    for start, end, kind, mods, _ in spans:  # sorted by start
        if start < last_end:  # overlaps an earlier token (a comment inside an instruction): skip
            start = last_end
        if end <= start:
            continue
        last_end = end
        while line + 1 < count and starts[line + 1] <= start:
            line += 1
        row = line
        while start < end:
            piece_end = end if end < ends[row] else ends[row]
            if piece_end > start:
                if ascii_text:
                    append((row, start - starts[row], piece_end - start, kind, mods))
                else:
                    _, char = lines.position(start, encoding)
                    _, char_end = lines.position(piece_end, encoding)
                    if char_end > char:
                        append((row, char, char_end - char, kind, mods))
            row += 1
            if row >= count:
                break
            start = max(start, starts[row])
    return out


def _relative(tokens: list[Absolute]) -> list[int]:
    data: list[int] = []
    previous_line = previous_char = 0
    for line, char, length, kind, mods in tokens:
        delta_line = line - previous_line
        delta_char = char - previous_char if delta_line == 0 else char
        data.extend((delta_line, delta_char, length, kind, mods))
        previous_line, previous_char = line, char
    return data


# -- requests -----------------------------------------------------------------------------------
class _Results:
    """The last result sent per document, for ``semanticTokens/full/delta``."""

    def __init__(self, capacity: int = 32):
        self.capacity = capacity
        self.items: "OrderedDict[str, tuple[str, list[int]]]" = OrderedDict()
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    def remember(self, uri: str, data: list[int]) -> str:
        with self.lock:
            result_id = str(next(self.counter))
            self.items[uri] = (result_id, data)
            self.items.move_to_end(uri)
            while len(self.items) > self.capacity:
                self.items.popitem(last=False)
            return result_id

    def previous(self, uri: str, result_id: str) -> Optional[list[int]]:
        with self.lock:
            found = self.items.get(uri)
            return found[1] if found is not None and found[0] == result_id else None

    def forget(self, uri: str) -> None:
        with self.lock:
            self.items.pop(uri, None)


RESULTS = _Results()


def _data(analysis: Analysis, kb: Optional["KnowledgeBase"], encoding: str) -> list[int]:
    """The encoded tokens of the whole document (computed once per version and encoding)."""
    key = ("features.semantic_tokens.data", encoding, kb is not None)
    found = analysis.memo.get(key)
    if found is None:
        found = _relative(absolute_tokens(analysis, kb, encoding))
        analysis.memo[key] = found
    return found  # type: ignore[return-value]


def full(analysis: Analysis, uri: str, kb: Optional["KnowledgeBase"] = None,
         encoding: str = "utf-16") -> types.SemanticTokens:
    data = _data(analysis, kb, encoding)
    return types.SemanticTokens(data=data, result_id=RESULTS.remember(uri, data))


def delta(analysis: Analysis, uri: str, previous_result_id: str, kb: Optional["KnowledgeBase"] = None,
          encoding: str = "utf-16") -> Union[types.SemanticTokens, types.SemanticTokensDelta]:
    """The edit from the previous result to this one (the full tokens when it is unknown)."""
    old = RESULTS.previous(uri, previous_result_id)
    new = _data(analysis, kb, encoding)
    result_id = RESULTS.remember(uri, new)
    if old is None:
        return types.SemanticTokens(data=new, result_id=result_id)
    prefix = len(os.path.commonprefix([old, new]))  # works on any sequences
    suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
    edits = []
    if prefix != len(old) or prefix != len(new):
        edits.append(types.SemanticTokensEdit(start=prefix, delete_count=len(old) - prefix - suffix,
                                              data=new[prefix:len(new) - suffix]))
    return types.SemanticTokensDelta(edits=edits, result_id=result_id)


def in_range(analysis: Analysis, range_: types.Range, kb: Optional["KnowledgeBase"] = None,
             encoding: str = "utf-16") -> types.SemanticTokens:
    first, last = range_.start, range_.end
    selected = [
        token for token in absolute_tokens(analysis, kb, encoding)
        if (first.line, first.character) <= (token[0], token[1] + token[2])
        and (token[0], token[1]) < (last.line, last.character)
    ]
    return types.SemanticTokens(data=_relative(selected))
