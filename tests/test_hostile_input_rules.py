"""Hostile input in the rules and analysis layers (issue 16): numbers read by length before
int(), ASCII digits only, one walk per document, ShellCheck kept within its fast range.

Timing tests compare the work at two sizes (ratios, never absolute times), as
tests/test_hostile_input.py does."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from docksense import server
from docksense.analysis import Analysis
from docksense.analysis.stages import stage_named
from docksense.features.diagnostics import diagnostics
from docksense.features.occurrences import occurrences
from docksense.rules.hadolint_config import config_from_text
from docksense.rules.shellcheck import runner as shellcheck_runner
from docksense.rules.shellcheck.scripts import MAX_EXPANSIONS, checkable, scripts_of
from docksense.rules.suppressions import match_directive
from docksense.settings import Settings
from lsprotocol import types

from .test_hostile_input import assert_flat
from .test_protocol import _FakeServer


def _codes(text: str) -> set:
    return {d.code for d in diagnostics(Analysis(text), Settings(), "utf-16")}

# -- numbers: "²".isdigit() is True, int("²") raises -------------------------------------
@pytest.mark.parametrize("digit", ["²", "١", "𝟘", "0" * 5000 + "1", "9" * 5000],
                         ids=["superscript", "arabic-indic", "math-zero", "leading-zeros", "5000-digits"])
def test_stage_index_in_unicode_or_huge_digits_is_not_an_index(digit):
    text = f"FROM alpine:3.20 AS a\nRUN true\nFROM alpine:3.20\nCOPY --from={digit} /x /y\n"
    analysis = Analysis(text)
    expected = analysis.stages[1] if digit.isascii() and digit.lstrip("0") == "1" else None
    assert stage_named(analysis.stages, digit) is expected
    assert "InternalError" not in _codes(text)
    occurrences(analysis)  # the stage references of rename/highlight read it too


def test_ascii_stage_index_still_resolves():
    analysis = Analysis("FROM alpine:3.20 AS a\nFROM alpine:3.20\nCOPY --from=0 /x /y\n")
    assert stage_named(analysis.stages, "0") is analysis.stages[0]
    assert stage_named(analysis.stages, "00") is analysis.stages[0]
    assert stage_named(analysis.stages, "1", before=1) is None


# -- .hadolint.yaml: PyYAML's number constructors ------------------------------------------
def test_hadolint_config_sexagesimal_number_is_refused_flat():
    assert_flat(lambda n: "failure-threshold: 1" + ":59" * n + "\n", config_from_text, 4000)
    config = config_from_text("failure-threshold: 1" + ":59" * 300_000 + "\n")
    assert config.problems and "number longer" in config.problems[0]


@pytest.mark.parametrize("value", ["1" * 5000, "0x" + "f" * 100_000, "1." + "5" * 100_000],
                         ids=["decimal", "hex", "float"])
def test_hadolint_config_long_numbers_are_one_problem(value):
    config = config_from_text(f"ignored: [{value}]\n")
    assert config.ignored == () and len(config.problems) == 1


def test_hadolint_config_short_numbers_still_read():
    config = config_from_text("ignored: [DL3000, 3008]\nno-fail: 1\n")
    assert config.ignored == ("DL3000", "3008") and config.no_fail and not config.problems


# -- suppressions and empty continuation lines: one walk ---------------------------------
def test_check_directive_with_40k_blanks_is_flat():
    assert match_directive("check" + " " * 40_000 + "=skip=all") is not None
    assert_flat(lambda n: "FROM alpine:3.20\n# check" + " " * n + "=skip=all\nRUN true\n",
                lambda text: _codes(text), 5000)


def test_empty_continuation_lines_are_flat():
    assert_flat(lambda n: "FROM alpine:3.20\nRUN true \\\n" + "\n" * n + "  && false\n",
                lambda text: _codes(text), 500)
    assert "NoEmptyContinuation" in _codes("FROM alpine:3.20\nRUN true \\\n" + "\n" * 4000 + "  && false\n")


# -- ShellCheck: scripts past its fast range are not handed over -------------------------
def test_script_with_13000_expansions_is_not_given_to_shellcheck():
    text = "FROM alpine:3.20\nRUN echo " + "$X " * 13_000 + "\nRUN echo $Y\n"
    assert [s.text for s in scripts_of(Analysis(text))] == ["echo $Y"]
    assert checkable("echo " + "$X " * MAX_EXPANSIONS)
    assert not checkable("echo " + "$X " * (MAX_EXPANSIONS + 1))


def test_large_scripts_get_batches_of_their_own():
    class Fake:
        def __init__(self, size):
            self.text = "x" * size
    group = [Fake(10), Fake(60_000), Fake(60_000), Fake(10), Fake(10)]
    chunks = [[len(s.text) for s in chunk] for chunk in shellcheck_runner._chunks(group)]
    assert chunks == [[10, 60_000], [60_000, 10, 10]]
    many = [Fake(1) for _ in range(shellcheck_runner.BATCH * 2 + 1)]
    assert [len(c) for c in shellcheck_runner._chunks(many)] == [shellcheck_runner.BATCH] * 2 + [1]


# -- rename and prepareRename: in the document's lane, within the budget -------------------
class _RenameServer(_FakeServer):
    """What the rename handlers and :func:`guarded` read, with a 50 ms budget."""

    def document_state(self, uri):
        return 1, "FROM alpine:3.20 AS a\n"

    def analysis(self, uri):
        return Analysis("FROM alpine:3.20 AS a\n")


def _rename_params(kind: str):
    doc, at = types.TextDocumentIdentifier("file:///tmp/x/Dockerfile"), types.Position(0, 20)
    if kind == "prepare":
        return types.PrepareRenameParams(text_document=doc, position=at)
    return types.RenameParams(text_document=doc, position=at, new_name="b")


@pytest.mark.parametrize("kind", ["prepare", "rename"])
def test_rename_runs_in_the_lane_within_the_budget(kind, monkeypatch):
    release, threads = threading.Event(), []

    def stuck(*args):
        threads.append(threading.current_thread().name)
        release.wait(30)
        return None

    monkeypatch.setattr(server, "feature", lambda name: SimpleNamespace(prepare_rename=stuck, rename=stuck))
    handler = server.prepare_rename if kind == "prepare" else server.rename

    async def scenario():
        answer = await handler(_RenameServer(), _rename_params(kind))  # over the 50 ms budget
        release.set()
        return answer

    assert asyncio.run(scenario()) is None
    assert threads and threads[0].startswith("docksense-doc")  # not the event loop's thread


@pytest.mark.parametrize("kind", ["prepare", "rename"])
def test_rename_refusal_is_still_a_request_failed_error(kind, monkeypatch):
    refusal = SimpleNamespace(message="not here")
    monkeypatch.setattr(server, "feature",
                        lambda name: SimpleNamespace(prepare_rename=lambda *a: refusal, rename=lambda *a: refusal))
    ls = _RenameServer()
    ls.settings.limits.request_budget_ms = 10_000
    handler = server.prepare_rename if kind == "prepare" else server.rename
    with pytest.raises(server.RequestFailed) as caught:
        asyncio.run(handler(ls, _rename_params(kind)))
    assert caught.value.code == -32803 and caught.value.message == "not here"
