"""QA fixes to ``explain``: scaling (counted, not timed), exit status on what BuildKit refuses,
shell-form ``exec``, the only stage, variable pairing, phrases, Windows paths, repetition."""

from __future__ import annotations

import json
import subprocess
import sys

from docksense.analysis import Analysis
from docksense.explain_command import explain_json, explain_markdown, stream_json
from docksense.features import markdown as md
from docksense.features.explain.line import iter_lines
from docksense.knowledge import KnowledgeBase
from docksense.syntax import nodes

KB = KnowledgeBase()


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docksense", *args], capture_output=True, input=stdin)


def lines(text: str) -> dict[int, object]:
    out = {}
    for ins, line in iter_lines(Analysis(text), KB):
        line.purpose, line.why = md.plain(line.purpose).replace("\\", ""), md.plain(line.why).replace("\\", "")
        out[line.line] = line
    return out


# -- 1. scaling: work per instruction stays flat ----------------------------------------------------
def _stages(count: int) -> str:
    parts = []
    for i in range(count):
        parts.append(f"FROM debian:12 AS s{i}\nENV V{i}=x\n"
                     + (f"COPY --from=s{i - 1} /a /b\n" if i else "")
                     + f"RUN --mount=type=cache,target=/c echo {i}\n")
    return "".join(parts)


def _flag_calls(text: str, monkeypatch) -> int:
    calls = 0
    original = nodes.Instruction.flag

    def counting(self, name):
        nonlocal calls
        calls += 1
        return original(self, name)

    monkeypatch.setattr(nodes.Instruction, "flag", counting)
    for _ in stream_json(Analysis(text), KB):
        pass
    monkeypatch.setattr(nodes.Instruction, "flag", original)
    return calls


def test_json_explain_flag_lookups_grow_linearly(monkeypatch):
    small = _flag_calls(_stages(50), monkeypatch)
    large = _flag_calls(_stages(400), monkeypatch)
    # 8x the stages: a per-stage walk over every instruction made this 64x
    assert large < small * 12, (small, large)


def test_stage_references_still_found():
    data = explain_json(Analysis(_stages(3)), KB)
    first = data["instructions"][0]
    assert any("Used on line 6" in d["explanation"] for d in first["details"]), first["details"]


# -- 2. exit 1 on what BuildKit refuses, listed like check ----------------------------------------
def test_explain_exits_1_on_syntax_family_errors():
    out = run("explain", "-", stdin=b"FROM alpine:3.22\nONBUILD ONBUILD RUN x\nEXPOSE 80/xyz\nFROM\n"
                                   b"COPY --from=nosuch-stage- /a /b\n")
    assert out.returncode == 1
    text = out.stdout.decode()
    for rule in ("OnbuildChaining", "InvalidExposePort", "WrongArgumentCount", "InvalidImageReference"):
        assert f"`{rule}`" in text, rule
    out = run("explain", "-", "--format", "json", stdin=b"FROOM x\n")
    assert out.returncode == 1
    assert [e["code"] for e in json.loads(out.stdout)["errors"]] == ["UnknownInstruction"]


def test_explain_exits_0_on_a_good_file():
    out = run("explain", "-", stdin=b"FROM alpine:3.22\nRUN echo hi\n")
    assert out.returncode == 0 and "## Problems" not in out.stdout.decode()


# -- 3. shell-form exec ---------------------------------------------------------------------------
EXEC = 'FROM node:22\nSHELL ["/bin/bash", "-c"]\nENTRYPOINT exec node server.js\n'


def test_shell_form_exec_is_the_program_as_pid1():
    line = lines(EXEC)[3]
    assert "runs `exec`" not in line.purpose and "runs exec" not in line.purpose
    assert "server.js" in line.purpose and "/bin/bash -c" in line.purpose
    assert "PID 1" in line.why and "may not pass" not in line.why
    data = explain_json(Analysis(EXEC), KB)["instructions"][-1]
    assert not any("does not receive stop signals" in s for s in data["specifics"])


def test_shell_form_without_exec_still_warned():
    line = lines("FROM node:22\nENTRYPOINT node server.js\n")[2]
    assert "may not pass" in line.why


# -- 4. the only stage is what docker build builds -------------------------------------------------
def test_only_stage_is_not_called_target_only():
    line = lines("FROM alpine:3.20 AS app\nRUN echo hi\n")[1]
    assert "--target" not in line.why and "Nothing else uses it" not in line.why
    line = lines("FROM alpine:3.20 AS tools\nRUN echo hi\nFROM alpine:3.20 AS app\nRUN echo 2\n")[1]
    assert "Nothing else uses it" in line.why


# -- 5. variables paired with their own lines -----------------------------------------------------
def test_variables_pair_with_the_lines_that_define_them():
    text = ("FROM debian:12\nENV GPG_KEY=k\nENV PYTHON_VERSION=3.11\nENV PYTHON_SHA256=abc\n"
            "RUN echo $PYTHON_VERSION $PYTHON_SHA256 $GPG_KEY\n")
    why = lines(text)[5].why
    assert "$GPG_KEY, $PYTHON_VERSION and $PYTHON_SHA256 come from lines 2, 3 and 4" in why, why


def test_variables_sharing_a_line_are_grouped():
    text = "FROM debian:12\nENV A=1 B=2\nENV C=3\nRUN echo $C $B $A\n"
    why = lines(text)[4].why
    assert "$A and $B from line 2; $C from line 3" in why, why


# -- 6. phrases: sha256sum -c, options listed once, [ -s ] only after a download --------------------
def test_checksum_check_phrase_is_whole():
    purpose = lines('FROM debian:12\nRUN echo "$H *a.tgz" | sha256sum -c -\n')[2].purpose
    assert "checksums of," not in purpose and "of, " not in purpose
    assert "Checks files against the checksums read from standard input" in purpose, purpose


def test_option_given_to_two_commands_is_listed_once_with_whose():
    text = "FROM debian:12\nRUN apt-get install -y curl && apt-get purge -y --auto-remove gcc\n"
    options = lines(text)[2].options
    assert [o for o, _ in options].count("-y") == 1
    text_y = dict(options)["-y"]
    assert "apt-get install" in text_y and "apt-get purge" in text_y


def test_empty_file_check_is_about_a_download_only_after_one():
    assert "-s" not in dict(lines("FROM debian:12\nRUN [ -s /usr/local/bin/x ]; ln -s a b\n")[2].options)
    downloaded = lines("FROM debian:12\nRUN curl -fsSLo /tmp/x.tgz https://e/x && [ -s /tmp/x.tgz ]\n")[2]
    assert "download" in dict(downloaded.options)["-s"]


# -- 7. Windows absolute paths ----------------------------------------------------------------------
def test_windows_absolute_destination_is_not_relative():
    text = ("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            "COPY a.txt C:\\app\\\nCOPY b.txt C:/data/\nWORKDIR C:\\work\n")
    explained = {line.line: line for _, line in iter_lines(Analysis(text), KB)}
    assert "working directory" not in explained[3].purpose and "C:\\app\\" in explained[3].purpose
    assert "working directory" not in explained[4].purpose
    assert "C:\\work" in explained[5].purpose


# -- 8. no sentence said twice --------------------------------------------------------------------
def test_copied_stage_lines_said_once():
    text = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n"
    line = lines(text)[1]
    assert "Line 4 copies files out of it" in line.purpose
    assert "Line 4" not in line.why and "line 4" not in line.why.lower().replace("(line 4)", "")


def test_onbuild_onbuild_not_nested():
    line = lines("FROM alpine\nONBUILD ONBUILD RUN x\n")[2]
    assert line.purpose.count("ONBUILD trigger") == 1 and "refuses" in line.purpose


# -- 9, 10. hover: inherited values said once, notes only where they apply, flag values ------------
DOC = ("ARG GO_VERSION=1.23.4\nFROM golang:${GO_VERSION}-alpine AS build\nARG TARGETOS\n"
       "RUN GOOS=$TARGETOS go build -o /out/app . && echo -e \"built\"\n"
       "FROM debian:12-slim AS deps\nENV APP_HOME=/opt/app\n"
       "FROM deps AS final\nCOPY --from=build /out/app ${APP_HOME}/app\n"
       "HEALTHCHECK --interval=30s CMD true\nRUN echo -e x\n")


def _hover(text: str, needle: str, occurrence: int = 0):
    from docksense.features.explain.collect import explain_at

    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    return explain_at(Analysis(text), KB, offset)


def test_inherited_env_value_not_repeated():
    found = _hover(DOC, "APP_HOME}")
    value = next(s for s in found.specifics if s.startswith("Value here"))
    assert value.count("line 6") == 1 and "inherited" in value, value


def test_declared_predefined_arg_not_warned():
    found = _hover(DOC, "TARGETOS go")
    assert not any("bare" in n for n in found.notes), found.notes
    found = _hover("FROM alpine\nRUN echo $TARGETOS\n", "TARGETOS")
    assert found is not None


def test_dash_echo_note_only_where_sh_can_be_dash():
    assert not any("dash" in n for n in _hover(DOC, "echo").notes)
    assert any("dash" in n for n in _hover(DOC, "echo", 1).notes)


def test_healthcheck_duration_value_has_a_hover():
    found = _hover(DOC, "30s")
    assert found is not None and any("30 seconds" in s for s in found.specifics)


# -- 11. grammar and escaping ----------------------------------------------------------------------
def test_one_package_is_singular_and_a_bare_install_has_an_object():
    explained = lines("FROM python:3.12\nRUN pip install watchdog\nRUN pip install flask gunicorn\n"
                      "RUN npm install --omit=dev\n")
    assert "the Python package `watchdog`" in explained[2].purpose or "the Python package watchdog" in explained[2].purpose
    assert "packages flask and gunicorn" in explained[3].purpose
    assert not explained[4].purpose.startswith("Installs,"), explained[4].purpose
    assert "package.json" in explained[4].purpose


def test_knowledge_text_is_not_escaped_and_document_text_is():
    text = "FROM alpine:3.20 AS app\nRUN echo hi\nFROM alpine:3.20 AS x_y\n"
    out = explain_markdown(Analysis(text), KB, "t")
    assert "Alpine Linux (musl libc" in out and "\\(" not in out
    assert "`docker build --target app`" in out


# -- 12. a walkthrough says each general sentence once ---------------------------------------------
def test_walkthrough_says_a_repeated_why_once_hover_keeps_it():
    text = "FROM debian:12\nRUN set -eux; apt-get update\nRUN set -eux; echo hi > /x\n"
    out = explain_markdown(Analysis(text), KB, "t")
    assert out.count("stops the build at the first failing command") == 1
    assert "stops the build at the first failing command" in lines(text)[3].why  # per line: whole


def test_lines_named_by_the_purpose_are_not_listed_again():
    text = "FROM python:3.12 AS base\nFROM base AS dev\nFROM base AS final\n"
    out = explain_markdown(Analysis(text), KB, "t")
    first = out.split("```dockerfile")[1]
    assert "(line 2)" in first and "**Lines:**" not in first


def test_tar_mode_option_not_explained_again_in_why():
    line = lines("FROM debian:12\nRUN tar --extract --gzip --file a.tgz --directory /opt\n")[2]
    assert "xtract" in line.purpose and "tar archives" not in line.why


def test_json_says_general_text_once():
    text = "".join(f"FROM debian:12 AS s{i}\nRUN apt-get update && apt-get install -y p{i}\n" for i in range(20))
    data = explain_json(Analysis(text), KB)
    assert data["keywords"]["RUN"]["summary"] and data["instructions"][1]["keyword"] == "RUN"
    summaries = [d for i in data["instructions"] for d in i["details"] if d["text"] == "apt-get"]
    assert len(summaries) == 40 and sum("see_line" not in d for d in summaries) == 1  # two per RUN
    assert all(d["see_line"] == 2 for d in summaries[1:])
