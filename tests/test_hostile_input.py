"""Hostile input (issue 16, classes 3 to 6 in the syntax layer, positions and code actions).

Two kinds of test per class:

* a property test (hypothesis picks the filler: which blank, which wide character, which
  digits) that times the work at two sizes eight times apart and asserts the time per byte
  stays flat: a linear walk grows about 8x, a quadratic one 64x; the bound is 24x. Ratios
  only, never absolute times, and the best of a few runs, so a busy machine does not fail it.
* the input at the size that failed before the fix, checked for the right answer.
"""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
import time
from typing import Callable

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from docksense.analysis import Analysis
from docksense.features.code_actions import code_actions, select_fixes
from docksense.features.diagnostics import diagnostics
from docksense.rules import Edit, Fix
from docksense.settings import Settings
from docksense.syntax import LineIndex, parse
from docksense.syntax.directives import match_directive
from docksense.syntax.heredocs import find_markers
from docksense.syntax.numbers import TOO_LARGE, parse_int_bounded, parse_signed_int_bounded

GROWTH = 8
BOUND = 40  # linear: ~8 (up to ~20 with cache effects and a busy machine), quadratic: ~64
# generate only: no shrinking (each example times work) and no database written to the tree
PROPERTY = settings(max_examples=3, deadline=None, database=None, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))


def _best(work: Callable[[], object], repeat: int = 5) -> float:
    """Best of ``repeat`` runs, with the garbage collector paused (its full passes cost in
    proportion to every live object, which would make any timing look superlinear)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def assert_flat(build: Callable[[int], object], run: Callable[[object], object], size: int) -> None:
    """Time per unit of input stays flat from ``size`` to ``GROWTH * size``."""
    small, large = build(size), build(size * GROWTH)
    run(small)  # warm caches and imports
    t_small = max(_best(lambda: run(small)), 1e-4)
    t_large = _best(lambda: run(large))
    assert t_large / t_small < BOUND, f"{t_small:.4f}s -> {t_large:.4f}s for {GROWTH}x the input"


BLANKS = st.sampled_from([" ", "\t", " \t"])
WIDE = st.sampled_from(["é", "中", "😀", "\u00a0"])


# -- class 3: numbers --------------------------------------------------------------------
def test_numbers_are_bounded_by_length_before_int():
    assert parse_int_bounded("9" * 5000) == TOO_LARGE
    assert parse_int_bounded("0" * 5000 + "42") == 42
    assert parse_int_bounded("²") is None and parse_int_bounded("١٢") is None
    assert parse_signed_int_bounded("-" + "9" * 5000) == -TOO_LARGE
    assert parse_int_bounded("7" * 5000, 8) == TOO_LARGE
    assert parse_int_bounded("") is None


@PROPERTY
@given(digit=st.sampled_from("123456789"))
def test_property_number_parsing_is_flat(digit):
    assert_flat(lambda n: digit * n, parse_int_bounded, 20_000)


BIG = "9" * 5000
REFUSED_WITH_BIG_NUMBERS = {
    "copy-from": f"FROM alpine\nCOPY --from={BIG} /a /b\n",
    "expose": f"FROM alpine\nEXPOSE {BIG}\n",
    "retries": f"FROM alpine\nHEALTHCHECK --retries={BIG} CMD true\n",
    "interval": f"FROM alpine\nHEALTHCHECK --interval={BIG}s CMD true\n",
    "mount-uid": f"FROM alpine\nRUN --mount=type=cache,target=/c,uid={BIG} true\n",
}


@pytest.mark.parametrize("name", list(REFUSED_WITH_BIG_NUMBERS))
def test_files_buildkit_refuses_over_big_numbers_fail_the_check(name, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(REFUSED_WITH_BIG_NUMBERS[name], encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "docksense", "check", str(path)], capture_output=True, text=True)
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr
    assert out.returncode == 1, (out.stdout, out.stderr)


def test_heredoc_fd_with_5000_digits_parses(caplog):
    with caplog.at_level(logging.ERROR):
        tree = parse(f"FROM alpine\nRUN {BIG}<<EOF\necho hi\nEOF\n")
    assert not tree.errors and not caplog.records
    assert tree.instructions[1].heredocs[0].fd == TOO_LARGE


# -- class 4: quadratic walks --------------------------------------------------------------
def _positions_work(text: str) -> None:
    index = LineIndex(text)
    length = len(text)
    for offset in range(0, length, 7):
        line, character = index.position(offset)
        index.offset(line, character)


@PROPERTY
@given(wide=WIDE)
def test_property_utf16_positions_on_one_long_line_are_flat(wide):
    assert_flat(lambda n: "RUN echo " + wide + " a" * n, _positions_work, 3_000)


def test_utf16_positions_on_a_40k_line_with_one_wide_character():
    text = "FROM alpine\nRUN echo 😀" + " $X" * 13_000 + "\n"
    index = LineIndex(text)
    star = text.index("😀")
    assert index.position(star + 1) == (1, star - 12 + 2)  # the emoji is two UTF-16 units
    assert index.position(len(text) - 1) == (1, len(text) - 1 - 12 + 1)
    assert index.offset(1, star - 12 + 1) == star  # inside the surrogate pair: its start
    assert index.position(len(text) - 1, "utf-8")[1] == len(text) - 1 - 12 + 3


@PROPERTY
@given(blank_lines=st.sampled_from(["\n", " \n", "\t\n"]))
def test_property_empty_continuation_lines_parse_flat(blank_lines):
    assert_flat(lambda n: "FROM alpine\nRUN echo a \\\n" + blank_lines * n + "  b\n", parse, 16_000)


def test_16k_of_empty_continuation_lines_parse_with_one_warning():
    tree = parse("FROM alpine\nRUN echo a \\\n" + "\n" * 16_000 + "  b\n")
    run = tree.instructions[1]
    assert run.args.endswith("b") and len(run.empty_continuation_lines) == 16_000
    assert [p.code for p in tree.problems] == ["NoEmptyContinuation"]


def _fixes(n: int) -> list:
    return [Fix(f"f{i}", [Edit(10 * i, 10 * i + 3, "x"), Edit(10 * i + 5, 10 * i + 5, "y")]) for i in range(n)]


@pytest.mark.parametrize("seed", [0, 1])
def test_choosing_fixes_is_flat(seed):
    import random

    def build(n):
        fixes = _fixes(n)
        random.Random(seed).shuffle(fixes)
        return fixes

    assert_flat(build, select_fixes, 4_000)


def _code_actions_over_everything(text: str) -> int:
    analysis = Analysis(text)
    found = diagnostics(analysis, Settings(), "utf-16")
    lines = text.count("\n") + 1
    params = types.CodeActionParams(
        types.TextDocumentIdentifier("file:///tmp/x/Dockerfile"),
        types.Range(types.Position(0, 0), types.Position(lines, 0)),
        types.CodeActionContext(diagnostics=found, only=[types.CodeActionKind.QuickFix]),
    )
    return len(code_actions(analysis, params, Settings()))


def test_property_code_actions_per_diagnostic_are_flat():
    def build(n):
        return "FROM ubuntu:22.04\n" + "RUN apt-get install curl\n" * n

    def run(text):
        analysis = Analysis(text)
        found = diagnostics(analysis, Settings(), "utf-16")
        params = types.CodeActionParams(
            types.TextDocumentIdentifier("file:///tmp/x/Dockerfile"),
            types.Range(types.Position(0, 0), types.Position(text.count("\n") + 1, 0)),
            types.CodeActionContext(diagnostics=found, only=[types.CodeActionKind.QuickFix]),
        )
        start = time.perf_counter()
        code_actions(analysis, params, Settings())
        return time.perf_counter() - start

    # time only the code actions (diagnostics are someone else's walk), per diagnostic
    small, large = build(60), build(60 * GROWTH)
    run(small)
    gc.disable()
    try:
        t_small = max(min(run(small) for _ in range(3)), 1e-4)
        t_large = min(run(large) for _ in range(3))
    finally:
        gc.enable()
    assert t_large / t_small < BOUND, f"{t_small:.4f}s -> {t_large:.4f}s"


def test_code_actions_over_24k_of_repeated_lines():
    assert _code_actions_over_everything("FROM ubuntu:22.04\n" + "RUN apt-get install curl\n" * 1000) >= 2000


# -- class 5: backtracking on blanks ----------------------------------------------------------
@PROPERTY
@given(blank=BLANKS)
def test_property_directive_with_blanks_is_flat(blank):
    assert_flat(lambda n: "check=skip=a" + blank * n + "b", match_directive, 20_000)


def test_directive_with_40k_blanks():
    tree = parse("# check=skip=a" + " " * 40_000 + "b\nFROM alpine\n")
    assert tree.directives[0].value == "skip=a" + " " * 40_000 + "b"
    assert parse("# check=skip=a" + " " * 40_000 + "\nFROM alpine\n").directives[0].value == "skip=a"


@PROPERTY
@given(blank=BLANKS, tail=st.sampled_from(["", "<x", "EOF<"]))
def test_property_heredoc_marker_with_blanks_is_flat(blank, tail):
    assert_flat(lambda n: "RUN <<" + blank * n + tail, find_markers, 80_000)


def test_heredoc_marker_with_40k_blanks():
    assert find_markers("RUN <<" + " " * 40_000) == []
    assert find_markers("RUN <<" + " " * 40_000 + "<x") == []
    assert [m.name for m in find_markers("RUN <<  EOF")] == ["EOF"]
    tree = parse("FROM alpine\nRUN <<" + " " * 40_000 + "\n")
    assert len(tree.instructions) == 2


# -- class 6: recursion ------------------------------------------------------------------------
@PROPERTY
@given(keyword=st.sampled_from(["ONBUILD ", "onbuild ", "ONBUILD\t"]))
def test_property_onbuild_chains_parse_flat(keyword):
    assert_flat(lambda n: "FROM alpine\n" + keyword * n + "RUN true\n", parse, 200)


def test_onbuild_repeated_1000_times_is_one_refusal_not_an_internal_error():
    analysis = Analysis("FROM alpine\n" + "ONBUILD " * 1000 + "RUN true\n")
    assert not [p for p in analysis.tree.problems if p.code == "InternalError"]
    onbuild = analysis.tree.instructions[1]
    assert onbuild.name == "ONBUILD" and onbuild.trigger is not None and onbuild.trigger.name == "ONBUILD"
    codes = {d.code for d in diagnostics(analysis, Settings(), "utf-16")}
    assert "OnbuildChaining" in codes


# -- the CLI: never a traceback -------------------------------------------------------------------
HOSTILE = {
    "onbuild": "FROM alpine\n" + "ONBUILD " * 1000 + "RUN true\n",
    "directive-blanks": "# check=skip=a" + " " * 40_000 + "b\nFROM alpine\n",
    "heredoc-fd": f"FROM alpine\nRUN {BIG}<<EOF\necho hi\nEOF\n",
    "stopsignal": f"FROM alpine\nSTOPSIGNAL {BIG}\n",
    "random-bytes": "FROM alpine\n\x00\x01\ufffd\udcff RUN \\\n\r\n",
}


@pytest.mark.parametrize("command,name", [(c, n) for n in HOSTILE for c in ("check", "parse")]
                         + [("explain", "onbuild"), ("explain", "stopsignal")])
def test_cli_never_prints_a_traceback(command, name, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(HOSTILE[name].encode("utf-8", "surrogateescape"))
    out = subprocess.run([sys.executable, "-m", "docksense", command, str(path)], capture_output=True, text=True,
                         errors="replace")
    assert "Traceback" not in out.stderr, out.stderr[-2000:]
    assert out.returncode in (0, 1), (out.returncode, out.stderr[-500:])
    assert out.stderr.count("\n") <= 1 or command == "explain", out.stderr[-500:]
