"""The variables a shell sets in one piece of shell text, and what each ``$`` reference reads.

About two thirds of the ``$`` references inside real RUNs are set by the shell itself, not by
ARG or ENV: ``savedAptMark="$(apt-mark showmanual)"`` then ``apt-mark manual $savedAptMark``,
``for key in $GPG_KEYS; do gpg --recv-keys "$key"``, ``tempDir="$(mktemp -d)"``. This module
finds where each variable is set (assignments, ``export``/``local``/``readonly``/``declare``,
``read``, ``mapfile``, ``getopts``, ``printf -v``, ``for``/``select``, command prefixes
``VAR=x cmd``, the positional parameters of ``sh -c`` scripts and functions) and answers, for
each reference, which of those it reads (:meth:`ShellVariables.resolve`).

Offsets are those of the text given to :func:`shell_variables` (the shell layer's offsets);
:mod:`.runs` maps them to the document and adds what spans RUNs (a variable set by an earlier
RUN is gone in the next one).

Shells are numbered: ``-1`` is the shell that runs the text, ``k`` the shell of
``script.scripts[k]`` (``sh -c '...'``, ``su -c "..."``). A variable set in one shell is seen
in a shell it starts only when exported or given as a prefix (``X=1 sh -c '...'``).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import attrs

from .data import InlineScript, ShellScript, SimpleCommand, Word
from .references import ShellRef, find_references
from .wrappers import _basename

__all__ = ["ShellDefinition", "ShellResolution", "ShellVariables", "shell_variables"]


@attrs.frozen
class ShellDefinition:
    """One place where the shell sets a variable.

    ``kind`` is ``assignment``, ``prefix`` (``VAR=x cmd``: in that command's environment
    only), ``export``, ``local``, ``readonly``, ``declare``, ``read``, ``mapfile``,
    ``getopts``, ``printf -v``, ``for`` or ``select``. ``start``/``end`` span the name.
    ``value`` is the value when it is known before the build (no expansion in it), ``None``
    otherwise; ``value_text`` is the value as written (``"$(mktemp -d)"``), ``""`` when none
    is written; ``values`` are the words a loop variable takes in turn.
    """

    name: str
    kind: str
    start: int
    end: int
    shell: int
    command: SimpleCommand | None = attrs.field(default=None, eq=False, repr=False)
    value: str | None = None
    value_text: str = ""
    values: tuple[Word, ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def exported(self) -> bool:
        return self.kind in ("export", "prefix")


@attrs.frozen
class ShellResolution:
    """What a reference reads.

    ``status``:

    * ``set``: ``definition`` sets it earlier in the same shell (``value`` when static).
    * ``inherited``: set and exported by the shell that started this script (``definition``).
    * ``not-exported``: set by the outer shell but not exported: empty in this script.
    * ``set-later``: only set after this point in the same shell (empty here, unless a loop
      comes back to it).
    * ``prefix``: ``VAR=x cmd $VAR``: the prefix is for the command's environment; the
      reference was expanded before, with the value VAR had already.
    * ``set-args``: a positional parameter set by ``set -- ...`` (``setter``) earlier in the shell.
    * ``script-arg`` / ``function-arg`` / ``run-arg``: a positional parameter of an inline
      script (``script``, ``value`` when static), of a function (``function``), or of the RUN's
      own shell (which gets none: empty, ``$0`` is the shell).
    * ``special``: ``$?``, ``$$``, ``$!``, ``$-``.
    * ``literal`` / ``escaped``: not expanded by the shell here (single quotes, ``\\$``).
    * ``unknown``: not set in this text: the environment decides (ENV, ARG in a RUN, the image).
    """

    status: str
    definition: ShellDefinition | None = None
    value: str | None = None
    # Set inside an `if`/`case` the reference is outside of: every definition there (the
    # value depends on the branch taken; ``value`` only when they all agree).
    alternatives: tuple[ShellDefinition, ...] = attrs.field(default=(), eq=False)
    branch: str = ""
    script: InlineScript | None = attrs.field(default=None, eq=False)
    function: str = ""
    argument: Word | None = attrs.field(default=None, eq=False)
    setter: SimpleCommand | None = attrs.field(default=None, eq=False)  # the `set --` for ``set-args``


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=")
_DECLARERS = frozenset({"export", "local", "readonly", "declare", "typeset"})
# Options of read / mapfile that take a value (the word after them is not a name).
_READ_VALUE_OPTIONS = frozenset("dinNptu")
_MAPFILE_VALUE_OPTIONS = frozenset("dnOsuCc")


class ShellVariables:
    """The variable model of one shell text: definitions, references, and resolution."""

    def __init__(self, text: str, script: ShellScript):
        self.text = text
        self.script = script
        self.scripts = script.scripts
        self._script_starts = [s.start for s in self.scripts]
        self._parents = _parents(self.scripts)
        self._branches = sorted((b for b in script.bindings if b.kind in ("if", "case")), key=lambda b: b.scope_start)
        self._branch_starts = [b.scope_start for b in self._branches]
        self._branch_parents = _parents(self._branches)  # type: ignore[arg-type]
        self._functions = sorted((b for b in script.bindings if b.kind == "function" and b.scope_start >= 0),
                                 key=lambda b: b.scope_start)
        self._function_starts = [b.scope_start for b in self._functions]
        self._function_parents = _parents(self._functions)  # type: ignore[arg-type]
        self.definitions: tuple[ShellDefinition, ...] = tuple(_definitions(self))
        self._by_name: dict[str, list[ShellDefinition]] = {}
        # (name, shell) -> definitions in source order and their starts, for bisection
        self._by_shell: dict[tuple[str, int], tuple[list[ShellDefinition], list[int]]] = {}
        for definition in self.definitions:
            self._by_name.setdefault(definition.name, []).append(definition)
            found = self._by_shell.setdefault((definition.name, definition.shell), ([], []))
            found[0].append(definition)
            found[1].append(definition.start)
        self._command_starts = [c.start for c in script.commands]
        # `. FILE` / `source FILE`: the file may set any variable (the envvars of apache2, ...)
        self._sources = [c for c in script.commands if c.words and c.words[0].text in (".", "source")]
        # `set -- a b`: sets the positional parameters of the shell it runs in
        self._set_args = [c for c in script.commands if len(c.words) > 1 and c.words[0].text == "set"
                          and any(w.text == "--" for w in c.words[1:])]
        self.references: tuple[ShellRef, ...] = tuple(self._references())
        self._ref_starts = [r.start for r in self.references]

    # -- where things are --------------------------------------------------------------------
    def shell_of(self, offset: int) -> int:
        """The innermost inline script whose text holds ``offset`` (-1: none).

        Script spans nest or are disjoint, so the answer is the last script starting at or
        before ``offset`` or one of the scripts around it: a walk up the parents, not a scan.
        """
        index = bisect.bisect_right(self._script_starts, offset) - 1
        while index >= 0:
            script = self.scripts[index]
            if script.start <= offset < script.end or (script.start == offset == script.end):
                return index
            index = self._parents[index]
        return -1

    def reference_at(self, offset: int) -> ShellRef | None:
        """The reference whose span holds ``offset`` (the innermost, for ``${a:-$b}``)."""
        index = bisect.bisect_right(self._ref_starts, offset) - 1
        best = None
        while index >= 0:
            ref = self.references[index]
            if ref.start <= offset < ref.end and (best is None or ref.end - ref.start < best.end - best.start):
                best = ref
            if ref.start < offset - 4096:  # a reference spans 4 KB at most (see _closing_brace)
                break
            index -= 1
        return best

    def named(self, name: str) -> list[ShellDefinition]:
        """Every definition of ``name`` in this text, in source order."""
        return list(self._by_name.get(name, ()))

    def uses(self, definition: ShellDefinition) -> list[ShellRef]:
        """The references that read ``definition``."""
        return [r for r in self.references if r.name == definition.name and r.kind == "expand"
                and self.resolve(r).definition is definition]

    # -- resolution --------------------------------------------------------------------------
    def resolve(self, ref: ShellRef) -> ShellResolution:
        if ref.kind != "expand":
            return ShellResolution(ref.kind)
        if ref.positional:
            return self._positional(ref)
        if ref.special:
            return ShellResolution("special")
        shell = ref.shell
        same, starts = self._by_shell.get((ref.name, shell), ((), []))
        index = bisect.bisect_left(starts, ref.start)
        prefix = None
        for k in range(index - 1, -1, -1):  # the nearest definition before, skipping prefixes
            found = same[k]
            if found.kind != "prefix":
                return self._set(found, ref, same, starts)
            if prefix is None and found.command is not None and found.command.start <= ref.start < found.command.end:
                prefix = found
            if index - k > 64 and prefix is None:
                break  # a long run of prefixes: none of them is for this command
        if prefix is None:
            for k in range(index - 1, max(-1, index - 65), -1):
                found = same[k]
                if found.kind == "prefix" and found.command is not None and \
                        found.command.start <= ref.start < found.command.end:
                    prefix = found
                    break
        if prefix is not None:
            return ShellResolution("prefix", prefix, prefix.value)
        if shell >= 0:
            outer = self._from_outer(ref.name, self.scripts[shell])
            if outer is not None:
                return outer
        later = next((d for d in same[index:] if d.kind != "prefix"), None)
        if later is not None:
            return ShellResolution("set-later", later, later.value)
        return ShellResolution("unknown")

    def sourced_before(self, ref: ShellRef) -> SimpleCommand | None:
        """The last ``. FILE`` / ``source FILE`` before ``ref`` in its shell: it may set anything."""
        found = None
        for command in self._sources:
            if command.start >= ref.start:
                break
            if self.shell_of(command.start) == ref.shell:
                found = command
        return found

    def _set(self, found: ShellDefinition, ref: ShellRef, same, starts: list[int]) -> ShellResolution:
        """``found`` is the last definition before ``ref``; inside an ``if``/``case`` that
        ``ref`` is outside of, the others in that compound command are alternatives."""
        branch = self._branch_around(found.start, ref.start)
        if branch is None:
            return ShellResolution("set", found, found.value)
        low = bisect.bisect_left(starts, branch.scope_start)
        high = bisect.bisect_left(starts, branch.scope_end)
        alternatives = tuple(d for d in same[low:high] if d.kind != "prefix")
        values = {d.value for d in alternatives}
        value = values.pop() if len(values) == 1 else None
        return ShellResolution("set", found, value, alternatives=alternatives, branch=branch.kind)

    def _branch_around(self, inside: int, outside: int):
        """The outermost ``if``/``case`` holding offset ``inside`` but not ``outside``."""
        # Spans nest or are disjoint: every span holding `inside` is the last one starting before
        # it or one of that span's ancestors, so a walk up the parents finds them all.
        index = bisect.bisect_right(self._branch_starts, inside) - 1
        best = None
        while index >= 0:
            branch = self._branches[index]
            if branch.scope_start <= inside < branch.scope_end:
                if branch.scope_start <= outside < branch.scope_end:
                    break
                best = branch
            index = self._branch_parents[index]
        return best

    def command_at(self, offset: int) -> SimpleCommand | None:
        """The innermost command whose span holds ``offset`` (the program a literal goes to)."""
        commands = self.script.commands
        index = bisect.bisect_right(self._command_starts, offset) - 1
        best = None
        for k in range(index, max(-1, index - 64), -1):
            command = commands[k]
            if command.start <= offset < command.end and (
                    best is None or command.end - command.start < best.end - best.start):
                best = command
        return best

    def _from_outer(self, name: str, script: InlineScript) -> ShellResolution | None:
        """A variable of the shell that started ``script``: seen when exported or a prefix."""
        runner = script.runner
        for definition in self._by_name.get(name, ()):  # `X=1 sh -c`, `env X=1 sh -c`
            if definition.kind == "prefix" and definition.command is runner:
                return ShellResolution("inherited", definition, definition.value)
        outer_shell = self.shell_of(runner.start)
        same, starts = self._by_shell.get((name, outer_shell), ((), []))
        outer = [d for d in same[: bisect.bisect_left(starts, script.start)] if d.kind != "prefix"]
        if not outer:
            if outer_shell >= 0:
                return self._from_outer(name, self.scripts[outer_shell])
            return None
        if any(d.kind == "export" for d in outer):
            return ShellResolution("inherited", outer[-1], outer[-1].value)
        return ShellResolution("not-exported", outer[-1], outer[-1].value)

    def _positional(self, ref: ShellRef) -> ShellResolution:
        index = bisect.bisect_right(self._function_starts, ref.start) - 1
        while index >= 0:  # the innermost function body around it (bodies nest or are disjoint)
            binding = self._functions[index]
            if ref.start < binding.scope_end or binding.scope_end < 0:
                if self.shell_of(binding.start) == ref.shell:
                    return ShellResolution("function-arg", function=binding.name)
                break
            index = self._function_parents[index]
        setter = None
        for command in self._set_args:
            if command.start >= ref.start:
                break
            if self.shell_of(command.start) == ref.shell:
                setter = command
        if setter is not None and ref.name != "0":
            words = setter.words
            args = words[next(k for k, w in enumerate(words) if w.text == "--") + 1 :]
            argument = None
            if ref.name.isascii() and ref.name.isdigit():
                index = int(ref.name) if len(ref.name) < 6 else len(args) + 1
                argument = args[index - 1] if 0 < index <= len(args) else None
            value = argument.text if argument is not None and not argument.has_expansion else None
            return ShellResolution("set-args", value=value, argument=argument, setter=setter)
        if ref.shell < 0:
            return ShellResolution("run-arg")
        script = self.scripts[ref.shell]
        argument = None
        if ref.name.isascii() and ref.name.isdigit():
            index = int(ref.name) if len(ref.name) < 6 else len(script.args)
            argument = script.args[index] if index < len(script.args) else None
        value = argument.text if argument is not None and not argument.has_expansion else None
        return ShellResolution("script-arg", value=value, script=script, argument=argument)

    # -- building ----------------------------------------------------------------------------
    def _references(self) -> list[ShellRef]:
        """References of the text's own shell, then those each inline script's shell reads.

        A ``$`` the outer shell expands (``sh -c "echo $x"``) stays the outer shell's; one it
        leaves alone (single quotes, ``\\$``) belongs to the inner shell that does expand it.
        """
        refs = {r.name_start: r for r in find_references(self.text)}
        for index, script in enumerate(self.scripts):
            for inner in find_references(script.text):
                mapped = _mapped(inner, script, index)
                known = refs.get(mapped.name_start)
                if known is None or known.kind != "expand":
                    refs[mapped.name_start] = mapped
        return sorted(refs.values(), key=lambda r: (r.start, r.end))


def _parents(spans) -> list[int]:
    """For each span (sorted by start; scripts, or if/case bindings by their scope), the index
    of the span around it, or -1."""
    parents: list[int] = []
    open_spans: list[int] = []
    for index, span in enumerate(spans):
        start = getattr(span, "scope_start", None)
        start = span.start if start is None else start
        while open_spans and _end(spans[open_spans[-1]]) <= start:
            open_spans.pop()
        parents.append(open_spans[-1] if open_spans else -1)
        open_spans.append(index)
    return parents


def _end(span) -> int:
    end = getattr(span, "scope_end", None)
    return span.end if end is None else end


def _mapped(ref: ShellRef, script: InlineScript, index: int) -> ShellRef:
    to = script.to_source
    end = to(ref.end - 1) + 1 if ref.end > ref.start else to(ref.start)
    name_end = to(ref.name_end - 1) + 1 if ref.name_end > ref.name_start else to(ref.name_start)
    return attrs.evolve(ref, start=to(ref.start), end=end, name_start=to(ref.name_start), name_end=name_end,
                        shell=index)


def _assigned_name(word: Word) -> str:
    match = _ASSIGNMENT.match(word.text)
    return match[1] if match else ""


def _definition(model: ShellVariables, word: Word, kind: str, command: SimpleCommand | None) -> ShellDefinition | None:
    """``NAME=value`` (or a bare ``NAME`` for ``export NAME``) in ``word``."""
    shell = model.shell_of(word.start)
    match = _ASSIGNMENT.match(word.text)
    if match is None:
        if _NAME.match(word.text) is None:
            return None
        start = word.start + (word.raw.find(word.text) if word.text in word.raw else 0)
        return ShellDefinition(word.text, kind, start, start + len(word.text), shell, command)
    name = match[1]
    raw_equals = word.raw.find("=")
    value_text = word.raw[raw_equals + 1 :] if raw_equals >= 0 else ""
    value = None if word.has_expansion else word.text[match.end() :]
    start = word.start + max(word.raw.find(name), 0)
    return ShellDefinition(name, kind, start, start + len(name), shell, command, value, value_text)


def _named_word(model: ShellVariables, word: Word, kind: str, command: SimpleCommand) -> ShellDefinition | None:
    """A word that is only a name (``read NAME``): set to something known at run time only."""
    if _NAME.match(word.text) is None or word.text != word.raw:
        return None
    return ShellDefinition(word.text, kind, word.start, word.end, model.shell_of(word.start), command)


def _definitions(model: ShellVariables) -> list[ShellDefinition]:
    out: list[ShellDefinition] = []

    def add(found: ShellDefinition | None) -> None:
        if found is not None:
            out.append(found)

    for command in model.script.commands:
        for assignment in command.assignments:
            add(_definition(model, assignment, "prefix" if command.words else "assignment", command))
        for word in command.wrappers:  # `env A=1 cmd`, `sudo A=1 cmd`: for cmd's environment
            if "=" in word.text and _ASSIGNMENT.match(word.text) and command.words:
                add(_definition(model, word, "prefix", command))
        if not command.words:
            continue
        words = command.words
        name = _basename(words[0].text)
        if name in _DECLARERS:
            kind = "declare" if name == "typeset" else name
            for word in words[1:]:
                if not word.text.startswith(("-", "+")):
                    add(_definition(model, word, kind, command))
        elif name == "read":
            for word in _operands(words, _READ_VALUE_OPTIONS, array_option="a"):
                add(_named_word(model, word, "read", command))
        elif name in ("mapfile", "readarray"):
            operands = _operands(words, _MAPFILE_VALUE_OPTIONS)
            if operands:
                add(_named_word(model, operands[-1], "mapfile", command))
        elif name == "getopts" and len(words) >= 3:
            add(_named_word(model, words[2], "getopts", command))
        elif name == "printf" and len(words) >= 3 and words[1].text == "-v":
            add(_named_word(model, words[2], "printf -v", command))
    for binding in model.script.bindings:
        if binding.kind in ("for", "select"):
            values = binding.values
            static = values and not any(v.has_expansion for v in values)
            out.append(ShellDefinition(
                binding.name, binding.kind, binding.start, binding.end, model.shell_of(binding.start), None,
                " ".join(v.text for v in values) if static else None,
                " ".join(v.raw for v in values), values))
    out.sort(key=lambda d: d.start)
    return out


def _operands(words: tuple[Word, ...], value_options: frozenset[str], array_option: str = "") -> list[Word]:
    """The operands of ``read``/``mapfile`` (the array of ``read -a NAME`` included)."""
    out: list[Word] = []
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text == "--":
            out.extend(words[i + 1 :])
            break
        if text.startswith("-") and len(text) > 1:
            letters = text[1:]
            takes = next((k for k, letter in enumerate(letters) if letter in value_options or letter == array_option),
                         -1)
            if takes >= 0 and takes == len(letters) - 1:
                if letters[takes] == array_option and i + 1 < n:
                    out.append(words[i + 1])
                i += 2
                continue
            i += 1
            continue
        out.append(words[i])
        i += 1
    return out


@lru_cache(maxsize=2048)
def shell_variables(text: str) -> ShellVariables:
    """The variable model of ``text`` (remembered by text, like the parse it is built on)."""
    from ..commands import (
        parse_shell,  # the parse cached by text, shared with the commands
    )

    return ShellVariables(text, parse_shell(text))
