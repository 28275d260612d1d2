"""Which word of a command is the command, a subcommand, an option, a value or an operand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...knowledge import find_part
from .data import SimpleCommand, Word, WordRole
from .quoting import _offsets
from .wrappers import _basename

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ...knowledge import Entry, KnowledgeBase, Part


def classify(cmd: SimpleCommand, kb: KnowledgeBase) -> list[WordRole]:
    """The role of every word of ``cmd.words`` (one role per letter of a short-option bundle).

    Wrappers and assignments are not included: each wrapper is a command of its own in
    :attr:`ShellScript.commands` and is classified separately.
    """
    if not cmd.words:
        return []
    return _Classifier(cmd, kb).run()


def _command_entry(kb: KnowledgeBase, name: str) -> Entry | None:
    """The command's entry by name as written, then by basename (``/usr/bin/apt-get``)."""
    if not name:
        return None
    entry = kb.get("command", name)
    if entry is None and "/" in name:
        base = _basename(name.rstrip("/"))
        entry = kb.get("command", base) if base else None
    return entry


def _family(options: dict[str, Part], name: str) -> tuple[str, Part] | None:
    """The option family (``--enable-*``) whose prefix ``name`` extends, the longest prefix first."""
    best: tuple[str, Part] | None = None
    for key, part in options.items():
        if key.endswith("*") and len(key) > 2 and len(name) >= len(key) and name.startswith(key[:-1]) \
                and (best is None or len(key) > len(best[0])):
            best = (key, part)
    return best


class _Classifier:
    """Walks a command's words left to right, the way the program reads its arguments."""

    def __init__(self, cmd: SimpleCommand, kb: KnowledgeBase):
        self.cmd = cmd
        self.entry = _command_entry(kb, cmd.words[0].text)
        self.is_set = _basename(cmd.words[0].text) == "set"
        self.subs: list[tuple[str, Part]] = []  # subcommands so far, outermost first (`mod`, `download`)
        self.pending: tuple[str, Part] | None = None
        # An option whose value is optional (`--self-contained [true|false]`): the next word is
        # its value only when it is one of the option's listed values.
        self.optional: tuple[str, Part] | None = None
        self.options_done = False
        self.operand_seen = False
        self.roles: list[WordRole] = []

    def run(self) -> list[WordRole]:
        first = self.cmd.words[0]
        key = self.entry.name if self.entry is not None else ""
        self.roles.append(WordRole(first, "command", first.start, first.end, first.text, self.entry, None, key))
        for word in self.cmd.words[1:]:
            self._word(word)
        return self.roles

    # -- helpers ---------------------------------------------------------------------------
    def _lookup(self, name: str) -> tuple[str, Part] | None:
        """An option of the innermost subcommand first, then of the ones around it, then of the
        command; failing that, a family of options the knowledge base names by a trailing ``*``
        (configure's ``--with-*`` matches ``--with-iconv``)."""
        levels = [part.options for _, part in reversed(self.subs)]
        if self.entry is not None:
            levels.append(self.entry.options)
        for options in levels:
            found = find_part(options, name)
            if found is not None:
                return found
        for options in levels:
            found = _family(options, name)
            if found is not None:
                return found
        return None

    def _add(self, word: Word, role: str, a: int, b: int, found: tuple[str, Part] | None,
             offsets: Sequence[int]) -> None:
        """Add the role of ``word.text[a:b]`` (offsets map text indexes to raw indexes)."""
        start = word.start + offsets[a] if a < len(offsets) else word.end
        end = word.start + offsets[b - 1] + 1 if b - 1 < len(offsets) else word.end
        key, part = found if found is not None else ("", None)
        self.roles.append(WordRole(word, role, start, end, word.text[a:b], self.entry, part, key))

    def _whole(self, word: Word, role: str, found: tuple[str, Part] | None) -> None:
        key, part = found if found is not None else ("", None)
        self.roles.append(WordRole(word, role, word.start, word.end, word.text, self.entry, part, key))

    def _expect_value(self, found: tuple[str, Part] | None) -> None:
        self.pending = found if found is not None and found[1].takes_value else None
        self.optional = found if found is not None and not found[1].takes_value and found[1].values else None

    # -- words -----------------------------------------------------------------------------
    def _word(self, word: Word) -> None:
        text = word.text
        optional, self.optional = self.optional, None
        if self.pending is not None:
            self._whole(word, "option-value", self.pending)
            self.pending = None
        elif optional is not None and find_part(optional[1].values, text) is not None:
            self._whole(word, "option-value", optional)
        elif self.options_done or len(text) < 2 or text[0] not in "-+":
            self._operand(word)
        elif text == "--":
            self._whole(word, "option", self._lookup("--"))
            self.options_done = True
        elif text.startswith("--"):
            self._long(word)
        else:
            self._short(word)

    def _operand(self, word: Word) -> None:
        """A subcommand at any depth the knowledge base describes (``go mod download``: the
        subcommand's ``values`` are its own subcommands), else an operand."""
        if not self.operand_seen and not self.options_done and self.entry is not None:
            choices = self.subs[-1][1].values if self.subs else self.entry.subcommands
            found = find_part(choices, word.text) if choices else None
            if found is not None:
                self.subs.append(found)
                self._whole(word, "subcommand", found)  # key: its own name (`download`)
                return
        self.operand_seen = True
        self._whole(word, "operand", self.subs[-1] if self.subs else None)

    def _long(self, word: Word) -> None:
        text = word.text
        equals = text.find("=")
        if equals < 0:
            found = self._lookup(text)
            self._whole(word, "option", found)
            self._expect_value(found)
            return
        offsets = _offsets(word)
        found = self._lookup(text[:equals])
        self._add(word, "option", 0, equals, found, offsets)
        if equals + 1 < len(text):
            self._add(word, "option-value", equals + 1, len(text), found, offsets)

    def _short(self, word: Word) -> None:
        """``-x``, ``-xzf``, ``-C/dir``, ``-1``, ``+x``: whole first, then letter by letter."""
        text = word.text
        found = self._lookup(text)
        if found is not None:
            self._whole(word, "option", found)
            self._expect_value(found)
            return
        if (text[0] == "+" and not self.is_set) or (text[1:].isascii() and text[1:].isdigit()):
            self._operand(word)  # `chmod +x`, `head -5`: options only when known
            return
        letters: list[tuple[str, Part] | None] = []
        for c in text[1:]:
            if not (c.isascii() and c.isalnum()):
                # `"-X a.b=c -X d"` is not a bundle of letters; `-C/dir` and `-i.bak` are one known
                # letter with its value attached.
                if len(letters) == 1 and letters[0] is not None and not letters[0][1].takes_value:
                    offsets = _offsets(word)
                    self._add(word, "option", 0, 2, letters[0], offsets)
                    self._add(word, "option-value", 2, len(text), letters[0], offsets)
                    return
                if not any(found is not None and found[1].takes_value for found in letters):
                    letters = []
                break
            letters.append(self._letter(text[0], c))
        if not any(letters):
            self._whole(word, "option", None)
            return
        self._letters(word, letters)

    def _letter(self, sign: str, letter: str) -> tuple[str, Part] | None:
        found = self._lookup(sign + letter)
        if found is None and sign == "+":
            found = self._lookup("-" + letter)  # `set +x` undoes `set -x`
        return found

    def _letters(self, word: Word, letters: list[tuple[str, Part] | None]) -> None:
        offsets = _offsets(word)
        text = word.text
        for index, found in enumerate(letters, start=1):
            start = word.start + offsets[index]
            self.roles.append(
                WordRole(word, "option", start, start + 1, text[0] + text[index], self.entry,
                         found[1] if found else None, found[0] if found else "")
            )
            if found is not None and found[1].takes_value:
                if index + 1 < len(text):
                    self._add(word, "option-value", index + 1, len(text), found, offsets)
                else:
                    self.pending = found
                return
