"""Verb phrases for commands: ``apt-get install -y --no-install-recommends curl tini`` becomes
"installs `curl` and `tini` without recommended packages".

The words come from the knowledge base's ``action`` fields: a command's or subcommand's action is
a third-person phrase where ``{}`` stands for its operands ("installs {}"); an option's action is
a qualifier appended after them, where ``{}`` stands for the option's value ("to {}"); a value
(``--self-contained false``) may carry its own action. Where an entry has no action yet, a phrase
is derived from its one-line summary when that starts with a verb ("Download fresh lists" ->
"downloads fresh lists"), else the command is named as run. Document text is always escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...knowledge import Entry, KnowledgeBase, Part, find_part
from .. import markdown as md

MAX_OBJECTS = 4
MAX_QUALIFIERS = 6
# Commands whose first operand is what the others get: "changes the owner of f to app".
_VALUE_FIRST = frozenset({"chown", "chgrp", "chmod"})
# Commands whose last operand is the destination: "moves a to b".
_TO_LAST = frozenset({"mv", "cp", "ln", "install", "Copy-Item", "Move-Item", "rsync", "scp"})

# Imperative verbs that open summaries ("Install packages ..."): such a summary reads as an
# action once put in the third person. Other summaries ("Debian package manager ...") do not.
_VERBS = frozenset(["add", "allow", "apply", "archive", "assign", "build", "call", "change", "check", "clean", "clear", "close", "collect", "compile", "compress", "compute", "configure", "convert", "copy", "count", "create", "cut", "decode", "decompress", "define", "delete", "describe", "detect", "disable", "display", "download", "drop", "dump", "echo", "edit", "enable", "encode", "ensure", "evaluate", "execute", "exit", "expand", "export", "extract", "fail", "fetch", "filter", "find", "fix", "follow", "force", "format", "generate", "get", "give", "grant", "group", "hash", "hold", "ignore", "import", "include", "initialize", "inspect", "install", "keep", "kill", "limit", "link", "list", "load", "lock", "log", "make", "mark", "match", "merge", "mount", "move", "name", "open", "output", "pack", "parse", "pass", "patch", "pick", "pin", "point", "prefer", "prepare", "preserve", "print", "process", "publish", "pull", "purge", "push", "put", "query", "read", "rebuild", "record", "recurse", "refresh", "register", "reinstall", "reload", "remove", "rename", "render", "repeat", "replace", "report", "require", "reset", "resolve", "restart", "restore", "resume", "return", "reuse", "run", "save", "scan", "search", "select", "send", "serve", "set", "share", "show", "skip", "sleep", "sort", "split", "start", "stop", "store", "strip", "substitute", "suppress", "switch", "sync", "tag", "test", "touch", "trace", "transfer", "treat", "trim", "turn", "unpack", "unset", "update", "upgrade", "upload", "use", "validate", "verify", "wait", "watch", "write"])


def third_person(verb: str) -> str:
    """``install`` -> ``installs``, ``fetch`` -> ``fetches``, ``copy`` -> ``copies``."""
    low = verb.lower()
    if low in ("do", "go"):
        return low + "es"
    if low.endswith(("s", "sh", "ch", "x", "z")):
        return low + "es"
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


def derived_action(summary: str) -> str:
    """A phrase from a summary that opens with an imperative verb, else ``""``."""
    text = " ".join(summary.split())
    if not text:
        return ""
    first, _, rest = text.partition(" ")
    if first.lower() not in _VERBS:
        return ""
    # the first clause only: up to a sentence end, a colon, a semicolon or a parenthesis
    rest = re.split(r"(?<=[a-z0-9`)])\.(?:\s|$)|:\s|;\s|\s\(|\s[-—]\s", rest, maxsplit=1)[0].rstrip(".")
    phrase = third_person(first) + (" " + rest if rest else "")
    return phrase if len(phrase) <= 90 else phrase[:87].rsplit(" ", 1)[0] + "…"


def is_verb_phrase(phrase: str) -> bool:
    """True for a phrase opening with a third-person verb ("extracts an archive")."""
    first = phrase.split(" ", 1)[0].lower()
    if not first.endswith("s") or len(first) < 4:
        return False
    stems = {first[:-1], first[:-2]}
    if first.endswith("ies"):
        stems.add(first[:-3] + "y")
    return any(stem in _VERBS for stem in stems)


def action_of(source: Entry | Part | None) -> str:
    if source is None:
        return ""
    return source.action or derived_action(source.summary)


def join_words(items: Sequence[str], limit: int = MAX_OBJECTS) -> str:
    """``a``, ``a and b``, ``a, b and c``; past ``limit``: ``a, b, c and 5 more``."""
    items = list(dict.fromkeys(items))
    if not items:
        return ""
    if len(items) > limit:
        shown = items[: limit - 1]
        return ", ".join(shown) + f" and {len(items) - len(shown)} more"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def code_word(text: str) -> str:
    return md.code(text, limit=60)


def fill(action: str, objects: str) -> str:
    """Put ``objects`` in the action's ``{}`` (or after it); drop a dangling ``{}``."""
    if "{}" in action:
        if objects:
            return action.replace("{}", objects, 1).replace("{}", "")
        if action.startswith("runs {} under "):  # a wrapper such as tini: what it runs comes later
            return "runs its arguments " + action[len("runs {} "):]
        if action.startswith("runs {} with "):  # `python` alone: the interpreter itself
            return "runs " + action[len("runs {} with "):]
        return re.sub(r"(?:\s+(?:of|to|from|in|into|on|onto|with|for|at|by))?\s*\{\}", "", action).strip()
    return f"{action} {objects}" if objects else action


def value_phrase(part: Part, value: str) -> str | None:
    """The qualifier for one option with its value (``None`` when the option has no action)."""
    if part.values:
        found = find_part(part.values, value) or find_part(part.values, value, case_sensitive=False)
        if found is not None and found[1].action:
            return found[1].action
    if not part.action:
        return None
    if value in ("-", "/dev/stdout", "/dev/stderr"):
        shown = f"the container log ({code_word(value)})"
    else:
        shown = code_word(value)
    return fill(part.action, shown) if "{}" in part.action else part.action


class CommandPhrase:
    """The phrase of one simple command and whether it names something of the line."""

    __slots__ = ("key", "objects", "program", "text")

    def __init__(self, text: str, program: str, key: str, objects: list[str]):
        self.text = text
        self.program = program
        self.key = key  # "apt-get install": the command and its subcommand
        self.objects = objects


def command_phrase(kb: KnowledgeBase, words: Sequence, roles: Sequence, program: str,
                   max_qualifiers: int = MAX_QUALIFIERS) -> CommandPhrase:
    """Compose the phrase of one command from its classified words (see ``analysis.shell.classify``).
    ``max_qualifiers``: how many of its options' phrases to keep (fewer in a long RUN's sentence)."""
    entry = roles[0].entry if roles else None
    if entry is None:
        shown = " ".join(w.text for w in words[:4]) + (" …" if len(words) > 4 else "")
        return CommandPhrase(f"runs {code_word(shown)}", program, program, [])
    sub: tuple[str, Part] | None = None
    objects: list[str] = []
    qualifiers: list[str] = []
    pending: Part | None = None
    last_flag: Part | None = None
    flags: list[str] = []  # qualifiers of options without a value: after those with one
    mode: str | None = None  # an option whose action is a verb phrase (a mode of the command)
    for role in roles[1:]:
        if role.role == "subcommand" and role.part is not None:
            sub = (role.key, role.part) if sub is None else (f"{sub[0]} {role.key}", role.part)
        elif role.role == "option":
            pending = role.part if role.part is not None and role.part.takes_value else None
            last_flag = role.part if role.part is not None and not role.part.takes_value else None
            if role.part is not None and not role.part.takes_value:
                phrase = role.part.action
                if phrase and is_verb_phrase(phrase) and mode is None:
                    mode = phrase  # ``sha256sum -c``: the option picks what the command does
                elif phrase and "{}" not in phrase:
                    flags.append(phrase)
        elif role.role == "option-value":
            part = role.part or pending
            if part is not None:
                phrase = value_phrase(part, role.text)
                if phrase:
                    qualifiers.append(phrase)
            pending = None
        elif role.role == "operand":
            if last_flag is not None and last_flag.values and not objects:
                found = find_part(last_flag.values, role.text)
                if found is not None:  # ``--self-contained false``: an optional value
                    if found[1].action:
                        flags[:] = [q for q in flags if q != last_flag.action]
                        qualifiers.append(found[1].action)
                    last_flag = None
                    continue
            if sub is not None and not objects and sub[1].values:
                found = find_part(sub[1].values, role.text)
                if found is not None and found[1].action:  # ``npm cache clean``
                    sub = (sub[0], found[1])
                    continue
            if pending is not None:
                phrase = value_phrase(pending, role.text)
                if phrase:
                    qualifiers.append(phrase)
                pending = None
                continue
            if role.text:
                objects.append(role.text)
    qualifiers = qualifiers + [f for f in flags if f not in qualifiers]
    source: Entry | Part = sub[1] if sub is not None else entry
    action = action_of(source)
    if mode is not None and (not source.action or " or " in action.split("{}")[0]):
        # "computes or checks checksums of {}" settled by ``-c``: "checks files against ..."
        action, source = mode, Part(summary="", action=mode)
        objects = ["standard input" if o == "-" else o for o in objects]
    elif mode is not None and "{}" not in mode:
        qualifiers.append(mode)
    if not source.action:
        # ``tar -x``: the option names the operation (a mode), the command has no action of its own
        verb = next((q for q in qualifiers if is_verb_phrase(q)), None)
        if verb is not None:
            qualifiers.remove(verb)
            action = verb
            source = Part(summary="", action=verb)
    key = entry.name + (f" {sub[0]}" if sub is not None else "")
    if not action and sub is not None:
        action = f"runs {code_word(key)}"
    elif not action:
        action = f"runs {code_word(program)}"
    shown = [o if o == "standard input" else code_word(o) for o in objects if o != "-"]
    if "{}" in action and not shown:
        # ``npm install`` alone: "installs {}" would leave a bare verb; the summary says what
        bare = re.sub(r"\s*\{\}.*$", "", action).strip()
        if " " not in bare:
            fuller = derived_action(source.summary)
            if fuller and fuller.split(" ", 1)[0] == bare and " " in fuller:
                action = fuller
    elif "{}" in action and len(set(shown)) == 1:
        action = _singular_before_slot(action)
    if entry.name in _VALUE_FIRST and len(shown) >= 2 and "{}" in action:
        text = action.replace("{}", f"{join_words(shown[1:])} to {shown[0]}", 1)
    elif entry.name in _TO_LAST and len(shown) >= 2 and "{}" in action:
        if entry.name == "ln":  # ln TARGET... LINK: the link (or folder of links) points at the targets
            objects_text = f"{shown[-1]} to {join_words(shown[:-1])}"
        else:
            objects_text = f"{join_words(shown[:-1])} to {shown[-1]}"
        text = action.replace("{}", objects_text, 1)
    else:
        text = fill(action, join_words(shown))
    if "{}" not in action and not source.action and shown and not action.startswith("runs "):
        text = f"{action} ({join_words(shown)})"
    elif "{}" not in action and action.startswith("runs ") and shown:
        text = f"{action} on {join_words(shown)}"
    quals = list(dict.fromkeys(qualifiers))[:max_qualifiers]
    if quals:
        text += join_qualifiers(quals)
    if "`" not in text:  # nothing of the line named yet: name the command itself
        text += f" ({code_word(' '.join(w.text for w in words[:2]) if sub is not None else program)})"
    return CommandPhrase(text, program, key, objects)


_PLURALS = {"packages": "package", "gems": "gem", "modules": "module", "files": "file", "crates": "crate",
            "dependencies": "dependency", "images": "image", "directories": "directory", "extensions": "extension",
            "libraries": "library", "plugins": "plugin", "tools": "tool", "archives": "archive"}


def _singular_before_slot(action: str) -> str:
    """"installs the Python packages {}" with one package: "installs the Python package {}"."""
    return re.sub(r"\b(" + "|".join(_PLURALS) + r")(\s+\{\})", lambda m: _PLURALS[m.group(1)] + m.group(2),
                  action, count=1)


_CONTINUING = frozenset({"to", "into", "from", "in", "on", "at", "with", "without", "as", "for", "under", "by",
                        "listed", "owned", "file", "and", "that", "named", "of"})


def join_qualifiers(quals: Sequence[str]) -> str:
    """" without recommended packages", " file `x` into `/y`, owned by ...": a qualifier that
    opens with a preposition or an adverb continues the phrase, the others (participles such as
    "following redirects", nouns such as "error log to ...") are set off with commas."""
    out = ""
    previous = ""
    for qual in quals:
        first = qual.split(" ", 1)[0]
        continuing = first in _CONTINUING or (first.endswith(("ly", "-wide")) and " " not in qual)
        out += (" " if continuing and first != previous else ", ") + qual
        previous = first
    return out


def sentence(phrases: Sequence[str]) -> str:
    """``a``; ``a, then b``; ``a, b, then c``, capitalised, with a final period."""
    items = [p for p in phrases if p]
    if not items:
        return ""
    if len(items) == 1:
        text = items[0]
    else:
        text = ", ".join(items[:-1]) + ", then " + items[-1]
    return capitalise(text) + ("" if text.endswith((".", "…")) else ".")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text and not text.startswith("`") else text
