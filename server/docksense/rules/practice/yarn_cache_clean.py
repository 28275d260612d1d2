"""YarnCacheClean (DL3060).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Finding, Fix
from ..registry import rule
from .common import (
    append_to_run,
    followed_by,
    found_at,
    removes,
    stage_shipped,
)
from .model import FAMILY, Cmd, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

def _yarn_cleans(cmd: Cmd) -> bool:
    """``yarn cache clean``, or removing yarn's cache directory."""
    if cmd.name == "yarn":
        cache = cmd.subcommand(("cache",))
        return cache is not None and "clean" in [w.text for w in cmd.operands_after(cache)]
    return removes(cmd, "/usr/local/share/.cache/yarn", "~/.cache/yarn", "$HOME/.cache/yarn", "/root/.cache/yarn")


@rule("YarnCacheClean", family=FAMILY, severity="information", aliases=("DL3060",), fixable=True,
      summary="yarn install in a RUN that does not run yarn cache clean afterwards.")
def check_yarn_cache_clean(analysis: "Analysis") -> Iterator[Finding]:
    """yarn's package cache stays in the layer unless the same RUN cleans it."""
    model = model_of(analysis)
    for run in model.runs:
        install_cmd = None
        install = None
        for cmd in run.named("yarn"):
            install = cmd.subcommand(("install",))
            if install is not None:
                install_cmd = cmd
                break
        if install_cmd is None or install is None or not stage_shipped(model, run):
            continue
        if run.cache_mount_with(".cache/yarn") or followed_by(install_cmd, run.cmds, _yarn_cleans):
            continue
        edit = append_to_run(run, "yarn cache clean")
        fix = Fix("Run yarn cache clean at the end of the RUN", [edit], safe=False) if edit else None
        yield found_at("YarnCacheClean",
                       "yarn's package cache stays in this layer: run 'yarn cache clean' after the "
                       "install in the same RUN.", install_cmd.span(install), run.top, fix)
