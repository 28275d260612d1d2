"""apt-get and apt: prompts, recommends, pinning, package lists, apt in scripts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.shell import Word
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import (
    append_to_run,
    found_at,
    insert_option,
    removes,
    stage_shipped,
)
from .model import FAMILY, Cmd, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

_APT_VALUE_OPTIONS = ("t", "target-release")


@rule("AptGetMissingYes", family=FAMILY, severity="warning", aliases=("DL3014",), fixable=True,
      summary="apt-get install without -y: the build has no terminal to answer the prompt.")
def check_apt_get_missing_yes(analysis: "Analysis") -> Iterator[Finding]:
    """``apt-get install`` asks for confirmation; in a build nobody answers and it aborts."""
    for run, cmd in model_of(analysis).runs_of("apt-get"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        flags = cmd.flags()
        if any(f in ("y", "yes", "assume-yes", "qq") for f in flags) or flags.count("q") >= 2 \
                or flags.count("quiet") >= 2 or "-q=2" in cmd.arg_texts() \
                or any("Assume-Yes=true" in t for t in cmd.arg_texts()):
            continue
        edit = insert_option(analysis, cmd, install, "-y")
        fix = Fix("Add -y", [edit], preferred=True, safe=True) if edit else None
        yield found_at("AptGetMissingYes",
                       "apt-get install without -y waits for a confirmation nobody can give during "
                       "a build, so it aborts: add -y.", cmd.span(install), run.top, fix)


@rule("AptNoInstallRecommends", family=FAMILY, severity="information", aliases=("DL3015",),
      fixable=True, summary="apt-get install without --no-install-recommends pulls in extra packages.")
def check_apt_no_install_recommends(analysis: "Analysis") -> Iterator[Finding]:
    """Recommended packages are installed by default: often many megabytes nobody asked for."""
    for run, cmd in model_of(analysis).runs_of("apt-get"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        if cmd.has_flag("no-install-recommends") or "APT::Install-Recommends=false" in cmd.arg_texts() \
                or any(t.endswith("APT::Install-Recommends=false") for t in cmd.arg_texts()):
            continue
        edit = insert_option(analysis, cmd, install, "--no-install-recommends")
        fix = Fix("Add --no-install-recommends", [edit], safe=False) if edit else None
        yield found_at("AptNoInstallRecommends",
                       "apt-get install also installs every recommended package; add "
                       "--no-install-recommends and list what you really need.",
                       cmd.span(install), run.top, fix)


@rule("AptPinVersions", family=FAMILY, severity="hint", aliases=("DL3008",),
      summary="A package installed with apt-get install without a version.")
def check_apt_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    for run, cmd in model_of(analysis).runs_of("apt-get"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        for word in cmd.operands_after(install, _APT_VALUE_OPTIONS):
            text = word.text
            if word.has_expansion or "=" in text or "/" in text or text.endswith(".deb"):
                continue
            yield found_at("AptPinVersions",
                           f"Package '{text}' has no version: pin it (apt-get install {text}=<version>) "
                           "so rebuilds install the same software.", cmd.span(word), run.top)


def _dist_clean(cmd: Cmd) -> bool:
    """``apt-get dist-clean`` (apt 2.7.8 and later) deletes the lists as well as the cache."""
    return cmd.name in ("apt-get", "apt") and cmd.subcommand(("dist-clean",)) is not None


def _apt_update(cmd: Cmd) -> Optional[Word]:
    """The ``update`` of ``apt-get update`` (or ``apt``/``aptitude``), which downloads the lists."""
    if cmd.name in ("apt-get", "apt", "aptitude"):
        return cmd.subcommand(("update",))
    return None


@rule("AptListsNotCleaned", family=FAMILY, severity="information", aliases=("DL3009",), fixable=True,
      summary="apt-get update in a RUN that does not delete /var/lib/apt/lists afterwards.")
def check_apt_lists_not_cleaned(analysis: "Analysis") -> Iterator[Finding]:
    """The package lists ``apt-get update`` downloads stay in the layer: tens of megabytes.

    As in hadolint, only stages that end up in an image are checked: the last stage, stages
    other stages are built FROM, and ONBUILD triggers. A cache or tmpfs mount over the lists
    keeps them out of the layer.
    """
    model = model_of(analysis)
    for run in model.runs:
        found = next(((cmd, word) for cmd in run.cmds if (word := _apt_update(cmd)) is not None), None)
        if found is None or not stage_shipped(model, run):
            continue
        cmd, update = found
        if any(removes(c, "/var/lib/apt/lists") or _dist_clean(c) for c in run.cmds):
            continue
        if run.cache_mount_with("/var/lib/apt/lists") or (
                run.cache_mount_with("/var/lib/apt") and run.cache_mount_with("/var/cache/apt")):
            continue
        edit = append_to_run(run, "rm -rf /var/lib/apt/lists/*")
        fix = Fix("Delete the apt lists at the end of the RUN", [edit], safe=False) if edit else None
        yield found_at("AptListsNotCleaned",
                       "The package lists downloaded by 'update' stay in this layer: end the RUN "
                       "with 'rm -rf /var/lib/apt/lists/*'.", cmd.span(update), run.top, fix)


# apt subcommands and their apt-get / apt-cache equivalents.
_APT_REPLACEMENTS = {
    **{sub: ("apt-get", sub) for sub in ("install", "update", "upgrade", "remove", "purge", "autoremove",
                                         "clean", "autoclean", "build-dep", "source", "download",
                                         "satisfy", "dist-upgrade", "check")},
    "full-upgrade": ("apt-get", "dist-upgrade"),
    **{sub: ("apt-cache", sub) for sub in ("search", "show", "policy", "depends", "rdepends", "showsrc")},
}


@rule("AptUseAptGet", family=FAMILY, severity="warning", aliases=("DL3027",), fixable=True,
      summary="apt in a RUN: its interface is for people and may change; scripts use apt-get.")
def check_apt_use_apt_get(analysis: "Analysis") -> Iterator[Finding]:
    """``apt`` warns that its command-line interface is not stable; ``apt-get`` is."""
    for run, cmd in model_of(analysis).runs_of("apt"):
        program = cmd.words[0]
        edits: list[Edit] = []
        sub = next((r.word for r in cmd.roles[1:] if r.role in ("subcommand", "operand")), None)
        target = _APT_REPLACEMENTS.get(sub.text) if sub is not None else None
        fix = None
        if target is not None and sub is not None and program.text == "apt":
            edits.append(Edit(*cmd.span(program), target[0]))
            if target[1] != sub.text:
                edits.append(Edit(*cmd.span(sub), target[1]))
            fix = Fix(f"Use {target[0]} {target[1]}", edits, preferred=True, safe=False)
        yield found_at("AptUseAptGet",
                       "apt is meant for interactive use and its output and options may change; "
                       "use apt-get (or apt-cache to query) in a Dockerfile.",
                       cmd.span(program), run.top, fix)
