"""Formatting: document, range and on-type, and the engine behind ``docksense format``.

What the formatter changes, and only that:

* the keyword case (the file's majority by default; ``formatting.keywordCase``),
* the leading whitespace of an instruction's first line (removed),
* the blanks after the keyword and after each flag (one space),
* the indentation of continuation lines: one unit *relative to their existing nesting*, so a
  ``set -eux; \\`` block whose inner lines are deeper stays deeper,
* trailing blanks (spaces and tabs) at the end of a line.

What it never touches: heredoc bodies and terminators (byte for byte), a continuation line
whose start lies inside a quoted string (its blanks are part of the value), continuation lines
of instructions whose argument is one verbatim string (WORKDIR, USER, STOPSIGNAL, MAINTAINER),
a continuation line that is glued to the previous one (no blank on either side of the break:
indenting it would split a word), parser directives, and the number of lines.

Every result is checked before it is returned: the formatted text is parsed again and must give
the same BuildKit parse (see :func:`same_parse`); if it does not, no edit is offered. Formatting
twice changes nothing.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

import attrs

from ..syntax import Dockerfile, Instruction, parse
from ..syntax.dump import dump_instruction

# Instructions whose argument BuildKit keeps as one string (``parseString``): blanks at the
# start of a continuation line are part of the value.
_VERBATIM = frozenset({"WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"})
# Instructions whose shell-form argument is a command line for the shell.
_SHELL_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
_BLANKS = " \t"
_KNOWN = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})


@attrs.frozen
class FormatOptions:
    """How to format: the indentation unit and the keyword case."""

    tab_size: int = 4
    insert_spaces: bool = True
    keyword_case: str = "majority"  # "majority" | "upper" | "lower" | "preserve"

    def indent(self, width: int) -> str:
        """Blanks for an indentation of ``width`` columns."""
        if self.insert_spaces:
            return " " * width
        size = max(self.tab_size, 1)
        return "\t" * (width // size) + " " * (width % size)

    @property
    def unit(self) -> int:
        return max(1, min(self.tab_size, 16))


def format_text(text: str, options: FormatOptions = FormatOptions(), tree: Optional[Dockerfile] = None) -> str:
    """The formatted text (the input itself when formatting would change BuildKit's parse)."""
    lines, contents = _formatted(text, options, tree)
    return "".join(content + ending for content, ending in zip(contents, lines.endings))


def changed_lines(text: str, options: FormatOptions, tree: Optional[Dockerfile] = None) -> list[tuple[int, str, str]]:
    """``(line, old, new)`` for every physical line the formatter changes (line breaks kept)."""
    lines, contents = _formatted(text, options, tree)
    return [
        (number, before, after)
        for number, (before, after) in enumerate(zip(lines.contents, contents))
        if before != after
    ]


def _formatted(text: str, options: FormatOptions, tree: Optional[Dockerfile]) -> tuple["_Lines", list[str]]:
    """The physical lines of ``text`` and their formatted contents (the same number of lines);
    the original contents when the result would parse differently."""
    tree = tree if tree is not None else parse(text)
    lines = _Lines(text)
    contents = _format_lines(text, tree, lines, options)
    if contents == lines.contents:
        return lines, contents
    result = "".join(content + ending for content, ending in zip(contents, lines.endings))
    if not same_parse(tree, parse(result)):
        return lines, list(lines.contents)
    return lines, contents


# -- the BuildKit parse, compared ---------------------------------------------------------
def same_parse(before: Dockerfile, after: Dockerfile) -> bool:
    """Whether two trees are the same to BuildKit: the same AST, where the blanks outside quotes
    in a shell-form command line may differ (the shell splits words on any run of them)."""
    if len(before.instructions) != len(after.instructions) or before.escape != after.escape:
        return False
    if [(d.name, d.value) for d in before.directives] != [(d.name, d.value) for d in after.directives]:
        return False
    if len(before.errors) != len(after.errors):
        return False
    for a, b in zip(before.instructions, after.instructions):
        if before.text[a.start : a.end] == after.text[b.start : b.end]:
            continue  # the same text under the same escape character parses the same
        if _view(a) != _view(b) and normalised_dump(a) != normalised_dump(b):
            return False
        if [h.content for h in a.heredocs] != [h.content for h in b.heredocs]:
            return False
    return True


def _view(ins: Instruction) -> tuple:
    """What BuildKit's AST is built from, cheap to compare: equal views give equal dumps (the
    dump is only computed when the views differ, e.g. for re-indented COPY arguments)."""
    args = ins.args
    if ins.name in _SHELL_FORM and ins.form != "exec":
        args = _collapse_unquoted_blanks(args)
    return (
        ins.name,
        tuple(flag.raw for flag in ins.flags),
        ins.form,
        args,
        tuple(item.text for item in ins.json.items) if ins.json is not None else None,
        _view(ins.trigger) if ins.trigger is not None else None,
    )


def normalised_dump(ins: Instruction) -> str:
    """BuildKit's AST dump of one instruction, with the blanks outside quotes of a shell-form
    command line collapsed to one space."""
    if ins.trigger is not None:
        trigger = ins.trigger
        if trigger.name in _SHELL_FORM and trigger.form != "exec":
            ins = attrs.evolve(ins, trigger=attrs.evolve(trigger, args=_collapse_unquoted_blanks(trigger.args)))
    elif ins.name in _SHELL_FORM and ins.form != "exec":
        ins = attrs.evolve(ins, args=_collapse_unquoted_blanks(ins.args))
    return dump_instruction(ins)


def _collapse_unquoted_blanks(text: str) -> str:
    return "".join(" " if token[0] in _BLANKS else token for token in _SHELL_TOKENS.findall(text))


# One pass, no backtracking: a quoted string (its closing quote optional, so an unterminated one
# runs to the end instead of failing), an escaped character, a run of blanks, or other text.
_SHELL_TOKENS = re.compile(r"""'[^']*'?|"(?:[^"\\]|\\.)*"?|\\.|[ \t]+|[^'"\\ \t]+|\\""", re.DOTALL)
_JSON_TOKENS = re.compile(r""""(?:[^"\\]|\\.)*"?|\\.|[ \t]+|[^"\\ \t]+|\\""", re.DOTALL)


# -- physical lines -----------------------------------------------------------------------
class _Lines:
    """The text split on ``\\n`` (BuildKit's line rule), each line's ``\\r\\n``/``\\n`` kept apart."""

    __slots__ = ("starts", "contents", "endings")

    def __init__(self, text: str):
        self.starts: list[int] = []
        self.contents: list[str] = []
        self.endings: list[str] = []
        position = 0
        size = len(text)
        while True:
            newline = text.find("\n", position)
            end = size if newline < 0 else newline
            content_end = end - 1 if newline >= 0 and end > position and text[end - 1] == "\r" else end
            self.starts.append(position)
            self.contents.append(text[position:content_end])
            self.endings.append(text[content_end : end + 1] if newline >= 0 else "")
            if newline < 0:
                break
            position = newline + 1

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1


def _format_lines(text: str, tree: Dockerfile, lines: _Lines, options: FormatOptions) -> list[str]:
    new = list(lines.contents)
    untouched: set[int] = set()  # lines kept byte for byte
    directive_lines = {d.line for d in tree.directives}
    untouched |= directive_lines
    edits: list[tuple[int, int, str]] = []  # document spans to replace (within one line each)
    indents: dict[int, str] = {}  # line -> new leading blanks
    case = _keyword_case(tree, options.keyword_case)

    for ins in tree.instructions:
        heredoc_lines = _heredoc_lines(ins, lines, len(text))
        untouched |= heredoc_lines
        _first_line(ins, lines, case, edits, indents)
        _continuations(ins, lines, heredoc_lines, options, indents, untouched)

    for comment in tree.comments:
        line = lines.line_of(comment.start)
        if line not in indents and line not in untouched:
            indents[line] = ""

    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for start, end, replacement in edits:
        by_line.setdefault(lines.line_of(start), []).append((start, end, replacement))

    for number, content in enumerate(lines.contents):
        if number in untouched:
            continue
        line_start = lines.starts[number]
        if number == 0 and content.startswith("\ufeff"):
            line_start += 1
            prefix, content = "\ufeff", content[1:]
        else:
            prefix = ""
        pieces = []
        cursor = 0
        for start, end, replacement in sorted(by_line.get(number, ())):
            lo, hi = start - line_start, end - line_start
            if lo < cursor or hi > len(content):
                continue
            pieces.append(content[cursor:lo])
            pieces.append(replacement)
            cursor = hi
        pieces.append(content[cursor:])
        content = "".join(pieces)
        if number in indents:
            content = indents[number] + content.lstrip(_BLANKS)
        new[number] = prefix + content.rstrip(_BLANKS)
    return new


def _keyword_case(tree: Dockerfile, setting: str) -> str:
    if setting in ("upper", "lower", "preserve"):
        return setting
    upper = lower = 0  # a tie goes to upper case, the convention of Docker's documentation
    for ins in tree.instructions:
        if ins.keyword.isupper():
            upper += 1
        elif ins.keyword.islower():
            lower += 1
    return "lower" if lower > upper else "upper"


def _first_line(ins: Instruction, lines: _Lines, case: str,
                edits: list[tuple[int, int, str]], indents: dict[int, str]) -> None:
    """Keyword case, no leading blanks, one space after the keyword and after each flag."""
    first = lines.line_of(ins.keyword_start)
    indents[first] = ""
    for target in (ins, ins.trigger):
        if target is None:
            continue
        pieces = target.keyword_pieces()
        if case != "preserve" and len(pieces) == 1:
            start, end = pieces[0]
            wanted = target.keyword.upper() if case == "upper" else target.keyword.lower()
            if wanted != target.keyword and len(wanted) == end - start:
                edits.append((start, end, wanted))
        if len(pieces) == 1:
            _one_space_after(pieces[0][1], lines, edits)
        for flag in target.flags:
            _one_space_after(flag.end, lines, edits)


def _one_space_after(offset: int, lines: _Lines, edits: list[tuple[int, int, str]]) -> None:
    """A run of blanks right after ``offset`` on its line becomes one space, unless it ends the
    line (trailing blanks go anyway)."""
    line = lines.line_of(offset)
    content = lines.contents[line]
    at = offset - lines.starts[line]
    if at < 0 or at >= len(content):
        return
    end = at
    while end < len(content) and content[end] in _BLANKS:
        end += 1
    if end == at or end == len(content) or content[at:end] == " ":
        return
    edits.append((offset, offset + (end - at), " "))


def _heredoc_lines(ins: Instruction, lines: _Lines, size: int) -> set[int]:
    found: set[int] = set()
    for heredoc in list(ins.heredocs) + (list(ins.trigger.heredocs) if ins.trigger else []):
        if heredoc.body_start < 0:
            continue
        last = heredoc.terminator_end if heredoc.terminated and heredoc.terminator_end >= 0 else ins.end
        first_line = lines.line_of(heredoc.body_start)
        last_line = lines.line_of(max(heredoc.body_start, min(last, size) - 1 if last > heredoc.body_start else heredoc.body_start))
        found.update(range(first_line, last_line + 1))
    return found


def _continuations(ins: Instruction, lines: _Lines, heredoc_lines: set[int], options: FormatOptions,
                   indents: dict[int, str], untouched: set[int]) -> None:
    """Indent the continuation lines of ``ins`` one unit deeper than the keyword, keeping the
    depth of each line relative to the shallowest one."""
    first = lines.line_of(ins.keyword_start)
    last = lines.line_of(max(ins.start, ins.end - 1)) if ins.end > ins.start else first
    if last <= first:
        return
    target = ins.trigger if ins.trigger is not None else ins
    joined = ins.joined
    segment_lines: dict[int, int] = {}  # physical line -> joined offset where its text starts
    for joined_start, doc_start, _length in joined.segments:
        segment_lines.setdefault(lines.line_of(doc_start), joined_start)
    if target.name in _VERBATIM or target.name not in _KNOWN or any(pair.legacy for pair in target.pairs):
        # One verbatim string (``WORKDIR``, the legacy ``ENV key value`` form) or an unknown
        # instruction: blanks may count, leave them.
        movable: set[int] = set()
    else:
        starts = sorted(j for line, j in segment_lines.items() if line != first)
        inside = _inside_quotes(joined.text, starts, exec_form=target.form == "exec")
        movable = set()
        for line, joined_start in segment_lines.items():
            if line == first or joined_start in inside:
                continue
            glued = (
                joined_start < len(joined.text)
                and joined.text[joined_start] not in _BLANKS
                and joined_start > 0
                and joined.text[joined_start - 1] not in _BLANKS
            )
            if not glued:
                movable.add(line)

    # Lines of the instruction that are neither text nor heredoc: comments and empty lines,
    # which BuildKit drops; they follow the indentation of the text around them.
    dropped = [
        n for n in range(first + 1, last + 1)
        if n not in segment_lines and n not in heredoc_lines
    ]
    for n in range(first + 1, last + 1):
        if n not in movable and n not in dropped and n not in heredoc_lines:
            untouched.add(n)

    widths = {n: _width(lines.contents[n], options.tab_size) for n in movable}
    comment_widths = {
        n: _width(lines.contents[n], options.tab_size) for n in dropped if lines.contents[n].strip(_BLANKS)
    }
    if widths:
        base = min(widths.values())
    elif comment_widths:
        base = min(comment_widths.values())
    else:
        base = 0
    unit = options.unit
    for n, width in widths.items():
        indents[n] = options.indent(unit + width - base)
    for n in dropped:
        if n in comment_widths:
            indents[n] = options.indent(unit + max(0, comment_widths[n] - base))
        else:
            indents[n] = ""


def _width(content: str, tab_size: int) -> int:
    width = 0
    for ch in content:
        if ch == " ":
            width += 1
        elif ch == "\t":
            size = max(tab_size, 1)
            width += size - width % size
        else:
            break
    return width


def _inside_quotes(text: str, offsets: list[int], exec_form: bool) -> set[int]:
    """Which of ``offsets`` fall inside a quoted string of ``text``: a JSON string for the exec
    form, else a shell-style ``'...'`` or ``"..."`` (backslash escapes outside single quotes),
    or right after an escaping backslash. An unterminated quote runs to the end."""
    inside: set[int] = set()
    if not offsets:
        return inside
    spans: list[tuple[int, int]] = []  # (first inside, past the last inside)
    for match in (_JSON_TOKENS if exec_form else _SHELL_TOKENS).finditer(text):
        token = match.group()
        start, end = match.span()
        if token[0] in "'\"" and (exec_form is False or token[0] == '"'):
            closed = len(token) > 1 and token[-1] == token[0] and not _escaped_end(token)
            spans.append((start + 1, end if closed else len(text) + 1))
        elif token[0] == "\\" and len(token) == 2:
            spans.append((start + 1, start + 2))
        elif token[0] == "\\":
            spans.append((start + 1, len(text) + 1))
    starts = [lo for lo, _ in spans]
    for offset in offsets:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and spans[i][0] <= offset < spans[i][1]:
            inside.add(offset)
    return inside


def _escaped_end(token: str) -> bool:
    """Whether a double-quoted token's last quote is escaped (then it is not closed)."""
    if token[0] != '"':
        return False
    backslashes = len(token) - 1 - len(token[:-1].rstrip("\\"))
    return backslashes % 2 == 1


# -- on-type formatting ---------------------------------------------------------------------
_CONTINUED = re.compile(r"[ \t]*$")


def on_type_indent(text: str, line: int, options: FormatOptions, tree: Optional[Dockerfile] = None) -> Optional[str]:
    """The indentation the new ``line`` should get after Enter on a continued line, or None.

    After ``RUN apt-get update && \\`` + Enter, the new line is a continuation: it gets one unit,
    or the indentation of the continuation line above it when that one is already indented (so
    a nested block keeps its depth)."""
    tree = tree if tree is not None else parse(text)
    lines = _Lines(text)
    if line <= 0 or line >= len(lines.contents):
        return None
    above = lines.contents[line - 1].rstrip(_BLANKS)
    if not above.endswith(tree.escape) or above.lstrip(_BLANKS).startswith("#"):
        return None
    ins = tree.instruction_at(lines.starts[line - 1])
    if ins is None or any(h.body_start >= 0 and h.body_start <= lines.starts[line] for h in ins.heredocs):
        return None
    if lines.line_of(ins.keyword_start) == line - 1:
        return options.indent(options.unit)
    return lines.contents[line - 1][: len(lines.contents[line - 1]) - len(lines.contents[line - 1].lstrip(_BLANKS))]


# -- LSP -----------------------------------------------------------------------------------
# Past this many changed lines, document formatting answers with one edit of the whole text.
WHOLE_DOCUMENT_EDIT = 500

def options_from(lsp_options, keyword_case: str) -> FormatOptions:
    """Our options from the client's ``FormattingOptions`` and the ``formatting`` settings."""
    tab_size = getattr(lsp_options, "tab_size", 4) if lsp_options is not None else 4
    insert_spaces = getattr(lsp_options, "insert_spaces", True) if lsp_options is not None else True
    if not isinstance(tab_size, int) or isinstance(tab_size, bool) or not 1 <= tab_size <= 16:
        tab_size = 4
    return FormatOptions(tab_size=tab_size, insert_spaces=bool(insert_spaces), keyword_case=keyword_case)


def document_edits(analysis, options: FormatOptions, encoding: str,
                   within: Optional[tuple[int, int]] = None) -> list:
    """``TextEdit``s, one per changed line; with ``within`` (document offsets), only the lines of
    the instructions and comments that overlap that span."""
    from lsprotocol import types

    from .positions import to_range

    lines, contents = _formatted(analysis.text, options, analysis.tree)
    changes = [(n, old, new) for n, (old, new) in enumerate(zip(lines.contents, contents)) if old != new]
    if not changes:
        return []
    if within is None and len(changes) > WHOLE_DOCUMENT_EDIT:
        # Thousands of line edits cost more to build, send and apply than the new text itself.
        text = "".join(content + ending for content, ending in zip(contents, lines.endings))
        start = 1 if analysis.text.startswith("\ufeff") and text.startswith("\ufeff") else 0
        return [types.TextEdit(range=to_range(analysis.lines, start, len(analysis.text), encoding),
                               new_text=text[start:])]
    if within is not None:
        lo, hi = _expand_to_instructions(analysis.tree, *within)
    edits = []
    for number, old, new in changes:
        start = lines.starts[number]
        if within is not None and not (lo <= start <= hi):
            continue
        prefix = 1 if number == 0 and old.startswith("\ufeff") and new.startswith("\ufeff") else 0
        edits.append(types.TextEdit(
            range=to_range(analysis.lines, start + prefix, start + len(old), encoding),
            new_text=new[prefix:],
        ))
    return edits


def _expand_to_instructions(tree: Dockerfile, start: int, end: int) -> tuple[int, int]:
    lo, hi = start, end
    for ins in tree.instructions:
        if ins.end >= start and ins.start <= end:
            lo = min(lo, ins.start)
            hi = max(hi, ins.end)
    return lo, hi


def range_edits(analysis, lsp_range, options: FormatOptions, encoding: str) -> list:
    from .positions import to_offset

    start = to_offset(analysis.lines, lsp_range.start, encoding)
    end = to_offset(analysis.lines, lsp_range.end, encoding)
    return document_edits(analysis, options, encoding, within=(min(start, end), max(start, end)))


def on_type_edits(analysis, position, ch: str, options: FormatOptions, encoding: str) -> list:
    """After Enter on a continued line, indent the new line; after typing the escape character at
    the end of a line, indent the line below if it has no indentation yet."""
    from lsprotocol import types

    from .positions import to_range

    text = analysis.text
    tree = analysis.tree
    lines = _Lines(text)
    line = position.line
    if ch == "\n":
        target = line
    elif ch == tree.escape:
        target = line + 1
    else:
        return []
    if not 0 < target < len(lines.contents):
        return []
    wanted = on_type_indent(text, target, options, tree)
    if wanted is None:
        return []
    content = lines.contents[target]
    current = content[: len(content) - len(content.lstrip(_BLANKS))]
    if ch != "\n" and current:
        return []
    if current == wanted:
        return []
    start = lines.starts[target]
    return [types.TextEdit(range=to_range(analysis.lines, start, start + len(current), encoding), new_text=wanted)]
