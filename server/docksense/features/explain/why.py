"""Why: the reason a line is written this way, from recognised idioms, the comment above it and
the rest of the file (which lines it serves)."""

from __future__ import annotations

import re

from ...analysis.lines import LineFacts
from ...syntax import Instruction
from .. import markdown as md
from .instructions import stage_at
from .context import LineContext
from .idioms import IDIOMS
from .phrases import join_words
from .purpose import _first_clause

MAX_IDIOMS = 3


def why(ctx: LineContext, ins: Instruction, with_comment: bool = True) -> tuple[str, list[str]]:
    """The Why of ``ins`` as Markdown, and the ids of the idioms it relies on. ``with_comment``
    quotes the comment above the line (a walkthrough that shows the comment leaves it out)."""
    target = ins.trigger or ins
    if target.trigger is not None:  # ``ONBUILD ONBUILD``: refused; the Purpose says so
        return "", []
    sentences: list[str] = []
    detector = IDIOMS.get(target.name)
    idioms = detector(ctx, target) if detector is not None else []
    specific = _SPECIFIC.get(target.name)
    if specific is not None:
        sentences.extend(specific(ctx, target))
    sentences = [text for _, text in idioms[:MAX_IDIOMS]] + sentences
    quote, note = _comment(ctx, ins)
    if quote and with_comment:
        sentences.append(quote)
    if note:
        sentences.append(note)
    if ins.trigger is not None:
        sentences.insert(0, "ONBUILD defers it to the builds that use this image as their base.")
    return " ".join(_dedupe(sentences)), [ident for ident, _ in idioms[:MAX_IDIOMS]]


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(s for s in items if s))


def _comment(ctx: LineContext, ins: Instruction) -> tuple[str, str]:
    """The comment above, quoted, and what the rest of the file says about it."""
    text = ctx.comment_above(ins)
    if not text:
        return "", ""
    quote = text if len(text) <= 160 else text[:157].rsplit(" ", 1)[0] + "…"
    facts = ctx.facts(ins)
    note = ""
    if re.search(r"health\s*-?check", text, re.IGNORECASE) and "curl" in facts.provides and not any(
            l.kind == "installs-used-by" and l.subject == "curl" for l in facts.links):
        note = ("The comment above ties curl to a health check, but this file has no HEALTHCHECK that runs it: "
                "the check is expected where the container runs (e.g. a Compose `healthcheck:`).")
    return f"The comment above says: “{md.escape(quote)}”.", note


def _links(facts: LineFacts, kind: str) -> list:
    return [l for l in facts.links if l.kind == kind]


# -- per instruction -----------------------------------------------------------------------------
def _run(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = []
    used = {}
    for link in _links(facts, "installs-used-by"):
        used.setdefault(link.subject, []).append(link)
    described = 0
    for command, package in list(facts.provides.items())[:4]:
        entry = ctx.kb.package(package) or ctx.kb.get("command", command)
        if entry is None or entry.name != command:
            continue
        what = first_sentence(entry.summary)
        if command in used:
            roles = []
            for link in used[command]:
                name = link.target.name
                roles.append(f"the {name} on line {link.line}" if name in ("ENTRYPOINT", "HEALTHCHECK", "CMD")
                             else f"line {link.line}")
            out.append(f"{md.code(command)} is needed by {join_words(roles)} ({_lower(what)}).")
        elif described < 2:
            described += 1
            label = md.code(command) if command == package else f"{md.code(package)} provides {md.code(command)}"
            out.append(f"{label}: {_lower(what)}.")
    out.extend(_unphrased_commands(ctx, ins, 2 - described))
    for link in _links(facts, "output-copied-by")[:1]:
        out.append(f"Its output {md.code(link.subject)} is what line {link.line} copies into a later stage.")
    reads = _links(facts, "reads-set-on")
    if reads:
        out.append(_variable_sources(reads))
    text = ins.args
    if re.search(r"\bdotnet\s+publish\b.*--no-restore", text):
        restore = next((ctx.line(i) for i in (ctx.stage(ins).instructions if ctx.stage(ins) else [])
                        if i.name == "RUN" and i.line < ins.line and re.search(r"\bdotnet\s+restore\b", i.args)), None)
        if restore is not None:
            out.append(f"`--no-restore` skips a second restore: line {restore} already did it.")
    if re.search(r"--self-contained(?:\s+|=)false|--no-self-contained", text):
        out.append("Framework-dependent output needs the .NET runtime in the image that runs it.")
    return out


def _unphrased_commands(ctx: LineContext, ins: Instruction, limit: int) -> list[str]:
    """What a known command is, when the knowledge base has no action phrase for it (a team's
    own knowledge pack, say): the Purpose could only say that it runs, so the Why says what it is."""
    from .phrases import derived_action, is_verb_phrase

    out: list[str] = []
    seen: set[str] = set()
    for located in ctx.analysis.commands(ins):
        if len(out) >= limit:
            break
        roles = ctx.roles(located.command) if located.command.words else []
        entry = roles[0].entry if roles else None
        if entry is None or entry.name in seen or entry.action or derived_action(entry.summary):
            continue
        if any(r.role == "option" and r.part is not None and r.part.action and is_verb_phrase(r.part.action)
               for r in roles[1:]):
            continue  # ``tar --extract``: the option's action already says what it does in the Purpose
        seen.add(entry.name)
        out.append(f"{md.code(entry.name)}: {first_sentence(entry.summary)}.")
    return out


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return re.split(r"(?<!e\.g)(?<!i\.e)(?<=[a-z0-9)])[.;]\s", text, maxsplit=1)[0].rstrip(".")


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _from(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = [end_of_life(ctx, ins)]
    copied = _links(facts, "stage-copied-by")  # the Purpose names the lines that copy from it
    stage = ctx.stage(ins)
    if ctx.is_last_stage(stage) and len(ctx.analysis.stages) > 1:
        out.append("Earlier stages are built only as far as this one (or `--target`) needs them.")
    elif ctx.is_last_stage(stage):
        pass  # the only stage: what `docker build` builds; nothing more to say about its use
    elif stage is not None and stage.name is not None and not _links(facts, "stage-base-of") and not copied:
        out.append(f"Nothing else uses it: it is built only with {md.code('docker build --target ' + stage.name.text)}.")
    return out


def end_of_life(ctx: LineContext, ins: Instruction) -> str:
    """"Node.js 18 is past end of life (since ...): move to 24." for a FROM whose release line is."""
    from ...analysis.images import lookup_image, parse_image
    from .images import today

    stage = stage_at(ctx.analysis, ins)
    if stage is None or stage.image is None or stage.base_stage is not None:
        return ""
    ref = parse_image(stage.image.text)
    if ref is None or ref.has_variables:
        return ""
    facts = lookup_image(ctx.kb, ref)
    eol = facts.end_of_life(today())
    if eol is None or facts.line is None or facts.entry is None:
        return ""
    move = facts.line.successor or (facts.entry.lifecycle.recommended if facts.entry.lifecycle else "")
    text = (f"Release line {md.escape(facts.line.line)} of {md.code(facts.entry.name)} is past its end of life "
            f"({eol.isoformat()}): it gets no more security fixes")
    return text + (f"; move to {md.code(move)}." if move else ".")


def _copy(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = []
    for link in _links(facts, "copies-output-of")[:1]:
        out.append(f"{md.code(link.subject)} is what the {link.target.name} on line {link.line} produced.")
    workdir = _links(facts, "in-workdir-of")
    if workdir:
        out.append(f"The relative destination resolves against the WORKDIR set on line {workdir[0].line}.")
    return out


def _env(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = []
    for pair in ins.pairs[:3]:
        entry = ctx.kb.get("env", pair.key)
        if entry is None:
            continue
        if entry.deprecated:
            out.append(f"{md.code(pair.key)} is out of date: {' '.join(entry.deprecated.split())}")
        elif entry.why:
            out.append(" ".join(entry.why.split()))
    reads = _links(facts, "sets-read-by")
    if reads:
        by_name: dict[str, list[int]] = {}
        for link in reads:
            by_name.setdefault(link.subject, []).append(link.line)
        out.extend(f"{md.code(name)} is read on line{'s' if len(lines) > 1 else ''} {join_words([str(n) for n in lines])}."
                   for name, lines in by_name.items())
    for link in _links(facts, "port-matches")[:2]:
        out.append(f"The same port as the {link.target.name} on line {link.line}.")
    if not out:
        out.append("ENV values stay in the image: every later instruction and the running container see them.")
    return out


def _arg(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    reads = _links(facts, "sets-read-by")
    if reads:
        by_name: dict[str, list[int]] = {}
        for link in reads:
            by_name.setdefault(link.subject, []).append(link.line)
        return [f"{md.code(name)} is used on line{'s' if len(lines) > 1 else ''} {join_words([str(n) for n in lines])}."
                for name, lines in by_name.items()]
    if ctx.stage(ins) is None:
        return [f"A stage sees it only after re-declaring it ({md.code('ARG ' + ins.pairs[0].key) if ins.pairs else '`ARG`'})."]
    return ["No later line of this stage names it; RUN commands still see it as an environment variable."]


def _expose(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = []
    for link in _links(facts, "port-matches")[:2]:
        what = "binds it" if link.target.name in ("CMD", "ENTRYPOINT", "RUN") else "sets it"
        out.append(f"The {link.target.name} on line {link.line} {what}.")
    out.append("EXPOSE only documents the port; `docker run -p` publishes it.")
    return out


def _workdir(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    used = _links(facts, "workdir-used-by")
    out = []
    if used:
        out.append(f"Relative paths on line{'s' if len(used) > 1 else ''} {join_words([str(l.line) for l in used])} "
                   "resolve against it.")
    if not used:
        out.append("An absolute WORKDIR keeps later paths unambiguous, unlike `cd` inside a RUN.")
    return out


def _user(ctx: LineContext, ins: Instruction) -> list[str]:
    user = ins.words[0].text.split(":")[0] if ins.words else ""
    if user.lower() == "containeradministrator":
        return ["ContainerAdministrator is the Windows container's administrator, needed for machine-wide "
                "changes; switch back to ContainerUser afterwards."]
    if user in ("root", "0"):
        return ["Root is usually needed for installs; switch to an unprivileged user again before the final CMD."]
    return ["Running as a non-root user limits what a compromised process can do inside the container."]


def _cmd(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = _program_why(ctx, ins)
    for link in _links(facts, "uses-installed")[:1]:
        out.append(f"{md.code(link.subject)} was installed on line {link.line}.")
    for link in _links(facts, "port-matches")[:1]:
        out.append(f"Port {md.code(link.subject)} matches the {link.target.name} on line {link.line}.")
    if ins.name == "CMD":
        out.append("`docker run IMAGE args` replaces it.")
    return out


_WRAPPERS = frozenset({"tini", "dumb-init", "gosu", "su-exec"})  # their idioms say why
# Programs whose choice is the point of a CMD (a server, a worker, a process manager); for a
# language runtime (`node server.js`) the general why would say nothing about this line.
_SERVING = frozenset({"web-server", "wsgi", "asgi", "process-manager", "worker", "database", "development"})


def _program_why(ctx: LineContext, ins: Instruction) -> list[str]:
    """Why the program a CMD/ENTRYPOINT starts is the usual choice (its entry's own why)."""
    for located in ctx.analysis.commands(ins)[:1]:
        roles = ctx.roles(located.command) if located.command.words else []
        entry = roles[0].entry if roles else None
        if entry is not None and entry.why and entry.name not in _WRAPPERS and _SERVING & set(entry.tags):
            return [f"{md.code(entry.name)}: {_lower(first_sentence(entry.why))}."]
    return []


def _variable_sources(reads: list) -> str:
    """"$A, $B and $C come from lines 27, 28 and 29": names in the order of the lines that
    define them, so each name pairs with its own line; names sharing a line are grouped."""
    by_line: dict[int, list[str]] = {}
    for link in sorted(reads, key=lambda l: (l.line, _pair_index(l.target, l.subject))):
        names = by_line.setdefault(link.line, [])
        if link.subject not in names:
            names.append(link.subject)
    groups = [(line, [md.code("$" + n) for n in names]) for line, names in by_line.items()]
    if len(groups) == 1:
        line, names = groups[0]
        return f"{join_words(names)} {'comes' if len(names) == 1 else 'come'} from line {line}."
    if all(len(names) == 1 for _, names in groups):
        return (f"{join_words([names[0] for _, names in groups])} come from lines "
                f"{join_words([str(line) for line, _ in groups])}.")
    parts = [f"{join_words(names)} from line {line}" for line, names in groups]
    return "Set earlier: " + "; ".join(parts) + "."


def _pair_index(ins: Instruction, name: str) -> int:
    """Where ``name`` is set among the ENV/ARG pairs of ``ins`` (its order on the line)."""
    keys = [p.key for p in ins.pairs]
    return keys.index(name) if name in keys else len(keys)


def _healthcheck(ctx: LineContext, ins: Instruction) -> list[str]:
    facts = ctx.facts(ins)
    out = [f"{md.code(l.subject)} was installed for it on line {l.line}." for l in _links(facts, "uses-installed")[:2]]
    out.append("The health status drives `docker ps`, Compose's `condition: service_healthy` and Swarm's restarts.")
    return out


def _shell(ctx: LineContext, ins: Instruction) -> list[str]:
    text = " ".join(w.text for w in ins.json.items) if ins.json is not None else ins.args
    out = []
    if "pipefail" in text:
        out.append("`-o pipefail` makes a pipeline fail when any command in it fails, not only the last; "
                   "every later shell-form RUN of this stage runs that way.")
    if re.search(r"powershell|pwsh", text, re.IGNORECASE):
        out.append("Windows images run shell-form lines with `cmd /S /C`; PowerShell brings cmdlets such as "
                   "`Invoke-WebRequest` and `Expand-Archive`.")
        if re.search(r"\$ErrorActionPreference\s*=\s*'?Stop", text, re.IGNORECASE):
            out.append("`$ErrorActionPreference = 'Stop'` makes a failing cmdlet fail the build instead of going on.")
    return out


def _label(ctx: LineContext, ins: Instruction) -> list[str]:
    if any(p.key.startswith("org.opencontainers.image.") for p in ins.pairs):
        return ["`org.opencontainers.image.*` are the standard keys that registries and scanners read."]
    return ["Labels travel with the image, for tools and people that inspect it."]


def _stopsignal(ctx: LineContext, ins: Instruction) -> list[str]:
    word = ins.words[0].text.upper() if ins.words else ""
    entry = ctx.kb.get("signal", word) or ctx.kb.get("signal", "SIG" + word)
    return [f"{md.code(word)}: {first_sentence(entry.summary)}."] if entry is not None else []


def _volume(ctx: LineContext, ins: Instruction) -> list[str]:
    return ["Data there lives outside the container's writable layer, so it survives the container."]


_SPECIFIC = {
    "RUN": _run, "FROM": _from, "COPY": _copy, "ADD": _copy, "ENV": _env, "ARG": _arg, "EXPOSE": _expose,
    "WORKDIR": _workdir, "USER": _user, "CMD": _cmd, "ENTRYPOINT": _cmd, "HEALTHCHECK": _healthcheck,
    "SHELL": _shell, "LABEL": _label, "STOPSIGNAL": _stopsignal, "VOLUME": _volume,
}
