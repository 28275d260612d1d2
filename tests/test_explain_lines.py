"""Line-level explanations (issue 9): one test per idiom and per cross-line link, notes only
where they apply, and the Purpose of every instruction kind."""

from __future__ import annotations

import pytest

from docksense.analysis import Analysis
from docksense.analysis.lines import line_facts
from docksense.features import markdown as md
from docksense.features.explain.line import LineExplanation, explain_line, iter_lines
from docksense.knowledge import KnowledgeBase

KB = KnowledgeBase()


def explain(text: str) -> dict[int, LineExplanation]:
    """Line number -> explanation (plain text, so tests read like the output)."""
    out = {}
    for ins, line in iter_lines(Analysis(text), KB):
        line.purpose, line.why = md.plain(line.purpose).replace("\\", ""), md.plain(line.why).replace("\\", "")
        line.links = [(n, md.plain(t)) for n, t in line.links]
        out[line.line] = line
    return out


def links(text: str, line: int) -> set[tuple[str, str, int]]:
    analysis = Analysis(text)
    index = line_facts(analysis, KB)
    ins = next(i for i in analysis.tree.instructions if i.line + 1 == line)
    return {(l.kind, l.subject, l.line) for l in index.of(ins).links}


# -- idioms: each recognised where it holds, and not where it does not ------------------------------
APT = ("FROM debian:12\n"
       "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
       " && rm -rf /var/lib/apt/lists/*\n")


def test_idiom_apt_update_and_install_in_one_run():
    assert "apt-get update shares the RUN with the install" in explain(APT)[2].why
    assert "shares the RUN" not in explain("FROM debian:12\nRUN apt-get install -y curl\n")[2].why


def test_idiom_apt_lists_cleanup():
    assert "lists are deleted in the same RUN" in explain(APT)[2].why
    assert "lists are deleted" not in explain("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n")[2].why


def test_idiom_no_install_recommends():
    line = explain(APT)[2]
    assert "installs curl without recommended packages" in line.purpose
    assert "--no-install-recommends skips the packages apt only recommends" in line.why
    assert "recommends" not in explain("FROM debian:12\nRUN apt-get install -y curl\n")[2].why


def test_idiom_apk_no_cache_and_virtual_build_deps():
    line = explain("FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev\n")[2]
    assert "--no-cache fetches the package index on the fly" in line.why
    assert "--virtual groups the build-only packages" in line.why
    assert "Installs gcc and musl-dev as virtual package .build-deps" in line.purpose


def test_idiom_pip_no_cache_dir():
    line = explain("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n")[2]
    assert "--no-cache-dir stops pip from keeping its download cache" in line.why
    assert "no-cache-dir" not in explain("FROM python:3.12-slim\nRUN pip install flask\n")[2].why


def test_idiom_npm_ci_and_cache_clean():
    line = explain("FROM node:22\nRUN npm ci && npm cache clean --force\n")[2]
    assert "npm ci installs exactly what package-lock.json records" in line.why
    assert "empties npm's cache in the same RUN" in line.why
    assert "Installs the exact dependencies from package-lock.json" in line.purpose


def test_idiom_set_eux_and_pipefail():
    assert "-e stops the build at the first failing command" in explain("FROM a\nRUN set -eux; make\n")[2].why
    assert "-x prints each command" in explain("FROM a\nRUN set -eux; make\n")[2].why
    assert "pipefail makes a pipeline fail" in explain("FROM a\nRUN set -o pipefail && curl x | sh\n")[2].why


def test_idiom_checksum_and_signature_verification():
    text = "FROM a\nRUN echo \"$SHA  f.tgz\" | sha256sum -c - && gpg --batch --verify f.asc f.tgz\n"
    why = explain(text)[2].why
    assert "checked against a known checksum" in why and "signature is verified" in why


def test_idiom_move_node_modules_up():
    line = explain("FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci && mv /app/node_modules /node_modules\n")[4]
    assert "moves /app/node_modules to /node_modules" in line.purpose
    assert "Node finds them by walking up the directory tree" in line.why


def test_idiom_purge_build_dependencies():
    line = explain("FROM debian:12\nRUN apt-get purge -y --auto-remove gcc\n")[2]
    assert "Build-only packages are removed in the same RUN" in line.why
    assert "Removes gcc with their configuration" in line.purpose


def test_idiom_cross_build_with_buildplatform_and_targetarch():
    text = ("FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nARG TARGETARCH\n"
            "RUN GOARCH=$TARGETARCH go build -o /out/app .\n"
            "FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:9.0 AS net\nARG TARGETARCH\n"
            "RUN dotnet publish -a $TARGETARCH -o /app\n")
    lines = explain(text)
    assert "runs this stage natively on the build machine" in lines[1].why and "(line 3)" in lines[1].why
    assert "running on the build machine's own platform" in lines[1].purpose
    assert "-a $TARGETARCH cross-compiles" in lines[6].why
    assert "cross-compiles" not in explain("FROM x\nRUN dotnet publish -o /app\n")[2].why


def test_idiom_cache_and_secret_mounts():
    line = explain("FROM a\nRUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=tok pip install x\n")[2]
    assert "A build cache is mounted at /root/.cache/pip" in line.purpose
    assert "secret tok is mounted for this step only" in line.purpose
    assert "keeps downloads between builds" in line.why and "never stored in a layer" in line.why


def test_idiom_copy_manifest_first():
    text = ("FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n")
    lines = explain(text)
    assert "lets the install on line 4 stay cached" in lines[3].why
    assert "the rest of the source follows on line 5" in lines[3].why
    assert "Only the dependency manifest was copied before it (line 3)" in lines[4].why
    assert "comes after the dependency install (line 4)" in lines[5].why
    # a COPY of the whole context before the install is not the idiom
    assert "stay cached" not in explain("FROM node:22\nCOPY . .\nRUN npm ci\n")[2].why


def test_idiom_multi_stage_copy_of_build_output():
    text = ("FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
            "FROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n")
    lines = explain(text)
    assert "Only what later stages copy out of it reaches the final image" in lines[1].why
    assert "the toolchain and sources of stage build stay behind" in lines[4].why


def test_idiom_tini_as_pid1_and_exec_form():
    line = explain('FROM a\nENTRYPOINT ["/usr/bin/tini", "--"]\n')[2]
    assert "tini runs as PID 1" in line.why and "reaps zombie processes" in line.why
    assert "-- ends tini's own options" in line.why
    assert "Exec form" in line.why
    shell = explain("FROM a\nCMD node server.js\n")[2]
    assert "Shell form: the command runs under /bin/sh -c" in shell.why


def test_idiom_image_variant_rationale():
    assert "Much smaller than the default tag" in explain("FROM python:3.12-slim\n")[1].why


# -- links between lines -----------------------------------------------------------------------------
SERVES = ("FROM debian:12-slim AS base\n"                                    # 1
          "RUN apt-get update && apt-get install -y curl tini\n"            # 2
          "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n"      # 3
          "FROM base AS app\n"                                              # 4
          "WORKDIR /srv\n"                                                  # 5
          "ENV PORT=8080\n"                                                 # 6
          "EXPOSE 8080\n"                                                   # 7
          'ENTRYPOINT ["/usr/bin/tini", "--"]\n'                            # 8
          'CMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n'            # 9
          "RUN echo $PORT > port.txt\n")                                    # 10


def test_link_installed_command_used_later():
    assert ("installs-used-by", "curl", 3) in links(SERVES, 2)
    assert ("uses-installed", "curl", 2) in links(SERVES, 3)
    why = explain(SERVES)[2].why
    assert "curl is needed by the HEALTHCHECK on line 3" in why


def test_link_installed_in_base_stage_used_in_derived_stage():
    assert ("installs-used-by", "tini", 8) in links(SERVES, 2)
    assert "tini is needed by the ENTRYPOINT on line 8" in explain(SERVES)[2].why
    assert "tini was installed on line 2" in explain(SERVES)[8].why


def test_link_stage_built_on():
    assert ("stage-base-of", "app", 4) in links(SERVES, 1)
    assert ("stage-built-on", "base", 1) in links(SERVES, 4)
    assert "Stage app (line 4) builds on it" in explain(SERVES)[1].purpose


def test_link_stage_copied_from_and_its_output():
    text = ("FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
            "FROM scratch\nCOPY --from=build /out/app /app\n")
    assert ("stage-copied-by", "build", 4) in links(text, 1)
    assert ("copies-from-stage", "build", 1) in links(text, 4)
    assert ("copies-output-of", "/out/app", 2) in links(text, 4)
    assert ("output-copied-by", "/out/app", 4) in links(text, 2)
    lines = explain(text)
    assert "Copies /out/app from stage build (line 1) to /app" in lines[4].purpose
    assert "Its output /out/app is what line 4 copies into a later stage" in lines[2].why


def test_link_variable_set_and_read():
    assert ("sets-read-by", "PORT", 10) in links(SERVES, 6)
    assert ("reads-set-on", "PORT", 6) in links(SERVES, 10)
    assert "PORT is read on line 10" in explain(SERVES)[6].why


def test_link_ports_agree():
    assert ("port-matches", "8080", 7) in links(SERVES, 6)
    assert ("port-matches", "8080", 9) in links(SERVES, 7) and ("port-matches", "8080", 6) in links(SERVES, 7)
    expose = explain(SERVES)[7].why
    assert "The ENV on line 6 sets it" in expose
    assert "Port 8080 matches the" in explain(SERVES)[9].why


def test_link_entrypoint_and_cmd_compose_the_command():
    lines = explain(SERVES)
    assert "a container runs /usr/bin/tini -- gunicorn -b 0.0.0.0:8080 app:app" in lines[8].purpose
    assert "Gives the ENTRYPOINT on line 8 its default arguments" in lines[9].purpose
    assert ("entrypoint-gets-args", "", 9) in links(SERVES, 8)


def test_link_workdir_and_relative_paths():
    text = "FROM a\nWORKDIR /usr/local/app\nCOPY requirements.txt ./\nCOPY . .\n"
    assert ("workdir-used-by", "", 3) in links(text, 2)
    lines = explain(text)
    assert "Relative paths on lines 3 and 4 resolve against it" in lines[2].why
    assert "into /usr/local/app/" in lines[3].purpose
    assert "resolves against the WORKDIR set on line 2" in lines[3].why


def test_link_manifest_install_source_chain():
    text = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n"
    assert ("manifest-installed-by", "", 3) in links(text, 2)
    assert ("source-copied-after", "", 4) in links(text, 3)


def test_arg_used_later_and_unused():
    lines = explain("FROM a\nARG TARGETARCH\nARG UNUSED=1\nRUN echo $TARGETARCH\n")
    assert "TARGETARCH is used on line 4" in lines[2].why
    assert "No later line of this stage names it" in lines[3].why


# -- notes only where they apply -----------------------------------------------------------------------
def test_latest_note_only_without_tag_or_digest_and_never_for_scratch():
    assert any("latest" in n for n in explain("FROM ubuntu\n")[1].notes)
    assert not any("latest" in n for n in explain("FROM ubuntu:24.04\n")[1].notes)
    assert not any("latest" in n for n in explain("FROM scratch\n")[1].notes)
    assert not any("latest" in n for n in explain("FROM ubuntu@sha256:" + "a" * 64 + "\n")[1].notes)


def test_end_of_life_is_said_in_the_why_of_the_seeds_node_18():
    why = explain("FROM node:18-slim\n")[1].why
    assert "past its end of life" in why
    assert "end of life" not in explain("FROM node:24-slim\n")[1].why


def test_last_stage_is_what_docker_build_builds():
    lines = explain("FROM a AS one\nFROM b AS two\n")
    assert "As the last stage, it is the image docker build produces by default" in lines[2].purpose
    assert "last stage" not in lines[1].purpose
    assert "built only with docker build --target one" in lines[1].why


def test_superseded_cmd_note():
    lines = explain('FROM a\nCMD ["one"]\nCMD ["two"]\n')
    assert any("line 3 replaces this one" in n for n in lines[2].notes)
    assert lines[3].notes == []


def test_flask_env_is_corrected():
    why = explain("FROM python:3.12\nENV FLASK_ENV=development\n")[2].why
    assert "FLASK_DEBUG" in why and "2.3" in why


def test_health_check_comment_without_healthcheck():
    why = explain("FROM debian:12\n# add curl for healthcheck\nRUN apt-get install -y curl\n")[3].why
    assert "add curl for healthcheck" in why and "no HEALTHCHECK that runs it" in why
    served = explain("FROM debian:12\n# add curl for healthcheck\nRUN apt-get install -y curl\nHEALTHCHECK CMD curl -f http://x/\n")[3].why
    assert "no HEALTHCHECK" not in served


# -- the Purpose of each instruction kind ---------------------------------------------------------------
@pytest.mark.parametrize("text,line,expected", [
    ("FROM a\nCOPY --chown=app:app --chmod=755 run.sh /usr/local/bin/\n", 2,
     "Copies run.sh from the build context into /usr/local/bin/, owned by app:app, with mode 755."),
    ("FROM a\nADD https://example.com/x.tgz /tmp/\n", 2, "Downloads https://example.com/x.tgz into /tmp/."),
    ("FROM a\nADD rootfs.tar.xz /\n", 2, "Unpacks the local archive rootfs.tar.xz into /."),
    ("FROM a\nWORKDIR /app\nCOPY <<EOF config.ini\nx=1\nEOF\n", 3, "Writes /app/config.ini from the inline text of heredoc EOF."),
    ("FROM a\nENV A=1 B=2\n", 2, "Sets A=1 and B=2 in the environment of later lines and of the container."),
    ("ARG VERSION=1.2\nFROM a:$VERSION\n", 1,
     "Declares build argument VERSION with default 1.2 in the global scope, for the FROM lines."),
    ("FROM a\nUSER app:staff\n", 2, "Runs the rest of this stage and the container as user app, group staff."),
    ("FROM a\nEXPOSE 80 443/udp\n", 2, "Records that the container listens on ports 80/tcp and 443/udp."),
    ("FROM a\nLABEL org.opencontainers.image.source=https://x\n", 2,
     "Labels the image with org.opencontainers.image.source=https://x (metadata shown by docker inspect)."),
    ("FROM a\nVOLUME /data\n", 2, "Declares /data as volume mount point: each container gets storage there that outlives it."),
    ("FROM a\nSTOPSIGNAL SIGQUIT\n", 2, "Makes docker stop send SIGQUIT to the main process instead of SIGTERM."),
    ("FROM a\nHEALTHCHECK NONE\n", 2, "Turns off the health check inherited from the base image."),
    ("FROM a\nONBUILD COPY . /src\n", 2,
     "Registers an ONBUILD trigger: when another build starts FROM this image, it copies the whole build context"),
])
def test_purpose_per_instruction(text, line, expected):
    assert explain(text)[line].purpose.startswith(expected)


def test_purposes_with_different_text_never_repeat():
    text = "FROM a\nRUN make\nRUN make\nRUN make -j4\nRUN   make\n"
    purposes = {n: l.purpose for n, l in explain(text).items()}
    assert purposes[2] == purposes[3]  # the same text: the same purpose
    assert len({purposes[2], purposes[4]}) == 2
    analysis = Analysis(text)
    hovered = [explain_line(analysis, KB, ins).purpose for ins in analysis.tree.instructions]
    assert hovered[1] == hovered[2] == hovered[4] != hovered[3]  # hover agrees


def test_variables_assigned_by_the_shell_are_not_build_variables():
    # `$dpkgArch` is set earlier in the same RUN: no link to a build variable is invented
    text = 'FROM a\nARG X=1\nRUN dpkgArch="$(dpkg --print-architecture)"; echo "$dpkgArch"\n'
    assert not any(kind == "reads-set-on" for kind, _, _ in links(text, 3))


def test_random_half_typed_input_is_explained_without_error():
    import random

    from docksense.explain_command import explain_json, explain_markdown

    words = ("FROM RUN COPY ADD CMD ENTRYPOINT ENV ARG WORKDIR SHELL HEALTHCHECK ONBUILD USER EXPOSE --from=x "
             "--mount=type=cache,target=/x $X ${Y:-z} \\ \r\n 🐳 \" ' [ ] { } ( ) ; && | > powershell cmd /S /C "
             "-Command $env:PATH [Environment]::X( `").split(" ") + ["\n"] * 4
    rng = random.Random(9)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 50)))
        if rng.random() < 0.3:
            text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n" + text
        analysis = Analysis(text)
        explain_markdown(analysis, KB, "x")
        explain_json(analysis, KB)


def test_hover_without_a_line_lead_still_answers(monkeypatch):
    """A failure in the line composer costs the reader the lead, never the hover."""
    from lsprotocol import types

    from docksense.features import hover as hover_module

    def broken(*args, **kwargs):
        raise RuntimeError("composer bug")

    monkeypatch.setattr(hover_module, "explain_line", broken)
    result = hover_module.hover(Analysis("FROM alpine:3.20\nRUN apk add --no-cache curl\n"), KB, types.Position(1, 1))
    assert result is not None and result.contents.value.startswith("**`RUN`** · instruction")


def test_hover_on_a_keyword_leads_with_purpose_and_why():
    from lsprotocol import types

    from docksense.features.hover import hover

    text = "FROM alpine:3.20\nRUN apk add --no-cache curl\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
    value = hover(Analysis(text), KB, types.Position(1, 0)).contents.value
    lead, _, general = value.partition("\n\n---\n\n")
    assert lead.startswith("**Purpose:** Installs `curl` without keeping the package index.")
    assert "`curl` is needed by the HEALTHCHECK on line 3" in lead
    assert general.startswith("**`RUN`** · instruction") and "**Purpose:**" not in general
    concise = hover(Analysis(text), KB, types.Position(1, 0), detail="concise").contents.value
    assert concise.startswith("**Purpose:**") and "**Lines:**" not in concise


def test_destinations_and_workdir_follow_the_build_model():
    lines = explain("FROM node:22\nENV APP=/srv/app\nWORKDIR $APP\nCOPY package.json ./\n"
                    "FROM golang:1.23\nCOPY . .\n")
    assert lines[3].purpose.startswith("Sets the working directory to /srv/app ($APP, created if missing)")
    assert "into /srv/app/" in lines[4].purpose
    # golang's image config is not known offline: its working directory is not guessed
    assert "into . in the base image's working directory" in lines[6].purpose
