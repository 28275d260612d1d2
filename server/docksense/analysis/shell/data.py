"""What the shell layer produces: words, simple commands, scripts and the roles of words.

Word and SimpleCommand are made by the ten thousand per file; see the note below on how the
parser builds them cheaply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ...knowledge import Entry, Part


# Word and SimpleCommand are made by the ten thousand per file, and attrs' frozen __init__
# (one object.__setattr__ call per field) was a third of the parsing time. So the parser makes
# them with the plain classes _NewWord / _NewCommand below (same slots, so same layout), which
# turn into the real class as they finish: the objects are the same in every way. That needs
# the classes without the `__weakref__` slot (CPython refuses the class change otherwise);
# nothing takes weak references to them.
@attrs.frozen(weakref_slot=False)
class Word:
    """One shell word with its place in the source, so hover can point at it exactly.

    ``text`` is the value with quoting removed (best effort: expansions are kept as written,
    since their value is unknown before the build); ``raw`` is the source slice
    ``source[start:end]``.
    """

    text: str
    raw: str
    start: int
    end: int
    quoted: bool = False
    has_expansion: bool = False


@attrs.frozen(weakref_slot=False)
class SimpleCommand:
    """One simple command: the unit that runs one program and that hover explains.

    ``words[0]`` is the program, after leading ``VAR=value`` assignments and wrapper commands
    (``sudo``, ``env``, ``xargs`` ...) were moved to ``assignments`` and ``wrappers``; each
    wrapper is also reported as a command of its own so its options can be explained too.
    ``words`` is empty for an assignment-only command such as ``FOO=bar``.
    ``redirects`` holds the targets of redirections (the file of ``> file``, the delimiter of a
    heredoc). ``start``/``end`` span the whole command including assignments, wrappers and
    redirections (a wrapper command spans its own words only). ``context`` says in which shell
    it runs: ``top``, ``subshell``, ``command-substitution``, ``process-substitution`` or
    ``sh -c``.
    """

    words: tuple[Word, ...]
    assignments: tuple[Word, ...] = ()
    wrappers: tuple[Word, ...] = ()
    redirects: tuple[Word, ...] = ()
    start: int = 0
    end: int = 0
    context: str = "top"

    @property
    def name(self) -> str:
        """The program as written (``""`` for an assignment-only command)."""
        return self.words[0].text if self.words else ""


class _NewWord:
    """``Word(text, raw, start, end, quoted, has_expansion)``, cheaper (see above)."""

    __slots__ = Word.__slots__

    def __init__(self, text: str, raw: str, start: int, end: int, quoted: bool, has_expansion: bool):
        self.text = text
        self.raw = raw
        self.start = start
        self.end = end
        self.quoted = quoted
        self.has_expansion = has_expansion
        self.__class__ = Word  # type: ignore[assignment]


class _NewCommand:
    """``SimpleCommand(words, assignments, wrappers, redirects, start, end, context)``, cheaper."""

    __slots__ = SimpleCommand.__slots__

    def __init__(self, words: tuple[Word, ...], assignments: tuple[Word, ...], wrappers: tuple[Word, ...],
                 redirects: tuple[Word, ...], start: int, end: int, context: str):
        self.words = words
        self.assignments = assignments
        self.wrappers = wrappers
        self.redirects = redirects
        self.start = start
        self.end = end
        self.context = context
        self.__class__ = SimpleCommand  # type: ignore[assignment]


@attrs.frozen
class ShellScript:
    """Everything found in one command string.

    ``commands`` are in source order of their names; ``errors`` are ``(start, end, message)``
    triples, informational only (the commands are still as complete as we could make them).
    """

    commands: tuple[SimpleCommand, ...]
    errors: tuple[tuple[int, int, str], ...] = ()
    # What the parser saw besides simple commands (kept out of repr: bench/bench_shell.py
    # compares reprs of commands and errors across versions).
    redirections: tuple[Redirection, ...] = attrs.field(default=(), repr=False)
    scripts: tuple[InlineScript, ...] = attrs.field(default=(), repr=False)
    bindings: tuple[Binding, ...] = attrs.field(default=(), repr=False)
    # Control operators between commands, `(op, start, end)` in source order: `|`, `|&`, `&&`,
    # `||`, `;`, `&` (hover explains them; `;;` and redirections are not here).
    operators: tuple[tuple[str, int, int], ...] = attrs.field(default=(), repr=False)

    def command_at(self, offset: int) -> SimpleCommand | None:
        """The innermost command whose span contains ``offset`` (end inclusive, for typing)."""
        best: SimpleCommand | None = None
        for command in self.commands:
            if command.start <= offset <= command.end and (
                best is None or command.end - command.start < best.end - best.start
            ):
                best = command
        return best


@attrs.frozen
class Redirection:
    """One redirection: ``2>&1``, ``> /dev/null``, ``>> file``, ``<<< "$text"``, ``<<EOF``.

    ``fd`` is the number written before the operator (``""`` when none: then ``op`` decides,
    output redirections are about fd 1 and input ones about fd 0); ``start`` is where the fd or
    the operator starts, ``end`` where the target ends (the operator's end when the target is
    missing, as when half-typed).
    """

    op: str
    fd: str
    start: int
    op_start: int
    op_end: int
    end: int
    target: Word | None
    context: str = "top"


@attrs.frozen
class InlineScript:
    """A script run by a shell of its own: ``sh -c SCRIPT``, ``su -c SCRIPT``, ``find -exec sh -c``.

    ``start``/``end`` span the script text in the source; ``runner`` is the command that runs
    it (its words include the script word); ``args`` are the words after the script, which the
    inner shell sees as ``$0``, ``$1`` ... (``su``/``runuser`` take none). ``escaped`` is true
    when the script had to be decoded (``"... \\"$x\\" \\$y"``): its offsets are then mapped.
    ``depth`` counts the shells around it (1 for a script in the RUN's own shell).
    """

    start: int
    end: int
    runner: SimpleCommand
    script_word: Word
    args: tuple[Word, ...]
    escaped: bool = False
    depth: int = 1
    # The script as the inner shell reads it, and (when ``escaped``) the source offset of each
    # of its characters; without escapes it is ``source[start:end]`` and offsets carry over.
    text: str = attrs.field(default="", repr=False)
    offsets: Sequence[int] | None = attrs.field(default=None, repr=False, eq=False)

    def to_source(self, index: int) -> int:
        """Source offset of character ``index`` of :attr:`text` (its end for ``len(text)``)."""
        if self.offsets is None:
            return self.start + index
        if index < len(self.offsets):
            return self.offsets[index]
        return self.offsets[-1] + 1 if self.offsets else self.start


@attrs.frozen
class Binding:
    """A name the shell binds outside a simple command: ``for NAME in WORDS``, ``select``,
    a function ``NAME() { ... }``; also each closed ``if`` and ``case`` (``kind`` and ``name``
    ``if``/``case``, the scope its whole span), since what they set depends on the branch.

    ``kind`` is ``for``, ``select``, ``function``, ``if`` or ``case``; ``start``/``end`` span the name;
    ``values`` are the words a loop variable takes in turn; ``scope_end`` is where a function's
    body ends (-1 while unknown, e.g. half-typed), ``scope_start`` where it starts.
    """

    name: str
    kind: str
    start: int
    end: int
    values: tuple[Word, ...] = ()
    scope_start: int = -1
    scope_end: int = -1


@attrs.frozen
class WordRole:
    """What one word, or one piece of a word, means to its command.

    ``role`` is ``command``, ``subcommand``, ``option``, ``option-value`` or ``operand``.
    ``start``/``end``/``text`` are those of the piece: one letter of a bundle such as ``-xzf``
    (``text`` is then ``-z``), the ``--name`` or the ``value`` of ``--name=value``.
    ``entry`` is the command's knowledge entry, ``part`` the subcommand or option explained
    (``None`` when unknown: nothing is guessed) and ``key`` its canonical name. An operand
    carries the innermost subcommand it belongs to (``curl`` in ``apt-get install curl``).
    Subcommands nest as deep as the knowledge base describes them (a subcommand's ``values``
    are its own subcommands: ``go mod download``); each gets a role of its own.
    """

    word: Word
    role: str
    start: int
    end: int
    text: str
    entry: Entry | None = attrs.field(default=None, eq=False)
    part: Part | None = attrs.field(default=None, eq=False)
    key: str = ""
