"""Inside RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD: commands, subcommands, options, values,
well-known paths and ``VAR=value`` assignments."""

from __future__ import annotations

import re

from ...analysis import Analysis
from ...analysis.commands import Located
from ...analysis.shell import classify
from ...analysis.shell.runs import RunShell, run_shell
from ...knowledge import KnowledgeBase, find_part
from ...syntax import Instruction
from .. import markdown as md
from .model import Explanation
from .operators import operator_explanations
from .packages import package_explanation
from .paths import path_explanation
from .redirects import redirect_explanations


def command_explanations(analysis: Analysis, kb: KnowledgeBase, ins: Instruction) -> list[Explanation]:
    return explain_commands(analysis, kb, ins, analysis.commands(ins), run_shell(analysis, ins))


def explain_commands(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, commands: list[Located],
                     model: RunShell) -> list[Explanation]:
    """The explanations of ``commands`` (all of an instruction's, or those of a window of a
    huge RUN) with ``model`` the shell-variable model of the same text."""
    out: list[Explanation] = []
    scripts = {id(s.script_word): s for _, shell in model.pieces for s in shell.scripts}
    for located in commands:
        command = located.command
        for assignment in command.assignments:
            name = assignment.text.split("=", 1)[0]
            entry = kb.get("env", name)
            if entry is not None:
                start, _ = located.span(assignment.start, assignment.start + len(name))
                _, end = located.span(assignment.start, assignment.start + len(name))
                explanation = Explanation.from_knowledge(start, end, name, "variable for this command", entry)
                explanation.specifics.append("Set only for this one command (not saved in the image).")
                out.append(explanation)
        if not command.words:
            continue
        roles = classify(command, kb)
        owner = ""
        for role in roles:
            start, end = located.span(role.start, role.end)
            if role.role == "command":
                if role.entry is None:
                    break  # an unknown program: nothing we can say about its arguments either
                owner = role.entry.name
                explanation = Explanation.from_knowledge(start, end, role.text, "command", role.entry)
                if located.source == "exec" and role.word is command.words[0]:
                    if ins.name == "SHELL":
                        explanation.specifics.append("The shell for the later shell-form RUN, CMD and ENTRYPOINT "
                                                     "of this stage: their text is passed as its last argument.")
                    else:
                        explanation.specifics.append("Run directly (exec form): no shell, so no `&&`, pipes or "
                                                     "variable expansion.")
                out.append(explanation)
            elif role.role == "subcommand" and role.part is not None:
                parent = owner or (role.entry.name if role.entry else "")
                owner = f"{parent} {role.key}".strip()
                out.append(Explanation.from_knowledge(start, end, role.text, f"subcommand of {parent}",
                                                      role.entry, role.part))
            elif role.role == "option" and role.part is not None:
                explanation = Explanation.from_knowledge(start, end, role.text, f"option of {owner}",
                                                         role.entry, role.part)
                if role.text != role.key:
                    explanation.title = f"{role.text} ({role.key})" if role.key else role.text
                out.append(explanation)
            elif role.role == "option-value":
                if role.text == "-" and not (role.part is not None and role.part.values):
                    out.append(_dash(start, end))
                    continue
                if id(role.word) in scripts:
                    out.append(_script(scripts[id(role.word)], owner, start, end))
                    continue
                explanation = _option_value(kb, role, owner, start, end)
                if explanation is not None:
                    out.append(explanation)
            elif role.role == "operand":
                known = path_explanation(kb, role.text, start, end)
                if known is None and owner.split(" ")[-1] in _INSTALLING:
                    known = package_explanation(kb, role.text, owner, start, end) or _package(kb, role.text, owner, start, end)
                if known is None and command.context == "find -exec" and role.text == "{}":
                    known = _find_placeholder(start, end, role.text)
                if known is None and role.entry is not None and role.entry.values and role.part is None:
                    found = find_part(role.entry.values, role.text)  # `]`, `!=` of test
                    if found is not None:
                        what = "argument" if found[0][:1].isalnum() else "operator"  # `sodium` vs `!=`
                        known = Explanation.from_knowledge(start, end, role.text, f"{what} of {owner}",
                                                           role.entry, found[1])
                    elif "*" in role.entry.values and not role.word.has_expansion:
                        known = _any_operand(role, owner, role.entry.values["*"], start, end)
                if known is None and role.text == "-":
                    known = _dash(start, end)
                if known is None and role.text in (".", "./", ".."):
                    known = _dot(start, end, role.text)
                if known is None and role.part is not None and not role.word.has_expansion:
                    known = _argument(role, owner, start, end)
                if known is not None:
                    out.append(known)
    out.extend(redirect_explanations(analysis, ins, model))
    out.extend(operator_explanations(analysis, ins, model))
    return out


def _script(script, owner: str, start: int, end: int) -> Explanation:
    """The script of ``sh -c '...'`` / ``su -c "..."``: shell code of its own, explained word by word."""
    runner = owner or script.runner.name
    explanation = Explanation(start, end, script.script_word.text, f"script run by {runner} -c",
                              summary=f"Shell code that `{md.escape(runner)}` runs in a shell of its own: its "
                                      "commands, variables and quoting are explained word by word.")
    if script.args:
        explanation.specifics.append("The words after it are the script's `$0`, `$1` ...: "
                                     + ", ".join(md.code(w.raw) for w in script.args[:6]) + ".")
    if script.escaped:
        explanation.specifics.append("Inside double quotes: the outer shell expands `$x` before the script runs; "
                                     "`\\$x` and `\\\"` reach the script as `$x` and `\"`.")
    return explanation


def _dash(start: int, end: int) -> Explanation:
    """``-`` where a file name goes (``sha256sum -c -``, ``tar -xf -``)."""
    return Explanation(start, end, "-", "standard input or output",
                       summary="In place of a file name, `-` means standard input (or standard output for a file "
                               "the program writes): the pipe or redirection around the command.")


def _dot(start: int, end: int, text: str) -> Explanation:
    """``.`` / ``..`` as an argument: the current directory or its parent."""
    what = "the parent of the current directory" if text == ".." else "the current directory"
    return Explanation(start, end, text, "directory",
                       summary=f"`{text}` is {what}: the WORKDIR in effect for this RUN (`/` when none is set), "
                               "unless an earlier `cd` in the same RUN moved.")


def _find_placeholder(start: int, end: int, text: str) -> Explanation:
    """``{}`` in the command after ``find -exec``."""
    explanation = Explanation(start, end, text, "placeholder of find -exec",
                              summary="find puts the path of the file it found here (with `+`, as many paths as fit).",
                              docs="https://www.gnu.org/software/findutils/manual/html_mono/find.html#Run-Commands")
    return explanation


def _any_operand(role, owner: str, part, start: int, end: int) -> Explanation:
    """An operand of a command whose entry describes its operands as a whole (``values."*"``:
    the locale of ``locale-gen en_US.UTF-8``, the extension of ``docker-php-ext-enable``)."""
    explanation = Explanation.from_knowledge(start, end, role.text, f"argument of {owner}", role.entry, part)
    explanation.specifics.append(f"Here: {md.code(role.text)}.")
    return explanation


def _argument(role, owner: str, start: int, end: int) -> Explanation:
    """An operand of a known subcommand (``build`` in ``npm run build``): what the subcommand
    does with it, in the subcommand's words."""
    part = role.part
    explanation = Explanation(start, end, role.text, f"argument of {owner}",
                              summary=part.summary.strip(), docs=part.docs or (role.entry.docs if role.entry else ""))
    explanation.specifics.append(f"Here: {md.code(role.text)}.")
    return explanation


# Subcommands whose operands are package names.
_INSTALLING = frozenset({"install", "add", "i"})
_VERSION = re.compile(r"(?:[=<>~!@^]|==).*$")


def _package(kb: KnowledgeBase, text: str, owner: str, start: int, end: int) -> Explanation | None:
    """``curl`` in ``apt-get install curl``: the package that provides a command we know."""
    name = _VERSION.sub("", text.strip("'\""))
    if not name or name.startswith("-"):
        return None
    entry = kb.package(name)
    if entry is None:
        return None
    explanation = Explanation.from_knowledge(start, end, text, f"package installed by {owner}", entry)
    if entry.name != name:
        explanation.specifics.append(f"The {md.code(name)} package provides the {md.code(entry.name)} command.")
    else:
        explanation.specifics.append(f"Installs the {md.code(name)} command.")
    return explanation


def _option_value(kb: KnowledgeBase, role, owner: str, start: int, end: int) -> Explanation | None:
    part = role.part
    if part is not None and part.values:
        found = find_part(part.values, role.text)
        if found is not None:
            return Explanation.from_knowledge(start, end, role.text, f"value of {role.key}", role.entry, found[1])
    known = path_explanation(kb, role.text, start, end)
    if known is not None:
        return known
    if part is not None:
        explanation = Explanation(start, end, role.text, f"value of {role.key}",
                                  summary=f"The value given to {role.key}: {part.summary.strip()}",
                                  docs=part.docs or (role.entry.docs if role.entry else ""))
        explanation.specifics.append(f"Here: {md.code(role.text)}.")
        return explanation
    return None
