"""Stages, variable scopes and image facts."""

from __future__ import annotations

import datetime as dt

from docksense.analysis import Analysis
from docksense.analysis.images import lookup_image, parse_image
from docksense.analysis.scopes import apply_modifier
from docksense.knowledge import KnowledgeBase

TEXT = """ARG PY=3.11
FROM python:${PY}-slim AS Base
ARG PY
ENV A=1 B=${PY:-x}
RUN echo $B $A $PY $HTTP_PROXY $NOPE
FROM base AS final
RUN echo $A $PY
"""


def test_stages_and_case_insensitive_base():
    a = Analysis(TEXT)
    assert [s.label for s in a.stages] == ["Base", "final"]
    assert a.stages[1].base_stage is a.stages[0]
    assert len(a.preamble) == 1


def test_scopes_follow_buildkit_rules():
    a = Analysis(TEXT)
    run = a.tree.instructions[4]
    got = {r.name: a.scopes.resolve(r.name, run) for r in run.variables}
    assert got["B"].status == "env" and got["B"].value == "3.11"
    assert got["PY"].status == "arg" and got["PY"].value == "3.11"
    assert got["PY"].definition.inherited is not None
    assert got["HTTP_PROXY"].status == "proxy"
    assert got["NOPE"].status == "undefined"
    later = a.tree.instructions[6]
    assert a.scopes.resolve("A", later).status == "env"  # ENV is inherited from the base stage
    assert a.scopes.resolve("PY", later).status == "undeclared-global"  # ARG is not
    from_line = a.tree.instructions[1]
    assert a.scopes.resolve("PY", from_line).value == "3.11"


def test_env_wins_over_arg_and_uses_old_values():
    a = Analysis("FROM x\nARG V=arg\nENV V=env W=$V\nRUN echo $V $W\n")
    run = a.tree.instructions[3]
    assert a.scopes.resolve("V", run).status == "env"
    assert a.scopes.resolve("W", run).value == "arg"


def test_modifiers():
    assert apply_modifier(None, ":-", "d") == "d"
    assert apply_modifier("", "-", "d") == ""
    assert apply_modifier("v", ":+", "w") == "w"
    assert apply_modifier("a.b.c", "#", "*.") == "b.c"
    assert apply_modifier("a.b.c", "##", "*.") == "c"
    assert apply_modifier("a.b.c", "%", ".*") == "a.b"
    assert apply_modifier("a.b.c", "%%", ".*") == "a"
    assert apply_modifier("a.b.a", "/", "a/x") == "x.b.a"
    assert apply_modifier("a.b.a", "//", "a/x") == "x.b.x"


def test_image_parsing():
    ref = parse_image("docker.io/library/python:3.11-slim@sha256:abc")
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == ("", "python", "3.11-slim", "sha256:abc")
    ref = parse_image("mcr.microsoft.com/dotnet/sdk:7.0")
    assert ref.full_name == "mcr.microsoft.com/dotnet/sdk" and ref.tag == "7.0"
    ref = parse_image("localhost:5000/app")
    assert (ref.registry, ref.repository, ref.tag) == ("localhost:5000", "app", "")


def test_end_of_life_lookup():
    kb = KnowledgeBase()
    facts = lookup_image(kb, parse_image("node:18-slim"))
    assert facts.entry is not None and facts.line.line == "18"
    assert facts.end_of_life(dt.date(2026, 1, 1)) == dt.date(2025, 4, 30)
    assert ("slim", "slim") in facts.variants
    py = lookup_image(kb, parse_image("python:3.8.19-bookworm"))
    assert py.line.line == "3.8" and py.line.eol == "2024-10-07"
    dotnet = lookup_image(kb, parse_image("mcr.microsoft.com/dotnet/sdk:7.0"))
    assert dotnet.line.eol == "2024-05-14"
    assert lookup_image(kb, parse_image("example.com/unknown:1")).entry is None


# ---------------------------------------------------------------------------------------------
# The build model (Analysis.build), platforms, and the scope API features use
# ---------------------------------------------------------------------------------------------

BUILD = """ARG BASE=alpine:3.20
FROM --platform=linux/arm64 $BASE AS build
ENV APP=/srv/app
WORKDIR $APP
USER nobody
COPY src/ ./src/
COPY . .
ARG MODE=release
RUN --mount=type=cache,target=/c$MODE make
FROM build AS test
RUN --mount=type=bind,from=BUILD,target=/b true
WORKDIR sub
COPY --from=build /srv/app /out
COPY --from=0 a b/
COPY --from=missing a b
ENV X=$NOPE
FROM scratch
WORKDIR rel
"""


def test_build_model_records_what_buildkit_does():
    a = Analysis(BUILD)
    build = a.build
    assert [s.base_name for s in build.stages] == ["alpine:3.20", "build", "scratch"]
    assert [s.base_index for s in build.stages] == [None, 0, None]
    assert build.stages[0].parsed_platform == ("linux", "arm64", "") and a.platforms[0].arch == "arm64"
    assert build.stages[0].env_known and build.stages[0].windows is False
    ins = a.tree.instructions
    copy_src = build.step(ins[5])
    assert copy_src.workdir == "/srv/app" and copy_src.user == "nobody"
    assert copy_src.destination == "/srv/app/src/"
    assert build.step(ins[6]).destination == "/srv/app/"  # COPY . . : "." is a directory
    mount = build.step(ins[8]).uses_of("mount")[0]
    assert mount.value == "type=cache,target=/crelease" and mount.expansion.matched == {"MODE": None}
    assert build.step(ins[8]).from_stage is None and build.step(ins[10]).from_stage == 0  # RUN --mount from=
    ins = ins[:10] + ins[11:]  # the rest as before the RUN --mount line
    # the child stage starts from its base's state
    assert build.step(ins[10]).workdir == "/srv/app" and build.step(ins[10]).workdir_set
    assert build.step(ins[11]).workdir == "/srv/app/sub"
    assert build.step(ins[11]).from_stage == 0 and build.step(ins[12]).from_stage == 0
    assert build.step(ins[13]).from_stage is None
    env = build.step(ins[14]).uses_of("env-value")[0]
    assert env.undefined == ("NOPE",) and env.env_names()[:2] == ["PATH", "APP"]
    assert build.step(ins[16]).workdir == "/" and not build.step(ins[16]).workdir_set
    assert build.steps_of("COPY") == [build.step(i) for i in (ins[5], ins[6], ins[11], ins[12], ins[13])]
    assert build.step(ins[0]) is None and build.step(ins[1]) is None  # global scope and FROM


def test_scope_views_for_completion_and_definition():
    a = Analysis(BUILD)
    ins = a.tree.instructions
    scope = a.scopes.scope_before(ins[8])
    assert list(scope.env) == ["APP"] and list(scope.args) == ["MODE"] and "BASE" in scope.global_args
    child = a.scopes.scope_before(ins[15])
    assert list(child.env) == ["APP"] and child.env["APP"].inherited is not None and not child.args
    assert set(a.scopes.visible(ins[8])) == {"APP", "MODE"}
    assert a.scopes.visible(ins[8])["APP"].status == "env"
    assert dict(a.scopes.stage_env[1])["APP"].value == "/srv/app"
    assert a.scopes.stage_env.get(99) is None
    preamble = a.scopes.scope_before(ins[0])
    assert dict(preamble.global_args) == {} and preamble.stage is None


def test_values_use_the_escape_directive():
    a = Analysis("# escape=`\nFROM scratch\nENV GOPATH=\\go P=C:\\x`$y\nRUN echo $GOPATH\n")
    values = {d.name: d.value for d in a.scopes.definitions}
    assert values == {"GOPATH": "\\go", "P": "C:\\x$y"}


def test_platforms_parse_like_containerd():
    from docksense.analysis.platforms import namespace_platform, parse_platform

    assert parse_platform("linux/amd64") == ("linux", "amd64", "")
    assert parse_platform("linux/arm64/v8") == ("linux", "arm64", "v8")
    assert parse_platform("linux/aarch64") == ("linux", "arm64", "")
    assert parse_platform("linux/armhf") == ("linux", "arm", "v7")
    assert parse_platform("windows") == ("windows", "amd64", "")
    assert parse_platform("arm64") == ("linux", "arm64", "")
    assert str(parse_platform("linux/arm/v6")) == "linux/arm/v6"
    assert parse_platform("linux/amd64/v2/x") is None and parse_platform("li nux") is None
    assert parse_platform("a" * 10_000) is None
    assert namespace_platform("arm64v8/alpine:3.20") == ("linux", "arm64")
    assert namespace_platform("alpine") is None and namespace_platform("ghcr.io/arm64v8/x") is None
    a = Analysis("FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/s390x alpine\n")
    assert a.platforms == [None, ("linux", "s390x", "")]  # only constants are known
