"""The expansion engine (docksense.syntax.expansion): BuildKit's ProcessWord, shell patterns,
and its bounds on hostile input.

The expected values were worked out from BuildKit's shell lexer
(moby/buildkit ``frontend/dockerfile/shell/lex.go``) and checked against its test tables.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docksense.syntax import expansion, patterns
from docksense.syntax.expansion import (MAX_DEPTH, MAX_VALUE, SET, TOO_LARGE, UNKNOWN, UNSET, ShellPattern,
                                        apply_modifier, expand_word, replace, trim)

ENV = {"PWD": "/home", "SHELL": "bash", "NULL": "", "KOREAN": "한국어"}


def lookup(env):
    return lambda name: (SET, env[name]) if name in env else (UNSET, None)


def value(word: str, env=None, **kw):
    result = expand_word(word, lookup(ENV if env is None else env), **kw)
    return "error" if result.error else result.value


@pytest.mark.parametrize("word, expected", [
    ("hello", "hello"), ("he'll'o", "hello"), ("he'llo", "error"), ("he\\'llo", "he'llo"),
    ("abc\\tdef", "abctdef"), ('"abc\\tdef"', "abc\\tdef"), ("'abc\\tdef'", "abc\\tdef"),
    ("hello\\", "hello"), ("hello\\\\", "hello\\"), ('"hello', "error"), ("'hello\\'", "hello\\"),
    ("$.", "$."), ("he$1x", "hex"), ("he$.x", "he$.x"), ("he$PWD", "he/home"), ("he\\$PWD", "he$PWD"),
    ("he\\\\$PWD", "he\\/home"), ('"he\\$PWD"', "he$PWD"), ("\\${}", "${}"), ("${}", "error"),
    ("he${hi}xx", "hexx"), ("he${.}", "error"), ("he${XXX:-000}xx", "he000xx"),
    ("he${XXX:-${PWD:-yyy}}xx", "he/homexx"), ("he${XXX:YYY}", "error"), ("he${XXX?}", "error"),
    ("he${PWD:?}", "he/home"), ("he${NULL?}", "he"), ("he${NULL:?}", "error"), ("he${PWD:+${SHELL}}xx", "hebashxx"),
    ("'he${XX}'", "he${XX}"), ("\"he'$PWD'\"", "he'/home'"), ("he${PWD", "error"), ("he${PWD:=000}xx", "error"),
    ("he${XXX:-\\$PWD:}xx", "he$PWD:xx"), ("he${XXX:-\\${PWD}z}xx", "he${PWDz}xx"), ("안녕$KOREAN", "안녕한국어"),
    ("${aaa}}", "}"), ("${{aaa}", "error"), ("${aaa:-bbb {foo}", "bbb {foo"), ("${:-bbb}", "error"),
    ("$999aaa", "aaa"), ("${001:-bbb}aaa", "bbbaaa"), ("$@@@", "@@"), ("${#:-bbb}", "bbb"), ("${$:+bbb}", ""),
])
def test_process_word_like_buildkit(word, expected):
    assert value(word) == expected


@pytest.mark.parametrize("word, env, expected", [
    ("${FOO#()[]{\\}^$.\\*\\?|\\\\}", {"FOO": "()[]{}^$.*?|\\x"}, "x"),
    ("${FOO%%\\**}", {"FOO": "xx**"}, "xx"),
    ("${FOO#*x*y}", {"FOO": "xxyy"}, "y"),
    ("${FOO#*}", {"FOO": "xxyy"}, "xxyy"),
    ("${FOO##*x}", {"FOO": "xxyy"}, "yy"),
    ("${FOO#?\\?}", {"FOO": "???y"}, "?y"),
    ("${FOO%%\\**\\*}", {"FOO": "a***yy*"}, "a"),
    ("${FOO%x}", {"FOO": "xxyy"}, "xxyy"),
    ("${FOO%y}", {"FOO": "xxyy"}, "xxy"),
    ("${FOO%%y*}", {"FOO": "xyxyy"}, "x"),
    ("${FOO%y*}", {"FOO": "xyxyy"}, "xyxy"),
    ("${FOO#[a]}", {"FOO": "[a]b"}, "b"),  # no bracket expressions: [ is literal
    ("${FOO:#x}", {"FOO": "x"}, "error"),
    ("${FOO#\\x}", {"FOO": "x"}, "error"),  # an invalid escape in a pattern
    ("${FOO/$N/.} - ${FOO//$N/.}", {"FOO": "/foo*/*/*.txt", "N": "\\*/"}, "/foo.*/*.txt - /foo..*.txt"),
    ("${FOO/$N/$R} - ${FOO//$N/$R}", {"FOO": "/a/foo/b/c.txt", "N": "/?/", "R": "/"}, "/foo/b/c.txt - /foo/c.txt"),
    ("${FOO//\\//\\/}", {"FOO": "/tmp/foo.txt"}, "\\/tmp\\/foo.txt"),
    ("${FOO/$B/ww}", {"FOO": "xxyy", "B": ""}, "wwxxyy"),
    ("${FOO//*/x}", {"FOO": "abc"}, "x"),  # Go: no second (empty) match right after the first
    ("${FOO//b*/x}", {"FOO": "abcb"}, "ax"),
    ("${FOO///}", {"FOO": "xxyy"}, "xxyy"),
    ("${FOO//}", {"FOO": "xxyy"}, "error"),
    ("${FOO//a/<$0>}", {"FOO": "banana"}, "b<>n<>n<>"),  # the word is expanded first: $0 is empty
])
def test_patterns_like_buildkit(word, env, expected):
    assert value(word, env) == expected


def test_go_replacement_template_expands_dollar_names():
    assert replace("banana", "a", "<$0>", every=True) == "b<a>n<a>n<a>"
    assert replace("banana", "a", "$$", every=True) == "b$n$n$"
    assert replace("banana", "a", "$x", every=True) == "bnn"
    assert replace("banana", "a", "$x", every=False) == "b$xnana"  # one replacement is literal


def test_pattern_star_does_not_cross_a_line_break():
    assert trim("ab\ncd", "*d", suffix=False, longest=True) == "ab\ncd"
    assert trim("ab\ncd", "ab?cd", suffix=False, longest=False) == "ab\ncd"
    assert trim("ab\ncd", "ab\ncd", suffix=False, longest=False) == ""


def test_matched_and_unmatched_names_in_order():
    result = expand_word("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", lookup({"FOO": "xxx", "BAR": ""}))
    assert result.value == "xxx bbb ccc"
    assert list(result.matched) == ["FOO", "BAR"] and list(result.unmatched) == ["BAZ"]


def test_unknown_values_make_the_result_unknown_unless_kept():
    maybe = lambda name: (UNKNOWN, None)  # noqa: E731
    assert expand_word("a$X", maybe).value is None
    assert expand_word("a${X:+b}", maybe).value is None
    kept = expand_word("a$X ${Y:-d} ${Z#p} ${W}", lambda n: (UNSET, None), keep_unknown=True)
    assert kept.value == "a$X d ${Z#p} ${W}"


def test_escape_directive_backtick():
    assert value("C:\\go`$PWD", escape="`") == "C:\\go$PWD"
    assert value('"a`"b"', escape="`") == 'a"b'


def test_heredoc_raw_mode_keeps_quotes():
    assert value("say 'hi' $SHELL", quotes=False) == "say 'hi' bash"


def test_apply_modifier():
    assert apply_modifier(None, ":-", "d") == "d"
    assert apply_modifier("a.b.c", "##", "*.") == "c"
    assert apply_modifier("a.b.c", "%", ".*") == "a.b"
    assert apply_modifier("a.b.a", "//", "a/x") == "x.b.x"
    assert apply_modifier("a/b", "/", "\\//-") == "a-b"
    assert apply_modifier(TOO_LARGE, "#", "x") is None


# ---------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------


def test_value_past_the_cap_is_too_large_not_computed():
    env = {"A0": "x" * 1000}
    for i in range(1, 40):
        result = expand_word(f"${{A{i - 1}}}${{A{i - 1}}}", lookup(env))
        if result.too_large:
            break
        env[f"A{i}"] = result.value
    assert result.too_large and result.value is None
    assert max(len(v) for v in env.values()) <= MAX_VALUE
    assert expand_word("$A", lookup({"A": TOO_LARGE})).too_large
    assert expand_word("${A:+small}", lookup({"A": TOO_LARGE})).value == "small"


def test_nesting_past_the_bound_is_reported_not_a_recursion_error():
    depth = 2000
    word = "${a:-" * depth + "x" + "}" * depth
    result = expand_word(word, lookup({}))
    assert result.too_deep and result.value is None and not result.error
    shallow = "${a:-" * (MAX_DEPTH - 1) + "x" + "}" * (MAX_DEPTH - 1)
    assert expand_word(shallow, lookup({})).value == "x"


class _Counter:
    def __init__(self, monkeypatch):
        self.steps = 0
        original = ShellPattern._step

        def counted(pattern, states, ch):
            self.steps += 1
            return original(pattern, states, ch)

        monkeypatch.setattr(ShellPattern, "_step", counted)


def test_the_issue_13_glob_is_one_pass(monkeypatch):
    counter = _Counter(monkeypatch)
    for stars in (6, 8, 10, 20, 40):
        counter.steps = 0
        word = "${V%%" + "*a" * stars + "*b}"
        assert value(word, {"V": "a" * 40}) == "a" * 40
        assert counter.steps <= 41  # one step per character of the value, whatever the pattern


def test_longest_prefix_is_not_a_loop_over_cut_points(monkeypatch):
    counter = _Counter(monkeypatch)
    for size in (1_000, 10_000, 40_000):
        counter.steps = 0
        assert value("${V##*b}", {"V": "a" * size}) == "a" * size
        assert value("${V%*b}", {"V": "a" * size}) == "a" * size
        assert counter.steps <= 2 * (size + 1)


@settings(max_examples=60, deadline=None, database=None)
@given(st.text("ab*?", min_size=1, max_size=40), st.integers(1, 4))
def test_adversarial_patterns_cost_linear_steps(pattern, scale):
    """Whatever the pattern, each operation steps through the value a bounded number of times."""
    counts = []
    for size in (200 * scale, 400 * scale):
        val = ("ab" * size)[:size]
        steps = [0]
        original = ShellPattern._step

        def counted(self, states, ch, original=original):
            steps[0] += 1
            return original(self, states, ch)

        ShellPattern._step = counted
        try:
            for longest in (False, True):
                for suffix in (False, True):
                    trim(val, pattern, suffix, longest)
            replace(val, pattern, "x", every=False)
            replace(val, pattern, "x", every=True)
        finally:
            ShellPattern._step = original
        counts.append(steps[0] / size)
    # work per byte stays flat when the value doubles (and is small in absolute terms)
    assert counts[1] <= counts[0] * 1.1 + 1
    assert counts[1] <= 12


@settings(max_examples=200, deadline=None, database=None)
@given(st.text("ab*?\\", max_size=8), st.text("ab*?", max_size=12))
def test_patterns_agree_with_a_reference_matcher(pattern, val):
    """Shortest/longest prefix and suffix agree with a brute-force matcher over cut points."""
    import re

    try:
        compiled = ShellPattern.parse(pattern)
    except expansion.PatternError:
        return
    regex = "".join(".*" if t is patterns._STAR else "." if t is patterns._ANY else re.escape(t)
                    for t in compiled.tokens)
    full = re.compile(regex)
    cuts = range(len(val) + 1)
    prefix = [c for c in cuts if full.fullmatch(val[:c])]
    suffix = [c for c in cuts if full.fullmatch(val[c:])]
    assert trim(val, pattern, False, False) == (val[min(prefix):] if prefix else val)
    assert trim(val, pattern, False, True) == (val[max(prefix):] if prefix else val)
    assert trim(val, pattern, True, False) == (val[:max(suffix)] if suffix else val)
    assert trim(val, pattern, True, True) == (val[:min(suffix)] if suffix else val)
    first = full.search(val)
    expected = val[:first.start()] + "x" + val[first.end():] if first else val
    assert replace(val, pattern, "x", every=False) == expected
