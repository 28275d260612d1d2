"""Completion, unit level: what is offered at each kind of place, and what is not.

Each probe is a Dockerfile with ``|`` at the cursor; the table says which labels must be
offered and which must not. Applying an item's text edit is checked too, so ranges are right.
"""

from __future__ import annotations

import datetime as dt

import pytest
from docksense.analysis.document import Analysis
from docksense.features.completion import ClientSupport, candidates, completion, resolve
from docksense.features.completion.images import tag_candidates
from docksense.knowledge import KnowledgeBase
from lsprotocol import types

KB = KnowledgeBase()
SNIPPETS = ClientSupport(snippets=True, deprecated_tag=True)
PLAIN = ClientSupport()


def probe(source: str, client: ClientSupport = PLAIN, encoding: str = "utf-16"):
    offset = source.index("|")
    text = source.replace("|", "", 1)
    analysis = Analysis(text)
    line, character = analysis.lines.position(offset, encoding)
    result = completion(analysis, KB, types.Position(line, character), encoding, client)
    return text, analysis, result.items


def labels(source: str, client: ClientSupport = PLAIN) -> list[str]:
    return [item.label for item in probe(source, client)[2]]


def apply(text: str, analysis: Analysis, item: types.CompletionItem, encoding: str = "utf-16") -> str:
    edit = item.text_edit
    start = analysis.lines.offset(edit.range.start.line, edit.range.start.character, encoding)
    end = analysis.lines.offset(edit.range.end.line, edit.range.end.character, encoding)
    return text[:start] + edit.new_text + text[end:]


def pick(items, label):
    for item in items:
        if item.label == label:
            return item
    raise AssertionError(f"{label!r} not offered; got {[i.label for i in items][:30]}")


# (probe, must offer, must not offer)
TABLE = {
    "keywords": [
        ("|", ["FROM", "ARG"], ["RUN", "COPY"]),
        ("ARG V=1\n|", ["FROM", "ARG"], ["RUN"]),
        ("FROM a\n|", ["RUN", "COPY", "FROM", "HEALTHCHECK", "ONBUILD", "SHELL", "MAINTAINER"], []),
        ("from a\nr|", ["run", "copy"], ["RUN"]),
        ("FROM a\nONBUILD |", ["RUN", "COPY"], ["FROM", "ONBUILD", "MAINTAINER"]),
        ("FROM a\nONBUILD CO|", ["COPY"], ["FROM"]),
        ("FROM a\nRUN echo \\\n  |", [], ["RUN", "FROM"]),
    ],
    "directives": [
        ("# |\nFROM a", ["syntax=", "escape=", "check="], []),
        ("\ufeff# |\nFROM a", ["syntax=", "escape=", "check="], []),
        ("# syntax=docker/dockerfile:1\n# |\nFROM a", ["escape=", "check="], ["syntax="]),
        ("# syntax=|\nFROM a", ["docker/dockerfile:1", "docker/dockerfile:1-labs"], []),
        ("# escape=|\nFROM a", ["\\", "`"], []),
        ("# check=|\nFROM a", ["skip=", "error=", "experimental="], []),
        ("# check=skip=|\nFROM a", ["all", "StageNameCasing", "JSONArgsRecommended", "UndefinedVar"], ["DL3008"]),
        ("# check=skip=StageNameCasing,|\nFROM a", ["FromAsCasing"], ["StageNameCasing"]),
        ("# check=error=|\nFROM a", ["true", "false"], []),
        ("FROM a\n# |", [], ["syntax=", "check=", "hadolint ignore="]),
        ("FROM a\n# hado|", ["hadolint ignore=", "hadolint global ignore="], ["syntax="]),
        ("FROM a\n# hadolint ignore=|\nRUN x", ["DL3008", "AptPinVersions", "StageNameCasing"], []),
        ("FROM a\n# hadolint ignore=DL3008,|\nRUN x", ["DL3015"], ["DL3008"]),
        ("FROM a\n# hadolint global ignore=|", ["DL3008"], []),
        ("FROM a\n# just a remark about FROM |", [], ["FROM", "RUN"]),
    ],
    "flags": [
        ("FROM a\nCOPY --|", ["--from", "--chown", "--chmod", "--link", "--parents", "--exclude"], []),
        ("FROM a\nADD --|", ["--checksum", "--keep-git-dir", "--unpack", "--chmod", "--link", "--exclude"], ["--from"]),
        ("FROM a\nRUN --|", ["--mount", "--network", "--security", "--device"], []),
        ("FROM --|", ["--platform"], []),
        ("FROM a\nHEALTHCHECK --|", ["--interval", "--timeout", "--start-period", "--start-interval", "--retries"], []),
        ("FROM a\nRUN --network=|", ["default", "none", "host"], []),
        ("FROM a\nRUN --security=|", ["sandbox", "insecure"], []),
        ("FROM --platform=|", ["$BUILDPLATFORM", "linux/amd64", "linux/arm64"], []),
        ("FROM a\nCOPY --link=|", ["true", "false"], []),
        ("FROM a\nHEALTHCHECK --interval=|", ["30s"], []),
        ("FROM a\nRUN --mount=|", ["type", "target", "source", "from"], []),
        ("FROM a\nRUN --mount=type=|", ["bind", "cache", "tmpfs", "secret", "ssh"], []),
        ("FROM a\nRUN --mount=type=cache,|", ["target", "id", "sharing", "mode", "uid", "gid"], ["type", "size", "required"]),
        ("FROM a\nRUN --mount=type=tmpfs,|", ["target", "size"], ["sharing"]),
        ("FROM a\nRUN --mount=type=secret,|", ["id", "env", "required"], ["sharing"]),
        ("FROM a\nRUN --mount=type=cache,sharing=|", ["shared", "private", "locked"], []),
        ("FROM a\nRUN --mount=type=cache,target=| pip install x", ["/root/.cache/pip"], []),
        ("FROM a\nRUN --network=|", [], ["RUN", "$HOME"]),
    ],
    "references": [
        ("FROM a AS build\nFROM b AS test\nFROM c\nCOPY --from=|", ["build", "test", "0", "1"], ["2"]),
        ("FROM a AS build\nFROM b AS final\nCOPY --from=| /x /y\nFROM c AS later", ["build", "0"], ["final", "1", "later"]),
        ("FROM a AS build\nFROM b AS final\nRUN --mount=type=bind,from=|", ["build"], ["final"]),
        ("FROM a AS build\nFROM |", ["build"], []),
        ("FROM a AS build\nFROM b AS final\nFROM | AS x\n", ["build", "final"], ["x"]),
        ("ARG V=1\nFROM a:$|", ["V", "BUILDPLATFORM", "TARGETARCH"], []),
        ("ARG V=1\nFROM a\nRUN echo $|", [], ["V", "BUILDPLATFORM"]),
        ("ARG V=1\nFROM a\nARG V\nRUN echo $|", ["V"], []),
        ("FROM a\nARG X=2\nENV Y=3\nRUN echo ${|", ["X", "Y"], []),
        ("FROM a\nENV P=1\nFROM a AS c\nENV Q=2\nFROM c\nRUN echo $|", ["Q"], ["P"]),
        ("FROM a\nENV A=1 B=$|", [], ["A", "B"]),
        ("FROM a\nARG X=2\nRUN echo ${X:|", ["${X:-word}", "${X:+word}", "${X:?message}"], []),
        ("FROM a\nARG X\nRUN echo \\$|", [], ["X"]),
        ("FROM a\nARG X\nCMD [\"echo\", \"$|\"]", [], ["X"]),
    ],
    "images": [
        ("FROM |", ["python", "node", "alpine", "scratch", "gcr.io/distroless/static", "--platform"], []),
        ("FROM pyth|", ["python"], []),
        ("FROM python:|", ["3.13", "3.12", "slim", "alpine", "3.13-slim"], []),
        ("FROM node:|", ["22", "20"], []),
        ("FROM a AS b\nFROM c\nCOPY --from=|", ["b", "python"], []),
        ("FROM python:3.12 |", ["AS"], []),
        ("FROM python@sha256:|", [], ["3.13"]),
        ("FROM a\nCOPY --from=python:|", ["3.13", "3.13-slim"], []),
        ("FROM a\nRUN --mount=type=bind,from=node:|", ["22"], []),
    ],
    "shell": [
        ("FROM a\nRUN |", ["apt-get", "pip", "npm", "--mount"], []),
        ("FROM a\nRUN apt-get install --no-|", ["--no-install-recommends"], []),
        ("FROM a\nRUN apt-get install -y --no-install-recommends curl && apt-get |", ["update", "install"], []),
        ("FROM a\nRUN pip install --no-|", ["--no-cache-dir"], []),
        ("FROM a\nRUN apk add --|", ["--no-cache"], []),
        ("FROM a\nRUN npm |", ["ci", "install"], []),
        ("FROM a\nRUN apt-get update && apt-get |", ["install"], []),
        ("FROM a\nRUN apt-get update \\\n && apt-get install --no-|", ["--no-install-recommends"], []),
        ("FROM a\nRUN <<EOF\napt-get install --no-|\nEOF\n", ["--no-install-recommends"], []),
        ("FROM a\nRUN <<EOF\nset -eux\n|\nEOF\n", ["apt-get"], []),
        ("FROM a\nRUN apt-get install curl |", [], ["apt-get", "update"]),
        ("FROM a\nCMD npm |", ["start"], []),
        ("FROM a\nHEALTHCHECK CMD cur|", ["curl"], []),
        ("FROM a\nHEALTHCHECK |", ["CMD", "NONE", "--interval"], []),
        ("FROM a\nSHELL [\"powershell\", \"-Command\"]\nRUN |", [], ["apt-get"]),
        ("FROM a\nRUN echo hi > |", [], ["apt-get"]),
        ('FROM a\nRUN ["apt-|', ["apt-get"], []),
        ('FROM a\nRUN --network=none ["pip", "install", "--no-|', ["--no-cache-dir"], []),
        ('FROM a\nCMD ["npm", "|', ["start", "run"], []),
        ('FROM a\nENTRYPOINT ["tini", "--"]\nCMD ["|', [], ["apt-get", "npm"]),
        ('FROM a\nHEALTHCHECK CMD ["cur|', ["curl"], []),
    ],
    "quiet": [
        ("FROM a\nCOPY <<EOF /x\n|\nEOF\n", [], ["RUN", "apt-get"]),
        ("FROM a\nRUN python3 <<EOF\n|\nEOF\n", [], ["RUN", "apt-get"]),
        ("FROM a\nRUN <<EOF\n# comment |\nEOF\n", [], ["RUN", "apt-get"]),
        ("FROM a\nRUN echo |\n", [], ["RUN", "FROM"]),
        ("FROM a\nWORKDIR |", [], ["RUN"]),
    ],
    "other": [
        ("FROM a\nSTOPSIGNAL |", ["SIGTERM", "SIGQUIT"], []),
        ("FROM a\nARG TARGET|", ["TARGETARCH", "TARGETPLATFORM"], []),
        ("ARG GO=1\nFROM a\nARG |", ["GO", "TARGETARCH"], []),
        ("FROM a\nENV PYTHON|", ["PYTHONUNBUFFERED"], []),
        ("FROM a\nSHELL |", ['["/bin/bash", "-o", "pipefail", "-c"]'], []),
        ("FROM a\nLABEL org.opencontainers.image.so|", ["org.opencontainers.image.source"], []),
        ("FROM a\nEXPOSE |", ["8080", "443"], []),
        ("FROM a\nRUN groupadd -r app && useradd -r -g app -m app\nUSER |", ["app", "root"], []),
        ("FROM a AS base\nRUN useradd bob\nFROM base\nCOPY --chown=|", ["bob"], []),
        ("FROM a\nRUN addgroup -S grp && adduser -S -G grp usr\nCOPY --chown=usr:|", ["grp"], []),
        ("FROM a\nUSER |\nRUN useradd later", ["root"], ["later"]),
    ],
}


@pytest.mark.parametrize("group", list(TABLE))
def test_table(group):
    failures = []
    for source, wanted, unwanted in TABLE[group]:
        got = labels(source)
        missing = [w for w in wanted if w not in got]
        extra = [u for u in unwanted if u in got]
        if missing or extra:
            failures.append((source, missing, extra, got[:20]))
    assert failures == []


def test_apply_edits_replace_the_typed_text():
    cases = [
        ("FROM a\nRUN apt-get install --no-|", "--no-install-recommends", "FROM a\nRUN apt-get install --no-install-recommends"),
        ("FROM a\nRUN --mount=type=ca|", "cache", "FROM a\nRUN --mount=type=cache"),
        ("FROM a\nRUN --mount=type=cache,sh|", "sharing", "FROM a\nRUN --mount=type=cache,sharing="),
        ("FROM a\nCOPY --fr|", "--from", "FROM a\nCOPY --from="),
        ("FROM a\nCOPY --li|", "--link", "FROM a\nCOPY --link"),
        ("FROM a\nARG NAME=1\nRUN echo ${NA|", "NAME", "FROM a\nARG NAME=1\nRUN echo ${NAME}"),
        ("FROM a\nARG NAME=1\nRUN echo ${NA|}", "NAME", "FROM a\nARG NAME=1\nRUN echo ${NAME}"),
        ("FROM a\nARG NAME=1\nRUN echo $NA|", "NAME", "FROM a\nARG NAME=1\nRUN echo $NAME"),
        ("FROM a\nARG X=1\nRUN echo ${X:|", "${X:-word}", "FROM a\nARG X=1\nRUN echo ${X:-word}"),
        ("FROM python:3.1|", "3.13", "FROM python:3.13"),
        ("FROM a\nr|", "RUN", "FROM a\nRUN "),
        ("# sy|\nFROM a", "syntax=", "# syntax=\nFROM a"),
        ("FROM a\n# hadolint ignore=DL3008,DL30|\nRUN x", "DL3015", "FROM a\n# hadolint ignore=DL3008,DL3015\nRUN x"),
        ("FROM a\nRUN npm |", "ci", "FROM a\nRUN npm ci"),
    ]
    for source, label, expected in cases:
        text, analysis, items = probe(source)
        assert apply(text, analysis, pick(items, label)) == expected, source


def test_keyword_in_front_of_arguments_is_replaced_whole():
    text, analysis, items = probe("FROM a\nR|UN apt-get update", SNIPPETS)
    assert apply(text, analysis, pick(items, "RUN")) == "FROM a\nRUN apt-get update"
    assert all(i.insert_text_format != types.InsertTextFormat.Snippet for i in items)


def test_insert_or_replace_the_rest_of_the_word_for_clients_that_can():
    client = ClientSupport(insert_replace=True)
    _, _, items = probe("FROM a\nRUN apt-g|et update", client)
    edit = pick(items, "apt-get").text_edit
    assert isinstance(edit, types.InsertReplaceEdit)
    assert (edit.insert.end.character, edit.replace.end.character) == (9, 11)
    _, _, items = probe("FROM a\nRUN apt-g|", client)
    assert isinstance(pick(items, "apt-get").text_edit, types.TextEdit)  # nothing after the cursor


def test_keywords_follow_the_file_casing():
    assert "copy" in labels("from a\nrun x\n|")
    assert "COPY" in labels("FROM a\nrun x\nRUN y\n|")


def test_snippets_only_for_clients_that_support_them():
    plain = probe("FROM a\n|", PLAIN)[2]
    rich = probe("FROM a\n|", SNIPPETS)[2]
    assert all(i.insert_text_format != types.InsertTextFormat.Snippet for i in plain)
    assert not any("${" in i.text_edit.new_text for i in plain)
    snippet_labels = {i.label for i in rich if i.insert_text_format == types.InsertTextFormat.Snippet}
    assert {'CMD ["executable", "param"]', "HEALTHCHECK CMD command", "COPY --from=stage src dest"} <= snippet_labels
    cmd = pick(rich, 'CMD ["executable", "param"]')
    assert cmd.text_edit.new_text == 'CMD ["${1:executable}", "${2:param}"]'


def test_flag_snippets_offer_the_closed_sets_as_choices():
    items = probe("FROM golang AS build\nFROM alpine\nCOPY --|", SNIPPETS)[2]
    assert pick(items, "--from").text_edit.new_text == "--from=${1|build|}"
    items = probe("FROM alpine\nRUN --|", SNIPPETS)[2]
    assert pick(items, "--network").text_edit.new_text == "--network=${1|default,none,host|}"
    plain = probe("FROM alpine\nRUN --|", PLAIN)[2]
    assert pick(plain, "--network").text_edit.new_text == "--network="


def test_substitution_snippet_escapes_the_dollar():
    items = probe("FROM a\nARG X=1\nRUN echo ${X:|", SNIPPETS)[2]
    assert pick(items, "${X:-word}").text_edit.new_text == "\\${X:-${1:word}\\}"


def test_variables_carry_their_value():
    items = probe("ARG BASE=3.12\nFROM python:${BASE}\nARG BASE\nENV HOME_DIR=/srv/app\nRUN ls $|")[2]
    assert "/srv/app" in pick(items, "HOME_DIR").detail
    assert "3.12" in pick(items, "BASE").detail


def test_end_of_life_tags_are_deprecated():
    items = probe("FROM python:|", SNIPPETS)[2]
    assert pick(items, "2.7").tags == [types.CompletionItemTag.Deprecated]
    plain = probe("FROM python:|", PLAIN)[2]
    assert pick(plain, "2.7").deprecated is True
    assert not pick(plain, "3.14").deprecated


def test_tag_order_does_not_depend_on_today_for_supported_lines():
    found = tag_candidates(KB, "python", 0, today=dt.date(2020, 1, 2))
    by_label = {c.label: c for c in found}
    assert by_label["2.7"].deprecated and not by_label["3.12"].deprecated


def test_current_stage_is_never_offered():
    got = labels("FROM golang AS build\nCOPY --from=| /a /b\n")
    assert "build" not in got and "0" not in got


def test_no_error_at_any_position_and_edits_stay_on_the_cursor_line():
    texts = [
        "", "\r\n", "FROM a\r\nRUN apt-get install --no-\r\n",
        'FROM a\nLABEL x="🐳🐳"\nRUN echo "🐳" && apt-get ins\n',
        "\ufeff# syntax=docker/dockerfile:1\nFROM a AS b\nCOPY --from=b /a /b\nONBUILD RUN ${A:\nCMD [\"a\", \"b\n",
        "FROM a\nRUN <<EOF\napt-get\n",
    ]
    for text in texts:
        analysis = Analysis(text)
        for encoding in ("utf-16", "utf-8", "utf-32"):
            for line in range(analysis.lines.line_count + 2):
                for character in range(40):
                    result = completion(analysis, KB, types.Position(line, character), encoding, SNIPPETS)
                    for item in result.items:
                        edit = item.text_edit.range
                        assert edit.start.line == edit.end.line
                        assert edit.start.character <= edit.end.character


def test_utf16_range_after_emoji():
    text, analysis, items = probe('FROM a\nRUN echo "🐳" && apt-get install --no-|')
    item = pick(items, "--no-install-recommends")
    line = text.splitlines()[1]
    start = len(line[: line.index("--no-")].encode("utf-16-le")) // 2
    assert item.text_edit.range.start == types.Position(1, start)
    assert apply(text, analysis, item).endswith("--no-install-recommends")


def test_crlf_cursor_inside_the_line_break():
    text = "FROM a\r\nRUN --network=\r\n"
    analysis = Analysis(text)
    items = completion(analysis, KB, types.Position(1, 40), "utf-16", PLAIN).items
    assert {"default", "none", "host"} <= {i.label for i in items}


def test_resolve_fills_documentation_from_the_explanation_engine():
    _, analysis, items = probe("FROM a\nRUN apt-get install --no-|")
    item = resolve(pick(items, "--no-install-recommends"), KB, analysis)
    assert "Recommends" in item.documentation.value
    assert item.documentation.kind == types.MarkupKind.Markdown
    _, analysis, items = probe("FROM a\nRUN --mount=type=cache,sharing=|")
    assert "wait" in resolve(pick(items, "locked"), KB, analysis).documentation.value.lower()
    _, analysis, items = probe("FROM a\nr|")
    plain = resolve(pick(items, "RUN"), KB, analysis, markdown=False)
    assert plain.documentation.kind == types.MarkupKind.PlainText and "**" not in plain.documentation.value


def test_short_lists_carry_documentation_for_clients_that_never_resolve():
    no_resolve = ClientSupport(resolve=False)
    items = probe("FROM a\nRUN --mount=type=cache,sharing=|", no_resolve)[2]
    assert "value of sharing" in pick(items, "locked").documentation.value
    items = probe("FROM a\nRUN --mount=type=cache,sharing=|", ClientSupport(resolve=True))[2]
    assert pick(items, "locked").documentation is None  # left to completionItem/resolve


def test_resolve_of_a_stage_explains_that_stage():
    _, analysis, items = probe("FROM golang AS build\nRUN go build\nFROM alpine\nCOPY --from=|")
    value = resolve(pick(items, "build"), KB, analysis).documentation.value
    assert "stage" in value.lower()


def test_candidates_report_the_context():
    analysis = Analysis("FROM a\nRUN x")
    ctx, _ = candidates(analysis, KB, len("FROM a\nRUN x"))
    assert ctx.kind == "arguments" and ctx.instruction.name == "RUN"
