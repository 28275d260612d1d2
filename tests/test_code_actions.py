"""Code actions as plain functions: quick fixes from diagnostic data, ignore comments that
leave a valid file, and an idempotent fix-all."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from lsprotocol import types

from docksense.analysis import Analysis
from docksense.features.code_actions import (
    FIX_ALL_KIND,
    apply_edits,
    code_actions,
    fix_all_text,
    ignore_file_edit,
    ignore_instruction_edit,
    ignore_instruction_title,
    minimal_edit,
)
from docksense.features.diagnostics import diagnostics
from docksense.rules import RULES, RuleConfig, run_rules
from docksense.rules.model import Rule
from docksense.settings import Settings, parse_settings
from docksense.syntax import LineIndex

from .fake_rules import APT, CASING, SYNTAX_WARNING, TRAILING, TRAILING_ALL, UNSAFE, isolated

URI = "file:///work/Dockerfile"


@pytest.fixture(autouse=True)
def fake_rules():
    with isolated():
        yield


def params(diags, only=None, trigger=None) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        range=diags[0].range if diags else types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=diags, only=only, trigger_kind=trigger),
    )


def client_roundtrip(diag: types.Diagnostic) -> types.Diagnostic:
    """What comes back from a client: data as plain JSON."""
    diag.data = json.loads(json.dumps(diag.data))
    return diag


def diags_of(text: str, rule: str, settings: Settings | None = None) -> list[types.Diagnostic]:
    found = diagnostics(Analysis(text), settings or Settings())
    return [client_roundtrip(d) for d in found if d.code == rule]


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    lines = LineIndex(text)
    spans = [
        (lines.offset(e.range.start.line, e.range.start.character, encoding),
         lines.offset(e.range.end.line, e.range.end.character, encoding), e.new_text)
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def action_text(text: str, action: types.CodeAction) -> str:
    return apply_text_edits(text, list(action.edit.changes[URI]))


def rules_at(text: str, rule: str) -> list[int]:
    return [text.count("\n", 0, f.start) + 1 for f in run_rules(Analysis(text), RuleConfig()) if f.rule == rule]


# -- quick fixes -----------------------------------------------------------------------------
def test_quick_fix_from_diagnostic_data():
    text = "FROM a\nrun b\n"
    diag = diags_of(text, CASING)[0]
    actions = code_actions(Analysis(text), params([diag]), Settings())
    fix = [a for a in actions if a.title == "Write RUN"]
    assert len(fix) == 1
    assert fix[0].kind == types.CodeActionKind.QuickFix and fix[0].is_preferred
    assert fix[0].diagnostics == [diag]
    assert action_text(text, fix[0]) == "FROM a\nRUN b\n"


def test_quick_fix_with_utf8_positions():
    text = "FROM a\n# héllo 😀\nrun b\n"
    analysis = Analysis(text)
    found = [d for d in diagnostics(analysis, Settings(), "utf-8") if d.code == CASING]
    actions = code_actions(analysis, params(found), Settings(), encoding="utf-8")
    fix = [a for a in actions if a.title == "Write RUN"][0]
    assert apply_text_edits(text, list(fix.edit.changes[URI]), "utf-8") == "FROM a\n# héllo 😀\nRUN b\n"


def test_stale_diagnostic_gets_no_quick_fix_but_still_ignore_actions():
    old = "FROM a\nrun b\n"
    diag = diags_of(old, CASING)[0]
    new = "FROM a\nruN b\n"  # edited, diagnostics not yet refreshed
    actions = code_actions(Analysis(new), params([diag]), Settings())
    titles = [a.title for a in actions]
    assert "Write RUN" not in titles
    assert f"Ignore {CASING} for this instruction" in titles


def test_diagnostic_range_outside_the_document_is_ignored():
    diag = diags_of("FROM a\n\n\nrun b\n", CASING)[0]
    assert code_actions(Analysis("FROM a\n"), params([diag]), Settings()) == []


def test_foreign_and_malformed_diagnostics_are_skipped():
    diag = diags_of("FROM a\nrun b\n", CASING)[0]
    foreign = types.Diagnostic(range=diag.range, message="x", source="hadolint", data=diag.data)
    broken = types.Diagnostic(range=diag.range, message="x", source="docksense",
                              data={"rule": CASING, "fix": {"edits": [{"range": {"start": 1}}]}})
    actions = code_actions(Analysis("FROM a\nrun b\n"), params([foreign, broken]), Settings())
    actions = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert actions and all(a.diagnostics == [broken] for a in actions)
    assert all(a.title.startswith("Ignore") for a in actions)


def test_only_filter_and_fix_all_kind():
    text = "FROM a\nrun b\n"
    analysis = Analysis(text)
    diag = diags_of(text, CASING)[0]
    quick = code_actions(analysis, params([diag], only=[types.CodeActionKind.QuickFix]), Settings())
    assert quick and all(a.kind == types.CodeActionKind.QuickFix for a in quick)
    fix_all = code_actions(analysis, params([], only=[types.CodeActionKind.SourceFixAll]), Settings())
    assert [a.kind for a in fix_all] == [FIX_ALL_KIND]
    assert action_text(text, fix_all[0]) == "FROM a\nRUN b\n"
    assert code_actions(analysis, params([], only=[types.CodeActionKind.Refactor]), Settings()) == []
    # the lightbulb on a fixable diagnostic offers fix-all as well
    everything = code_actions(analysis, params([diag]), Settings())
    assert FIX_ALL_KIND in [a.kind for a in everything]
    # a cursor move without diagnostics does not compute fix-all
    assert code_actions(analysis, params([]), Settings()) == []


def test_diagnostics_disabled_means_no_actions():
    text = "FROM a\nrun b\n"
    diag = diags_of(text, CASING)[0]
    settings = parse_settings({"diagnostics": {"enable": False}})
    assert code_actions(Analysis(text), params([diag], only=[FIX_ALL_KIND]), settings) == []


def test_syntax_errors_get_no_ignore_actions_but_syntax_warnings_do():
    text = "FROM a\nENV ONLYKEY\n"
    diag = diags_of(text, "MissingValue")[0]
    assert [a for a in code_actions(Analysis(text), params([diag]), Settings()) if a.title.startswith("Ignore")] == []
    text = "FROM a\nADD x /\n"
    diag = diags_of(text, SYNTAX_WARNING)[0]
    titles = [a.title for a in code_actions(Analysis(text), params([diag]), Settings())]
    assert f"Ignore {SYNTAX_WARNING} in this file" in titles


# -- ignore actions ----------------------------------------------------------------------------
IGNORE_CASES = [
    "from a\nrun b\n",
    "# syntax=docker/dockerfile:1\nfrom a\nrun b\n",
    "\ufefffrom a\nrun b\n",
    "#!/usr/bin/env buildctl\nfrom a\nrun b\n",
    "from a\r\nrun b\r\n",
    "# check=error=true\nfrom a\nrun b\n",
    "# check=skip=Other;error=true\nfrom a\nrun b\n",
    "# check=skip= \nfrom a\nrun b\n",
    "# a comment\n# with two lines\nfrom a\nrun b\n",
    "from a\n# about b\n#\n# more\n  run b\n",
    "from a\n# check=skip=Other\nrun b\n",
    "from a\n# hadolint ignore=DL3000\nrun b\n",
    "from a\nrun b",
]


@pytest.mark.parametrize("text", IGNORE_CASES)
def test_ignore_for_this_instruction_silences_only_that_instruction(text):
    analysis = Analysis(text)
    casing = [f for f in run_rules(analysis) if f.rule == CASING]
    before_errors = [p.code for p in analysis.tree.errors]
    def index_of(a: Analysis, offset: int) -> int:
        return a.tree.instructions.index(a.tree.instruction_at(offset))

    for finding in casing:
        edit = ignore_instruction_edit(analysis, RULES[CASING], finding.start)
        assert edit is not None
        new = apply_edits(text, [edit])
        after = Analysis(new)
        assert [p.code for p in after.tree.errors] == before_errors, new
        remaining = [index_of(after, f.start) for f in run_rules(after) if f.rule == CASING]
        others = [index_of(analysis, f.start) for f in casing if f is not finding]
        assert remaining == others, new


@pytest.mark.parametrize("text", IGNORE_CASES)
def test_ignore_in_this_file_silences_the_rule_everywhere(text):
    analysis = Analysis(text)
    assert [f for f in run_rules(analysis) if f.rule == CASING]
    edit = ignore_file_edit(analysis, RULES[CASING])
    assert edit is not None
    new = apply_edits(text, [edit])
    after = Analysis(new)
    assert [p.code for p in after.tree.errors] == [p.code for p in analysis.tree.errors], new
    assert [f for f in run_rules(after) if f.rule == CASING] == [], new


def test_ignore_instruction_inserts_check_comment_above():
    text = "FROM a\n  run b\nrun c\n"
    analysis = Analysis(text)
    offset = text.index("run b")
    new = apply_edits(text, [ignore_instruction_edit(analysis, RULES[CASING], offset)])
    assert new == "FROM a\n  # check=skip=ZzCasing\n  run b\nrun c\n"
    assert rules_at(new, CASING) == [4]


def test_ignore_instruction_above_the_first_instruction_is_not_read_as_a_directive():
    text = "from a\n"
    new = apply_edits(text, [ignore_instruction_edit(Analysis(text), RULES[CASING], 0)])
    assert new == "\n# check=skip=ZzCasing\nfrom a\n"
    assert Analysis(new).tree.directive("check") is None
    assert rules_at(new, CASING) == []


def test_ignore_instruction_extends_the_existing_check_comment():
    text = "FROM a\n# check=skip=Other\nrun b\n"
    new = apply_edits(text, [ignore_instruction_edit(Analysis(text), RULES[CASING], text.index("run"))])
    assert new == "FROM a\n# check=skip=Other,ZzCasing\nrun b\n"
    text = "FROM a\n# check=experimental=ZzLabel\nrun b\n"
    new = apply_edits(text, [ignore_instruction_edit(Analysis(text), RULES[CASING], text.index("run"))])
    assert new == "FROM a\n# check=skip=ZzCasing;experimental=ZzLabel\nrun b\n"


def test_ignore_instruction_uses_hadolint_pragmas_when_the_file_does():
    text = "FROM a\n# hadolint ignore=DL3000\nRUN apt-get b\nRUN apt-get c\n"
    analysis = Analysis(text)
    first = apply_edits(text, [ignore_instruction_edit(analysis, RULES[APT], text.index("apt-get b"))])
    assert first == "FROM a\n# hadolint ignore=DL3000,DL9001\nRUN apt-get b\nRUN apt-get c\n"
    second = apply_edits(text, [ignore_instruction_edit(analysis, RULES[APT], text.index("apt-get c"))])
    assert second == "FROM a\n# hadolint ignore=DL3000\nRUN apt-get b\n# hadolint ignore=DL9001\nRUN apt-get c\n"
    assert rules_at(second, APT) == [3]
    # a rule without a hadolint code still gets a check comment
    text = "FROM a\n# hadolint ignore=DL3000\nrun b\n"
    new = apply_edits(text, [ignore_instruction_edit(Analysis(text), RULES[CASING], text.index("run"))])
    assert new == "FROM a\n# check=skip=ZzCasing\n# hadolint ignore=DL3000\nrun b\n"


def test_no_hadolint_pragmas_when_the_project_disables_them(tmp_path):
    (tmp_path / ".hadolint.yaml").write_text("disable-ignore-pragma: true\n")
    path = tmp_path / "Dockerfile"
    text = "FROM a\n# hadolint ignore=DL3000\nRUN apt-get b\n"
    analysis = Analysis(text, path)
    new = apply_edits(text, [ignore_instruction_edit(analysis, RULES[APT], text.index("apt-get"))])
    assert new == "FROM a\n# check=skip=ZzAptGet\n# hadolint ignore=DL3000\nRUN apt-get b\n"
    text = "# check=skip=all\nFROM a\nRUN apt-get x\n"
    assert ignore_file_edit(Analysis(text, path), RULES[APT]) is None


def test_ignore_in_file_creates_or_extends_the_directive():
    cases = {
        "from a\n": "# check=skip=ZzCasing\nfrom a\n",
        "# syntax=x\n# hello\nfrom a\n": "# syntax=x\n# check=skip=ZzCasing\n# hello\nfrom a\n",
        "# check=skip=A,B\nfrom a\n": "# check=skip=A,B,ZzCasing\nfrom a\n",
        "# check=error=true\nfrom a\n": "# check=skip=ZzCasing;error=true\nfrom a\n",
        "# check=skip=A note\nfrom a\n": "# check=skip=A,ZzCasing note\nfrom a\n",
        "#!/bin/sh\nfrom a\n": "#!/bin/sh\n# check=skip=ZzCasing\nfrom a\n",
        "# syntax=x": "# syntax=x\n# check=skip=ZzCasing\n",
    }
    for text, expected in cases.items():
        assert apply_edits(text, [ignore_file_edit(Analysis(text), RULES[CASING])]) == expected


def test_ignore_in_file_outside_skip_all_uses_a_global_pragma():
    text = "# check=skip=all\nFROM a\nRUN apt-get x\n"
    new = apply_edits(text, [ignore_file_edit(Analysis(text), RULES[APT])])
    assert new == "# check=skip=all\n# hadolint global ignore=DL9001\nFROM a\nRUN apt-get x\n"
    assert rules_at(new, APT) == []


def test_ignore_actions_are_offered_through_code_actions():
    text = "FROM a\nRUN apt-get x\n"
    diag = diags_of(text, APT)[0]
    actions = code_actions(Analysis(text), params([diag]), Settings())
    by_title = {a.title: a for a in actions}
    assert set(by_title) == {f"Ignore {APT} for this instruction", f"Ignore {APT} in this file"}
    assert action_text(text, by_title[f"Ignore {APT} in this file"]) == "# check=skip=ZzAptGet\n" + text
    assert rules_at(action_text(text, by_title[f"Ignore {APT} for this instruction"]), APT) == []


def _rule(name: str, family: str = "buildkit", aliases: tuple[str, ...] = ()) -> Rule:
    return Rule(name, family, "warning", "test", lambda analysis: iter(()), aliases=aliases)


def test_instruction_ignore_title_says_who_obeys_it():
    # BuildKit (frontend 1.21+) reads "# check=skip=" above an instruction for most checks ...
    plain = Analysis("FROM a\nCMD b\n")
    assert ignore_instruction_title(plain, _rule("JSONArgsRecommended", aliases=("DL3025",))) == \
        "Ignore JSONArgsRecommended for this instruction"
    assert ignore_instruction_title(plain, _rule("ZzOurs", family="practice")) == "Ignore ZzOurs for this instruction"
    # ... but runs these with the file's directive only: the comment silences docksense alone
    for name in ("ConsistentInstructionCasing", "DuplicateStageName", "NoEmptyContinuation",
                 "MultipleInstructionsDisallowed", "InvalidDefaultArgInFrom"):
        title = ignore_instruction_title(plain, _rule(name))
        assert title.startswith(f"Ignore {name} for this instruction (docksense only")
    # a hadolint pragma is never read by BuildKit
    pragmas = Analysis("FROM a\n# hadolint ignore=DL3008\nRUN apt-get install x\nCMD b\n")
    assert "BuildKit still reports it" in ignore_instruction_title(
        pragmas, _rule("JSONArgsRecommended", aliases=("DL3025",)))


# -- fix-all -------------------------------------------------------------------------------------
def test_fix_all_applies_safe_fixes_repeatedly_and_is_idempotent():
    text = "from a   \nrun b  \nworkdir app\n"
    fixed, applied = fix_all_text(text)
    assert fixed == "FROM a\nRUN b\nWORKDIR app\n"  # the unsafe WORKDIR fix is left alone
    assert applied >= 5
    again, more = fix_all_text(fixed)
    assert (again, more) == (fixed, 0)
    assert [f.rule for f in run_rules(Analysis(fixed))] == [UNSAFE]


def test_fix_all_never_applies_overlapping_fixes_in_one_pass():
    # ZzTrailing and ZzTrailingAll both edit the trailing spaces
    fixed, _ = fix_all_text("FROM a  \n", config=RuleConfig(severity={TRAILING_ALL: "off"}))
    assert fixed == "FROM a\n"
    fixed, _ = fix_all_text("FROM a  \n", config=RuleConfig(severity={TRAILING: "off"}))
    assert fixed == "FROM a\n"
    fixed, applied = fix_all_text("FROM a    \n")
    assert fixed == "FROM a\n"


def test_fix_all_is_bounded():
    fixed, applied = fix_all_text("FROM a" + " " * 30 + "\n", config=RuleConfig(severity={TRAILING_ALL: "off"}), max_passes=3)
    assert fixed == "FROM a" + " " * 27 + "\n" and applied == 3


def test_fix_all_respects_suppressions():
    text = "# check=skip=ZzCasing\nfrom a\n"
    assert fix_all_text(text) == (text, 0)


def test_minimal_edit_keeps_crlf_whole():
    old, new = "FROM a\r\nrun b\r\n", "FROM a\r\nRUN b\r\n"
    edit = minimal_edit(old, new)
    assert apply_edits(old, [edit]) == new
    assert old[edit.start:edit.end] == "run"
    old, new = "a\r\nb", "a\nb"
    edit = minimal_edit(old, new)
    assert apply_edits(old, [edit]) == new
    assert edit.start <= 1 and edit.end >= 3


# -- ignore edits on generated files ---------------------------------------------------------------
_PIECES = st.sampled_from([
    "# check=skip=Other", "# check=skip=all", "# check=error=true", "# check=bogus", "# syntax=x", "#",
    "# note", "# hadolint ignore=DL3000", "# hadolint global ignore=DL3001", "from a", "FROM a AS b",
    "run apt-get x", "  run apt-get y", "RUN a \\", "  && b", "", "#!/bin/sh", "label a=b", "ADD x /",
])


@hsettings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=9), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_ignore_edits_keep_the_file_valid_and_silence_the_finding(pieces, newline, bom):
    text = ("\ufeff" if bom else "") + newline.join(pieces)
    analysis = Analysis(text)
    errors = sorted(p.code for p in analysis.tree.errors)
    for finding in run_rules(analysis):
        rule = RULES[finding.rule]
        if finding.rule not in (CASING, APT, SYNTAX_WARNING):
            continue
        count = sum(1 for f in run_rules(analysis) if f.rule == finding.rule)
        for edit in (ignore_instruction_edit(analysis, rule, finding.start), ignore_file_edit(analysis, rule)):
            if edit is None:
                continue
            new = apply_edits(text, [edit])
            after = Analysis(new)
            assert sorted(p.code for p in after.tree.errors) == errors, new
            assert len(after.tree.instructions) == len(analysis.tree.instructions), new
            assert sum(1 for f in run_rules(after) if f.rule == finding.rule) < count, new
