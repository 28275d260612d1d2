"""Recognised idioms: why a line is written the way it is.

Each detector looks at one instruction (its commands, options, flags and the cross-line facts)
and returns ``(idiom id, sentence)`` pairs. The sentence is about this line and names the lines
it relies on; the idiom's knowledge entry (``knowledge/idioms/<id>.toml``) holds the general
rationale and its sources. A detector that does not apply returns nothing, so no idiom is
mentioned where it does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...analysis.images import lookup_image, parse_image
from ...analysis.lines import LineFacts
from ...syntax import Instruction
from .. import markdown as md
from .exec_wrapper import exec_program
from .instructions import stage_at
from .context import LineContext
from .phrases import join_words

Idiom = tuple[str, str]


def _commands(ctx: LineContext, ins: Instruction) -> list[tuple[str, str, list]]:
    """(program, subcommand key, roles) of each command the instruction runs."""
    out = []
    for located in ctx.analysis.commands(ins):
        command = located.command
        if not command.words:
            continue
        roles = ctx.roles(command)
        program = roles[0].entry.name if roles and roles[0].entry is not None else \
            command.words[0].text.rsplit("/", 1)[-1]
        sub = next((r.key for r in roles if r.role == "subcommand"), "")
        out.append((program, sub, roles))
    return out


def _has_option(roles, *names: str) -> bool:
    return any(r.role == "option" and (r.key in names or r.text in names) for r in roles)


def _operands(roles) -> list[str]:
    return [r.text for r in roles if r.role == "operand"]


def run_idioms(ctx: LineContext, ins: Instruction) -> list[Idiom]:
    """Idioms of a RUN (and the shell code of CMD/ENTRYPOINT where they apply)."""
    from ...analysis.windows_shell import shell_kind

    kind = shell_kind(ctx.analysis.shell_for(ins)) if ins.json is None else None
    if kind is not None:
        return windows_run_idioms(ctx, ins, kind)
    facts = ctx.facts(ins)
    commands = _commands(ctx, ins)
    out: list[Idiom] = []
    names = [(p, s) for p, s, _ in commands]
    removed = [o for p, s, r in commands if p == "rm" for o in _operands(r)]
    if ("apt-get", "update") in names and (("apt-get", "install") in names or ("apt", "install") in names):
        out.append(("apt-update-install-same-layer",
                    "`apt-get update` shares the RUN with the install, so a cached update layer never leaves "
                    "the install with stale lists."))
    if any(o.rstrip("/*") == "/var/lib/apt/lists" for o in removed):
        out.append(("apt-lists-cleanup",
                    "The lists are deleted in the same RUN that fetched them, so they never reach the layer."))
    for program, sub, roles in commands:
        if (program, sub) in (("apt-get", "install"), ("apt", "install")) and _has_option(roles, "--no-install-recommends"):
            out.append(("no-install-recommends",
                        "`--no-install-recommends` skips the packages apt only recommends."))
        elif program == "apk" and sub == "add":
            if _has_option(roles, "--no-cache"):
                out.append(("apk-no-cache", "`--no-cache` fetches the package index on the fly and keeps it out "
                                            "of the layer (no `apk update`, no cleanup needed)."))
            if _has_option(roles, "-t", "--virtual"):
                out.append(("build-deps-virtual", "`--virtual` groups the build-only packages under one name so "
                                                  "one `apk del` removes them after the build."))
        elif program == "pip" and _has_option(roles, "--no-cache-dir"):
            out.append(("pip-no-cache-dir", "`--no-cache-dir` stops pip from keeping its download cache in "
                                            "the layer."))
        elif program == "npm" and sub == "ci":
            out.append(("npm-ci", "`npm ci` installs exactly what package-lock.json records and fails if it "
                                  "disagrees with package.json: repeatable, unlike `npm install`."))
        elif program == "npm" and sub == "cache" and "clean" in [r.text for r in roles]:
            out.append(("cleanup-same-layer", "`npm cache clean --force` empties npm's cache in the same RUN, "
                                              "so it stays out of the layer."))
        elif program == "set" and any(r.role == "option" and "e" in r.text for r in roles):
            flags = "".join(r.text.lstrip("-+") for r in roles if r.role == "option")
            bits = ["`-e` stops the build at the first failing command"]
            if "u" in flags:
                bits.append("`-u` treats unset variables as errors")
            if "x" in flags:
                bits.append("`-x` prints each command in the build log")
            out.append(("set-eux", f"{md.code('set ' + ' '.join(r.text for r in roles if r.role == 'option'))}: "
                                   + "; ".join(bits) + "."))
        elif program == "set" and _has_option(roles, "-o") and "pipefail" in _operands(roles) + \
                [r.text for r in roles if r.role == "option-value"]:
            out.append(("pipefail", "`set -o pipefail` makes a pipeline fail when any part of it fails."))
        elif program in ("sha256sum", "sha512sum", "sha1sum", "md5sum", "sha384sum") and _has_option(roles, "-c"):
            out.append(("checksum-verify", "The download is checked against a known checksum before it is used."))
        elif program == "gpg" and _has_option(roles, "--verify"):
            out.append(("gpg-verify-download", "The download's signature is verified with the publisher's key "
                                               "before it is used."))
        elif program == "mv" and any(o.rstrip("/").endswith("node_modules") for o in _operands(roles)):
            dest = _operands(roles)[-1] if _operands(roles) else ""
            out.append(("move-node-modules-up",
                        f"Moving node_modules up to {md.code(dest)} keeps them out of the app folder: Node "
                        "finds them by walking up the directory tree, and a development bind mount of the "
                        "source over the app folder no longer hides them."))
        elif (program, sub) in (("apt-get", "purge"), ("apt-get", "autoremove")) or (program == "apk" and sub == "del"):
            out.append(("cleanup-same-layer", "Build-only packages are removed in the same RUN that used them, "
                                              "so they never reach the layer."))
        elif program == "dotnet" and sub in ("restore", "publish", "build") and any(
                r.role in ("option-value", "operand") and "TARGETARCH" in r.text for r in roles):
            out.append(("cross-build", "`-a $TARGETARCH` cross-compiles for the platform being built while the "
                                       "SDK runs natively on the build machine (no emulation)."))
        elif program == "dotnet" and sub == "publish" and _has_option(roles, "--no-restore"):
            pass  # said by the link to the restore line
    if any(o.rstrip("/*").startswith(("/tmp", "/root/.cache", "/var/cache")) for o in removed) and not any(
            i[0] == "cleanup-same-layer" for i in out):
        out.append(("cleanup-same-layer", "Temporary files and caches are deleted in the same RUN that made them, "
                                          "so they never reach the layer."))
    piped = _piped_download(ins, names)
    if piped:
        pipefail = any("pipefail" in word for word in ctx.analysis.shell_for(ins)) or "pipefail" in ins.args
        out.append(("pipefail", "The downloaded script is piped straight into the shell and runs unverified; "
                                + ("`pipefail` makes a failed download fail the step." if pipefail else
                                   "without `pipefail` a failed download would not fail the step.")))
    if any(f.name.lower() == "mount" and f.value and "type=cache" in f.value for f in ins.flags):
        out.append(("cache-mount", "The cache mount keeps downloads between builds without storing them in the "
                                   "image."))
    if any(f.name.lower() == "mount" and f.value and "type=secret" in f.value for f in ins.flags):
        out.append(("secret-mount", "The secret is available to this step only and never stored in a layer."))
    if facts.dependency_install and any(l.kind == "installs-manifest-of" for l in facts.links):
        line = next(l.line for l in facts.links if l.kind == "installs-manifest-of")
        out.append(("copy-manifest-first", f"Only the dependency manifest was copied before it (line {line}), so "
                                           "this layer is reused until the manifest changes."))
    return _unique(out)


def _piped_download(ins: Instruction, names: list[tuple[str, str]]) -> bool:
    """``curl ... | sh``: a download piped into a shell."""
    programs = [p for p, _ in names]
    return "|" in ins.args and any(p in ("curl", "wget") for p in programs) and any(
        p in ("sh", "bash", "ash", "dash", "zsh") for p in programs)


def windows_run_idioms(ctx: LineContext, ins: Instruction, kind: str) -> list[Idiom]:
    """Idioms of a RUN whose body is PowerShell or cmd (a Windows container)."""
    from .purpose import _shell_text
    from .windows import windows_statements

    text, base = _shell_text(ins)
    statements = windows_statements(text, kind, base)
    names = [s.name.lower() for s in statements]
    out: list[Idiom] = []
    downloaded = any(n in ("invoke-webrequest", "iwr", "curl.exe", "curl") for n in names)
    if downloaded and "remove-item" in names:
        out.append(("cleanup-same-layer", "The download is deleted in the same RUN, so it never reaches the layer."))
    if any(s.kind == "call" and s.target.lower().endswith("::setenvironmentvariable") for s in statements):
        out.append(("windows-machine-env", "`SetEnvironmentVariable(..., Machine)` stores the value in the image's "
                                           "registry, so later RUNs and the container see it; `$env:` lasts only "
                                           "for this RUN."))
    if any(s.kind == "assignment" and s.target.lower() == "$erroractionpreference" and "stop" in s.value.lower()
           for s in statements):
        out.append(("powershell-stop", "`$ErrorActionPreference = 'Stop'` makes a failing cmdlet fail the build "
                                       "instead of carrying on."))
    if any(n == "setx" for n in names):
        out.append(("windows-machine-env", "`setx` stores the variable in the registry, so later RUNs see it; "
                                           "`set` lasts only for this command."))
    return out


def from_idioms(ctx: LineContext, ins: Instruction) -> list[Idiom]:
    out: list[Idiom] = []
    stage = stage_at(ctx.analysis, ins)
    if stage is None or stage.image is None:
        return out
    if stage.instructions and stage.base_stage is None and ctx.analysis.shell_for(ins)[:1] == ["cmd"]:
        out.append(("windows-shell", "A Windows base image: shell-form lines run under `cmd /S /C` until a SHELL "
                                     "switches to PowerShell."))
    platform = stage.platform.value if stage.platform is not None and stage.platform.value else ""
    facts = ctx.facts(ins)
    if "BUILDPLATFORM" in platform:
        users = _arch_users(ctx, stage)
        where = (f" (line{'s' if len(users) > 1 else ''} {join_words([str(n) for n in users])})"
                 if users else "")
        out.append(("cross-build", "`--platform=$BUILDPLATFORM` runs this stage natively on the build machine; "
                                   f"the target architecture is passed to the compiler instead{where}, which is "
                                   "much faster than emulating the target."))
    if stage.base_stage is None:
        ref = parse_image(stage.image.text)
        if ref is not None:
            image = lookup_image(ctx.kb, ref)
            for _, key in image.variants:
                part = image.entry.variants.get(key) if image.entry else None
                if part is not None and part.why:
                    out.append((f"image-variant:{key}", " ".join(part.why.split())))
                    break
            if ref.digest:
                out.append(("pin-base-image-digest", "The digest pins the exact image, so rebuilds are repeatable."))
    if any(l.kind == "stage-copied-by" for l in facts.links) and not ctx.is_last_stage(stage):
        out.append(("multi-stage-build", "Only what later stages copy out of it reaches the final image; its "
                                         "tools and sources stay behind."))
    elif stage.base_stage is None and any(l.kind == "stage-base-of" for l in facts.links):
        out.append(("multi-stage-build", "A shared base stage: the stages built on it reuse its layers instead of "
                                         "repeating them."))
    return _unique(out)


def _arch_users(ctx: LineContext, stage) -> list[int]:
    out = []
    for ins in stage.instructions:
        if ins.name == "RUN" and any(v.name in ("TARGETARCH", "TARGETPLATFORM", "TARGETOS") for v in ins.variables):
            out.append(ctx.line(ins))
    return out[:4]


def copy_idioms(ctx: LineContext, ins: Instruction) -> list[Idiom]:
    facts: LineFacts = ctx.facts(ins)
    out: list[Idiom] = []
    by_kind = {l.kind: l for l in facts.links}
    if "manifest-installed-by" in by_kind:
        line = by_kind["manifest-installed-by"].line
        install = ctx.facts(by_kind["manifest-installed-by"].target)
        later = next((l.line for l in install.links if l.kind == "source-copied-after"), None)
        tail = f"; the rest of the source follows on line {later}" if later is not None else ""
        out.append(("copy-manifest-first", f"Copying only the dependency manifest first lets the install on line "
                                           f"{line} stay cached until the manifest itself changes{tail}."))
    elif facts.copies_manifest:
        out.append(("copy-manifest-first", "Copying the dependency manifest on its own lets the install that "
                                           "follows stay cached until the manifest changes."))
    if "source-after-install" in by_kind:
        out.append(("copy-manifest-first", f"It comes after the dependency install (line "
                                           f"{by_kind['source-after-install'].line}), so a code change does not "
                                           "re-run that install."))
    if "copies-from-stage" in by_kind:
        source = by_kind["copies-from-stage"]
        out.append(("multi-stage-build", f"Only the build output moves into this stage; the toolchain and sources "
                                         f"of stage {md.code(source.subject)} stay behind."))
    return _unique(out)


def entrypoint_idioms(ctx: LineContext, ins: Instruction) -> list[Idiom]:
    out: list[Idiom] = []
    if ins.json is not None and ins.json.items:
        program = ins.json.items[0].text.rsplit("/", 1)[-1]
        if program in ("tini", "dumb-init", "tini-static"):
            out.append(("pid1-init", f"{md.code(program)} runs as PID 1: it forwards stop signals to the app and "
                                     "reaps zombie processes, which most apps do not do themselves."))
            if len(ins.json.items) > 1 and ins.json.items[1].text == "--":
                out.append(("pid1-init", "`--` ends tini's own options, so the CMD's flags go to the app."))
        out.append(("exec-form-cmd", "Exec form: no shell in between, so the program itself receives `docker stop`'s "
                                     "signal."))
    elif ins.json is None and ins.name in ("CMD", "ENTRYPOINT"):
        from ...analysis.windows_shell import shell_kind

        shell = ctx.analysis.shell_for(ins)
        program = exec_program(ctx.analysis, ins)
        if shell_kind(shell) is None and program is not None:
            out.append(("exec-in-shell-form", f"`exec` replaces the shell with {md.code(program)}, so {md.code(program)} "
                                              "runs as PID 1 and receives `docker stop`'s signal itself: the shell-form "
                                              "way to get what the exec form gives."))
        elif shell_kind(shell) is None:
            out.append(("exec-form-cmd", f"Shell form: the command runs under {md.code(' '.join(shell))}, which "
                                         "may not pass `docker stop`'s signal on; the exec form (JSON array) makes "
                                         "the program itself PID 1."))
    return out


def _unique(items: list[Idiom]) -> list[Idiom]:
    seen = set()
    out = []
    for ident, text in items:
        if text not in seen:
            seen.add(text)
            out.append((ident, text))
    return out


IDIOMS: dict[str, Callable[[LineContext, Instruction], list[Idiom]]] = {
    "RUN": run_idioms, "FROM": from_idioms, "COPY": copy_idioms, "ADD": copy_idioms,
    "ENTRYPOINT": entrypoint_idioms, "CMD": entrypoint_idioms,
}

__all__ = ["IDIOMS", "Idiom", "re"]
