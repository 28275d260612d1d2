"""``docksense check``: lint Dockerfiles from the command line or CI.

``docksense check [PATH...] [--format text|json|sarif|github] [--fix] [--fail-level LEVEL]
[--select RULES] [--ignore RULES] [--min-severity LEVEL] [--statistics] [--knowledge DIR]``
lints each file given, every Dockerfile below each folder given (every common naming, see
:mod:`.check_discovery`; ``.git``, ``node_modules`` and ``.gitignore``d paths are not
entered), the current folder when no path is given, or stdin for ``-``.

``--select`` / ``--ignore`` take rule names, hadolint or ShellCheck codes and family names
(comma-separated, repeatable); ``--min-severity`` drops findings below a severity. A summary
line (problems by severity, files checked) closes every run on stderr, so stdout stays
machine-readable; ``--statistics`` prints one line per rule with its count instead of the
findings.

Exit status: 1 when a finding is at or above the fail level, 0 otherwise; 2 for bad usage,
a path that cannot be read, or folders holding no Dockerfile ("no Dockerfiles found under
DIR": a CI job that checks nothing must not pass); 3 when docksense itself failed on a file
(a bug): that file was not fully checked, so the run does not pass. Every error is one line
on stderr, never a traceback. The fail level is ``--fail-level``, else the
``failure-threshold`` of the ``.hadolint.yaml`` that applies to the file, else ``error``;
``no-fail: true`` in that file means the file never fails the run. ``--fix`` first rewrites
each file with its safe fixes, then reports what is left.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

import attrs

from .analysis import Analysis
from .check_discovery import PATTERNS, SKIP_DIRS, STDIN, discover, dockerfiles, is_dockerfile
from .check_formats import FORMATTERS, _display, _gh_data, _gh_property, sarif_document
from .features.code_actions import fix_all
from .rules import RULES, Finding, RuleConfig, canonical, run_rules
from .rules.hadolint_config import config_for
from .rules.model import SEVERITY_ORDER

__all__ = ["PATTERNS", "SKIP_DIRS", "Checked", "_gh_data", "_gh_property", "check_one", "discover",
           "is_dockerfile", "register", "run", "sarif_document"]

FORMATS = tuple(FORMATTERS)
FAIL_LEVELS = ("error", "warning", "info", "hint", "none")
SEVERITIES = ("error", "warning", "info", "hint")
_LEVEL_RANK = {"error": 3, "warning": 2, "info": 1, "hint": 0}
_FAMILIES = ("syntax", "buildkit", "practice", "shellcheck", "eol")
INTERNAL_ERROR = 3


@attrs.define
class Checked:
    """One linted document: where it came from, its analysis, and what remains."""

    name: str  # as shown to the user (the path as given or found, or <stdin>)
    analysis: Analysis
    findings: list[Finding]
    fail_level: str
    fixed: int = 0
    failed_rules: list[str] = attrs.Factory(list)  # rules that raised: the file is not fully checked


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


class _RuleFailures(logging.Handler):
    """Collects the rules the engine reports as failed (it logs and goes on with the others)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.failed: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "rule %s failed" and record.args:
            self.failed.append(str(record.args[0]))


def check_one(name: str, text: str, path: Optional[Path], config: RuleConfig, fix: bool,
              fail_option: Optional[str]) -> tuple[Checked, Optional[str]]:
    """Lint one text; with ``fix``, returns the fixed text to write back too."""
    watcher = _RuleFailures()
    engine_log = logging.getLogger("docksense.rules.engine")
    engine_log.addHandler(watcher)
    try:
        analysis = Analysis(text, path)
        fixed_text: Optional[str] = None
        applied = 0
        if fix:
            new_text, applied = fix_all(analysis, config)
            if applied and new_text != text:
                fixed_text = new_text
                analysis = Analysis(new_text, path)
        del watcher.failed[:]  # what counts is the last, reported run
        findings = run_rules(analysis, config)
    finally:
        engine_log.removeHandler(watcher)
    level = _fail_level(fail_option, path, config.search_from)
    return Checked(name, analysis, findings, level, applied, sorted(set(watcher.failed))), fixed_text


# -- selecting findings -----------------------------------------------------------------------
def _names(values: Optional[list[str]]) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


@attrs.frozen
class Selection:
    """``--select`` / ``--ignore`` / ``--min-severity``, resolved against the registry."""

    select: frozenset[str] = frozenset()  # rule names and families ("" when nothing selected)
    ignore: frozenset[str] = frozenset()
    min_rank: int = 0

    @classmethod
    def parse(cls, select: Optional[list[str]], ignore: Optional[list[str]],
              min_severity: Optional[str]) -> "Selection":
        from .cli_io import CliError

        def resolve(option: str, names: list[str]) -> frozenset[str]:
            out = set()
            for name in names:
                if name in _FAMILIES:
                    out.add(name)
                    continue
                rule = canonical(name)
                if rule is None and name.upper().startswith("SC") and name[2:].isdigit():
                    rule = name.upper()  # a ShellCheck code: registered when ShellCheck reports it
                if rule is None:
                    raise CliError(f"{option} {name}: no such rule, code or family")
                out.add(rule)
            return frozenset(out)

        rank = _LEVEL_RANK[min_severity] if min_severity else 0
        return cls(resolve("--select", _names(select)), resolve("--ignore", _names(ignore)), rank)

    def _matches(self, names: frozenset[str], finding: Finding) -> bool:
        rule = RULES.get(finding.rule)
        family = rule.family if rule is not None else ""
        return finding.rule in names or family in names

    def keeps(self, finding: Finding) -> bool:
        if SEVERITY_ORDER.get(finding.severity, 2) < self.min_rank:
            return False
        if self.select and not self._matches(self.select, finding):
            return False
        return not (self.ignore and self._matches(self.ignore, finding))

    def families(self) -> dict[str, bool]:
        """Families that need not run at all (a pure speed-up; findings are filtered anyway)."""
        off = {family: False for family in _FAMILIES if family in self.ignore}
        if self.select and not any(name.startswith("SC") or name in ("shellcheck", "ShellCheck",
                                                                      "ShellCheckUnavailable")
                                   for name in self.select):
            off["shellcheck"] = False
        return off


# -- what closes the run ------------------------------------------------------------------------
def summary(results: list[Checked]) -> str:
    counts = Counter(f.severity for item in results for f in item.findings)
    total = sum(counts.values())
    files = len(results)
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not total:
        return f"docksense: no problems in {checked}"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'information' else ''}"
             for s in ("error", "warning", "information", "hint") if counts[s]]
    return f"docksense: {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}"


def statistics(results: list[Checked]) -> str:
    """One line per rule: count, rule, its hadolint code and its default severity."""
    counts = Counter(f.rule for item in results for f in item.findings)
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = []
    for rule_name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = RULES.get(rule_name)
        code = ",".join(rule.aliases) if rule is not None and rule.aliases else ""
        summary_text = rule.summary if rule is not None else ""
        lines.append(f"{count:>{width}}  {rule_name}{f' ({code})' if code else ''}  {summary_text}".rstrip())
    return "".join(line + "\n" for line in lines)


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
    selection = Selection.parse(args.select, args.ignore, args.min_severity)
    names = dockerfiles(args.paths)
    if args.fix and STDIN in names:
        raise CliError("--fix cannot rewrite stdin; give file paths")
    sources = [(name, read_source(name)) for name in names]  # every read error before output
    cwd = Path.cwd()
    config = RuleConfig(search_from=cwd, knowledge=knowledge, families=selection.families())
    results: list[Checked] = []
    broken: list[str] = []
    for name, text in sources:
        path = None if name == STDIN else Path(name).absolute()
        try:
            checked, fixed_text = check_one(name, text, path, config, args.fix, args.fail_level)
        except RecursionError:
            broken.append(f"{_display(name)}: nested too deeply to analyse")
            continue
        except Exception as exc:  # a docksense bug: report it in one line, never pass the file
            broken.append(f"{_display(name)}: internal error ({type(exc).__name__}: {exc})")
            continue
        if checked.failed_rules:
            broken.append(f"{_display(name)}: internal error in {', '.join(checked.failed_rules)}; "
                          "the file was not fully checked")
        if fixed_text is not None and path is not None:
            try:
                path.write_bytes(fixed_text.encode("utf-8", "surrogateescape"))
            except OSError as exc:
                raise CliError(f"{name}: cannot write ({exc.strerror or exc})")
            print(f"docksense: {name}: applied {checked.fixed} fix(es)", file=sys.stderr)
        checked.findings = [f for f in checked.findings if selection.keeps(f)]
        results.append(checked)
    if knowledge is not None:
        for problem in knowledge.problems:
            print(f"docksense: warning: {problem}", file=sys.stderr)
    if args.statistics and args.format == "text":
        write_stdout(statistics(results))
    else:
        write_stdout(FORMATTERS[args.format](results))
    for line in broken:
        print(f"docksense: {line}", file=sys.stderr)
    print(summary(results), file=sys.stderr)
    if broken:
        return INTERNAL_ERROR
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
    parser.add_argument("--select", action="append", metavar="RULES",
                        help="only these rules, codes (DL3008, SC2086) or families, comma-separated")
    parser.add_argument("--ignore", action="append", metavar="RULES",
                        help="not these rules, codes or families, comma-separated")
    parser.add_argument("--min-severity", choices=SEVERITIES, default=None,
                        help="leave out findings below this severity")
    parser.add_argument("--statistics", action="store_true",
                        help="count the findings per rule instead of listing them (text format)")
    parser.add_argument("--knowledge", action="append", metavar="DIR", help="an extra knowledge directory (repeatable)")
    parser.set_defaults(run=run)
