"""``docksense rule NAME``: a rule's page by name, hadolint code or ShellCheck code."""

from __future__ import annotations

from docksense import cli


def run(capsys, *args):
    status = cli.main(["rule", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_by_name_and_by_code(capsys):
    status, out, _ = run(capsys, "PipefailMissing")
    assert status == 0 and out.startswith("# PipefailMissing\n") and "## How to fix" in out
    assert run(capsys, "dl4006")[1] == out


def test_shellcheck_codes_point_at_the_wiki(capsys):
    status, out, _ = run(capsys, "sc2086")
    assert status == 0 and "https://www.shellcheck.net/wiki/SC2086" in out


def test_unknown_names_are_one_line_with_suggestions(capsys):
    status, out, err = run(capsys, "PipefailMising")
    assert status == 2 and out == ""
    assert err.splitlines() == ["docksense: PipefailMising: no such rule; did you mean PipefailMissing, LabelMissing?"]
