"""``$NAME`` and ``${NAME...}``: the value at that point, where it came from, the modifier."""

from __future__ import annotations

from ...analysis import Analysis
from ...analysis.scopes import apply_modifier
from ...analysis.shell.runs import RunShell, run_shell
from ...knowledge import KnowledgeBase
from ...syntax import Instruction, VarRef
from .. import markdown as md
from .model import Explanation
from .shell_variables import as_var_ref, shell_reference_explanations

_MODIFIER_FORM = {
    "": "${var}", ":-": "${var:-word}", "-": "${var-word}", ":+": "${var:+word}", "+": "${var+word}",
    ":?": "${var:?word}", "?": "${var?word}", "#": "${var#pattern}", "##": "${var##pattern}",
    "%": "${var%pattern}", "%%": "${var%%pattern}", "/": "${var/pattern/replacement}",
    "//": "${var//pattern/replacement}",
}


def _line(analysis: Analysis, offset: int) -> int:
    return analysis.lines.position(offset)[0] + 1


def variable_explanations(analysis: Analysis, kb: KnowledgeBase, ins: Instruction,
                          window: RunShell | None = None) -> list[Explanation]:
    """``$NAME`` references: the shell's own (in shell code, read with the shell's quoting and
    resolved against the variables the shell sets) and the builder's (everything else).
    ``window`` is the model of the part of a huge RUN around the cursor (see :mod:`.large_shell`)."""
    out: list[Explanation] = []
    covered: set[int] = set()
    shell_code: tuple[int, int] | None = None
    target = ins.trigger if ins.trigger is not None else ins
    if target.name in _SHELL_CODE:
        if target.form != "exec":
            shell_code = target.args_span()
        shell_refs, covered = shell_reference_explanations(
            analysis, kb, ins, lambda ref: _name(analysis, kb, ins, ref), window)
        out.extend(shell_refs)
    for ref in _shell_var_refs(analysis, ins, covered, window):
        _signs(kb, ref, out)
    for ref in ins.variables:
        if not ref.name or ref.name_start in covered:
            continue
        if shell_code is not None and shell_code[0] <= ref.start < shell_code[1]:
            continue  # shell text: the shell's reading above is the right one
        in_flag = shell_code is not None and ref.start < shell_code[0]
        out.append(_name(analysis, kb, ins, ref, in_flag=in_flag))
        _signs(kb, ref, out)
    out.extend(_escaped_dollars(analysis, kb, ins))
    return out


_SHELL_CODE = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})


def _shell_var_refs(analysis: Analysis, ins: Instruction, covered: set[int],
                    window: RunShell | None = None) -> list[VarRef]:
    """The shell's references that the shell expands, shaped like BuildKit's (for their signs)."""
    if not covered:
        return []
    model = window or run_shell(analysis, ins)
    return [as_var_ref(ref, analysis.text) for ref in model.references if ref.ref.kind == "expand" and ref.name]


def _signs(kb: KnowledgeBase, ref: VarRef, out: list[Explanation]) -> None:
    """The ``$`` / ``${`` before the name, and the ``:-word`` after it."""
    sign = kb.get("substitution", "${var}" if ref.braced else "$var")
    if sign is not None:
        out.append(Explanation.from_knowledge(ref.start, ref.name_start, sign.name, "variable substitution", sign))
    if ref.braced and ref.modifier:
        form = _substitution(kb, ref)
        if form is not None:
            out.append(form)


def _escaped_dollars(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    """``\\$NAME``: a literal dollar sign, for the instructions the builder expands."""
    escape = analysis.tree.escape
    if ins.name in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK") or escape + "$" not in ins.args:
        return []
    entry = None
    for candidate in kb.all_of("substitution"):
        if candidate.name.startswith("\\$"):
            entry = candidate
            break
    if entry is None:
        return []
    out = []
    text = ins.joined.text
    start = ins.args_offset
    while True:
        found = text.find(escape + "$", start, ins.args_offset + len(ins.args))
        if found < 0:
            break
        doc_start, doc_end = ins.joined.doc_span(found, found + 2)
        out.append(Explanation.from_knowledge(doc_start, doc_end, escape + "$", "escaped dollar sign", entry))
        start = found + 2
    return out


def _substitution(kb: KnowledgeBase, ref: VarRef) -> Explanation | None:
    syntax = _MODIFIER_FORM.get(ref.modifier)
    entry = None
    if syntax is not None:
        entry = kb.get("substitution", syntax)
        if entry is None and ref.modifier in ("/", "//"):
            for candidate in kb.all_of("substitution"):
                if candidate.name.startswith("${var" + ref.modifier) and (
                        ref.modifier == "//" or not candidate.name.startswith("${var//")):
                    entry = candidate
                    break
    if entry is None:
        return None
    # the modifier and its word: from the end of the name to the closing brace
    return Explanation.from_knowledge(ref.name_end, ref.end, entry.name, "variable substitution", entry)


def _name(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, ref: VarRef, in_flag: bool = False) -> Explanation:
    entry = kb.get("arg", ref.name) or kb.get("env", ref.name)
    out = Explanation.from_knowledge(ref.name_start, ref.name_end, "$" + ref.name, "variable", entry)
    if entry is None:
        out.summary = "A variable reference."
        out.docs = "https://docs.docker.com/reference/dockerfile/#environment-replacement"
    target = ins
    shell_expands = not in_flag and (target.name in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK") or (
        target.trigger is not None and target.trigger.name in ("RUN", "CMD", "ENTRYPOINT")))
    resolution = analysis.scopes.resolve(ref.name, ins)
    status = resolution.status
    definition = resolution.definition
    if status in ("env", "arg", "global") and definition is not None and definition.instruction is not None:
        kind = {"env": "ENV", "arg": "ARG", "global": "global ARG"}[status]
        where = f"{kind} on line {_line(analysis, definition.instruction.start)}"
        inherited = definition.inherited
        if inherited is not None and inherited.instruction is not None:
            if inherited.instruction is not definition.instruction:  # a global ARG re-declared
                source = "ENV" if definition.kind == "ENV" else "global ARG"
                where += f" (from the {source} on line {_line(analysis, inherited.instruction.start)})"
            elif definition.stage is not None and definition.stage is not analysis.stage_of(ins):
                where += f" of stage {md.code(definition.stage.label)}, inherited by this stage"
        value = resolution.value
        if value is None:
            out.specifics.append(f"Declared by the {where}, with no default: empty unless set with `--build-arg`.")
        else:
            out.specifics.append(f"Value here: {md.code(value)}, from the {where}.")
        if status == "arg":
            out.specifics.append("An ARG can be overridden with `docker build --build-arg`.")
    elif status == "predefined":
        out.specifics.append("Predefined by BuildKit for the build and declared in this scope; "
                             "its value depends on the platform being built.")
    elif status == "proxy":
        out.specifics.append("A proxy variable: available to RUN without declaration and kept out of the image history.")
    elif status == "undeclared-global":
        line = _line(analysis, definition.instruction.start) if definition and definition.instruction else 0
        out.specifics.append(
            f"A global ARG (line {line}) is **not visible** inside a stage until it is re-declared with "
            f"{md.code('ARG ' + ref.name)}: here it is empty" + (" for the builder; the shell may still find it "
                                                                 "in the image's environment." if shell_expands else ".")
        )
    elif status == "undeclared-predefined":
        out.specifics.append(
            f"Predefined by BuildKit, but only in the global scope: inside a stage it is empty until you "
            f"declare it with {md.code('ARG ' + ref.name)} (no value needed)."
        )
    else:
        if shell_expands:
            out.specifics.append("Not set by this Dockerfile: the shell expands it at build time from the "
                                 "environment (base image ENV or the shell's own variables), else empty.")
        else:
            out.specifics.append("Not set earlier in this Dockerfile: the builder takes it from the base image's "
                                 "environment when the image sets it (most set `PATH`), else it is empty.")
    if ref.modifier:
        word = ref.word
        result = apply_modifier(resolution.value, ref.modifier, word)
        if result is not None and ref.modifier not in (":?", "?"):
            out.specifics.append(f"With {md.code('${' + ref.name + ref.modifier + word + '}')} it gives {md.code(result)}.")
    if in_flag:
        out.specifics.append("Expanded by the builder: a flag's value is expanded from ARG and ENV before the "
                             "instruction runs (unlike the command text, which the shell expands).")
    elif ins.form == "exec" or (ins.trigger is not None and ins.trigger.form == "exec"):
        out.specifics.append("In exec form nothing expands variables: the program receives the text literally.")
    elif shell_expands:
        out.specifics.append("Expanded by the shell when the command runs, not by the builder.")
    return out
