"""BuildKit's AST dump (``parser.Node.Dump``) of a syntax tree, byte for byte.

``docksense parse`` prints this so that our reading of a file can be compared with BuildKit's
own test expectations (``frontend/dockerfile/parser/testfiles/*/result``).
"""

from __future__ import annotations

import unicodedata

from .nodes import Dockerfile, Instruction
from .parser import JSON_INSTRUCTIONS, KNOWN_INSTRUCTIONS, NAME_VALUE_INSTRUCTIONS
from .words import RE_WHITESPACE

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append("\\x%02x" % (code - 0xDC00))
        elif ch == " " or (code >= 0x20 and code != 0x7F and _go_printable(ch)):
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append("\\x%02x" % code)
        elif code < 0x10000:
            out.append("\\u%04x" % code)
        else:
            out.append("\\U%08x" % code)
    out.append('"')
    return "".join(out)


def _go_printable(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMNPS"


def _next_values(ins: Instruction) -> list[str] | None:
    """The dump of the node chain after the keyword (without the leading space)."""
    kind = ins.keyword.lower()
    if kind not in KNOWN_INSTRUCTIONS:
        return [go_quote("")]
    if kind == "onbuild":
        if ins.trigger is None:
            return []
        return ["(" + dump_instruction(ins.trigger) + ")"]
    if kind in NAME_VALUE_INSTRUCTIONS:
        out = []
        for pair in ins.pairs:
            if pair.legacy:
                out += [go_quote(pair.key), go_quote(pair.value or ""), go_quote("")]
            else:
                out += [go_quote(pair.key), go_quote(pair.value or ""), go_quote("=")]
        return out
    if kind == "arg":
        return [go_quote(w.text) for w in ins.words]
    if kind == "healthcheck":
        if not ins.words:
            return []
        out = [go_quote(ins.words[0].text)]
        if ins.json is not None:
            out += [go_quote(w.text) for w in ins.json.items]
        else:
            rest = ins.args[len(ins.words[0].text):].lstrip()
            if rest:
                out.append(go_quote(rest))
        return out
    if ins.json is not None:
        return [go_quote(w.text) for w in ins.json.items]
    if kind in JSON_INSTRUCTIONS or kind in ("maintainer", "stopsignal", "user", "workdir"):
        return [go_quote(ins.args)] if ins.args else []
    # whitespace-delimited lists: FROM, EXPOSE, ADD, COPY, VOLUME
    if not ins.args:
        return []
    return [go_quote(part) for part in RE_WHITESPACE.split(ins.args)]


def dump_instruction(ins: Instruction) -> str:
    text = ins.keyword.lower()
    if ins.flags:
        text += " [" + " ".join(go_quote(f.raw) for f in ins.flags) + "]"
    for value in _next_values(ins) or []:
        text += " " + value
    return text.strip()


def dump(tree: Dockerfile) -> str:
    """The whole file's dump as BuildKit's dumper prints it (with the final newline)."""
    body = "".join("(" + dump_instruction(ins) + ")\n" for ins in tree.instructions)
    return body.strip() + "\n"
