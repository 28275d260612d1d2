"""``docksense check``: lint Dockerfiles from the command line or CI.

``docksense check [PATH...] [--format text|json|sarif|github] [--fix] [--fail-level LEVEL]
[--knowledge DIR]`` lints each file given, every Dockerfile below each folder given
(``Dockerfile``, ``Dockerfile.*``, ``*.Dockerfile``, ``*.dockerfile``, ``Containerfile``;
``.git`` and ``node_modules`` are not entered), the current folder when no path is given,
or stdin for ``-``.

Exit status: 1 when a finding is at or above the fail level, 0 otherwise, 2 for bad usage or
a path that cannot be read (one line on stderr, never a traceback). The fail level is
``--fail-level``, else the ``failure-threshold`` of the ``.hadolint.yaml`` that applies to
the file, else ``error``; ``no-fail: true`` in that file means the file never fails the run.

Output formats: ``text`` (``path:line:col: severity Rule: message``, 1-based, columns in
characters), ``json`` (LSP-style 0-based ranges in UTF-16 units, with the fix), ``sarif``
(SARIF 2.1.0 as code-scanning services read it) and ``github`` (workflow commands that
annotate a pull request). ``--fix`` first rewrites each file with its safe fixes, then
reports what is left.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from fnmatch import fnmatchcase
from pathlib import Path, PurePath
from typing import Any, Optional

import attrs

from . import __version__
from .analysis import Analysis
from .features.code_actions import fix_all
from .features.positions import to_range
from .rules import RULES, Finding, RuleConfig, run_rules
from .rules.hadolint_config import config_for
from .rules.model import SEVERITY_ORDER

FORMATS = ("text", "json", "sarif", "github")
FAIL_LEVELS = ("error", "warning", "info", "hint", "none")
_LEVEL_RANK = {"error": 3, "warning": 2, "info": 1, "hint": 0}
SKIP_DIRS = frozenset({".git", "node_modules"})
PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile")
INFORMATION_URI = "https://github.com/docksense/docksense"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
STDIN = "-"


@attrs.define
class Checked:
    """One linted document: where it came from, its analysis, and what remains."""

    name: str  # as shown to the user (the path as given or found, or <stdin>)
    analysis: Analysis
    findings: list[Finding]
    fail_level: str
    fixed: int = 0


def is_dockerfile(name: str) -> bool:
    """Whether a file name looks like a Dockerfile (``Dockerfile.dockerignore`` does not)."""
    if name.endswith(".dockerignore"):
        return False
    return any(fnmatchcase(name, pattern) for pattern in PATTERNS)


def discover(paths: list[str]) -> list[str]:
    """The files to lint, in a stable order; a missing path is a usage error."""
    from .cli_io import CliError

    out: list[str] = []
    seen: set[str] = set()
    for raw in paths or ["."]:
        if raw == STDIN:
            if STDIN not in seen:
                out.append(STDIN)
                seen.add(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, onerror=_walk_error):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for filename in sorted(filenames):
                    if is_dockerfile(filename):
                        found = os.path.join(dirpath, filename)
                        key = os.path.normpath(os.path.abspath(found))
                        if key not in seen:
                            seen.add(key)
                            out.append(os.path.normpath(found))
        elif path.exists():
            key = os.path.normpath(os.path.abspath(raw))
            if key not in seen:
                seen.add(key)
                out.append(raw)
        else:
            raise CliError(f"{raw}: no such file or directory")
    return out


def _walk_error(error: OSError) -> None:
    from .cli_io import CliError

    raise CliError(f"{error.filename}: cannot read ({error.strerror or error})")


def _fail_level(option: Optional[str], path: Optional[Path], search_from: Optional[Path]) -> str:
    if option:
        return option
    config = config_for(path, search_from=search_from)
    if config is not None:
        if config.no_fail:
            return "none"
        if config.failure_threshold:
            return config.failure_threshold
    return "error"


def fails(finding: Finding, level: str) -> bool:
    """Whether a finding is at or above ``level`` (a ``--fail-level`` value)."""
    if level == "none":
        return False
    rank = SEVERITY_ORDER.get(finding.severity, 2)
    return rank >= _LEVEL_RANK[level]


def check_one(name: str, text: str, path: Optional[Path], config: RuleConfig, fix: bool,
              fail_option: Optional[str]) -> tuple[Checked, Optional[str]]:
    """Lint one text; with ``fix``, returns the fixed text to write back too."""
    analysis = Analysis(text, path)
    fixed_text: Optional[str] = None
    applied = 0
    if fix:
        new_text, applied = fix_all(analysis, config)
        if applied and new_text != text:
            fixed_text = new_text
            analysis = Analysis(new_text, path)
    findings = run_rules(analysis, config)
    level = _fail_level(fail_option, path, config.search_from)
    return Checked(name, analysis, findings, level, applied), fixed_text


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


def format_text(results: list[Checked]) -> str:
    out = []
    for item in results:
        for f in item.findings:
            line, column = _one_based(item.analysis, f.start)
            out.append(f"{_display(item.name)}:{line}:{column}: {f.severity} {f.rule}: {f.message}")
    return "".join(line + "\n" for line in out)


def format_json(results: list[Checked]) -> str:
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


def sarif_document(results: list[Checked]) -> dict[str, Any]:
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


def format_sarif(results: list[Checked]) -> str:
    return json.dumps(sarif_document(results), indent=2, ensure_ascii=False) + "\n"


_GITHUB_COMMAND = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(results: list[Checked]) -> str:
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


# -- the command ------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    from .cli_io import CliError, read_source, write_stdout

    knowledge = None
    if args.knowledge:
        from .knowledge import KnowledgeBase

        roots = []
        for folder in args.knowledge:
            if not Path(folder).is_dir():
                raise CliError(f"--knowledge {folder}: not a directory")
            roots.append(Path(folder))
        knowledge = KnowledgeBase(roots)
    names = discover(list(args.paths))
    if args.fix and STDIN in names:
        raise CliError("--fix cannot rewrite stdin; give file paths")
    sources = [(name, read_source(name)) for name in names]  # every read error before output
    cwd = Path.cwd()
    config = RuleConfig(search_from=cwd, knowledge=knowledge)
    results: list[Checked] = []
    for name, text in sources:
        path = None if name == STDIN else Path(name).absolute()
        checked, fixed_text = check_one(name, text, path, config, args.fix, args.fail_level)
        if fixed_text is not None and path is not None:
            try:
                path.write_bytes(fixed_text.encode("utf-8", "surrogateescape"))
            except OSError as exc:
                raise CliError(f"{name}: cannot write ({exc.strerror or exc})")
            print(f"docksense: {name}: applied {checked.fixed} fix(es)", file=sys.stderr)
        results.append(checked)
    if knowledge is not None:
        for problem in knowledge.problems:
            print(f"docksense: warning: {problem}", file=sys.stderr)
    write_stdout(FORMATTERS[args.format](results))
    failed = any(fails(f, item.fail_level) for item in results for f in item.findings)
    return 1 if failed else 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check",
        help="lint Dockerfiles (text, JSON, SARIF or GitHub annotations)",
        description="Lint Dockerfiles: files, folders (searched for Dockerfiles) or - for stdin.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .), or - for stdin")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what remains")
    parser.add_argument(
        "--fail-level", choices=FAIL_LEVELS, default=None,
        help="exit 1 when a finding is at or above this severity "
             "(default: .hadolint.yaml failure-threshold, else error)",
    )
    parser.add_argument("--knowledge", action="append", metavar="DIR", help="an extra knowledge directory (repeatable)")
    parser.set_defaults(run=run)
