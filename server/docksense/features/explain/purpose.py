"""Purpose: what this line does, here. One or two sentences per instruction, built from the
analysis and the knowledge base's action phrases, naming the line's own commands, packages,
paths, ports, keys, images and stages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Optional

from ...analysis.images import lookup_image, parse_image
from ...analysis.windows_shell import shell_kind
from ...syntax import Instruction
from .. import markdown as md
from .exec_wrapper import exec_program
from .paths import is_absolute
from .instructions import stage_at
from .context import LineContext
from .phrases import MAX_QUALIFIERS, capitalise, code_word, command_phrase, join_words, sentence
from .windows import statement_phrase, statement_phrases, windows_statements

MAX_STEPS = 6  # commands named in a RUN's purpose before "and N more commands"
# Commands that set up the shell rather than do work; the Why mentions them.
LONG_RUN = 4  # commands; past this each command's phrase keeps fewer option phrases
_SETUP = frozenset({"set", "true", ":", "exit", "shopt", "trap", "test", "[", "[["})
# Commands that report rather than change anything: left out of a RUN's purpose when it does
# other work (``echo "Verifying ..."``, an error message in a case branch).
_REPORTING = frozenset({"echo", "printf"})
_PREDEFINED = frozenset({"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
                         "BUILDARCH", "BUILDVARIANT", "TARGETSTAGE"})


def purpose(ctx: LineContext, ins: Instruction) -> str:
    """The Purpose sentence(s) of ``ins`` as Markdown ("" for an unknown instruction)."""
    if ins.trigger is not None:
        if ins.trigger.trigger is not None:  # ``ONBUILD ONBUILD``: BuildKit refuses it (listed as a problem)
            return "Registers a nested ONBUILD trigger, which BuildKit refuses: an ONBUILD cannot register another."
        inner = purpose(ctx, ins.trigger)
        if not inner:
            return ""
        return (f"Registers an ONBUILD trigger: when another build starts `FROM` this image, it "
                f"{inner[:1].lower() + inner[1:]}")
    composer = _COMPOSERS.get(ins.name)
    return composer(ctx, ins) if composer is not None else ""


# -- FROM --------------------------------------------------------------------------------------
def _from(ctx: LineContext, ins: Instruction) -> str:
    stage = stage_at(ctx.analysis, ins)
    if stage is None or stage.image is None:
        return "Starts a build stage."
    who = f"stage {md.code(stage.name.text)}" if stage.name else ("the only stage" if len(ctx.analysis.stages) == 1
                                                                   else f"stage {stage.index}")
    if stage.base_stage is not None:
        base_line = ctx.line(stage.base_stage.instruction)
        text = (f"Starts {who} from stage {md.code(stage.base_stage.label)} (line {base_line}), inheriting its "
                "files, environment and working directory")
    else:
        text = f"Starts {who} from {_image_phrase(ctx, stage.image.text)}"
    platform = stage.platform.value if stage.platform is not None and stage.platform.value else ""
    if "BUILDPLATFORM" in platform:
        text += ", running on the build machine's own platform"
    elif platform:
        text += f", for platform {md.code(platform)}"
    text += "."
    links = ctx.facts(ins).links
    built = [f"{md.code(l.subject)} (line {l.line})" for l in links if l.kind == "stage-base-of"]
    copied = sorted({l.line for l in links if l.kind == "stage-copied-by"})
    users = []
    if built:
        users.append(f"stage{'s' if len(built) > 1 else ''} {join_words(built)} "
                     f"build{'' if len(built) > 1 else 's'} on it")
    if copied:
        users.append(f"line{'s' if len(copied) > 1 else ''} {join_words([str(n) for n in copied])} "
                     f"cop{'y' if len(copied) > 1 else 'ies'} files out of it")
    if users:
        text += " " + capitalise(join_words(users)) + "."
    if ctx.is_last_stage(stage) and len(ctx.analysis.stages) > 1:
        text += " As the last stage, it is the image `docker build` produces by default."
    return text


def _image_phrase(ctx: LineContext, text: str) -> str:
    ref = parse_image(text)
    if ref is None:
        return md.code(text)
    if ref.repository.lower() == "scratch" and not ref.registry:
        return "an empty image (`scratch`): nothing but what later lines add"
    facts = lookup_image(ctx.kb, ref)
    out = md.code(text)
    if facts.entry is not None:
        what = facts.entry.action or ""
        if what:
            out += f", which {what}"  # knowledge text: Markdown already
    bits = []
    variant_words = {word for word, _ in facts.variants}
    if facts.line is not None and facts.line.line not in variant_words:
        bits.append(f"version {md.escape(facts.line.line)}")
    for word, key in facts.variants:
        part = facts.entry.variants.get(key) if facts.entry else None
        if part is not None:
            bits.append(f"{md.escape(word)}: {_first_clause(part.summary).rstrip('.')}")
    if ref.digest:
        bits.append("pinned by digest")
    if bits and out.endswith(")") and not out.endswith("`)"):  # "… (musl libc, BusyBox, apk; version 3.20)"
        return out[:-1] + "; " + "; ".join(bits) + ")"
    return out + (f" ({'; '.join(bits)})" if bits else "")


def _first_clause(text: str) -> str:
    text = " ".join(text.split())
    cut = re.split(r"(?<!e\.g)(?<!i\.e)(?<=[a-z0-9)])[.;:]\s|\s\(", text, maxsplit=1)[0]
    return cut.rstrip(".")


def lower_first(text: str) -> str:
    """``Installs`` -> ``installs``, but ``CPU`` and ``PHP`` stay as they are."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


# -- RUN, CMD, ENTRYPOINT, HEALTHCHECK: commands ------------------------------------------------
def command_steps(ctx: LineContext, ins: Instruction) -> list[str]:
    """The phrases of the commands an instruction runs, in order (Windows shells included)."""
    kind = shell_kind(ctx.analysis.shell_for(ins)) if ins.json is None else None
    if kind is not None and ins.name != "SHELL":
        text, base = _shell_text(ins)
        return statement_phrases(ctx.kb, windows_statements(text, kind, base)[: MAX_STEPS * 8])
    phrases: list[str] = []
    reporting: list = []
    located_all = ctx.analysis.commands(ins)
    # a long RUN's sentence keeps each command's main option phrases only (the Options and the
    # hover of each option say the rest)
    budget = MAX_QUALIFIERS if len(located_all) <= LONG_RUN else 2
    for located in located_all:
        command = located.command
        if not command.words or command.context in ("command-substitution", "process-substitution"):
            continue
        program = command.words[0].text.replace("\\", "/").rsplit("/", 1)[-1]
        if program in _SETUP or program == "exec":
            continue  # setup, or ``exec``: the command it replaces the shell with follows
        if located.source == "exec" and ins.name != "RUN" and _is_script_shell(command, located):
            continue  # ["sh", "-c", "..."]: the script's own commands follow
        if program in _REPORTING and ins.name == "RUN" and not command.redirects:
            reporting.append(command)
            continue
        phrase = command_phrase(ctx.kb, command.words, ctx.roles(command), program, budget)
        if not phrases or phrases[-1] != phrase.text:
            phrases.append(phrase.text)
        if len(phrases) > MAX_STEPS * 4:
            break
    if not phrases and reporting:  # a RUN that only prints: say so
        for command in reporting[:MAX_STEPS]:
            program = command.words[0].text.rsplit("/", 1)[-1]
            phrases.append(command_phrase(ctx.kb, command.words, ctx.roles(command), program).text)
    if ins.json is not None and ins.json.items and shell_kind([ins.json.items[0].text]) == "powershell":
        from ...analysis.windows_shell import WinWord
        from .windows import nested_powershell

        words = [WinWord(w.text, analysis_raw(ctx, w), w.start, w.end) for w in ins.json.items]
        phrases.extend(statement_phrases(ctx.kb, nested_powershell(words)))
    return phrases


def analysis_raw(ctx: LineContext, word) -> str:
    return ctx.analysis.text[word.start:word.end]


def _is_script_shell(command, located) -> bool:
    words = command.words
    return len(words) >= 3 and words[0].text.rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash", "zsh") \
        and words[1].text.startswith("-") and "c" in words[1].text


def _shell_text(ins: Instruction) -> tuple[str, int]:
    """Shell-form code of RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD as text and document offset."""
    text = ins.args
    offset = ins.args_offset
    if ins.name == "HEALTHCHECK" and ins.words and ins.words[0].text.upper() == "CMD":
        rest = text[len(ins.words[0].text):]
        stripped = rest.lstrip()
        offset += len(text) - len(stripped)
        text = stripped
    start, _ = ins.joined.doc_span(offset, offset)
    return text, start


def _steps_sentence(steps: list[str]) -> str:
    if len(steps) > MAX_STEPS:
        shown = steps[: MAX_STEPS - 1] + [f"{len(steps) - MAX_STEPS + 1} more commands"]
        return sentence(shown)
    return sentence(steps)


def _run(ctx: LineContext, ins: Instruction) -> str:
    steps = command_steps(ctx, ins)
    if not steps:
        if ins.heredocs:
            return f"Runs the script in heredoc {md.code(ins.heredocs[0].name)}."
        return f"Runs {code_word(' '.join(ins.args.split()))}." if ins.args.strip() else "Runs nothing (empty RUN)."
    text = _steps_sentence(steps)
    fed = [h for h in ins.heredocs if not any(l.source == "heredoc" for l in ctx.analysis.commands(ins))]
    if fed:  # `RUN python <<PY`: the heredoc is the program's input, not shell code
        text = text.rstrip(".") + f", reading the inline script of heredoc {md.code(fed[0].name)}."
    mounts = _mount_phrases(ins)
    if mounts:
        text += " " + capitalise(join_words(mounts)) + "."
    network = ins.flag("network")
    if network is not None and network.value:
        text += f" Network mode: {md.code(network.value)}."
    return text


def _mount_phrases(ins: Instruction) -> list[str]:
    out = []
    for flag in ins.flags:
        if flag.name.lower() != "mount" or not flag.value:
            continue
        fields = dict(f.split("=", 1) if "=" in f else (f, "") for f in flag.value.split(","))
        kind = fields.get("type", "bind")
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        if kind == "cache":
            out.append(f"a build cache is mounted at {md.code(target)}" if target else "a build cache is mounted")
        elif kind == "secret":
            name = fields.get("id") or target or "a secret"
            out.append(f"secret {md.code(name)} is mounted for this step only")
        elif kind == "ssh":
            out.append("the SSH agent is forwarded for this step")
        elif kind == "bind":
            source = fields.get("from") or "the build context"
            out.append(f"{md.code(fields.get('source', '.'))} from {md.escape(source)} is mounted at {md.code(target)}")
        elif kind == "tmpfs":
            out.append(f"a tmpfs is mounted at {md.code(target)}")
    return out


def _what_it_runs(ctx: LineContext, ins: Instruction) -> tuple[str, str]:
    """The command line as written and the phrase of what it does, naming the program."""
    steps = command_steps(ctx, ins)
    shown = _command_line(ins)
    if not steps:
        return shown, f"Runs {code_word(shown)}"
    what = _steps_sentence(steps).rstrip(".")
    program = shown.split(" ", 1)[0].replace("\\", "/").rsplit("/", 1)[-1] if shown else ""
    if program == "exec":
        program = exec_program(ctx.analysis, ins) or ""
    if program and program.lower() not in what.lower():
        what = f"{md.code(program)} {lower_first(what)}"
    return shown, what


def _cmd(ctx: LineContext, ins: Instruction) -> str:
    shown, what = _what_it_runs(ctx, ins)
    facts = ctx.facts(ins)
    entry = next((l for l in facts.links if l.kind == "args-of-entrypoint"), None)
    if entry is not None and ins.json is not None:
        whole = _command_line(entry.target) + " " + shown
        return (f"Gives the ENTRYPOINT on line {entry.line} its default arguments: a container runs "
                f"{code_word(whole.strip())} ({what[:1].lower() + what[1:]}).")
    stage = ctx.stage(ins)
    where = f" from stage {md.code(stage.label)}" if stage is not None and len(ctx.analysis.stages) > 1 else ""
    shell = ctx.analysis.shell_for(ins)
    through = f" (through {md.code(' '.join(shell))})" if ins.json is None else ""
    return f"{what} when a container starts{where}{through}."


def _entrypoint(ctx: LineContext, ins: Instruction) -> str:
    shown, what = _what_it_runs(ctx, ins)
    facts = ctx.facts(ins)
    cmd = next((l for l in facts.links if l.kind == "entrypoint-gets-args"), None)
    text = f"Makes {code_word(shown)} the container's main process: {what[:1].lower() + what[1:]}."
    if cmd is not None and ins.json is not None and cmd.target.json is not None:
        text += f" With the CMD on line {cmd.line} a container runs {code_word(shown + ' ' + _command_line(cmd.target))}."
    elif ins.json is None:
        shell = md.code(" ".join(ctx.analysis.shell_for(ins)))
        program = exec_program(ctx.analysis, ins)
        if program is not None:
            text += f" Shell form: {shell} starts it and `exec` hands the process over to {md.code(program)}; CMD is ignored."
        else:
            text += f" Shell form: it runs under {shell} and ignores CMD."
    return text


def _command_line(ins: Instruction) -> str:
    if ins.json is not None:
        return " ".join(w.text for w in ins.json.items)
    return " ".join(ins.args.split())


def _healthcheck(ctx: LineContext, ins: Instruction) -> str:
    if ins.words and ins.words[0].text.upper() == "NONE":
        return "Turns off the health check inherited from the base image."
    timing = []
    for name, label in (("interval", "every"), ("timeout", "timeout"), ("start-period", "start period"),
                        ("retries", "retries")):
        flag = ins.flag(name)
        if flag is not None and flag.value:
            timing.append(f"{label} {md.code(flag.value)}")
    steps = command_steps(ctx, ins)
    shown = " ".join(ins.args.split()[1:]) if ins.json is None else " ".join(w.text for w in ins.json.items[1:])
    what = join_words(steps) if steps else f"runs {code_word(shown)}"
    text = f"Checks the container's health: {what}"
    text += f" ({', '.join(timing)})" if timing else " (every 30s by default)"
    return text + "; a failing check marks the container unhealthy."


# -- COPY / ADD --------------------------------------------------------------------------------
def _copy(ctx: LineContext, ins: Instruction) -> str:
    words = ins.json.items if ins.json is not None else ins.words
    dest_word = words[-1] if words else None
    workdir, _ = ctx.workdir(ins)
    if ins.heredocs:
        target = _resolve(dest_word.text, workdir) if dest_word is not None else "?"
        names = join_words([md.code(h.name) for h in ins.heredocs])
        return f"Writes {md.code(target)} from the inline text of heredoc {names}."
    if len(words) < 2 or dest_word is None:
        return f"{ins.name.capitalize()}s files (incomplete: no destination)."
    sources = [w.text for w in words[:-1]]
    dest = _destination(ctx, ins, dest_word.text, workdir)
    into = "into" if dest_word.text.endswith("/") or dest_word.text in (".", "./") or len(sources) > 1 or \
        any(("*" in s or "?" in s) for s in sources) or sources == ["."] else "to"
    from_flag = ins.flag("from")
    if from_flag is not None and from_flag.value:
        link = next((l for l in ctx.facts(ins).links if l.kind == "copies-from-stage"), None)
        origin = (f"stage {md.code(link.subject)} (line {link.line})" if link is not None
                  else f"image {md.code(from_flag.value)}")
        text = f"Copies {_sources(sources)} from {origin} {into} {dest}"
    elif ins.name == "ADD" and any(s.startswith(("http://", "https://")) for s in sources):
        text = f"Downloads {_sources(sources)} {into} {dest}"
    elif ins.name == "ADD" and any(s.startswith(("git@", "git://")) or s.endswith(".git") for s in sources):
        text = f"Clones {_sources(sources)} {into} {dest}"
    elif ins.name == "ADD" and any(re.search(r"\.(tar(\.\w+)?|tgz|tbz2?|txz)$", s) for s in sources):
        text = f"Unpacks the local archive {_sources(sources)} {into} {dest}"
    elif sources in (["."], ["./"]):
        text = f"Copies the whole build context ({md.code(sources[0])}, minus `.dockerignore`) {into} {dest}"
    else:
        text = f"Copies {_sources(sources)} from the build context {into} {dest}"
    extras = []
    for name, phrase in (("chown", "owned by {}"), ("chmod", "with mode {}")):
        flag = ins.flag(name)
        if flag is not None and flag.value:
            extras.append(phrase.format(md.code(flag.value)))
    if ins.flag("link") is not None:
        extras.append("as an independent layer (`--link`)")
    if extras:
        text += ", " + ", ".join(extras)
    return text + "."


def _destination(ctx: LineContext, ins: Instruction, text: str, workdir: str) -> str:
    """The destination as Markdown: absolute as BuildKit resolves it (variables expanded, joined
    to the WORKDIR); relative to the base image's working directory when that is unknown."""
    if is_absolute(text):
        return md.code(text)
    try:
        step = ctx.analysis.build.step(ins)
    except Exception:  # noqa: BLE001 - the build model is a refinement; the plain join stands
        step = None
    if step is not None and step.destination:
        return md.code(step.destination)
    if workdir or step is None or step.workdir is not None:
        return md.code(_resolve(text, workdir))
    return f"{md.code(text)} in the base image's working directory"


def _sources(sources: list[str]) -> str:
    named = []
    for source in sources:
        if source in (".", "./"):
            named.append("the whole build context" if len(sources) == 1 else "the build context")
        elif source in _KNOWN_SOURCES:
            named.append(f"{md.code(source)} ({_KNOWN_SOURCES[source]})")
        else:
            named.append(md.code(source, limit=80))
    return join_words(named, limit=5)


_KNOWN_SOURCES = {
    "package*.json": "package.json and package-lock.json",
    "package.json": "the npm manifest",
    "*.csproj": "the .NET project files",
    "*.sln": "the .NET solution",
    "requirements.txt": "the pip requirements list",
    "go.mod": "the Go module definition",
    "go.sum": "the Go module checksums",
    "Gemfile": "the Bundler manifest",
    "Gemfile.lock": "the Bundler lock file",
    "pom.xml": "the Maven project",
    "Cargo.toml": "the Cargo manifest",
    "Cargo.lock": "the Cargo lock file",
    "yarn.lock": "Yarn's lock file",
    "pnpm-lock.yaml": "pnpm's lock file",
    "poetry.lock": "Poetry's lock file",
    "pyproject.toml": "the Python project definition",
    "composer.json": "the Composer manifest",
    "composer.lock": "Composer's lock file",
}


def _resolve(path: str, workdir: str) -> str:
    if path.startswith("$") or is_absolute(path):
        return path
    base = workdir or "/"
    if path in (".", "./"):
        return base.rstrip("/") + "/" if base != "/" else "/"
    path = path.removeprefix("./")
    return base.rstrip("/") + "/" + path


# -- the others --------------------------------------------------------------------------------
def _env(ctx: LineContext, ins: Instruction) -> str:
    pairs = [p for p in ins.pairs if p.key]
    if not pairs:
        return "Sets environment variables (none given)."
    shown = join_words([md.code(f"{p.key}={_unquote(p.value or '')}") for p in pairs], limit=5)
    text = f"Sets {shown} in the environment of later lines and of the container"
    if len(pairs) == 1:
        entry = ctx.kb.get("env", pairs[0].key)
        if entry is not None:
            text += f": {lower_first(entry.action or _first_clause(entry.summary))}"
    return text + "."


def _arg(ctx: LineContext, ins: Instruction) -> str:
    pairs = [p for p in ins.pairs if p.key]
    if not pairs:
        return "Declares build arguments (none given)."
    stage = ctx.stage(ins)
    phrases = []
    for pair in pairs:
        name = md.code(pair.key)
        if pair.key in _PREDEFINED and pair.value is None:
            entry = ctx.kb.get("arg", pair.key)
            what = _first_clause(entry.summary.replace("Automatic build arg: ", "")) if entry else ""
            phrases.append(f"makes BuildKit's {name} ({lower_first(what)}) visible in this stage"
                           if what else f"makes BuildKit's {name} visible in this stage")
        elif pair.value is not None:
            phrases.append(f"declares build argument {name} with default {md.code(_unquote(pair.value))}")
        elif stage is not None and pair.key in ctx.analysis.scopes.global_args:
            phrases.append(f"brings the global build argument {name} into this stage")
        else:
            phrases.append(f"declares build argument {name} (no default: empty unless `--build-arg` sets it)")
    scope = " in the global scope, for the FROM lines" if stage is None else ""
    return capitalise(join_words(phrases, limit=5)) + scope + "."


def _label(ctx: LineContext, ins: Instruction) -> str:
    pairs = [p for p in ins.pairs if p.key]
    shown = join_words([md.code(f"{p.key}={_unquote(p.value or '')}") for p in pairs], limit=4)
    return f"Labels the image with {shown} (metadata shown by `docker inspect`)." if pairs else "Adds image labels."


def _expose(ctx: LineContext, ins: Instruction) -> str:
    ports = [w.text if "/" in w.text else w.text + "/tcp" for w in ins.words]
    if not ports:
        return "Declares exposed ports (none given)."
    noun = "port" if len(ports) == 1 else "ports"
    return f"Records that the container listens on {noun} {join_words([md.code(p) for p in ports], limit=6)}."


def _user(ctx: LineContext, ins: Instruction) -> str:
    if not ins.words:
        return "Switches user (none given)."
    who = ins.words[0].text
    user, _, group = who.partition(":")
    text = f"Runs the rest of this stage and the container as user {md.code(user)}"
    if group:
        text += f", group {md.code(group)}"
    if user in ("root", "0"):
        text += " (root)"
    return text + "."


def _workdir(ctx: LineContext, ins: Instruction) -> str:
    if not ins.words:
        return "Sets the working directory (none given)."
    before, _ = ctx.workdir(ins)
    written = ins.words[0].text
    path = _resolve(written, before) if not is_absolute(written) else written
    expanded = _expanded_workdir(ctx, ins, before)
    if expanded and expanded != written:
        path = expanded
    shown = md.code(path) + (f" ({md.code(written)}, created if missing)" if path != written and "$" in written
                             else " (created if missing)")
    stage = ctx.stage(ins)
    where = f" of stage {md.code(stage.label)}" if stage is not None and stage.name is not None else " of this stage"
    return f"Sets the working directory to {shown} for the rest{where} and the container."


def _expanded_workdir(ctx: LineContext, ins: Instruction, before: str) -> str:
    """The WORKDIR's path with its variables expanded, as BuildKit would ("" when unknown)."""
    try:
        step = ctx.analysis.build.step(ins)
    except Exception:  # noqa: BLE001 - the build model is a refinement
        return ""
    use = next((u for u in step.uses if u.role == "workdir"), None) if step is not None else None
    if use is None or use.value is None or use.expansion is None:
        return ""
    value = use.value
    if is_absolute(value):
        return value
    base = step.workdir if step.workdir is not None else before
    return _resolve(value, base) if base else ""


def _volume(ctx: LineContext, ins: Instruction) -> str:
    paths = [w.text for w in (ins.json.items if ins.json is not None else ins.words)]
    shown = join_words([md.code(p) for p in paths], limit=5)
    return f"Declares {shown} as volume mount point{'s' if len(paths) > 1 else ''}: each container gets storage there that outlives it."


def _shell(ctx: LineContext, ins: Instruction) -> str:
    if ins.json is None or not ins.json.items:
        return "Sets the shell for later shell-form instructions (must be a JSON array)."
    shown = " ".join(w.text for w in ins.json.items)
    kind = shell_kind([ins.json.items[0].text])
    name = {"powershell": "PowerShell", "cmd": "cmd.exe"}.get(kind or "", md.code(ins.json.items[0].text))
    text = f"Makes {name} ({code_word(shown)}) the shell for the later shell-form RUN, CMD and ENTRYPOINT of this stage"
    extra = [p for p in command_steps(ctx, ins)[1:]] if kind == "powershell" else []
    if extra:
        text += "; each one first " + join_words(extra)
    return text + "."


def _stopsignal(ctx: LineContext, ins: Instruction) -> str:
    signal = ins.words[0].text if ins.words else "?"
    return f"Makes `docker stop` send {md.code(signal)} to the main process instead of SIGTERM."


def _maintainer(ctx: LineContext, ins: Instruction) -> str:
    return f"Records {md.code(' '.join(ins.args.split()))} as the image's author (deprecated: use a LABEL)."


def _onbuild(ctx: LineContext, ins: Instruction) -> str:
    return "Registers an ONBUILD trigger (no instruction given)."


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


_COMPOSERS: dict[str, Callable[[LineContext, Instruction], str]] = {
    "FROM": _from, "RUN": _run, "CMD": _cmd, "ENTRYPOINT": _entrypoint, "HEALTHCHECK": _healthcheck,
    "COPY": _copy, "ADD": _copy, "ENV": _env, "ARG": _arg, "LABEL": _label, "EXPOSE": _expose, "USER": _user,
    "WORKDIR": _workdir, "VOLUME": _volume, "SHELL": _shell, "STOPSIGNAL": _stopsignal,
    "MAINTAINER": _maintainer, "ONBUILD": _onbuild,
}

__all__ = ["Optional", "command_steps", "purpose"]
