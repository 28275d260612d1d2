"""The build context (analysis/context.py): reading .dockerignore and matching paths like
moby's patternmatcher, without backtracking."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docksense.analysis import Analysis
from docksense.analysis.context import (MAX_IGNORE_BYTES, IgnorePattern, go_clean, load_ignore, parse_ignore,
                                        read_ignore_patterns, valid_match_pattern)


def matcher(text: str):
    found = parse_ignore(text.encode(), ".dockerignore")
    assert found is not None
    return found


@pytest.mark.parametrize("pattern, path, expected", [
    ("node_modules", "node_modules", True),
    ("node_modules", "node_modules/x/y", True),  # a parent directory matches
    ("node_modules", "src/node_modules", False),
    ("*.md", "README.md", True),
    ("*.md", "docs/README.md", False),  # * does not cross /
    ("**/*.md", "docs/deep/README.md", True),
    ("**/*.md", "README.md", True),  # **/ may match nothing
    ("docs/**", "docs/a/b", True),  # prefix
    ("**/secret", "a/b/secret", True),  # suffix
    ("**/secret", "secret", True),
    ("**/secret", "notsecret", False),
    ("a?c", "abc", True),
    ("a?c", "a/c", False),
    ("[a-c]x", "bx", True),
    ("[^a-c]x", "bx", False),
    ("[^a-c]x", "dx", True),
    ("\\*x", "*x", True),
    ("\\*x", "ax", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("a/**/b", "a/x/y/c", False),
    ("a.b", "axb", False),  # regex characters are literal
    ("*", "anything", True),
])
def test_patterns_match_like_patternmatcher(pattern, path, expected):
    assert (matcher(pattern).matching(go_clean(path)) is not None) == expected


def test_ignore_file_reading_rules():
    data = b"\xef\xbb\xbf# comment\n\n  build/  \r\n!build/keep\n/abs/path\n./dot/../x\n"
    assert read_ignore_patterns(data) == ["build", "!build/keep", "abs/path", "x"]
    found = parse_ignore(data)
    assert found is not None and found.exclusions
    assert parse_ignore(b"!\n") is None  # BuildKit refuses a lone "!"
    assert parse_ignore(b"[a\n") is None  # and a malformed class
    assert not valid_match_pattern("[z-a]") and valid_match_pattern("[a-z]")


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / ".dockerignore").write_text("a\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("b\n")
    found = load_ignore(tmp_path / "Dockerfile")
    assert found is not None and found.source == "Dockerfile.dockerignore"
    assert [p.text for p in found.patterns] == ["b"]


def test_oversized_ignore_file_is_not_read(tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / ".dockerignore").write_bytes(b"a\n" * (MAX_IGNORE_BYTES // 2 + 1))
    assert load_ignore(tmp_path / "Dockerfile") is None


def test_context_is_an_analysis_product(tmp_path: Path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM scratch\nCOPY dist/app /app\n")
    (tmp_path / ".dockerignore").write_text("dist\n")
    analysis = Analysis(path.read_text(), path)
    assert analysis.context is analysis.context
    assert analysis.context.ignored_by("./dist/app").text == "dist"
    assert Analysis("FROM scratch\n").context.ignore is None  # no file on disk: nothing read


class _Work:
    """Counts the NFA's work: the size of every state set it steps through."""

    def __init__(self):
        self.count = 0
        self.original = IgnorePattern._close

    def __enter__(self) -> "_Work":
        original = self.original

        def counted(pattern, states, at_start=False):
            out = original(pattern, states, at_start)
            self.count += len(out) + 1
            return out

        IgnorePattern._close = counted
        return self

    def __exit__(self, *exc) -> None:
        IgnorePattern._close = self.original


def test_repeated_double_star_is_linear():
    """Issue 16 class 1: a 37-byte line of repeated **/ took 30 s at 12 groups."""
    path = "a/" * 30 + "b"
    per_group = []
    with _Work() as work:
        for groups in (12, 24, 48):
            work.count = 0
            assert matcher("**/" * groups + "c").matching(path) is None
            per_group.append(work.count / groups)
    assert per_group[-1] <= per_group[0] * 1.5  # work grows with the pattern, not exponentially


def test_star_a_star_b_is_linear():
    counts = []
    with _Work() as work:
        for size in (40, 80, 160):
            work.count = 0
            assert matcher("*a" * 10 + "*b").matching("a" * size) is None
            counts.append(work.count / size)
    assert counts[-1] <= counts[0] * 1.5


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.sampled_from(["**/", "*a", "a", "?", "*", "a/", "[ab]"]), min_size=1, max_size=6),
       st.integers(2, 6))
def test_adversarial_ignore_lines_cost_flat_work_per_byte(units, repeat):
    """Grown lines of stars and globstars: work per (pattern byte x path byte) stays flat."""
    ratios = []
    with _Work() as work:
        for scale in (1, 2):
            pattern = "".join(units) * repeat * scale
            path = ("a/" * 20 + "ab") * scale
            if not valid_match_pattern(pattern):
                return
            compiled = IgnorePattern.compile(go_clean(pattern))
            if compiled.kind != "nfa":  # exact/prefix/suffix patterns are plain string tests
                return
            work.count = 0
            compiled.match_or_parent(path)
            ratios.append(work.count / (len(path) * (len(compiled.tokens) + 2)))
    assert ratios[1] <= ratios[0] * 1.2 + 0.5
    assert ratios[1] <= 3  # at most a few states per (path byte, pattern token)
