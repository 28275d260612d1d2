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
