"""The shell layer's structure beyond simple commands: find -exec, inline scripts (escaped
ones too), redirections, loop variables and functions, and the nesting bound."""

from __future__ import annotations

from docksense.analysis.shell import _parse, classify, parse_shell
from docksense.knowledge import KnowledgeBase

from .test_shell import by_name, check_offsets, span


def test_find_exec_command_is_a_command_of_its_own():
    text = "find /usr/local -type f -exec grep -o -L foo {} \\; -o -name '*.a' -exec cp -L {} /x +"
    script = parse_shell(text)
    check_offsets(text, script)
    find = by_name(script, "find")
    assert [w.text for w in find.words] == ["find", "/usr/local", "-type", "f", "-exec", ";", "-o", "-name",
                                           "*.a", "-exec"]
    grep = by_name(script, "grep")
    assert grep.context == "find -exec"
    assert [w.text for w in grep.words] == ["grep", "-o", "-L", "foo", "{}"]
    cp = by_name(script, "cp")
    assert [w.text for w in cp.words] == ["cp", "-L", "{}", "/x", "+"]  # `+` ends only after `{}`


def test_find_plus_after_braces_ends_the_command():
    script = parse_shell("find . -execdir rm -f {} + -print")
    assert [w.text for w in by_name(script, "rm").words] == ["rm", "-f", "{}"]
    assert [w.text for w in by_name(script, "find").words] == ["find", ".", "-execdir", "+", "-print"]


def test_find_exec_sh_c_script_is_parsed_with_its_arguments():
    text = "find /src -name '*.py' -exec sh -c 'python -m py_compile \"$1\"' _ {} \\;"
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["find", "sh", "python"]
    (inline,) = script.scripts
    assert inline.runner.name == "sh" and [w.text for w in inline.args] == ["_", "{}"]
    assert span(text, inline) == 'python -m py_compile "$1"'


def test_su_c_with_escapes_is_parsed_and_mapped():
    text = 'su postgres -c "pg_ctl -D \\"$PGDATA\\" -w start && psql -c \\"ALTER USER \\$x\\""'
    script = parse_shell(text)
    check_offsets(text, script)
    assert [c.name for c in script.commands] == ["su", "pg_ctl", "psql"]
    pg_ctl = by_name(script, "pg_ctl")
    assert pg_ctl.context == "sh -c"
    assert [w.text for w in pg_ctl.words] == ["pg_ctl", "-D", "$PGDATA", "-w", "start"]
    assert span(text, pg_ctl.words[2]) == '\\"$PGDATA\\"'
    (inline,) = script.scripts
    assert inline.escaped and inline.args == ()
    dollar = inline.text.index("$x")
    assert text[inline.to_source(dollar)] == "$" and text[inline.to_source(dollar) - 1] == "\\"


def test_runuser_and_setpriv_are_wrappers():
    script = parse_shell("runuser -u app -- npm ci && setpriv --reuid=1000 --regid=1000 --clear-groups id -u")
    assert by_name(script, "npm").wrappers[0].text == "runuser"
    assert [w.text for w in by_name(script, "id").wrappers] == ["setpriv", "--reuid=1000", "--regid=1000",
                                                                   "--clear-groups"]
    script = parse_shell("runuser -l app -c 'make install'")
    assert [c.name for c in script.commands] == ["runuser", "make"]


def test_wrappers_nice_ionice_stdbuf_chroot():
    script = parse_shell("nice -n 10 ionice -c3 stdbuf -oL chroot /target make -j4")
    make = by_name(script, "make")
    assert [w.text for w in make.wrappers] == ["nice", "-n", "10", "ionice", "-c3", "stdbuf", "-oL", "chroot",
                                              "/target"]


def test_redirections_with_fd_operator_and_target():
    text = "make 2>&1 >/dev/null; echo x >> /etc/hosts; cat <<< \"$v\" 2> err.log"
    script = parse_shell(text)
    found = [(r.fd, r.op, r.target.text if r.target else None, text[r.start : r.end]) for r in script.redirections]
    assert found == [
        ("2", ">&", "1", "2>&1"),
        ("", ">", "/dev/null", ">/dev/null"),
        ("", ">>", "/etc/hosts", ">> /etc/hosts"),
        ("", "<<<", "$v", '<<< "$v"'),
        ("2", ">", "err.log", "2> err.log"),
    ]


def test_loop_variables_and_functions_are_bindings():
    text = "for key in $GPG_KEYS B; do gpg --recv-keys \"$key\"; done; f() { echo \"$1\"; }; f a"
    script = parse_shell(text)
    loop, function = script.bindings
    assert (loop.name, loop.kind, span(text, loop)) == ("key", "for", "key")
    assert [w.text for w in loop.values] == ["$GPG_KEYS", "B"]
    assert (function.name, function.kind) == ("f", "function")
    assert text[function.scope_start : function.scope_end] == '{ echo "$1"; }'


def test_nested_inline_scripts_share_one_depth_bound():
    """`sh -c $(sh -c $(...` used to restart the count in each script: RecursionError at 142."""
    for depth in (142, 1000):
        text = "sh -c $(" * depth + "echo hi" + ")" * depth
        script = _parse(text)  # used to raise RecursionError
        assert any("nested too deeply" in message for _, _, message in script.errors)
    for depth in (142, 400):
        text = 'sh -c "$(' * depth + "echo hi" + ')"' * depth
        script = _parse(text)
        assert any("nested too deeply" in message for _, _, message in script.errors)


def roles(text: str, index: int = -1) -> list[tuple[str, str, str]]:
    """(role, piece, key) of command ``index``, against the bundled knowledge base."""
    command = parse_shell(text).commands[index]
    return [(r.role, text[r.start : r.end], r.key) for r in classify(command, KnowledgeBase())]


def test_subcommands_to_any_depth_the_knowledge_base_describes():
    assert roles("go mod download -x") == [
        ("command", "go", "go"), ("subcommand", "mod", "mod"), ("subcommand", "download", "download"),
        ("option", "-x", "-x")]
    assert roles("dotnet tool install -g dotnet-ef") == [
        ("command", "dotnet", "dotnet"), ("subcommand", "tool", "tool"), ("subcommand", "install", "install"),
        ("option", "-g", "-g"), ("operand", "dotnet-ef", "install")]
    assert roles("git remote add -f origin https://example.com/r.git")[:4] == [
        ("command", "git", "git"), ("subcommand", "remote", "remote"), ("subcommand", "add", "add"),
        ("option", "-f", "-f")]


def test_find_exec_terminator_is_a_value_of_exec():
    found = roles("find . -name x -exec rm {} \\;", 0)
    assert found[-2:] == [("option", "-exec", "-exec"), ("option-value", "\\;", "-exec")]


def test_window_of_a_huge_text_is_cut_between_top_level_commands():
    from docksense.analysis.shell.window import shell_window

    unit = "a=\"$(x && y; z)\" && echo '; && |' ${b:-;} | tr a b; "
    text = unit * 400
    offset = len(text) // 2
    start, end = shell_window(text, offset, radius=500)
    assert start <= offset < end and end - start < 2000
    window = text[start:end]
    assert text[start - 2 : start] in ("&&", "; ", "| ") or text[start - 1] in ";|"
    assert parse_shell(window).errors == ()  # whole commands, quotes intact
    whole = {(c.start - start, c.name) for c in parse_shell(text).commands if start <= c.start < end}
    assert {(c.start, c.name) for c in parse_shell(window).commands} == whole


def test_large_shell_hover_matches_the_normal_path(monkeypatch):
    from docksense.analysis import Analysis
    from docksense.features.explain import collect, large_shell

    text = ("FROM debian\nENV K=1\nRUN x=\"$(ls | awk '{print $1}')\" && apt-get install -y curl 2>&1 "
            "&& find . -exec sh -c 'echo \"$1\" $K' _ {} \\; && echo \"$x\"\n")
    analysis = Analysis(text)
    kb = KnowledgeBase()
    assert large_shell.explain_large_shell_at(analysis, kb, text.index("-y")) is large_shell.NOT_LARGE
    monkeypatch.setattr(large_shell, "LARGE_SHELL_TEXT", 10)
    for needle in ("apt-get", "-y", "$1}", "2>&1", "-exec", "sh -c", '"$1"', "$K", '"$x"'):
        at = text.index(needle) + 1
        normal = collect.explain_at(analysis, kb, at)
        windowed = large_shell.explain_large_shell_at(analysis, kb, at)
        assert (windowed.title, windowed.kind, windowed.summary) == (normal.title, normal.kind, normal.summary), needle
