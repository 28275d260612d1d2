"""Reading cmd.exe and PowerShell code, the shells of Windows containers.

A Windows base image runs shell-form RUN/CMD/ENTRYPOINT with ``cmd /S /C``, and Dockerfiles
commonly switch to PowerShell with ``SHELL ["powershell", "-Command", ...]``. Their code is not
POSIX sh: ``$ErrorActionPreference = 'Stop'; Invoke-WebRequest -Uri ... -OutFile x.zip`` has
assignments, cmdlets with ``-Parameter value`` pairs, ``;`` and pipelines; cmd has ``&&``, ``&``,
``set NAME=value`` and ``^`` escapes. This module splits such code into statements with their
words and offsets (into the text it was given), tolerant of anything half-typed: unbalanced
quotes or brackets end at the end of the text. It never evaluates anything.
"""

from __future__ import annotations

import re
from typing import Optional

import attrs

MAX_STATEMENTS = 2000  # a body longer than this is summarised by its first statements


@attrs.frozen
class WinWord:
    text: str  # quotes removed for simple quoted strings
    raw: str
    start: int
    end: int


@attrs.frozen
class WinStatement:
    """One command, assignment or method call.

    ``kind`` is ``command`` (``words[0]`` is the cmdlet or program), ``assignment``
    (``target`` = ``value``: ``$ErrorActionPreference``, ``$env:PATH``, cmd's ``set X=1``) or
    ``call`` (``[Environment]::SetEnvironmentVariable(...)``: ``target`` is the method,
    ``words`` its arguments). ``shell`` is ``powershell`` or ``cmd``.
    """

    kind: str
    shell: str
    words: tuple[WinWord, ...] = ()
    target: str = ""
    value: str = ""
    start: int = 0
    end: int = 0

    @property
    def name(self) -> str:
        return self.words[0].text if self.kind == "command" and self.words else self.target


def shell_kind(shell: list[str]) -> Optional[str]:
    """``powershell`` or ``cmd`` for a SHELL array, None for a POSIX shell."""
    if not shell:
        return None
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    if program.endswith(".exe"):
        program = program[:-4]
    if program in ("powershell", "pwsh"):
        return "powershell"
    if program == "cmd":
        return "cmd"
    return None


# -- PowerShell ------------------------------------------------------------------------------
_PS_ASSIGN = re.compile(r"(\$[\w:]+(?:\.[\w]+)*|\$\{[^}]*\}|\[[\w.]+\]::\w+)\s*([+\-*/]?=)(?!=)")
_PS_CALL = re.compile(r"(\[[\w.]+\]::\w+)\s*\(")
_PS_SEPARATORS = (";", "\n", "|", "&&", "||")


def parse_powershell(text: str, base: int = 0) -> list[WinStatement]:
    """Statements of PowerShell code; offsets are ``base`` + index into ``text``."""
    out: list[WinStatement] = []
    for start, end in _split(text, "powershell"):
        if len(out) >= MAX_STATEMENTS:
            break
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        if not chunk or chunk.startswith("#"):
            continue
        s = start + lead
        assign = _PS_ASSIGN.match(chunk)
        if assign:
            value = chunk[assign.end():].strip()
            out.append(WinStatement("assignment", "powershell", (), assign.group(1), value, base + s, base + s + len(chunk)))
            continue
        call = _PS_CALL.match(chunk)
        if call:
            inner_start = call.end()
            inner_end = _balanced_end(chunk, inner_start - 1)
            args = _arguments(chunk[inner_start:inner_end], base + s + inner_start)
            out.append(WinStatement("call", "powershell", tuple(args), call.group(1), "", base + s, base + s + len(chunk)))
            continue
        words = _words(chunk, base + s, "powershell")
        if words and words[0].text in ("&", "."):
            words = words[1:]  # the call operator: the next word is the command
        nested = (nested_powershell(words) or _nested_cmd(words, 0)) if words else []
        if nested:
            out.extend(nested)
            continue
        if words:
            out.append(WinStatement("command", "powershell", tuple(words), "", "", base + s, base + s + len(chunk)))
    return out


# -- cmd ---------------------------------------------------------------------------------------
_CMD_SET = re.compile(r"set\s+(/[ap]\s+)?\"?([^=\"\s]+)=(.*?)\"?$", re.IGNORECASE | re.S)


def parse_cmd(text: str, base: int = 0, depth: int = 0) -> list[WinStatement]:
    """Statements of cmd.exe code (``a && b & c | d``); ``powershell -Command "..."`` inside it
    is read as PowerShell too."""
    out: list[WinStatement] = []
    for start, end in _split(text, "cmd"):
        if len(out) >= MAX_STATEMENTS:
            break
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        if not chunk or chunk.lower().startswith(("rem ", "::")) or chunk.lower() == "rem":
            continue
        s = start + lead
        if chunk.startswith("@"):
            chunk, s = chunk[1:], s + 1
        match = _CMD_SET.match(chunk)
        if match:
            out.append(WinStatement("assignment", "cmd", (), match.group(2), match.group(3).strip(), base + s,
                                    base + s + len(chunk)))
            continue
        words = _words(chunk, base + s, "cmd")
        if not words:
            continue
        nested = nested_powershell(words) or _nested_cmd(words, depth)
        if nested:  # `powershell -Command "..."`, `cmd /S /C "..."`: the script is what runs
            out.extend(nested)
            continue
        out.append(WinStatement("command", "cmd", tuple(words), "", "", base + s, base + s + len(chunk)))
    return out


def _nested_cmd(words: list[WinWord], depth: int) -> list[WinStatement]:
    """``cmd /S /C "a && b"``: the statements of the inner command line."""
    if depth > 4 or shell_kind([words[0].text]) != "cmd":
        return []
    for index, word in enumerate(words[1:], start=1):
        if word.text.lower() in ("/c", "/k") and index + 1 < len(words):
            rest = words[index + 1:]
            if len(rest) == 1 and rest[0].raw[:1] == '"':
                return parse_cmd(rest[0].text, rest[0].start + 1, depth + 1)
            first = rest[0]
            return parse_cmd(" ".join(w.raw for w in rest), first.start, depth + 1)
    return []


def nested_powershell(words: tuple[WinWord, ...] | list[WinWord]) -> list[WinStatement]:
    """``powershell -Command "a; b"`` (from cmd or an exec-form array): the script's statements."""
    if not words or shell_kind([words[0].text]) != "powershell":
        return []
    for index, word in enumerate(words[1:], start=1):
        if word.text.lower() in ("-command", "-c") and index + 1 < len(words):
            rest = words[index + 1:]
            if len(rest) == 1:
                script = rest[0]
                offset = script.start + (1 if script.raw[:1] in "'\"" else 0)
                return parse_powershell(script.text, offset)
            return parse_powershell(" ".join(w.raw for w in rest), rest[0].start)
    return []


# -- shared lexing -----------------------------------------------------------------------------
def _outside(text: str, shell: str):
    """Indexes of the characters outside quotes and brackets, in order (escaped characters and
    the quotes and brackets themselves are skipped): where separators and word breaks can be."""
    depth = 0
    quote = ""
    i = 0
    n = len(text)
    escape = "`" if shell == "powershell" else "^"
    brackets = shell == "powershell"
    while i < n:
        c = text[i]
        if quote:
            if c == escape and i + 1 < n:
                i += 2
                continue
            if c == quote:
                if shell == "powershell" and i + 1 < n and text[i + 1] == quote:
                    i += 2  # '' or "" inside a string is a literal quote
                    continue
                quote = ""
        elif c == escape and i + 1 < n:
            i += 2
            continue
        elif c in "'\"" and not (shell == "cmd" and c == "'"):
            quote = c
        elif brackets and c in "([{":
            depth += 1
        elif brackets and c in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield i
        i += 1


def _split(text: str, shell: str) -> list[tuple[int, int]]:
    """Spans of statements between separators outside quotes and brackets."""
    spans = []
    start = 0
    skip_to = 0
    for i in _outside(text, shell):
        if i < skip_to:
            continue
        c = text[i]
        sep = ""
        if text.startswith("&&", i) or text.startswith("||", i):
            sep = text[i:i + 2]
        elif c in "|\n" or (c == ";" and shell == "powershell") or (c == "&" and shell == "cmd"):
            sep = c
        if sep:
            spans.append((start, i))
            start = skip_to = i + len(sep)
    spans.append((start, len(text)))
    return spans


def _words(text: str, base: int, shell: str) -> list[WinWord]:
    """Words separated by blanks outside quotes and brackets, with their offsets."""
    out = []
    last = 0
    breaks = [i for i in _outside(text, shell) if text[i].isspace()] + [len(text)]
    for end in breaks:
        if end > last:
            raw = text[last:end]
            out.append(WinWord(_unquote(raw, shell), raw, base + last, base + end))
        last = end + 1
    return out


def _unquote(raw: str, shell: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" and not (shell == "cmd" and raw[0] == "'"):
        inner = raw[1:-1]
        if shell == "powershell":
            return inner.replace(raw[0] * 2, raw[0]).replace("`\"", "\"")
        return inner
    return raw


def _arguments(text: str, base: int) -> list[WinWord]:
    """The comma-separated arguments of a method call, each one word (quotes removed)."""
    out = []
    start = 0
    for end in _top_level_commas(text) + [len(text)]:
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        if raw:
            out.append(WinWord(_unquote(raw, "powershell"), raw, base + start + lead, base + start + lead + len(raw)))
        start = end + 1
    return out


def _top_level_commas(text: str) -> list[int]:
    """Offsets of the commas outside quotes and brackets (one pass)."""
    out = []
    depth = 0
    quote = ""
    for index, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(index)
    return out


def _balanced_end(text: str, open_at: int) -> int:
    depth = 0
    quote = ""
    for i in range(open_at, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            continue
        if c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


__all__ = ["WinStatement", "WinWord", "nested_powershell", "parse_cmd", "parse_powershell", "shell_kind"]
