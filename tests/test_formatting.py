"""The formatter: what it changes, what it must never touch, and the corpus round trip."""

from __future__ import annotations

import subprocess
import sys

import pytest

from docksense.features.formatting import FormatOptions, format_text, on_type_indent, same_parse
from docksense.syntax import parse
from docksense.syntax.dump import dump

from .conftest import CORPUS, corpus_files, read


def fmt(text: str, **options) -> str:
    return format_text(text, FormatOptions(**options))


# -- what it changes ---------------------------------------------------------------------
def test_keyword_case_follows_the_files_majority():
    assert fmt("FROM a\nrun x\nRUN y\n") == "FROM a\nRUN x\nRUN y\n"
    assert fmt("from a\nrun x\nRUN y\n") == "from a\nrun x\nrun y\n"


@pytest.mark.parametrize("case, expected", [
    ("upper", "FROM a\nRUN x\n"),
    ("lower", "from a\nrun x\n"),
    ("preserve", "from a\nRUN x\n"),
])
def test_keyword_case_setting(case, expected):
    assert fmt("from a\nRUN x\n", keyword_case=case) == expected


def test_onbuild_trigger_keyword_follows_the_case_too():
    assert fmt("FROM a\nonbuild  run   x\n") == "FROM a\nONBUILD RUN x\n"


def test_leading_blanks_of_instructions_and_comments_go():
    assert fmt("  FROM a\n\t# note\n   RUN x\n") == "FROM a\n# note\nRUN x\n"


def test_one_space_after_keyword_and_flags():
    text = "FROM a\nCOPY   --from=a    --chown=1:1   src  dst\n"
    # only the blanks after the keyword and each flag; those between arguments stay
    assert fmt(text) == "FROM a\nCOPY --from=a --chown=1:1 src  dst\n"


def test_trailing_blanks_go():
    assert fmt("FROM a   \nRUN x \\   \n    y\t\n\n  \n") == "FROM a\nRUN x \\\n    y\n\n\n"


def test_continuation_lines_get_one_unit():
    assert fmt("FROM a\nRUN a \\\nb \\\n        c\n") == "FROM a\nRUN a \\\n    b \\\n            c\n"


def test_nested_blocks_keep_their_relative_depth():
    # rcjsuen's formatter flattens every continuation line to one indent
    text = (
        "FROM debian\n"
        "RUN set -eux; \\\n"
        "  apt-get update; \\\n"
        "  if [ -n x ]; then \\\n"
        "      echo nested; \\\n"
        "        echo deeper; \\\n"
        "  fi\n"
    )
    expected = (
        "FROM debian\n"
        "RUN set -eux; \\\n"
        "    apt-get update; \\\n"
        "    if [ -n x ]; then \\\n"
        "        echo nested; \\\n"
        "          echo deeper; \\\n"
        "    fi\n"
    )
    assert fmt(text) == expected


def test_tabs_when_the_client_asks_for_them():
    assert fmt("FROM a\nRUN a \\\n  b \\\n      c\n", insert_spaces=False, tab_size=4) == "FROM a\nRUN a \\\n\tb \\\n\t\tc\n"


def test_comment_lines_inside_a_continuation_follow_the_block():
    text = "FROM a\nRUN a \\\n# why\n  b \\\n      # deeper why\n      c\n"
    assert fmt(text) == "FROM a\nRUN a \\\n    # why\n    b \\\n        # deeper why\n        c\n"


# -- what it never touches -----------------------------------------------------------------
@pytest.mark.parametrize("keyword", ["RUN", "COPY", "ADD"])
def test_heredoc_bodies_and_terminators_are_untouched(keyword):
    # rcjsuen's formatter breaks ADD heredocs
    body = "  indented   \n\tline with tab \t\n   EOF-not-yet\n"
    text = f"FROM a\n{keyword} <<EOF /dst\n{body}EOF\n"
    if keyword == "RUN":
        text = f"FROM a\nRUN <<EOF\n{body}EOF\n"
    out = fmt(text)
    assert body in out
    assert out.endswith(f"\n{body}EOF\n")


def test_chomped_heredoc_with_tabs_is_untouched():
    text = "FROM a\nRUN <<-EOT bash\n\t\techo hi   \n\tEOT\n"
    assert fmt(text) == text


def test_blanks_inside_quotes_across_a_continuation_are_kept():
    text = 'FROM a\nRUN echo "a \\\n   b" \\\n  c\n'
    assert fmt(text) == 'FROM a\nRUN echo "a \\\n   b" \\\n    c\n'


def test_json_strings_across_a_continuation_are_kept():
    text = 'FROM a\nCMD ["a \\\n   b", \\\n  "c"]\n'
    out = fmt(text)
    assert '   b",' in out and '\n    "c"]' in out


def test_glued_continuation_is_not_split():
    # `echo a\` + `b` is `echo ab` to BuildKit: indenting `b` would make two words
    text = "FROM a\nRUN echo a\\\nb\n"
    assert fmt(text) == text


@pytest.mark.parametrize("text", [
    "FROM a\nWORKDIR /a \\\nb\n",  # one verbatim string
    "FROM a\nENV PHPIZE_DEPS \\\n\t\tautoconf \\\n\t\tmake\n",  # legacy ENV: the value keeps its blanks
    "FROM a\nUSER root \\\n  :root\n",
])
def test_verbatim_arguments_are_kept(text):
    assert fmt(text) == text


def test_directives_are_untouched():
    text = "#  syntax = docker/dockerfile:1\n# escape=\\\nFROM a\n"
    assert fmt(text) == text


def test_escape_directive_backtick():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN  powershell -Command `\n  Write-Host hi; `\n      Write-Host nested\n"
    expected = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Write-Host hi; `\n        Write-Host nested\n"
    assert fmt(text) == expected


def test_crlf_and_bom_are_kept():
    text = "\ufeffFROM a  \r\nrun x \\\r\n  y\r\n"
    assert fmt(text) == "\ufeffFROM a\r\nRUN x \\\r\n    y\r\n"


def test_line_count_never_changes():
    text = "FROM a\n\n\n  RUN a \\\n\n  b\n# c\n"
    assert fmt(text).count("\n") == text.count("\n")


@pytest.mark.parametrize("text", ["", "\n", "#", "RUN", "\\", "FROM a\nRUN <<EOF\nunterminated", "\x00\xff garbage \\\n"])
def test_odd_input_never_raises(text):
    out = fmt(text)
    assert isinstance(out, str)
    assert fmt(out) == out


def test_idempotent_on_a_messy_file():
    text = "from a as b\n  RUN   x \\\n y \\\n        z\nCOPY --from=b    / /\n"
    once = fmt(text)
    assert fmt(once) == once


# -- on-type ----------------------------------------------------------------------------------
def test_on_type_after_enter_on_a_continued_keyword_line():
    text = "FROM a\nRUN apt-get update && \\\n\n"
    assert on_type_indent(text, 2, FormatOptions()) == "    "


def test_on_type_keeps_the_depth_of_the_line_above():
    text = "FROM a\nRUN a \\\n      b \\\n\n"
    assert on_type_indent(text, 3, FormatOptions()) == "      "


def test_on_type_does_nothing_without_a_continuation():
    assert on_type_indent("FROM a\nRUN a\n\n", 2, FormatOptions()) is None


# -- the corpus round trip --------------------------------------------------------------------
@pytest.mark.shared
def test_corpus_round_trip_keeps_the_buildkit_parse_and_is_idempotent():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    changed = 0
    problems = []
    for path in corpus_files():
        text = read(path)
        before = parse(text)
        out = format_text(text, tree=before)
        if out == text:
            continue
        changed += 1
        after = parse(out)
        if not same_parse(before, after):
            problems.append(f"{path}: parse changed")
        elif before.errors == [] and dump(before).count("\n") != dump(after).count("\n"):
            problems.append(f"{path}: instruction count changed")
        if format_text(out) != out:
            problems.append(f"{path}: not idempotent")
    assert not problems, problems[:10]
    assert changed > 100  # the corpus has plenty to format; the test must not pass vacuously


@pytest.mark.shared
def test_corpus_formatter_needs_no_safety_net():
    """Every change the formatter proposes keeps the parse by construction: the check in
    format_text (which refuses a change that would alter the parse) never has to step in."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    from docksense.features import formatting

    refused = []
    for path in corpus_files():
        text = read(path)
        tree = parse(text)
        lines = formatting._Lines(text)
        raw = "".join(c + e for c, e in zip(formatting._format_lines(text, tree, lines, FormatOptions()), lines.endings))
        if raw != text and format_text(text, tree=tree) == text:
            refused.append(str(path))
    assert not refused, refused[:10]


# -- the command line -------------------------------------------------------------------------
def _run(*args, cwd=None, stdin=None):
    return subprocess.run([sys.executable, "-m", "docksense", "format", *args], capture_output=True, text=True,
                          cwd=cwd, input=stdin)


def test_cli_check_lists_files_and_exits_1(tmp_path):
    (tmp_path / "Dockerfile").write_text("from a\nRUN  x\n")
    (tmp_path / "clean.Dockerfile").write_text("FROM a\nRUN x\n")
    result = _run("--check", str(tmp_path))
    assert result.returncode == 1
    assert "would reformat" in result.stderr and "Dockerfile" in result.stderr
    assert "clean.Dockerfile" not in result.stderr.split("\n")[0]
    assert (tmp_path / "Dockerfile").read_text() == "from a\nRUN  x\n"  # --check writes nothing


def test_cli_diff_prints_a_unified_diff(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM a\nrun  x\n")
    result = _run("--diff", str(tmp_path / "Dockerfile"))
    assert result.returncode == 1
    assert "-run  x" in result.stdout and "+RUN x" in result.stdout


def test_cli_rewrites_in_place_and_then_is_clean(tmp_path):
    target = tmp_path / "Dockerfile"
    target.write_text("FROM a\nrun  x \\\n y\n")
    assert _run(str(target)).returncode == 0
    assert target.read_text() == "FROM a\nRUN x \\\n    y\n"
    assert _run("--check", str(target)).returncode == 0


def test_cli_stdin_to_stdout():
    result = _run("-", stdin="FROM a\nrun  x\n")
    assert result.returncode == 0 and result.stdout == "FROM a\nRUN x\n"


def test_cli_no_dockerfiles_is_an_error(tmp_path):
    result = _run(str(tmp_path))
    assert result.returncode == 2 and "no Dockerfiles found" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_bad_indent_is_a_usage_error(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM a\n")
    result = _run("--indent", "0", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_pre_commit_format_hook_selects_what_the_check_hook_selects():
    import yaml

    from .conftest import ROOT

    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    fmt_hook, check_hook = hooks["docksense-format"], hooks["docksense-check"]
    assert fmt_hook["entry"] == "docksense format" and fmt_hook["language"] == "python"
    assert (fmt_hook["files"], fmt_hook["exclude"]) == (check_hook["files"], check_hook["exclude"])


def test_many_changed_lines_come_back_as_one_whole_document_edit():
    from docksense.analysis import Analysis
    from docksense.features.formatting import WHOLE_DOCUMENT_EDIT, document_edits

    text = "\ufeffFROM a\n" + "run   x\n" * (WHOLE_DOCUMENT_EDIT + 1)
    analysis = Analysis(text)
    edits = document_edits(analysis, FormatOptions(), "utf-16")
    assert len(edits) == 1
    assert edits[0].range.start.character == 1  # the byte-order mark stays outside the edit
    assert edits[0].new_text == "from a\n" + "run x\n" * (WHOLE_DOCUMENT_EDIT + 1)  # the majority: lower
    few = Analysis("FROM a\nrun   x\n")
    assert [e.new_text for e in document_edits(few, FormatOptions(), "utf-16")] == ["RUN x"]
