"""Family ``shellcheck``: ShellCheck's findings inside RUN, on the exact characters.

One rule, ShellCheck, hands every script of the document (see :mod:`.scripts`) to ShellCheck
and reports each comment under its own code: ``SC2086`` is a rule name like any other, so
``rules.severity`` settings, ``# hadolint ignore=SC2086``, ``# check=skip=SC2086`` and
``.hadolint.yaml`` all accept it (a code is registered the first time ShellCheck reports
it, with ShellCheck's level as its default severity: error and warning stay so for parse
errors (SC1xxx), other errors become warnings since docksense keeps errors for what breaks
the build; info becomes information, style becomes hint). ShellCheck's own fixes become
quick fixes when every edit maps to one contiguous piece of the document. Without a
ShellCheck, ShellCheckUnavailable says once how to get one.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence

import attrs

from ..context import computed_once
from ..model import Edit, Finding, Fix
from ..registry import RULES, rule
from .executable import INSTALL_HINT, find_shellcheck
from .runner import RUNNER, Comment
from .scripts import Script, scripts_of

if TYPE_CHECKING:
    from ...analysis import Analysis

FAMILY = "shellcheck"
WIKI = "https://www.shellcheck.net/wiki/SC{code}"
_CODE = re.compile(r"SC\d{4}")
_LEVELS = {"error": "warning", "warning": "warning", "info": "information", "style": "hint"}
_register_lock = threading.Lock()


@attrs.define
class Options:
    """How the family runs: the settings, and whether to wait for ShellCheck."""

    enable: bool = True
    path: str = ""
    # seconds to wait for verdicts not yet cached (None: until they are in; 0: not at all)
    wait: Optional[float] = None
    # called (from a worker thread) when verdicts computed in the background are ready
    on_ready: Optional[Callable[[], None]] = None
    # folders whose executables are never run (the workspace folders)
    avoid: tuple[str, ...] = ()


OPTIONS = Options()


def configure(enable: bool = True, path: str = "", wait: Optional[float] = None,
              on_ready: Optional[Callable[[], None]] = None, avoid: tuple[str, ...] = ()) -> None:
    """Set how ShellCheck runs (the server: ``wait=0``, an ``on_ready`` that refreshes, and
    the workspace folders to ``avoid``)."""
    global OPTIONS
    OPTIONS = Options(enable, path, wait, on_ready, tuple(avoid))


def is_shellcheck_code(name: str) -> bool:
    """Whether a rule name is a ShellCheck code (those rules are registered as they appear)."""
    return bool(_CODE.fullmatch(name))


def _default_severity(code: int, level: str) -> str:
    if level == "error" and code < 2000:
        return "error"  # the shell cannot parse the script: the RUN fails
    return _LEVELS.get(level, "warning")


def code_rule(code: int, level: str, message: str) -> str:
    """The rule name of a ShellCheck code, registering it on first sight."""
    name = f"SC{code}"
    if name in RULES:
        return name
    with _register_lock:
        if name not in RULES:
            rule(name, family=FAMILY, severity=_default_severity(code, level),
                 summary=f"ShellCheck {name}: {message}")(_reported_by_shellcheck)
            RULES[name].docs_url = WIKI.format(code=code)
    return name


def _reported_by_shellcheck(analysis: "Analysis") -> list[Finding]:
    """SC rules produce nothing themselves: the ShellCheck rule reports under their names."""
    return []


@attrs.define
class _Pass:
    available: bool
    scripts: list[Script]
    verdicts: dict


_MEMO_KEY = "shellcheck.pass"


def _pass(analysis: "Analysis") -> _Pass:
    """The scripts and ShellCheck's verdicts, kept with the analysis once they are all in
    (while some are still being computed in the background, each run asks the cache again)."""
    memo = getattr(analysis, "memo", None)
    if memo is not None and _MEMO_KEY in memo:
        return memo[_MEMO_KEY]  # type: ignore[no-any-return]
    options = OPTIONS
    found = _Pass(True, [], {})
    if options.enable:
        scripts = computed_once(analysis, "shellcheck.scripts", lambda: scripts_of(analysis))
        if scripts:
            executable = find_shellcheck(options.path, options.avoid)
            if executable is None:
                found = _Pass(False, scripts, {})
            else:
                found = _Pass(True, scripts, RUNNER.check(executable, scripts, options.wait, options.on_ready))
    complete = all(script.key in found.verdicts for script in found.scripts) or not found.available
    if memo is not None and complete:
        memo[_MEMO_KEY] = found
    return found


@functools.lru_cache(maxsize=1024)
def _offsets(text: str) -> tuple[int, ...]:
    """Where each line of a script starts. Found with ``str.find`` (not a loop over every
    character) and remembered by the script's text: on an edit only the edited RUN's script
    is new, every other script's line starts come from the cache."""
    starts = [0]
    find = text.find
    index = find("\n")
    while index != -1:
        starts.append(index + 1)
        index = find("\n", index + 1)
    return tuple(starts)


def _offset(starts: Sequence[int], text: str, line: int, column: int) -> int:
    line = min(max(line, 1), len(starts))
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    return min(start + max(column, 1) - 1, end)


def _fix(comment: Comment, script: Script, starts: Sequence[int]) -> Optional[Fix]:
    if not comment.fix:
        return None
    edits = []
    for rep in comment.fix:
        start = _offset(starts, script.text, rep.line, rep.column)
        end = _offset(starts, script.text, rep.end_line, rep.end_column)
        if end < start or (end > start and not script.mapping.exact(start, end)):
            return None
        doc_start, doc_end = script.mapping.span(start, end)
        edits.append(Edit(doc_start, doc_end, rep.text))
    edits.sort(key=lambda e: (e.start, e.end))
    if any(b.start < a.end for a, b in zip(edits, edits[1:])):
        return None
    return Fix(f"Apply ShellCheck's fix for SC{comment.code}", edits, preferred=True, safe=False)


@rule("ShellCheck", family=FAMILY, severity="warning", fixable=True,
      summary="ShellCheck's findings in the shell code of RUN, heredocs and shell-form commands.")
def check_shellcheck(analysis: "Analysis") -> Iterator[Finding]:
    """Each ShellCheck comment, under its SC code, on the characters it concerns."""
    found = _pass(analysis)
    for script in found.scripts:
        comments = found.verdicts.get(script.key)
        if not comments:
            continue
        starts = _offsets(script.text)
        for comment in comments:
            name = code_rule(comment.code, comment.level, comment.message)
            start = _offset(starts, script.text, comment.line, comment.column)
            end = _offset(starts, script.text, comment.end_line, comment.end_column)
            doc_start, doc_end = script.mapping.span(start, max(start, end))
            yield Finding(name, f"{comment.message} (ShellCheck {name})", doc_start, doc_end,
                          fix=_fix(comment, script, starts), instruction_line=script.instruction.line)


@rule("ShellCheckUnavailable", family=FAMILY, severity="information",
      summary="ShellCheck is not installed, so shell code is not checked.")
def check_shellcheck_unavailable(analysis: "Analysis") -> Iterator[Finding]:
    found = _pass(analysis)
    if found.available or not found.scripts:
        return
    ins = found.scripts[0].instruction
    yield Finding("ShellCheckUnavailable", INSTALL_HINT, ins.keyword_start, ins.keyword_end,
                  instruction_line=ins.line)
