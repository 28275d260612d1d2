"""``docksense check``: formats, exit codes, --fix, directory walking, usage errors."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from docksense import cli
from docksense.check_command import _gh_data, _gh_property, is_dockerfile, register
from docksense.rules import RULES

from .fake_rules import APT, CASING, OLD, isolated


@pytest.fixture(autouse=True)
def fake_rules():
    with isolated():
        yield


@pytest.fixture
def check(monkeypatch, capsys):
    """Run ``docksense check ARGS`` in-process: (status, stdout, stderr)."""
    parser = cli.build_parser()
    commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)][0]
    if "check" not in commands.choices:  # until cli.py registers the command itself
        monkeypatch.setattr(cli, "_EXTRA_COMMANDS", [*cli._EXTRA_COMMANDS, register])

    def run(*args: str, stdin: bytes | None = None):
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        status = cli.main(["check", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


# -- text and exit codes --------------------------------------------------------------------
def test_text_format_and_error_exit(project, check):
    write(project / "Dockerfile", "from alpine\nENV ONLYKEY\n")
    status, out, err = check("Dockerfile")
    assert status == 1 and err == "docksense: 2 problems (1 error, 1 warning) in 1 file checked\n"
    assert out.splitlines() == [
        "Dockerfile:1:1: warning ZzCasing: Write FROM",
        "Dockerfile:2:5: error MissingValue: ENV must have two arguments. Write it as name=value.",
    ]


def test_warnings_do_not_fail_by_default(project, check):
    write(project / "Dockerfile", "from alpine\n")
    assert check("Dockerfile")[0] == 0
    assert check("--fail-level", "warning", "Dockerfile")[0] == 1
    assert check("--fail-level", "none", "Dockerfile")[0] == 0


def test_fail_level_info_counts_information(project, check):
    write(project / "Dockerfile", "FROM old\n")
    status, out, _ = check("--fail-level", "warning", "Dockerfile")
    assert status == 0 and f"information {OLD}" in out
    assert check("--fail-level", "info", "Dockerfile")[0] == 1


def test_clean_file_exits_zero_without_output(project, check):
    write(project / "Dockerfile", "FROM alpine\n")
    assert check("Dockerfile") == (0, "", "docksense: no problems in 1 file checked\n")


def test_hadolint_failure_threshold_is_the_default_fail_level(project, check):
    write(project / "Dockerfile", "from alpine\n")
    write(project / ".hadolint.yaml", "failure-threshold: warning\n")
    assert check("Dockerfile")[0] == 1
    assert check("--fail-level", "error", "Dockerfile")[0] == 0
    write(project / ".hadolint.yaml", "failure-threshold: error\nno-fail: true\n")
    write(project / "Dockerfile", "FROM a\nENV ONLYKEY\n")
    assert check("Dockerfile")[0] == 0


def test_hadolint_yaml_applies_to_the_cli(project, check):
    write(project / "Dockerfile", "FROM alpine\nRUN apt-get x\n")
    assert APT in check("Dockerfile")[1]
    write(project / ".hadolint.yaml", "ignored:\n  - DL9001\n")
    assert check("Dockerfile")[1] == ""


def test_stdin(project, check):
    status, out, _ = check("-", stdin=b"FROM a\nENV ONLYKEY\n")
    assert status == 1 and out.startswith("<stdin>:2:5: error MissingValue")


def test_stdin_reads_hadolint_yaml_from_the_working_folder(project, check):
    write(project / ".hadolint.yaml", "ignored: [ZzCasing]\n")
    assert check("-", stdin=b"from a\n")[1] == ""


# -- formats ------------------------------------------------------------------------------------
def test_json_format(project, check):
    write(project / "sub" / "Dockerfile", "from alpine\n")
    status, out, _ = check("--format", "json", "sub")
    data = json.loads(out)
    assert status == 0
    assert data == [{
        "path": os.path.join("sub", "Dockerfile"),
        "rule": CASING,
        "severity": "warning",
        "message": "Write FROM",
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}},
        "fix": {
            "title": "Write FROM",
            "preferred": True,
            "safe": True,
            "edits": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}},
                       "newText": "FROM"}],
        },
    }]


def test_json_format_empty_is_a_list(project, check):
    write(project / "Dockerfile", "FROM alpine\n")
    assert json.loads(check("--format", "json")[1]) == []


def validate_sarif(document: dict) -> None:
    """The structure GitHub code scanning and other SARIF consumers require."""
    assert document["version"] == "2.1.0"
    assert document["$schema"].startswith("https://")
    assert isinstance(document["runs"], list) and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "docksense"
    assert isinstance(driver["version"], str) and driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    for descriptor in driver["rules"]:
        assert isinstance(descriptor["shortDescription"]["text"], str) and descriptor["shortDescription"]["text"]
        assert descriptor["helpUri"].startswith("https://")
        assert descriptor["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert len(result["locations"]) >= 1
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert "\\" not in uri and not uri.startswith("/") and not uri.startswith("..")
        region = location["region"]
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            assert isinstance(region[key], int) and region[key] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


def test_sarif_format(project, check):
    write(project / "svc" / "api" / "Dockerfile", "from alpine\nENV ONLYKEY\n")
    status, out, _ = check("--format", "sarif")
    document = json.loads(out)
    validate_sarif(document)
    results = document["runs"][0]["results"]
    assert status == 1
    assert [(r["ruleId"], r["level"]) for r in results] == [(CASING, "warning"), ("MissingValue", "error")]
    location = results[1]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "svc/api/Dockerfile"
    assert location["region"] == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 12}
    rules = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(RULES)
    assert rules[CASING]["helpUri"].startswith("https://docs.docker.com/go/dockerfile/rule/")
    assert rules["MissingValue"]["defaultConfiguration"]["level"] == "error"


def test_sarif_without_findings_is_still_valid(project, check):
    write(project / "Dockerfile", "FROM alpine\n")
    status, out, _ = check("--format", "sarif")
    document = json.loads(out)
    validate_sarif(document)
    assert status == 0 and document["runs"][0]["results"] == []


def test_github_format(project, check):
    write(project / "app" / "Dockerfile", "from alpine\nENV ONLYKEY\n")
    status, out, _ = check("--format", "github", "app")
    assert status == 1
    assert out.splitlines() == [
        "::warning file=app/Dockerfile,line=1,col=1,endLine=1,endColumn=5,title=ZzCasing::Write FROM",
        "::error file=app/Dockerfile,line=2,col=5,endLine=2,endColumn=12,title=MissingValue::"
        "ENV must have two arguments. Write it as name=value.",
    ]
    assert re.fullmatch(r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=\w+::.+",
                        out.splitlines()[0])


def test_github_escaping():
    assert _gh_data("50%\nnext\r") == "50%25%0Anext%0D"
    assert _gh_property("a,b:c") == "a%2Cb%3Ac"


# -- --fix ----------------------------------------------------------------------------------------
def test_fix_rewrites_in_place_then_reports_what_remains(project, check):
    path = write(project / "Dockerfile", "from alpine  \nrun apt-get x\nworkdir app\n")
    status, out, err = check("--fix", "Dockerfile")
    assert path.read_text() == "FROM alpine\nRUN apt-get x\nWORKDIR app\n"
    assert "applied" in err
    assert status == 0
    assert [line.split(": ")[1] for line in out.splitlines()] == [f"warning {APT}", "warning ZzUnsafe"]
    # a second run has nothing left to fix and leaves the file alone
    before = path.stat().st_mtime_ns
    status2, out2, err2 = check("--fix", "Dockerfile")
    assert (status2, out2) == (status, out) and "applied" not in err2
    assert path.stat().st_mtime_ns == before


def test_fix_keeps_bytes_that_are_not_utf8(project, check):
    path = project / "Dockerfile"
    path.write_bytes(b"from alpine\nLABEL x=\xff\n")
    check("--fix", "Dockerfile")
    assert path.read_bytes() == b"FROM alpine\nLABEL x=\xff\n"


def test_fix_refuses_stdin(project, check):
    status, out, err = check("--fix", "-", stdin=b"from a\n")
    assert status == 2 and out == "" and len(err.splitlines()) == 1


# -- walking directories ----------------------------------------------------------------------------
def test_directory_walk_finds_dockerfiles_only(project, check):
    for name in ("Dockerfile", "Dockerfile.dev", "api.Dockerfile", "web.dockerfile", "Containerfile",
                 "deep/er/Dockerfile", ".git/Dockerfile", "node_modules/pkg/Dockerfile",
                 "Dockerfile.dockerignore", "README.md", "dockerfile.txt"):
        write(project / name, "from alpine\n")
    status, out, _ = check("--format", "json")
    paths = sorted(f["path"] for f in json.loads(out))
    expected = ["Containerfile", "Dockerfile", "Dockerfile.dev", "api.Dockerfile",
                os.path.join("deep", "er", "Dockerfile"), "web.dockerfile"]
    assert paths == sorted(expected)
    # explicit paths are read whatever their name, folders and files can be mixed
    status, out, _ = check("--format", "json", "README.md", "deep")
    assert sorted(f["path"] for f in json.loads(out)) == sorted(["README.md", os.path.join("deep", "er", "Dockerfile")])


def test_is_dockerfile():
    assert all(map(is_dockerfile, ["Dockerfile", "Dockerfile.prod", "x.Dockerfile", "x.dockerfile", "Containerfile"]))
    assert not any(map(is_dockerfile, ["Dockerfile.dockerignore", "dockerfile.md", "Makefile", "Dockerfilex"]))


# -- usage errors ---------------------------------------------------------------------------------
def test_missing_path_is_one_line_exit_2(project, check):
    status, out, err = check("does/not/exist")
    assert status == 2 and out == ""
    assert err.splitlines() == ["docksense: does/not/exist: no such file or directory"]
    assert "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_one_line_exit_2(project, check):
    path = write(project / "Dockerfile", "FROM a\n")
    path.chmod(0)
    try:
        status, out, err = check("Dockerfile")
    finally:
        path.chmod(0o644)
    assert status == 2 and out == "" and len(err.splitlines()) == 1


def test_bad_knowledge_dir_is_exit_2(project, check):
    write(project / "Dockerfile", "FROM a\n")
    status, _, err = check("--knowledge", "nope", "Dockerfile")
    assert status == 2 and err.strip() == "docksense: --knowledge nope: not a directory"


def test_bad_option_is_exit_2(project, check):
    assert check("--format", "xml")[0] == 2
    assert check("--fail-level", "fatal")[0] == 2


# -- issue 12, item 6: what CI relies on -------------------------------------------------------------
def test_every_common_naming_is_found_and_gitignored_paths_are_not(project, check):
    names = ["Dockerfile", "Dockerfile.dev", "Dockerfile-dev", "api.Dockerfile", "api.dockerfile", "dockerfile",
             "Containerfile", "Containerfile.dev", "web.Containerfile", "sub/Dockerfile"]
    for name in names + ["build/Dockerfile", "vendor/x/Dockerfile", "keep/Dockerfile.tmp", "keep/Dockerfile.ok",
                         "notes.md", "Dockerfile.dockerignore"]:
        write(project / name, "FROM alpine:3.20\n")
    write(project / ".gitignore", "# generated\nbuild/\n/vendor\nkeep/*.tmp\n")
    status, out, err = check("--format", "json")
    assert status == 0
    assert err.strip().endswith(f"in {len(names) + 1} files checked")
    write(project / "keep" / ".gitignore", "!Dockerfile.tmp\n")
    assert check()[2].strip().endswith(f"in {len(names) + 2} files checked")


def test_a_folder_without_dockerfiles_is_exit_2(project, check):
    (project / "empty").mkdir()
    write(project / "empty" / "README.md", "hi\n")
    status, out, err = check("empty")
    assert status == 2 and out == ""
    assert err.splitlines() == ["docksense: no Dockerfiles found under empty"]


def test_select_ignore_and_min_severity(project, check):
    write(project / "Dockerfile", "from alpine\nENV ONLYKEY\nRUN apt-get x\n")
    rules = lambda out: sorted({line.split(": ")[1].split()[1] for line in out.splitlines()})  # noqa: E731
    everything = rules(check("Dockerfile")[1])
    assert "ZzCasing" in everything and "MissingValue" in everything and APT in everything
    assert rules(check("--select", "ZzCasing", "Dockerfile")[1]) == ["ZzCasing"]
    assert rules(check("--select", "DL9001", "Dockerfile")[1]) == [APT]  # a code
    assert "ZzCasing" not in rules(check("--ignore", "ZzCasing,DL9001", "Dockerfile")[1])
    assert rules(check("--min-severity", "error", "Dockerfile")[1]) == ["MissingValue"]
    status, out, err = check("--select", "NoSuchRule", "Dockerfile")
    assert status == 2 and err.strip() == "docksense: --select NoSuchRule: no such rule, code or family"


def test_statistics_counts_per_rule(project, check):
    write(project / "Dockerfile", "from alpine\nrun apt-get x\nRUN apt-get y\n")
    status, out, err = check("--statistics", "Dockerfile")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["2", "ZzCasing"] or lines[0].split()[:2] == ["2", APT]
    assert "problems" in err


def test_a_file_docksense_fails_on_is_never_a_success(project, check, monkeypatch):
    from docksense import check_command

    write(project / "Dockerfile", "FROM alpine:3.20\n")

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(check_command, "run_rules", broken)
    status, out, err = check("Dockerfile")
    assert status == 3 and "Traceback" not in err
    assert "docksense: Dockerfile: internal error (ValueError: boom)" in err.splitlines()


def test_a_failing_rule_makes_the_run_fail(project, check):
    from docksense.rules.registry import RULES as registry, rule

    @rule("ZzBroken", family="practice", severity="warning", summary="always raises")
    def broken(analysis):
        raise RuntimeError("bug")

    try:
        write(project / "Dockerfile", "FROM alpine:3.20\n")
        status, out, err = check("Dockerfile")
        assert status == 3 and "internal error in ZzBroken" in err
    finally:
        registry.pop("ZzBroken", None)
