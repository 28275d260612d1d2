"""Unit tests of the syntax layer: every construct with its exact ranges."""

from __future__ import annotations

from docksense.syntax import LineIndex, parse


def span(text: str, tree_start: int, tree_end: int) -> str:
    return text[tree_start:tree_end]


def codes(tree):
    return [p.code for p in tree.problems]


# -- directives ----------------------------------------------------------------------
def test_directives_at_top_only_case_insensitive_with_spaces():
    text = "# Syntax = docker/dockerfile:1\n#ESCAPE=`\n# check=skip=all\nFROM x\n# escape=\\\n"
    tree = parse(text)
    assert [(d.name, d.value) for d in tree.directives] == [
        ("syntax", "docker/dockerfile:1"),
        ("escape", "`"),
        ("check", "skip=all"),
    ]
    syntax = tree.directives[0]
    assert span(text, syntax.name_start, syntax.name_end) == "Syntax"
    assert span(text, syntax.value_start, syntax.value_end) == "docker/dockerfile:1"
    assert tree.escape == "`"


def test_blank_line_or_comment_ends_directives():
    assert parse("\n# escape=`\nFROM x\n").directives == []
    assert parse("# hello\n# escape=`\nFROM x\n").directives == []
    assert parse("# unknown=1\n# escape=`\nFROM x\n").directives == []


def test_duplicate_and_invalid_directives_reported():
    tree = parse("# escape=\\\n# escape=`\nFROM x\n")
    assert "DuplicateDirective" in codes(tree)
    assert tree.escape == "\\"
    tree = parse("# escape=x\nFROM x\n")
    assert "InvalidEscapeDirective" in codes(tree)
    bad = [p for p in tree.problems if p.code == "InvalidEscapeDirective"][0]
    assert "# escape=x"[bad.start:bad.end] == "x"


# -- comments and continuations -----------------------------------------------------------
def test_comment_lines_inside_continuation_are_dropped():
    text = "RUN echo a \\\n  # a comment\n  && echo b\n"
    tree = parse(text)
    (run,) = tree.instructions
    assert run.args == "echo a   && echo b"
    assert [c.text for c in tree.comments] == ["a comment"]


def test_keyword_split_by_continuation():
    text = "FR\\\nOM alpine\n"
    (ins,) = parse(text).instructions
    assert ins.keyword == "FROM"
    assert [text[a:b] for a, b in ins.keyword_pieces()] == ["FR", "OM"]
    assert text[ins.words[0].start:ins.words[0].end] == "alpine"


def test_lowercase_keyword_and_backtick_escape():
    text = "# escape=`\nfrom x\nrun echo a `\n  b\n"
    tree = parse(text)
    assert [i.name for i in tree.instructions] == ["FROM", "RUN"]
    assert tree.instructions[1].args == "echo a   b"


def test_whitespace_after_escape_and_continuation_at_eof():
    tree = parse("FROM x\nRUN echo a \\   \n b \\")
    assert tree.instructions[1].args == "echo a  b"
    assert tree.errors == []


def test_empty_continuation_lines_recorded():
    tree = parse("FROM x\nRUN a \\\n\n b\n")
    assert tree.instructions[1].empty_continuation_lines == [2]
    assert "NoEmptyContinuation" in codes(tree)


def test_crlf_and_bom():
    text = "\ufeffFROM x AS b\r\nRUN echo \\\r\n  hi\r\n"
    tree = parse(text)
    assert tree.bom
    assert [i.name for i in tree.instructions] == ["FROM", "RUN"]
    assert tree.instructions[1].args == "echo   hi"
    first = tree.instructions[0]
    assert text[first.keyword_start:first.keyword_end] == "FROM"
    lines = LineIndex(text)
    assert lines.position(tree.instructions[1].keyword_start) == (1, 0)


# -- flags -------------------------------------------------------------------------------
def test_flags_with_ranges_and_double_dash():
    text = "COPY --from=build --chmod=755 --link -- a b\n"
    (ins,) = parse(text).instructions
    assert [(f.name, f.value) for f in ins.flags] == [("from", "build"), ("chmod", "755"), ("link", None)]
    f = ins.flags[0]
    assert text[f.name_start:f.name_end] == "--from"
    assert text[f.value_start:f.value_end] == "build"
    assert [w.text for w in ins.words] == ["a", "b"]


def test_quoted_flag_value():
    text = 'RUN --mount="type=cache,target=/root/.cache" pip install x\n'
    (ins,) = parse(text).instructions
    assert ins.flags[0].value == "type=cache,target=/root/.cache"
    assert text[ins.flags[0].value_start:ins.flags[0].value_end] == '"type=cache,target=/root/.cache"'


# -- exec form ------------------------------------------------------------------------------
def test_exec_form_items_with_ranges():
    text = 'CMD ["python", "app.py", "a\\"b"]\n'
    (ins,) = parse(text).instructions
    assert ins.form == "exec"
    assert [w.text for w in ins.json.items] == ["python", "app.py", 'a"b']
    assert [text[w.start:w.end] for w in ins.json.items] == ['"python"', '"app.py"', '"a\\"b"']


def test_invalid_json_falls_back_to_shell_form():
    (ins,) = parse("CMD ['a', 'b']\n").instructions
    assert ins.form == "shell" and ins.json is None


def test_non_string_json_is_an_error():
    assert "JSONNotStringArray" in codes(parse('FROM x\nCMD ["a", 1]\n'))


# -- heredocs --------------------------------------------------------------------------------
def test_heredoc_body_is_not_an_instruction():
    text = "FROM x\nRUN <<EOF\nFROM y\nEOF\nUSER a\n"
    tree = parse(text)
    assert [i.name for i in tree.instructions] == ["FROM", "RUN", "USER"]
    run = tree.instructions[1]
    assert run.form == "heredoc"
    (doc,) = run.heredocs
    assert doc.name == "EOF" and doc.content == "FROM y\n" and doc.expand and doc.terminated
    assert text[doc.body_start:doc.body_end] == "FROM y"
    assert text[doc.marker_start:doc.marker_end] == "<<EOF"
    assert run.end_line == 3


def test_heredoc_forms():
    tree = parse("FROM x\nRUN <<-'EOF' << \"TWO\" 3<<x\n\tbody\n\tEOF\nsecond\nTWO\nthird\nx\n")
    run = tree.instructions[1]
    assert [(d.name, d.chomp, d.expand, d.fd) for d in run.heredocs] == [
        ("EOF", True, False, 0),
        ("TWO", False, False, 0),
        ("x", False, True, 3),
    ]
    assert tree.errors == []


def test_space_after_heredoc_operator():
    run = parse("FROM x\nRUN << 'EOF'\necho hi\nEOF\n").instructions[1]
    assert [d.name for d in run.heredocs] == ["EOF"]


def test_here_string_and_quoted_marker_are_not_heredocs():
    tree = parse("FROM x\nRUN cat <<< 'hi'\nRUN echo '<<EOF'\nUSER a\n")
    assert [i.name for i in tree.instructions] == ["FROM", "RUN", "RUN", "USER"]
    assert all(not i.heredocs for i in tree.instructions)


def test_unterminated_heredoc_reported():
    tree = parse("FROM x\nCOPY <<EOF /a\nhello\n")
    assert "UnterminatedHeredoc" in codes(tree)


def test_heredoc_in_onbuild_trigger():
    tree = parse("FROM x\nONBUILD RUN <<EOF\nFROM y\nEOF\n")
    assert [i.name for i in tree.instructions] == ["FROM", "ONBUILD"]
    assert tree.instructions[1].trigger.heredocs[0].content == "FROM y\n"


def test_exec_form_run_has_no_heredoc():
    tree = parse('FROM x\nRUN ["cat", "<<EOF"]\nUSER a\n')
    assert [i.name for i in tree.instructions] == ["FROM", "RUN", "USER"]


# -- key/value pairs ---------------------------------------------------------------------------
def test_env_pairs_and_legacy_form():
    text = 'ENV A=1 B="two words" C=x\\ y\nENV D the rest\n'
    tree = parse(text)
    pairs = tree.instructions[0].pairs
    assert [(p.key, p.value) for p in pairs] == [("A", "1"), ("B", '"two words"'), ("C", "x\\ y")]
    assert text[pairs[1].key_start:pairs[1].key_end] == "B"
    assert text[pairs[1].value_start:pairs[1].value_end] == '"two words"'
    legacy = tree.instructions[1].pairs[0]
    assert legacy.legacy and legacy.key == "D" and legacy.value == "the rest"


def test_env_errors():
    assert "MissingEquals" in codes(parse("FROM x\nENV A=1 B\n"))
    assert "MissingValue" in codes(parse("FROM x\nLABEL alone\n"))


def test_arg_pairs():
    text = "ARG A B=2 C=\n"
    pairs = parse(text).instructions[0].pairs
    assert [(p.key, p.value) for p in pairs] == [("A", None), ("B", "2"), ("C", "")]


# -- variables -------------------------------------------------------------------------------------
def test_variable_references_and_modifiers():
    text = "FROM x\nWORKDIR $A/${B#x}/${C:-d}/${D//a/b}/\\$E/'$F'\n"
    refs = parse(text).instructions[1].variables
    assert [(r.name, r.modifier) for r in refs] == [("A", ""), ("B", "#"), ("C", ":-"), ("D", "//")]
    b = refs[1]
    assert text[b.start:b.end] == "${B#x}" and text[b.name_start:b.name_end] == "B"
    c = refs[2]
    assert text[c.word_start:c.word_end] == "d"


def test_all_modifiers_recognised():
    for modifier in (":-", "-", ":+", "+", ":?", "?", "#", "##", "%", "%%", "/", "//"):
        text = f"FROM x\nENV A=${{V{modifier}w}}\n"
        (ref,) = parse(text).instructions[1].variables
        assert (ref.name, ref.modifier, ref.word) == ("V", modifier, "w")


def test_variables_in_flags_and_heredoc_bodies():
    text = "FROM --platform=$BUILDPLATFORM x\nRUN <<EOF\necho $HOME\nEOF\n"
    tree = parse(text)
    assert [r.name for r in tree.instructions[0].variables] == ["BUILDPLATFORM"]
    (ref,) = tree.instructions[1].variables
    assert text[ref.start:ref.end] == "$HOME"


# -- stages ------------------------------------------------------------------------------------------
def test_from_words_with_ranges():
    text = "FROM --platform=linux/amd64 python:3.11-slim AS base\n"
    (ins,) = parse(text).instructions
    assert [w.text for w in ins.words] == ["python:3.11-slim", "AS", "base"]
    assert text[ins.words[0].start:ins.words[0].end] == "python:3.11-slim"


# -- robustness of small pieces ---------------------------------------------------------------------------
def test_empty_file_and_comments_only():
    assert codes(parse("")) == ["NoInstructions"]
    assert codes(parse("# just a comment\n\n")) == ["NoInstructions"]


def test_half_typed_lines_do_not_raise():
    for text in ("FROM", "RUN --mount=", "ENV A=\"unterminated", "COPY <<", "CMD [\"a\",", "${", "ONBUILD", "HEALTHCHECK"):
        tree = parse(text)
        for problem in tree.problems:
            assert 0 <= problem.start <= problem.end <= len(text)


def test_utf16_positions_with_emoji():
    text = "LABEL a=\"😀\" b=c\n"
    tree = parse(text)
    b = tree.instructions[0].pairs[1]
    lines = LineIndex(text)
    assert lines.position(b.key_start, "utf-16") == (0, 13)
    assert lines.position(b.key_start, "utf-32") == (0, 12)
    assert lines.position(b.key_start, "utf-8") == (0, 15)
    assert lines.offset(0, 13, "utf-16") == b.key_start
