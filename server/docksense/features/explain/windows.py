"""Phrases for cmd.exe and PowerShell code (Windows containers), read by
:mod:`...analysis.windows_shell` instead of the POSIX sh reader."""

from __future__ import annotations

import re

from ...analysis.windows_shell import (
    WinStatement,
    WinWord,
    nested_powershell,
    parse_cmd,
    parse_powershell,
)
from ...knowledge import Entry, KnowledgeBase, find_part
from .. import markdown as md
from .phrases import action_of, code_word, fill, join_qualifiers, join_words, value_phrase

# PowerShell preference variables and what setting them does (facts from about_Preference_Variables).
_PREFERENCES = {
    "$erroractionpreference": "makes every error stop the script ({})",
    "$progresspreference": "turns off progress bars, which slow Invoke-WebRequest down a lot ({})",
    "$verbosepreference": "sets how verbose messages are shown ({})",
    "$confirmpreference": "sets when PowerShell asks for confirmation ({})",
}


def windows_statements(text: str, shell: str, base: int = 0) -> list[WinStatement]:
    return parse_powershell(text, base) if shell == "powershell" else parse_cmd(text, base)


def statement_phrase(kb: KnowledgeBase, statement: WinStatement) -> str:
    if statement.kind == "assignment":
        return _assignment(statement)
    if statement.kind == "call":
        return _call(statement)
    keyword = statement.words[0].text.lower() if statement.words else ""
    if statement.shell == "powershell" and keyword in _KEYWORDS:
        rest = " ".join(w.raw for w in statement.words[1:])
        if "get-filehash" in rest.lower():
            return "verifies the download's hash against the expected one"
        return _KEYWORDS[keyword].format(code_word(_short(rest)))
    return command_phrase(kb, list(statement.words), statement.shell)


def statement_phrases(kb: KnowledgeBase, statements: list[WinStatement]) -> list[str]:
    """The phrases of a body's statements, leaving out plain variable assignments and progress
    messages when the body does real work besides (they are how, not what)."""
    work = [s for s in statements if not _incidental(s)]
    chosen = work if len(work) >= 2 else statements
    return [statement_phrase(kb, s) for s in chosen]


def _incidental(statement: WinStatement) -> bool:
    if statement.kind == "assignment" and statement.shell == "powershell":
        low = statement.target.lower()
        return not (low.startswith("$env:") or low.startswith("["))
    name = statement.name.lower()
    writes_file = any(w.text.startswith((">", "2>")) or w.text.lower() in ("out-file", "set-content")
                      for w in statement.words)
    return name in ("write-host", "echo", "write-output") and statement.kind == "command" and not writes_file


# PowerShell statements that start with a keyword rather than a command.
_KEYWORDS = {
    "if": "checks a condition ({})",
    "foreach": "loops over {}",
    "for": "loops ({})",
    "while": "loops while {}",
    "try": "tries {}",
    "switch": "chooses by {}",
    "function": "defines function {}",
}


def _assignment(statement: WinStatement) -> str:
    target = statement.target
    value = statement.value.strip().strip("'\"")
    low = target.lower()
    if statement.shell == "cmd":
        return f"sets {code_word(target)} to {code_word(value)} for the rest of this command"
    if low in _PREFERENCES:
        template = _PREFERENCES[low]
        if low == "$erroractionpreference" and value.lower() != "stop":
            template = "sets how errors are handled ({})"
        if low == "$progresspreference" and value.lower() != "silentlycontinue":
            template = "sets how progress is shown ({})"
        return template.format(code_word(f"{target} = {value}"))
    if low.startswith("$env:"):
        name = target[5:]
        return f"sets environment variable {code_word(name)} for this PowerShell session only"
    if low == "[net.servicepointmanager]::securityprotocol":
        return f"chooses the TLS versions for downloads ({code_word(value)})"
    if low.startswith("["):
        return f"sets {code_word(target)} to {code_word(_short(value))}"
    return f"stores {code_word(_short(statement.value))} in {code_word(target)}"


def _call(statement: WinStatement) -> str:
    method = statement.target.lower()
    args = [w.text for w in statement.words]
    if method.endswith("::setenvironmentvariable") and args:
        scope = args[2].lower() if len(args) > 2 else ""
        where = "machine-wide, so it persists in the image" if "machine" in scope else "for the process"
        return f"sets environment variable {code_word(args[0])} {where}"
    return f"calls {code_word(statement.target)}"


def command_phrase(kb: KnowledgeBase, words: list[WinWord], shell: str) -> str:
    name = words[0].text
    entry = _entry(kb, name)
    if entry is not None and not _CMDLET.match(entry.name) and (entry.subcommands or entry.options) and not any(
            _is_parameter(w.text, "cmd") for w in words[1:]):
        kept, into = _without_redirects(words)
        return _posix_style(kb, kept, entry.name) + (f" into {code_word(into)}" if into else "")
    if entry is None:
        shown = " ".join(w.text for w in words[:4]) + (" …" if len(words) > 4 else "")
        return f"runs {code_word(shown)}"
    objects: list[str] = []
    qualifiers: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        text = word.text
        if text in (">", ">>", "2>", "1>") and index + 1 < len(words):
            qualifiers.append(f"into {code_word(words[index + 1].text)}")
            index += 2
            continue
        if text.startswith((">", "2>")) and len(text) > 2:
            qualifiers.append(f"into {code_word(text.lstrip('2>'))}")
            index += 1
            continue
        if _is_parameter(text, shell):
            key = text.split(":", 1)[0] if shell == "powershell" else text
            found = find_part(entry.options, key, case_sensitive=False) if entry.options else None
            part = found[1] if found is not None else None
            value: str | None = None
            if shell == "powershell" and ":" in text[1:]:
                value = text.split(":", 1)[1]
            elif part is not None and part.takes_value and index + 1 < len(words):
                index += 1
                value = words[index].text
            if part is not None:
                phrase = value_phrase(part, value) if value is not None else part.action
                if phrase and "{}" not in phrase:
                    if key.lower() in ("-uri", "-path", "-literalpath", "-filepath"):
                        objects.append(code_word(value or ""))
                    else:
                        qualifiers.append(phrase)
                elif value is not None and key.lower() in ("-uri", "-path", "-literalpath", "-filepath"):
                    objects.append(code_word(value))
            elif value is None and index + 1 < len(words) and not _is_parameter(words[index + 1].text, shell) \
                    and shell == "powershell" and text.lower() in ("-uri", "-outfile", "-path", "-destinationpath"):
                index += 1
        else:
            objects.append(code_word(text))
        index += 1
    action = action_of(entry) or f"runs {code_word(entry.name)}"
    if entry.name.lower() in ("setx", "setx.exe") and len(objects) >= 2:
        objects = [f"{objects[0]} to {objects[1]}"]
    phrase = fill(action, join_words(objects))
    if "{}" not in action and objects and (action.startswith("runs ") or not entry.action):
        phrase = f"{action} on {join_words(objects)}"
    quals = list(dict.fromkeys(qualifiers))[:4]
    return phrase + join_qualifiers(quals)


def _without_redirects(words: list[WinWord]) -> tuple[list[WinWord], str]:
    """The words without ``> file`` / ``>file``, and the file output goes to."""
    kept: list[WinWord] = []
    into = ""
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word.text in (">", ">>", "1>", "2>") and index + 1 < len(words):
            into, skip = words[index + 1].text, True
        elif word.text.startswith((">", "1>", "2>")) and len(word.text) > 2:
            into = word.text.lstrip("12>")
        else:
            kept.append(word)
    return kept, into


_CMDLET = re.compile(r"[A-Z][a-z]+-[A-Z]")


def _posix_style(kb: KnowledgeBase, words: list[WinWord], program: str) -> str:
    """``dotnet restore``, ``git clone`` or ``npm ci`` under cmd or PowerShell: cross-platform
    programs read their arguments the same way everywhere, so the POSIX classifier applies."""
    from ...analysis.shell import SimpleCommand, Word, classify
    from .phrases import command_phrase as posix_phrase

    shell_words = tuple(Word(w.text, w.raw, w.start, w.end) for w in words)
    command = SimpleCommand(shell_words, start=words[0].start, end=words[-1].end)
    return posix_phrase(kb, shell_words, classify(command, kb), program).text


def _is_parameter(text: str, shell: str) -> bool:
    if shell == "powershell":
        return len(text) > 1 and text[0] == "-" and text[1].isalpha()
    return len(text) > 1 and text[0] == "/" and (len(text) <= 4 or ":" in text) and text[1].isalpha()


def _entry(kb: KnowledgeBase, name: str) -> Entry | None:
    clean = name.replace("\\", "/").rsplit("/", 1)[-1]
    for candidate in (clean, clean.lower(), clean.lower().removesuffix(".exe")):
        entry = kb.get("command", candidate)
        if entry is not None:
            return entry
    return None


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["command_phrase", "md", "nested_powershell", "statement_phrase", "windows_statements"]
