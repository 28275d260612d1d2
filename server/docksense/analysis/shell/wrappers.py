"""Wrapper commands (``sudo``, ``env``, ``xargs`` ...) and where inline scripts are.

A wrapper runs another command: hover explains the wrapper's own options and then the command
it runs, each against its own knowledge entry. ``sh -c SCRIPT`` and ``su -c SCRIPT`` hold a
script that is parsed as shell code of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .data import Word
from .lexer import _ASSIGNMENT


@attrs.frozen
class _Wrapper:
    """How a wrapper command reads its own arguments before the command it runs."""

    value_options: frozenset[str] = frozenset()  # options that consume the next word
    operands: int = 0  # its own operands before the command (gosu USER, timeout 10)
    assignments: bool = False  # VAR=value words belong to it (env, sudo)
    standalone: frozenset[str] = frozenset()  # options after which it runs no command


def _opts(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _Wrapper(
        _opts("-u -g -C -D -p -r -t -T -U --user --group --close-from --chdir --host --prompt "
              "--role --type --command-timeout --other-user"),
        assignments=True,
        standalone=_opts("-e -l -v -K -V -h --edit --list --validate --remove-timestamp "
                         "--version --help"),
    ),
    "doas": _Wrapper(_opts("-u"), standalone=_opts("-C")),
    "exec": _Wrapper(_opts("-a")),
    "env": _Wrapper(_opts("-u -C -S --unset --chdir --split-string"), assignments=True,
                    standalone=_opts("--help --version")),
    "nohup": _Wrapper(),
    "time": _Wrapper(_opts("-f -o --format --output")),
    "nice": _Wrapper(_opts("-n --adjustment")),
    "ionice": _Wrapper(_opts("-c -n --class --classdata"), standalone=_opts("-p -P -u --pid --pgid --uid")),
    "command": _Wrapper(standalone=_opts("-v -V")),
    "builtin": _Wrapper(),
    "xargs": _Wrapper(
        _opts("-a -d -E -I -L -n -P -s --arg-file --delimiter --max-lines --max-args --max-procs "
              "--max-chars --process-slot-var"),
        standalone=_opts("--help --version --show-limits"),
    ),
    "gosu": _Wrapper(operands=1),
    "su-exec": _Wrapper(operands=1),
    "s6-setuidgid": _Wrapper(operands=1),
    "tini": _Wrapper(_opts("-e -p")),
    "dumb-init": _Wrapper(_opts("-r --rewrite")),
    "chroot": _Wrapper(_opts("--userspec --groups"), operands=1),
    "timeout": _Wrapper(_opts("-s -k --signal --kill-after"), operands=1),
    "stdbuf": _Wrapper(_opts("-i -o -e --input --output --error")),
    "setsid": _Wrapper(),
    "eatmydata": _Wrapper(),
    "fakeroot": _Wrapper(_opts("-l -s -i -b --lib --faked")),
    "setpriv": _Wrapper(
        _opts("--reuid --regid --groups --inh-caps --ambient-caps --bounding-set --securebits "
              "--pdeathsig --selinux-label --apparmor-profile --landlock-access --landlock-rule "
              "--ptracer"),
        standalone=_opts("-d --dump --help --version"),
    ),
    # `runuser -u USER [--] COMMAND ...` (the `su`-like `runuser USER -c SCRIPT` form is an
    # inline script instead: see _wrapper_length).
    "runuser": _Wrapper(_opts("-u -g -G -s -w --user --group --supp-group --shell "
                              "--whitelist-environment"),
                        standalone=_opts("-c --command --help --version")),
}

# find's options that run a command: the words up to `;` (or `+` after `{}`) are that command.
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_SU_LIKE = frozenset({"su", "runuser"})
_SU_VALUE_OPTIONS = frozenset({"-s", "-g", "-G", "-u", "-w", "--shell", "--group", "--supp-group",
                               "--user", "--whitelist-environment"})


def _basename(name: str) -> str:
    return name.rsplit("/", 1)[-1] if "/" in name else name


def _wrapper_length(words: Sequence[Word]) -> int:
    """How many leading words form a wrapper (``sudo -u x``); 0 when it is the command itself."""
    spec = _WRAPPERS.get(_basename(words[0].text))
    if spec is None:
        return 0
    if spec.operands == 0 and words[0].text.endswith("runuser") and not any(
            w.text in ("-u", "--user") or w.text.startswith("--user=") for w in words[1:]):
        return 0  # `runuser USER -c SCRIPT` or `runuser -l USER`: no command follows
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text == "--":
            i += 1
            break
        if text.startswith("-") and len(text) > 1:
            consumes = _option_consumes(text, spec)
            if consumes < 0:
                return 0
            i += 1 + consumes
        elif spec.assignments and _ASSIGNMENT.match(text):
            i += 1
        else:
            break
    while spec.assignments and i < n and _ASSIGNMENT.match(words[i].text):
        i += 1
    i += spec.operands
    return i if i < n else 0


def _option_consumes(text: str, spec: _Wrapper) -> int:
    """Words an option of a wrapper consumes after itself; -1 when it means 'no command'."""
    if text.startswith("--"):
        name = text.split("=", 1)[0]
        if name in spec.standalone:
            return -1
        return 1 if "=" not in text and name in spec.value_options else 0
    for index in range(1, len(text)):
        letter = "-" + text[index]
        if letter in spec.standalone:
            return -1
        if letter in spec.value_options:
            return 1 if index == len(text) - 1 else 0
    return 0


def _script_word(words: Sequence[Word]) -> tuple[Word, int] | None:
    """The word holding an inline script (``sh -c SCRIPT``, ``su -c SCRIPT``) and the
    length of the prefix before the script inside it (``--command=``)."""
    if not words:
        return None
    name = _basename(words[0].text)
    if name in _SHELLS:
        return _shell_script_word(words)
    if name in _SU_LIKE:
        return _su_script_word(words)
    return None


def _shell_script_word(words: Sequence[Word]) -> tuple[Word, int] | None:
    """``bash [options] -c SCRIPT``: the first operand once ``c`` was among the options."""
    saw_c = False
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text == "--":
            return (words[i + 1], 0) if saw_c and i + 1 < n else None
        if text in _SHELL_VALUE_OPTIONS:
            i += 2
            continue
        if len(text) > 1 and text[0] in "-+":
            bundle = not text.startswith("--")
            saw_c = saw_c or (bundle and "c" in text[1:])
            i += 2 if bundle and text[-1] in "oO" else 1  # `-euxo pipefail`
            continue
        return (words[i], 0) if saw_c else None
    return None


def _su_script_word(words: Sequence[Word]) -> tuple[Word, int] | None:
    """``su [options] [user] -c SCRIPT`` / ``--command=SCRIPT``."""
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text.startswith("--command="):
            return words[i], words[i].raw.find("=") + 1
        if text == "--command" or (text.startswith("-") and not text.startswith("--") and text.endswith("c")):
            return (words[i + 1], 0) if i + 1 < n else None
        i += 2 if text in _SU_VALUE_OPTIONS else 1
    return None


def _script_range(word: Word, skip: int, source_end: int) -> tuple[int, int] | None:
    """Where the inline script in ``word`` lies in the source, if offsets carry over 1:1.

    That is the case for one single-quoted string (backslashes there are literal), one
    double-quoted string or an unquoted word without escapes (``\\``-newline excepted: it
    stays a line continuation). An unterminated quote (half-typed) runs to the end.
    """
    raw = word.raw[skip:]
    base = word.start + skip
    if not raw:
        return None
    quote = raw[0]
    if quote != "'" and "\\" in raw.replace("\\\n", ""):
        return None
    if quote in "'\"":
        body = raw[1:-1] if len(raw) > 1 and raw[-1] == quote else raw[1:]
        if quote in body:
            return None
        if len(body) == len(raw) - 1 and word.end != source_end:
            return None
        return base + 1, base + 1 + len(body)
    if "'" in raw or '"' in raw:
        return None
    return base, base + len(raw)
