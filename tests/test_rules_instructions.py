"""Family ``syntax`` (rules/instructions.py): what BuildKit refuses, one case per condition.

Each rule has a Dockerfile BuildKit refuses (the rule fires), the corrected file (it does
not), and, where the rule has a quick fix, the fixed text no longer triggers it. The corpus
test is the guard against false positives: real Dockerfiles that build get no error.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from docksense.analysis import Analysis
from docksense.rules import RULES, RuleConfig, run_rules
from docksense.rules import instructions
from docksense.rules.instructions import (
    chmod_problem,
    parse_go_duration,
    parse_mount,
    platform_problem,
    port_spec_problem,
    substitution_problem,
    suggest,
    valid_signal,
)

from .conftest import CORPUS
from .rule_helpers import apply_fix, findings, lines_of

# (rule, refused by BuildKit, accepted, has a fix)
CASES = [
    ("UnknownInstruction", "FORM alpine:3.20\n", "FROM alpine:3.20\n", True),
    ("UnknownInstruction", "FROM alpine\nRUNN echo hi\n", "FROM alpine\nRUN echo hi\n", True),
    ("UnknownFlag", "FROM alpine\nCOPY --form=build a b\n", "FROM alpine\nCOPY --from=build a b\n", True),
    ("UnknownFlag", "FROM alpine\nENV --x=1 A=b\n", "FROM alpine\nENV A=b\n", False),
    ("UnknownFlag", "FROM alpine\nCOPY --checksum=sha256:abc a b\n", "FROM alpine\nADD --checksum=sha256:"
     + "a" * 64 + " https://example.com/a b\n", False),
    ("DuplicateFlag", "FROM alpine\nCOPY --chown=1 --chown=1 a b\n", "FROM alpine\nCOPY --chown=1 a b\n", True),
    ("DuplicateFlag", "FROM --platform=linux/amd64 --platform=linux/arm64 alpine\n",
     "FROM --platform=linux/amd64 alpine\n", True),
    ("FlagMissingValue", "FROM alpine\nCOPY --from a b\n", "FROM alpine\nCOPY --from=x a b\n", False),
    ("FlagMissingValue", "FROM alpine\nCOPY --link= a b\n", "FROM alpine\nCOPY --link a b\n", False),
    ("InvalidBooleanFlag", "FROM alpine\nCOPY --link=yes a b\n", "FROM alpine\nCOPY --link=TRUE a b\n", False),
    ("InvalidDuration", "FROM alpine\nHEALTHCHECK --interval=30 CMD true\n",
     "FROM alpine\nHEALTHCHECK --interval=30s CMD true\n", False),
    ("InvalidDuration", "FROM alpine\nHEALTHCHECK --timeout=100us CMD true\n",
     "FROM alpine\nHEALTHCHECK --timeout=0 --start-period=0s --interval=1ms CMD true\n", False),
    ("InvalidRetries", "FROM alpine\nHEALTHCHECK --retries=-1 CMD true\n",
     "FROM alpine\nHEALTHCHECK --retries=0 CMD true\n", False),
    ("InvalidRetries", "FROM alpine\nHEALTHCHECK --retries=3.5 CMD true\n",
     "FROM alpine\nHEALTHCHECK --retries=3 CMD true\n", False),
    ("InvalidFlagValue", "FROM alpine\nRUN --network=bridge true\n", "FROM alpine\nRUN --network=none true\n", False),
    ("InvalidFlagValue", "FROM alpine\nRUN --security=privileged true\n",
     "FROM alpine\nRUN --security=insecure true\n", False),
    ("InvalidFlagValue", "FROM alpine\nCOPY --chmod=789 a b\n", "FROM alpine\nCOPY --chmod=u+x,go=rX a b\n", False),
    ("InvalidFlagValue", "FROM --platform=linux/amd64/v1/x alpine\n", "FROM --platform=linux/arm64/v8 alpine\n", False),
    ("InvalidFlagValue", "FROM alpine\nCOPY --from=${X} a b\n", "FROM alpine\nCOPY --from=x a b\n", False),
    ("InvalidFlagValue", "FROM alpine\nCOPY --from=3 a b\n", "FROM alpine AS a\nFROM alpine\nCOPY --from=0 a b\n", False),
    ("InvalidFlagValue", "FROM alpine\nADD --checksum=sha256:abc a.txt b\n",
     "FROM alpine\nADD --checksum=sha256:abc https://example.com/a.txt b\n", False),
    ("InvalidFlagValue", "FROM alpine\nRUN --device=gpu true\n",
     "# syntax=docker/dockerfile:1-labs\nFROM alpine\nRUN --device=gpu true\n", False),
    ("WrongArgumentCount", "FROM alpine x\n", "FROM alpine AS x\n", False),
    ("WrongArgumentCount", "FROM alpine\nCOPY a\n", "FROM alpine\nCOPY a b\n", False),
    ("WrongArgumentCount", "FROM alpine\nUSER\n", "FROM alpine\nUSER app\n", False),
    ("WrongArgumentCount", "FROM alpine\nLABEL\n", "FROM alpine\nLABEL a=b\n", False),
    ("WrongArgumentCount", "FROM alpine\nSHELL []\n", 'FROM alpine\nSHELL ["/bin/sh", "-c"]\n', False),
    ("ShellRequiresJson", "FROM alpine\nSHELL /bin/sh -c\n", 'FROM alpine\nSHELL ["/bin/sh", "-c"]\n', False),
    ("EmptyKeyName", "FROM alpine\nENV =b\n", "FROM alpine\nENV A =b\n", False),
    ("EmptyKeyName", "FROM alpine\nLABEL a=1 =2\n", "FROM alpine\nLABEL a=1 b=2\n", False),
    ("EmptyKeyName", "FROM alpine\nARG =x\n", "FROM alpine\nARG x=\n", False),
    ("EmptyVolumePath", 'FROM alpine\nVOLUME ["/data", " "]\n', 'FROM alpine\nVOLUME ["/data"]\n', False),
    ("UnsupportedModifier", "FROM alpine\nARG V=1.2\nENV M=${V:0:1}\n", "FROM alpine\nARG V=1.2\nENV M=${V%%.*}\n", False),
    ("UnsupportedModifier", "FROM alpine\nWORKDIR /${D^^}\n", "FROM alpine\nRUN echo ${D^^}\n", False),
    ("UnsupportedModifier", "FROM alpine:${}\n", "FROM alpine:${T:-3.20}\n", False),
    ("InvalidStageName", "FROM alpine AS 1st\n", "FROM alpine AS First.stage-1_a\n", False),
    ("FromExpectedAs", "FROM alpine SA x\n", "FROM alpine as x\n", False),
    ("HeredocDestination", "FROM alpine\nCOPY /a <<EOF\nx\nEOF\n", "FROM alpine\nCOPY <<EOF /a\nx\nEOF\n", False),
    ("CopyDestinationNotDirectory", "FROM alpine\nCOPY a b .\n", "FROM alpine\nCOPY a b ./\n", True),
    ("CopyDestinationNotDirectory", 'FROM alpine\nCOPY ["a", "b", "/app"]\n', 'FROM alpine\nCOPY ["a", "/app"]\n', True),
    ("CopyRemoteSource", "FROM alpine\nCOPY https://example.com/x.tgz /tmp/\n",
     "FROM alpine\nADD https://example.com/x.tgz /tmp/\n", True),
    ("ForwardStageReference", "FROM alpine AS a\nCOPY --from=b x y\nFROM alpine AS b\n",
     "FROM alpine AS b\nFROM alpine AS a\nCOPY --from=b x y\n", False),
    ("ForwardStageReference", "FROM alpine AS a\nRUN --mount=from=a,target=/x true\n",
     "FROM alpine AS a\nFROM alpine\nRUN --mount=from=a,target=/x true\n", False),
    ("InvalidExposePort", "FROM alpine\nEXPOSE 70000\n", "FROM alpine\nEXPOSE 65535 0\n", False),
    ("InvalidExposePort", "FROM alpine\nEXPOSE 80/http\n", "FROM alpine\nEXPOSE 80/TCP 53/udp 9-10/sctp\n", False),
    ("InvalidStopSignal", "FROM alpine\nSTOPSIGNAL SIGFOO\n", "FROM alpine\nSTOPSIGNAL sigrtmin+3\n", False),
    ("InvalidStopSignal", "FROM alpine\nSTOPSIGNAL 0\n", "FROM alpine\nSTOPSIGNAL 9\n", False),
    ("InvalidHealthcheck", "FROM alpine\nHEALTHCHECK curl -f http://x/\n",
     "FROM alpine\nHEALTHCHECK CMD curl -f http://x/\n", False),
    ("InvalidHealthcheck", "FROM alpine\nHEALTHCHECK NONE x\n", "FROM alpine\nHEALTHCHECK --interval=1s NONE\n", False),
    ("InvalidHealthcheck", "FROM alpine\nHEALTHCHECK CMD []\n", "FROM alpine\nHEALTHCHECK CMD [\"true\"]\n", False),
    ("InvalidMount", "FROM alpine\nRUN --mount=type=cahce,target=/c true\n",
     "FROM alpine\nRUN --mount=type=cache,target=/c true\n", False),
    ("InvalidMount", "FROM alpine\nRUN --mount=type=secret,id=a,from=b true\n",
     "FROM alpine\nRUN --mount=type=secret,id=a,required true\n", False),
    ("InvalidMount", "FROM alpine\nRUN --mount=required,type=secret,id=a true\n",
     "FROM alpine\nRUN --mount=type=secret,required=true,id=a true\n", False),
    ("InvalidMount", "FROM alpine\nRUN --mount=type=bind,target=/x,mode=0755 true\n",
     "FROM alpine\nRUN --mount=type=cache,target=/x,mode=0755,uid=1000 true\n", False),
    ("InvalidMount", "FROM alpine\nRUN --mount=type=tmpfs,target=/t,size=lots true\n",
     "FROM alpine\nRUN --mount=type=tmpfs,target=/t,size=64m true\n", False),
    ("MountTargetMissing", "FROM alpine\nRUN --mount=type=cache true\n",
     "FROM alpine\nWORKDIR /src\nRUN --mount=type=cache true\n", False),
    ("OnbuildChaining", "FROM alpine\nONBUILD ONBUILD RUN x\n", "FROM alpine\nONBUILD RUN x\n", False),
    ("OnbuildDisallowedTrigger", "FROM alpine\nONBUILD MAINTAINER me\n", "FROM alpine\nONBUILD LABEL a=b\n", False),
    ("NoFromInstruction", "ENV A=b\nFROM alpine\n", "ARG A=b\nFROM alpine\n", False),
    ("NoFromInstruction", "ARG A=b\n", "ARG A=b\nFROM alpine\n", False),
]


@pytest.mark.parametrize("rule,bad,good,fixable", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_refused_and_not_on_accepted(rule: str, bad: str, good: str, fixable: bool) -> None:
    assert findings(bad, rule), f"{rule} should fire on {bad!r}"
    assert findings(good, rule) == [], f"{rule} should not fire on {good!r}"
    if fixable:
        found = findings(bad, rule)
        fixed = apply_fix(bad, found[0])
        assert findings(fixed, rule) == [], fixed


def test_every_rule_of_the_family_has_cases() -> None:
    assert {c[0] for c in CASES} == set(instructions._RULES)
    for name in instructions._RULES:
        assert RULES[name].family == "syntax"


def test_severities_follow_what_buildkit_refuses() -> None:
    assert findings("FROM alpine\nCOPY a b .\n", "CopyDestinationNotDirectory")[0].severity == "warning"
    assert findings("FROM alpine\nRUN --mount=type=cache true\n", "MountTargetMissing")[0].severity == "warning"
    assert findings("FROM alpine\nCOPY --form=a a b\n", "UnknownFlag")[0].severity == "error"


def test_unknown_instruction_fix_keeps_case_and_is_not_safe() -> None:
    text = "from alpine\nrunn echo\n"
    (found,) = findings(text, "UnknownInstruction")
    assert "did you mean run?" in found.message
    assert apply_fix(text, found) == "from alpine\nrun echo\n"
    assert found.fix is not None and not found.fix.safe and found.fix.preferred


def test_unknown_instruction_without_a_close_keyword_has_no_fix() -> None:
    (found,) = findings("FROM alpine\nBANANA split\n", "UnknownInstruction")
    assert found.fix is None and "did you mean" not in found.message


def test_unknown_flag_range_and_suggestion() -> None:
    text = "FROM alpine\nCOPY --chmn=1 a b\n"
    (found,) = findings(text, "UnknownFlag")
    assert text[found.start:found.end] == "--chmn"
    assert "--chown or --chmod" in found.message  # both one edit away
    assert found.fix is None  # two candidates: no guess


def test_flags_of_arg_stopsignal_and_healthcheck_none_are_ignored_like_buildkit() -> None:
    text = "FROM alpine\nARG --x=1 A\nSTOPSIGNAL --y SIGTERM\nHEALTHCHECK --bogus NONE\n"
    assert findings(text, "UnknownFlag") == []


def test_repeatable_flags_are_not_duplicates() -> None:
    text = "FROM alpine\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b true\n"
    assert findings(text, "DuplicateFlag") == []
    text = "FROM alpine\nCOPY --exclude=*.md --exclude=*.txt . /app/\n"
    assert findings(text, "DuplicateFlag") == []


def test_duplicate_flag_fix_is_safe_only_with_identical_values() -> None:
    same = findings("FROM alpine\nCOPY --chown=1 --chown=1 a b\n", "DuplicateFlag")[0]
    other = findings("FROM alpine\nCOPY --chown=1 --chown=2 a b\n", "DuplicateFlag")[0]
    assert same.fix is not None and same.fix.safe
    assert other.fix is not None and not other.fix.safe


def test_every_problem_is_reported_at_once() -> None:
    text = "FROM alpine\nHEALTHCHECK --interval=1x --timeout=1ns --retries=-2 CMD true\n"
    assert lines_of(text, findings(text, "InvalidDuration")) == [2, 2]
    assert len(findings(text, "InvalidRetries")) == 1


def test_onbuild_trigger_is_checked_with_a_note() -> None:
    text = "FROM alpine\nONBUILD COPY --frm=x a b\n"
    (found,) = findings(text, "UnknownFlag")
    assert "ONBUILD trigger" in found.message
    assert found.instruction_line == 1


def test_variables_are_not_judged_where_buildkit_expands_them() -> None:
    text = ("ARG PORT=80 SIG=SIGTERM MODE=755\nFROM alpine\nEXPOSE $PORT\nSTOPSIGNAL $SIG\n"
            "COPY --chmod=$MODE a b\nRUN --mount=type=cache,target=$DIR true\n")
    assert [f for f in findings(text) if f.severity == "error"] == []


def test_substitution_only_checked_in_instructions_buildkit_expands() -> None:
    assert findings("FROM alpine\nRUN echo ${A:0:1}\nCMD echo ${#A}\n", "UnsupportedModifier") == []
    text = "FROM alpine\nCOPY <<EOF /x\n${A^^}\nEOF\n"
    assert findings(text, "UnsupportedModifier") == []
    assert findings("FROM alpine AS a\nFROM alpine\nCOPY --chown=${U,,} a b\n", "UnsupportedModifier")


def test_stage_name_and_no_stage() -> None:
    assert findings("FROM alpine AS Build-1\n", "InvalidStageName") == []
    assert findings("FROM alpine AS build_${X}\n", "InvalidStageName")
    assert findings("FROM alpine AS\n", "WrongArgumentCount")


def test_mount_target_missing_respects_workdir_of_base_stage() -> None:
    text = "FROM alpine AS base\nWORKDIR /src\nFROM base\nRUN --mount=type=bind true\n"
    assert findings(text, "MountTargetMissing") == []


def test_copy_destination_skips_variables_and_heredocs() -> None:
    text = "FROM alpine\nARG D=/app/\nCOPY a b $D\nCOPY <<A <<B /etc\na\nA\nb\nB\n"
    assert findings(text, "CopyDestinationNotDirectory") == []


def test_helpers_match_go() -> None:
    assert parse_go_duration("1h2m3.5s") == 3_723_500_000_000
    assert parse_go_duration("0") == 0
    assert parse_go_duration("-1.5ms") == -1_500_000
    assert parse_go_duration("\u00b5s") is None
    assert parse_go_duration("1\u00b5s") == 1_000
    for bad in ("", "1", ".s", "1x", "1.2.3s", "s", "+"):
        assert parse_go_duration(bad) is None, bad
    assert valid_signal("SIGTERM") and valid_signal("term") and valid_signal("-9") and valid_signal("RTMAX-14")
    assert not valid_signal("0") and not valid_signal("RTMAX-15") and not valid_signal("SIGSIGTERM")
    assert port_spec_problem("8080") is None and port_spec_problem("1000-1010/udp") is None
    assert port_spec_problem("127.0.0.1:80:80") is None and port_spec_problem("[::1]:80:80") is None
    assert port_spec_problem("80-81:90") is None
    assert port_spec_problem("80-81:90-99")
    assert port_spec_problem("/tcp") and port_spec_problem("1.2.3:80:80") and port_spec_problem("a")
    assert platform_problem("linux/amd64") is None and platform_problem("arm64") is None
    assert platform_problem("windows(10.0.17763)/amd64") is None
    assert platform_problem("bogus") and platform_problem("linux/*") and platform_problem("linux//amd64")
    assert chmod_problem("0755") is None and chmod_problem("a+rX,u-w") is None
    assert chmod_problem("10000") and chmod_problem("u+q") and chmod_problem("")
    assert substitution_problem("${A}") is None and substitution_problem("${A//x/y}") is None
    assert substitution_problem("${A/x}") and substitution_problem("${:A}") and substitution_problem("${A")
    assert suggest("FORM", ("FROM", "ARG"), False) == ["FROM"]
    assert suggest("from", ("from", "chown"), True) == []


def test_parse_mount_reads_options_in_order() -> None:
    assert parse_mount("type=cache,target=/c,sharing=locked,id=x").problems == []
    assert parse_mount("target=/x,required").problems
    assert parse_mount("type=ssh,required").problems == []
    assert parse_mount("type=$T,size=1").problems == []
    assert parse_mount('type=bind,"target=/a,b"').problems == []
    assert parse_mount('"type=secret,id=a"').problems  # one CSV field: the type is "secret,id=a"
    assert parse_mount("type=secret").problems
    assert parse_mount("type=secret,id=a,src=b").problems
    assert parse_mount("type=bind,target=/").problems


# -- false positives: real Dockerfiles that build -------------------------------------------------
def _real_files() -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    out = []
    for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        # BuildKit's parser fixtures are parsed in tests but never built (many have no FROM).
        if cols[6].strip() == "0" and "parser__testfiles" not in cols[0]:
            out.append(CORPUS / cols[0])
    return out


OURS = set(instructions._RULES)


def test_no_error_on_real_dockerfiles() -> None:
    files = _real_files()
    if not files:
        pytest.skip("corpus not available")
    assert len(files) > 1000
    problems = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        for found in findings(text):
            if found.rule in OURS and found.severity == "error":
                problems.append(f"{path.name}:{lines_of(text, [found])[0]}: {found.rule}: {found.message}")
    assert problems == []


def test_buildkit_test_files_do_not_crash(caplog: pytest.LogCaptureFixture) -> None:
    base = CORPUS / "extracted"
    if not base.is_dir():
        pytest.skip("corpus not available")
    for dirpath, _, names in os.walk(base):
        for name in names:
            text = (Path(dirpath) / name).read_bytes().decode("utf-8", "surrogateescape")
            instructions._Pass(Analysis(text)).run()
    assert not [r for r in caplog.records if "failed" in r.getMessage()]


def test_linear_time_on_a_large_file() -> None:
    block = (
        "FROM node:22-slim AS build\nWORKDIR /app\nCOPY --chown=node:node package.json ./\n"
        "RUN --mount=type=cache,target=/root/.npm npm ci\nENV A=${B:-c} D=e\nEXPOSE 8080/tcp\n"
        "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\nLABEL a=b c=\"d e\"\n"
        "COPY --from=build /app/dist /srv/\nUSER node\n"
    )
    text = block * 500
    analysis = Analysis(text)
    analysis.stages
    start = time.perf_counter()
    instructions._Pass(analysis).run()
    assert time.perf_counter() - start < 0.5


def test_rules_run_through_the_engine() -> None:
    found = run_rules(Analysis("FORM x\n"), RuleConfig())
    assert any(f.rule == "UnknownInstruction" for f in found)
