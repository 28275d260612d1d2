"""UseraddWithoutNoLogInit (DL3046).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.shell import Word
from ..model import Finding, Fix
from ..registry import rule
from .common import (
    found_at,
    insert_option,
)
from .model import FAMILY, Cmd, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

@rule("UseraddWithoutNoLogInit", family=FAMILY, severity="warning", aliases=("DL3046",), fixable=True,
      summary="useradd with a high UID and without -l: the sparse lastlog file can fill gigabytes.")
def check_useradd_without_no_log_init(analysis: "Analysis") -> Iterator[Finding]:
    """useradd writes the user's entry in /var/log/lastlog and faillog at offset UID: with a
    UID of 100000 or more, the sparse file becomes huge once a layer stores it."""
    for run, cmd in model_of(analysis).runs_of("useradd"):
        if cmd.has_flag("l", "no-log-init"):
            continue
        found = _useradd_uid(cmd)
        if found is None:
            continue
        word, value = found
        if word.has_expansion or len(value) <= 5:
            continue
        program = cmd.words[0]
        edit = insert_option(analysis, cmd, program, "-l")
        fix = Fix("Add -l (--no-log-init)", [edit], preferred=True, safe=True) if edit else None
        yield found_at("UseraddWithoutNoLogInit",
                       f"useradd with UID {value} and without -l writes a sparse lastlog of that "
                       "size into the layer: add -l (--no-log-init).", cmd.span(program), run.top, fix)


def _useradd_uid(cmd: Cmd) -> Optional[tuple[Word, str]]:
    """The word holding useradd's UID and the UID (``-u N``, ``-uN``, ``--uid N``, ``--uid=N``)."""
    args = cmd.args
    for index, word in enumerate(args):
        text = word.text
        if text in ("-u", "--uid") and index + 1 < len(args):
            return args[index + 1], args[index + 1].text
        if text.startswith("--uid="):
            return word, text[len("--uid="):]
        if text.startswith("-u") and len(text) > 2 and text[2:].isdigit():
            return word, text[2:]
    return None
