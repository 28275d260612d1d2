"""Shell hover and completion gaps: optional option values, option families (``--with-*``),
operands a command describes as a whole, nested subcommands in completion, shell operators."""

from __future__ import annotations

from docksense.analysis import Analysis
from docksense.analysis.shell import classify, parse_shell
from docksense.features.completion import ClientSupport, completion, resolve
from docksense.features.explain.collect import explain_at
from docksense.features.hover import render
from docksense.knowledge import KnowledgeBase
from lsprotocol import types

KB = KnowledgeBase()


def roles(text: str) -> list[tuple[str, str, str]]:
    cmd = parse_shell(text).commands[0]
    return [(r.role, text[r.start:r.end], r.key) for r in classify(cmd, KB)]


def hover_at(text: str, needle: str, delta: int = 0) -> str:
    explanation = explain_at(Analysis(text), KB, text.index(needle) + delta)
    return render(explanation) if explanation is not None else ""


def complete(source: str) -> tuple[Analysis, list[types.CompletionItem]]:
    offset = source.index("|")
    text = source.replace("|", "", 1)
    analysis = Analysis(text)
    line, character = analysis.lines.position(offset, "utf-16")
    result = completion(analysis, KB, types.Position(line, character), "utf-16", ClientSupport())
    return analysis, result.items


# -- 1. optional option values -----------------------------------------------------------------
def test_optional_value_is_taken_only_when_it_is_a_listed_value():
    assert roles("dotnet publish --self-contained false -c Release")[2:4] == [
        ("option", "--self-contained", "--self-contained"),
        ("option-value", "false", "--self-contained"),
    ]
    # a project path after the option is an operand, not the option's value
    assert roles("dotnet publish --self-contained app.csproj")[3] == ("operand", "app.csproj", "publish")


def test_optional_value_hover_explains_the_value():
    text = "FROM mcr.microsoft.com/dotnet/sdk\nRUN dotnet publish --self-contained false -o /app\n"
    value = hover_at(text, "false")
    assert "value of --self-contained" in value and "framework-dependent" in value


def test_optional_values_are_offered_after_the_option():
    _, items = complete("FROM a\nRUN dotnet publish --self-contained |")
    assert {i.label for i in items} == {"true", "false"}


# -- 3. nested subcommands in completion --------------------------------------------------------
def test_completion_follows_nested_subcommands():
    analysis, items = complete("FROM a\nRUN go mod |")
    labels = {i.label for i in items}
    assert {"download", "tidy"} <= labels and "mod" not in labels and "build" not in labels
    doc = resolve(next(i for i in items if i.label == "download"), KB, analysis).documentation.value
    assert "module cache" in doc
    analysis, items = complete("FROM a\nRUN dotnet tool install -|")
    g = next(i for i in items if i.label == "-g")
    assert g.data["path"] == ["subcommands", "tool", "options", "-g"]
    assert "dotnet/tools" in resolve(g, KB, analysis).documentation.value
    assert not [i for i in items if i.label.endswith("*")]


def test_completion_after_a_nested_subcommand_offers_no_subcommands_again():
    _, items = complete("FROM a\nRUN go mod download |")
    assert not {"download", "tidy"} & {i.label for i in items}


# -- 4. option families and operands --------------------------------------------------------------
def test_configure_option_families():
    text = "FROM debian\nRUN ./configure --with-iconv --enable-foo=yes --disable-bar --enable-option-checking=fatal\n"
    assert "--with-PACKAGE" in hover_at(text, "--with-iconv", 3)
    assert "--enable-FEATURE" in hover_at(text, "--enable-foo", 3)
    assert "--disable-FEATURE" in hover_at(text, "--disable-bar", 3)
    assert "fails the build" in hover_at(text, "--enable-option-checking", 3)  # the exact option wins


def test_operands_described_by_the_command():
    text = ("FROM php:8.3-fpm\nRUN locale-gen en_US.UTF-8 && pecl install redis && docker-php-ext-enable redis sodium\n")
    locale = hover_at(text, "en_US", 1)
    assert "argument of locale-gen" in locale and "/etc/locale.gen" in locale
    redis = hover_at(text, "redis sodium", 1)
    assert "argument of docker-php-ext-enable" in redis and "extension_dir" in redis
    sodium = hover_at(text, "sodium", 1)
    assert "argument of docker-php-ext-enable" in sodium and "already enable" in sodium
    assert "operator of test" in hover_at("FROM a\nRUN [ a != b ]\n", "!=")


# -- 2. shell operators ----------------------------------------------------------------------------
def test_parser_records_control_operators_in_source_order():
    script = parse_shell("a | b && c || d; e & f |& g; for i in 1; do h; done")
    assert [op for op, _, _ in script.operators] == ["|", "&&", "||", ";", "&", "|&", ";", ";", ";"]
    text = "a | b && c"
    assert [text[s:e] for _, s, e in parse_shell(text).operators] == ["|", "&&"]
    # a `;` that is find's argument, and the operators of a decoded `su -c "..."` script
    assert parse_shell("find . -exec rm {} \\;").operators == ()
    text = 'su -c "a && b" x'
    assert [text[s:e] for _, s, e in parse_shell(text).operators] == ["&&"]


def test_pipe_into_a_shell_says_what_runs_and_the_risk():
    text = "FROM debian\nRUN curl -fsSL https://example.com/install.sh | sh -s -- -y\n"
    value = hover_at(text, "| sh")
    assert "pipe" in value and "`curl`" in value and "`sh`" in value
    assert "downloaded text" in value and "Risk" in value and "sha256sum" in value
    assert "a failing `curl` does not fail the RUN" in value
    plain = hover_at("FROM debian\nRUN dpkg -l | grep x && curl x | sh -c 'cat'\n", "| grep")
    assert "pipe" in plain and "Risk" not in plain
    assert "Risk" not in hover_at("FROM debian\nRUN curl x | sh -c 'cat'\n", "| sh")


def test_pipefail_from_set_or_shell_is_seen():
    assert "`pipefail` is on here" in hover_at("FROM debian\nRUN set -o pipefail && a | b\n", "| b")
    shell = 'FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n'
    assert "`pipefail` is on here" in hover_at(shell, "| b")
    assert "`pipefail` is on here" not in hover_at("FROM debian\nRUN a | b; set -o pipefail\n", "| b")


def test_lists_and_separators():
    text = "FROM debian\nRUN make && make install || true; rm -rf /tmp/x; if [ -f y ]; then z & fi\n"
    assert "only if `make` succeeded" in hover_at(text, "&&")
    or_ = hover_at(text, "||")
    assert "only if `make` failed" in or_ and "ignores any failure" in or_
    semi = hover_at(text, "; rm")
    assert "whatever" in semi and "Without `set -e`" in semi
    assert "before `then`" in hover_at(text, "; then")
    assert "background" in hover_at(text, "& fi")
    assert "`set -e` is on here" in hover_at("FROM debian\nRUN set -eux; a; b\n", "; b")
    assert "only if the pipeline ending in `tar` succeeded" in hover_at("FROM a\nRUN curl x | tar -x && b\n", "&&")


def test_redirections_and_set_options_still_explained():
    text = "FROM debian\nRUN set -eux && set -o pipefail && make >/dev/null 2>&1\n"
    assert "Discards standard output" in hover_at(text, ">/dev/null")
    assert "standard error" in hover_at(text, "2>&1", 1)
    assert "stop on errors" in hover_at(text, "-eux", 1)
    assert "pipeline fails" in hover_at(text, "pipefail").lower()
