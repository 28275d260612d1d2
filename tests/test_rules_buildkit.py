"""The ``buildkit`` family: BuildKit's 22 build checks.

Three kinds of tests:

* BuildKit's own cases, from moby/buildkit ``frontend/dockerfile/dockerfile_check_test.go``:
  same Dockerfile (Unix variants), same rule, same 1-based line. They run the rule functions
  directly, without the engine, because several of those files carry ``# check=`` lines whose
  handling (suppression) belongs to the engine and is tested there. Cases that only test
  ``# check=skip`` are left out for the same reason.
* For each rule: a positive case, a negative case, and, where the rule has a fix, that the
  fixed text has no finding of that rule any more (through the engine, as the editor runs it).
* The whole corpus: nothing raises, nothing is an error, and it is quick.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Optional

import pytest

from docksense.analysis import Analysis
from docksense.knowledge import KnowledgeBase
from docksense.rules import RULES, RuleConfig, run_rules
from docksense.rules.model import Finding

from .conftest import CORPUS, corpus_files, read
from .rule_helpers import apply_fix, findings, lines_of

BUILDKIT_RULES = sorted(name for name, r in RULES.items() if r.family == "buildkit")


def emitted(text: str, path: Optional[Path] = None, experimental: bool = False) -> list[tuple[str, int]]:
    """(rule, 1-based line) of every buildkit check's own findings, sorted as BuildKit's tests."""
    analysis = Analysis(text, path)
    out = []
    for name in BUILDKIT_RULES:
        rule = RULES[name]
        if rule.experimental and not experimental:
            continue
        for finding in rule.check(analysis):
            out.append((name, text.count("\n", 0, finding.start) + 1))
    return sorted(out, key=lambda item: (item[1], item[0]))


def project(tmp_path: Path, text: str, ignore: Optional[str] = None, name: str = "Dockerfile",
            ignore_name: str = ".dockerignore") -> Path:
    """Write a Dockerfile (and an ignore file) the way BuildKit's tests lay out a context."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if ignore is not None:
        (tmp_path / ignore_name).write_text(ignore, encoding="utf-8")
    return path


def only(text: str, rule: str, path: Optional[Path] = None) -> list[Finding]:
    return findings(text, rule, path=path)


def assert_fixed(text: str, rule: str, path: Optional[Path] = None, index: int = 0) -> str:
    """Apply the fix of the ``index``-th finding of ``rule``; no finding of it may remain."""
    found = only(text, rule, path)
    assert found, f"no {rule} finding in {text!r}"
    fixed = apply_fix(text, found[index])
    if path is not None:
        path.write_text(fixed, encoding="utf-8")
    assert only(fixed, rule, path) == [], fixed
    return fixed


# ---------------------------------------------------------------------------------------------
# BuildKit's test cases (dockerfile_check_test.go)
# ---------------------------------------------------------------------------------------------

# (test function, Dockerfile, expected (rule, line) pairs)
BUILDKIT_CASES = [
    # testStageName
    ("testStageName", """
# warning: stage name should be lowercase
#
FROM scratch AS BadStageName

# warning: 'as' should match 'FROM' cmd casing.
#
FROM scratch as base2

FROM scratch AS base3
""", [("StageNameCasing", 4), ("FromAsCasing", 8)]),
    ("testStageName", """
# warning: 'AS' should match 'from' cmd casing.
#
from scratch AS base

from scratch as base2
""", [("FromAsCasing", 4)]),
    # testConsistentInstructionCasing
    ("testConsistentInstructionCasing", """
# warning: 'FROM' should be either lowercased or uppercased
#
From scratch as base
FROM scratch AS base2
""", [("ConsistentInstructionCasing", 4)]),
    ("testConsistentInstructionCasing", """
FROM scratch
# warning: 'copy' should match command majority's casing (uppercase)
copy Dockerfile /foo
COPY Dockerfile /bar
""", [("ConsistentInstructionCasing", 4)]),
    ("testConsistentInstructionCasing", """
# warning: 'frOM' should be either lowercased or uppercased
#
frOM scratch as base
from scratch as base2
""", [("ConsistentInstructionCasing", 4)]),
    ("testConsistentInstructionCasing", """
from scratch
# warning: 'COPY' should match command majority's casing (lowercase)
COPY Dockerfile /foo
copy Dockerfile /bar
""", [("ConsistentInstructionCasing", 4)]),
    ("testConsistentInstructionCasing", """
# warning: 'from' should match command majority's casing (uppercase)
#
from scratch
COPY Dockerfile /foo
COPY Dockerfile /bar
COPY Dockerfile /baz
""", [("ConsistentInstructionCasing", 4)]),
    ("testConsistentInstructionCasing", """
# warning: 'FROM' should match command majority's casing (lowercase)
#
FROM scratch
copy Dockerfile /foo
copy Dockerfile /bar
copy Dockerfile /baz
""", [("ConsistentInstructionCasing", 4)]),
    ("testConsistentInstructionCasing", """
from scratch
copy Dockerfile /foo
copy Dockerfile /bar
""", []),
    ("testConsistentInstructionCasing", """
FROM scratch
COPY Dockerfile /foo
COPY Dockerfile /bar
""", []),
    ("testConsistentInstructionCasing", """
FROM alpine
RUN <<'EOT'
env
EOT
""", []),
    # testDuplicateStageName
    ("testDuplicateStageName", """
FROM scratch AS b
FROM scratch AS b
""", [("DuplicateStageName", 3)]),
    ("testDuplicateStageName", """
FROM scratch AS b1
FROM scratch AS b2
""", []),
    # testReservedStageName
    ("testReservedStageName", """
FROM scratch AS scratch
FROM scratch AS context
""", [("ReservedStageName", 2), ("ReservedStageName", 3)]),
    ("testReservedStageName", """
FROM scratch
FROM scratch AS a
""", []),
    # testJSONArgsRecommended
    ("testJSONArgsRecommended", """
FROM scratch
CMD mycommand
""", [("JSONArgsRecommended", 3)]),
    ("testJSONArgsRecommended", """
FROM scratch
ENTRYPOINT mycommand
""", [("JSONArgsRecommended", 3)]),
    ("testJSONArgsRecommended", """
FROM scratch
SHELL ["/usr/bin/customshell"]
CMD mycommand
""", []),
    ("testJSONArgsRecommended", """
FROM scratch
SHELL ["/usr/bin/customshell"]
ENTRYPOINT mycommand
""", []),
    ("testJSONArgsRecommended", """
FROM scratch AS base
SHELL ["/usr/bin/customshell"]

FROM base
CMD mycommand
""", []),
    ("testJSONArgsRecommended", """
FROM scratch AS base
SHELL ["/usr/bin/customshell"]

FROM base
ENTRYPOINT mycommand
""", []),
    # testMaintainerDeprecated (the cases that do not test # check=skip)
    ("testMaintainerDeprecated", """
FROM scratch
MAINTAINER me@example.org
""", [("MaintainerDeprecated", 3)]),
    ("testMaintainerDeprecated", """
FROM scratch
LABEL org.opencontainers.image.authors="me@example.org"
""", []),
    # testWarningsBeforeError (BuildKit then fails on BADCMD; the warnings come first)
    ("testWarningsBeforeError", """
FROM scratch AS BadStageName
MAINTAINER me@example.org
BADCMD
""", [("StageNameCasing", 2), ("MaintainerDeprecated", 3)]),
    # testUndeclaredArg
    ("testUndeclaredArg", """
ARG base=scratch
FROM $base
COPY Dockerfile .
""", []),
    ("testUndeclaredArg", """
ARG BUILDPLATFORM=linux/amd64
FROM --platform=$BUILDPLATFORM scratch
COPY Dockerfile .
""", []),
    ("testUndeclaredArg", """
FROM --platform=$BUILDPLATFORM scratch
COPY Dockerfile .
""", []),
    ("testUndeclaredArg", """
ARG DEBUG
FROM scratch${DEBUG}
COPY Dockerfile .
""", []),
    ("testUndeclaredArg", """
ARG DEBUG
FROM scra${DEBUG:-tch}
COPY Dockerfile .
""", []),
    ("testUndeclaredArg", """
ARG DEBUG=""
FROM scratch${DEBUG-@bogus}
COPY Dockerfile .
""", []),
    ("testUndeclaredArg", """
FROM --platform=$BULIDPLATFORM scratch
COPY Dockerfile .
""", [("UndefinedArgInFrom", 2)]),
    ("testUndeclaredArg", """
ARG MY_OS=linux
ARG MY_ARCH=amd64
FROM --platform=linux/${MYARCH} busybox
COPY Dockerfile .
\t""", [("UndefinedArgInFrom", 4)]),
    ("testUndeclaredArg", """
ARG tag=latest
FROM busybox:${tag}${version} AS b
COPY Dockerfile .
""", [("UndefinedArgInFrom", 3)]),
    # testWorkdirRelativePath (the case that does not test # check=skip)
    ("testWorkdirRelativePath", """
FROM scratch
WORKDIR app/
""", [("WorkdirRelativePath", 3)]),
    ("testWorkdirRelativePath", """
FROM scratch AS a
WORKDIR /app

FROM a AS b
WORKDIR subdir/
""", []),
    # testUnmatchedVars
    ("testUnmatchedVars", """
FROM scratch
ARG foo
COPY Dockerfile${foo} .
""", []),
    ("testUnmatchedVars", """
FROM alpine AS base
ARG foo=Dockerfile

FROM base
COPY $foo .
""", []),
    ("testUnmatchedVars", """
FROM alpine
RUN echo $PATH
""", []),
    ("testUnmatchedVars", """
FROM alpine
COPY $foo .
ARG foo=bar
RUN echo $foo
""", [("UndefinedVar", 3)]),
    ("testUnmatchedVars", """
FROM alpine
ARG DIR_BINARIES=binaries/
ARG DIR_ASSETS=assets/
ARG DIR_CONFIG=config/
COPY $DIR_ASSET .
\t""", [("UndefinedVar", 6)]),
    ("testUnmatchedVars", """
FROM alpine
ENV PATH=$PAHT:/tmp/bin
\t\t""", [("UndefinedVar", 3)]),
    # testAllTargetUnmarshal (linting covers every stage)
    ("testAllTargetUnmarshal", """
FROM scratch AS first
COPY $foo .

FROM scratch AS second
COPY $bar .
""", [("UndefinedVar", 3), ("UndefinedVar", 6)]),
    # testMultipleInstructionsDisallowed
    ("testMultipleInstructionsDisallowed", """
FROM scratch
ENTRYPOINT ["/myapp"]
ENTRYPOINT ["/myotherapp"]
CMD ["/myapp"]
CMD ["/myotherapp"]
HEALTHCHECK CMD ["/myapp"]
HEALTHCHECK CMD ["/myotherapp"]
""", [("MultipleInstructionsDisallowed", 3), ("MultipleInstructionsDisallowed", 5),
      ("MultipleInstructionsDisallowed", 7)]),
    ("testMultipleInstructionsDisallowed", """
FROM scratch
ENTRYPOINT ["/myapp"]
CMD ["/myapp"]
HEALTHCHECK CMD ["/myapp"]
COPY <<EOF /a.txt
Hello, World!
EOF
ENTRYPOINT ["/myotherapp"]
CMD ["/myotherapp"]
HEALTHCHECK CMD ["/myotherapp"]
""", [("MultipleInstructionsDisallowed", 3), ("MultipleInstructionsDisallowed", 4),
      ("MultipleInstructionsDisallowed", 5)]),
    ("testMultipleInstructionsDisallowed", """
FROM scratch AS a
ENTRYPOINT ["/myapp"]
CMD ["/myapp"]
HEALTHCHECK CMD ["/myapp"]

FROM a AS b
ENTRYPOINT ["/myotherapp"]
CMD ["/myotherapp"]
HEALTHCHECK CMD ["/myotherapp"]
""", []),
    # testLegacyKeyValueFormat
    ("testLegacyKeyValueFormat", """
FROM scratch
ENV testkey value
LABEL key value
""", [("LegacyKeyValueFormat", 3), ("LegacyKeyValueFormat", 4)]),
    ("testLegacyKeyValueFormat", """
FROM scratch
ENV testkey=value
LABEL key=value
""", []),
    # BuildKit's test data says lines 3 and 4 here, but its unmarshal check does not compare
    # lines; the instructions are on lines 5 and 6.
    ("testLegacyKeyValueFormat", """
FROM scratch AS a

FROM a AS b
ENV testkey value
LABEL key value

FROM a AS c
""", [("LegacyKeyValueFormat", 5), ("LegacyKeyValueFormat", 6)]),
    # testRedundantTargetPlatform (the cases that do not test # check=skip)
    ("testRedundantTargetPlatform", """
FROM --platform=$TARGETPLATFORM scratch
""", [("RedundantTargetPlatform", 2)]),
    ("testRedundantTargetPlatform", """
FROM --platform=${TARGETPLATFORM} scratch
""", [("RedundantTargetPlatform", 2)]),
    # testInvalidDefaultArgInFrom
    ("testInvalidDefaultArgInFrom", """
ARG VERSION
FROM busybox:$VERSION
""", [("InvalidDefaultArgInFrom", 3)]),
    ("testInvalidDefaultArgInFrom", """
ARG IMAGE
FROM $IMAGE
""", [("InvalidDefaultArgInFrom", 3)]),
    ("testInvalidDefaultArgInFrom", """
ARG SFX="box:"
FROM busy${SFX}
""", [("InvalidDefaultArgInFrom", 3)]),
    ("testInvalidDefaultArgInFrom", """
ARG VERSION="latest"
FROM busybox:${VERSION}
""", []),
    ("testInvalidDefaultArgInFrom", """
ARG BUSYBOX_VARIANT=""
FROM busybox:stable${BUSYBOX_VARIANT}
""", []),
    ("testInvalidDefaultArgInFrom", """
\tARG BUSYBOX_VARIANT
\tFROM busybox:stable${BUSYBOX_VARIANT}
\t""", []),
    # testFromPlatformFlagConstDisallowed
    ("testFromPlatformFlagConstDisallowed", """
FROM --platform=linux/amd64 scratch
""", [("FromPlatformFlagConstDisallowed", 2)]),
    ("testFromPlatformFlagConstDisallowed", """
FROM --platform=linux/amd64 scratch AS my_amd64_stage
""", []),
    ("testFromPlatformFlagConstDisallowed", """
FROM --platform=linux/amd64 scratch AS linux
""", []),
    # testExposeProtoCasing
    ("testExposeProtoCasing", """
FROM scratch
EXPOSE 80/TcP 8080/TCP 8080/udp
""", [("ExposeProtoCasing", 3), ("ExposeProtoCasing", 3)]),
    # testExposeInvalidFormat
    ("testExposeInvalidFormat", """
FROM scratch
EXPOSE 127.0.0.1:80:80 [::1]:8080:8080 5000:5000 8000
""", [("ExposeInvalidFormat", 3), ("ExposeInvalidFormat", 3), ("ExposeInvalidFormat", 3)]),
]


@pytest.mark.parametrize("name,text,expected", BUILDKIT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(BUILDKIT_CASES)])
def test_buildkit_case(name, text, expected):
    assert emitted(text) == sorted(expected, key=lambda item: (item[1], item[0]))


def test_buildkit_no_empty_continuation():
    # testNoEmptyContinuation: BuildKit reports the instruction's last line (6); the finding
    # marks the empty line itself (5), the line to delete. One finding for the instruction.
    text = """
FROM scratch
# warning: empty continuation line
COPY Dockerfile \\

.
COPY Dockerfile \\
.
"""
    assert emitted(text) == [("NoEmptyContinuation", 5)]
    found = only(text, "NoEmptyContinuation")
    assert found[0].instruction_line + 1 == 4  # the COPY it belongs to


def test_buildkit_secrets_used_in_arg_or_env():
    # testSecretsUsedInArgOrEnv; lines 15-22 exercise # check=skip (the engine's part).
    text = """# check=skip=InvalidDefinitionDescription

FROM scratch
ARG SECRET_PASSPHRASE
ENV SUPER_Secret=foo
ENV password=bar secret=baz
ARG super_duper_secret_token=foo auth=bar
ENV apikey=bar sunflower=foo
ENV git_key=
ENV PUBLIC_KEY=
ARG public_token
ARG SECRET_PASSPHRASE_FILE
ENV password_file=bar secret_File=baz
ARG AUTH_MODULE_VERSION
# check=skip=SecretsUsedInArgOrEnv // allow secret in environment
ENV password=bar
# check=skip=SecretsUsedInArgOrEnv // allow secret in arg
ARG password
# check=skip=all // is local to only this instruction
ENV alternate_password=bar
# check=skip=all // is local to only this instruction
ARG alternate_password
"""
    found = [f for f in RULES["SecretsUsedInArgOrEnv"].check(Analysis(text))]
    keys = [(text.count("\n", 0, f.start) + 1, text[f.start:f.end]) for f in found]
    assert [k for k in keys if k[0] < 15] == [
        (4, "SECRET_PASSPHRASE"), (5, "SUPER_Secret"), (6, "password"), (6, "secret"),
        (7, "super_duper_secret_token"), (7, "auth"), (8, "apikey"), (9, "git_key"),
    ]


def test_buildkit_definition_description():
    # testDefinitionDescription (experimental). The first file's directive enables the rule.
    text = """# check=skip=all;experimental=InvalidDefinitionDescription
# foo this is the foo
ARG foo=bar

# base this is the base image
FROM scratch AS base

# version this is the version number
ARG version=latest

# baz this is the baz
ARG foo=baz bar=qux baz=quux
#
ARG bit=bat

# comment for something other than ARG or FROM
COPY Dockerfile .
"""
    assert [r for r in emitted(text, experimental=True) if r[0] == "InvalidDefinitionDescription"] == []
    text = """# check=experimental=InvalidDefinitionDescription
# bar this is the bar
ARG foo=bar
# BasE this is the BasE image
FROM scratch AS base
# definitely a bad comment
ARG version=latest
# definitely a bad comment
ARG foo=baz bar=qux baz=quux
"""
    assert emitted(text, experimental=True) == [("InvalidDefinitionDescription", line) for line in (3, 5, 7, 9)]
    messages = [f.message for f in RULES["InvalidDefinitionDescription"].check(Analysis(text))]
    assert "'# foo <description>'" in messages[0]
    assert "'# base <description>'" in messages[1]
    assert "'# <arg_key> <description>'" in messages[3]


COPY_IGNORED_CASES = [
    # testCopyIgnoredFiles (the first file twice, as BuildKit does; the skip case is left out)
    ("\nDockerfile\n", "\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n", [3, 4]),
    ("\nDockerfile\n", "\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n", [3, 4]),
    ("\nfoobar\n", "\nFROM scratch AS base\nCOPY Dockerfile /foobar\nADD Dockerfile /windy\n\n"
                   "FROM base\nCOPY --from=base /foobar /Dockerfile\n", []),
    ("\n**\n!Dockerfile\n", "\nFROM scratch\nCOPY ./Dockerfile .\n", []),
    ("\n**\n!Dockerfile\n", "\nFROM scratch\nCOPY . .\n\t", []),
    # testCopyIgnoredFileContextRoot
    ("\n.*\n", "\nFROM scratch\nCOPY . .\n", []),
    ("\n*\n", "\nFROM scratch\nCOPY . .\n", [3]),
]


@pytest.mark.parametrize("ignore,text,lines", COPY_IGNORED_CASES)
def test_buildkit_copy_ignored_file(tmp_path, ignore, text, lines):
    path = project(tmp_path, text, ignore)
    assert emitted(text, path) == [("CopyIgnoredFile", line) for line in lines]


def test_buildkit_copy_ignored_file_messages(tmp_path):
    text = "\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n"
    path = project(tmp_path, text, "\nDockerfile\n")
    found = only(text, "CopyIgnoredFile", path)
    assert [text[f.start:f.end] for f in found] == ["Dockerfile", "Dockerfile"]
    assert found[0].message.startswith("Copy source 'Dockerfile'")
    assert found[1].message.startswith("Add source 'Dockerfile'")


# ---------------------------------------------------------------------------------------------
# Per rule: positive, negative, fix
# ---------------------------------------------------------------------------------------------


class TestStageNameCasing:
    def test_flags_the_name(self):
        text = "FROM alpine AS Build\n"
        found = only(text, "StageNameCasing")
        assert [text[f.start:f.end] for f in found] == ["Build"]
        assert found[0].severity == "warning"

    def test_lowercase_name_is_fine(self):
        assert only("FROM alpine AS build\nFROM build\n", "StageNameCasing") == []

    def test_fix_renames_every_reference(self):
        text = ("FROM alpine AS Build\nRUN touch /x\n"
                "FROM Build AS next\n"
                "FROM alpine\nCOPY --from=Build /x /x\n"
                "RUN --mount=type=bind,from=Build,target=/b ls /b\n")
        fixed = assert_fixed(text, "StageNameCasing")
        assert fixed == ("FROM alpine AS build\nRUN touch /x\n"
                         "FROM build AS next\n"
                         "FROM alpine\nCOPY --from=build /x /x\n"
                         "RUN --mount=type=bind,from=build,target=/b ls /b\n")
        assert only(text, "StageNameCasing")[0].fix.safe

    def test_fix_leaves_an_earlier_image_of_the_same_name(self):
        text = "FROM Build\nFROM alpine AS Build\n"
        fixed = apply_fix(text, only(text, "StageNameCasing")[0])
        assert fixed == "FROM Build\nFROM alpine AS build\n"


class TestFromAsCasing:
    def test_flags_the_as_word(self):
        text = "FROM alpine as build\n"
        found = only(text, "FromAsCasing")
        assert [text[f.start:f.end] for f in found] == ["as"]

    def test_matching_case_is_fine(self):
        assert only("FROM alpine AS build\nfrom alpine as other\n", "FromAsCasing") == []

    def test_mixed_case_from_is_left_alone(self):
        assert only("From alpine as build\n", "FromAsCasing") == []

    def test_fix(self):
        assert assert_fixed("FROM alpine as build\n", "FromAsCasing") == "FROM alpine AS build\n"
        assert assert_fixed("from alpine AS build\n", "FromAsCasing") == "from alpine as build\n"


class TestNoEmptyContinuation:
    TEXT = "FROM alpine\nRUN apk add \\\n\n    curl \\\n   \n    git\n"

    def test_flags_once_per_instruction_on_the_empty_line(self):
        found = only(self.TEXT, "NoEmptyContinuation")
        assert lines_of(self.TEXT, found) == [3]
        assert "2 of them" in found[0].message

    def test_no_empty_line_is_fine(self):
        assert only("FROM alpine\nRUN apk add \\\n    curl\n", "NoEmptyContinuation") == []

    def test_fix_deletes_the_empty_lines(self):
        fixed = assert_fixed(self.TEXT, "NoEmptyContinuation")
        assert fixed == "FROM alpine\nRUN apk add \\\n    curl \\\n    git\n"


class TestConsistentInstructionCasing:
    def test_flags_minority_and_mixed_keywords(self):
        text = "FROM alpine\nRun echo\nrun echo\nCOPY a b\nCOPY c d\n"
        found = only(text, "ConsistentInstructionCasing")
        assert [text[f.start:f.end] for f in found] == ["Run", "run"]

    def test_global_args_do_not_count(self):
        # BuildKit counts only the stages' instructions, not the ARGs before the first FROM
        text = "arg A=1\narg B=2\narg C=3\nFROM alpine\nRUN echo\n"
        assert only(text, "ConsistentInstructionCasing") == []

    def test_consistent_file_is_fine(self):
        assert only("from alpine\nrun echo\n", "ConsistentInstructionCasing") == []

    def test_fix(self):
        text = "FROM alpine\nrun echo\nCOPY a b\n"
        assert assert_fixed(text, "ConsistentInstructionCasing") == "FROM alpine\nRUN echo\nCOPY a b\n"

    def test_fix_of_a_keyword_split_by_a_continuation(self):
        text = "FROM alpine\nCOPY a b\nru\\\nn echo\n"
        fixed = assert_fixed(text, "ConsistentInstructionCasing")
        assert fixed == "FROM alpine\nCOPY a b\nRU\\\nN echo\n"


class TestDuplicateStageName:
    def test_flags_the_second_name_case_insensitively(self):
        text = "FROM alpine AS build\nFROM alpine AS Build\n"
        found = only(text, "DuplicateStageName")
        assert [text[f.start:f.end] for f in found] == ["Build"]
        assert "line 1" in found[0].message

    def test_unique_names_are_fine(self):
        assert only("FROM alpine AS a\nFROM alpine AS b\n", "DuplicateStageName") == []


class TestReservedStageName:
    def test_flags_reserved_names(self):
        text = "FROM alpine AS Scratch\nFROM alpine AS context\n"
        found = only(text, "ReservedStageName")
        assert [text[f.start:f.end] for f in found] == ["Scratch", "context"]

    def test_other_names_are_fine(self):
        assert only("FROM scratch AS base\n", "ReservedStageName") == []


class TestJSONArgsRecommended:
    def test_flags_shell_form(self):
        text = "FROM alpine\nCMD node server.js\n"
        found = only(text, "JSONArgsRecommended")
        assert [text[f.start:f.end] for f in found] == ["node server.js"]

    def test_exec_form_is_fine(self):
        assert only('FROM alpine\nCMD ["node", "server.js"]\n', "JSONArgsRecommended") == []

    def test_shell_set_in_a_base_stage_counts(self):
        text = 'FROM alpine AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nCMD echo hi\n'
        assert only(text, "JSONArgsRecommended") == []

    def test_fix_for_plain_words(self):
        text = "FROM alpine\nENTRYPOINT nginx -g daemon-off\n"
        fixed = assert_fixed(text, "JSONArgsRecommended")
        assert fixed == 'FROM alpine\nENTRYPOINT ["nginx", "-g", "daemon-off"]\n'
        fix = only(text, "JSONArgsRecommended")[0].fix
        assert fix.preferred and not fix.safe

    @pytest.mark.parametrize("command", [
        "node $APP", "echo 'a b'", "run && other", "ls *.txt", "cd /app", "exec nginx",
        "FOO=1 app", "app > log", "app ~/x", "app a\\ b", "-x app",
    ])
    def test_no_fix_when_the_shell_matters(self, command):
        found = only(f"FROM alpine\nCMD {command}\n", "JSONArgsRecommended")
        assert found and found[0].fix is None

    def test_fix_across_a_continuation(self):
        text = "FROM alpine\nCMD app \\\n  arg\n"
        assert assert_fixed(text, "JSONArgsRecommended") == 'FROM alpine\nCMD ["app", "arg"]\n'


class TestMaintainerDeprecated:
    def test_flags_the_keyword(self):
        text = "FROM alpine\nMAINTAINER Jane <jane@example.com>\n"
        found = only(text, "MaintainerDeprecated")
        assert [text[f.start:f.end] for f in found] == ["MAINTAINER"]
        assert found[0].deprecated

    def test_label_is_fine(self):
        assert only('FROM alpine\nLABEL org.opencontainers.image.authors="Jane"\n', "MaintainerDeprecated") == []

    def test_fix_quotes_the_value(self):
        text = 'FROM alpine\nMAINTAINER Jane "JD" Doe $HOME\n'
        fixed = assert_fixed(text, "MaintainerDeprecated")
        assert fixed == 'FROM alpine\nLABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe \\$HOME"\n'
        # the label's value is the MAINTAINER text, unchanged
        from docksense.analysis.values import literal
        pair = Analysis(fixed).tree.instructions[1].pairs[0]
        assert literal(pair.value) == 'Jane "JD" Doe $HOME'
        assert only(fixed, "UndefinedVar") == []

    def test_fix_keeps_lowercase_keywords(self):
        assert assert_fixed("from alpine\nmaintainer me\n", "MaintainerDeprecated") == \
            'from alpine\nlabel org.opencontainers.image.authors="me"\n'


class TestUndefinedArgInFrom:
    def test_flags_the_variable_with_a_suggestion(self):
        text = "ARG VERSION=1\nFROM alpine:$VERSON\n"
        found = only(text, "UndefinedArgInFrom")
        assert [text[f.start:f.end] for f in found] == ["VERSON"]
        assert "did you mean VERSION?" in found[0].message

    def test_declared_and_predefined_args_are_fine(self):
        text = "ARG TAG\nFROM --platform=$BUILDPLATFORM alpine:${TAG:-3}\n"
        assert only(text, "UndefinedArgInFrom") == []

    def test_fix_applies_the_suggestion(self):
        fixed = assert_fixed("ARG VERSION=1\nFROM alpine:$VERSON\n", "UndefinedArgInFrom")
        assert fixed == "ARG VERSION=1\nFROM alpine:$VERSION\n"


class TestWorkdirRelativePath:
    def test_flags_the_path(self):
        text = "FROM alpine\nWORKDIR app\n"
        found = only(text, "WorkdirRelativePath")
        assert [text[f.start:f.end] for f in found] == ["app"]
        assert found[0].fix is None

    def test_absolute_first_then_relative_is_fine(self):
        assert only("FROM alpine\nWORKDIR /app\nWORKDIR sub\n", "WorkdirRelativePath") == []

    def test_variables_are_expanded(self):
        assert lines_of("FROM alpine\nENV D=app\nWORKDIR $D\n",
                        only("FROM alpine\nENV D=app\nWORKDIR $D\n", "WorkdirRelativePath")) == [3]
        assert only("FROM alpine\nENV D=/app\nWORKDIR $D\n", "WorkdirRelativePath") == []
        # unknown value from an unknown base image: no guess
        assert only("FROM python\nWORKDIR $APP_HOME\n", "WorkdirRelativePath") == []

    def test_windows_paths(self):
        # with the default escape character, C:\app reads as C:app (as in BuildKit)
        nano = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
        assert only("# escape=`\n" + nano + "WORKDIR C:\\app\n", "WorkdirRelativePath") == []
        assert only(nano + "WORKDIR C:/app\n", "WorkdirRelativePath") == []
        assert len(only(nano + "WORKDIR C:\\app\n", "WorkdirRelativePath")) == 1


class TestUndefinedVar:
    def test_flags_the_name(self):
        text = "FROM alpine\nCOPY $SRC /dst\n"
        found = only(text, "UndefinedVar")
        assert [text[f.start:f.end] for f in found] == ["SRC"]

    def test_defined_and_shell_expanded_are_fine(self):
        text = ("FROM alpine\nARG SRC=x\nENV DST=/y\nCOPY $SRC $DST\nRUN echo $UNDEFINED_IN_SHELL\n"
                "CMD echo $ALSO_SHELL\nCOPY '$NOT_A_VAR' \\$ESCAPED /z\n")
        assert only(text, "UndefinedVar") == []

    def test_global_arg_must_be_redeclared(self):
        text = "ARG V=1\nFROM alpine\nADD https://x/t-${V}.tgz /\n"
        found = only(text, "UndefinedVar")
        assert [text[f.start:f.end] for f in found] == ["V"]
        assert "ARG V" in found[0].message
        fixed = assert_fixed(text, "UndefinedVar")
        assert fixed == "ARG V=1\nFROM alpine\nARG V\nADD https://x/t-${V}.tgz /\n"

    def test_platform_args_need_a_declaration_in_the_stage(self):
        text = "FROM python\nCOPY bin/$TARGETARCH/app /app\n"
        assert len(only(text, "UndefinedVar")) == 1
        assert only("FROM python\nARG TARGETARCH\nCOPY bin/$TARGETARCH/app /app\n", "UndefinedVar") == []

    def test_suggestion_fix(self):
        text = "FROM alpine\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n"
        found = only(text, "UndefinedVar")
        assert "did you mean $APP_HOME?" in found[0].message
        assert assert_fixed(text, "UndefinedVar") == "FROM alpine\nENV APP_HOME=/app\nWORKDIR $APP_HOME\n"

    def test_unknown_base_image_may_define_names(self):
        # python's image sets PYTHON_VERSION; the file cannot tell, so nothing is reported
        assert only("FROM python:3.13\nENV V=$PYTHON_VERSION\n", "UndefinedVar") == []
        # ... unless the file gives it away: declared later in the stage
        assert len(only("FROM python:3.13\nENV V=$X\nARG X=1\n", "UndefinedVar")) == 1
        # a variable images commonly set, declared in another stage, still gets the doubt
        text = "FROM golang AS a\nENV GOPATH=/go\nFROM golang\nCOPY $GOPATH/bin/x /x\n"
        assert only(text, "UndefinedVar") == []
        # with a base whose environment is known, BuildKit's answer is certain
        assert len(only("FROM alpine\nCOPY $GOPATH/bin/x /x\n", "UndefinedVar")) == 1

    def test_same_env_instruction_does_not_see_its_own_pairs(self):
        text = "FROM alpine\nENV A=1 B=$A\n"
        assert [text[f.start:f.end] for f in only(text, "UndefinedVar")] == ["A"]

    def test_arg_sees_earlier_pairs(self):
        assert only("FROM alpine\nARG A=1 B=$A\n", "UndefinedVar") == []

    def test_env_inherited_from_base_stage(self):
        assert only("FROM alpine AS a\nENV X=1\nFROM a\nCOPY $X /\n", "UndefinedVar") == []

    def test_heredoc_expands_without_quotes(self):
        text = "FROM alpine\nCOPY <<EOF /f\nvalue '$NOPE'\nEOF\n"
        found = only(text, "UndefinedVar")
        assert [text[f.start:f.end] for f in found] == ["NOPE"]
        assert only("FROM alpine\nCOPY <<'EOF' /f\n$NOPE\nEOF\n", "UndefinedVar") == []

    def test_run_mount_options(self):
        text = "FROM alpine\nRUN --mount=type=cache,id=$CACHE_ID,target=/c make\n"
        assert [text[f.start:f.end] for f in only(text, "UndefinedVar")] == ["CACHE_ID"]


class TestMultipleInstructionsDisallowed:
    def test_flags_the_overridden_instruction(self):
        text = 'FROM alpine\nCMD ["a"]\nCMD ["b"]\n'
        found = only(text, "MultipleInstructionsDisallowed")
        assert [text[f.start:f.end] for f in found] == ['CMD ["a"]']
        assert found[0].unnecessary

    def test_one_per_stage_is_fine(self):
        assert only('FROM alpine\nCMD ["a"]\nFROM alpine\nCMD ["b"]\n', "MultipleInstructionsDisallowed") == []


class TestLegacyKeyValueFormat:
    def test_flags_the_key(self):
        text = "FROM alpine\nENV HOME_DIR /srv\n"
        found = only(text, "LegacyKeyValueFormat")
        assert [text[f.start:f.end] for f in found] == ["HOME_DIR"]

    def test_equals_form_is_fine(self):
        assert only('FROM alpine\nENV A=1 B="x y"\nLABEL a=b\n', "LegacyKeyValueFormat") == []

    def test_key_without_value_is_a_syntax_error_not_this(self):
        assert only("FROM alpine\nENV ONLYKEY\n", "LegacyKeyValueFormat") == []

    @pytest.mark.parametrize("before,after", [
        ("ENV A /srv", "ENV A=/srv"),
        ("ENV A hello world", 'ENV A="hello world"'),
        ('LABEL desc "already quoted"', 'LABEL desc="already quoted"'),
        ('ENV A "x y" z', 'ENV A="x y"\\ z'),
        ("ENV A x=y", "ENV A=x=y"),
        ("ENV A $B/bin:$PATH", "ENV A=$B/bin:$PATH"),
    ])
    def test_fix_keeps_the_value(self, before, after):
        text = f"FROM alpine\nENV B=1\n{before}\n"
        fixed = assert_fixed(text, "LegacyKeyValueFormat")
        assert fixed == f"FROM alpine\nENV B=1\n{after}\n"
        old = Analysis(text).tree.instructions[2].pairs
        new = Analysis(fixed).tree.instructions[2].pairs
        from docksense.analysis.values import literal
        assert [(p.key, literal(p.value)) for p in new] == [(p.key, literal(p.value)) for p in old]

    def test_fix_across_a_continuation(self):
        text = "FROM alpine\nENV A hello \\\n    world\n"
        fixed = assert_fixed(text, "LegacyKeyValueFormat")
        assert fixed == 'FROM alpine\nENV A="hello \\\n    world"\n'


class TestInvalidBaseImagePlatform:
    def test_base_stage_pinned_elsewhere(self):
        text = "FROM --platform=linux/arm64 alpine AS base\nFROM --platform=linux/amd64 base\n"
        found = only(text, "InvalidBaseImagePlatform")
        assert [text[f.start:f.end] for f in found] == ["--platform=linux/amd64"]

    def test_single_architecture_repository(self):
        text = "FROM --platform=linux/amd64 arm64v8/alpine:3.20\n"
        assert lines_of(text, only(text, "InvalidBaseImagePlatform")) == [1]

    def test_matching_or_unknown_platforms_are_fine(self):
        text = ("FROM --platform=linux/arm64 arm64v8/alpine\n"
                "FROM --platform=linux/amd64 alpine AS a\nFROM --platform=linux/amd64 a\n"
                "FROM --platform=$BUILDPLATFORM arm64v8/alpine\n"
                "FROM alpine AS b\nFROM --platform=linux/arm64 b\n")
        assert only(text, "InvalidBaseImagePlatform") == []


class TestRedundantTargetPlatform:
    def test_flags_the_flag(self):
        text = "FROM --platform=$TARGETPLATFORM alpine\n"
        found = only(text, "RedundantTargetPlatform")
        assert [text[f.start:f.end] for f in found] == ["--platform=$TARGETPLATFORM"]

    def test_other_platforms_are_fine(self):
        text = "FROM --platform=$BUILDPLATFORM alpine\nFROM --platform=linux/$TARGETARCH alpine\n"
        assert only(text, "RedundantTargetPlatform") == []

    def test_fix_removes_flag_and_space(self):
        fixed = assert_fixed("FROM --platform=${TARGETPLATFORM} alpine AS a\n", "RedundantTargetPlatform")
        assert fixed == "FROM alpine AS a\n"
        assert only("FROM --platform=$TARGETPLATFORM alpine\n", "RedundantTargetPlatform")[0].fix.safe


class TestSecretsUsedInArgOrEnv:
    def test_flags_the_key(self):
        text = "FROM alpine\nARG GITHUB_TOKEN\n"
        found = only(text, "SecretsUsedInArgOrEnv")
        assert [text[f.start:f.end] for f in found] == ["GITHUB_TOKEN"]

    def test_harmless_names_are_fine(self):
        text = "FROM alpine\nARG TOKENIZER=x\nENV KEYBOARD=us PUBLIC_KEY=x SECRET_FILE=/run/s\n"
        assert only(text, "SecretsUsedInArgOrEnv") == []

    def test_global_args_are_not_dispatched(self):
        assert only("ARG PASSWORD\nFROM alpine\n", "SecretsUsedInArgOrEnv") == []


class TestInvalidDefaultArgInFrom:
    def test_flags_the_image(self):
        text = "ARG TAG\nFROM node:${TAG}-alpine\n"
        found = only(text, "InvalidDefaultArgInFrom")
        assert [text[f.start:f.end] for f in found] == ["node:${TAG}-alpine"]

    def test_valid_defaults_are_fine(self):
        text = ("ARG TAG=22\nARG REG=docker.io\nFROM node:${TAG}-alpine\n"
                "FROM ${REG}/library/node:22@sha256:" + "a" * 64 + "\nFROM localhost:5000/x\n")
        assert only(text, "InvalidDefaultArgInFrom") == []

    def test_invalid_names(self):
        text = "FROM Ubuntu:22.04\nFROM alpine@sha256:abc\n"
        assert lines_of(text, only(text, "InvalidDefaultArgInFrom")) == [1, 2]


class TestFromPlatformFlagConstDisallowed:
    def test_flags_the_flag(self):
        text = "FROM --platform=linux/arm64 alpine AS build\n"
        found = only(text, "FromPlatformFlagConstDisallowed")
        assert [text[f.start:f.end] for f in found] == ["--platform=linux/arm64"]

    def test_variables_and_platform_named_stages_are_fine(self):
        text = ("FROM --platform=$BUILDPLATFORM alpine\nFROM --platform=linux/arm64 alpine AS build-arm64\n"
                "FROM --platform=not/a/valid/platform alpine\n")
        assert only(text, "FromPlatformFlagConstDisallowed") == []


class TestCopyIgnoredFile:
    def test_flags_the_source(self, tmp_path):
        text = "FROM alpine\nCOPY config/app.yaml /etc/app/\n"
        path = project(tmp_path, text, "# comment\nconfig/\n")
        found = only(text, "CopyIgnoredFile", path)
        assert [text[f.start:f.end] for f in found] == ["config/app.yaml"]
        assert "'config'" in found[0].message

    def test_not_ignored_is_fine(self, tmp_path):
        text = "FROM alpine\nCOPY src/ /src/\nCOPY --from=build /x /x\nADD https://example.com/a /a\n"
        path = project(tmp_path, text, "x\nbuild\n/src/*.tmp\n")
        assert only(text, "CopyIgnoredFile", path) == []

    def test_no_path_no_check(self):
        assert only("FROM alpine\nCOPY Dockerfile /\n", "CopyIgnoredFile") == []

    def test_dockerfile_specific_ignore_file_wins(self, tmp_path):
        text = "FROM alpine\nCOPY a.txt b.txt /\n"
        path = project(tmp_path, text, "b.txt\n", name="app.Dockerfile", ignore_name="app.Dockerfile.dockerignore")
        (tmp_path / ".dockerignore").write_text("a.txt\n")
        found = only(text, "CopyIgnoredFile", path)
        assert [text[f.start:f.end] for f in found] == ["b.txt"]

    @pytest.mark.parametrize("pattern,source,hit", [
        ("**/*.log", "logs/app.log", True),
        ("**/*.log", "app.log", True),
        ("*.md", "docs/readme.md", False),
        ("docs", "docs/readme.md", True),
        ("/secret", "./secret", True),
        ("node_modules/**", "node_modules/x/y", True),
        ("a?c", "abc", True),
        ("a[0-9]", "a5", True),
        ("build/", "build", True),
        ("build", "/build", False),
    ])
    def test_pattern_semantics(self, tmp_path, pattern, source, hit):
        text = f"FROM alpine\nCOPY {source} /dst\n"
        path = project(tmp_path, text, pattern + "\n")
        assert bool(only(text, "CopyIgnoredFile", path)) is hit

    def test_invalid_pattern_disables_the_check(self, tmp_path):
        text = "FROM alpine\nCOPY a /a\n"
        path = project(tmp_path, text, "a\n[\n")
        assert only(text, "CopyIgnoredFile", path) == []


class TestInvalidDefinitionDescription:
    def test_flags_a_stray_comment(self):
        text = "# the version\nARG VERSION=1\nFROM alpine\n"
        found = only(text, "InvalidDefinitionDescription")
        assert [text[f.start:f.end] for f in found] == ["VERSION"]

    def test_description_or_no_comment_is_fine(self):
        text = "# VERSION to build\nARG VERSION=1\n#\nARG OTHER\n# base the base\nFROM alpine AS base\n"
        assert only(text, "InvalidDefinitionDescription") == []

    def test_experimental_off_by_default(self):
        text = "# the version\nARG VERSION=1\nFROM alpine\n"
        found = run_rules(Analysis(text), RuleConfig())
        assert [f for f in found if f.rule == "InvalidDefinitionDescription"] == []


class TestExposeProtoCasing:
    def test_flags_the_port(self):
        text = "FROM alpine\nEXPOSE 53/UDP\n"
        found = only(text, "ExposeProtoCasing")
        assert [text[f.start:f.end] for f in found] == ["53/UDP"]

    def test_lowercase_and_invalid_are_fine(self):
        # an unknown protocol is an error BuildKit stops at, not this warning
        assert only("FROM alpine\nEXPOSE 80 53/udp 1/HTTP\n", "ExposeProtoCasing") == []

    def test_fix(self):
        assert assert_fixed("FROM alpine\nEXPOSE 127.0.0.1:53:53/UDP\n", "ExposeProtoCasing") == \
            "FROM alpine\nEXPOSE 127.0.0.1:53:53/udp\n"


class TestExposeInvalidFormat:
    def test_flags_the_port(self):
        text = "FROM alpine\nEXPOSE 8080:80/tcp\n"
        found = only(text, "ExposeInvalidFormat")
        assert [text[f.start:f.end] for f in found] == ["8080:80/tcp"]

    def test_plain_ports_are_fine(self):
        assert only("FROM alpine\nEXPOSE 80 443/tcp 7000-7010\n", "ExposeInvalidFormat") == []

    def test_fix_keeps_the_container_port(self):
        assert assert_fixed("FROM alpine\nEXPOSE 127.0.0.1:8080:80\n", "ExposeInvalidFormat") == \
            "FROM alpine\nEXPOSE 80\n"

    def test_variables_are_expanded(self):
        text = "FROM alpine\nENV P=1:2\nEXPOSE $P\n"
        found = only(text, "ExposeInvalidFormat")
        assert len(found) == 1 and found[0].fix is None


# ---------------------------------------------------------------------------------------------
# Registry, documentation pages, corpus, speed
# ---------------------------------------------------------------------------------------------


def test_all_22_checks_are_registered_as_buildkit_warnings():
    assert BUILDKIT_RULES == sorted([
        "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
        "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
        "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
        "LegacyKeyValueFormat", "InvalidBaseImagePlatform", "RedundantTargetPlatform",
        "SecretsUsedInArgOrEnv", "InvalidDefaultArgInFrom", "FromPlatformFlagConstDisallowed",
        "CopyIgnoredFile", "InvalidDefinitionDescription", "ExposeProtoCasing", "ExposeInvalidFormat",
    ])
    for name in BUILDKIT_RULES:
        rule = RULES[name]
        assert rule.severity == "warning"
        assert rule.experimental is (name == "InvalidDefinitionDescription")
        assert rule.docs_url.startswith("https://docs.docker.com/go/dockerfile/rule/")


@pytest.mark.parametrize("name", BUILDKIT_RULES)
def test_rule_page(name, tmp_path):
    kb = KnowledgeBase()
    entry = kb.get("rule", name)
    assert entry is not None, name
    assert entry.family == "buildkit" and entry.severity == "warning"
    assert entry.summary == RULES[name].summary
    assert sorted(entry.aliases) == sorted(RULES[name].aliases)
    assert entry.docs.startswith("https://docs.docker.com/")
    # the page's examples: the bad one triggers the rule, the good one does not
    def wrap(snippet: str) -> str:
        return snippet if "FROM" in snippet else "FROM alpine\n" + snippet
    path = None
    if name == "CopyIgnoredFile":
        path = project(tmp_path, "", "config/\n")
        (tmp_path / ".dockerignore").write_text("config/\n")
    bad, good = wrap(entry.bad), wrap(entry.good)
    if name == "CopyIgnoredFile":
        assert only(bad, name, path)
        (tmp_path / ".dockerignore").write_text("config/local/\n")
        assert not only(good, name, path)
    else:
        assert only(bad, name), entry.bad
        assert not only(good, name), entry.good


def test_knowledge_pages_are_valid():
    kb = KnowledgeBase()
    kb.load_all()
    ours = [p for p in kb.problems if any(p.path.endswith(f"/rules/{n}.toml") for n in BUILDKIT_RULES)]
    assert ours == []


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the repository")


def _non_template_corpus() -> list[Path]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [CORPUS / row["local_path"] for row in rows if row["is_template"] == "0"]


@needs_corpus
def test_corpus_has_no_error_findings_of_ours():
    files = _non_template_corpus()
    assert files
    for path in files:
        found = run_rules(Analysis(read(path), path), RuleConfig(experimental=["all"]))
        errors = [f for f in found if f.rule in BUILDKIT_RULES and f.severity == "error"]
        assert errors == [], (path, errors)


@needs_corpus
def test_corpus_runs_without_exceptions_and_quickly():
    files = corpus_files()
    assert files
    started = time.perf_counter()
    for path in files:
        analysis = Analysis(read(path), path)
        for name in BUILDKIT_RULES:
            list(RULES[name].check(analysis))  # an exception fails the test
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0 * max(1, len(files) / 100), elapsed


def test_large_file_is_fast():
    parts = ["ARG BASE=alpine:3.20\n", "ARG V=1\n"]
    for stage in range(50):
        parts.append(f"FROM $BASE AS s{stage}\n")
        parts.append("ARG V\n")
        for i in range(24):
            parts.append(f"ENV VAR_{i}=value_{i} PATH=/opt/{i}:$PATH\n")
            parts.append(f"COPY src/{i}/$V /app/{i}/\n")
            parts.append(f"RUN --mount=type=cache,target=/c{i} make -C /app/{i} $VAR_{i} && \\\n    echo done\n")
            parts.append(f"LABEL k{i}=v{i}\nEXPOSE {8000 + i}/tcp\nWORKDIR /app/{i}\n")
        parts.append('CMD ["run"]\n')
    text = "".join(parts)
    assert text.count("\n") >= 5000
    # Compared with the parse of the same text, not with a clock: on a busy machine both slow
    # down together, and what matters is that the checks stay a small part of the work.
    parse = checks = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        analysis = Analysis(text)
        analysis.stages  # parsing and stage discovery are not the rules' cost
        parse = min(parse, time.perf_counter() - started)
        started = time.perf_counter()
        for name in BUILDKIT_RULES:
            list(RULES[name].check(analysis))
        checks = min(checks, time.perf_counter() - started)
    assert checks < 0.6 * parse, (checks, parse)
