"""JSONArgsRecommended: shell-form CMD/ENTRYPOINT with no SHELL set (convert.go)."""

from __future__ import annotations

import json
import re
from typing import Iterator, Optional

from ...analysis.build import Step
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding, has_inner_comment

# Words that, first in a shell-form command, are shell builtins or keywords: without the
# shell, exec form cannot run them.
_SHELL_ONLY_WORDS = frozenset(
    "alias bg cd command eval exec exit export fc fg getopts hash jobs local read readonly "
    "return set shift source times trap type ulimit umask unalias unset wait . : if then else "
    "elif fi case esac for while until do done function select time [[ ]] { } !".split()
)
# Characters that keep their literal meaning in every position of a POSIX shell word.
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


@rule("JSONArgsRecommended", family=FAMILY, severity=SEVERITY, fixable=True, aliases=("DL3025",),
      summary="CMD or ENTRYPOINT is written in shell form, so the program runs under /bin/sh -c "
              "and misses stop signals.")
def check_json_args_recommended(analysis) -> Iterator[Finding]:
    """Shell-form CMD/ENTRYPOINT (with no SHELL set): the program never sees SIGTERM."""
    for step in analysis.build.steps_of("CMD", "ENTRYPOINT"):
        ins = step.instruction
        if ins.form == "exec" or step.shell_set:
            continue  # shell form includes an empty CMD
        start, end = ins.args_span()
        if end <= start:
            start, end = ins.keyword_start, ins.keyword_end
        message = (f"{ins.name} in shell form runs under '/bin/sh -c', which does not pass stop signals "
                   f"such as SIGTERM on to the program, so it cannot shut down cleanly. Write it in exec "
                   f"form: {ins.name} [\"program\", \"arg\"].")
        fix = _exec_form_fix(analysis, step, start, end)
        yield finding("JSONArgsRecommended", message, start, end, ins, fix)


def _exec_form_fix(analysis, step: Step, start: int, end: int) -> Optional[Fix]:
    """Exec form of a shell-form command, only when the shell does nothing to it."""
    ins = step.instruction
    if step.stage.windows or has_inner_comment(analysis.tree, ins):
        return None
    words = [w for w in re.split(r"[ \t]+", ins.args.strip()) if w]
    if not words or words[0] in _SHELL_ONLY_WORDS or "=" in words[0] or words[0].startswith("-"):
        return None
    if any(not _PLAIN_WORD.match(w) for w in words):
        return None
    if analysis.tree.escape in ins.args:
        return None
    text = json.dumps(words, ensure_ascii=False)
    return Fix(f"Convert {ins.name} to exec form", [Edit(start, end, text)], preferred=True, safe=False)
