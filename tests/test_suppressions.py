"""Suppressions and settings in the engine: the check directive (file and instruction forms),
hadolint pragmas, .hadolint.yaml, and the editor settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from docksense.analysis import Analysis
from docksense.rules import RuleConfig, run_rules
from docksense.rules.context import knowledge_of
from docksense.rules.hadolint_config import (
    HadolintConfig,
    ConfigReadError,
    load_yaml,
    config_for,
    config_from_text,
)
from docksense.rules.suppressions import (
    CheckOptionsError,
    CommentIndex,
    parse_check_options,
    read_directive_block,
)
from docksense.settings import parse_settings
from docksense.features.diagnostics import rule_config

from .fake_rules import APT, AT_TOP, CASING, LABEL, OLD, SYNTAX_WARNING, isolated
from .rule_helpers import lines_of


@pytest.fixture(autouse=True)
def fake_rules():
    with isolated():
        yield


def run(text: str, config: RuleConfig | None = None, path: Path | None = None):
    return run_rules(Analysis(text, path), config or RuleConfig())


def lines(text: str, rule: str, config: RuleConfig | None = None, path: Path | None = None) -> list[int]:
    return lines_of(text, [f for f in run(text, config, path) if f.rule == rule])


# -- the check directive ---------------------------------------------------------------------
def test_without_suppressions_rules_report():
    text = "from a\nrun apt-get x\n"
    assert lines(text, CASING) == [1, 2]
    assert lines(text, APT) == [2]


def test_check_skip_by_name():
    text = "# check=skip=ZzCasing\nfrom a\nrun apt-get x\n"
    assert lines(text, CASING) == []
    assert lines(text, APT) == [3]


def test_check_skip_accepts_any_family_and_aliases():
    assert lines("# check=skip=ZzAptGet\nFROM a\nRUN apt-get x\n", APT) == []
    assert lines("# check=skip=DL9001\nFROM a\nRUN apt-get x\n", APT) == []
    assert lines("# check=skip=dl9001\nFROM a\nRUN apt-get x\n", APT) == []  # codes: any case
    assert lines("# check=skip=ZzOld\nFROM old\n", OLD) == []


def test_check_skip_names_are_case_sensitive_like_buildkit():
    assert lines("# check=skip=zzcasing\nfrom a\n", CASING) == [2]


def test_check_skip_list_with_spaces_around_commas_is_cut_like_buildkit():
    # BuildKit cuts the value at its first space: "skip=Other," is all it reads
    assert lines("# check=skip=Other, ZzCasing\nfrom a\n", CASING) == [2]
    assert lines("# check=skip=Other,ZzCasing\nfrom a\n", CASING) == []


def test_check_skip_all_is_buildkit_checks_only():
    text = "# check=skip=all\nfrom old\nrun apt-get x\nENV ONLYKEY\n"
    found = {f.rule for f in run(text)}
    assert CASING not in found
    assert {APT, OLD, "MissingValue"} <= found


def test_check_skip_all_keeps_explicitly_enabled_experimental_checks():
    text = "# check=skip=all;experimental=all\nlabel a=b\n"
    assert lines(text, LABEL) == [2]
    assert lines(text, CASING) == []


def test_check_skip_by_name_also_skips_an_enabled_experimental_check():
    text = "# check=skip=ZzLabel;experimental=ZzLabel\nLABEL a=b\n"
    assert lines(text, LABEL) == []


def test_check_error_true_makes_buildkit_findings_errors():
    text = "# check=error=true\nfrom a\nrun apt-get x\n"
    severities = {f.rule: f.severity for f in run(text)}
    assert severities[CASING] == "error"
    assert severities[APT] == "warning"


def test_check_error_accepts_go_booleans():
    assert {f.severity for f in run("# check=error=1\nfrom a\n") if f.rule == CASING} == {"error"}
    assert {f.severity for f in run("# check=error=False\nfrom a\n") if f.rule == CASING} == {"warning"}


def test_check_error_does_not_revive_a_rule_turned_off():
    config = RuleConfig(severity={CASING: "off"})
    assert lines("# check=error=true\nfrom a\n", CASING, config) == []


def test_experimental_rules_are_off_by_default():
    assert lines("FROM a\nLABEL a=b\n", LABEL) == []


def test_check_experimental_enables_by_name_or_all():
    assert lines("# check=experimental=ZzLabel\nFROM a\nLABEL a=b\n", LABEL) == [3]
    assert lines("# check=experimental=all\nFROM a\nLABEL a=b\n", LABEL) == [3]


def test_settings_experimental_enables():
    assert lines("FROM a\nLABEL a=b\n", LABEL, RuleConfig(experimental=[LABEL])) == [2]
    assert lines("FROM a\nLABEL a=b\n", LABEL, RuleConfig(experimental=["all"])) == [2]


@pytest.mark.parametrize("value", ["skip=ZzCasing;", "skip=ZzCasing;bogus=1", "error=maybe;skip=ZzCasing", "nonsense"])
def test_invalid_check_directive_applies_nothing(value):
    # BuildKit refuses to build with such a directive; we apply none of it
    assert lines(f"# check={value}\nfrom a\n", CASING) == [2]


def test_check_directive_after_bom_and_after_shebang():
    assert lines("\ufeff# check=skip=ZzCasing\nfrom a\n", CASING) == []
    assert lines("#!/usr/bin/env buildctl\n# check=skip=ZzCasing\nfrom a\n", CASING) == []


def test_check_directive_only_among_the_first_lines():
    # after an ordinary comment it is no directive; BuildKit then reads it as the first
    # instruction's comment, so it applies to that instruction only
    text = "# hello\n# check=skip=ZzCasing\nfrom a\nrun b\n"
    assert lines(text, CASING) == [4]
    text = "FROM a\n# check=skip=ZzAptGet\n\nRUN apt-get x\nRUN apt-get y\n"
    assert lines(text, APT) == [5]


def test_parse_check_options_mirrors_buildkit():
    options = parse_check_options("skip=ZzCasing,DL9001;error=true;experimental=all")
    assert options.skip == {CASING, APT} and options.error and options.experimental_all
    # at most three parts: the rest belongs to the third
    options = parse_check_options("error=false;skip=A;experimental=B;x=y")
    assert options.experimental == {"B;x=y"}
    with pytest.raises(CheckOptionsError):
        parse_check_options("skip")
    assert parse_check_options("  ") == parse_check_options("")


# -- # check= above one instruction -----------------------------------------------------------
def test_check_comment_above_an_instruction_applies_to_it_only():
    text = "FROM a\n# check=skip=ZzCasing\nrun b\nrun c\n"
    assert lines(text, CASING) == [4]


def test_check_comment_block_survives_blank_lines_but_not_an_empty_comment():
    assert lines("FROM a\n# check=skip=ZzCasing\n\nrun b\n", CASING) == []
    assert lines("FROM a\n# check=skip=ZzCasing\n#\nrun b\n", CASING) == [4]


def test_only_the_first_check_comment_counts():
    text = "FROM a\n# check=skip=Other\n# check=skip=ZzCasing\nrun b\n"
    assert lines(text, CASING) == [4]


def test_check_comment_with_aliases_and_skip_all():
    assert lines("FROM a\n# check=skip=DL9001\nRUN apt-get x\n", APT) == []
    assert lines("FROM a\n# check=skip=all\nrun apt-get x\n", CASING) == []
    assert lines("FROM a\n# check=skip=all\nrun apt-get x\n", APT) == [3]


def test_check_comment_error_is_ignored_like_buildkit():
    text = "FROM a\n# check=error=true\nrun b\n"
    assert {f.severity for f in run(text) if f.rule == CASING} == {"warning"}


def test_check_comment_enables_an_experimental_rule_for_that_instruction():
    text = "FROM a\n# check=experimental=ZzLabel\nLABEL a=b\nLABEL c=d\n"
    assert lines(text, LABEL) == [3]


def test_instruction_line_decides_the_instruction():
    # ZzAtTop reports at offset 0 but belongs to the EXPOSE
    text = "FROM a\n# check=skip=ZzAtTop\nEXPOSE 80\nEXPOSE 81\n"
    found = [f for f in run(text) if f.rule == AT_TOP]
    assert [f.instruction_line for f in found] == [3]


def test_comment_index_matches_buildkit_prev_comment():
    text = "# syntax=x\n# one\n\n# two\nFROM a\n#\n# three\nRUN a \\\n# inside\n  b\nRUN c\n"
    analysis = Analysis(text)
    index = CommentIndex(analysis.tree)
    for ins in analysis.tree.instructions:
        assert [c.text for c in index.prev_comments(ins)] == ins.comments


# -- hadolint pragmas -------------------------------------------------------------------------
def test_hadolint_ignore_applies_to_the_next_instruction():
    text = "FROM a\n# hadolint ignore=DL9001\nRUN apt-get x\nRUN apt-get y\n"
    assert lines(text, APT) == [4]


def test_hadolint_ignore_accepts_rule_names_lists_and_trailing_comments():
    text = "FROM a\n# hadolint ignore=ZzCasing, DL9001 # legacy\nrun apt-get x\n"
    assert lines(text, APT) == [] and lines(text, CASING) == []


def test_hadolint_ignore_pragmas_can_be_stacked():
    text = "FROM a\n# hadolint ignore=DL9001\n# hadolint ignore=ZzCasing\nrun apt-get x\n"
    assert lines(text, APT) == [] and lines(text, CASING) == []


def test_hadolint_ignore_needs_to_be_directly_above():
    text = "FROM a\n# hadolint ignore=DL9001\n\nRUN apt-get x\n"
    assert lines(text, APT) == [4]


def test_hadolint_global_ignore_anywhere():
    text = "FROM a\nRUN apt-get x\nRUN apt-get y\n# hadolint global ignore=DL9001\n"
    assert lines(text, APT) == []


def test_syntax_errors_cannot_be_silenced_in_the_file(tmp_path):
    text = "# check=skip=MissingValue\nFROM a\n# hadolint global ignore=MissingValue\n# hadolint ignore=MissingValue\nENV ONLYKEY\n"
    assert lines(text, "MissingValue") == [5]
    dockerfile = write_project(tmp_path, "ignored: [MissingValue]\noverride:\n  style: [MissingValue]\n")
    found = [f for f in run("FROM a\nENV ONLYKEY\n", path=dockerfile) if f.rule == "MissingValue"]
    assert [f.severity for f in found] == ["error"]
    # the editor settings still can
    assert lines(text, "MissingValue", RuleConfig(severity={"MissingValue": "off"})) == []


def test_syntax_warnings_can_be_silenced():
    assert lines("FROM a\nADD x /\n", SYNTAX_WARNING) == [2]
    assert lines("FROM a\n# hadolint ignore=DL9003\nADD x /\n", SYNTAX_WARNING) == []
    assert lines("# check=skip=ZzAddUsed\nFROM a\nADD x /\n", SYNTAX_WARNING) == []


# -- .hadolint.yaml ---------------------------------------------------------------------------
def write_project(tmp_path: Path, config: str, name: str = ".hadolint.yaml") -> Path:
    (tmp_path / name).write_text(config)
    folder = tmp_path / "services" / "api"
    folder.mkdir(parents=True)
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text("")
    return dockerfile


def test_hadolint_yaml_ignored_found_upward(tmp_path):
    dockerfile = write_project(tmp_path, "ignored:\n  - DL9001\n")
    text = "FROM a\nRUN apt-get x\n"
    assert lines(text, APT, path=dockerfile) == []
    assert lines(text, APT) == [2]  # no path: no project file


def test_hadolint_yml_spelling(tmp_path):
    dockerfile = write_project(tmp_path, "ignored: [ZzAptGet]\n", ".hadolint.yml")
    assert lines("FROM a\nRUN apt-get x\n", APT, path=dockerfile) == []


def test_hadolint_yaml_override(tmp_path):
    dockerfile = write_project(
        tmp_path,
        "# project settings\noverride:\n  error:\n    - DL9001\n  style: [ZzCasing]\n  info:\n  - ZzOld\n",
    )
    found = {f.rule: f.severity for f in run("from old\nRUN apt-get x\n", path=dockerfile)}
    assert found == {APT: "error", CASING: "hint", OLD: "information"}


def test_settings_severity_wins_over_hadolint_yaml(tmp_path):
    dockerfile = write_project(tmp_path, "ignored: [DL9001]\noverride:\n  error: [ZzCasing]\n")
    config = RuleConfig(severity={"DL9001": "information", CASING: "warning"})
    found = {f.rule: f.severity for f in run("from a\nRUN apt-get x\n", config, dockerfile)}
    assert found == {APT: "information", CASING: "warning"}


def test_hadolint_yaml_disable_ignore_pragma(tmp_path):
    dockerfile = write_project(tmp_path, "disable-ignore-pragma: true\n")
    text = "FROM a\n# hadolint ignore=DL9001\nRUN apt-get x\n# hadolint global ignore=DL9001\n"
    assert lines(text, APT, path=dockerfile) == [3]


def test_hadolint_yaml_search_stops_at_the_workspace(tmp_path):
    dockerfile = write_project(tmp_path, "ignored: [DL9001]\n")
    config = RuleConfig(workspace_root=dockerfile.parent.parent)
    assert lines("FROM a\nRUN apt-get x\n", APT, config, dockerfile) == [2]
    assert lines("FROM a\nRUN apt-get x\n", APT, RuleConfig(project_config=False), dockerfile) == [2]


def test_hadolint_yaml_without_document_path_uses_search_from(tmp_path):
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL9001]\n")
    assert lines("FROM a\nRUN apt-get x\n", APT, RuleConfig(search_from=tmp_path)) == []


def test_hadolint_yaml_failure_threshold_and_flags(tmp_path):
    dockerfile = write_project(tmp_path, "failure-threshold: style\nno-fail: yes\n")
    config = config_for(dockerfile)
    assert isinstance(config, HadolintConfig)
    assert config.failure_threshold == "hint" and config.no_fail and not config.problems
    assert config_from_text("failure-threshold: info\n").failure_threshold == "info"
    assert config_from_text("failure-threshold: ignore\n").failure_threshold == "none"


def test_broken_hadolint_yaml_is_reported_not_raised(tmp_path):
    dockerfile = write_project(tmp_path, "ignored: [DL9001\n  - : :\n")
    config = config_for(dockerfile)
    assert config is not None and config.problems
    assert lines("FROM a\nRUN apt-get x\n", APT, path=dockerfile) == [2]


def test_hadolint_yaml_is_reread_when_it_changes(tmp_path):
    dockerfile = write_project(tmp_path, "ignored: []\n")
    assert lines("FROM a\nRUN apt-get x\n", APT, path=dockerfile) == [2]
    (tmp_path / ".hadolint.yaml").write_text("ignored:\n  - DL9001   # now ignored\n")
    assert lines("FROM a\nRUN apt-get x\n", APT, path=dockerfile) == []


def test_hadolint_yaml_every_documented_key():
    source = (
        "---\n"
        "# comment\n"
        "ignored:\n"
        "- DL3000\n"
        "- 'SC1010'   # quoted\n"
        "override:\n"
        "  warning: [DL3001, \"DL3002\"]\n"
        "  info:\n"
        "    - DL3003\n"
        "  style: [DL3004]\n"
        "  error: [DL3005]\n"
        "trustedRegistries:\n"
        "  - docker.io\n"
        "  - my-company.com:5000\n"
        "  - \"*.gcr.io\"\n"
        "label-schema:\n"
        "  author: text\n"
        "  contact: email\n"
        "  created: rfc3339\n"
        "  version: semver\n"
        "  documentation: url\n"
        "  git-revision: hash\n"
        "  license: spdx\n"
        "strict-labels: true\n"
        "failure-threshold: warning\n"
        "format: json\n"
        "no-color: true\n"
        "no-fail: false\n"
        "disable-ignore-pragma: false\n"
    )
    config = config_from_text(source)
    assert config.problems == ()
    assert config.ignored == ("DL3000", "SC1010")
    assert config.override == {"DL3001": "warning", "DL3002": "warning", "DL3003": "information",
                               "DL3004": "hint", "DL3005": "error"}
    assert config.trusted_registries == ("docker.io", "my-company.com:5000", "*.gcr.io")
    assert config.label_schema == {"author": "text", "contact": "email", "created": "rfc3339",
                                   "version": "semver", "documentation": "url", "git-revision": "hash",
                                   "license": "spdx"}
    assert config.strict_labels and config.failure_threshold == "warning"
    assert not config.no_fail and not config.disable_ignore_pragma
    # a single registry may be given as a string, as hadolint documents
    assert config_from_text("trustedRegistries: docker.io\n").trusted_registries == ("docker.io",)
    assert load_yaml("") is None


@pytest.mark.parametrize("source", ["a: [x\n", "a:\n\t- x\n", "a: b\n  c: d\n", "a: *missing\n", "{{{{\n"])
def test_malformed_yaml_is_one_clear_problem(source):
    with pytest.raises(ConfigReadError):
        load_yaml(source)
    config = config_from_text(source)
    assert len(config.problems) == 1 and config.problems[0].startswith("cannot read")


def test_wrong_values_are_problems_and_the_rest_is_kept():
    config = config_from_text("ignored: [DL3000]\nlabel-schema:\n  a: colour\nno-fail: maybe\nbogus: 1\n")
    assert config.ignored == ("DL3000",)
    assert len(config.problems) == 3


def test_hostile_hadolint_yaml_is_bounded():
    # a 100,000-item list under 1 MB, a billion-laughs alias tree, 400-deep nesting: each is
    # refused or read in bounded work (the counting stops early) and never raises
    big = "ignored:\n" + "".join(f"- DL{i % 10_000}\n" for i in range(100_000))
    assert len(big) < (1 << 20)
    assert config_from_text(big).problems
    laughs = "a: &a [" + ",".join(["x"] * 100) + "]\n" + "".join(
        f"b{i}: &b{i} [" + ",".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 10) + "]\n" for i in range(8))
    assert config_from_text(laughs).problems
    deep = "ignored: " + "[" * 400 + "]" * 400 + "\n"
    assert isinstance(config_from_text(deep), HadolintConfig)
    deeper = "a: " + "{a: " * 400 + "1" + "}" * 400 + "\n"
    assert isinstance(config_from_text(deeper), HadolintConfig)


# -- editor settings ------------------------------------------------------------------------------
def test_settings_severity_off_and_aliases():
    text = "from a\nRUN apt-get x\n"
    assert lines(text, APT, RuleConfig(severity={"DL9001": "off"})) == []
    assert lines(text, CASING, RuleConfig(severity={CASING: "off"})) == []
    found = {f.rule: f.severity for f in run(text, RuleConfig(severity={"dl9001": "error", CASING: "hint"}))}
    assert found == {APT: "error", CASING: "hint"}


def test_settings_families_off():
    text = "from old\nRUN apt-get x\nENV ONLYKEY\n"
    config = RuleConfig(families={"practice": False, "eol": False})
    assert {f.rule for f in run(text, config)} == {CASING, "MissingValue"}
    config = RuleConfig(families={"buildkit": False, "syntax": False})
    assert {f.rule for f in run(text, config)} == {APT, OLD}


def test_settings_from_the_client_reach_the_engine():
    settings = parse_settings({"rules": {"severity": {"DL9001": "off"}, "families": {"eol": False},
                                         "experimental": ["ZzLabel"]}})
    config = rule_config(settings)
    text = "FROM old\nRUN apt-get x\nLABEL a=b\n"
    assert {f.rule for f in run(text, config)} == {LABEL}


def test_directive_block_insertion_point():
    assert read_directive_block("# syntax=x\n# check=skip=A\nFROM a\n").insert_at == len("# syntax=x\n# check=skip=A\n")
    assert read_directive_block("FROM a\n").insert_at == 0
    assert read_directive_block("\ufeffFROM a\n").insert_at == 1
    assert read_directive_block("# syntax=x").insert_at == len("# syntax=x")


def test_knowledge_base_configured_for_a_run():
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    analysis = Analysis("FROM a\n")
    run_rules(analysis, RuleConfig(knowledge=kb))
    assert knowledge_of(analysis) is kb
    other = Analysis("FROM a\n")
    run_rules(other, RuleConfig())
    assert knowledge_of(other) is knowledge_of(Analysis("FROM b\n"))


# -- never raising on any input ---------------------------------------------------------------
_YAML_PIECES = st.sampled_from([
    "ignored:", "  - DL3000", "- x", "override:", "  error: [a, 'b']", "  info:", "    - c", "a: \"q\\\"\"",
    "failure-threshold: warning", "no-fail: maybe", "key: [unclosed", "  : bad", "\t- tab", "# c", "---", "...",
    "x: 'it''s'", "- - nested", "k: {}", "k: &a", "", "   ", "ü: ü",
])


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_YAML_PIECES, max_size=12))
def test_hadolint_config_never_raises(pieces):
    config = config_from_text("\n".join(pieces))
    assert isinstance(config, HadolintConfig)


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_hadolint_config_never_raises_on_text(text):
    assert isinstance(config_from_text(text), HadolintConfig)


_DOCKERFILE_PIECES = st.sampled_from([
    "# check=skip=ZzCasing", "# check=skip=all;error=true", "# check=bogus", "# syntax=x", "#", "# note",
    "# hadolint ignore=DL9001", "# hadolint global ignore=ZzCasing", "from a", "FROM a", "run apt-get x",
    "RUN a \\", "  && b", "label a=b", "", "#!/bin/sh", "\ufeff# check=experimental=all", "ENV ONLYKEY",
])


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_DOCKERFILE_PIECES, max_size=10), st.sampled_from(["\n", "\r\n"]))
def test_engine_with_suppressions_never_raises(pieces, newline):
    text = newline.join(pieces)
    for finding in run(text):
        assert 0 <= finding.start <= finding.end <= len(text)


# -- hadolint's pragma grammar (issue 12, item 3) and linear reading (issue 16, class 5) ----------
def test_pragmas_with_blanks_and_unknown_codes():
    text = "FROM a\n# hadolint ignore=DL3023, DL9001 ,DL9999   # why\nRUN apt-get x\n"
    assert lines(text, APT) == []
    text = "FROM a\nRUN apt-get x\n# hadolint  global  ignore = DL7777 , DL9001\n"
    assert lines(text, APT) == []


def test_stage_ignore_covers_the_rest_of_the_stage():
    text = ("FROM a\nRUN apt-get x\n# hadolint stage ignore=DL9001\nRUN apt-get y\nRUN apt-get z\n"
            "FROM b\nRUN apt-get w\n")
    assert lines(text, APT) == [2, 7]
    text = "# hadolint stage ignore=DL9001\nFROM a\nRUN apt-get x\nFROM b\nRUN apt-get y\n"
    assert lines(text, APT) == [5]


def test_directive_and_pragma_reading_is_linear_on_long_blanks():
    from docksense.rules.suppressions import match_directive, read_pragma

    blanks = " " * 40_000
    assert match_directive("check=skip=a" + blanks + "b") == ("check", "skip=a" + blanks + "b", 6)
    assert match_directive("check=" + blanks) is None
    assert read_pragma("hadolint ignore=DL3000" + blanks + "b") is None
    assert read_pragma("hadolint ignore=DL3000," + blanks + "DL3001" + blanks) == ("", ["DL3000", "DL3001"], 40_029)
    text = "# check=skip=a" + blanks + "b\nFROM a\n# check=skip=a" + blanks + "b\nRUN apt-get x\n"
    assert lines(text, APT) == [4]
