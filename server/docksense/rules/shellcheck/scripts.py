"""The shell scripts of a Dockerfile as ShellCheck should read them, with the way back.

Each :class:`Script` is the text a shell runs for one instruction (a RUN in shell form with
its here-documents, a heredoc body a shell runs on its own, the script of
``["sh", "-c", "..."]``, a shell-form CMD, ENTRYPOINT or ``HEALTHCHECK CMD``), the shell
that runs it (from SHELL, or the exec form's program), the build variables it uses that the
Dockerfile declares (so ShellCheck does not call them unassigned) and a :class:`Mapping`
from the script's offsets to the document's, exact across line continuations, the comment
lines BuildKit drops from them, heredoc bodies and ``<<-`` tab stripping.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Iterator, Optional

import attrs

from ...analysis.commands import is_posix_shell, parse_shell
from ...syntax import Instruction

if TYPE_CHECKING:
    from ...analysis import Analysis

MAX_SCRIPT = 64 * 1024  # characters; a longer script is not handed to ShellCheck
# ShellCheck's own time grows faster than linearly with the expansions a script holds
# (ShellCheck 0.11: 1,000 ``$X`` about 1 s, 4,000 about 7 s, 8,000 about 38 s; 13,000 ran
# into the 20 s process cap and lost the verdicts of its whole batch). The largest real
# Dockerfile in the corpus has 118 ``$`` in all, so this bound leaves real scripts alone.
MAX_EXPANSIONS = 1_000  # ``$`` characters; a script with more is not handed to ShellCheck
MAX_SCRIPTS = 2_000  # per document
# ShellCheck's --shell values for the shells a SHELL instruction names
SHELLS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ash": "busybox", "busybox": "busybox",
          "mksh": "ksh"}
_SHELL_PROGRAMS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "busybox"})
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_SHEBANG = re.compile(r"#![ \t]*(\S+)(?:[ \t]+(\S+))?")


class Mapping:
    """Script offset -> document offset, by segments ``(script_start, doc_start, length)``."""

    def __init__(self) -> None:
        self.segments: list[tuple[int, int, int]] = []

    def add(self, script_start: int, doc_start: int, length: int) -> None:
        if length > 0:
            self.segments.append((script_start, doc_start, length))

    def doc(self, offset: int) -> int:
        segs = self.segments
        if not segs:
            return 0
        i = max(0, bisect.bisect_right(segs, (offset, float("inf"), 0)) - 1)
        start, doc_start, length = segs[i]
        return doc_start + min(max(offset - start, 0), length)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            at = self.doc(start)
            return at, at
        return self.doc(start), self.doc(end - 1) + 1

    def exact(self, start: int, end: int) -> bool:
        """Whether ``script[start:end]`` is one contiguous piece of the document (an edit of
        it can be applied to the document as it is)."""
        doc_start, doc_end = self.span(start, end)
        return doc_end - doc_start == end - start


@attrs.define(eq=False)
class Script:
    text: str
    shell: str  # ShellCheck's --shell value; "" when the text starts with its own shebang
    variables: tuple[str, ...]
    instruction: Instruction  # the instruction in the file (an ONBUILD for its trigger)
    mapping: Mapping

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """What ShellCheck's verdict depends on: the cache key."""
        return self.text, self.shell, self.variables


def _shell_name(program: str) -> Optional[str]:
    base = program.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return SHELLS.get(base)


def _referenced(text: str, declared: set[str]) -> tuple[str, ...]:
    if "$" not in text:
        return ()
    return tuple(sorted({m.group(1) for m in _VARIABLE.finditer(text)} & declared))


def _heredoc_lines(analysis: "Analysis", doc, script: list[str], mapping: Mapping, at: int) -> int:
    """Append a heredoc body to the script pieces, line by line (``<<-`` may strip tabs)."""
    raw = analysis.text[doc.body_start:doc.body_end] if doc.body_start >= 0 else ""
    raw_lines = raw.split("\n")
    lines = doc.content.split("\n")
    if doc.content.endswith("\n"):
        lines.pop()
    doc_offset = doc.body_start
    for index, line in enumerate(lines):
        raw_line = raw_lines[index] if index < len(raw_lines) else line
        line = line.rstrip("\r")  # a CRLF file: the shell never sees the carriage returns
        shift = max(0, len(raw_line.rstrip("\r")) - len(line)) if doc.chomp else 0
        mapping.add(at, doc_offset + shift, len(line) + 1)  # the line and its line break
        script.append(line + "\n")
        at += len(line) + 1
        doc_offset += len(raw_line) + 1
    return at


def _shell_form(analysis: "Analysis", top: Instruction, ins: Instruction, shell: str,
                declared: set[str]) -> Iterator[Script]:
    """The scripts of a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK (``ins``: the instruction
    itself, or an ONBUILD's trigger)."""
    text, base = ins.args, ins.args_offset
    if ins.name == "HEALTHCHECK":
        if not ins.words or ins.words[0].text.upper() != "CMD":
            return
        rest = text[len(ins.words[0].text):]
        stripped = rest.lstrip()
        base, text = base + len(text) - len(stripped), stripped
    if not text.strip() and not ins.heredocs:
        return
    commands = parse_shell(text).commands if text else []
    first = next((c.words[0].text for c in commands if c.words), "")
    bodies_are_scripts = not first or (first.rsplit("/", 1)[-1] in _SHELL_PROGRAMS)
    heredocs = list(ins.heredocs) if ins.name == "RUN" else []
    if heredocs and not first:
        # `RUN <<EOF`: BuildKit runs each body as a script of its own
        for doc in heredocs:
            yield from _body_script(analysis, top, doc, shell, declared)
        return
    mapping = Mapping()
    for joined_start, doc_start, length in ins.joined.segments:
        lo, hi = max(base, joined_start), min(base + len(text), joined_start + length)
        if hi > lo:
            mapping.add(lo - base, doc_start + lo - joined_start, hi - lo)
    pieces = [text]
    at = len(text)
    for doc in heredocs:
        if doc.body_start < 0:
            continue
        pieces.append("\n")
        at += 1
        at = _heredoc_lines(analysis, doc, pieces, mapping, at)
        pieces.append(doc.name + "\n")
        if doc.terminator_start >= 0:
            name_at = analysis.text.find(doc.name, doc.terminator_start, doc.terminator_end + 1)
            mapping.add(at, name_at if name_at >= 0 else doc.terminator_start, len(doc.name))
        at += len(doc.name) + 1
    script = "".join(pieces)
    yield Script(script, shell, _referenced(script, declared), top, mapping)
    if heredocs and bodies_are_scripts and first:
        sub = _shell_name(first)
        for doc in heredocs:
            yield from _body_script(analysis, top, doc, sub or shell, declared)


def _body_script(analysis: "Analysis", top: Instruction, doc, shell: str, declared: set[str]) -> Iterator[Script]:
    if doc.body_start < 0:
        return
    content = doc.content
    shell_here = shell
    shebang = _SHEBANG.match(content)
    if shebang is not None:
        program = shebang.group(1)
        if program.endswith("/env") and shebang.group(2):
            program = shebang.group(2)
        if _shell_name(program) is None:
            return  # a Python, Perl ... script
        shell_here = ""
    mapping = Mapping()
    pieces: list[str] = []
    _heredoc_lines(analysis, doc, pieces, mapping, 0)
    script = "".join(pieces)
    yield Script(script, shell_here, _referenced(script, declared), top, mapping)


def _exec_script(top: Instruction, ins: Instruction, declared: set[str]) -> Iterator[Script]:
    items = ins.json.items if ins.json is not None else []
    if len(items) < 3:
        return
    shell = _shell_name(items[0].text)
    if shell is None or not items[1].text.startswith("-") or "c" not in items[1].text:
        return
    item = items[2]
    if item.end - item.start - 2 != len(item.text):
        return  # the literal has escapes: offsets would not map one to one
    mapping = Mapping()
    mapping.add(0, item.start + 1, len(item.text))
    yield Script(item.text, shell, _referenced(item.text, declared), top, mapping)


def checkable(text: str) -> bool:
    """Whether ShellCheck is given this script: not blank, and within the bounds where its
    time stays in seconds (MAX_SCRIPT characters, MAX_EXPANSIONS ``$``)."""
    return len(text) <= MAX_SCRIPT and text.count("$") <= MAX_EXPANSIONS and bool(text.strip())


def scripts_of(analysis: "Analysis") -> list[Script]:
    """Every script of the document, in document order (at most MAX_SCRIPTS, none longer
    than MAX_SCRIPT or with more than MAX_EXPANSIONS expansions)."""
    out: list[Script] = []
    declared: set[str] = set()
    for top in analysis.tree.instructions:
        ins = top.trigger if top.trigger is not None else top
        if ins.name in ("ARG", "ENV"):
            declared.update(pair.key for pair in ins.pairs)
            continue
        if ins.name not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
            continue
        if ins.json is not None:
            found = list(_exec_script(top, ins, declared))
        else:
            shell_cmd = analysis.shell_for(top)
            if not shell_cmd or not is_posix_shell(shell_cmd):
                continue
            shell = _shell_name(shell_cmd[0])
            if shell is None:
                continue  # zsh, fish ...: ShellCheck does not read them
            found = list(_shell_form(analysis, top, ins, shell, declared))
        for script in found:
            if checkable(script.text):
                out.append(script)
        if len(out) >= MAX_SCRIPTS:
            break
    return out[:MAX_SCRIPTS]
