"""The shell-variable model: references read with the shell's quoting, and where each is set."""

from __future__ import annotations

from docksense.analysis import Analysis
from docksense.analysis.shell.references import find_references
from docksense.analysis.shell.runs import earlier_run_definition, run_shell
from docksense.analysis.shell.variables import shell_variables


def refs(text: str) -> list[tuple[str, str, str]]:
    return [(r.kind, r.name, text[r.start : r.end]) for r in find_references(text)]


def resolved(text: str) -> dict[str, tuple]:
    """``raw reference text -> (status, definition kind, value)`` (the last one of each text)."""
    model = shell_variables(text)
    out = {}
    for ref in model.references:
        res = model.resolve(ref)
        out[text[ref.start : ref.end]] = (res.status, res.definition.kind if res.definition else "", res.value)
    return out


def test_single_quotes_inside_double_quoted_command_substitution_are_quotes():
    text = "x=\"$(ls | awk '{print $1}')\"; echo \"$x\""
    assert refs(text) == [("literal", "1", "$1"), ("expand", "x", "$x")]


def test_backticks_braces_arithmetic_and_comments():
    text = 'a=`echo $b`; echo "${#arr[@]}" ${c:-"$d"} $((i+$j)) # $not'
    assert refs(text) == [("expand", "b", "$b"), ("expand", "arr", "${#arr[@]}"),
                          ("expand", "c", '${c:-"$d"}'), ("expand", "d", "$d"), ("expand", "j", "$j")]


def test_escaped_and_single_quoted_dollars():
    assert refs("echo \\$HOME '\\$\\$ORIGIN'") == [
        ("escaped", "HOME", "\\$HOME"), ("literal", "", "\\$"), ("literal", "ORIGIN", "\\$ORIGIN")]


def test_assignments_loops_and_reads_are_definitions():
    text = ('savedAptMark="$(apt-mark showmanual)"; apt-mark manual $savedAptMark; '
            'for key in $GPG_KEYS; do gpg --recv-keys "$key"; done; read -r a b; echo $a; '
            'export E=2; local L; v=plain; echo $v $later; later=1')
    found = resolved(text)
    assert found["$savedAptMark"] == ("set", "assignment", None)
    assert found['$key'] == ("set", "for", None)
    assert found["$GPG_KEYS"] == ("unknown", "", None)
    assert found["$a"] == ("set", "read", None)
    assert found["$v"] == ("set", "assignment", "plain")
    assert found["$later"] == ("set-later", "assignment", "1")
    model = shell_variables(text)
    saved = model.named("savedAptMark")[0]
    assert saved.value_text == '"$(apt-mark showmanual)"'


def test_a_value_set_in_branches_depends_on_the_branch():
    text = ('case "$a" in x) U=1 ;; y) U=2 ;; esac; echo $U; if true; then V=3; fi; echo $V; '
            'W=1; W=2; echo $W')
    model = shell_variables(text)
    out = {}
    for ref in model.references:
        res = model.resolve(ref)
        out[text[ref.start : ref.end]] = (res.status, res.value, res.branch, [d.value for d in res.alternatives])
    assert out["$U"] == ("set", None, "case", ["1", "2"])
    assert out["$V"] == ("set", "3", "if", ["3"])
    assert out["$W"] == ("set", "2", "", [])


def test_prefix_assignment_is_for_the_command_environment_only():
    text = "x=1 make $x; X=2 sh -c 'echo $X'"
    found = resolved(text)
    assert found["$x"] == ("prefix", "prefix", "1")
    assert found["$X"] == ("inherited", "prefix", "2")


def test_env_and_sudo_assignments_reach_the_script_they_run():
    for text in ("env A=1 sh -c 'echo $A'", "sudo -u u A=1 bash -c 'echo $A'"):
        model = shell_variables(text)
        (ref,) = model.references
        assert (model.resolve(ref).status, model.resolve(ref).value) == ("inherited", "1")


def test_inner_scripts_see_exported_variables_only():
    text = "e=1; export E=2; sh -c 'echo $e $E'; su app -c \"echo \\\"$e\\\" \\$E\""
    model = shell_variables(text)
    by_place = [(text[r.start : r.end], r.shell, model.resolve(r).status) for r in model.references]
    assert by_place == [("$e", 0, "not-exported"), ("$E", 0, "inherited"),
                        ("$e", -1, "set"),  # the outer shell expands "$e" before su runs
                        ("$E", 1, "inherited")]


def test_positional_parameters_of_scripts_functions_and_the_run():
    text = "find /src -exec sh -c 'python \"$1\" \"$0\"' _ {} \\; ; f() { echo \"$1\"; }; echo $1 $?"
    model = shell_variables(text)
    out = [(text[r.start : r.end], model.resolve(r).status, model.resolve(r).value) for r in model.references]
    assert out == [("$1", "script-arg", "{}"), ("$0", "script-arg", "_"), ("$1", "function-arg", None),
                   ("$1", "run-arg", None), ("$?", "special", None)]


def test_set_dashdash_sets_the_positional_parameters():
    text = 'set -- a "$HOME" && echo "$1 $2 $3" && f() { echo $1; }'
    model = shell_variables(text)
    out = [(model.resolve(r).status, model.resolve(r).value) for r in model.references if r.positional]
    assert out == [("set-args", "a"), ("set-args", None), ("set-args", None), ("function-arg", None)]


def test_document_offsets_and_earlier_runs():
    text = 'FROM a\nRUN tmp="$(mktemp -d)" \\\n && cd "$tmp"\nRUN echo "$tmp"\n'
    analysis = Analysis(text)
    first, second = analysis.tree.instructions[1:3]
    model = run_shell(analysis, first)
    ref = model.reference_at(text.index("$tmp") + 1)
    assert text[ref.start : ref.end] == "$tmp"
    definition = model.definition_of(ref)
    assert text[definition.start : definition.end] == "tmp"
    assert [text[r.start : r.end] for r in model.readers(definition)] == ["$tmp"]
    later = run_shell(analysis, second).reference_at(text.rindex("$tmp") + 1)
    assert later.resolve().status == "unknown"
    assert earlier_run_definition(analysis, second, "tmp") == definition
    assert earlier_run_definition(analysis, first, "tmp") is None


def test_linear_on_long_inputs():
    """One pass and no recursion: a megabyte of references and deep nesting are fine."""
    text = "x=1; " + "echo \"$x ${y:-$(z)}\"; " * 40_000
    assert len(shell_variables(text).references) == 80_000  # $x and ${y...} per line
    deep = '"$(' * 5000 + "$x" + ')"' * 5000
    assert [r.name for r in find_references(deep)] == ["x"]
    unclosed = find_references("${a:-" * 20000)  # each used to look for its `}` to the end
    assert len(unclosed) == 20000 and unclosed[-1].end == 100000
    closed = find_references("${a:-${b}}")
    assert [(r.name, r.start, r.end) for r in closed] == [("a", 0, 10), ("b", 5, 9)]
