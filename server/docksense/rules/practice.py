"""Family ``practice``: hadolint's Dockerfile best practices, on the exact words they concern.

Each rule re-implements the condition of one hadolint check (``src/Hadolint/Rule/DLxxxx.hs``
in hadolint/hadolint) and carries its code as an alias, so ``# hadolint ignore=DL3008``,
``.hadolint.yaml`` and ``# check=skip=DL3008`` keep working. Checks that BuildKit or the
syntax family already make are not repeated here (DL3000, DL3011, DL3012, DL3021, DL3023,
DL3024, DL3025, DL3043, DL3061, DL3063, DL3064, DL3065, DL4000, DL4003, DL4004).

Where this differs from hadolint, on purpose:

* **Commands are read with the shell layer** (:mod:`docksense.analysis.shell`), not with
  ShellCheck's view of the RUN line: ``sudo apt-get install`` is an ``apt-get`` command
  (hadolint sees only ``sudo``), ``sh -c "pip install x"`` and heredoc scripts are read too,
  and an option the knowledge base knows to take a value (``apt-get -o X install``) does not
  make its value look like a package or a subcommand. Findings point at the word concerned
  (the ``install`` subcommand, each unpinned package, the ``cd``, the ``|``), not at the
  whole instruction.
* **Words holding an expansion** (``$PACKAGES``, ``$(cat list)``) are not judged by the
  pinning and ADD rules: their value is unknown before the build, and hadolint's verdict on
  them is a guess.
* **Known false positives are avoided**: ``cd`` inside a subshell or ``sh -c`` (it cannot
  leak into later commands), a pipe after ``set -o pipefail`` in the same RUN, SHELL
  inherited from a base stage, ``go run main.go``. Clean-up commands are recognised in
  their usual spellings (``rm -fr``, ``rm -rf /var/lib/apt/lists``), not only hadolint's
  exact ``rm -rf /var/lib/apt/lists/*``.
* **Severities**: hadolint's ``error`` becomes ``warning`` here, because docksense keeps
  ``error`` for what fails the build; version-pinning rules and DL3059 are ``hint`` (they
  are right in spirit and noisy in practice); hadolint's ``style`` is ``hint`` and ``info``
  is ``information``.

All rules share one model per analysis (:func:`_model`): every RUN is parsed once, commands
are indexed by program name and classified only when a rule asks, so the family stays linear
in the size of the file.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

import attrs

from ..analysis.commands import Located, is_posix_shell
from ..analysis.images import parse_image
from ..analysis.shell import SimpleCommand, Word, WordRole, classify
from ..syntax import Instruction
from ..syntax.words import unquote
from .context import computed_once, knowledge_of
from .instructions import parse_mount
from .model import Edit, Finding, Fix
from .registry import rule

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..analysis.stages import Stage
    from ..knowledge import KnowledgeBase

FAMILY = "practice"
_MEMO_KEY = "practice.model"

# hadolint's archiveFileFormatExtensions (Hadolint/Rule.hs): what ADD unpacks.
_ARCHIVE_SUFFIXES = (".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2",
                     ".tgz", ".tlz", ".tpz", ".txz", ".xz")
_REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")
# Flags COPY accepts too: an ADD using only these can become a COPY unchanged.
_COPY_FLAGS = frozenset({"chown", "chmod", "link", "exclude"})
# Reserved words that may start the command after a pipe (used to tell `a | while ...` from a
# case pattern `a|b)`).
_COMMAND_STARTERS = ("while", "until", "if", "for", "case", "select", "time", "!", "(", "{", "[[")
_TRUTHY = frozenset({"1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"})
_PIP_NO_CACHE = re.compile(r"PIP_NO_CACHE_DIR=['\"]?([A-Za-z0-9]+)")


# ---------------------------------------------------------------------------------------------
# The model: every RUN's commands, once per analysis
# ---------------------------------------------------------------------------------------------


@attrs.define(eq=False)
class _Cmd:
    """One simple command of a RUN, with its classification computed on first use."""

    loc: Located
    run: "_Run"
    name: str  # basename of the program as written
    kb: "KnowledgeBase" = attrs.field(repr=False)
    _roles: Optional[list[WordRole]] = None

    @property
    def command(self) -> SimpleCommand:
        return self.loc.command

    @property
    def words(self) -> tuple[Word, ...]:
        return self.loc.command.words

    @property
    def args(self) -> tuple[Word, ...]:
        return self.loc.command.words[1:]

    @property
    def roles(self) -> list[WordRole]:
        """What each word is to the program (subcommand, option, value ...), from the knowledge base."""
        if self._roles is None:
            self._roles = classify(self.loc.command, self.kb)
        return self._roles

    def span(self, word: Word) -> tuple[int, int]:
        """Document offsets of one of this command's words."""
        return self.loc.span(word.start, word.end)

    def flags(self) -> list[str]:
        """Option names the way hadolint's ``getAllFlags`` reads them.

        ``--name=value`` gives ``name``; ``-abc`` gives ``a``, ``b``, ``c`` (so ``-qq`` counts
        ``q`` twice); ``-`` and ``--`` are not flags.
        """
        out: list[str] = []
        for word in self.args:
            text = word.text
            if text in ("-", "--") or not text.startswith("-"):
                continue
            if text.startswith("--"):
                out.append(text[2:].split("=", 1)[0])
            else:
                out.extend(text[1:])
        return out

    def has_flag(self, *names: str) -> bool:
        wanted = set(names)
        return any(name in wanted for name in self.flags())

    def arg_texts(self) -> list[str]:
        return [word.text for word in self.args]

    def subcommand(self, wanted: Iterable[str]) -> Optional[Word]:
        """The subcommand word when it is one of ``wanted`` (``install``, ``add`` ...).

        The first operand a program reads is its subcommand. An operand the knowledge base
        does not know as a subcommand may be the value of an option it does not know, so the
        search goes on past it; a known subcommand that is not wanted ends it.
        """
        names = set(wanted)
        for role in self.roles[1:]:
            if role.role == "subcommand":
                return role.word if role.word.text in names or role.key in names else None
            if role.role == "operand":
                if role.word.text in names:
                    return role.word
        return None

    def operands_after(self, word: Word, value_options: Iterable[str] = ()) -> list[Word]:
        """Operands after ``word``: no options, no values of options.

        An option takes the next word as its value when the knowledge base says so, or when
        it is in ``value_options`` (hadolint's ``dropFlagArg`` lists, names without dashes;
        any letter of a short bundle counts, as in hadolint).
        """
        values = set(value_options)
        classified_values = {id(r.word) for r in self.roles if r.role == "option-value"}
        out: list[Word] = []
        skip_next = False
        started = False
        for arg in self.args:
            if not started:
                started = arg is word
                continue
            text = arg.text
            if id(arg) in classified_values and not text.startswith("-"):
                skip_next = False
                continue
            if skip_next:
                skip_next = False
                continue
            if text == "--":
                continue
            if text.startswith("-") and len(text) > 1:
                if "=" not in text:
                    names = [text[2:]] if text.startswith("--") else list(text[1:])
                    skip_next = any(name in values for name in names)
                continue
            out.append(arg)
        return out


@attrs.define(eq=False)
class _Run:
    """A RUN instruction (or an ONBUILD RUN trigger) and its commands in source order."""

    top: Instruction  # the instruction in the file (the ONBUILD for a trigger)
    run: Instruction  # the RUN itself
    stage: Optional["Stage"]
    shell: list[str]
    cmds: list[_Cmd] = attrs.Factory(list)

    @property
    def trigger(self) -> bool:
        return self.top is not self.run

    def mounts(self) -> list[tuple[str, str]]:
        """``(type, target)`` of each ``--mount`` (BuildKit's default type is ``bind``)."""
        out: list[tuple[str, str]] = []
        for flag in self.run.flags:
            if flag.name.lower() == "mount" and flag.value:
                spec = parse_mount(flag.value)
                out.append((spec.type, spec.target or ""))
        return out

    def cache_mount_with(self, fragment: str) -> bool:
        """hadolint's ``hasCacheOrTmpfsMountWith``: a cache or tmpfs mount over ``fragment``."""
        return any(kind in ("cache", "tmpfs") and fragment in target for kind, target in self.mounts())

    def named(self, *names: str) -> list[_Cmd]:
        wanted = set(names)
        return [cmd for cmd in self.cmds if cmd.name in wanted]


@attrs.define(eq=False)
class _Model:
    """What every practice rule reads: the RUNs, and which stages end up in an image."""

    runs: list[_Run]
    shipped: set[int]  # indexes of the last stage and of stages other stages build FROM
    by_name: dict[str, list[_Cmd]] = attrs.Factory(dict)  # program name -> commands, in order

    def runs_of(self, *names: str) -> Iterator[tuple[_Run, _Cmd]]:
        """Every command named one of ``names``, with its RUN, in source order."""
        if len(names) == 1:
            found = self.by_name.get(names[0], [])
        else:
            order = {id(run): index for index, run in enumerate(self.runs)}
            found = sorted((cmd for name in names for cmd in self.by_name.get(name, [])),
                           key=lambda cmd: order[id(cmd.run)])
        for cmd in found:
            yield cmd.run, cmd


def _basename(text: str) -> str:
    """``/usr/bin/apt-get`` -> ``apt-get``: rules match programs by name wherever they live."""
    return text.rstrip("/").rsplit("/", 1)[-1]


def _model(analysis: "Analysis") -> _Model:
    """The shared model, built on first use and kept with the analysis."""
    return computed_once(analysis, _MEMO_KEY, lambda: _build_model(analysis))


def _build_model(analysis: "Analysis") -> _Model:
    """Every RUN (and ONBUILD RUN) with its commands, from the analysis's shared parse (the
    same one hover uses), under the SHELL in effect for it."""
    kb = knowledge_of(analysis)
    runs: list[_Run] = []
    by_name: dict[str, list[_Cmd]] = {}
    stages = analysis.stages
    shipped = {len(stages) - 1} if stages else set()
    for stage in stages:
        if stage.base_stage is not None:
            shipped.add(stage.base_stage.index)
        for ins in stage.instructions:
            run_ins = ins.trigger if ins.trigger is not None else ins
            if run_ins.name != "RUN":
                continue
            run = _Run(ins, run_ins, stage, list(analysis.shell_for(ins)))
            for loc in analysis.commands(ins):
                words = loc.command.words
                if not words or words[0].has_expansion:
                    continue
                cmd = _Cmd(loc, run, _basename(words[0].text), kb)
                run.cmds.append(cmd)
                by_name.setdefault(cmd.name, []).append(cmd)
            runs.append(run)
    return _Model(runs, shipped, by_name)


# ---------------------------------------------------------------------------------------------
# Findings and fixes
# ---------------------------------------------------------------------------------------------


def _finding(name: str, message: str, span: tuple[int, int], top: Instruction,
             fix: Optional[Fix] = None) -> Finding:
    """A finding tied to its instruction's line (where ``# hadolint ignore=`` applies)."""
    start, end = span
    while top.parent is not None:
        top = top.parent
    return Finding(name, message, start, max(start, end), fix=fix, instruction_line=top.line)


def _insert_option(analysis: "Analysis", cmd: _Cmd, after: Word, option: str) -> Optional[Edit]:
    """An edit adding ``option`` right after the word ``after`` of ``cmd``.

    In an exec-form array the option becomes an item of its own; inside a string (shell
    form, ``sh -c "..."``, a heredoc) it is written after the word with a space.
    """
    start, end = cmd.span(after)
    if cmd.loc.source == "exec":
        text = analysis.text
        if end < len(text) and text[end] == '"':
            return Edit(end + 1, end + 1, f', "{option}"')
        return None
    return Edit(end, end, " " + option)


def _append_to_run(run: _Run, addition: str) -> Optional[Edit]:
    """An edit appending `` && addition`` at the end of a shell-form RUN.

    Offered only when the script ends with a simple command at the top level (not after a
    ``;``, ``&``, a comment, ``fi`` or ``done``), so the addition runs last and only when
    what came before succeeded.
    """
    ins = run.run
    if ins.json is not None or ins.heredocs or ins.form not in ("shell", ""):
        return None
    shell_cmds = [cmd for cmd in run.cmds if cmd.loc.source == "shell"]
    if not shell_cmds or not ins.args.strip():
        return None
    text_end = len(ins.args.rstrip())
    last = max((cmd.command.end for cmd in shell_cmds if cmd.command.context == "top"), default=-1)
    if last != text_end:
        return None
    position = shell_cmds[0].loc.span(text_end, text_end)[0]
    return Edit(position, position, f" && {addition}")


# ---------------------------------------------------------------------------------------------
# Shell facts several rules share
# ---------------------------------------------------------------------------------------------


def _removes(cmd: _Cmd, *prefixes: str) -> bool:
    """``rm -r`` (any spelling of recursive) of a path starting with one of ``prefixes``."""
    if cmd.name != "rm" or not cmd.has_flag("r", "R", "recursive"):
        return False
    return any(not w.text.startswith("-") and w.text.startswith(prefixes) for w in cmd.args)


def _after(first: _Cmd, cmds: Sequence[_Cmd], test: Callable[[_Cmd], bool]) -> bool:
    """Whether a command after ``first`` in ``cmds`` passes ``test``."""
    seen = False
    for cmd in cmds:
        if cmd is first:
            seen = True
        elif seen and test(cmd):
            return True
    return False


def _archive(text: str) -> bool:
    """A path ADD would unpack (hadolint's list of archive suffixes)."""
    return unquote(text).endswith(_ARCHIVE_SUFFIXES)


def _remote(text: str) -> bool:
    """A source ADD would download: an HTTP(S) URL or a Git remote."""
    return unquote(text).startswith(_REMOTE_PREFIXES)


def _paths(ins: Instruction) -> list[Word]:
    """Sources and destination of COPY/ADD (JSON items in exec form)."""
    if ins.json is not None:
        return list(ins.json.items)
    return list(ins.words)


def _stage_shipped(model: _Model, run: _Run) -> bool:
    """Whether the RUN's layers end up in an image: the last stage, a base of another
    stage, or an ONBUILD trigger (it runs in the child image)."""
    return run.trigger or run.stage is None or run.stage.index in model.shipped


# ---------------------------------------------------------------------------------------------
# apt-get / apt
# ---------------------------------------------------------------------------------------------

_APT_VALUE_OPTIONS = ("t", "target-release")


@rule("AptGetMissingYes", family=FAMILY, severity="warning", aliases=("DL3014",), fixable=True,
      summary="apt-get install without -y: the build has no terminal to answer the prompt.")
def check_apt_get_missing_yes(analysis: "Analysis") -> Iterator[Finding]:
    """``apt-get install`` asks for confirmation; in a build nobody answers and it aborts."""
    for run, cmd in _model(analysis).runs_of("apt-get"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        flags = cmd.flags()
        if any(f in ("y", "yes", "assume-yes", "qq") for f in flags) or flags.count("q") >= 2 \
                or flags.count("quiet") >= 2 or "-q=2" in cmd.arg_texts() \
                or any("Assume-Yes=true" in t for t in cmd.arg_texts()):
            continue
        edit = _insert_option(analysis, cmd, install, "-y")
        fix = Fix("Add -y", [edit], preferred=True, safe=True) if edit else None
        yield _finding("AptGetMissingYes",
                       "apt-get install without -y waits for a confirmation nobody can give during "
                       "a build, so it aborts: add -y.", cmd.span(install), run.top, fix)


@rule("AptNoInstallRecommends", family=FAMILY, severity="information", aliases=("DL3015",),
      fixable=True, summary="apt-get install without --no-install-recommends pulls in extra packages.")
def check_apt_no_install_recommends(analysis: "Analysis") -> Iterator[Finding]:
    """Recommended packages are installed by default: often many megabytes nobody asked for."""
    for run, cmd in _model(analysis).runs_of("apt-get"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        if cmd.has_flag("no-install-recommends") or "APT::Install-Recommends=false" in cmd.arg_texts() \
                or any(t.endswith("APT::Install-Recommends=false") for t in cmd.arg_texts()):
            continue
        edit = _insert_option(analysis, cmd, install, "--no-install-recommends")
        fix = Fix("Add --no-install-recommends", [edit], safe=False) if edit else None
        yield _finding("AptNoInstallRecommends",
                       "apt-get install also installs every recommended package; add "
                       "--no-install-recommends and list what you really need.",
                       cmd.span(install), run.top, fix)


@rule("AptPinVersions", family=FAMILY, severity="hint", aliases=("DL3008",),
      summary="A package installed with apt-get install without a version.")
def check_apt_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    for run, cmd in _model(analysis).runs_of("apt-get"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        for word in cmd.operands_after(install, _APT_VALUE_OPTIONS):
            text = word.text
            if word.has_expansion or "=" in text or "/" in text or text.endswith(".deb"):
                continue
            yield _finding("AptPinVersions",
                           f"Package '{text}' has no version: pin it (apt-get install {text}=<version>) "
                           "so rebuilds install the same software.", cmd.span(word), run.top)


def _dist_clean(cmd: _Cmd) -> bool:
    """``apt-get dist-clean`` (apt 2.7.8 and later) deletes the lists as well as the cache."""
    return cmd.name in ("apt-get", "apt") and cmd.subcommand(("dist-clean",)) is not None


def _apt_update(cmd: _Cmd) -> Optional[Word]:
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
    model = _model(analysis)
    for run in model.runs:
        found = next(((cmd, word) for cmd in run.cmds if (word := _apt_update(cmd)) is not None), None)
        if found is None or not _stage_shipped(model, run):
            continue
        cmd, update = found
        if any(_removes(c, "/var/lib/apt/lists") or _dist_clean(c) for c in run.cmds):
            continue
        if run.cache_mount_with("/var/lib/apt/lists") or (
                run.cache_mount_with("/var/lib/apt") and run.cache_mount_with("/var/cache/apt")):
            continue
        edit = _append_to_run(run, "rm -rf /var/lib/apt/lists/*")
        fix = Fix("Delete the apt lists at the end of the RUN", [edit], safe=False) if edit else None
        yield _finding("AptListsNotCleaned",
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
    for run, cmd in _model(analysis).runs_of("apt"):
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
        yield _finding("AptUseAptGet",
                       "apt is meant for interactive use and its output and options may change; "
                       "use apt-get (or apt-cache to query) in a Dockerfile.",
                       cmd.span(program), run.top, fix)


# ---------------------------------------------------------------------------------------------
# apk
# ---------------------------------------------------------------------------------------------


@rule("ApkNoCache", family=FAMILY, severity="information", aliases=("DL3019",), fixable=True,
      summary="apk add without --no-cache leaves the package index in the layer.")
def check_apk_no_cache(analysis: "Analysis") -> Iterator[Finding]:
    """``--no-cache`` fetches a fresh index and keeps nothing: no ``--update``, no clean-up."""
    for run, cmd in _model(analysis).runs_of("apk"):
        add = cmd.subcommand(("add",))
        # --no-network reads nothing from the network, so there is no index to keep
        if add is None or cmd.has_flag("no-cache", "no-network") or run.cache_mount_with("/var/cache/apk"):
            continue
        edit = _insert_option(analysis, cmd, add, "--no-cache")
        fix = Fix("Add --no-cache", [edit], preferred=True, safe=True) if edit else None
        yield _finding("ApkNoCache",
                       "apk add keeps the package index in /var/cache/apk: add --no-cache (it also "
                       "makes '--update' and deleting the cache unnecessary).",
                       cmd.span(add), run.top, fix)


@rule("ApkPinVersions", family=FAMILY, severity="hint", aliases=("DL3018",),
      summary="A package installed with apk add without a version.")
def check_apk_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built."""
    for run, cmd in _model(analysis).runs_of("apk"):
        add = cmd.subcommand(("add",))
        if add is None:
            continue
        for word in cmd.operands_after(add, ("t", "virtual", "repository", "X")):
            text = word.text
            if word.has_expansion or any(c in text for c in "=~<>") or text.endswith(".apk"):
                continue
            yield _finding("ApkPinVersions",
                           f"Package '{text}' has no version: pin it (apk add {text}=<version>) so "
                           "rebuilds install the same software.", cmd.span(word), run.top)


# ---------------------------------------------------------------------------------------------
# pip
# ---------------------------------------------------------------------------------------------

_PIP_VALUE_OPTIONS = ("abi", "b", "build", "e", "editable", "extra-index-url", "f", "find-links", "i",
                      "index-url", "implementation", "no-binary", "only-binary", "platform", "prefix",
                      "progress-bar", "proxy", "python", "python-version", "root", "root-user-action",
                      "src", "t", "target", "trusted-host", "upgrade-strategy")
_VCS_SCHEMES = ("git+file", "git+https", "git+ssh", "git+http", "git+git", "git", "hg+file", "hg+http",
                "hg+https", "hg+ssh", "hg+static-http", "svn", "svn+svn", "svn+http", "svn+https",
                "svn+ssh", "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp")
_PIP_VERSION_SYMBOLS = ("==", ">=", "<=", ">", "<", "!=", "~=", "===")


def _pip_install(cmd: _Cmd) -> Optional[Word]:
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


def _pip_wrapper(cmd: _Cmd) -> bool:
    """pipx and pipenv manage their own caches."""
    texts = cmd.arg_texts()
    for wrapper in ("pipx", "pipenv"):
        if wrapper in cmd.name:
            return True
        if cmd.name.startswith("python") and any(texts[i:i + 2] == ["-m", wrapper] for i in range(len(texts))):
            return True
    return False


def _pip_no_cache_set(analysis: "Analysis", run: _Run) -> bool:
    """Whether ``PIP_NO_CACHE_DIR`` is true for the RUN: set by an earlier ENV or ARG of the
    stage (or of the stage it is built FROM), or assigned in the RUN itself."""
    if "PIP_NO_CACHE_DIR" not in analysis.text:
        return False  # spares building the scopes in the common case
    resolution = analysis.scopes.resolve("PIP_NO_CACHE_DIR", run.top)
    if resolution.status in ("env", "arg") and unquote(resolution.value or "") in _TRUTHY:
        return True
    match = _PIP_NO_CACHE.search(run.run.args)
    return match is not None and match.group(1) in _TRUTHY


@rule("PipNoCacheDir", family=FAMILY, severity="warning", aliases=("DL3042",), fixable=True,
      summary="pip install without --no-cache-dir keeps pip's download cache in the layer.")
def check_pip_no_cache_dir(analysis: "Analysis") -> Iterator[Finding]:
    """pip's cache is useless in an image and can weigh as much as the packages themselves."""
    for run in _model(analysis).runs:
        candidates = [(cmd, _pip_install(cmd)) for cmd in run.cmds if cmd.name.startswith(("pip", "python"))]
        candidates = [(cmd, word) for cmd, word in candidates
                      if word is not None and "--no-cache-dir" not in cmd.arg_texts() and not _pip_wrapper(cmd)]
        if not candidates or run.cache_mount_with(".cache/pip") or _pip_no_cache_set(analysis, run):
            continue
        for cmd, install in candidates:
            edit = _insert_option(analysis, cmd, install, "--no-cache-dir")
            fix = Fix("Add --no-cache-dir", [edit], preferred=True, safe=True) if edit else None
            yield _finding("PipNoCacheDir",
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
    for run in _model(analysis).runs:
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
                yield _finding("PipPinVersions",
                               f"Package '{word.text}' has no version: pin it (pip install "
                               f"{word.text}==<version>) or install from a requirements file.",
                               cmd.span(word), run.top)


# ---------------------------------------------------------------------------------------------
# npm, gem, go, yarn
# ---------------------------------------------------------------------------------------------


def _npm_pinned(text: str) -> bool:
    """hadolint's npm ``versionFixed``: git URLs need a ``#ref``; tarballs and folders are
    fixed; otherwise ``@version`` after the package's ``@scope/``."""
    if text.startswith(("git://", "git+ssh://", "git+http://", "git+https://")):
        return "#" in text
    if text.endswith((".tar", ".tar.gz", ".tgz")) or text.startswith(("/", "./", "../", "~/")):
        return True
    name = text.split("/", 1)[1] if text.startswith("@") and "/" in text else text  # drop the @scope
    return "@" in name


@rule("NpmPinVersions", family=FAMILY, severity="hint", aliases=("DL3016",),
      summary="A package installed with npm install without a version.")
def check_npm_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned packages make the image depend on the day it was built.

    ``npm install`` without packages installs from package.json and its lock file: fine.
    """
    for run, cmd in _model(analysis).runs_of("npm"):
        install = cmd.subcommand(("install",))
        if install is None:
            continue
        for word in cmd.operands_after(install, ("loglevel", "registry")):
            if word.has_expansion or word.text == "install" or _npm_pinned(word.text):
                continue
            yield _finding("NpmPinVersions",
                           f"Package '{word.text}' has no version: pin it (npm install "
                           f"{word.text}@<version>).", cmd.span(word), run.top)


@rule("GemPinVersions", family=FAMILY, severity="hint", aliases=("DL3028",),
      summary="A gem installed with gem install without a version.")
def check_gem_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """Unpinned gems make the image depend on the day it was built."""
    for run, cmd in _model(analysis).runs_of("gem"):
        install = cmd.subcommand(("install", "i"))
        if install is None:
            continue
        texts = cmd.arg_texts()
        if "-v" in texts or "--version" in texts or any(t.startswith("--version=") for t in texts):
            continue
        for word in cmd.operands_after(install):
            if word.has_expansion or ":" in word.text:
                continue
            yield _finding("GemPinVersions",
                           f"Gem '{word.text}' has no version: pin it (gem install {word.text}:<version>).",
                           cmd.span(word), run.top)


def _go_pinned(text: str) -> bool:
    """A local package, or a module with ``@version`` that is not ``@latest``/``@none``."""
    if text == "." or text.startswith(("/", ".")):
        return True
    return "@" in text and not text.endswith(("@latest", "@none"))


@rule("GoInstallPinVersions", family=FAMILY, severity="hint", aliases=("DL3062",),
      summary="go install, go get or go run of a module without a version.")
def check_go_install_pin_versions(analysis: "Analysis") -> Iterator[Finding]:
    """``go install pkg`` without ``@version`` builds whatever is newest that day.

    ``go run`` is checked for its package argument only when it names a module path (not
    ``main.go``), as its other words are the program's arguments.
    """
    for run, cmd in _model(analysis).runs_of("go"):
        sub = cmd.subcommand(("install", "get", "run"))
        if sub is None:
            continue
        packages = [w for w in cmd.operands_after(sub) if w.text != "tool"]
        if sub.text == "run":
            packages = [w for w in packages[:1] if not w.text.endswith(".go")]
        for word in packages:
            if word.has_expansion or _go_pinned(word.text):
                continue
            yield _finding("GoInstallPinVersions",
                           f"'{word.text}' has no version: write go {sub.text} {word.text}@<version> "
                           "(not @latest).", cmd.span(word), run.top)


def _yarn_cleans(cmd: _Cmd) -> bool:
    """``yarn cache clean``, or removing yarn's cache directory."""
    if cmd.name == "yarn":
        cache = cmd.subcommand(("cache",))
        return cache is not None and "clean" in [w.text for w in cmd.operands_after(cache)]
    return _removes(cmd, "/usr/local/share/.cache/yarn", "~/.cache/yarn", "$HOME/.cache/yarn", "/root/.cache/yarn")


@rule("YarnCacheClean", family=FAMILY, severity="information", aliases=("DL3060",), fixable=True,
      summary="yarn install in a RUN that does not run yarn cache clean afterwards.")
def check_yarn_cache_clean(analysis: "Analysis") -> Iterator[Finding]:
    """yarn's package cache stays in the layer unless the same RUN cleans it."""
    model = _model(analysis)
    for run in model.runs:
        install_cmd = None
        install = None
        for cmd in run.named("yarn"):
            install = cmd.subcommand(("install",))
            if install is not None:
                install_cmd = cmd
                break
        if install_cmd is None or install is None or not _stage_shipped(model, run):
            continue
        if run.cache_mount_with(".cache/yarn") or _after(install_cmd, run.cmds, _yarn_cleans):
            continue
        edit = _append_to_run(run, "yarn cache clean")
        fix = Fix("Run yarn cache clean at the end of the RUN", [edit], safe=False) if edit else None
        yield _finding("YarnCacheClean",
                       "yarn's package cache stays in this layer: run 'yarn cache clean' after the "
                       "install in the same RUN.", install_cmd.span(install), run.top, fix)


# ---------------------------------------------------------------------------------------------
# yum, dnf, zypper
# ---------------------------------------------------------------------------------------------


def _missing_yes(analysis: "Analysis", name: str, programs: tuple[str, ...], subs: tuple[str, ...],
                 yes: tuple[str, ...], option: str, where: str) -> Iterator[Finding]:
    """Findings for a package manager run without its non-interactive switch."""
    for run, cmd in _model(analysis).runs_of(*programs):
        sub = cmd.subcommand(subs)
        if sub is None or cmd.has_flag(*yes):
            continue
        anchor = cmd.words[0] if where == "program" else sub
        edit = _insert_option(analysis, cmd, anchor, option)
        fix = Fix(f"Add {option}", [edit], preferred=True, safe=True) if edit else None
        yield _finding(name,
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
    """``dnf install`` prompts; a build cannot answer, so it fails."""
    return _missing_yes(analysis, "DnfMissingYes", ("dnf", "microdnf"),
                        ("install", "groupinstall", "localinstall"), ("y", "assumeyes"), "-y", "sub")


@rule("ZypperMissingNonInteractive", family=FAMILY, severity="warning", aliases=("DL3034",),
      fixable=True, summary="zypper install or remove without -n: the build cannot answer the prompt.")
def check_zypper_missing_non_interactive(analysis: "Analysis") -> Iterator[Finding]:
    """zypper prompts before changing packages; ``-n`` (global) answers with the default."""
    return _missing_yes(analysis, "ZypperMissingNonInteractive", ("zypper",),
                        ("install", "in", "remove", "rm", "source-install", "si", "patch"),
                        ("non-interactive", "n", "no-confirm", "y"), "-n", "program")


def _cleaned(analysis: "Analysis", name: str, programs: tuple[str, ...], installs: tuple[str, ...],
             cleans: Callable[[_Cmd, str], bool], mounts: tuple[str, ...], clean_text: str
             ) -> Iterator[Finding]:
    """Findings for package-manager installs not followed by a clean-up in the same RUN.

    As in hadolint, the first install of each program needs a clean-up after it.
    """
    for run in _model(analysis).runs:
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
            if _after(first, run.cmds, lambda c: cleans(c, program)):
                continue
            clean = clean_text.format(program=program)
            edit = _append_to_run(run, clean)
            fix = Fix(f"Run {clean} at the end of the RUN", [edit], safe=False) if edit else None
            yield _finding(name,
                           f"{program}'s package cache stays in this layer: run '{clean}' after "
                           f"'{program} {sub.text}' in the same RUN.", first.span(sub), run.top, fix)


def _clean_sub(cmd: _Cmd, program: str) -> bool:
    """``<program> clean ...`` (hadolint accepts any clean, not only ``clean all``)."""
    return cmd.name == program and cmd.subcommand(("clean",)) is not None


@rule("YumClean", family=FAMILY, severity="warning", aliases=("DL3032",), fixable=True,
      summary="yum install in a RUN that does not run yum clean all afterwards.")
def check_yum_clean(analysis: "Analysis") -> Iterator[Finding]:
    """yum's cache of packages and metadata stays in the layer unless the same RUN cleans it."""
    return _cleaned(analysis, "YumClean", ("yum",), ("install",),
                    lambda c, p: _clean_sub(c, p) or _removes(c, "/var/cache/yum"),
                    ("/var/cache/yum",), "yum clean all")


@rule("DnfClean", family=FAMILY, severity="warning", aliases=("DL3040",), fixable=True,
      summary="dnf install in a RUN that does not run dnf clean all afterwards.")
def check_dnf_clean(analysis: "Analysis") -> Iterator[Finding]:
    """dnf's cache of packages and metadata stays in the layer unless the same RUN cleans it."""
    return _cleaned(analysis, "DnfClean", ("dnf", "microdnf"),
                    ("install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei"),
                    lambda c, p: _clean_sub(c, p) or _removes(c, "/var/cache/libdnf5", "/var/cache/dnf",
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


def _rpm_pin(analysis: "Analysis", name: str, programs: tuple[str, ...], excluded: tuple[str, ...]
             ) -> Iterator[Finding]:
    """Unpinned ``yum``/``dnf install`` packages (``name-version``) and modules (``name:stream``)."""
    for run, cmd in _model(analysis).runs_of(*programs):
        texts = cmd.arg_texts()
        if "install" not in texts or any(t in texts for t in excluded):
            continue
        module = "module" in texts
        install = cmd.args[texts.index("install")]
        for word in cmd.operands_after(install):
            text = word.text
            if word.has_expansion or text in ("install", "module"):
                continue
            if (":" in text) if module else _rpm_pinned(text):
                continue
            example = f"{text}:<stream>" if module else f"{text}-<version>"
            yield _finding(name,
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
    for run, cmd in _model(analysis).runs_of("zypper"):
        install = cmd.subcommand(("install", "in"))
        if install is None:
            continue
        for word in cmd.operands_after(install):
            text = word.text
            if word.has_expansion or any(c in text for c in "=<>") or text.endswith(".rpm"):
                continue
            yield _finding("ZypperPinVersions",
                           f"Package '{text}' has no version: pin it (zypper install {text}=<version>).",
                           cmd.span(word), run.top)


@rule("ZypperDistUpgrade", family=FAMILY, severity="warning", aliases=("DL3035",),
      summary="zypper dist-upgrade in a RUN: it may move the image to another distribution release.")
def check_zypper_dist_upgrade(analysis: "Analysis") -> Iterator[Finding]:
    """A distribution upgrade belongs in the base image, not in each build."""
    for run, cmd in _model(analysis).runs_of("zypper"):
        sub = cmd.subcommand(("dist-upgrade", "dup"))
        if sub is not None:
            yield _finding("ZypperDistUpgrade",
                           "zypper dist-upgrade can move the image to a new distribution release; use "
                           "a newer base image instead, or 'zypper update' for fixes.",
                           cmd.span(sub), run.top)


# ---------------------------------------------------------------------------------------------
# Other commands in RUN
# ---------------------------------------------------------------------------------------------


@rule("CdInsteadOfWorkdir", family=FAMILY, severity="warning", aliases=("DL3003",),
      summary="cd in a RUN to change directory, where WORKDIR says it once for all instructions.")
def check_cd_instead_of_workdir(analysis: "Analysis") -> Iterator[Finding]:
    """``cd`` lasts for one RUN only; WORKDIR is visible and applies to what follows.

    A ``cd`` in a subshell, a command substitution or an ``sh -c`` script is deliberate and
    cannot leak, so it is not flagged.
    """
    for run, cmd in _model(analysis).runs_of("cd"):
        if cmd.command.context == "top":
            yield _finding("CdInsteadOfWorkdir",
                           "cd only lasts until the end of this RUN: set the directory with WORKDIR "
                           "(or use the command's own option, e.g. make -C, tar -C).",
                           cmd.span(cmd.words[0]), run.top)


@rule("SudoInRun", family=FAMILY, severity="warning", aliases=("DL3004",),
      summary="sudo in a RUN: build steps run as the USER already, and sudo adds a TTY-dependent layer.")
def check_sudo_in_run(analysis: "Analysis") -> Iterator[Finding]:
    """sudo needs configuration, may prompt, and hides which user a step runs as."""
    for run, cmd in _model(analysis).runs_of("sudo"):
        yield _finding("SudoInRun",
                       "Do not use sudo in a build: switch with USER root before the step (and back "
                       "after), or use gosu/su-exec at run time.", cmd.span(cmd.words[0]), run.top)


_POINTLESS = {
    "free": "shows the build machine's memory, not the container's",
    "kill": "there are no processes of a running container to signal during a build",
    "mount": "needs privileges a build does not have; use RUN --mount",
    "ps": "shows build processes only",
    "service": "a service started in a RUN stops when the step ends",
    "shutdown": "there is no system to shut down in a build",
    "ssh": "a build should not depend on interactive remote sessions; use RUN --mount=type=ssh for keys",
    "top": "is interactive and never ends",
    "vim": "is an interactive editor",
}


@rule("CommandPointlessInBuild", family=FAMILY, severity="information", aliases=("DL3001",),
      summary="A command that makes no sense in a build step (service, vim, ps, ssh, kill ...).")
def check_command_pointless_in_build(analysis: "Analysis") -> Iterator[Finding]:
    """Interactive or system-management commands do nothing useful while building an image."""
    for run in _model(analysis).runs:
        for cmd in run.cmds:
            reason = _POINTLESS.get(cmd.name)
            if reason is not None and cmd.name == cmd.words[0].text:
                yield _finding("CommandPointlessInBuild",
                               f"'{cmd.name}': {reason}.", cmd.span(cmd.words[0]), run.top)


@rule("ShellReplacedWithLn", family=FAMILY, severity="warning", aliases=("DL4005",),
      summary="ln over /bin/sh to change the shell, where SHELL does it without touching the image.")
def check_shell_replaced_with_ln(analysis: "Analysis") -> Iterator[Finding]:
    """Relinking /bin/sh changes the shell of every program in the image, not just the build."""
    for run, cmd in _model(analysis).runs_of("ln"):
        for word in cmd.args:
            if word.text == "/bin/sh":
                yield _finding("ShellReplacedWithLn",
                               "Replacing /bin/sh changes the shell for everything in the image: use "
                               "SHELL [\"/bin/bash\", \"-c\"] to change the shell of the build.",
                               cmd.span(word), run.top)
                break


@rule("WgetAndCurl", family=FAMILY, severity="warning", aliases=("DL4001",),
      summary="A stage uses both wget and curl: one download tool is enough.")
def check_wget_and_curl(analysis: "Analysis") -> Iterator[Finding]:
    """Installing two tools that do the same job makes the image bigger for nothing.

    As in hadolint, once a stage has used both, every later RUN that uses either is flagged;
    the finding points at the tool other than the one the stage used first.
    """
    current: Optional[object] = None
    seen: list[str] = []
    for run in _model(analysis).runs:
        if run.trigger:
            continue
        if run.stage is not current:
            current, seen = run.stage, []
        used = [cmd for cmd in run.cmds if cmd.name in ("curl", "wget") and cmd.name == cmd.words[0].text]
        if not used:
            continue
        for cmd in used:
            if cmd.name not in seen:
                seen.append(cmd.name)
        if len(seen) < 2:
            continue
        other = next((cmd for cmd in used if cmd.name == seen[1]), used[0])
        yield _finding("WgetAndCurl",
                       f"This stage uses both {seen[0]} and {seen[1]}: pick one download tool.",
                       other.span(other.words[0]), run.top)


@rule("WgetProgressBar", family=FAMILY, severity="information", aliases=("DL3047",), fixable=True,
      summary="wget without --progress or -q floods the build log with progress lines.")
def check_wget_progress_bar(analysis: "Analysis") -> Iterator[Finding]:
    """Without a terminal wget prints a dot line per few kilobytes: huge logs for big files."""
    for run, cmd in _model(analysis).runs_of("wget"):
        if cmd.has_flag("progress", "q", "quiet", "o", "output-file", "a", "append-output", "no-verbose") \
                or "-nv" in cmd.arg_texts():
            continue
        program = cmd.words[0]
        edit = _insert_option(analysis, cmd, program, "--progress=dot:giga")
        fix = Fix("Add --progress=dot:giga", [edit], safe=False) if edit else None
        yield _finding("WgetProgressBar",
                       "wget's progress output fills the build log: add --progress=dot:giga, or -nv "
                       "or -q (BusyBox wget knows only -q).", cmd.span(program), run.top, fix)


@rule("UseraddWithoutNoLogInit", family=FAMILY, severity="warning", aliases=("DL3046",), fixable=True,
      summary="useradd with a high UID and without -l: the sparse lastlog file can fill gigabytes.")
def check_useradd_without_no_log_init(analysis: "Analysis") -> Iterator[Finding]:
    """useradd writes the user's entry in /var/log/lastlog and faillog at offset UID: with a
    UID of 100000 or more, the sparse file becomes huge once a layer stores it."""
    for run, cmd in _model(analysis).runs_of("useradd"):
        if cmd.has_flag("l", "no-log-init"):
            continue
        found = _useradd_uid(cmd)
        if found is None:
            continue
        word, value = found
        if word.has_expansion or len(value) <= 5:
            continue
        program = cmd.words[0]
        edit = _insert_option(analysis, cmd, program, "-l")
        fix = Fix("Add -l (--no-log-init)", [edit], preferred=True, safe=True) if edit else None
        yield _finding("UseraddWithoutNoLogInit",
                       f"useradd with UID {value} and without -l writes a sparse lastlog of that "
                       "size into the layer: add -l (--no-log-init).", cmd.span(program), run.top, fix)


def _useradd_uid(cmd: _Cmd) -> Optional[tuple[Word, str]]:
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


# ---------------------------------------------------------------------------------------------
# Pipes and the shell
# ---------------------------------------------------------------------------------------------


def _pipes(text: str, commands: Sequence[SimpleCommand]) -> list[int]:
    """Offsets of the pipe operators of a script, found between its commands.

    Words and redirections are inside command spans; what lies between commands is
    operators, reserved words, comments, case patterns and arithmetic. A ``|`` there is a
    pipe unless it is half of ``||`` or a case-pattern alternative (``a|b)``): after a pipe
    comes a command, so nothing but blanks or a compound-command opener may follow it.
    """
    if "|" not in text:
        return []
    spans = sorted((c.start, c.end) for c in commands if c.end > c.start)
    gaps: list[tuple[int, int]] = []
    position = 0
    for start, end in spans:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < len(text):
        gaps.append((position, len(text)))
    found: list[int] = []
    for start, end in gaps:
        if text.find("|", start, end) < 0:
            continue
        i = start
        while i < end:
            ch = text[i]
            if ch in "'\"":
                close = text.find(ch, i + 1, end)
                i = end if close < 0 else close + 1
                continue
            if ch == "\\":
                i += 2
                continue
            if ch == "#" and (i == 0 or text[i - 1] in " \t\n;&|("):
                newline = text.find("\n", i, end)
                i = end if newline < 0 else newline
                continue
            if ch == "|":
                if i + 1 < end and text[i + 1] == "|":
                    i += 2
                    continue
                rest = text[i + 1:end].lstrip("&").strip(" \t\r\n\\")
                if not rest or rest.startswith(_COMMAND_STARTERS):
                    found.append(i)
            i += 1
    return found


def _sets_pipefail(cmd: _Cmd) -> bool:
    """``set -o pipefail`` or a bundle ending in ``o`` followed by ``pipefail``."""
    if cmd.name != "set":
        return False
    args = cmd.arg_texts()
    return any(a.startswith("-") and not a.startswith("--") and a.endswith("o") and i + 1 < len(args)
               and args[i + 1] == "pipefail" for i, a in enumerate(args))


def _shell_pipefail(shell: list[str]) -> bool:
    """Whether a SHELL enables pipefail, or is not a POSIX shell (no pipes to worry about)."""
    if not is_posix_shell(shell):
        return True
    for index, item in enumerate(shell[:-1]):
        if item.startswith("-") and not item.startswith("--") and item.endswith("o") \
                and shell[index + 1] == "pipefail":
            return True
    return False


@rule("PipefailMissing", family=FAMILY, severity="warning", aliases=("DL4006",),
      summary="A RUN with a pipe, without pipefail: a failing command before the | goes unnoticed.")
def check_pipefail_missing(analysis: "Analysis") -> Iterator[Finding]:
    """``curl ... | tar x`` succeeds when curl fails, because a pipeline's status is its last
    command's. ``SHELL ["/bin/bash", "-o", "pipefail", "-c"]`` (or ``set -o pipefail`` in the
    script) makes the build stop instead."""
    model = _model(analysis)
    for run in model.runs:
        if run.trigger or _shell_pipefail(run.shell):
            continue
        finding = _first_pipe(run)
        if finding is not None:
            yield finding


def _first_pipe(run: _Run) -> Optional[Finding]:
    """The first pipe of a RUN not covered by a ``set -o pipefail`` before it."""
    ins = run.run
    # Commands sharing a mapping to the document come from the same script text.
    groups: dict[int, list[_Cmd]] = {}
    for cmd in run.cmds:
        if cmd.loc.source != "exec":
            groups.setdefault(id(cmd.loc.to_doc), []).append(cmd)
    for cmds in groups.values():
        source = cmds[0].loc.source
        text = _script_text(ins, source, cmds[0].loc.span(0, 0)[0])
        if text is None:
            continue
        for pipe in _pipes(text, [c.command for c in cmds]):
            if any(_sets_pipefail(c) and c.command.start < pipe for c in cmds):
                continue
            if source == "exec-script" and _exec_pipefail(ins):
                continue
            span = cmds[0].loc.span(pipe, pipe + 1)
            return _finding("PipefailMissing",
                            "Only the last command of a pipeline decides whether this RUN fails: set "
                            "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before it (on Alpine "
                            "use /bin/ash), or start the script with 'set -o pipefail'.",
                            span, run.top)
    return None


def _exec_pipefail(ins: Instruction) -> bool:
    """Whether an exec-form RUN's own shell (``["bash", "-o", "pipefail", "-c", ...]``) sets pipefail."""
    items = [item.text for item in ins.json.items] if ins.json is not None else []
    return _shell_pipefail(items[:-1]) and len(items) > 1


def _script_text(ins: Instruction, source: str, base: int) -> Optional[str]:
    """The text a group of commands' offsets refer to: the RUN's shell text, a heredoc body
    or the script of ``["sh", "-c", "..."]``."""
    if source == "shell":
        return ins.args
    if source == "heredoc":
        for doc in ins.heredocs:
            if doc.body_start == base:
                return doc.content
        return None
    if source == "exec-script" and ins.json is not None and len(ins.json.items) >= 3:
        return ins.json.items[2].text
    return None


def _run_flags(ins: Instruction) -> list[tuple[str, bool, str]]:
    """A RUN's flags in a comparable form (a flag without a value sorts apart from ``=``)."""
    return sorted((flag.name.lower(), flag.value is None, flag.value or "") for flag in ins.flags)


def _command_count(run: _Run) -> Optional[int]:
    """Commands as hadolint counts them: a wrapper such as sudo is part of its command, and
    the script of ``sh -c`` is an argument.

    None under a PowerShell or cmd SHELL, whose scripts are not read.
    """
    if not is_posix_shell(run.shell) and run.run.json is None:
        return None
    wrapper_starts = {w.start for cmd in run.cmds for w in cmd.command.wrappers}
    return sum(1 for cmd in run.cmds
               if cmd.command.context != "sh -c"  # the script of `sh -c '...'` is one command's argument
               and not (cmd.words[0].start in wrapper_starts and cmd.loc.source != "exec"))


@rule("ConsecutiveRunInstructions", family=FAMILY, severity="hint", aliases=("DL3059",),
      summary="Short RUN instructions in a row that could be one RUN.")
def check_consecutive_run_instructions(analysis: "Analysis") -> Iterator[Finding]:
    """Each RUN makes a layer; two short steps in a row usually belong in one.

    As in hadolint, only RUNs of a single command each are flagged (a RUN that already chains
    commands was split on purpose), and RUNs with different flags (mounts, network) cannot be
    merged. Comments between them do not separate them; any other instruction does.
    """
    model = _model(analysis)
    runs = {id(run.top): run for run in model.runs if not run.trigger}
    previous: Optional[_Run] = None
    previous_count: Optional[int] = 0
    for ins in analysis.tree.instructions:
        run = runs.get(id(ins))
        if run is None:
            previous = None
            continue
        count = _command_count(run)
        if previous is not None and _run_flags(previous.run) == _run_flags(ins) and count is not None \
                and previous_count is not None and count <= 1 and previous_count <= 1:
            yield _finding("ConsecutiveRunInstructions",
                           "This RUN directly follows another single-command RUN: merge them with && "
                           "to save a layer.", (ins.keyword_start, ins.keyword_end), ins)
        previous, previous_count = run, count


# ---------------------------------------------------------------------------------------------
# FROM, COPY, ADD, USER, LABEL, ENV
# ---------------------------------------------------------------------------------------------


@rule("ImageTagLatest", family=FAMILY, severity="warning", aliases=("DL3007",),
      summary="A base image with the tag latest, which moves to a new release without notice.")
def check_image_tag_latest(analysis: "Analysis") -> Iterator[Finding]:
    """``latest`` changes whenever the image's maintainers publish: builds are not repeatable."""
    for stage in analysis.stages:
        word = stage.image
        if word is None or "$" in word.text:
            continue
        ref = parse_image(word.text)
        if ref is None or ref.tag != "latest" or ref.digest:
            continue
        start, end = word.start, word.end
        if word.raw == word.text:
            colon = word.text.rfind(":latest")
            start, end = word.start + colon + 1, word.start + colon + len(":latest")
        yield _finding("ImageTagLatest",
                       f"'{word.text}' follows the latest release, which changes without notice: pin a "
                       "version tag (and a digest for full reproducibility).",
                       (start, end), stage.instruction)


@rule("ImageUntagged", family=FAMILY, severity="warning", aliases=("DL3006",),
      summary="A base image without a tag, which means latest.")
def check_image_untagged(analysis: "Analysis") -> Iterator[Finding]:
    """No tag means ``latest``: the base image changes whenever a new release is published."""
    for stage in analysis.stages:
        word = stage.image
        if word is None or stage.base_stage is not None or "$" in word.text:
            continue
        ref = parse_image(word.text)
        if ref is None or ref.tag or ref.digest or ref.repository == "scratch":
            continue
        yield _finding("ImageUntagged",
                       f"'{word.text}' has no tag, so it means {word.text}:latest: pin a version tag.",
                       (word.start, word.end), stage.instruction)


@rule("AddForLocalFiles", family=FAMILY, severity="warning", aliases=("DL3020",), fixable=True,
      summary="ADD of local files or folders, where COPY does the same without ADD's surprises.")
def check_add_for_local_files(analysis: "Analysis") -> Iterator[Finding]:
    """ADD also fetches URLs and unpacks archives; for plain files COPY says what happens.

    The fix is safe only when no source can be an archive or a URL (no variables either)
    and ADD has no flag COPY lacks.
    """
    for ins in analysis.tree.instructions:
        target = ins.trigger if ins.trigger is not None else ins
        if target.name != "ADD" or target.heredocs:
            continue
        paths = _paths(target)
        sources = paths[:-1]
        if not sources:
            continue
        local = [w for w in sources if "$" not in w.text and not _archive(w.text) and not _remote(w.text)]
        if not local:
            continue
        fix = None
        if len(local) == len(sources) and all(f.name.lower() in _COPY_FLAGS for f in target.flags):
            keyword = analysis.text[target.keyword_start:target.keyword_end]
            if keyword.upper() == "ADD":
                copy = "COPY" if keyword.isupper() else "copy" if keyword.islower() else "Copy"
                fix = Fix("Use COPY", [Edit(target.keyword_start, target.keyword_end, copy)],
                          preferred=True, safe=True)
        yield _finding("AddForLocalFiles",
                       "Use COPY for local files and folders: ADD also downloads URLs and unpacks "
                       "archives, so it hides what this step does.",
                       (target.keyword_start, target.keyword_end), ins, fix)


@rule("CopyFromUnknownStage", family=FAMILY, severity="warning", aliases=("DL3022",),
      summary="COPY --from names neither an earlier stage nor a tagged image.")
def check_copy_from_unknown_stage(analysis: "Analysis") -> Iterator[Finding]:
    """``--from=name`` that is not an earlier stage is pulled as an image: often a typo, or an
    image without a tag. Stages defined later are ForwardStageReference's business."""
    stages = analysis.stages
    later: dict[str, int] = {}
    for stage in stages:
        if stage.key and stage.key not in later:
            later[stage.key] = stage.index
    for stage in stages:
        for ins in stage.instructions:
            if ins.name != "COPY":
                continue
            flag = ins.flag("from")
            if flag is None or not flag.value:
                continue
            value = unquote(flag.value)
            if not value or "$" in value or ":" in value or "@" in value or value.isdigit():
                continue
            key = value.lower()
            if key in later:
                continue  # an earlier stage, or ForwardStageReference's finding
            yield _finding("CopyFromUnknownStage",
                           f"'{value}' is not the name of an earlier stage, so BuildKit pulls it as the "
                           f"image {value}:latest: fix the stage name, or give the image a tag.",
                           (flag.value_start, flag.value_end), ins)


@rule("CopyRelativeWithoutWorkdir", family=FAMILY, severity="warning", aliases=("DL3045",),
      summary="COPY to a relative destination in a stage that has not set WORKDIR.")
def check_copy_relative_without_workdir(analysis: "Analysis") -> Iterator[Finding]:
    """A relative destination lands in the base image's working directory, which the
    Dockerfile does not show and a new base image may change."""
    with_workdir: set[int] = set()
    for stage in analysis.stages:
        has = stage.base_stage is not None and stage.base_stage.index in with_workdir
        for ins in stage.instructions:
            if ins.name == "WORKDIR":
                has = True
                with_workdir.add(stage.index)
            if ins.name != "COPY" or has:
                continue
            paths = _paths(ins)
            if len(paths) < 2:
                continue
            dest = paths[-1]
            value = dest.text.strip("'\"")
            if value.startswith(("/", "$")) or re.match(r"[A-Za-z]:", value):
                continue
            yield _finding("CopyRelativeWithoutWorkdir",
                           f"'{dest.text}' is relative, and this stage has not set WORKDIR: the files land "
                           "in whatever directory the base image uses. Set WORKDIR first or use an "
                           "absolute path.", (dest.start, dest.end), ins)


@rule("CopyEntireFilesystem", family=FAMILY, severity="warning", aliases=("DL3067",),
      summary="COPY --from=stage / /: the whole filesystem of another stage copied over this one.")
def check_copy_entire_filesystem(analysis: "Analysis") -> Iterator[Finding]:
    """Copying ``/`` over ``/`` replaces the system of this stage, including /etc and /proc
    mount points, and carries every build leftover of the other stage."""
    for ins in analysis.tree.instructions:
        if ins.name != "COPY" or ins.flag("from") is None:
            continue
        paths = _paths(ins)
        if len(paths) < 2 or paths[-1].text.strip("'\"") != "/":
            continue
        root = next((w for w in paths[:-1] if w.text.strip("'\"") == "/"), None)
        if root is not None:
            yield _finding("CopyEntireFilesystem",
                           "This copies the other stage's entire filesystem over this one: copy only "
                           "the directories the image needs.", (root.start, root.end), ins)


def _extracts(cmd: _Cmd) -> bool:
    """tar in extract mode, or one of the decompressors hadolint knows."""
    if cmd.name == "tar":
        args = cmd.arg_texts()
        if any(a in ("--extract", "--get") for a in args):
            return True
        if any(a.startswith("-") and not a.startswith("--") and "x" in a for a in args):
            return True
        return bool(args) and not args[0].startswith("-") and "x" in args[0] and args[0].isalpha()
    return cmd.name in ("unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat")


@rule("CopyThenExtractArchive", family=FAMILY, severity="information", aliases=("DL3010",),
      summary="An archive copied with COPY and then unpacked in a RUN: ADD unpacks it in one step.")
def check_copy_then_extract_archive(analysis: "Analysis") -> Iterator[Finding]:
    """COPY then tar -x keeps the archive in a layer; ADD unpacks local tar archives itself."""
    runs = {id(run.top): run for run in _model(analysis).runs if not run.trigger}
    for stage in analysis.stages:
        archives: list[tuple[str, Word, Instruction]] = []
        reported: set[int] = set()
        for ins in stage.instructions:
            if ins.name == "COPY" and ins.flag("from") is None and not ins.heredocs:
                paths = _paths(ins)
                if len(paths) >= 2:
                    dest = paths[-1]
                    if _archive(dest.text):
                        archives.append((_basename(unquote(dest.text)), dest, ins))
                    else:
                        archives.extend((_basename(unquote(w.text)), w, ins) for w in paths[:-1]
                                        if _archive(w.text) and "$" not in w.text)
                continue
            run = runs.get(id(ins))
            if run is None or not archives:
                continue
            for cmd in run.cmds:
                if not _extracts(cmd):
                    continue
                names = {_basename(w.text) for w in cmd.args if not w.text.startswith("-")}
                for name, word, copy in archives:
                    if name in names and id(word) not in reported:
                        reported.add(id(word))
                        yield _finding("CopyThenExtractArchive",
                                       f"'{name}' is copied and then unpacked in a RUN, which keeps the "
                                       "archive in a layer: ADD unpacks a local tar archive by itself.",
                                       (word.start, word.end), copy)


def _user_name(ins: Instruction) -> Optional[Word]:
    """The ``user[:group]`` word of a USER instruction."""
    return ins.words[0] if ins.words else None


_ROOT = re.compile(r"(?:root|0)(?::.*)?")


@rule("LastUserRoot", family=FAMILY, severity="warning", aliases=("DL3002",),
      summary="The image's last USER is root, so its containers run as root.")
def check_last_user_root(analysis: "Analysis") -> Iterator[Finding]:
    """A container running as root turns any escape from the application into root access.

    Only stages that end up in an image are checked (the last stage and stages others are
    built FROM); a builder stage may well end as root.
    """
    model = _model(analysis)
    for stage in analysis.stages:
        if stage.index not in model.shipped:
            continue
        last: Optional[tuple[Word, Instruction]] = None
        for ins in stage.instructions:
            if ins.name == "USER":
                word = _user_name(ins)
                if word is not None and _ROOT.fullmatch(unquote(word.text)):
                    last = (word, ins)
                else:
                    last = None
        if last is not None:
            word, ins = last
            yield _finding("LastUserRoot",
                           "The last USER of the image is root: switch to an unprivileged user once "
                           "the steps that need root are done.", (word.start, word.end), ins)


@rule("UserNotNumeric", family=FAMILY, severity="hint", aliases=("DL3066",),
      summary="USER given by name: the host cannot check a name against runAsNonRoot policies.")
def check_user_not_numeric(analysis: "Analysis") -> Iterator[Finding]:
    """Kubernetes' ``runAsNonRoot`` and similar checks can only verify a numeric UID; a
    name is resolved inside the image at start-up. A variable counts as numeric when it is a
    declared ARG, as in hadolint."""
    args: set[str] = set()
    for ins in analysis.tree.instructions:
        if ins.name == "ARG":
            args.update(pair.key for pair in ins.pairs)
            continue
        if ins.name != "USER":
            continue
        word = _user_name(ins)
        if word is None:
            continue
        uid = unquote(word.text).split(":", 1)[0]
        if uid.isdigit():
            continue
        if any(f"${{{name}}}" in uid or f"${name}" in uid for name in args):
            continue
        yield _finding("UserNotNumeric",
                       f"USER '{uid}' is a name: give the numeric UID (e.g. USER 1000) so the container "
                       "runtime can verify the user is not root.", (word.start, word.end), ins)


_LABEL_KEY_CHARS = re.compile(r"[0-9a-z._/-]*")


def _label_key_problem(key: str) -> Optional[str]:
    """Why a label key breaks Docker's key format recommendation (None when it does not)."""
    if not key[:1].isascii() or not key[:1].islower() or not key[:1].isalpha():
        return "should start with a lower-case letter"
    if not (key[-1].isascii() and (key[-1].islower() or key[-1].isdigit())):
        return "should end with a lower-case letter or a digit"
    if not _LABEL_KEY_CHARS.fullmatch(key):
        return "should use only lower-case letters, digits, '.', '-', '_' and '/'"
    if key.startswith(("com.docker.", "io.docker.", "org.dockerproject.")):
        return "uses a namespace reserved by Docker"
    if ".." in key or "--" in key:
        return "should not repeat separators ('..' or '--')"
    return None


@rule("InvalidLabelKey", family=FAMILY, severity="hint", aliases=("DL3048",),
      summary="A LABEL key that does not follow Docker's key format (lower-case, dotted namespace).")
def check_invalid_label_key(analysis: "Analysis") -> Iterator[Finding]:
    """Tools that read labels expect reverse-DNS keys in lower case (org.opencontainers.image.*)."""
    for ins in analysis.tree.instructions:
        if ins.name != "LABEL":
            continue
        for pair in ins.pairs:
            key = unquote(pair.key)
            if not key or "$" in key:
                continue
            problem = _label_key_problem(key)
            if problem:
                yield _finding("InvalidLabelKey", f"Label key '{key}' {problem}.",
                               (pair.key_start, pair.key_end), ins)


@rule("EnvSameInstructionReference", family=FAMILY, severity="warning", aliases=("DL3044",),
      summary="An ENV value uses a variable that the same ENV defines: it sees the old value.")
def check_env_same_instruction_reference(analysis: "Analysis") -> Iterator[Finding]:
    """``ENV A=1 B=$A`` substitutes A's value from before the instruction, not 1."""
    for ins in analysis.tree.instructions:
        if ins.name != "ENV" or len(ins.pairs) < 2 or not ins.variables:
            continue
        keys = {pair.key: pair for pair in ins.pairs}
        for ref in ins.variables:
            pair = keys.get(ref.name)
            if pair is None or pair.start <= ref.start < pair.end:
                continue
            status = analysis.scopes.resolve(ref.name, ins).status
            if status not in ("undefined", "undeclared-global", "undeclared-predefined"):
                continue
            yield _finding("EnvSameInstructionReference",
                           f"${ref.name} is replaced with its value from before this ENV (it has none), "
                           f"not with the one set here: define {ref.name} in an earlier ENV.",
                           (ref.start, ref.end), ins)
