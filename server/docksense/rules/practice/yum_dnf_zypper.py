"""yum, dnf, microdnf and zypper: prompts, caches, pinning, distribution upgrades.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterator, Optional

from ...syntax import Instruction
from ...syntax.words import unquote
from ..context import computed_once
from ..model import Finding, Fix
from ..registry import rule
from .common import (
    append_to_run,
    followed_by,
    found_at,
    insert_option,
    removes,
)
from .model import FAMILY, Cmd, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

def _missing_yes(analysis: "Analysis", name: str, programs: tuple[str, ...], subs: tuple[str, ...],
                 yes: tuple[str, ...], option: str, where: str) -> Iterator[Finding]:
    """Findings for a package manager run without its non-interactive switch."""
    for run, cmd in model_of(analysis).runs_of(*programs):
        sub = cmd.subcommand(subs)
        if sub is None or cmd.has_flag(*yes):
            continue
        anchor = cmd.words[0] if where == "program" else sub
        edit = insert_option(analysis, cmd, anchor, option)
        fix = Fix(f"Add {option}", [edit], preferred=True, safe=True) if edit else None
        yield found_at(name,
                       f"{cmd.name} {sub.text} asks for confirmation, which nobody can give during a "
                       f"build: add {option}.", cmd.span(sub), run.top, fix)


@rule("YumMissingYes", family=FAMILY, severity="warning", aliases=("DL3030",), fixable=True,
      summary="yum install without -y: the build has no terminal to answer the prompt.")
def check_yum_missing_yes(analysis: "Analysis") -> Iterator[Finding]:
    """``yum install`` prompts; a build cannot answer, so it fails."""
    return _missing_yes(analysis, "YumMissingYes", ("yum",), ("install", "groupinstall", "localinstall"),
                        ("y", "assumeyes"), "-y", "sub")


@rule("DnfMissingYes", family=FAMILY, severity="warning", aliases=("DL3038",), fixable=True,
      summary="dnf install without -y: the build has no terminal to answer the prompt.")
def check_dnf_missing_yes(analysis: "Analysis") -> Iterator[Finding]:
    """``dnf install`` prompts; a build cannot answer, so it fails. microdnf never prompts
    (its ``-y`` is accepted for compatibility only), so it is not flagged."""
    return _missing_yes(analysis, "DnfMissingYes", ("dnf",),
                        ("install", "groupinstall", "localinstall"), ("y", "assumeyes"), "-y", "sub")


@rule("ZypperMissingNonInteractive", family=FAMILY, severity="warning", aliases=("DL3034",),
      fixable=True, summary="zypper install or remove without -n: the build cannot answer the prompt.")
def check_zypper_missing_non_interactive(analysis: "Analysis") -> Iterator[Finding]:
    """zypper prompts before changing packages; ``-n`` (global) answers with the default."""
    return _missing_yes(analysis, "ZypperMissingNonInteractive", ("zypper",),
                        ("install", "in", "remove", "rm", "source-install", "si", "patch"),
                        ("non-interactive", "n", "no-confirm", "y"), "-n", "program")


def _cleaned(analysis: "Analysis", name: str, programs: tuple[str, ...], installs: tuple[str, ...],
             cleans: Callable[[Cmd, str], bool], mounts: tuple[str, ...], clean_text: str
             ) -> Iterator[Finding]:
    """Findings for package-manager installs not followed by a clean-up in the same RUN.

    As in hadolint, the first install of each program needs a clean-up after it.
    """
    for run in model_of(analysis).runs:
        if any(run.cache_mount_with(m) for m in mounts):
            continue
        for program in programs:
            first = None
            sub = None
            for cmd in run.named(program):
                sub = cmd.subcommand(installs)
                if sub is not None:
                    first = cmd
                    break
            if first is None or sub is None:
                continue
            if followed_by(first, run.cmds, lambda c: cleans(c, program)):
                continue
            clean = clean_text.format(program=program)
            edit = append_to_run(run, clean)
            fix = Fix(f"Run {clean} at the end of the RUN", [edit], safe=False) if edit else None
            yield found_at(name,
                           f"{program}'s package cache stays in this layer: run '{clean}' after "
                           f"'{program} {sub.text}' in the same RUN.", first.span(sub), run.top, fix)


def _clean_sub(cmd: Cmd, program: str) -> bool:
    """``<program> clean ...`` (hadolint accepts any clean, not only ``clean all``)."""
    return cmd.name == program and cmd.subcommand(("clean",)) is not None


@rule("YumClean", family=FAMILY, severity="warning", aliases=("DL3032",), fixable=True,
      summary="yum install in a RUN that does not run yum clean all afterwards.")
def check_yum_clean(analysis: "Analysis") -> Iterator[Finding]:
    """yum's cache of packages and metadata stays in the layer unless the same RUN cleans it."""
    return _cleaned(analysis, "YumClean", ("yum",), ("install",),
                    lambda c, p: _clean_sub(c, p) or removes(c, "/var/cache/yum"),
                    ("/var/cache/yum",), "yum clean all")


@rule("DnfClean", family=FAMILY, severity="warning", aliases=("DL3040",), fixable=True,
      summary="dnf install in a RUN that does not run dnf clean all afterwards.")
def check_dnf_clean(analysis: "Analysis") -> Iterator[Finding]:
    """dnf's cache of packages and metadata stays in the layer unless the same RUN cleans it."""
    return _cleaned(analysis, "DnfClean", ("dnf", "microdnf"),
                    ("install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei"),
                    lambda c, p: _clean_sub(c, p) or removes(c, "/var/cache/libdnf5", "/var/cache/dnf",
                                                              "/var/cache/yum"),
                    ("/var/cache/libdnf5", ".cache/libdnf5", "/var/cache/dnf"), "{program} clean all")


@rule("ZypperClean", family=FAMILY, severity="warning", aliases=("DL3036",), fixable=True,
      summary="zypper install in a RUN that does not run zypper clean afterwards.")
def check_zypper_clean(analysis: "Analysis") -> Iterator[Finding]:
    """zypper's package cache stays in the layer unless the same RUN cleans it."""
    return _cleaned(analysis, "ZypperClean", ("zypper",), ("install", "in"),
                    lambda c, p: c.name == p and c.subcommand(("clean", "cc")) is not None,
                    ("/var/cache/zypp",), "zypper clean")


def _rpm_version_like(parts: list[str]) -> bool:
    """hadolint's ``isVersionLike``: version characters only, one part starting with a digit."""
    valid = re.compile(r"[0-9A-Za-z.~^_:+]*")
    return bool(parts) and all(valid.fullmatch(p) for p in parts) and any(p[:1].isdigit() for p in parts)


def _rpm_pinned(text: str) -> bool:
    """``name-version`` (hadolint's test), or an .rpm file, which always holds one version
    (hadolint checks for a dash first and so flags ``./local.rpm``)."""
    if text.endswith(".rpm"):
        return True
    parts = text.split("-")
    return len(parts) > 1 and _rpm_version_like(parts[1:])


_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")


def _with_build_values(analysis: "Analysis", ins: Instruction, text: str) -> Optional[str]:
    """``text`` with the build's variables replaced, as far as they decide pinning.

    An ENV or ARG value in scope is substituted; a name some ARG declares anywhere (its
    value is given at build time, as in hadolint) counts as a version; a name nothing
    defines for this stage (an ENV of an unrelated stage) is empty, so the package is
    unpinned. None when the word needs run-time values (``$(...)``, backquotes).
    """
    if "$(" in text or "`" in text:
        return None
    declared_args = computed_once(analysis, "practice.arg-names", lambda: {
        pair.key for item in analysis.tree.instructions if item.name == "ARG" for pair in item.pairs})

    def value(match: "re.Match[str]") -> str:
        name = match.group(1) or match.group(2)
        resolution = analysis.scopes.resolve(name, ins)
        if resolution.status in ("env", "arg") and resolution.value:
            return unquote(resolution.value)
        return "0" if name in declared_args else ""

    return _VAR.sub(value, text)


def _rpm_pin(analysis: "Analysis", name: str, programs: tuple[str, ...], excluded: tuple[str, ...]
             ) -> Iterator[Finding]:
    """Unpinned ``yum``/``dnf install`` packages (``name-version``) and modules (``name:stream``)."""
    for run, cmd in model_of(analysis).runs_of(*programs):
        texts = cmd.arg_texts()
        if "install" not in texts or any(t in texts for t in excluded):
            continue
        module = "module" in texts
        install = cmd.args[texts.index("install")]
        for word in cmd.operands_after(install):
            text = word.text
            if text in ("install", "module"):
                continue
            judged = text
            if word.has_expansion:
                expanded = _with_build_values(analysis, run.top, text)
                if not expanded:
                    continue  # a run-time value, or a whole word that expands to nothing
                judged = expanded
            if (":" in judged) if module else _rpm_pinned(judged):
                continue
            example = f"{text}:<stream>" if module else f"{text}-<version>"
            yield found_at(name,
                           f"'{text}' has no version: pin it ({cmd.name} install {example}).",
                           cmd.span(word), run.top)


@rule("YumPinVersions", family=FAMILY, severity="hint", aliases=("DL3033",),
      summary="A package installed with yum install without a version.")
def check_yum_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    return _rpm_pin(analysis, "YumPinVersions", ("yum",), ())


@rule("DnfPinVersions", family=FAMILY, severity="hint", aliases=("DL3041",),
      summary="A package installed with dnf install without a version.")
def check_dnf_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    return _rpm_pin(analysis, "DnfPinVersions", ("dnf", "microdnf"), ("group",))


@rule("ZypperPinVersions", family=FAMILY, severity="hint", aliases=("DL3037",),
      summary="A package installed with zypper install without a version.")
def check_zypper_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    for run, cmd in model_of(analysis).runs_of("zypper"):
        install = cmd.subcommand(("install", "in"))
        if install is None:
            continue
        for word in cmd.operands_after(install):
            text = word.text
            if word.has_expansion or any(c in text for c in "=<>") or text.endswith(".rpm"):
                continue
            yield found_at("ZypperPinVersions",
                           f"Package '{text}' has no version: pin it (zypper install {text}=<version>).",
                           cmd.span(word), run.top)


@rule("ZypperDistUpgrade", family=FAMILY, severity="warning", aliases=("DL3035",),
      summary="zypper dist-upgrade in a RUN: it may move the image to another distribution release.")
def check_zypper_dist_upgrade(analysis: "Analysis") -> Iterator[Finding]:
    """A distribution upgrade belongs in the base image, not in each build."""
    for run, cmd in model_of(analysis).runs_of("zypper"):
        sub = cmd.subcommand(("dist-upgrade", "dup"))
        if sub is not None:
            yield found_at("ZypperDistUpgrade",
                           "zypper dist-upgrade can move the image to a new distribution release; use "
                           "a newer base image instead, or 'zypper update' for fixes.",
                           cmd.span(sub), run.top)
