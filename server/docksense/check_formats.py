"""Output formats of ``docksense check``: text, JSON, SARIF 2.1.0, GitHub annotations.

``text`` is ``path:line:col: severity Rule: message`` (1-based, columns in characters);
``json`` gives LSP-style 0-based ranges in UTF-16 units, with the fix; ``sarif`` is what
code-scanning services read; ``github`` is workflow commands that annotate a pull request.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from . import __version__
from .analysis import Analysis
from .features.positions import to_range
from .rules import RULES

if TYPE_CHECKING:
    from .check_command import Checked

INFORMATION_URI = "https://github.com/docksense/docksense"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
STDIN = "-"


# -- output ---------------------------------------------------------------------------------
def _display(name: str) -> str:
    return "<stdin>" if name == STDIN else name


def _uri(name: str) -> str:
    """A SARIF artifact location: relative to the working folder with forward slashes."""
    if name == STDIN:
        return "stdin"
    absolute = os.path.abspath(name)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return Path(absolute).as_uri()
    if relative.startswith(".."):
        return Path(absolute).as_uri()
    return PurePath(relative).as_posix()


def _github_path(name: str) -> str:
    """A file path for a GitHub annotation: relative to the working folder (the checkout) when
    inside it, else absolute; forward slashes, never a URI."""
    if name == STDIN:
        return "stdin"
    absolute = os.path.abspath(name)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:
        return PurePath(absolute).as_posix()
    return PurePath(absolute if relative.startswith("..") else relative).as_posix()


def _one_based(analysis: Analysis, offset: int) -> tuple[int, int]:
    line, column = analysis.lines.position(offset, "utf-32")
    return line + 1, column + 1


def _range_json(analysis: Analysis, start: int, end: int) -> dict[str, Any]:
    r = to_range(analysis.lines, start, end, "utf-16")
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def format_text(results: list["Checked"]) -> str:
    out = []
    for item in results:
        for f in item.findings:
            line, column = _one_based(item.analysis, f.start)
            out.append(f"{_display(item.name)}:{line}:{column}: {f.severity} {f.rule}: {f.message}")
    return "".join(line + "\n" for line in out)


def format_json(results: list["Checked"]) -> str:
    out = []
    for item in results:
        for f in item.findings:
            out.append({
                "path": _display(item.name),
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "range": _range_json(item.analysis, f.start, f.end),
                "fix": None if f.fix is None else {
                    "title": f.fix.title,
                    "preferred": f.fix.preferred,
                    "safe": f.fix.safe,
                    "edits": [
                        {"range": _range_json(item.analysis, e.start, e.end), "newText": e.new_text}
                        for e in f.fix.edits
                    ],
                },
            })
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def sarif_document(results: list["Checked"]) -> dict[str, Any]:
    """SARIF 2.1.0: every registered rule in ``tool.driver.rules``, one result per finding."""
    rules = sorted(RULES.values(), key=lambda r: r.name)
    index = {r.name: i for i, r in enumerate(rules)}
    descriptors = []
    for r in rules:
        descriptor: dict[str, Any] = {
            "id": r.name,
            "name": r.name,
            "shortDescription": {"text": r.summary or r.name},
            "defaultConfiguration": {"level": _SARIF_LEVEL.get(r.severity, "warning")},
            "properties": {"family": r.family, "tags": [r.family]},
        }
        if r.docs_url:
            descriptor["helpUri"] = r.docs_url
        if r.aliases:
            descriptor["properties"]["aliases"] = list(r.aliases)
        descriptors.append(descriptor)
    sarif_results = []
    for item in results:
        for f in item.findings:
            start_line, start_col = _sarif_position(item.analysis, f.start)
            end_line, end_col = _sarif_position(item.analysis, max(f.start, f.end))
            result: dict[str, Any] = {
                "ruleId": f.rule,
                "level": _SARIF_LEVEL.get(f.severity, "warning"),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(item.name)},
                        "region": {
                            "startLine": start_line,
                            "startColumn": start_col,
                            "endLine": end_line,
                            "endColumn": end_col,
                        },
                    }
                }],
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            sarif_results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "docksense",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "columnKind": "utf16CodeUnits",
            "results": sarif_results,
        }],
    }


def _sarif_position(analysis: Analysis, offset: int) -> tuple[int, int]:
    line, character = analysis.lines.position(offset, "utf-16")
    return line + 1, character + 1


def format_sarif(results: list["Checked"]) -> str:
    return json.dumps(sarif_document(results), indent=2, ensure_ascii=False) + "\n"


_GITHUB_COMMAND = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(results: list["Checked"]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    out = []
    for item in results:
        for f in item.findings:
            line, column = _one_based(item.analysis, f.start)
            end_line, end_column = _one_based(item.analysis, max(f.start, f.end))
            name = _github_path(item.name)
            command = _GITHUB_COMMAND.get(f.severity, "warning")
            out.append(
                f"::{command} file={_gh_property(name)},line={line},col={column},"
                f"endLine={end_line},endColumn={end_column},title={_gh_property(f.rule)}::{_gh_data(f.message)}"
            )
    return "".join(line + "\n" for line in out)


FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif, "github": format_github}


