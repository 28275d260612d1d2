"""LegacyKeyValueFormat: ``ENV key value`` / ``LABEL key value`` (convert.go)."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from ...syntax import Instruction, KeyValue
from ...syntax.text import is_go_space
from ...syntax.words import parse_words
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding

_COMMENT_LINE = re.compile(r"\n[ \t]*#")


@rule("LegacyKeyValueFormat", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="ENV or LABEL uses the legacy `key value` form instead of `key=value`.")
def check_legacy_key_value_format(analysis) -> Iterator[Finding]:
    """``ENV key value`` / ``LABEL key value``: the deprecated one-pair form."""
    for step in analysis.build.steps_of("ENV", "LABEL"):
        ins = step.instruction
        for pair in ins.pairs:
            if not pair.legacy or pair.value is None:  # no value: a syntax error instead
                continue
            message = (f"'{ins.name} {pair.key} value' is the legacy form, which separates key and value with "
                       f"whitespace and allows only one pair: write '{ins.name} {pair.key}=value'.")
            fix = _legacy_fix(analysis, ins, pair)
            yield finding("LegacyKeyValueFormat", message, pair.key_start, pair.key_end, ins, fix)


def _legacy_fix(analysis, ins: Instruction, pair: KeyValue) -> Optional[Fix]:
    """``KEY value`` -> ``KEY=value``, quoting the value only where it has to be."""
    if pair.value is None or pair.value_start < pair.key_end:
        return None
    if _COMMENT_LINE.search(analysis.text, pair.key_end, pair.value_start):
        return None  # a comment line between key and value would be lost
    value = pair.value
    escape = analysis.tree.escape
    edits = [Edit(pair.key_end, pair.value_start, "=")]
    words = parse_words(value, escape, 0)
    if len(words) == 1 and words[0][1] == 0 and words[0][2] == len(value):
        pass  # already one word (plain, or quoted as a whole)
    elif '"' not in value and "'" not in value and escape not in value:
        edits.append(Edit(pair.value_start, pair.value_start, '"'))
        edits.append(Edit(pair.value_end, pair.value_end, '"'))
    else:
        v_offset = ins.args_offset + len(ins.args) - len(value)
        for index in _unquoted_spaces(value, escape):
            at = ins.joined.doc(v_offset + index)
            edits.append(Edit(at, at, escape))
    return Fix(f"Use {ins.name} {pair.key}=value", edits, preferred=True, safe=True)


def _unquoted_spaces(value: str, escape: str) -> list[int]:
    """Indexes of the whitespace characters of ``value`` outside quotes (parseWords' rules)."""
    out: list[int] = []
    quote = ""
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'":
                i += 1
        elif ch in "'\"":
            quote = ch
        elif ch == escape:
            i += 1
        elif is_go_space(ch):
            out.append(i)
        i += 1
    return out
