"""``$x`` inside shell code: the variable the shell reads there, where it was set and to what.

The builder does not expand a RUN's command text; the shell does, and most of the variables
it reads are its own (``tempDir="$(mktemp -d)"`` then ``cd "$tempDir"``). The model is
:mod:`docksense.analysis.shell.runs`; this module turns its answers into explanations, and
falls back to the Dockerfile's ARG/ENV (:mod:`.variables`) for what the shell did not set.
"""

from __future__ import annotations

from collections.abc import Callable

from ...analysis import Analysis
from ...analysis.shell.runs import (
    DocDefinition,
    DocReference,
    RunShell,
    earlier_run_definition,
    run_shell,
)
from ...analysis.shell.variables import ShellDefinition, ShellResolution
from ...knowledge import KnowledgeBase
from ...syntax import Instruction, VarRef
from .. import markdown as md
from .model import Explanation

_DOCS = "https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_05"
_MAX_SHOWN = 120

_SPECIAL = {
    "?": "The exit status of the last command that finished (0 for success).",
    "$": "The process ID of this shell.",
    "!": "The process ID of the last command started in the background (`&`).",
    "-": "The option letters currently set in this shell (such as `e` and `x` after `set -ex`).",
}

_KIND_WORDS = {
    "assignment": "set", "export": "set and exported", "local": "set as a function-local variable",
    "readonly": "set read-only", "declare": "declared", "read": "read from the input by `read`",
    "mapfile": "filled with input lines by `mapfile`", "getopts": "set by `getopts`",
    "printf -v": "set by `printf -v`", "for": "set by a `for` loop", "select": "set by `select`",
    "prefix": "set for one command by a prefix",
}


def shell_reference_explanations(
    analysis: Analysis, kb: KnowledgeBase, ins: Instruction,
    builder_fallback: Callable[[VarRef], Explanation], model: RunShell | None = None,
) -> tuple[list[Explanation], set[int]]:
    """Explanations of the shell's references in ``ins`` and the name starts they cover (the
    caller skips BuildKit-level references there). ``builder_fallback`` explains a name the
    shell does not set (ARG, ENV, the image). ``model`` is a window's model for a huge RUN
    (see :mod:`.large_shell`): then what is set before the window is not known."""
    partial = model is not None
    model = model or run_shell(analysis, ins)
    out: list[Explanation] = []
    covered: set[int] = set()
    for ref in model.references:
        covered.add(ref.name_start)
        explanation = _reference(analysis, kb, ins, ref, builder_fallback, partial, model)
        if explanation is not None:
            out.append(explanation)
    for definition in model.definitions:
        explanation = _definition(analysis, model, definition)
        if explanation is not None:
            out.append(explanation)
    target = ins.trigger if ins.trigger is not None else ins
    if target.name != "RUN":  # CMD, ENTRYPOINT, HEALTHCHECK: the shell runs in the container
        for explanation in out:
            _reword(explanation, target.name)
    return out, covered


def _reword(explanation: Explanation, name: str) -> None:
    """The texts above speak of "this RUN"; say the instruction that holds the shell code."""
    def fix(text: str) -> str:
        return (text.replace("until the end of this RUN", "until the command ends")
                .replace("this RUN", f"this {name}"))
    explanation.summary = fix(explanation.summary)
    explanation.specifics = [fix(s) for s in explanation.specifics]


def as_var_ref(ref: DocReference, text: str = "") -> VarRef:
    """The reference in the BuildKit layer's shape (for the modifier explanations); ``text`` is
    the document, for the modifier's word (``/php`` in ``${PHP_INI_DIR%/php}``)."""
    modifier = ref.ref.modifier if ref.ref.modifier not in ("length", "indirect") else ""
    word_start = ref.name_end + len(modifier) if modifier else -1
    word_end = ref.end - 1 if modifier and ref.ref.braced else -1
    word = text[word_start:word_end] if text and 0 <= word_start <= word_end else ""
    return VarRef(ref.name, ref.start, ref.end, ref.name_start, ref.name_end, modifier,
                  word, word_start, word_end, ref.ref.braced)


def _line(analysis: Analysis, offset: int) -> int:
    return analysis.lines.position(offset)[0] + 1


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return md.code(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…")


def _reference(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, ref: DocReference,
               builder_fallback: Callable[[VarRef], Explanation], partial: bool = False,
               run: RunShell | None = None) -> Explanation | None:
    kind = ref.ref.kind
    if kind == "literal":
        return _literal(analysis, ins, ref)
    if kind == "escaped":
        return _escaped(analysis, ins, ref)
    if not ref.name:
        return None
    resolution = ref.resolve()
    status = resolution.status
    if ref.ref.positional:
        return _positional(analysis, ref, resolution)
    if status == "special":
        out = Explanation(ref.name_start, ref.name_end, "$" + ref.name, "special shell parameter",
                          summary=_SPECIAL.get(ref.name, "A parameter the shell sets itself."), docs=_DOCS)
        return out
    if partial and status in ("unknown", "set-later", "not-exported"):
        return _partial(analysis, ins, ref, builder_fallback)
    if status == "unknown":
        return _unknown(analysis, ins, ref, builder_fallback)
    out = Explanation(ref.name_start, ref.name_end, "$" + ref.name, "shell variable", docs=_DOCS)
    found_in = run or run_shell(analysis, ins)
    definition = found_in.located(resolution.definition) if resolution.definition is not None else None
    where = f"line {_line(analysis, definition.start)}" if definition is not None else "this RUN"
    found = resolution.definition
    if status == "set" and found is not None:
        if found.kind in ("for", "select"):
            out.summary = f"The loop variable of the `{found.kind}` loop on {where} of this RUN."
        else:
            out.summary = f"A shell variable: {_KIND_WORDS.get(found.kind, 'set')} on {where} of this RUN."
        if resolution.alternatives:
            out.summary = _branch_summary(analysis, run or run_shell(analysis, ins), resolution)
            if resolution.value is not None:
                out.specifics.append(f"Value when set: {_shown(resolution.value)}.")
        else:
            out.specifics.extend(_value_lines(found, resolution.value))
    elif status == "inherited" and found is not None:
        out.summary = (f"A variable of the shell that started this script ({_KIND_WORDS.get(found.kind, 'set')} "
                       f"on {where}), handed over in the environment, so this script sees it.")
        out.specifics.extend(_value_lines(found, resolution.value))
    elif status == "not-exported" and found is not None:
        out.summary = (f"Set on {where} by the shell that started this script, but not exported: this "
                       "script's shell does not see it, so it is empty here unless the environment sets it.")
        out.specifics.append(f"Use `export {md.escape(ref.name)}` (or pass it as an argument) to hand it over.")
    elif status == "set-later" and found is not None:
        out.summary = (f"Set only later in this RUN ({where}): at this point it is empty, unless the "
                       "environment sets it or a loop comes back here.")
    elif status == "prefix" and found is not None:
        out.summary = (f"`{md.escape(ref.name)}=…` in front of this command sets it in the command's environment "
                       "only; the shell expanded this reference before, with the value it had already.")
    else:
        return _unknown(analysis, ins, ref, builder_fallback)
    out.specifics.append("Expanded by the shell when the command runs; a shell variable lasts until the end of "
                         "this RUN.")
    return out


def _branch_summary(analysis: Analysis, run: RunShell, resolution: ShellResolution) -> str:
    """Set inside an ``if``/``case``: where, and that the branch taken decides."""
    lines = []
    for alternative in resolution.alternatives:
        located = run.located(alternative)
        if located is not None:
            lines.append(str(_line(analysis, located.start)))
    where = ("line " + lines[0]) if len(lines) == 1 else ("lines " + ", ".join(dict.fromkeys(lines)))
    article = "an" if resolution.branch == "if" else "a"
    if len(resolution.alternatives) == 1:
        return (f"A shell variable set on {where} of this RUN, inside {article} `{resolution.branch}`: set only "
                "when that branch ran, else it keeps its earlier value (empty if none).")
    return (f"A shell variable set on {where} of this RUN, in the branches of {article} `{resolution.branch}`: "
            "its value depends on the branch taken.")


def _value_lines(found: ShellDefinition, value: str | None) -> list[str]:
    if found.kind in ("for", "select"):
        if found.values:
            return [f"Takes each of {_shown(found.value_text)} in turn."]
        return ["Takes each of the script's arguments in turn."]
    if value is not None:
        return [f"Value here: {_shown(value)}." if value else "Value here: empty."]
    text = found.value_text
    if not text:
        return []
    inner = text.strip('"')
    if inner.startswith("$(") and inner.endswith(")") and inner.count("$(") == 1:
        return [f"Value: the output of {_shown(inner[2:-1].strip())}."]
    return [f"Value: {_shown(text)} (known when the RUN runs)."]


def _positional(analysis: Analysis, ref: DocReference, resolution: ShellResolution) -> Explanation:
    name = ref.name
    out = Explanation(ref.name_start, ref.name_end, "$" + name, "positional parameter", docs=_DOCS)
    what = {"@": "all the arguments, each kept a separate word when quoted (`\"$@\"`)",
            "*": "all the arguments joined into one string when quoted",
            "#": "the number of arguments"}.get(name)
    status = resolution.status
    if status == "set-args" and resolution.setter is not None:
        start, _ = ref.piece.to_doc(resolution.setter.start, resolution.setter.start)
        out.summary = (f"{(what or f'Argument {name}').capitalize()} as set by `set --` on line "
                       f"{_line(analysis, start)}.")
        if resolution.value is not None:
            out.specifics.append(f"Value here: {_shown(resolution.value)}.")
        elif resolution.argument is not None:
            out.specifics.append(f"Given as {_shown(resolution.argument.raw)}.")
        elif name.isdigit():
            out.specifics.append("`set --` gave fewer arguments: empty.")
        return out
    if status == "function-arg":
        out.summary = (f"Inside the function `{md.escape(resolution.function)}`: "
                       + (what or ("the function's name" if name == "0" else f"argument {name} of the call")) + ".")
        return out
    if status == "run-arg":
        if name == "0":
            out.summary = "The name of the shell running this RUN (`/bin/sh` unless SHELL changed it)."
        elif name == "#":
            out.summary = "The number of arguments of the RUN's shell: 0, since RUN passes none."
        else:
            out.summary = (f"{(what or f'Argument {name}').capitalize()} of the RUN's shell: RUN passes no "
                           "arguments, so it is empty here.")
        return out
    script = resolution.script
    runner = script.runner.name if script is not None else "sh"
    line = _line(analysis, ref.piece.to_doc(script.start, script.start)[0]) if script is not None else 0
    if name == "0":
        out.summary = (f"The name of the `{md.escape(runner)} -c` script's shell: the first word after the script, "
                       "used in its error messages.")
    elif what is not None:
        out.summary = f"In the `{md.escape(runner)} -c` script on line {line}: {what} after the script's `$0`."
    else:
        out.summary = (f"Argument {name} of the `{md.escape(runner)} -c` script on line {line}: word {name} after "
                       "the script (the first word after it is `$0`).")
    argument = resolution.argument
    if argument is not None:
        runner = script.runner if script is not None else None
        if argument.text == "{}" and runner is not None and runner.context == "find -exec":
            out.specifics.append("Here `{}`: find puts the path of each file it found there.")
        elif argument.text == "{}" and runner is not None and any(w.text == "xargs" for w in runner.wrappers):
            out.specifics.append("Here `{}`: with `-I{}`, xargs puts each input item there.")
        elif resolution.value is not None:
            out.specifics.append(f"Value here: {_shown(resolution.value)}.")
        else:
            out.specifics.append(f"Given as {_shown(argument.raw)}.")
    elif name.isdigit() and script is not None:
        out.specifics.append("No such argument is given after the script: empty.")
    return out


def _receiver(analysis: Analysis, ins: Instruction, ref: DocReference) -> str:
    """The program whose arguments hold ``ref`` (innermost command), or ``""``."""
    command = ref.model.command_at(ref.ref.start)
    return command.name if command is not None else ""


def _literal(analysis: Analysis, ins: Instruction, ref: DocReference) -> Explanation:
    program = _receiver(analysis, ins, ref)
    text = analysis.text[ref.start:ref.end]
    who = f"`{md.escape(program.rsplit('/', 1)[-1])}`" if program else "the program"
    out = Explanation(ref.start, ref.end, text, "literal text (single quotes)", docs=_DOCS)
    out.summary = (f"Inside single quotes the shell expands nothing: {who} receives {md.code(text)} as written "
                   "and reads it with its own rules.")
    if program.rsplit("/", 1)[-1] in ("awk", "gawk", "mawk", "nawk") and ref.name.isdigit():
        out.specifics.append(f"For awk, `${ref.name}` is field {ref.name} of the current line"
                             + (" (`$0` is the whole line)." if ref.name != "0" else "."))
    elif text.startswith("\\"):
        out.specifics.append("The backslash stays too: a later shell or make reading this text sees `\\$` "
                             "and keeps the dollar sign.")
    return out


def _escaped(analysis: Analysis, ins: Instruction, ref: DocReference) -> Explanation:
    text = analysis.text[ref.start:ref.end]
    out = Explanation(ref.start, ref.end, text, "escaped dollar sign", docs=_DOCS)
    out.summary = ("The backslash makes the dollar sign literal: the shell passes "
                   + (md.code("$" + ref.name) if ref.name else "`$`") + " on as text instead of expanding it.")
    out.specifics.append("Written for a later reader: a program, a generated script, make (`$$`), or the "
                         "dynamic linker (`$ORIGIN`).")
    return out


def _unknown(analysis: Analysis, ins: Instruction, ref: DocReference,
             builder_fallback: Callable[[VarRef], Explanation]) -> Explanation:
    """Not set by this RUN's shell: ARG/ENV decide, or an earlier RUN set it and it is gone."""
    out = builder_fallback(as_var_ref(ref, analysis.text))
    resolution = analysis.scopes.resolve(ref.name, ins)
    if resolution.status in ("env", "arg", "global", "predefined", "proxy"):
        return out
    sourced = ref.model.sourced_before(ref.ref)
    if sourced is not None and len(sourced.words) > 1:
        start, _ = ref.piece.to_doc(sourced.start, sourced.start)
        out.specifics = [s for s in out.specifics if not s.startswith("Not set by this Dockerfile")]
        out.specifics.insert(0, f"Not set by this Dockerfile, but this RUN reads {_shown(sourced.words[1].raw)} with "
                                f"`{md.escape(sourced.words[0].text)}` on line {_line(analysis, start)}, which may "
                                "set it; otherwise it comes from the environment, or is empty.")
        return out
    earlier = earlier_run_definition(analysis, ins, ref.name)
    if earlier is not None:
        out.kind = "shell variable"
        out.summary = (f"Set by the RUN on line {_line(analysis, earlier.start)}, but each RUN starts a new shell: "
                       "shell variables do not survive into the next RUN, so it is empty here unless the "
                       "environment sets it.")
        out.specifics = [s for s in out.specifics if not s.startswith("Not set by this Dockerfile")]
        out.specifics.insert(0, "To keep a value across RUNs, set it with ENV (or ARG), or compute it in this RUN.")
    return out


def _partial(analysis: Analysis, ins: Instruction, ref: DocReference,
             builder_fallback: Callable[[VarRef], Explanation]) -> Explanation:
    """A variable of a RUN too large to analyse whole: ARG/ENV when they set it, else say so."""
    out = builder_fallback(as_var_ref(ref, analysis.text))
    if analysis.scopes.resolve(ref.name, ins).status in ("env", "arg", "global", "predefined", "proxy"):
        return out
    out.specifics = [s for s in out.specifics if not s.startswith("Not set by this Dockerfile")]
    out.specifics.insert(0, "This RUN is too large to analyse whole, so only the commands around the cursor "
                            "were read: where the shell sets this variable is not known here.")
    return out


def _definition(analysis: Analysis, model, definition: DocDefinition) -> Explanation | None:
    """The name in ``x=…``, ``for x in``, ``read x``: a shell variable, and where it is read."""
    found = definition.definition
    if found.kind == "prefix":
        return None  # the command's environment: explained with the command (and env entries)
    out = Explanation(definition.start, definition.end, found.name, "shell variable", docs=_DOCS)
    out.summary = {
        "for": "The loop variable: the body runs once per word, with this variable set to it.",
        "select": "The variable `select` sets to the chosen item.",
        "read": "Set by `read` to a field of the line it reads from the input.",
        "mapfile": "An array `mapfile` fills with the lines of its input.",
        "getopts": "Set by `getopts` to the option it parsed.",
        "printf -v": "Set by `printf -v` to the formatted text instead of printing it.",
    }.get(found.kind, "A shell variable set here: it lasts until the end of this RUN (not saved in the image).")
    if found.kind not in ("for", "select"):
        out.specifics.extend(_value_lines(found, found.value))
    else:
        out.specifics.extend(_value_lines(found, None))
    if found.kind == "export":
        out.specifics.append("Exported: the commands this RUN starts see it in their environment.")
    lines = sorted({_line(analysis, r.start) for r in model.readers(definition)})
    if lines:
        shown = ", ".join(str(n) for n in lines[:8]) + (" …" if len(lines) > 8 else "")
        out.specifics.append(f"Read on line{'s' if len(lines) > 1 else ''} {shown}.")
    return out
