"""Reading knowledge-base TOML files into :class:`Entry` objects.

A broken file (bad TOML, unknown field, wrong type, missing required text) is reported as a
:class:`KnowledgeProblem` with its file and line and skipped; it never stops the server.
The files are data only: nothing in them is executed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import attrs
import cattrs

from .models import KINDS, ONE_LINE_KINDS, Entry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_converter = cattrs.Converter(forbid_extra_keys=True)

FOLDER_OF_KIND = {
    "instruction": "instructions",
    "flag": "flags",
    "mount": "mounts",
    "directive": "directives",
    "arg": "args",
    "substitution": "substitutions",
    "form": "forms",
    "command": "commands",
    "env": "env",
    "path": "paths",
    "idiom": "idioms",
    "image": "images",
    "port": "ports",
    "signal": "signals",
    "rule": "rules",
    "package": "packages",
    "label": "labels",
}


@attrs.frozen
class KnowledgeProblem:
    """A knowledge file that could not be used, and why."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _line_of(text: str, key: str) -> int:
    """Best-effort 1-based line of ``key =`` in ``text`` (1 when not found)."""
    match = re.search(rf"^\s*\"?{re.escape(key)}\"?\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _check(entry: Entry) -> list[tuple[str, str]]:
    """Schema checks beyond types; returns (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    if entry.kind not in KINDS:
        problems.append(("kind", f"unknown kind {entry.kind!r}"))
    if entry.kind == "flag" and not entry.instruction:
        problems.append(("instruction", "a flag entry needs `instruction`"))
    required = ("summary", "why") if entry.kind in ONE_LINE_KINDS else ("summary", "purpose", "why")
    for field in required:
        if not getattr(entry, field).strip():
            problems.append((field, f"`{field}` is empty"))
    if "\n" in entry.summary.strip() or len(entry.summary) > 160:
        problems.append(("summary", "`summary` must be one line of at most 160 characters"))
    if entry.docs and not entry.docs.startswith("https://"):
        problems.append(("docs", "`docs` must be an https URL"))
    for url in entry.sources:
        if not _is_http_url(url):
            problems.append(("sources", f"source {url!r} is not an http(s) URL"))
    problems.extend(("action", m) for m in _action_problems(entry.action))
    for where, part in _iter_parts(entry):
        problems.extend(("action", f"{where}: {m}") for m in _action_problems(part.action))
    if entry.kind == "image" and entry.lifecycle:
        for line in entry.lifecycle.lines:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", line.eol):
                problems.append(("lifecycle", f"eol of line {line.line!r} is not an ISO date"))
    return problems


_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?")


def _is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a dotted host and no spaces."""
    return isinstance(url, str) and _HTTP_URL.fullmatch(url) is not None


def _action_problems(action: str) -> list[str]:
    """An action is a short one-line phrase ("installs packages"), not a sentence."""
    if not action:
        return []
    if "\n" in action or len(action) > 80:
        return ["`action` must be one line of at most 80 characters"]
    if action != action.strip() or action.endswith("."):
        return ["`action` is a phrase: no surrounding spaces, no final period"]
    return []


def _iter_parts(entry: Entry):
    """Every nested part of an entry with a readable location, depth first."""
    stack = [
        (f"{group}.{name}", part)
        for group in ("options", "values", "subcommands", "variants")
        for name, part in getattr(entry, group).items()
    ]
    while stack:
        where, part = stack.pop()
        yield where, part
        for group in ("options", "values"):
            stack.extend((f"{where}.{group}.{n}", p) for n, p in getattr(part, group).items())


def load_file(path: Path) -> tuple[Entry | None, list[KnowledgeProblem]]:
    """Read one entry; on any problem return ``None`` and the problems found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [KnowledgeProblem(str(path), 1, f"cannot read: {exc}")]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _toml_error_line(str(exc))
        return None, [KnowledgeProblem(str(path), line, f"invalid TOML: {exc}")]
    try:
        entry = _converter.structure(raw, Entry)
    except Exception as exc:  # cattrs raises ClassValidationError groups
        return None, [_problem_from_cattrs(path, text, exc)]
    entry.source = str(path)
    problems = [KnowledgeProblem(str(path), _line_of(text, f), m) for f, m in _check(entry)]
    return (None if problems else entry), problems


def _toml_error_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _problem_from_cattrs(path: Path, text: str, exc: Exception) -> KnowledgeProblem:
    messages = []
    key = ""
    try:
        for message in cattrs.transform_error(exc):
            messages.append(message)
    except Exception:
        messages.append(str(exc))
    joined = "; ".join(messages) or str(exc)
    match = re.search(r"extra fields found \(([^)]*)\)|@ \$\.(\w+)", joined)
    if match:
        key = (match.group(1) or match.group(2) or "").split(",")[0].strip()
    return KnowledgeProblem(str(path), _line_of(text, key) if key else 1, f"schema: {joined}")


def iter_files(root: Path, kind: str | None = None) -> list[Path]:
    """TOML files of one kind's folder below ``root`` (or all of them), sorted."""
    base = root / FOLDER_OF_KIND[kind] if kind else root
    if not base.is_dir():
        return []
    return sorted(base.rglob("*.toml"))
