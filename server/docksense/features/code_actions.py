"""Code actions: the fix a diagnostic carries, ignore comments, and fix-all.

* **Quick fix**: each docksense diagnostic whose ``data`` carries a fix (see
  :func:`docksense.features.diagnostics.fix_data`) becomes an action, preferred when the
  rule says so. The edits come from ``data``; no second analysis is needed. The data's
  fingerprint is compared with the current text so that a fix computed for an older version
  is never applied to a newer one.
* **Ignore <rule> for this instruction**: writes ``# check=skip=<Rule>`` into the comment
  block above the instruction (extending the ``check`` comment already there, since BuildKit
  reads only the first one). BuildKit honours it since Dockerfile frontend 1.21, except for
  the checks it runs with the file's directive only (``FILE_SCOPED_CHECKS``): for those the
  title says it silences docksense only. When the file already uses hadolint pragmas and the rule has a
  hadolint code, ``# hadolint ignore=DLxxxx`` goes on the line directly above instead (the
  only line hadolint reads).
* **Ignore <rule> in this file**: adds the rule to the ``# check=skip=`` parser directive,
  creating it among the directives at the top of the file.
* **source.fixAll.docksense**: every safe fix at once, computed from the analysis and
  re-run until no safe fix is left (or :data:`MAX_PASSES`), so applying it twice changes
  nothing the second time. :func:`fix_all_text` is the same for the command line.

Errors of the syntax family get no ignore actions: a comment cannot make BuildKit accept
the file (see :func:`docksense.rules.suppressions.unsilenceable`).
"""

from __future__ import annotations

import bisect
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from lsprotocol import types

from ..analysis import Analysis
from ..rules import RULES, Edit, Finding, Fix, Rule, RuleConfig, run_rules
from ..rules.hadolint_config import config_for
from ..rules.suppressions import (
    BUILDKIT,
    CheckValue,
    buildkit_reads_local_skip,
    CommentIndex,
    effective_value,
    line_break,
    parse_pragma,
    read_directive_block,
    unsilenceable,
    uses_hadolint_pragmas,
)
from ..settings import Settings
from .diagnostics import SOURCE, fingerprint, rule_config
from .positions import to_offset, to_range

FIX_ALL_KIND = "source.fixAll.docksense"
QUICK_FIX = types.CodeActionKind.QuickFix
KINDS = [QUICK_FIX, FIX_ALL_KIND]
MAX_PASSES = 10


# -- applying fixes ---------------------------------------------------------------------
def _conflict(a: Edit, b: Edit) -> bool:
    """Edits conflict when they overlap, or when one is an insertion at the other's span
    (the result would depend on the order they are applied in)."""
    if a.start < b.end and b.start < a.end:
        return True
    if a.start == a.end or b.start == b.end:
        return a.start <= b.end and b.start <= a.end
    return False


class _EditSet:
    """Edits that do not conflict with each other, sorted, with a conflict test that looks
    only at the neighbours that can conflict (non-conflicting edits have non-decreasing
    ends once sorted by start), so choosing among n fixes is n log n, not n squared."""

    def __init__(self) -> None:
        self._starts: list[tuple[int, int]] = []
        self._edits: list[Edit] = []

    def conflicts(self, edit: Edit) -> bool:
        index = bisect.bisect_right(self._starts, (edit.end, sys.maxsize))
        while index > 0:
            index -= 1
            other = self._edits[index]
            if other.end < edit.start:
                return False
            if _conflict(edit, other):
                return True
        return False

    def add(self, edit: Edit) -> None:
        key = (edit.start, edit.end)
        index = bisect.bisect_right(self._starts, key)
        self._starts.insert(index, key)
        self._edits.insert(index, edit)


def select_fixes(fixes: Sequence[Fix]) -> list[Fix]:
    """A set of fixes whose edits do not conflict, earliest first."""
    chosen: list[Fix] = []
    taken = _EditSet()
    ordered = sorted(fixes, key=lambda f: min((e.start for e in f.edits), default=0))
    for fix in ordered:
        if not fix.edits:
            continue
        if any(taken.conflicts(mine) for mine in fix.edits):
            continue
        own = _EditSet()
        clash = False
        for mine in fix.edits:
            if own.conflicts(mine):
                clash = True
                break
            own.add(mine)
        if clash:
            continue
        chosen.append(fix)
        for mine in fix.edits:
            taken.add(mine)
    return chosen


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text after non-conflicting edits, in one pass over the text (linear in its size plus
    the edits, not a new copy of the whole text per edit)."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start = max(edit.start, cursor)  # an overlapping edit starts where the last one ended
        pieces.append(text[cursor:start])
        pieces.append(edit.new_text)
        cursor = max(cursor, edit.end)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _safe_fixes(findings: Sequence[Finding]) -> list[Fix]:
    return [f.fix for f in findings if f.fix is not None and f.fix.safe and f.fix.edits]


def fix_all(analysis: Analysis, config: Optional[RuleConfig] = None,
            max_passes: int = MAX_PASSES) -> tuple[str, int]:
    """Apply every safe fix, re-analysing after each pass; returns (text, fixes applied)."""
    text = analysis.text
    applied = 0
    current = analysis
    for _ in range(max_passes):
        chosen = select_fixes(_safe_fixes(run_rules(current, config)))
        if not chosen:
            break
        new_text = apply_edits(text, [e for fix in chosen for e in fix.edits])
        if new_text == text:
            break
        text = new_text
        applied += len(chosen)
        current = Analysis(text, analysis.path)
    return text, applied


def fix_all_text(text: str, path: Optional[Path] = None, config: Optional[RuleConfig] = None,
                 max_passes: int = MAX_PASSES) -> tuple[str, int]:
    """:func:`fix_all` for a text (``docksense check --fix``)."""
    return fix_all(Analysis(text, path), config, max_passes)


def minimal_edit(old: str, new: str) -> Edit:
    """One edit turning ``old`` into ``new``: the differing middle, never inside a CRLF."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    # keep "\r\n" whole: a position between the two characters has no LSP representation
    if 0 < prefix and old[prefix - 1] == "\r":
        prefix -= 1
    if 0 < suffix and old[len(old) - suffix] == "\n" and old[len(old) - suffix - 1 : len(old) - suffix] == "\r":
        suffix -= 1
    return Edit(prefix, len(old) - suffix, new[prefix : len(new) - suffix])


# -- ignore comments ----------------------------------------------------------------------
def _line_start(text: str, offset: int) -> int:
    start = text.rfind("\n", 0, offset) + 1
    if start == 0 and text.startswith("\ufeff"):
        start = 1
    return start


def _indent(text: str, line_start: int, offset: int) -> str:
    prefix = text[line_start:offset]
    return prefix if not prefix.strip() else ""


def extend_check(check: CheckValue, name: str) -> Optional[Edit]:
    """An edit adding ``name`` to the ``skip`` option of a ``check`` value.

    None when the value is invalid (BuildKit ignores it, so extending it has no effect) or
    says ``skip=all``: ``all,Name`` would make BuildKit read ``all`` as a rule name.
    """
    if check.options is None:
        return None
    used = effective_value(check.value)
    offset = 0
    for part in used.split(";", 2):
        key, _, option = part.partition("=")
        if key.strip() == "skip":
            if option.strip() == "all":
                return None
            if name in {n.strip() for n in option.split(",")}:
                return None
            at = check.value_start + offset + len(part.rstrip())
            separator = "," if option.strip() else ""
            return Edit(at, at, separator + name)
        offset += len(part) + 1
    return Edit(check.value_start, check.value_start, f"skip={name};")


class _CommentFacts:
    """What every ignore action of one document version reads: the comment index, the
    directive block, whether hadolint pragmas are in use and honoured, the global pragma.

    Computed once per analysis (see :func:`_facts`): building them per diagnostic made code
    actions over a file with thousands of findings quadratic.
    """

    def __init__(self, analysis: Analysis):
        tree, text = analysis.tree, analysis.text
        self.comments = CommentIndex(tree)
        self.block = read_directive_block(text)
        self.newline = line_break(text)
        self.uses_pragmas = uses_hadolint_pragmas(tree)
        self._analysis = analysis
        self._honoured: Optional[bool] = None
        self._global_pragma: Any = False  # not looked for yet

    @property
    def pragmas_honoured(self) -> bool:
        """False when the project's ``.hadolint.yaml`` says ``disable-ignore-pragma: true``."""
        if self._honoured is None:
            config = config_for(self._analysis.path)
            self._honoured = not (config is not None and config.disable_ignore_pragma)
        return self._honoured

    @property
    def global_pragma(self) -> Any:
        """The first ``# hadolint global ignore=`` pragma of the file, or None."""
        if self._global_pragma is False:
            found = None
            text = self._analysis.text
            for comment in self._analysis.tree.comments:
                pragma = parse_pragma(text, comment)
                if pragma is not None and pragma.is_global:
                    found = pragma
                    break
            self._global_pragma = found
        return self._global_pragma


def _facts(analysis: Analysis) -> _CommentFacts:
    memo = getattr(analysis, "memo", None)
    if memo is None:
        return _CommentFacts(analysis)
    facts = memo.get("code_actions.comment_facts")
    if facts is None:
        facts = memo["code_actions.comment_facts"] = _CommentFacts(analysis)
    return facts  # type: ignore[return-value]


def _pragmas_honoured(analysis: Analysis) -> bool:
    """False when the project's ``.hadolint.yaml`` says ``disable-ignore-pragma: true``."""
    return _facts(analysis).pragmas_honoured


def ignore_instruction_edit(analysis: Analysis, rule: Rule, offset: int) -> Optional[Edit]:
    """The edit that silences ``rule`` for the instruction at ``offset`` only."""
    tree = analysis.tree
    text = analysis.text
    ins = tree.instruction_at(offset)
    if ins is None:
        return None
    facts = _facts(analysis)
    comments = facts.comments
    newline = facts.newline
    line_start = _line_start(text, ins.start)
    indent = _indent(text, line_start, ins.start)
    if rule.aliases and facts.uses_pragmas and facts.pragmas_honoured:
        code = rule.aliases[0]
        above = comments.by_line.get(ins.line - 1)
        pragma = parse_pragma(text, above) if above is not None else None
        if pragma is not None and not pragma.is_global:
            return Edit(pragma.list_end, pragma.list_end, "," + code)
        return Edit(line_start, line_start, f"{indent}# hadolint ignore={code}{newline}")
    existing = comments.check_comment(ins)
    if existing is not None:
        return extend_check(existing, rule.name)
    block = facts.block
    # a "#!" first line is no comment of the instruction's
    run = [c for c in comments.lines_above(ins) if c.start >= block.start]
    # an empty "#" line restarts BuildKit's comment block: write below the last one
    empty = [i for i, c in enumerate(run) if not c.text]
    if empty:
        run = run[empty[-1] + 1 :]
    at = _line_start(text, run[0].start) if run else line_start
    # a "# check=" line with only directives above it would be read as the file's directive:
    # a blank line first ends the directives (and does not cut the comment block in BuildKit)
    prefix = newline if at <= block.insert_at else ""
    return Edit(at, at, f"{prefix}{indent}# check=skip={rule.name}{newline}")


def ignore_instruction_title(analysis: Analysis, rule: Rule) -> str:
    """The title of the instruction-level ignore action, honest about who will obey it.

    BuildKit (Dockerfile frontend 1.21+) reads ``# check=skip=`` above an instruction, except
    for the checks it runs with the file's directive only; it never reads hadolint pragmas.
    """
    title = f"Ignore {rule.name} for this instruction"
    if rule.family != BUILDKIT:
        return title
    facts = _facts(analysis)
    if rule.aliases and facts.uses_pragmas and facts.pragmas_honoured:
        return f"{title} (hadolint pragma: BuildKit still reports it)"
    if not buildkit_reads_local_skip(rule):
        return f"{title} (docksense only: BuildKit reads this check from the file's directive)"
    return title


def ignore_file_edit(analysis: Analysis, rule: Rule) -> Optional[Edit]:
    """The edit that silences ``rule`` in the whole file (the ``check`` parser directive)."""
    text = analysis.text
    facts = _facts(analysis)
    newline = facts.newline
    block = facts.block
    if block.check is None:
        at = block.insert_at
        prefix = newline if at == len(text) and text and not text.endswith("\n") else ""
        return Edit(at, at, f"{prefix}# check=skip={rule.name}{newline}")
    if block.check.options is None:
        return None
    edit = extend_check(block.check, rule.name)
    if edit is not None or (rule.family == BUILDKIT and not rule.experimental):
        return edit
    # "skip=all" covers BuildKit checks only; a hadolint global pragma covers the others
    if not facts.pragmas_honoured:
        return None
    code = rule.aliases[0] if rule.aliases else rule.name
    pragma = facts.global_pragma
    if pragma is not None:
        return Edit(pragma.list_end, pragma.list_end, "," + code)
    at = block.insert_at
    prefix = newline if at == len(text) and text and not text.endswith("\n") else ""
    return Edit(at, at, f"{prefix}# hadolint global ignore={code}{newline}")


# -- LSP conversion -------------------------------------------------------------------------
def _position(raw: Any) -> Optional[types.Position]:
    if not isinstance(raw, dict):
        return None
    line, character = raw.get("line"), raw.get("character")
    if not isinstance(line, int) or not isinstance(character, int) or line < 0 or character < 0:
        return None
    return types.Position(line, character)


def _range(raw: Any) -> Optional[types.Range]:
    if isinstance(raw, types.Range):
        return raw
    if not isinstance(raw, dict):
        return None
    start, end = _position(raw.get("start")), _position(raw.get("end"))
    if start is None or end is None:
        return None
    return types.Range(start, end)


def _text_edit(analysis: Analysis, edit: Edit, encoding: str) -> types.TextEdit:
    return types.TextEdit(range=to_range(analysis.lines, edit.start, edit.end, encoding), new_text=edit.new_text)


def _workspace_edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def _our_data(diagnostic: types.Diagnostic) -> Optional[dict[str, Any]]:
    data = diagnostic.data
    if diagnostic.source != SOURCE or not isinstance(data, dict):
        return None
    if not isinstance(data.get("rule"), str):
        return None
    return data


def _inside(analysis: Analysis, r: types.Range) -> bool:
    lines = analysis.lines
    return r.start.line < lines.line_count and r.end.line < lines.line_count and (
        (r.start.line, r.start.character) <= (r.end.line, r.end.character)
    )


def quick_fix(analysis: Analysis, diagnostic: types.Diagnostic, data: dict[str, Any], encoding: str,
              uri: str) -> Optional[types.CodeAction]:
    """The fix carried in ``data``, if it still applies to the current text."""
    fix = data.get("fix")
    if not isinstance(fix, dict) or not isinstance(fix.get("edits"), list) or not fix["edits"]:
        return None
    edits: list[types.TextEdit] = []
    for raw in fix["edits"]:
        r = _range(raw.get("range")) if isinstance(raw, dict) else None
        new_text = raw.get("newText") if isinstance(raw, dict) else None
        if r is None or not isinstance(new_text, str) or not _inside(analysis, r):
            return None
        edits.append(types.TextEdit(range=r, new_text=new_text))
    if not _inside(analysis, diagnostic.range):
        return None
    expected = data.get("fingerprint")
    if isinstance(expected, str):
        spans = [
            (to_offset(analysis.lines, r.start, encoding), to_offset(analysis.lines, r.end, encoding))
            for r in [diagnostic.range, *(e.range for e in edits)]
        ]
        if fingerprint(analysis.text, spans) != expected:
            return None
    title = fix.get("title") if isinstance(fix.get("title"), str) else f"Fix {data['rule']}"
    return types.CodeAction(
        title=title,
        kind=QUICK_FIX,
        diagnostics=[diagnostic],
        is_preferred=True if fix.get("preferred") else None,
        edit=_workspace_edit(uri, edits),
    )


def ignore_actions(analysis: Analysis, diagnostic: types.Diagnostic, rule: Rule, encoding: str,
                   uri: str) -> list[types.CodeAction]:
    if unsilenceable(rule) or not _inside(analysis, diagnostic.range):
        return []
    offset = to_offset(analysis.lines, diagnostic.range.start, encoding)
    out = []
    for title, edit in (
        (ignore_instruction_title(analysis, rule), ignore_instruction_edit(analysis, rule, offset)),
        (f"Ignore {rule.name} in this file", ignore_file_edit(analysis, rule)),
    ):
        if edit is not None:
            out.append(types.CodeAction(
                title=title,
                kind=QUICK_FIX,
                diagnostics=[diagnostic],
                edit=_workspace_edit(uri, [_text_edit(analysis, edit, encoding)]),
            ))
    return out


def fix_all_action(analysis: Analysis, settings: Settings, encoding: str, uri: str) -> Optional[types.CodeAction]:
    new_text, applied = fix_all(analysis, rule_config(settings))
    if not applied or new_text == analysis.text:
        return None
    edit = minimal_edit(analysis.text, new_text)
    return types.CodeAction(
        title="Fix all auto-fixable docksense problems",
        kind=FIX_ALL_KIND,
        edit=_workspace_edit(uri, [_text_edit(analysis, edit, encoding)]),
    )


def _kind(kind: object) -> str:
    """A code action kind as its wire string (``str()`` of an enum member is its name)."""
    return str(getattr(kind, "value", kind))


def _wanted(only: Optional[Sequence[str]], kind: object) -> bool:
    """LSP's ``only`` filter: a requested kind matches itself and its sub-kinds."""
    if not only:
        return True
    wanted = _kind(kind)
    return any(k == "" or wanted == k or wanted.startswith(f"{k}.") for k in only)


def _has_safe_fix(diagnostics: Sequence[types.Diagnostic]) -> bool:
    for diagnostic in diagnostics:
        data = _our_data(diagnostic)
        fix = data.get("fix") if data else None
        if isinstance(fix, dict) and fix.get("safe", True):
            return True
    return False


def code_actions(analysis: Analysis, params: types.CodeActionParams, settings: Settings,
                 encoding: str = "utf-16", uri: Optional[str] = None) -> list[types.CodeAction]:
    """The actions for ``textDocument/codeAction``."""
    if not settings.diagnostics.enable:
        return []
    uri = uri or params.text_document.uri
    context = params.context
    only = [_kind(k) for k in context.only] if context.only else None
    out: list[types.CodeAction] = []
    if _wanted(only, QUICK_FIX):
        for diagnostic in context.diagnostics:
            data = _our_data(diagnostic)
            if data is None:
                continue
            action = quick_fix(analysis, diagnostic, data, encoding, uri)
            if action is not None:
                out.append(action)
            rule = RULES.get(data["rule"])
            if rule is not None:
                out.extend(ignore_actions(analysis, diagnostic, rule, encoding, uri))
    # fix-all is computed when asked for (on save, from the source menu) or when the cursor
    # is on a fixable diagnostic: not on every cursor move
    explicitly = bool(only) and any(k != "" for k in only)
    if _wanted(only, FIX_ALL_KIND) and (explicitly or _has_safe_fix(context.diagnostics)):
        action = fix_all_action(analysis, settings, encoding, uri)
        if action is not None:
            out.append(action)
    return out
