"""Tests of the shell layer: commands, words and exact offsets; classification of words."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docksense.analysis.shell import (
    ShellScript,
    SimpleCommand,
    Word,
    WordRole,
    _parse,
    classify,
    parse_shell,
)
from docksense.knowledge import KnowledgeBase


# == helpers =================================================================================
def names(text: str) -> list[str]:
    """Command names in source order."""
    return [c.name for c in parse_shell(text).commands]


def words(cmd: SimpleCommand) -> list[str]:
    return [w.text for w in cmd.words]


def only(text: str) -> SimpleCommand:
    script = parse_shell(text)
    assert len(script.commands) == 1, script.commands
    return script.commands[0]


def by_name(script: ShellScript, name: str) -> SimpleCommand:
    return next(c for c in script.commands if c.name == name)


def span(text: str, item: Word | SimpleCommand | WordRole) -> str:
    return text[item.start : item.end]


def check_offsets(text: str, script: ShellScript) -> None:
    """Every word is its own source slice; every command span holds its words."""
    for cmd in script.commands:
        assert 0 <= cmd.start <= cmd.end <= len(text)
        for word in (*cmd.words, *cmd.assignments, *cmd.wrappers, *cmd.redirects):
            assert 0 <= word.start < word.end <= len(text)
            assert text[word.start : word.end] == word.raw
        for word in (*cmd.words, *cmd.assignments, *cmd.redirects):
            assert cmd.start <= word.start and word.end <= cmd.end
    for start, end, message in script.errors:
        assert 0 <= start <= end <= len(text) and message


# == words ===================================================================================
def test_simple_command_words_and_offsets():
    text = "  apt-get install -y curl"
    cmd = only(text)
    assert words(cmd) == ["apt-get", "install", "-y", "curl"]
    assert [(w.start, w.end) for w in cmd.words] == [(2, 9), (10, 17), (18, 20), (21, 25)]
    assert (cmd.start, cmd.end, cmd.context) == (2, 25, "top")
    assert cmd.name == "apt-get"


@pytest.mark.parametrize(
    ("raw", "value", "quoted", "expansion"),
    [
        ("plain", "plain", False, False),
        ("'single quoted'", "single quoted", True, False),
        ('"double $HOME"', "double $HOME", True, True),
        ("'$notexpanded'", "$notexpanded", True, False),
        ("\"a'b\"", "a'b", True, False),
        ("'it''s'", "its", True, False),
        ('"$HOME"\'/x\'', "$HOME/x", True, True),
        ("a\\ b", "a b", True, False),
        ('"say \\"hi\\""', 'say "hi"', True, False),
        ('"keep \\n"', "keep \\n", True, False),
        ("$'tab\\there'", "tab\there", True, True),
        ("${VAR:-x}", "${VAR:-x}", False, True),
        ("$(date +%s)", "$(date +%s)", False, True),
        ("`uname -r`", "`uname -r`", False, True),
        ('"$(echo "a b")"', "$(echo \"a b\")", True, True),
        ("x$((1 + 2))y", "x$((1 + 2))y", False, True),
        ("a#b", "a#b", False, False),
    ],
)
def test_word_value_and_flags(raw, value, quoted, expansion):
    text = f"echo {raw} end"
    cmd = parse_shell(text).commands[0]
    word = cmd.words[1]
    assert (word.text, word.raw, word.quoted, word.has_expansion) == (value, raw, quoted, expansion)
    assert (word.start, word.end) == (5, 5 + len(raw))
    assert cmd.words[2].text == "end"


def test_line_continuation_is_whitespace_and_joins_inside_a_word():
    text = "apt-get \\\n  install \\\n  cu\\\nrl"
    cmd = only(text)
    assert words(cmd) == ["apt-get", "install", "curl"]
    assert cmd.words[2].raw == "cu\\\nrl" and cmd.words[2].start == text.index("cu")


def test_comments_start_only_at_word_start():
    text = "echo a#b # a comment; rm -rf /\nls;#another\npwd"
    assert names(text) == ["echo", "ls", "pwd"]
    assert words(parse_shell(text).commands[0]) == ["echo", "a#b"]


# == lists and pipelines =====================================================================
@pytest.mark.parametrize("op", ["&&", "||", ";", "|", "&", "|&", "\n"])
def test_operators_separate_commands(op):
    text = f"first one{op}second two"
    script = parse_shell(text)
    assert [words(c) for c in script.commands] == [["first", "one"], ["second", "two"]]
    first, second = script.commands
    assert span(text, first) == "first one" and span(text, second) == "second two"


def test_long_list_keeps_source_order_and_spans():
    text = "set -eux; apt-get update && apt-get install -y x; rm -rf /var/lib/apt/lists/*"
    script = parse_shell(text)
    assert [span(text, c) for c in script.commands] == [
        "set -eux", "apt-get update", "apt-get install -y x", "rm -rf /var/lib/apt/lists/*",
    ]
    assert not script.errors


# == assignments and redirections ============================================================
def test_leading_assignments_are_not_the_command():
    text = "DEBIAN_FRONTEND=noninteractive TZ='Etc/UTC' apt-get install -y tzdata"
    cmd = only(text)
    assert [a.raw for a in cmd.assignments] == ["DEBIAN_FRONTEND=noninteractive", "TZ='Etc/UTC'"]
    assert cmd.assignments[1].text == "TZ=Etc/UTC"
    assert cmd.name == "apt-get" and cmd.start == 0 and cmd.end == len(text)


def test_assignment_only_command_and_later_assignments_are_arguments():
    script = parse_shell("A=1 B=$(date); env X=1")
    first = script.commands[0]
    assert first.words == () and [a.raw for a in first.assignments] == ["A=1", "B=$(date)"]
    assert "date" in names("A=1 B=$(date)")
    assert words(parse_shell("make CC=gcc").commands[0]) == ["make", "CC=gcc"]


def test_redirections_collect_targets_not_words():
    text = "2>/dev/null curl -fsSL url > out.txt 2>&1 < in &>> log"
    cmd = only(text)
    assert words(cmd) == ["curl", "-fsSL", "url"]
    assert [r.raw for r in cmd.redirects] == ["/dev/null", "out.txt", "1", "in", "log"]
    assert (cmd.start, cmd.end) == (0, len(text))


def test_digits_before_a_redirection_are_a_file_descriptor():
    cmd = only("echo 2 2>err")
    assert words(cmd) == ["echo", "2"] and [r.raw for r in cmd.redirects] == ["err"]


# == heredocs ================================================================================
def test_heredoc_body_is_skipped():
    text = "cat <<EOF > /etc/conf\nnot $(a command) here\nEOF\necho done"
    script = parse_shell(text)
    assert names(text) == ["cat", "echo"]
    assert [r.text for r in script.commands[0].redirects] == ["EOF", "/etc/conf"]
    assert not script.errors


def test_heredoc_variants():
    text = "cat <<-'END' | sed s/a/b/ >f && cat <<\"X\" <<Y\n\tbody\n\tEND\nx body\nX\ny\nY\nls"
    assert names(text) == ["cat", "sed", "cat", "ls"]


def test_unterminated_heredoc_is_reported():
    script = parse_shell("cat <<EOF\nline\nmore")
    assert names("cat <<EOF\nline\nmore") == ["cat"]
    assert any("not terminated" in message for *_, message in script.errors)


def test_heredoc_without_body_in_the_text_is_no_error():
    assert parse_shell("cat <<EOF > /etc/motd").errors == ()


# == compound commands =======================================================================
def test_subshell_and_group():
    text = "(cd /src && make) || { echo failed; exit 1; }"
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [
        ("cd", "subshell"), ("make", "subshell"), ("echo", "top"), ("exit", "top"),
    ]
    assert span(text, script.commands[1]) == "make"
    assert not script.errors


def test_nested_subshell_context():
    script = parse_shell("( (a); b ); c")
    assert [(c.name, c.context) for c in script.commands] == [("a", "subshell"), ("b", "subshell"), ("c", "top")]


def test_command_substitutions_and_backticks():
    text = 'echo "$(date +%s)" `uname -r` $(dirname $(which python))'
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [
        ("echo", "top"), ("date", "command-substitution"), ("uname", "command-substitution"),
        ("dirname", "command-substitution"), ("which", "command-substitution"),
    ]
    assert span(text, by_name(script, "date")) == "date +%s"
    assert span(text, by_name(script, "which")) == "which python"
    assert by_name(script, "uname").words[1].start == text.index("-r")


def test_process_substitution():
    text = "diff <(sort a) >(tee log)"
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [
        ("diff", "top"), ("sort", "process-substitution"), ("tee", "process-substitution"),
    ]
    assert words(script.commands[0]) == ["diff", "<(sort a)", ">(tee log)"]


def test_substitution_inside_parameter_expansion_and_arrays():
    assert names("echo ${X:-$(default)}") == ["echo", "default"]
    assert names('pkgs=(a "$(list)" c); ((i++)); echo $((1 + 2))') == ["", "list", "echo"]


def test_if_elif_else():
    text = "if [ -f x ]; then echo yes; elif test -d y; then :; else echo no; fi; after"
    script = parse_shell(text)
    assert names(text) == ["[", "echo", "test", ":", "echo", "after"]
    assert words(script.commands[0]) == ["[", "-f", "x", "]"]
    assert not script.errors


def test_loops():
    text = (
        "for f in $(ls) *.txt; do gzip $f; done; for ((i=0; i<3; i++)); do echo $i; done\n"
        "while read -r line; do echo \"$line\"; done < list; until false; do break; done\n"
        "select x in a b; do echo $x; done"
    )
    assert names(text) == ["ls", "gzip", "echo", "read", "echo", "false", "break", "echo"]
    assert not parse_shell(text).errors


def test_for_header_across_newline():
    assert names("for x in a b\ndo\n  echo $x\ndone") == ["echo"]


def test_case_patterns_are_not_commands():
    text = (
        'case "$(dpkg --print-architecture)" in\n'
        "  amd64|x86_64) arch=x64 ;;\n"
        "  (arm64) echo arm; arch=arm64 ;&\n"
        "  *) echo unknown; exit 1 ;;&\n"
        "esac; echo $arch"
    )
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["dpkg", "", "echo", "", "echo", "exit", "echo"]
    assert not script.errors


def test_case_last_clause_without_terminator_and_case_in_substitution():
    assert names("case $x in a) one ;; b) two\nesac; three") == ["one", "two", "three"]
    assert names("v=$(case $x in a) echo a;; esac); echo b") == ["", "echo", "echo"]


def test_functions_name_is_not_a_command():
    text = "f() { echo in f; }; function g { ls; }; function h() ( pwd ); f"
    assert names(text) == ["echo", "ls", "pwd", "f"]
    assert not parse_shell(text).errors


def test_negation_and_conditional_expression():
    text = "! grep -q x f && [[ -f a && ( -d b || $c < d ) ]] || echo no"
    script = parse_shell(text)
    assert names(text) == ["grep", "[[", "echo"]
    cond = script.commands[1]
    assert [w.raw for w in cond.words] == ["[[", "-f", "a", "-d", "b", "$c", "d", "]]"]
    assert span(text, cond) == "[[ -f a && ( -d b || $c < d ) ]]"


def test_reserved_words_only_in_command_position():
    assert words(only("echo if then fi done")) == ["echo", "if", "then", "fi", "done"]
    assert names("'if' x") == ["if"]


def test_brace_group_needs_its_own_word():
    assert names("{ a; b; }") == ["a", "b"]
    assert words(only("echo {a,b}")) == ["echo", "{a,b}"]


# == wrappers ================================================================================
@pytest.mark.parametrize(
    ("text", "wrapper", "command"),
    [
        ("sudo -u www-data -E php artisan", "sudo -u www-data -E", "php artisan"),
        ("sudo -uroot VAR=1 make", "sudo -uroot VAR=1", "make"),
        ("exec -a name nginx -g off", "exec -a name", "nginx -g off"),
        ("env -i -u HOME PATH=/bin LANG=C sort f", "env -i -u HOME PATH=/bin LANG=C", "sort f"),
        ("nohup server &", "nohup", "server"),
        ("time -p make -j4", "time -p", "make -j4"),
        ("nice -n 10 make", "nice -n 10", "make"),
        ("nice -10 make", "nice -10", "make"),
        ("command -p ls", "command -p", "ls"),
        ("xargs -0 -r -I {} -n1 rm -f {}", "xargs -0 -r -I {} -n1", "rm -f {}"),
        ("xargs -I{} cp {} /x", "xargs -I{}", "cp {} /x"),
        ("gosu postgres initdb -D /d", "gosu postgres", "initdb -D /d"),
        ("su-exec app:app node index.js", "su-exec app:app", "node index.js"),
        ("tini -s -- nginx", "tini -s --", "nginx"),
        ("dumb-init --single-child -- app", "dumb-init --single-child --", "app"),
        ("chroot --userspec=1:1 /mnt ls", "chroot --userspec=1:1 /mnt", "ls"),
        ("timeout -s KILL 30s curl x", "timeout -s KILL 30s", "curl x"),
        ("stdbuf -oL -e0 tail -f log", "stdbuf -oL -e0", "tail -f log"),
        ("/usr/bin/env python3 -V", "/usr/bin/env", "python3 -V"),
    ],
)
def test_wrappers_are_stripped_and_kept(text, wrapper, command):
    script = parse_shell(text)
    inner = script.commands[-1]
    outer = script.commands[0]
    assert " ".join(w.raw for w in inner.wrappers) == wrapper
    assert " ".join(w.raw for w in inner.words) == command
    assert span(text, outer) == wrapper and outer.wrappers == ()
    assert inner.start == 0 and inner.end == text.index(command) + len(command)


def test_stacked_wrappers_each_reported():
    text = "FOO=1 sudo -E nice -n 5 apt-get install x > log"
    script = parse_shell(text)
    assert [span(text, c) for c in script.commands] == ["sudo -E", "nice -n 5", text]
    sudo, nice, apt = script.commands
    assert [w.raw for w in nice.wrappers] == ["sudo", "-E"]
    assert [w.raw for w in apt.wrappers] == ["sudo", "-E", "nice", "-n", "5"]
    assert [a.raw for a in apt.assignments] == ["FOO=1"] and [r.raw for r in apt.redirects] == ["log"]
    assert sudo.assignments == () and sudo.redirects == ()


@pytest.mark.parametrize(
    "text",
    ["env", "env | sort", "env FOO=1", "xargs", "sudo -i", "sudo -l apt-get", "command -v curl",
     "command -V ls", "time", "nohup", "timeout 5", "gosu", "exec >log 2>&1"],
)
def test_wrapper_without_a_command_is_the_command(text):
    first = parse_shell(text).commands[0]
    assert first.wrappers == () and first.words[0].start == 0


# == inline scripts ==========================================================================
def test_sh_c_single_quoted_script_offsets():
    text = "sh -c 'apt-get update && apt-get install -y x'"
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [
        ("sh", "top"), ("apt-get", "sh -c"), ("apt-get", "sh -c"),
    ]
    install = script.commands[2]
    assert span(text, install) == "apt-get install -y x"
    assert [span(text, w) for w in install.words] == ["apt-get", "install", "-y", "x"]


def test_bash_options_before_c():
    text = 'bash -euxo pipefail -c "echo hi; ls -l" name arg'
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [("bash", "top"), ("echo", "sh -c"), ("ls", "sh -c")]
    assert span(text, script.commands[2]) == "ls -l"
    assert names("/bin/sh -ec 'a'") == ["/bin/sh", "a"]
    assert names("bash -o errexit -c b") == ["bash", "b"]
    assert names("bash script.sh -c x") == ["bash"]


def test_sh_c_continuation_inside_the_script_is_whitespace():
    text = "sh -c \"apt-get update \\\n && apt-get clean\""
    assert names(text) == ["sh", "apt-get", "apt-get"]
    assert span(text, parse_shell(text).commands[2]) == "apt-get clean"


def test_sh_c_escaped_script_is_decoded_and_mapped_back():
    text = 'sh -c "echo \\"x\\"; ls"'
    script = parse_shell(text)
    assert names(text) == ["sh", "echo", "ls"]
    check_offsets(text, script)
    echo = by_name(script, "echo")
    assert [w.text for w in echo.words] == ["echo", "x"]
    assert span(text, echo.words[1]) == '\\"x\\"'
    assert span(text, by_name(script, "ls")) == "ls"
    assert script.scripts[0].escaped and script.scripts[0].text == 'echo "x"; ls'
    assert names("sh -c 'a'\"b\"") == ["sh", "ab"]


def test_sh_c_substitution_in_double_quotes_found_once():
    script = parse_shell('sh -c "cd $(mktemp -d) && make"')
    assert [(c.name, c.context) for c in script.commands] == [
        ("sh", "top"), ("cd", "sh -c"), ("mktemp", "command-substitution"), ("make", "sh -c"),
    ]


def test_sh_c_after_wrappers_and_nested():
    text = "gosu app sh -c 'bash -c \"id -u\"; whoami'"
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [
        ("gosu", "top"), ("sh", "top"), ("bash", "sh -c"), ("id", "sh -c"), ("whoami", "sh -c"),
    ]
    assert span(text, by_name(script, "id")) == "id -u"


def test_su_scripts():
    text = "su postgres -s /bin/sh -c 'psql -c \"select 1\"' && su --command='initdb -D /d' app"
    script = parse_shell(text)
    assert [(c.name, c.context) for c in script.commands] == [
        ("su", "top"), ("psql", "sh -c"), ("su", "top"), ("initdb", "sh -c"),
    ]
    assert span(text, by_name(script, "initdb")) == "initdb -D /d"


def test_half_typed_sh_c_script_is_still_parsed():
    text = "sh -c 'apt-get install -y cu"
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["sh", "apt-get"]
    assert span(text, script.commands[1]) == "apt-get install -y cu"
    assert script.errors[0][2] == "unterminated single quote"


# == errors ==================================================================================
@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("echo 'abc", "unterminated single quote", "'abc"),
        ('echo "abc', "unterminated double quote", '"abc'),
        ("echo $(date", "unterminated substitution: missing `)`", "$(date"),
        ("echo `date", "unterminated backtick substitution", "`date"),
        ("echo ${x", "unterminated ${...}: missing `}`", "${x"),
        ("if true; then echo", "`if` is not closed", "if"),
        ("while x; do y", "`do` is not closed", "while"),
        ("case x in a) b", "`case` is not closed", "case"),
        ("{ a", "`{` is not closed", "{"),
        ("(a", "`(` is not closed", "("),
        ("a )", "`)` without a matching `(`", ")"),
        ("fi", "`fi` without a matching `if`", "fi"),
        ("a ;; b", "`;;` outside `case`", ";;"),
        ("echo x(", "unexpected `(`", "("),
    ],
)
def test_errors_are_reported_with_offsets(text, message, where):
    script = parse_shell(text)
    start = text.rindex(where) if where in (")", "(") else text.index(where)
    assert (start, start + len(where), message) in [(s, e, m) for s, e, m in script.errors] or (
        start, len(text), message
    ) in script.errors


def test_unterminated_quote_word_runs_to_the_end():
    text = "apt-get install 'curl wget"
    cmd = only(text)
    assert words(cmd) == ["apt-get", "install", "curl wget"]
    assert cmd.words[-1].end == len(text)


def test_error_keeps_the_commands_around_it():
    assert names("a; fi; b && ) c") == ["a", "b", "c"]


# == robustness and speed ====================================================================
_SHELL_TOKENS = [
    " ", "\n", "\t", "\\\n", ";", ";;", "&", "&&", "|", "||", "(", ")", "((", "))", "{", "}",
    "<", ">", ">>", "<<", "<<-", "2>&1", "<(", "$(", "${", "}", "`", "'", '"', "\\", "$'", "$((",
    "#", "!", "=", "x=", "a=(", "if", "then", "elif", "else", "fi", "for", "in", "do", "done",
    "while", "case", "esac", "function", "f()", "[[", "]]", "EOF", "sudo", "env", "xargs", "-u",
    "sh", "bash", "-c", "su", "--command=", "apt-get", "install", "-y", "--opt=v", "$x", "*",
    "@(", "é", "\x00", "\r",
]


def check_invariants(text: str) -> None:
    script = _parse(text)  # unguarded: a bug must fail the test, not hide in the safety net
    check_offsets(text, script)
    keys = [c.words[0].start if c.words else c.start for c in script.commands]
    assert keys == sorted(keys)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text):
    check_invariants(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SHELL_TOKENS), max_size=40))
def test_never_raises_on_shell_token_soup(tokens):
    check_invariants("".join(tokens))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SHELL_TOKENS), max_size=30), st.data())
def test_never_raises_on_truncated_input(tokens, data):
    text = "".join(tokens)
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    check_invariants(text[:cut])


def test_parse_shell_is_total():
    assert parse_shell(None).commands == ()  # type: ignore[arg-type]
    assert parse_shell("").commands == () and parse_shell("").errors == ()


@pytest.mark.parametrize(
    "text",
    ["(((( " * 3000, "$(" * 3000, "${" * 3000, '"${' * 3000, "`" * 3001, "x=(" * 3000,
     "<(" * 3000, "a" * 100_000 + "(", '"$a"' * 20_000 + "(", "'" + "a" * 100_000, "case x in " * 3000],
)
def test_hostile_input_is_bounded(text):
    begin = time.perf_counter()
    script = parse_shell(text)
    assert time.perf_counter() - begin < 2.0
    assert not any(m.startswith("internal error") for *_, m in script.errors)


def test_realistic_volume_is_fast():
    run = (
        'set -eux; savedAptMark="$(apt-mark showmanual)"; apt-get update; '
        "apt-get install -y --no-install-recommends ca-certificates curl gnupg wget; "
        'dpkgArch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"; '
        'case "$dpkgArch" in amd64) arch=x64 ;; arm64) arch=arm64 ;; *) exit 1 ;; esac; '
        'wget -O /tmp/x.tgz "https://example.org/x-$arch.tgz"; tar -xzf /tmp/x.tgz -C /opt; '
        "rm -rf /var/lib/apt/lists/* /tmp/x.tgz"
    )
    begin = time.perf_counter()
    for _ in range(1000):  # ~ 450 KB of RUN text
        parse_shell(run)
    assert time.perf_counter() - begin < 3.0


def test_command_at():
    text = "sudo apt-get install $(cat list)"
    script = parse_shell(text)
    assert script.command_at(1).name == "sudo"
    assert script.command_at(text.index("install")).name == "apt-get"
    assert script.command_at(text.index("list")).name == "cat"
    assert parse_shell("  ").command_at(0) is None


# == classification ==========================================================================
_PACK = {
    "apt-get": """
kind = "command"
name = "apt-get"
summary = "Debian package tool."
purpose = "Installs and removes packages."
why = "Images need packages."
[options."-y"]
summary = "Assume yes."
aliases = ["--yes", "--assume-yes"]
[options."-q"]
summary = "Quiet."
[options."-o"]
summary = "Set a configuration option."
takes_value = true
[subcommands.update]
summary = "Refresh the package lists."
[subcommands.install]
summary = "Install packages."
aliases = ["in"]
[subcommands.install.options."--no-install-recommends"]
summary = "Only hard dependencies."
[subcommands.install.options."-y"]
summary = "Assume yes, for install."
""",
    "tar": """
kind = "command"
name = "tar"
summary = "Archive tool."
purpose = "Packs and unpacks archives."
why = "Release tarballs."
[options."-x"]
summary = "Extract."
aliases = ["--extract"]
[options."-z"]
summary = "Through gzip."
aliases = ["--gzip"]
[options."-f"]
summary = "The archive file."
aliases = ["--file"]
takes_value = true
[options."-C"]
summary = "Change to this directory first."
aliases = ["--directory"]
takes_value = true
[options."--strip-components"]
summary = "Drop leading path parts."
takes_value = true
""",
    "set": """
kind = "command"
name = "set"
summary = "Shell options."
purpose = "Changes how the shell runs."
why = "Fail fast."
[options."-e"]
summary = "Exit on error."
[options."-u"]
summary = "Unset variables are errors."
[options."-x"]
summary = "Trace commands."
[options."-o"]
summary = "Set an option by name."
takes_value = true
""",
    "ls": """
kind = "command"
name = "ls"
summary = "List files."
purpose = "Lists directory contents."
why = "Debugging."
[options."-1"]
summary = "One per line."
""",
    "sudo": """
kind = "command"
name = "sudo"
summary = "Run as another user."
purpose = "Runs a command as another user."
why = "Privileges."
[options."-u"]
summary = "The user."
takes_value = true
""",
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    root: Path = tmp_path_factory.mktemp("pack")
    (root / "commands").mkdir()
    for name, body in _PACK.items():
        (root / "commands" / f"{name}.toml").write_text(body, encoding="utf-8")
    base = KnowledgeBase([root], include_bundled=False)
    assert base.all_of("command") and not base.problems
    return base


def roles(text: str, kb: KnowledgeBase, index: int = -1) -> list[tuple[str, str, str, str]]:
    """(role, piece as in the source, key, part summary) of command ``index``."""
    cmd = parse_shell(text).commands[index]
    return [(r.role, text[r.start : r.end], r.key, r.part.summary if r.part else "") for r in classify(cmd, kb)]


def test_command_subcommand_options_operands(kb):
    text = "apt-get install -y --no-install-recommends curl wget"
    assert roles(text, kb) == [
        ("command", "apt-get", "apt-get", ""),
        ("subcommand", "install", "install", "Install packages."),
        ("option", "-y", "-y", "Assume yes, for install."),
        ("option", "--no-install-recommends", "--no-install-recommends", "Only hard dependencies."),
        ("operand", "curl", "install", "Install packages."),  # an operand carries its subcommand
        ("operand", "wget", "install", "Install packages."),
    ]
    first = classify(parse_shell(text).commands[0], kb)[0]
    assert first.entry is not None and first.entry.name == "apt-get" and first.word.text == "apt-get"


def test_option_found_in_command_when_not_in_subcommand(kb):
    text = "apt-get -q --yes update"
    assert roles(text, kb) == [
        ("command", "apt-get", "apt-get", ""),
        ("option", "-q", "-q", "Quiet."),
        ("option", "--yes", "-y", "Assume yes."),
        ("subcommand", "update", "update", "Refresh the package lists."),
    ]


def test_subcommand_alias_and_only_first_operand(kb):
    assert roles("apt-get in x", kb)[1] == ("subcommand", "in", "install", "Install packages.")
    assert [r[0] for r in roles("apt-get foo install", kb)] == ["command", "operand", "operand"]


def test_option_value_is_not_the_subcommand(kb):
    text = "apt-get -o Acquire::Retries=3 install x"
    assert [(r[0], r[1]) for r in roles(text, kb)] == [
        ("command", "apt-get"), ("option", "-o"), ("option-value", "Acquire::Retries=3"),
        ("subcommand", "install"), ("operand", "x"),
    ]


def test_command_found_by_basename(kb):
    assert roles("/usr/bin/apt-get update", kb)[0] == ("command", "/usr/bin/apt-get", "apt-get", "")


def test_short_bundle_one_role_per_letter(kb):
    text = "tar -xzvf node.tar.gz -C /usr/local --strip-components=1"
    result = classify(parse_shell(text).commands[0], kb)
    assert [(r.role, text[r.start : r.end], r.text, r.key) for r in result] == [
        ("command", "tar", "tar", "tar"),
        ("option", "x", "-x", "-x"),
        ("option", "z", "-z", "-z"),
        ("option", "v", "-v", ""),
        ("option", "f", "-f", "-f"),
        ("option-value", "node.tar.gz", "node.tar.gz", "-f"),
        ("option", "-C", "-C", "-C"),
        ("option-value", "/usr/local", "/usr/local", "-C"),
        ("option", "--strip-components", "--strip-components", "--strip-components"),
        ("option-value", "1", "1", "--strip-components"),
    ]
    assert result[3].part is None and result[1].word is result[2].word


def test_bundle_with_attached_value_and_quotes(kb):
    text = "tar -xfarchive.tar -C/opt \"-xzf\" b.tgz"
    assert [(r[0], r[1], r[2]) for r in roles(text, kb)] == [
        ("command", "tar", "tar"),
        ("option", "x", "-x"), ("option", "f", "-f"), ("option-value", "archive.tar", "-f"),
        ("option", "C", "-C"), ("option-value", "/opt", "-C"),
        ("option", "x", "-x"), ("option", "z", "-z"), ("option", "f", "-f"), ("option-value", "b.tgz", "-f"),
    ]


def test_long_option_with_equals_and_takes_value(kb):
    text = "tar --file='my archive.tar' --directory /srv --extract --gzip= --bogus"
    assert roles(text, kb) == [
        ("command", "tar", "tar", ""),
        ("option", "--file", "-f", "The archive file."),
        ("option-value", "my archive.tar", "-f", "The archive file."),
        ("option", "--directory", "-C", "Change to this directory first."),
        ("option-value", "/srv", "-C", "Change to this directory first."),
        ("option", "--extract", "-x", "Extract."),
        ("option", "--gzip", "-z", "Through gzip."),
        ("option", "--bogus", "", ""),
    ]


def test_double_dash_ends_options(kb):
    text = "tar -x -- -z --file"
    assert [(r[0], r[1]) for r in roles(text, kb)] == [
        ("command", "tar"), ("option", "-x"), ("option", "--"), ("operand", "-z"), ("operand", "--file"),
    ]


def test_unknown_options_are_not_guessed(kb):
    assert roles("tar -abc", kb)[1] == ("option", "-abc", "", "")
    assert roles("rm -rf /x", kb) == [("command", "rm", "", ""), ("option", "-rf", "", ""), ("operand", "/x", "", "")]
    assert roles("tar - x", kb)[1:] == [("operand", "-", "", ""), ("operand", "x", "", "")]


def test_numbers_are_options_only_when_known(kb):
    assert roles("ls -1 -5", kb)[1:] == [("option", "-1", "-1", "One per line."), ("operand", "-5", "", "")]
    assert roles("head -20 f", kb)[1] == ("operand", "-20", "", "")


def test_set_plus_and_minus(kb):
    text = "set -eux; set +x; set -o pipefail; set -- a -e"
    script = parse_shell(text)
    found = [[(r.role, text[r.start : r.end], r.key) for r in classify(c, kb)] for c in script.commands]
    assert found == [
        [("command", "set", "set"), ("option", "e", "-e"), ("option", "u", "-u"), ("option", "x", "-x")],
        [("command", "set", "set"), ("option", "x", "-x")],  # the letter; text is "+x"
        [("command", "set", "set"), ("option", "-o", "-o"), ("option-value", "pipefail", "-o")],
        [("command", "set", "set"), ("option", "--", ""), ("operand", "a", ""), ("operand", "-e", "")],
    ]


def test_plus_words_of_other_commands_are_operands(kb):
    assert roles("chmod +x f", kb)[1] == ("operand", "+x", "", "")
    assert roles("tar +x", kb)[1] == ("operand", "+x", "", "")


def test_wrapped_and_wrapper_commands_classify_separately(kb):
    text = "sudo -u root apt-get -y install x"
    script = parse_shell(text)
    assert [(r.role, text[r.start : r.end]) for r in classify(script.commands[0], kb)] == [
        ("command", "sudo"), ("option", "-u"), ("option-value", "root"),
    ]
    assert [(r.role, text[r.start : r.end]) for r in classify(script.commands[1], kb)] == [
        ("command", "apt-get"), ("option", "-y"), ("subcommand", "install"), ("operand", "x"),
    ]


def test_inline_script_commands_classify_with_outer_offsets(kb):
    text = "bash -c 'tar -xzf a.tgz -C /opt'"
    tar = parse_shell(text).commands[1]
    assert [(r.role, text[r.start : r.end]) for r in classify(tar, kb)] == [
        ("command", "tar"), ("option", "x"), ("option", "z"), ("option", "f"),
        ("option-value", "a.tgz"), ("option", "-C"), ("option-value", "/opt"),
    ]


def test_classify_assignment_only_and_expansions(kb):
    assert classify(parse_shell("A=1").commands[0], kb) == []
    assert roles("$CMD -x", kb) == [("command", "$CMD", "", ""), ("option", "-x", "", "")]
    assert roles('tar -C "$dir"', kb)[2] == ("option-value", '"$dir"', "-C", "Change to this directory first.")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["tar", "apt-get", "set", "-xzf", "-C", "--file=", "--file", "'-x'",
                                 "+x", "--", "-", "-1", "install", '"a b"', "$x", "-o", "=", " "]),
                min_size=1, max_size=12))
def test_classify_never_raises_and_spans_stay_in_words(kb, parts):
    text = " ".join(parts)
    for cmd in parse_shell(text).commands:
        for role in classify(cmd, kb):
            assert role.word.start <= role.start <= role.end <= role.word.end
            assert role.role in {"command", "subcommand", "option", "option-value", "operand"}
