"""pip: the download cache and pinning.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator, Optional

from ...analysis.shell import Word
from ...syntax.words import unquote
from ..model import Finding, Fix
from ..registry import rule
from .common import (
    TRUTHY,
    found_at,
    insert_option,
)
from .model import FAMILY, Cmd, Run, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis

_PIP_NO_CACHE = re.compile(r"PIP_NO_CACHE_DIR=['\"]?([A-Za-z0-9]+)")

_PIP_VALUE_OPTIONS = ("abi", "b", "build", "e", "editable", "extra-index-url", "f", "find-links", "i",
                      "index-url", "implementation", "no-binary", "only-binary", "platform", "prefix",
                      "progress-bar", "proxy", "python", "python-version", "root", "root-user-action",
                      "src", "t", "target", "trusted-host", "upgrade-strategy")
_VCS_SCHEMES = ("git+file", "git+https", "git+ssh", "git+http", "git+git", "git", "hg+file", "hg+http",
                "hg+https", "hg+ssh", "hg+static-http", "svn", "svn+svn", "svn+http", "svn+https",
                "svn+ssh", "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp")
_PIP_VERSION_SYMBOLS = ("==", ">=", "<=", ">", "<", "!=", "~=", "===")


def _pip_install(cmd: Cmd) -> Optional[Word]:
    """The ``install`` word of ``pip install`` or ``python -m pip install`` (hadolint's
    ``isPipInstall``: ``pip*`` programs but not ``pipenv``)."""
    texts = cmd.arg_texts()
    if cmd.name.startswith("pip") and not cmd.name.startswith("pipenv"):
        if "install" in texts:
            return cmd.args[texts.index("install")]
    elif cmd.name.startswith("python"):
        for index in range(len(texts) - 2):
            if texts[index:index + 3] == ["-m", "pip", "install"]:
                return cmd.args[index + 2]
    return None


def _pip_wrapper(cmd: Cmd) -> bool:
    """pipx and pipenv manage their own caches."""
    texts = cmd.arg_texts()
    for wrapper in ("pipx", "pipenv"):
        if wrapper in cmd.name:
            return True
        if cmd.name.startswith("python") and any(texts[i:i + 2] == ["-m", wrapper] for i in range(len(texts))):
            return True
    return False


def _pip_no_cache_set(analysis: "Analysis", run: Run) -> bool:
    """Whether ``PIP_NO_CACHE_DIR`` is true for the RUN: set by an earlier ENV or ARG of the
    stage (or of the stage it is built FROM), or assigned in the RUN itself."""
    if "PIP_NO_CACHE_DIR" not in analysis.text:
        return False  # spares building the scopes in the common case
    resolution = analysis.scopes.resolve("PIP_NO_CACHE_DIR", run.top)
    if resolution.status in ("env", "arg") and unquote(resolution.value or "") in TRUTHY:
        return True
    match = _PIP_NO_CACHE.search(run.run.args)
    return match is not None and match.group(1) in TRUTHY


@rule("PipNoCacheDir", family=FAMILY, severity="warning", aliases=("DL3042",), fixable=True,
      summary="pip install without --no-cache-dir keeps pip's download cache in the layer.")
def check_pip_no_cache_dir(analysis: "Analysis") -> Iterator[Finding]:
    """pip's cache is useless in an image and can weigh as much as the packages themselves."""
    for run in model_of(analysis).runs:
        candidates = [(cmd, _pip_install(cmd)) for cmd in run.cmds if cmd.name.startswith(("pip", "python"))]
        candidates = [(cmd, word) for cmd, word in candidates
                      if word is not None and "--no-cache-dir" not in cmd.arg_texts() and not _pip_wrapper(cmd)]
        if not candidates or run.cache_mount_with(".cache/pip") or _pip_no_cache_set(analysis, run):
            continue
        for cmd, install in candidates:
            edit = insert_option(analysis, cmd, install, "--no-cache-dir")
            fix = Fix("Add --no-cache-dir", [edit], preferred=True, safe=True) if edit else None
            yield found_at("PipNoCacheDir",
                           "pip keeps downloaded packages in its cache, which ends up in the layer: "
                           "add --no-cache-dir (or set ENV PIP_NO_CACHE_DIR=1).",
                           cmd.span(install), run.top, fix)


def _pip_pinned(text: str) -> bool:
    """hadolint's pip ``versionFixed``: a version specifier, a VCS URL with ``@ref``, a wheel
    or sdist file, or a local path."""
    vcs = text.startswith(_VCS_SCHEMES)
    return (any(symbol in text for symbol in _PIP_VERSION_SYMBOLS)
            or (vcs and "@" in text)
            or text.endswith((".whl", ".tar.gz"))
            or (not vcs and "/" in text))


@rule("PipPinVersions", family=FAMILY, severity="hint", aliases=("DL3013",),
      summary="A package installed with pip install without a version.")
def check_pip_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built.

    Installs from a requirements file (``-r``), of the local project (``.``) or under a
    constraints file (``-c``) are left alone: the versions are decided there.
    """
    for run in model_of(analysis).runs:
        for cmd in run.cmds:
            if not cmd.name.startswith(("pip", "python")):
                continue
            install = _pip_install(cmd)
            if install is None:
                continue
            texts = cmd.arg_texts()
            if "--requirement" in texts or "-r" in texts or "." in texts or cmd.has_flag("constraint", "c"):
                continue
            for word in cmd.operands_after(install, _PIP_VALUE_OPTIONS):
                if word.has_expansion or word.text == "install" or _pip_pinned(word.text):
                    continue
                yield found_at("PipPinVersions",
                               f"Package '{word.text}' has no version: pin it (pip install "
                               f"{word.text}==<version>) or install from a requirements file.",
                               cmd.span(word), run.top)
