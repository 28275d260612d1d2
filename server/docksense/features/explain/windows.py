"""Phrases for cmd.exe and PowerShell code (Windows containers), read by
:mod:`...analysis.windows_shell` instead of the POSIX sh reader."""

from __future__ import annotations

from ...analysis.windows_shell import (
    WinStatement,
    WinWord,
    nested_powershell,
    parse_cmd,
    parse_powershell,
)
from ...knowledge import Entry, KnowledgeBase, find_part
from .. import markdown as md
from .phrases import action_of, code_word, fill, join_words, value_phrase

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
    return command_phrase(kb, list(statement.words), statement.shell)


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
    return phrase + (" " + ", ".join(quals) if quals else "")


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
