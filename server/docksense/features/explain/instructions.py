"""Instruction keywords and their arguments: FROM images and stages, ENV/ARG/LABEL keys,
EXPOSE ports, STOPSIGNAL, USER, WORKDIR, VOLUME and COPY/ADD paths, SHELL."""

from __future__ import annotations

import re
from typing import Optional

from ...analysis import Analysis
from ...analysis.images import lookup_image, parse_image
from ...analysis.stages import Stage, stage_named
from ...knowledge import KnowledgeBase, find_part
from ...syntax import Instruction, Word
from .. import markdown as md
from .images import image_explanation
from .model import Explanation
from .labels import label_explanation
from .paths import is_absolute, path_explanation
from .exec_wrapper import exec_program


def line_no(analysis: Analysis, offset: int) -> int:
    return analysis.lines.position(offset)[0] + 1


def keyword_explanation(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> Explanation:
    entry = kb.get("instruction", ins.name)
    out = Explanation.from_knowledge(ins.keyword_start, ins.keyword_end, ins.name, "instruction", entry)
    if entry is None:
        return out  # unknown instruction: nothing to say (the checks report it)
    if ins.parent is not None:
        out.specifics.append(
            "Here it is an **ONBUILD trigger**: it does not run in this build but at the start of "
            "any build that uses this image as its base (right after that build's FROM)."
        )
    form = _form_line(analysis, kb, ins)
    if form:
        out.specifics.append(form)
    stage = analysis.stage_of(ins)
    if ins.name == "FROM":
        out.specifics.extend(_from_specifics(analysis, ins))
    elif ins.name in ("CMD", "ENTRYPOINT") and stage is not None:
        out.specifics.extend(_cmd_entrypoint_specifics(analysis, ins, stage))
    elif ins.name == "ONBUILD" and ins.trigger is not None:
        out.specifics.append(f"Trigger: {md.code(ins.trigger.name)} runs when another build starts `FROM` this image.")
    return out


def _form_line(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> str:
    if ins.name not in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK", "COPY", "ADD") or not ins.form:
        return ""
    entry = kb.get("form", ins.form)
    if entry is None:
        return ""
    if ins.form == "shell" and ins.name in ("CMD", "ENTRYPOINT"):
        shell = md.code(" ".join(analysis.shell_for(ins)))
        if exec_program(analysis, ins) is not None:
            return (f"Written in **shell form**: {entry.summary.rstrip('.')}. {shell} starts it and `exec` replaces "
                    "the shell with the program, which then receives stop signals itself.")
        return (f"Written in **shell form**: {entry.summary.rstrip('.')}. The process runs under {shell}, "
                "so it does not receive stop signals directly.")
    if ins.form == "exec":
        return f"Written in **exec form**: {entry.summary.rstrip('.')}."
    return f"Written in **{ins.form} form**: {entry.summary.rstrip('.')}."


def _from_specifics(analysis: Analysis, ins: Instruction) -> list[str]:
    stage = stage_at(analysis, ins)
    if stage is None:
        return []
    name = f" {md.code(stage.name.text)}" if stage.name else ""
    base = ""
    if stage.base_stage is not None:
        base = f", built on stage {md.code(stage.base_stage.label)} (line {line_no(analysis, stage.base_stage.instruction.start)})"
    elif stage.image is not None:
        base = f", based on {md.code(stage.image.text)}"
    return [f"Starts stage {stage.index}{name}{base}."]


def _last(stage: Stage, name: str, before: Optional[Instruction] = None) -> list[Instruction]:
    return [i for i in stage.instructions if i.name == name]


def _cmd_entrypoint_specifics(analysis: Analysis, ins: Instruction, stage: Stage) -> list[str]:
    out = []
    same = _last(stage, ins.name)
    if len(same) > 1 and same[-1] is not ins:
        out.append(f"Only the last {ins.name} of a stage takes effect: this one is replaced by line "
                   f"{line_no(analysis, same[-1].start)}.")
    other_name = "ENTRYPOINT" if ins.name == "CMD" else "CMD"
    others = _last(stage, other_name)
    other = others[-1] if others else None
    if ins.name == "CMD":
        if other is None:
            out.append("No ENTRYPOINT in this stage: this is the command the container runs "
                       "(unless the base image sets an ENTRYPOINT, which then receives it as arguments).")
        elif other.form == "exec":
            out.append(f"ENTRYPOINT on line {line_no(analysis, other.start)} is in exec form, so these are "
                       "its default arguments: they are appended to it and `docker run IMAGE args` replaces them.")
        else:
            out.append(f"ENTRYPOINT on line {line_no(analysis, other.start)} is in shell form, which ignores CMD: "
                       "this CMD has no effect.")
    else:
        if other is None:
            out.append("No CMD in this stage: arguments come only from `docker run IMAGE args`.")
        elif ins.form == "exec":
            out.append(f"CMD on line {line_no(analysis, other.start)} supplies the default arguments appended to it.")
        else:
            out.append("In shell form ENTRYPOINT ignores CMD and `docker run` arguments; use exec form to accept them.")
    return out


# -- arguments ----------------------------------------------------------------------------------
def argument_explanations(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    name = ins.name
    if name == "FROM":
        return _from_words(analysis, kb, ins)
    if name in ("ENV", "ARG", "LABEL"):
        return _pairs(analysis, kb, ins)
    if name == "EXPOSE":
        return [e for w in ins.words if (e := _port(kb, w)) is not None]
    if name == "STOPSIGNAL":
        return [e for w in ins.words if (e := _signal(kb, w)) is not None]
    if name == "USER":
        return [_user(w) for w in ins.words]
    if name in ("WORKDIR", "VOLUME"):
        return [e for w in ins.words if (e := path_explanation(kb, w.text, w.start, w.end)) is not None]
    if name in ("COPY", "ADD"):
        return _copy_paths(analysis, kb, ins)
    if name == "HEALTHCHECK" and ins.words:
        return _healthcheck_type(kb, ins)
    return []


def _from_words(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    out: list[Explanation] = []
    stage = stage_at(analysis, ins)
    if stage is None:
        return out
    if stage.image is not None:
        if stage.base_stage is not None:
            out.append(stage_reference(analysis, stage.base_stage, stage.image.start, stage.image.end,
                                       stage.image.text))
        elif stage.image.text.lower() != "scratch" or kb.get("image", "scratch") is not None:
            explanation = image_explanation(analysis, kb, stage.image, ins)
            if explanation is not None:
                out.append(explanation)
    if stage.as_word is not None:
        out.append(Explanation(stage.as_word.start, stage.as_word.end, "AS", "keyword of FROM",
                               summary="Names this stage so later instructions can refer to it.",
                               purpose="`FROM image AS name` gives the stage a name for `FROM name`, `COPY --from=name`, "
                                       "`RUN --mount=from=name` and `docker build --target name`.",
                               why="Named stages read better and survive reordering, unlike stage numbers.",
                               docs="https://docs.docker.com/build/building/multi-stage/#name-your-build-stages"))
    if stage.name is not None:
        out.append(stage_definition(analysis, stage))
    return out


def stage_definition(analysis: Analysis, stage: Stage) -> Explanation:
    word = stage.name
    assert word is not None
    out = Explanation(word.start, word.end, word.text, "build stage",
                      summary="The name of this build stage.",
                      docs="https://docs.docker.com/build/building/multi-stage/")
    base = stage.base_stage.label if stage.base_stage else (stage.image.text if stage.image else "?")
    out.specifics.append(f"Stage {stage.index} {md.code(word.text)}, defined on line "
                         f"{line_no(analysis, stage.instruction.start)}, based on {md.code(base)}.")
    refs = stage_references(analysis, stage)
    if refs:
        lines = ", ".join(str(line_no(analysis, r)) for r in refs[:12])
        out.specifics.append(f"Used on line{'s' if len(refs) > 1 else ''} {lines}.")
    else:
        out.specifics.append("Not referenced by a later stage; it is built when it is the target "
                             "(`--target`) or the last stage, or when a later stage depends on it.")
    if word.text != word.text.lower():
        out.specifics.append("BuildKit matches stage names case-insensitively.")
    return out


def stage_references(analysis: Analysis, stage: Stage) -> list[int]:
    """Offsets of every reference to ``stage`` (FROM, COPY --from, RUN --mount from=), read from
    an index built once per document version (a per-stage walk would make ``explain`` quadratic)."""
    if not stage.key:
        return []
    by_stage, by_key = _reference_index(analysis)
    return sorted(by_stage.get(id(stage), []) + by_key.get(stage.key, []))


_REFS_MEMO = "explain.stage_references"


def _reference_index(analysis: Analysis) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
    """Every stage reference in the document, in one pass: FROM of another stage by the stage's
    identity, ``--from``/``from=`` by the lower-cased name they give."""
    found = analysis.memo.get(_REFS_MEMO)
    if found is None:
        by_stage: dict[int, list[int]] = {}
        by_key: dict[str, list[int]] = {}
        for other in analysis.stages:
            if other.base_stage is not None and other.image is not None:
                by_stage.setdefault(id(other.base_stage), []).append(other.image.start)
        for ins in analysis.tree.instructions:
            target = ins.trigger or ins
            for flag in target.flags:
                name = flag.name.lower()
                if flag.value is None:
                    continue
                if name == "from":
                    if flag is target.flag("from"):
                        by_key.setdefault(flag.value.lower(), []).append(flag.value_start)
                elif name == "mount" and flag.value:
                    match = re.search(r"(?:^|,)from=([^,]*)", flag.value)
                    if match:
                        by_key.setdefault(match.group(1).lower(), []).append(flag.value_start)
        found = (by_stage, by_key)
        analysis.memo[_REFS_MEMO] = found
    return found  # type: ignore[return-value]


def stage_at(analysis: Analysis, ins: Instruction) -> Optional[Stage]:
    """The stage whose FROM is ``ins`` (None for any other instruction)."""
    stage = analysis.stage_of(ins)
    return stage if stage is not None and stage.instruction is ins else None


def stage_reference(analysis: Analysis, stage: Stage, start: int, end: int, text: str) -> Explanation:
    out = Explanation(start, end, text, "reference to a build stage",
                      summary=f"Refers to build stage {stage.index}, not to an image.",
                      docs="https://docs.docker.com/build/building/multi-stage/")
    base = stage.base_stage.label if stage.base_stage else (stage.image.text if stage.image else "?")
    out.specifics.append(f"Stage {md.code(stage.label)} is defined on line {line_no(analysis, stage.instruction.start)}, "
                         f"based on {md.code(base)}.")
    return out


def _pairs(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    out = []
    for pair in ins.pairs:
        if not pair.key:
            continue
        if ins.name == "ENV":
            entry = kb.get("env", pair.key)
            explanation = Explanation.from_knowledge(pair.key_start, pair.key_end, pair.key, "environment variable", entry)
            if entry is None:
                explanation.summary = "An environment variable set for the rest of this stage and in containers started from the image."
                explanation.docs = "https://docs.docker.com/reference/dockerfile/#env"
            value = _value_of(analysis, ins, pair.key)
            explanation.specifics.append(f"Set here to {md.code(value)}." if value is not None else "Set here.")
        elif ins.name == "ARG":
            entry = kb.get("arg", pair.key) or kb.get("env", pair.key)
            explanation = Explanation.from_knowledge(pair.key_start, pair.key_end, pair.key, "build argument", entry)
            if entry is None:
                explanation.summary = "A build argument: a variable for the build only, settable with `docker build --build-arg`."
                explanation.docs = "https://docs.docker.com/reference/dockerfile/#arg"
            explanation.specifics.extend(_arg_specifics(analysis, ins, pair))
        elif (known := label_explanation(kb, pair)) is not None:
            explanation = known
        else:
            explanation = Explanation(pair.key_start, pair.key_end, pair.key, "label",
                                      summary="Metadata on the image, readable with `docker inspect`.",
                                      docs="https://docs.docker.com/reference/dockerfile/#label")
            if pair.key.startswith("org.opencontainers.image."):
                idiom = kb.get("idiom", "labels-oci")
                if idiom is not None:
                    explanation.purpose = idiom.summary
                    explanation.docs = idiom.docs or explanation.docs
            if pair.value is not None:
                explanation.specifics.append(f"Value: {md.code(pair.value)}.")
        out.append(explanation)
    return out


def _value_of(analysis: Analysis, ins: Instruction, name: str) -> Optional[str]:
    stage = analysis.stage_of(ins)
    if stage is None:
        found = analysis.scopes.global_args.get(name)
        return found.value if found else None
    definition = _definition(analysis, ins, name)
    return definition.value if definition is not None else None


def _definition(analysis: Analysis, ins: Instruction, name: str):
    """The definition ``ins`` makes of ``name``, from an index built once per document version."""
    index = analysis.memo.get(_DEFINITIONS_MEMO)
    if index is None:
        index = {}
        for definition in analysis.scopes.definitions:
            if definition.instruction is not None:
                index.setdefault((id(definition.instruction), definition.name), definition)
        analysis.memo[_DEFINITIONS_MEMO] = index
    return index.get((id(ins), name))  # type: ignore[union-attr]


_DEFINITIONS_MEMO = "explain.definitions_by_instruction"


def _arg_specifics(analysis: Analysis, ins: Instruction, pair) -> list[str]:
    out = []
    stage = analysis.stage_of(ins)
    definition = _definition(analysis, ins, pair.key)
    if stage is None:
        out.append("Declared before the first FROM: a **global** build argument, usable in FROM lines; "
                   "a stage sees it only after re-declaring it with a bare " + md.code("ARG " + pair.key) + ".")
    if pair.value is not None:
        out.append(f"Default: {md.code(definition.value if definition and definition.value is not None else pair.value)}"
                   " (overridable with `--build-arg`).")
    elif definition is not None and definition.inherited is not None:
        out.append(f"Re-declares the global ARG from line {line_no(analysis, definition.inherited.instruction.start)}, "
                   f"so its value {md.code(definition.inherited.value or '')} is visible in this stage.")
    elif pair.key in ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
                      "BUILDARCH", "BUILDVARIANT", "TARGETSTAGE"):
        out.append("Predefined by BuildKit: declaring it makes its value visible in this stage.")
    else:
        out.append("No default: empty unless given with `--build-arg`.")
    return out


def _port(kb: KnowledgeBase, word: Word) -> Optional[Explanation]:
    match = re.fullmatch(r"(\d+)(?:-(\d+))?(?:/(\w+))?", word.text)
    if not match:
        return None
    port, last, proto = match.group(1), match.group(2), (match.group(3) or "tcp")
    entry = kb.get("port", port)
    out = Explanation.from_knowledge(word.start, word.end, word.text, "exposed port", entry)
    if entry is None:
        out.summary = "A port the container listens on, recorded as image metadata."
    out.docs = out.docs or "https://docs.docker.com/reference/dockerfile/#expose"
    span = f"ports {port}-{last}" if last else f"port {port}"
    out.specifics.append(f"Documents {span}/{md.escape(proto.lower())}. EXPOSE publishes nothing by itself: "
                         "use `docker run -p` (or `-P` for all exposed ports).")
    return out


def _signal(kb: KnowledgeBase, word: Word) -> Optional[Explanation]:
    text = word.text.upper()
    entry = kb.get("signal", text) or kb.get("signal", "SIG" + text) or kb.get("signal", word.text)
    if entry is None:
        return None
    out = Explanation.from_knowledge(word.start, word.end, word.text, "stop signal", entry)
    out.specifics.append("`docker stop` sends this signal to PID 1, then SIGKILL after the timeout.")
    return out


def _user(word: Word) -> Explanation:
    user, _, group = word.text.partition(":")
    out = Explanation(word.start, word.end, word.text, "user",
                      summary="The user (and group) for the rest of this stage and for the container.",
                      docs="https://docs.docker.com/reference/dockerfile/#user")
    who = f"user {md.code(user)}" + (f", group {md.code(group)}" if group else "")
    out.specifics.append(f"Later RUN, CMD and ENTRYPOINT run as {who}.")
    if user in ("root", "0"):
        out.specifics.append("That is root: the container runs with full privileges inside it; "
                             "switch to an unprivileged user for the final stage where you can.")
    return out


def _copy_paths(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    out: list[Explanation] = []
    words = ins.json.items if ins.json is not None else ins.words
    if ins.heredocs or len(words) < 2:
        return out
    *sources, dest = words
    for word in sources:
        if word.text in (".", "./"):
            out.append(Explanation(word.start, word.end, word.text, "build context",
                                   summary="The whole build context: the folder given to `docker build`, "
                                           "minus what `.dockerignore` excludes.",
                                   why="Copy it after the dependency manifests so that code changes do not "
                                       "invalidate the dependency layers.",
                                   docs="https://docs.docker.com/build/concepts/context/"))
        elif re.search(r"(package\*?\.json|requirements[^/]*\.txt|Pipfile|poetry\.lock|go\.(mod|sum)|Cargo\.(toml|lock)"
                       r"|\.csproj|pom\.xml|Gemfile|composer\.json|yarn\.lock|pnpm-lock\.yaml)$", word.text):
            idiom = kb.get("idiom", "copy-manifest-first")
            if idiom is not None:
                explanation = Explanation.from_knowledge(word.start, word.end, word.text, "dependency manifest", idiom)
                out.append(explanation)
    explanation = Explanation(dest.start, dest.end, dest.text, "destination in the image",
                              summary="Where the files land in the image.",
                              docs="https://docs.docker.com/reference/dockerfile/#copy")
    if not is_absolute(dest.text) and not dest.text.startswith("$"):
        explanation.specifics.append(_relative_destination(analysis, ins))
    known = path_explanation(kb, dest.text, dest.start, dest.end)
    if known is not None:
        known.specifics = explanation.specifics + known.specifics
        explanation = known
    out.append(explanation)
    return out


def _relative_destination(analysis: Analysis, ins: Instruction) -> str:
    """What a relative destination is resolved against: the WORKDIR in effect as the build
    model dispatches it (expanded, following base stages), or the base image's."""
    while ins.parent is not None:
        ins = ins.parent
    step = analysis.build.step(ins)
    if step is not None and step.workdir_set:
        if step.workdir is not None:
            return f"Relative, so it is resolved against the WORKDIR {md.code(step.workdir)}."
        return "Relative, so it is resolved against the WORKDIR set earlier (its value is not known from this file)."
    return ("Relative, and no WORKDIR is set in this stage: it is resolved against the base image's "
            "working directory (often `/`).")


def _healthcheck_type(kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    entry = kb.get("instruction", "HEALTHCHECK")
    word = ins.words[0]
    if entry is None:
        return []
    found = find_part(entry.values, word.text.upper())
    if found is None:
        return []
    return [Explanation.from_knowledge(word.start, word.end, word.text, "HEALTHCHECK type", entry, found[1])]


__all__ = ["argument_explanations", "keyword_explanation", "stage_definition", "stage_reference",
           "stage_references", "line_no", "stage_named", "lookup_image", "parse_image"]
