"""Hostile Dockerfiles against the analysis layer (issues 13 and 16): each class at a size that
stalled or crashed before, and grown inputs whose work (steps, memory) must stay flat per byte.

No wall-clock limits: work is counted (pattern steps, allocated bytes) or compared between two
sizes of the same input, so a busy machine cannot fail these tests.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from docksense.analysis import Analysis
from docksense.analysis.scopes import TOO_DEEP, TOO_LARGE
from docksense.rules import RULES
from docksense.syntax.patterns import ShellPattern
from docksense.syntax.variables import find_variables

CHECKS = sorted(name for name, r in RULES.items() if r.family == "buildkit") + ["ExpansionLimit"]


def check(analysis: Analysis) -> list[tuple[str, int]]:
    """Every buildkit finding and ExpansionLimit (rule, start): they must all complete."""
    out = []
    for name in CHECKS:
        out.extend((name, f.start) for f in RULES[name].check(analysis))
    return out


class _Steps:
    def __init__(self):
        self.count = 0
        self.original = ShellPattern._step

    def __enter__(self) -> "_Steps":
        original = self.original

        def counted(pattern, states, ch):
            self.count += 1
            return original(pattern, states, ch)

        ShellPattern._step = counted
        return self

    def __exit__(self, *exc) -> None:
        ShellPattern._step = self.original


def peak_bytes(make) -> int:
    tracemalloc.start()
    try:
        make()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------------------------------------
# Issue 13: a 60-character line stalled diagnostics for over 40 s
# ---------------------------------------------------------------------------------------------


def test_glob_in_trim_does_not_stall():
    with _Steps() as steps:
        for stars in (6, 8, 10, 30):
            steps.count = 0
            text = "FROM scratch\nARG V=" + "a" * 40 + "\nENV X=${V%%" + "*a" * stars + "*b}\nRUN echo $X\n"
            analysis = Analysis(text)
            check(analysis)
            env = [d for d in analysis.scopes.definitions if d.name == "X"][0]
            assert env.value == "a" * 40  # no match: nothing trimmed
            assert steps.count <= 2 * 41  # one pass per expansion (scopes, dispatch)


# ---------------------------------------------------------------------------------------------
# Issue 16, class by class
# ---------------------------------------------------------------------------------------------


def test_class_1_dockerignore_globstars(tmp_path: Path):
    """12 groups of **/ took over 30 s in CopyIgnoredFile."""
    path = tmp_path / "Dockerfile"
    path.write_text("FROM scratch\nCOPY " + "a/" * 30 + "b .\nCOPY " + "a" * 40 + " .\n")
    (tmp_path / ".dockerignore").write_text("**/" * 24 + "c\n" + "*a" * 24 + "*b\n")
    assert check(Analysis(path.read_text(), path)) == []


def test_class_2_doubling_args_are_capped():
    """ARG A1=${A0}${A0}...: 2 GB at 576 bytes and MemoryError at 639 before."""
    def doubling(count: int) -> str:
        lines = ["FROM scratch", "ARG A0=xx"] + [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, count)]
        return "\n".join(lines) + f"\nRUN echo ${{A{count - 1}}}\n"

    analysis = Analysis(doubling(40))
    values = {d.name: d.value for d in analysis.scopes.definitions}
    assert values["A39"] is TOO_LARGE and len(values["A15"]) == 2 ** 16
    found = check(analysis)
    assert ("ExpansionLimit", analysis.text.index("A16=") + 4) in found
    small = peak_bytes(lambda: check(Analysis(doubling(40))))
    large = peak_bytes(lambda: check(Analysis(doubling(80))))
    assert large < 3 * small  # past the cap, each further ARG costs the same small amount


def test_class_3_long_numbers_in_stage_references():
    """COPY --from=<5,000 digits> went through int() (ValueError past 4,300 digits)."""
    text = "FROM scratch AS a\nFROM scratch\nCOPY --from=" + "9" * 5000 + " /a /b\n"
    analysis = Analysis(text)
    check(analysis)
    step = analysis.build.step(analysis.tree.instructions[2])
    assert step is not None and step.from_stage is None
    assert analysis.build.stage_named("0", 1) == 0


def test_class_5_longest_prefix_on_a_long_value():
    """${V##*b} on a long value tried every cut point."""
    with _Steps() as steps:
        for size in (10_000, 40_000):
            steps.count = 0
            text = "FROM scratch\nARG V=" + "a" * size + "\nENV X=${V##*b} Y=${V%*b}\n"
            check(Analysis(text))
            assert steps.count <= 4 * (size + 1) + 10


def test_class_6_deep_nesting_is_reported_not_a_recursion_error():
    """${a:-${a:-...}} 2,000 deep: cubic, then RecursionError that dropped every build check."""
    depth = 2000
    text = "FROM scratch\nARG a\nENV X=" + "${a:-" * depth + "x" + "}" * depth + "\nWORKDIR /x/$UNDEFINED\n"
    analysis = Analysis(text)
    found = check(analysis)
    assert [name for name, _ in found].count("ExpansionLimit") == 1
    assert any(name == "UndefinedVar" for name, _ in found)  # the other checks still run
    assert [d.value for d in analysis.scopes.definitions if d.name == "X"] == [TOO_DEEP]
    assert analysis.scopes.resolve("X", analysis.tree.instructions[3]).value is TOO_DEEP


def test_class_6_reference_scanner_is_linear_in_nesting():
    def work(depth: int) -> int:
        text = "${a:-" * depth + "x" + "}" * depth
        return peak_bytes(lambda: find_variables(text))

    assert work(4000) < 3 * work(2000)  # nesting past the scanner's bound adds nothing per level


def test_class_7_env_lines_share_one_table():
    """20,000 ENV lines: 2.8 GB (explain 5.2 GB) from a table copy per line."""
    def scopes_and_build(count: int):
        text = "FROM scratch\n" + "".join(f"ENV V{i}=value{i} W=$V{i}\n" for i in range(count))
        analysis = Analysis(text)
        analysis.tree
        return lambda: (analysis.scopes, analysis.build)

    small = peak_bytes(scopes_and_build(2000))
    large = peak_bytes(scopes_and_build(4000))
    assert large < 2.6 * small  # linear (a copy per line made it 4x)
    text = "FROM scratch\n" + "".join(f"ENV V{i}=value{i}\n" for i in range(20_000)) + "RUN echo $V0 $V19999\n"
    analysis = Analysis(text)
    run = analysis.tree.instructions[-1]
    assert analysis.scopes.resolve("V0", run).value == "value0"
    assert len(analysis.scopes.scope_before(run).env) == 20_000


def test_class_7_chained_stages_share_tables():
    def chain(stages: int):
        text = "".join(f"FROM {'scratch' if i == 0 else f's{i - 1}'} AS s{i}\n"
                       + "".join(f"ENV V{i}_{j}=x\n" for j in range(10)) for i in range(stages))
        analysis = Analysis(text)
        analysis.tree
        return lambda: (analysis.scopes, analysis.build, check(analysis))

    small = peak_bytes(chain(100))
    large = peak_bytes(chain(200))
    assert large < 2.6 * small  # a copy of the inherited table per stage made it 4x
    analysis = Analysis("FROM scratch AS a\nENV A=1\nFROM a AS b\nENV B=$A\nFROM b\nRUN echo $A $B\n")
    run = analysis.tree.instructions[-1]
    assert analysis.scopes.resolve("B", run).value == "1"
    assert analysis.scopes.resolve("A", run).definition.inherited is not None


def test_class_4_many_undefined_names_in_one_instruction():
    """UndefinedVar looked up each name's reference with a scan of the whole instruction."""
    def undefined(count: int) -> str:
        return "FROM scratch\nENV " + " ".join(f"A{i}=$U{i}" for i in range(count)) + "\n"

    analysis = Analysis(undefined(6000))
    found = [start for name, start in check(analysis) if name == "UndefinedVar"]
    assert len(found) == 6000 and found == sorted(found)


# ---------------------------------------------------------------------------------------------
# Grown inputs (property-based)
# ---------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, database=None)
@given(st.lists(st.sampled_from(["*a", "*", "?", "a", "*b", "\\*"]), min_size=1, max_size=12),
       st.sampled_from(["%%", "%", "##", "#", "/", "//"]))
def test_grown_patterns_in_a_dockerfile_cost_flat_steps(units, modifier):
    per_byte = []
    with _Steps() as steps:
        for size in (100, 200):
            pattern = "".join(units) * 2
            text = f"FROM scratch\nARG V={'a' * size}\nENV X=${{V{modifier}{pattern}{'/y' if '/' in modifier else ''}}}\n"
            steps.count = 0
            check(Analysis(text))
            per_byte.append(steps.count / size)
    assert per_byte[1] <= per_byte[0] * 1.2 + 1
    assert per_byte[1] <= 16


@settings(max_examples=10, deadline=None, database=None)
@given(st.integers(5, 40))
def test_grown_doubling_chains_stay_capped(count):
    lines = ["FROM scratch", "ARG A0=xyz"] + [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, count)]
    analysis = Analysis("\n".join(lines) + "\n")
    for definition in analysis.scopes.definitions:
        assert definition.value is TOO_LARGE or len(definition.value) <= 64 * 1024
    check(analysis)


def test_class_4_suggestions_for_many_undefined_names(monkeypatch):
    """3,000 ENV names and 3,000 undefined references (60 KB) compared every pair: minutes."""
    from docksense.rules.buildkit import suggestions

    calls = [0]
    original = suggestions.levenshtein

    def counted(a, b, limit):
        calls[0] += 1
        return original(a, b, limit)

    monkeypatch.setattr(suggestions, "levenshtein", counted)
    count = 3000
    text = ("FROM scratch\nENV " + " ".join(f"V{i}=x" for i in range(count)) + "\nENV "
            + " ".join(f"A{i}=$U{i}" for i in range(count)) + "\n")
    analysis = Analysis(text)
    found = list(RULES["UndefinedVar"].check(analysis))
    assert len(found) == count
    assert "did you mean $V17?" in found[17].message
    assert calls[0] < 40 * count  # a handful of verified candidates per name, not 3,000


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.text("ab_1", min_size=1, max_size=7), max_size=90),
       st.lists(st.text("ab_1", min_size=1, max_size=7), min_size=1, max_size=10))
def test_indexed_suggestions_agree_with_buildkits_search(defined, queries):
    from docksense.analysis.values import Layer
    from docksense.rules.buildkit.common import suggest
    from docksense.rules.buildkit.suggestions import Suggester

    base, seq = Layer(), 0
    for name in defined[: len(defined) // 2]:
        seq += 1
        base.set(name, seq, "x")
    layer = Layer(base)
    for name in defined[len(defined) // 2:]:
        seq += 1
        layer.set(name, seq, "x")
    suggester = Suggester()
    for index, name in enumerate(queries):
        before = index * 7 % (seq + 2)
        expected = suggest(name, [n for n, _ in layer.names(before)])
        assert suggester.suggest(name, layer, before, size_hint=10 ** 6) == expected
