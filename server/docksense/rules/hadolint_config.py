"""``.hadolint.yaml``: the project settings hadolint users already have, read as data.

Projects that lint with hadolint keep their decisions in ``.hadolint.yaml`` (or ``.yml``);
honouring it means docksense agrees with their CI without a second configuration. Only the
keys that change what we report are read:

- ``ignored``: rule codes (or docksense rule names) that are switched off;
- ``override``: ``error`` / ``warning`` / ``info`` / ``style`` lists that set a rule's
  severity (``info`` becomes ``information``, ``style`` becomes ``hint``);
- ``failure-threshold``: the default ``--fail-level`` of ``docksense check``
  (``ignore``/``none`` mean "never fail");
- ``no-fail``: ``docksense check`` never fails on findings of this file;
- ``disable-ignore-pragma``: inline ``# hadolint ignore=`` pragmas are not honoured.

The file is found from the Dockerfile's folder upward to the filesystem root (or to the
workspace folder when one is given). It is parsed by a small reader for the YAML subset such
files use (block and flow mappings/sequences of plain or quoted scalars, comments): nothing
is ever executed, no tags or anchors are interpreted, and PyYAML is not a dependency.
Anything the reader does not understand is reported as a problem and the rest is kept.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any, Optional

import attrs

log = logging.getLogger(__name__)

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")
MAX_BYTES = 1 << 20  # a larger "config" is not one; refuse rather than read it

# hadolint's override sections -> our severities
OVERRIDE_SEVERITY = {"error": "error", "warning": "warning", "info": "information", "style": "hint"}
# hadolint's failure-threshold values -> ``docksense check --fail-level`` values
THRESHOLD = {
    "error": "error",
    "warning": "warning",
    "info": "info",
    "style": "hint",
    "ignore": "none",
    "none": "none",
}


@attrs.define(frozen=True)
class HadolintConfig:
    """The parts of a ``.hadolint.yaml`` docksense honours (names as written in the file)."""

    path: Optional[Path] = None
    ignored: tuple[str, ...] = ()
    override: dict[str, str] = attrs.Factory(dict)  # name or alias -> our severity
    failure_threshold: Optional[str] = None  # a --fail-level value, "none" for never
    no_fail: bool = False
    disable_ignore_pragma: bool = False
    problems: tuple[str, ...] = ()


class YamlSubsetError(ValueError):
    """A construct outside the YAML subset, with the 1-based line it is on."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


# -- the YAML subset reader ------------------------------------------------------------
@attrs.define(slots=True)
class _Line:
    number: int  # 1-based
    indent: int
    text: str  # without indentation and without a trailing comment


def _strip_comment(text: str) -> str:
    """Drop a ``# comment`` that is not inside quotes (YAML needs a space before ``#``)."""
    quote = ""
    for index, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"" and (index == 0 or text[index - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index].rstrip()
    return text.rstrip()


def _lines(source: str) -> list[_Line]:
    out = []
    for number, raw in enumerate(source.splitlines(), start=1):
        if number == 1 and raw.startswith("\ufeff"):
            raw = raw[1:]
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlSubsetError(number, "tabs are not allowed in indentation")
        body = raw.lstrip(" ")
        text = _strip_comment(body)
        if not text:
            continue
        if text == "---" or text.startswith("--- ") or text.startswith("%"):
            continue
        if text == "...":
            break
        out.append(_Line(number, len(raw) - len(body), text))
    return out


def _scalar(text: str, line: int) -> Any:
    """A plain or quoted scalar; plain scalars stay strings (booleans are read by the caller)."""
    text = text.strip()
    if not text or text in ("~", "null", "Null", "NULL"):
        return None
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'":
            raise YamlSubsetError(line, "unterminated single-quoted string")
        return text[1:-1].replace("''", "'")
    if text[0] == '"':
        if len(text) < 2 or text[-1] != '"':
            raise YamlSubsetError(line, "unterminated double-quoted string")
        return _unescape_double(text[1:-1], line)
    if text[0] in "&*!|>":
        raise YamlSubsetError(line, f"unsupported YAML construct {text[0]!r}")
    if text == "[]":
        return []
    if text == "{}":
        return {}
    if text[0] == "[":
        return _flow_sequence(text, line)
    if text[0] == "{":
        raise YamlSubsetError(line, "flow mappings are not supported")
    return text


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "0": "\0", " ": " "}


def _unescape_double(body: str, line: int) -> str:
    out = []
    index = 0
    while index < len(body):
        ch = body[index]
        if ch == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                index += 2
                continue
            if nxt in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[nxt]
                digits = body[index + 2 : index + 2 + width]
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    raise YamlSubsetError(line, f"bad escape \\{nxt}{digits}") from None
                index += 2 + width
                continue
            raise YamlSubsetError(line, f"unknown escape \\{nxt}")
        out.append(ch)
        index += 1
    return "".join(out)


def _flow_sequence(text: str, line: int) -> list[Any]:
    if not text.endswith("]"):
        raise YamlSubsetError(line, "unterminated flow sequence")
    items: list[str] = []
    current: list[str] = []
    quote = ""
    for ch in text[1:-1]:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
            current.append(ch)
        elif ch in "[]{}":
            raise YamlSubsetError(line, "nested flow collections are not supported")
        elif ch == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    if quote:
        raise YamlSubsetError(line, "unterminated string in flow sequence")
    last = "".join(current)
    if last.strip():
        items.append(last)
    return [_scalar(item, line) for item in items if item.strip()]


def _split_key(text: str) -> Optional[tuple[str, str]]:
    """``key: value`` -> (key, value); None when the line is not a mapping entry."""
    if text[0] in "'\"":
        quote = text[0]
        end = text.find(quote, 1)
        if end < 0:
            return None
        rest = text[end + 1 :]
        if rest == ":" or rest.startswith(": "):
            return text[1:end], rest[1:].strip()
        return None
    for index, ch in enumerate(text):
        if ch == ":" and (index + 1 == len(text) or text[index + 1] in " \t"):
            return text[:index].strip(), text[index + 1 :].strip()
    return None


class _Reader:
    def __init__(self, lines: list[_Line]):
        self.lines = lines
        self.pos = 0

    def block(self) -> Any:
        """The mapping or sequence that starts at the current line (its column is the indent)."""
        line = self.lines[self.pos]
        if line.text == "-" or line.text.startswith("- "):
            return self.sequence(line.indent)
        return self.mapping(line.indent)

    def _collect_flow(self, first: str, line: _Line) -> str:
        """A flow sequence may span lines: join until its closing bracket."""
        text = first
        while text.count("[") > text.count("]") and self.pos < len(self.lines):
            text += " " + self.lines[self.pos].text
            self.pos += 1
        return text

    def value_after(self, text: str, line: _Line, indent: int) -> Any:
        """The value of ``key: text`` or ``- text``: inline, or the block below it."""
        if text:
            if text.startswith("["):
                text = self._collect_flow(text, line)
            return _scalar(text, line.number)
        if self.pos < len(self.lines):
            nxt = self.lines[self.pos]
            if nxt.indent > indent:
                return self.block()
            if nxt.indent == indent and (nxt.text == "-" or nxt.text.startswith("- ")):
                return self.sequence(indent)  # ``key:`` followed by ``- item`` at the same column
        return None

    def mapping(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.indent < indent:
                break
            if line.indent > indent:
                raise YamlSubsetError(line.number, "unexpected indentation")
            if line.text == "-" or line.text.startswith("- "):
                break
            split = _split_key(line.text)
            if split is None:
                raise YamlSubsetError(line.number, "expected 'key: value'")
            key, rest = split
            self.pos += 1
            out[key] = self.value_after(rest, line, indent)
        return out

    def sequence(self, indent: int) -> list[Any]:
        out: list[Any] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.indent != indent or not (line.text == "-" or line.text.startswith("- ")):
                if line.indent > indent:
                    raise YamlSubsetError(line.number, "unexpected indentation")
                break
            content = line.text[1:].lstrip(" ")
            column = indent + (len(line.text) - len(content))
            if content and _split_key(content) is not None and content[0] not in "[":
                # ``- key: value``: a mapping item whose keys sit at the content's column
                self.lines[self.pos] = _Line(line.number, column, content)
                out.append(self.mapping(column))
                continue
            self.pos += 1
            out.append(self.value_after(content, line, indent))
        return out


def parse_yaml_subset(source: str) -> Any:
    """The document as dicts, lists and strings (None for empty values)."""
    lines = _lines(source)
    if not lines:
        return None
    reader = _Reader(lines)
    if len(lines) == 1 and _split_key(lines[0].text) is None and not lines[0].text.startswith("- "):
        return _scalar(lines[0].text, lines[0].number)
    value = reader.block()
    if reader.pos < len(lines):
        raise YamlSubsetError(lines[reader.pos].number, "unexpected content after the document")
    return value


# -- interpreting the document ---------------------------------------------------------
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


def _names(value: Any, key: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"'{key}' must be a list of rule codes")
        return []
    out = []
    for item in value:
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
        else:
            problems.append(f"'{key}' has an entry that is not a rule code: {item!r}")
    return out


def _flag(value: Any, key: str, problems: list[str]) -> bool:
    if isinstance(value, str) and value.lower() in _TRUE:
        return True
    if value is None or (isinstance(value, str) and value.lower() in _FALSE):
        return False
    problems.append(f"'{key}' must be true or false")
    return False


def config_from_text(source: str, path: Optional[Path] = None) -> HadolintConfig:
    """Interpret a ``.hadolint.yaml`` text; problems are collected, never raised."""
    problems: list[str] = []
    try:
        document = parse_yaml_subset(source)
    except YamlSubsetError as exc:
        return HadolintConfig(path=path, problems=(f"cannot read: {exc}",))
    if document is None:
        return HadolintConfig(path=path)
    if not isinstance(document, dict):
        return HadolintConfig(path=path, problems=("the file must hold a mapping of settings",))
    ignored = _names(document.get("ignored"), "ignored", problems)
    override: dict[str, str] = {}
    raw_override = document.get("override")
    if isinstance(raw_override, dict):
        for section, names in raw_override.items():
            severity = OVERRIDE_SEVERITY.get(str(section))
            if severity is None:
                problems.append(f"unknown override section {section!r} (expected error, warning, info, style)")
                continue
            for name in _names(names, f"override.{section}", problems):
                override[name] = severity
    elif raw_override is not None:
        problems.append("'override' must be a mapping of error/warning/info/style lists")
    threshold = None
    raw_threshold = document.get("failure-threshold")
    if raw_threshold is not None:
        threshold = THRESHOLD.get(str(raw_threshold).lower())
        if threshold is None:
            problems.append(f"unknown failure-threshold {raw_threshold!r}")
    return HadolintConfig(
        path=path,
        ignored=tuple(ignored),
        override=override,
        failure_threshold=threshold,
        no_fail=_flag(document.get("no-fail"), "no-fail", problems),
        disable_ignore_pragma=_flag(document.get("disable-ignore-pragma"), "disable-ignore-pragma", problems),
        problems=tuple(problems),
    )


# -- finding and caching the file ------------------------------------------------------
_cache: dict[Path, tuple[tuple[int, int], HadolintConfig]] = {}
_cache_lock = threading.Lock()


def find_config_file(start: Path, stop: Optional[Path] = None) -> Optional[Path]:
    """The nearest ``.hadolint.yaml``/``.yml`` in ``start`` or a parent (up to ``stop``)."""
    try:
        folder = start.absolute()
        stop_at = stop.absolute() if stop is not None else None
    except OSError:
        return None
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        if stop_at is not None and folder == stop_at:
            return None
        parent = folder.parent
        if parent == folder:
            return None
        folder = parent


def load_config_file(path: Path) -> HadolintConfig:
    """The file's settings, re-read only when its size or modification time changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        return HadolintConfig(path=path, problems=(f"cannot read: {exc.strerror or exc}",))
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
    if stat.st_size > MAX_BYTES:
        config = HadolintConfig(path=path, problems=(f"ignored: larger than {MAX_BYTES} bytes",))
    else:
        try:
            source = path.read_bytes().decode("utf-8", "replace")
        except OSError as exc:
            config = HadolintConfig(path=path, problems=(f"cannot read: {exc.strerror or exc}",))
        else:
            config = config_from_text(source, path)
    for problem in config.problems:
        log.warning("%s: %s", path, problem)
    with _cache_lock:
        _cache[path] = (key, config)
    return config


def config_for(document: Optional[Path], stop: Optional[Path] = None,
               search_from: Optional[Path] = None) -> Optional[HadolintConfig]:
    """The settings that apply to a Dockerfile at ``document`` (or, without one, ``search_from``)."""
    if document is not None:
        start = document.parent
    elif search_from is not None:
        start = search_from
    else:
        return None
    if not str(start) or not os.path.isdir(start):
        return None
    found = find_config_file(start, stop)
    return load_config_file(found) if found is not None else None
