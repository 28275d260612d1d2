"""Rules registered only while a test runs, so that suppressions, code actions and the CLI
can be tested before (and independently of) the real rule families.

``isolated()`` swaps the registry for the syntax family plus these rules and restores it
afterwards, so the tests neither see nor disturb rules that other modules register.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from docksense.rules import registry
from docksense.rules.model import Edit, Finding, Fix
from docksense.rules.registry import RULES, rule

CASING = "ZzCasing"  # buildkit family, fixable (preferred, safe)
APT = "ZzAptGet"  # practice family, hadolint alias DL9001
LABEL = "ZzLabel"  # buildkit family, experimental
AT_TOP = "ZzAtTop"  # practice: reports at offset 0 but belongs to an EXPOSE (instruction_line)
TRAILING = "ZzTrailing"  # practice: removes ONE trailing space per fix (needs several passes)
TRAILING_ALL = "ZzTrailingAll"  # practice: overlaps ZzTrailing (removes all trailing spaces)
UNSAFE = "ZzUnsafe"  # practice: an unsafe fix (never applied by fix-all), alias DL9002
OLD = "ZzOld"  # eol family
SYNTAX_WARNING = "ZzAddUsed"  # syntax family at warning severity, alias DL9003
NAMES = (CASING, APT, LABEL, AT_TOP, TRAILING, TRAILING_ALL, UNSAFE, OLD, SYNTAX_WARNING)


def _install() -> None:
    @rule(CASING, family="buildkit", severity="warning", summary="Keyword not in upper case", fixable=True)
    def casing(analysis):
        for ins in analysis.tree.instructions:
            if ins.keyword != ins.name:
                yield Finding(
                    CASING, f"Write {ins.name}", ins.keyword_start, ins.keyword_end,
                    fix=Fix(f"Write {ins.name}", [Edit(ins.keyword_start, ins.keyword_end, ins.name)], preferred=True),
                    instruction_line=ins.line,
                )

    @rule(APT, family="practice", severity="warning", summary="apt-get used", aliases=("DL9001",))
    def apt(analysis):
        for ins in analysis.tree.instructions:
            if ins.name == "RUN" and "apt-get" in ins.args:
                start, end = ins.args_span()
                yield Finding(APT, "apt-get used", start, end, instruction_line=ins.line)

    @rule(LABEL, family="buildkit", severity="warning", summary="A LABEL", experimental=True)
    def label(analysis):
        for ins in analysis.tree.instructions:
            if ins.name == "LABEL":
                yield Finding(LABEL, "a label", ins.keyword_start, ins.keyword_end, instruction_line=ins.line)

    @rule(AT_TOP, family="practice", severity="warning", summary="Reported at the top")
    def at_top(analysis):
        for ins in analysis.tree.instructions:
            if ins.name == "EXPOSE":
                yield Finding(AT_TOP, "expose", 0, 0, instruction_line=ins.line)

    def trailing_spaces(analysis):
        text = analysis.text
        for ins in analysis.tree.instructions:
            end = text.find("\n", ins.start)
            end = len(text) if end < 0 else end
            line = text[ins.start:end]
            stripped = line.rstrip(" ")
            if stripped != line:
                yield ins, ins.start + len(stripped), end

    @rule(TRAILING, family="practice", severity="hint", summary="Trailing space", fixable=True)
    def trailing(analysis):
        for ins, start, end in trailing_spaces(analysis):
            yield Finding(TRAILING, "trailing space", start, end,
                          fix=Fix("Remove one space", [Edit(end - 1, end, "")]), instruction_line=ins.line)

    @rule(TRAILING_ALL, family="practice", severity="hint", summary="Trailing spaces", fixable=True)
    def trailing_all(analysis):
        for ins, start, end in trailing_spaces(analysis):
            yield Finding(TRAILING_ALL, "trailing spaces", start, end,
                          fix=Fix("Remove spaces", [Edit(start, end, "")]), instruction_line=ins.line)

    @rule(UNSAFE, family="practice", severity="warning", summary="Relative WORKDIR", aliases=("DL9002",), fixable=True)
    def unsafe(analysis):
        for ins in analysis.tree.instructions:
            if ins.name == "WORKDIR" and ins.words and not ins.words[0].text.startswith("/"):
                word = ins.words[0]
                yield Finding(UNSAFE, "relative", word.start, word.end,
                              fix=Fix("Make absolute", [Edit(word.start, word.start, "/")], safe=False),
                              instruction_line=ins.line)

    @rule(OLD, family="eol", severity="information", summary="An old image")
    def old(analysis):
        for ins in analysis.tree.instructions:
            if ins.name == "FROM" and "old" in ins.args:
                start, end = ins.args_span()
                yield Finding(OLD, "old image", start, end, instruction_line=ins.line)

    @rule(SYNTAX_WARNING, family="syntax", severity="warning", summary="ADD used", aliases=("DL9003",))
    def add_used(analysis):
        for ins in analysis.tree.instructions:
            if ins.name == "ADD":
                yield Finding(SYNTAX_WARNING, "ADD", ins.keyword_start, ins.keyword_end, instruction_line=ins.line)


@contextmanager
def isolated() -> Iterator[None]:
    """The syntax family plus the fake rules, for the duration of the block."""
    saved_rules = dict(RULES)
    saved_aliases = dict(registry._ALIASES)
    RULES.clear()
    RULES.update({name: r for name, r in saved_rules.items() if r.family == "syntax"})
    registry._ALIASES.clear()
    try:
        _install()
        yield
    finally:
        RULES.clear()
        RULES.update(saved_rules)
        registry._ALIASES.clear()
        registry._ALIASES.update(saved_aliases)
