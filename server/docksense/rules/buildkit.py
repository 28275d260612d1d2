"""Family ``buildkit``: BuildKit's 22 build checks (``docker build --check``), offline.

Each rule carries BuildKit's exact check name and reports what BuildKit's linter reports, read
from moby/buildkit: ``frontend/dockerfile/linter/ruleset.go`` (the checks),
``instructions/parse.go`` (checks run while instructions are parsed),
``dockerfile2llb/convert.go`` and ``validations.go`` (checks run while stages are dispatched),
and the cases of ``frontend/dockerfile/dockerfile_check_test.go``. Where BuildKit reports a
whole instruction, the finding here marks the offending token (the stage name, the ``as``
word, the variable name, the flag, the port...), so the editor points at what to change.

Three places where BuildKit knows more than a file does, and what is done about it:

* **Base-image facts.** BuildKit pulls each base image's config: its ENV (for UndefinedVar and
  for the values of ``$VAR`` in WORKDIR, COPY, EXPOSE), its SHELL (JSONArgsRecommended) and its
  platform (InvalidBaseImagePlatform). Offline, the environment of ``scratch`` and of the
  images known to set nothing but ``PATH`` (alpine, busybox, debian, ubuntu) is known; for
  any other image an undefined name may come from the image, so UndefinedVar reports it only
  when the file itself gives it away: it is a predefined platform ARG, or, unless it is a
  variable images commonly set (the knowledge base's ``env`` entries), it is declared
  somewhere in the file (a global ARG not re-declared, an ARG declared further down) or it is
  within two edits of a defined name. A value that depends on an unknown image variable is
  treated as unknown, and the checks that need it (WORKDIR, EXPOSE, COPY sources) stay silent.
* **InvalidBaseImagePlatform** needs the platform of the pulled image. It is decidable offline
  only when ``FROM --platform=<constant>`` contradicts a platform that is also fixed in the
  file: a base *stage* pinned to another platform (BuildKit then silently builds on the base
  stage's platform and ignores the flag), or a Docker Hub per-architecture repository
  (``arm64v8/alpine``, ``amd64/debian`` ...), which holds a single platform. Without a constant
  ``--platform`` the expected platform is the build's target, which a file does not know.
* **Build arguments and the build machine.** ``--build-arg`` values are not known; checks use
  the ARG defaults, as BuildKit's linter does for InvalidDefaultArgInFrom. The predefined
  platform ARGs take the values of a ``linux/amd64`` build.

BuildKit stops at the first error in a file and then skips the checks that run later; here
every check runs on whatever the file holds, so an editor shows all problems at once.
Suppression (``# check=skip=...``) is the engine's job; each finding carries the line of its
instruction for it.
"""

from __future__ import annotations

import bisect
import json
import re
import warnings
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import attrs

from ..analysis.images import parse_image
from ..analysis.scopes import PLATFORM_ARGS
from ..syntax import Dockerfile, Flag, Instruction, KeyValue, VarRef, Word
from ..syntax.parser import KNOWN_INSTRUCTIONS
from ..syntax.text import is_go_space
from ..syntax.variables import find_variables
from ..syntax.words import parse_words
from .context import computed_once, knowledge_of
from .model import Edit, Finding, Fix
from .registry import rule

FAMILY = "buildkit"
SEVERITY = "warning"

# ---------------------------------------------------------------------------------------------
# Facts BuildKit works with
# ---------------------------------------------------------------------------------------------

# The values BuildKit's defaultArgs gives the predefined platform ARGs on a linux/amd64 build.
_PLATFORM_DEFAULTS: dict[str, str] = {
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDOSVERSION": "",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETOSVERSION": "",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
}
# ARGs BuildKit never puts into the environment (and never reports as undefined).
_NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})
# BuildKit adds PATH to every non-Windows stage that lacks it (system.DefaultPathEnv).
_DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Docker Hub images whose config sets no environment besides PATH.
_PATH_ONLY_IMAGES = frozenset({"alpine", "busybox", "debian", "ubuntu"})
_RESERVED_STAGE_NAMES = {
    "context": "it names the build context",
    "scratch": "it names the empty base image",
}
_VALID_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")

# validations.go getSecretsRegex: a secret word as the whole name or as a '_'-separated part.
_SECRET_RE = re.compile(
    r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
    re.IGNORECASE,
)
_SECRET_ALLOW_RE = re.compile(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)

# Docker Hub per-architecture repositories: each holds images of a single platform.
_ARCH_NAMESPACES: dict[str, tuple[str, str]] = {
    "amd64": ("linux", "amd64"),
    "arm32v5": ("linux", "arm"),
    "arm32v6": ("linux", "arm"),
    "arm32v7": ("linux", "arm"),
    "arm64v8": ("linux", "arm64"),
    "i386": ("linux", "386"),
    "mips64le": ("linux", "mips64le"),
    "ppc64le": ("linux", "ppc64le"),
    "riscv64": ("linux", "riscv64"),
    "s390x": ("linux", "s390x"),
    "winamd64": ("windows", "amd64"),
}

# Words that, first in a shell-form command, are shell builtins or keywords: without the
# shell, exec form cannot run them.
_SHELL_ONLY_WORDS = frozenset(
    "alias bg cd command eval exec exit export fc fg getopts hash jobs local read readonly "
    "return set shift source times trap type ulimit umask unalias unset wait . : if then else "
    "elif fi case esac for while until do done function select time [[ ]] { } !".split()
)
# Characters that keep their literal meaning in every position of a POSIX shell word.
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _finding(name: str, message: str, start: int, end: int, ins: Optional[Instruction],
             fix: Optional[Fix] = None, *, unnecessary: bool = False,
             deprecated: bool = False) -> Finding:
    """A finding of this family, tied to its instruction's line (where ``# check=`` applies)."""
    top = ins
    while top is not None and top.parent is not None:
        top = top.parent
    return Finding(
        name, message, start, max(start, end), SEVERITY,
        unnecessary=unnecessary, deprecated=deprecated, fix=fix,
        instruction_line=top.line if top is not None else -1,
    )


def _levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance of ``a`` and ``b`` (unit costs), or ``limit`` when it is at least that."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)


def _suggest(name: str, options: Iterable[str]) -> str:
    """BuildKit's suggest.Search (case-sensitive): the closest option at distance 1 or 2.

    An exact match means the problem is elsewhere, so there is nothing to suggest.
    """
    match = ""
    best = 3
    for option in options:
        if option == name:
            return ""
        distance = _levenshtein(name, option, best)
        if distance < best:
            match, best = option, distance
    return match


def _has_inner_comment(tree: Dockerfile, ins: Instruction) -> bool:
    """True when comment lines sit inside the instruction (rewriting it would drop them)."""
    if ins.end_line == ins.line:
        return False
    comments = tree.comments  # in file order
    index = bisect.bisect_right(comments, ins.start, key=lambda c: c.start)
    return index < len(comments) and comments[index].start < ins.end


def _keyword_casing(ins: Instruction, keyword: str) -> str:
    """``keyword`` written in the casing of ``ins``'s own keyword (lower stays lower)."""
    return keyword.lower() if ins.keyword == ins.keyword.lower() else keyword.upper()


# ---------------------------------------------------------------------------------------------
# BuildKit's word expansion (frontend/dockerfile/shell/lex.go), with unknown values
# ---------------------------------------------------------------------------------------------

SET, UNSET, MAYBE = 0, 1, 2  # a lookup's answer: set (value may be unknown), unset, cannot tell
Lookup = Callable[[str], "tuple[int, Optional[str]]"]


class _LexError(Exception):
    """The word is malformed (BuildKit fails the build on it)."""


@attrs.define(slots=True)
class _Expansion:
    """The result of expanding one word, and the names it looked up."""

    value: Optional[str]  # None: depends on a value that cannot be known offline, or malformed
    matched: dict[str, None]  # names found (insertion-ordered set)
    unmatched: dict[str, None]  # names not found in the known environment
    error: bool = False


class _Lexer:
    """ProcessWord of BuildKit's shell lexer: quotes, escapes and ``$`` substitutions.

    Each name looked up is recorded as matched or unmatched exactly as BuildKit records it
    (a name behind a ``:-`` default is still looked up). A lookup that cannot be answered
    offline makes the value unknown instead of guessing it.
    """

    __slots__ = ("text", "n", "pos", "lookup", "escape", "quotes", "matched", "unmatched", "unknown")

    def __init__(self, text: str, lookup: Lookup, escape: str, quotes: bool = True):
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.lookup = lookup
        self.escape = escape
        self.quotes = quotes
        self.matched: dict[str, None] = {}
        self.unmatched: dict[str, None] = {}
        self.unknown = False

    def run(self) -> _Expansion:
        try:
            out = self._until("", False)
        except _LexError:
            return _Expansion(None, self.matched, self.unmatched, True)
        return _Expansion(None if self.unknown else out, self.matched, self.unmatched)

    def _until(self, stop: str, raw: bool) -> str:
        text, n, escape = self.text, self.n, self.escape
        special = _special_chars(escape, stop, self.quotes)
        out: list[str] = []
        while self.pos < n:
            found = special.search(text, self.pos)
            if found is None:
                out.append(text[self.pos :])
                self.pos = n
                break
            if found.start() > self.pos:
                out.append(text[self.pos : found.start()])
                self.pos = found.start()
            ch = text[self.pos]
            if stop and ch == stop:
                self.pos += 1
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
            elif self.quotes and ch == "'":
                out.append(self._single())
            elif self.quotes and ch == '"':
                out.append(self._double())
            else:
                self.pos += 1
                if ch == escape:
                    if raw:
                        out.append(ch)
                    if self.pos >= n:
                        break
                    ch = text[self.pos]
                    self.pos += 1
                out.append(ch)
        if stop:
            raise _LexError(stop)
        return "".join(out)

    def _single(self) -> str:
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise _LexError("'")
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def _double(self) -> str:
        text, n, escape = self.text, self.n, self.escape
        self.pos += 1
        out: list[str] = []
        while True:
            if self.pos >= n:
                raise _LexError('"')
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
                continue
            self.pos += 1
            if ch == escape:
                if self.pos >= n:
                    continue
                following = text[self.pos]
                if following in ('"', "$", escape):
                    ch = following
                    self.pos += 1
            out.append(ch)

    def _name(self) -> str:
        text, n = self.text, self.n
        start = self.pos
        if start < n and text[start].isdigit():
            while self.pos < n and text[self.pos].isdigit():
                self.pos += 1
            return text[start : self.pos]
        if start < n and text[start] in "@*#?-$!0":
            self.pos += 1
            return text[start]
        while self.pos < n and (text[self.pos].isalnum() or text[self.pos] == "_"):
            self.pos += 1
        return text[start : self.pos]

    def _get(self, name: str) -> tuple[int, Optional[str]]:
        state, value = self.lookup(name)
        if state == SET:
            self.matched[name] = None
        else:
            self.unmatched[name] = None
        return state, value

    def _plain(self, name: str) -> str:
        state, value = self._get(name)
        if state == MAYBE or (state == SET and value is None):
            self.unknown = True
            return ""
        return value or ""

    def _dollar(self) -> str:
        text, n = self.text, self.n
        self.pos += 1
        if self.pos >= n or text[self.pos] != "{":
            name = self._name()
            return self._plain(name) if name else "$"
        self.pos += 1
        if self.pos >= n or text[self.pos] in "{}:":
            raise _LexError("bad substitution")
        name = self._name()
        if self.pos >= n:
            raise _LexError("missing }")
        ch = text[self.pos]
        self.pos += 1
        if ch == "}":
            return self._plain(name)
        null_is_unset = False
        if ch == ":":
            null_is_unset = True
            if self.pos >= n:
                raise _LexError("missing }")
            ch = text[self.pos]
            self.pos += 1
        if null_is_unset or ch in "+-?#%":
            raw = ch in "#%"
            if null_is_unset and raw:
                raise _LexError("unsupported modifier")
            word = self._until("}", raw)
            state, value = self._get(name)
            if ch not in "+-?#%":
                raise _LexError("unsupported modifier")
            if state == MAYBE or (state == SET and value is None):
                self.unknown = True
                return ""
            is_set = state == SET
            empty = null_is_unset and not value
            if ch == "-":
                return word if not is_set or empty else (value or "")
            if ch == "+":
                return "" if not is_set or empty else word
            if ch == "?":
                if not is_set or empty:
                    raise _LexError("unset")
                return value or ""
            greedy = word.startswith(ch)
            if greedy:
                word = word[1:]
            return _trim(value or "", word, suffix=ch == "%", greedy=greedy)
        if ch == "/":
            replace_all = self.pos < n and text[self.pos] == "/"
            if replace_all:
                self.pos += 1
            pattern = self._until("/", True)
            replacement = self._until("}", True)
            state, value = self._get(name)
            if state == MAYBE or (state == SET and value is None):
                self.unknown = True
                return ""
            regex = _shell_pattern(pattern, greedy=True)
            if regex is None:
                raise _LexError("invalid pattern")
            return regex.sub(lambda _m: replacement, value or "", count=0 if replace_all else 1)
        raise _LexError("unsupported modifier")


_SPECIALS: dict[tuple[str, str, bool], re.Pattern[str]] = {}


def _special_chars(escape: str, stop: str, quotes: bool) -> re.Pattern[str]:
    """The characters the lexer must look at (everything else is copied as it is)."""
    key = (escape, stop, quotes)
    found = _SPECIALS.get(key)
    if found is None:
        chars = "$" + escape + stop + ("'\"" if quotes else "")
        found = _SPECIALS[key] = re.compile("[" + re.escape(chars) + "]")
    return found


def _shell_pattern(pattern: str, greedy: bool) -> Optional[re.Pattern[str]]:
    """A shell wildcard pattern (``*``, ``?``, ``[...]``, ``\\x``) as a regular expression."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            out.append(".*" if greedy else ".*?")
        elif ch == "?":
            out.append(".")
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif ch == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:
        return None


def _trim(value: str, pattern: str, suffix: bool, greedy: bool) -> str:
    """``${v#p}``, ``${v##p}``, ``${v%p}``, ``${v%%p}`` on a known value."""
    regex = _shell_pattern(pattern, greedy=True)
    if regex is None:
        return value
    cuts = range(len(value) + 1)
    if suffix:
        order = cuts if greedy else reversed(cuts)
        for cut in order:
            if regex.fullmatch(value[cut:]):
                return value[:cut]
    else:
        order = reversed(cuts) if greedy else cuts
        for cut in order:
            if regex.fullmatch(value[:cut]):
                return value[cut:]
    return value


_LEXER_CHARS = re.compile(r"[$'\"\\`]")  # a word without these expands to itself


def _expand(text: str, lookup: Lookup, escape: str, quotes: bool = True) -> _Expansion:
    """BuildKit's ProcessWord of ``text`` (``quotes=False``: the raw mode of heredoc bodies)."""
    if _LEXER_CHARS.search(text) is None:
        return _Expansion(text, {}, {})
    return _Lexer(text, lookup, escape, quotes).run()


# ---------------------------------------------------------------------------------------------
# Platforms (containerd/platforms Parse + Normalize) and image references
# ---------------------------------------------------------------------------------------------

_KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 "
    "solaris wasip1 windows zos".split()
)
_KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle mips64 "
    "mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
_ARCH_ALIASES = {
    "i386": ("386", ""), "x86_64": ("amd64", ""), "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""), "armhf": ("arm", "v7"), "armel": ("arm", "v6"),
}
_PLATFORM_PART = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _normalize_arch(arch: str, variant: str) -> tuple[str, str]:
    arch, variant = arch.lower(), variant.lower()
    if arch in _ARCH_ALIASES:
        alias_arch, alias_variant = _ARCH_ALIASES[arch]
        return alias_arch, variant or alias_variant
    if arch == "arm64" and variant in ("8", "v8"):
        return arch, "v8"
    if arch == "arm" and variant in ("", "7"):
        return arch, "v7" if variant else variant
    return arch, variant


def _parse_platform(spec: str) -> Optional[tuple[str, str, str]]:
    """``os/arch[/variant]`` as containerd parses it; None when BuildKit would refuse it."""
    text = spec
    if "(" in text:
        before, _, rest = text.partition("(")
        _, close, after = rest.partition(")")
        if not close:
            return None
        text = before + after
    parts = text.split("/")
    if not parts or any(not _PLATFORM_PART.match(p) for p in parts):
        return None
    if len(parts) == 1:
        word = parts[0].lower()
        if word in _KNOWN_OS or word == "macos":
            return ("darwin" if word == "macos" else word), "amd64", ""
        arch, variant = _normalize_arch(word, "")
        if arch in _KNOWN_ARCH:
            return "linux", arch, variant
        return None
    if len(parts) > 3:
        return None
    os_name = parts[0].lower()
    os_name = "darwin" if os_name == "macos" else os_name
    arch, variant = _normalize_arch(parts[1], parts[2] if len(parts) == 3 else "")
    return os_name, arch, variant


_REF_ALNUM = r"[a-z0-9]+"
_REF_SEP = r"(?:[._]|__|[-]+)"
_REF_PATH = _REF_ALNUM + r"(?:" + _REF_SEP + _REF_ALNUM + r")*"
_REF_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_REF_DOMAIN = (r"(?:" + _REF_DOMAIN_PART + r"(?:\." + _REF_DOMAIN_PART + r")*|\[(?:[a-fA-F0-9:]+)\])"
               r"(?::[0-9]+)?")
_REFERENCE = re.compile(
    r"^((?:" + _REF_DOMAIN + r"/)?" + _REF_PATH + r"(?:/" + _REF_PATH + r")*)"
    r"(?::([\w][\w.-]{0,127}))?"
    r"(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
    re.ASCII,
)
_NAME_ONLY = re.compile(r"^(?:(" + _REF_DOMAIN + r")/)?(" + _REF_PATH + r"(?:/" + _REF_PATH + r")*)$", re.ASCII)
_DIGEST_SIZES = {"sha256": 64, "sha384": 96, "sha512": 128}


def _valid_reference(ref: str) -> bool:
    """Whether distribution/reference.ParseNormalizedNamed accepts ``ref`` (a FROM image)."""
    if re.fullmatch(r"[a-f0-9]{64}", ref):
        return False
    first, slash, rest = ref.partition("/")
    if not slash:
        domain, remainder = "docker.io", "library/" + ref
    elif first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        domain, remainder = first, rest
    else:
        domain, remainder = "docker.io", ref
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in remainder:
        remainder = "library/" + remainder
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return False
    match = _REFERENCE.match(domain + "/" + remainder)
    if match is None:
        return False
    name_match = _NAME_ONLY.match(match.group(1))
    path = name_match.group(2) if name_match else match.group(1)
    if len(path) > 255:
        return False
    digest = match.group(3)
    if digest:
        algorithm, _, encoded = digest.partition(":")
        size = _DIGEST_SIZES.get(algorithm)
        if size is None or len(encoded) != size or not re.fullmatch(r"[a-f0-9]+", encoded):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# .dockerignore (moby/patternmatcher and its ignorefile reader)
# ---------------------------------------------------------------------------------------------


def _go_clean(path: str) -> str:
    """Go's path.Clean: the shortest equivalent slash path."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(segment)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def _go_dir(path: str) -> str:
    """Go's filepath.Dir."""
    index = path.rfind("/")
    return _go_clean(path[: index + 1])


def _valid_match_pattern(pattern: str) -> bool:
    """Whether Go's filepath.Match accepts ``pattern`` (checked on the whole pattern)."""
    i, n = 0, len(pattern)

    def escaped_char(at: int) -> int:
        """Index after one class character at ``at``, or -1 when malformed."""
        if at >= n or pattern[at] in "-]":
            return -1
        if pattern[at] == "\\":
            at += 1
            if at >= n:
                return -1
        return at + 1

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return False
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            ranges = 0
            while True:
                if i < n and pattern[i] == "]" and ranges > 0:
                    i += 1
                    break
                lo_at = i
                i = escaped_char(i)
                if i < 0:
                    return False
                if i < n and pattern[i] == "-":
                    hi_at = i + 1
                    i = escaped_char(i + 1)
                    if i < 0:
                        return False
                    lo = pattern[lo_at + 1] if pattern[lo_at] == "\\" else pattern[lo_at]
                    hi = pattern[hi_at + 1] if pattern[hi_at] == "\\" else pattern[hi_at]
                    if hi < lo:
                        return False
                ranges += 1
            continue
        i += 1
    return True


@attrs.define(slots=True)
class _IgnorePattern:
    text: str  # the cleaned pattern
    kind: str  # "exact", "prefix", "suffix", "regexp"
    regex: Optional[re.Pattern[str]]

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix[:1] == "/" and path == suffix[1:]
        return self.regex is not None and self.regex.match(path) is not None


def _compile_ignore(pattern: str) -> Optional[_IgnorePattern]:
    """patternmatcher's Pattern.compile for a ``/`` separator (None: BuildKit rejects it)."""
    reg = ["^"]
    kind = "exact"
    i, n = 0, len(pattern)
    first = True
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        reg.append(".*")
                        kind = "regexp"
                else:
                    reg.append("(.*/)?")
                    kind = "regexp"
                if first:
                    kind = "suffix"
            else:
                reg.append("[^/]*")
                kind = "regexp"
        elif ch == "?":
            reg.append("[^/]")
            kind = "regexp"
        elif ch in ".+()|{}$":
            reg.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                reg.append("\\" + pattern[i])
                i += 1
                kind = "regexp"
            else:
                reg.append("\\\\")
        elif ch in "[]":
            reg.append(ch)
            kind = "regexp"
        else:
            reg.append(ch)
        first = False
    regex = None
    if kind == "regexp":
        reg.append("$")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                regex = re.compile("".join(reg), re.DOTALL)
        except re.error:
            return None
    return _IgnorePattern(pattern, kind, regex)


@attrs.define(slots=True)
class _IgnoreMatcher:
    """The patterns of a ``.dockerignore`` file, as BuildKit's CopyIgnoredFile uses them."""

    source: str  # the file's name, for messages
    patterns: list[_IgnorePattern]
    exclusions: bool

    def root_ignored(self) -> bool:
        """copySourceRootIgnored: a pattern that excludes every entry of the context root."""
        return any(p.text in ("*", "**", "**/*") for p in self.patterns)

    def matching(self, path: str) -> Optional[_IgnorePattern]:
        """The pattern that excludes ``path`` or one of its parents (MatchesOrParentMatches)."""
        parent = _go_dir(path)
        parents = parent.split("/") if parent != "." else []
        for pattern in self.patterns:
            if pattern.match(path):
                return pattern
            for i in range(len(parents)):
                if pattern.match("/".join(parents[: i + 1])):
                    return pattern
        return None


def _read_ignore_patterns(data: bytes) -> list[str]:
    """ignorefile.ReadAll: comments and blank lines dropped, paths cleaned, leading / removed."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    out: list[str] = []
    for line in text.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = _go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        out.append("!" + pattern if invert else pattern)
    return out


def _load_ignore(dockerfile: Optional[Path]) -> Optional[_IgnoreMatcher]:
    """The matcher of the ignore file BuildKit would read for ``dockerfile`` (None: none/invalid).

    ``<Dockerfile name>.dockerignore`` beside the Dockerfile wins over ``.dockerignore``.
    """
    if dockerfile is None:
        return None
    data = None
    source = ""
    for candidate in (dockerfile.parent / (dockerfile.name + ".dockerignore"),
                      dockerfile.parent / ".dockerignore"):
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        source = candidate.name
        break
    if data is None:
        return None
    patterns: list[_IgnorePattern] = []
    exclusions = False
    for raw in _read_ignore_patterns(data):
        pattern = _go_clean(raw.strip())
        if pattern.startswith("!"):
            if len(pattern) == 1:
                return None
            exclusions = True
            pattern = pattern[1:]
        if not _valid_match_pattern(pattern):
            return None
        compiled = _compile_ignore(pattern)
        if compiled is None:
            return None
        patterns.append(compiled)
    if not patterns:
        return None
    return _IgnoreMatcher(source, patterns, exclusions)


# ---------------------------------------------------------------------------------------------
# The file model shared by the rules (computed once per analysis)
# ---------------------------------------------------------------------------------------------


@attrs.define(eq=False)
class _StageInfo:
    """One stage as BuildKit resolves it."""

    index: int
    instruction: Instruction
    words: list[Word]
    name_word: Optional[Word]  # the word after AS (FROM x AS name)
    name: str  # BuildKit's stage name: lower-cased, "" when unnamed
    image: Optional[Word]
    base_name: Optional[str]  # the base after global-ARG expansion (None: unknown)
    base_index: Optional[int]  # the earlier stage it builds on
    platform: Optional[Flag]
    platform_value: Optional[str]  # the --platform value after expansion (None: unknown/absent)


@attrs.define(eq=False)
class _Model:
    escape: str
    global_env: dict[str, str]  # predefined platform ARGs and global ARGs with a value
    global_declared: dict[str, None]  # every ARG key before the first FROM (ordered set)
    meta_ok: bool  # the global ARG defaults expand without error
    declared: set[str]  # every ARG and ENV key anywhere in the file
    stages: list[_StageInfo]
    dispatch: Optional[dict[str, list[Finding]]] = None

    def global_lookup(self, name: str) -> tuple[int, Optional[str]]:
        if name in self.global_env:
            return SET, self.global_env[name]
        return UNSET, None

    def from_arg_names(self) -> list[str]:
        """Names FROM may use: declared global ARGs, then the predefined ones."""
        names = list(self.global_declared)
        names.extend(k for k in self.global_env if k not in self.global_declared)
        return names


def _model(analysis) -> _Model:
    return computed_once(analysis, "rules.buildkit", lambda: _build_model(analysis))


def _build_model(analysis) -> _Model:
    tree: Dockerfile = analysis.tree
    escape = tree.escape
    stages = analysis.stages
    names: list[tuple[Optional[Word], str]] = []
    for stage in stages:
        words = stage.instruction.words
        if len(words) == 3 and words[1].text.lower() == "as":
            names.append((words[2], words[2].text.lower()))
        else:
            names.append((None, ""))
    target = names[-1][1] if names and names[-1][1] else "default"
    global_env = dict(_PLATFORM_DEFAULTS)
    global_env["TARGETSTAGE"] = target
    model = _Model(escape, global_env, {}, True, set(), [])
    for ins in analysis.preamble:
        if ins.name != "ARG":
            continue
        for pair in ins.pairs:
            model.global_declared[pair.key] = None
            if pair.value is not None:
                expanded = _expand(pair.value, model.global_lookup, escape)
                if expanded.error:
                    model.meta_ok = False
                global_env[pair.key] = expanded.value or ""
    for ins in tree.instructions:
        if ins.name in ("ARG", "ENV"):
            model.declared.update(p.key for p in ins.pairs)
    by_name: dict[str, int] = {}
    for stage, (name_word, name) in zip(stages, names):
        base_name = None
        if stage.image is not None:
            expanded = _expand(stage.image.text, model.global_lookup, escape)
            base_name = None if expanded.error else expanded.value
        platform = stage.instruction.flag("platform")
        platform_value = None
        if platform is not None and platform.value is not None:
            expanded = _expand(platform.value, model.global_lookup, escape)
            platform_value = None if expanded.error or expanded.matched or expanded.unmatched else expanded.value
        base_index = by_name.get(base_name) if base_name is not None else None
        model.stages.append(_StageInfo(stage.index, stage.instruction, stage.instruction.words, name_word,
                                       name, stage.image, base_name, base_index, platform, platform_value))
        if name:
            by_name[name] = stage.index
    return model


# ---------------------------------------------------------------------------------------------
# Dispatch: one pass over the stages, as BuildKit's dispatch does it
# ---------------------------------------------------------------------------------------------


@attrs.define(eq=False)
class _StageState:
    """What BuildKit's dispatch state holds while a stage is dispatched."""

    env: dict[str, Optional[str]]  # the known environment (None: value unknown)
    build_args: set[str]  # ARG names declared in the stage (and its base stages)
    env_known: bool  # the base image's environment is known (scratch, PATH-only images)
    windows: Optional[bool]  # the stage's OS is Windows (None: cannot tell)
    workdir_set: bool = False
    shell_set: bool = False

    def lookup(self, name: str) -> tuple[int, Optional[str]]:
        if name in self.env:
            return SET, self.env[name]
        return (UNSET, None) if self.env_known else (MAYBE, None)

    def child(self) -> "_StageState":
        """A stage built FROM this one inherits its environment, ARGs, WORKDIR and SHELL."""
        return _StageState(dict(self.env), set(self.build_args), self.env_known, self.windows,
                           self.workdir_set, self.shell_set)


def _stage_os(info: _StageInfo) -> Optional[bool]:
    """True for a Windows stage, False for Linux, None when the file does not say."""
    if info.platform_value is not None:
        parsed = _parse_platform(info.platform_value)
        if parsed is not None:
            return parsed[0] == "windows"
    base = (info.base_name or "").lower()
    if any(word in base for word in ("windows", "nanoserver", "servercore")):
        return True
    if base == "scratch":
        return False
    ref = parse_image(base) if base else None
    if ref is not None and not ref.registry and ref.repository in _PATH_ONLY_IMAGES:
        return False
    return None


def _fresh_state(info: _StageInfo) -> _StageState:
    windows = _stage_os(info)
    base = info.base_name
    env_known = False
    if base == "scratch":
        env_known = True
    elif base:
        ref = parse_image(base)
        env_known = ref is not None and not ref.registry and ref.repository in _PATH_ONLY_IMAGES
    env: dict[str, Optional[str]] = {}
    if windows is not True:
        env["PATH"] = _DEFAULT_PATH if env_known else None
    return _StageState(env, set(), env_known, windows)


class _Dispatcher:
    """Walks every stage once and collects the findings of the dispatch-time checks."""

    def __init__(self, analysis, model: _Model):
        self.analysis = analysis
        self.text: str = analysis.text
        self.tree: Dockerfile = analysis.tree
        self.model = model
        self.escape = model.escape
        self.out: dict[str, list[Finding]] = {name: [] for name in _DISPATCH_RULES}
        self._ignore: Optional[_IgnoreMatcher] = None
        self._ignore_loaded = False
        self._kb_env: Optional[frozenset[str]] = None

    # -- the walk ---------------------------------------------------------------------------
    def run(self) -> dict[str, list[Finding]]:
        states: list[_StageState] = []
        for info in self.model.stages:
            if info.base_index is not None and info.base_index < len(states):
                state = states[info.base_index].child()
            else:
                state = _fresh_state(info)
            trackers: dict[str, Instruction] = {}
            stage = self.analysis.stages[info.index]
            for ins in stage.instructions[1:]:
                self._instruction(ins, state, trackers)
            states.append(state)
        return self.out

    def _instruction(self, ins: Instruction, st: _StageState, trackers: dict[str, Instruction]) -> None:
        name = ins.name
        if name == "ENV":
            self._env(ins, st)
        elif name == "LABEL":
            self._label(ins, st)
        elif name == "ARG":
            self._arg(ins, st)
        elif name in ("COPY", "ADD"):
            self._copy(ins, st)
        elif name == "WORKDIR":
            self._workdir(ins, st)
        elif name in ("USER", "STOPSIGNAL", "VOLUME"):
            for word in ins.words:
                self._word(ins, st, word.text if ins.form == "exec" else word.raw or word.text, word.start, word.end)
        elif name == "RUN":
            for flag in ins.flags:
                if flag.name.lower() == "mount" and flag.value is not None:
                    self._word(ins, st, flag.value, flag.value_start, flag.value_end)
        elif name in ("CMD", "ENTRYPOINT"):
            self._used_once(ins, trackers)
            if ins.form != "exec" and not st.shell_set:  # shell form (an empty CMD too)
                self._json_args(ins, st)
        elif name == "HEALTHCHECK":
            self._used_once(ins, trackers)
        elif name == "SHELL":
            if ins.form == "exec":
                st.shell_set = True
        elif name == "EXPOSE":
            self._expose(ins, st)

    # -- UndefinedVar -----------------------------------------------------------------------
    def _word(self, ins: Instruction, st: _StageState, text: str, start: int, end: int,
              quotes: bool = True) -> _Expansion:
        """Expand one word as BuildKit's dispatch does and report its undefined names."""
        escape = self.escape if quotes else "\\"
        expanded = _expand(text, st.lookup, escape, quotes)
        if expanded.unmatched:
            self._undefined(ins, st, expanded, start, end, quotes)
        return expanded

    def _undefined(self, ins: Instruction, st: _StageState, expanded: _Expansion, start: int, end: int,
                   quotes: bool) -> None:
        """Report the names BuildKit would: not in the environment and not a declared ARG."""
        refs: Optional[list[VarRef]] = None
        for name in expanded.unmatched:
            if name in st.build_args or name in _NON_ENV_ARGS:
                continue
            suggestion = _suggest(name, st.env)
            if not st.env_known and not self._surely_undefined(name, suggestion):
                continue
            if refs is None:
                refs = self._refs(ins, start, end, quotes)
            ref = next((r for r in refs if r.name == name), None)
            r_start, r_end = (ref.name_start, ref.name_end) if ref is not None else (start, end)
            self.out["UndefinedVar"].append(self._undefined_finding(ins, name, suggestion, r_start, r_end))

    def _surely_undefined(self, name: str, suggestion: str) -> bool:
        """For a stage whose base image environment is unknown: is the name undefined anyway?

        Platform ARGs are never set by images. Otherwise a name the knowledge base documents
        as an environment variable (images commonly set those) gets the benefit of the doubt,
        and any other name is reported when the file declares it elsewhere (a global ARG not
        re-declared, a declaration further down) or when it is a near miss of a defined name.
        """
        if name in PLATFORM_ARGS:
            return True
        if name in self._image_env_names():
            return False
        return name in self.model.declared or bool(suggestion)

    def _image_env_names(self) -> frozenset[str]:
        """Variables the knowledge base documents (images commonly set them)."""
        if self._kb_env is None:
            try:
                entries = knowledge_of(self.analysis).all_of("env")
            except Exception:  # a broken knowledge pack must not stop the check
                entries = []
            self._kb_env = frozenset(e.name for e in entries)
        return self._kb_env

    def _refs(self, ins: Instruction, start: int, end: int, quotes: bool) -> list[VarRef]:
        """The variable references inside ``[start, end)`` of the instruction."""
        if not quotes:
            # heredoc bodies expand without quote processing: scan with quotes made inert
            body = self.text[start:end].replace("'", "\x00").replace('"', "\x00")
            return find_variables(body, "\\", start)
        return [r for r in ins.variables if start <= r.start < end]

    def _undefined_finding(self, ins: Instruction, name: str, suggestion: str, start: int, end: int) -> Finding:
        model = self.model
        fix = None
        if name in model.global_declared or (name in PLATFORM_ARGS and name in model.global_env):
            scope = "a global ARG" if name in model.global_declared else "a predefined platform ARG"
            message = (f"Variable '${name}' is not defined here: it is {scope}, and global ARGs are not "
                       f"visible inside a stage until the stage declares them. Add `ARG {name}` to this "
                       f"stage before this instruction.")
            line_start = self.text.rfind("\n", 0, ins.start) + 1
            indent = self.text[line_start:ins.start]
            if indent.strip() == "":
                fix = Fix(f"Declare ARG {name} in this stage",
                          [Edit(line_start, line_start, f"{indent}{_keyword_casing(ins, 'ARG')} {name}\n")],
                          preferred=True, safe=False)
        elif suggestion:
            message = (f"Variable '${name}' is not defined at this point (did you mean ${suggestion}?). "
                       f"Fix the name, or declare it with ARG or ENV before this instruction.")
            fix = Fix(f"Change to ${suggestion}", [Edit(start, end, suggestion)], preferred=False, safe=False)
        else:
            message = (f"Variable '${name}' is not defined at this point and expands to an empty string. "
                       f"Declare it with ARG or ENV before this instruction, or fix the name.")
        return _finding("UndefinedVar", message, start, end, ins, fix)

    # -- instructions -----------------------------------------------------------------------
    def _env(self, ins: Instruction, st: _StageState) -> None:
        updates: list[tuple[str, Optional[str]]] = []
        for pair in ins.pairs:
            key = self._word(ins, st, pair.key, pair.key_start, pair.key_end)
            value: Optional[str] = ""
            if pair.value is not None:
                value = self._word(ins, st, pair.value, pair.value_start, pair.value_end).value
            key_text = key.value if key.value is not None else pair.key
            updates.append((key_text, value))
            if pair.legacy and pair.value is not None:  # no value: a syntax error instead
                self._legacy(ins, pair)
            self._secret(ins, pair, key_text)
        for key_text, value in updates:
            st.env[key_text] = value

    def _label(self, ins: Instruction, st: _StageState) -> None:
        for pair in ins.pairs:
            self._word(ins, st, pair.key, pair.key_start, pair.key_end)
            if pair.value is not None:
                self._word(ins, st, pair.value, pair.value_start, pair.value_end)
            if pair.legacy and pair.value is not None:  # no value: a syntax error instead
                self._legacy(ins, pair)

    def _arg(self, ins: Instruction, st: _StageState) -> None:
        for pair in ins.pairs:
            self._secret(ins, pair, pair.key)
            value: Optional[str]
            if pair.value is not None:
                value = self._word(ins, st, pair.value, pair.value_start, pair.value_end).value
            elif pair.key in self.model.global_env:
                value = self.model.global_env[pair.key]
            else:
                st.build_args.add(pair.key)
                continue
            if pair.key not in _NON_ENV_ARGS:
                st.env[pair.key] = value
            st.build_args.add(pair.key)

    def _copy(self, ins: Instruction, st: _StageState) -> None:
        name = ins.name
        wanted = ("chown", "chmod", "checksum") if name == "ADD" else ("chown", "chmod")
        for flag in ins.flags:
            if flag.name.lower() in wanted and flag.value is not None:
                self._word(ins, st, flag.value, flag.value_start, flag.value_end)
        words = ins.words
        heredoc_words = bool(ins.heredocs)
        sources: list[tuple[Word, _Expansion]] = []
        for index, word in enumerate(words):
            if heredoc_words and word.text.startswith("<<"):
                continue
            text = word.text if ins.form == "exec" else word.raw or word.text
            expanded = self._word(ins, st, text, word.start, word.end)
            if index < len(words) - 1:
                sources.append((word, expanded))
        for doc in ins.heredocs:
            if doc.expand and doc.body_end > doc.body_start:
                self._word(ins, st, doc.content, doc.body_start, doc.body_end, quotes=False)
        from_flag = ins.flag("from") if name == "COPY" else None
        if from_flag is not None and from_flag.value:
            return  # sources come from another stage or image, not from the context
        self._ignored_sources(ins, sources)

    def _workdir(self, ins: Instruction, st: _StageState) -> None:
        if not ins.words:
            return
        word = ins.words[0]
        expanded = self._word(ins, st, word.text, word.start, word.end)
        if not st.workdir_set:
            path = expanded.value
            if path is None and not expanded.error and word.text.startswith("/"):
                path = "/"
            if path is not None and not self._is_abs(path, st.windows):
                message = (f"WORKDIR '{path}' is relative and no absolute WORKDIR was set before it in this "
                           f"stage, so where it lands depends on the base image's working directory. Use an "
                           f"absolute path.")
                self.out["WorkdirRelativePath"].append(
                    _finding("WorkdirRelativePath", message, word.start, word.end, ins))
        st.workdir_set = True

    @staticmethod
    def _is_abs(path: str, windows: Optional[bool]) -> bool:
        """system.IsAbs: ``/...`` on Linux; a drive-letter or ``\\`` path counts on Windows.

        For a stage whose OS the file does not say, a Windows-style absolute path is accepted
        rather than reported (it is only wrong on Linux).
        """
        if path.startswith("/"):
            return True
        if windows is False:
            return False
        match = re.match(r"^([A-Za-z]:)?[\\/]", path)
        if match is None:
            return False
        # BuildKit accepts only the system drive (C:) on Windows; unknown OS: do not guess
        return windows is None or not match.group(1) or match.group(1)[0] in "cC"

    def _used_once(self, ins: Instruction, trackers: dict[str, Instruction]) -> None:
        previous = trackers.get(ins.name)
        if previous is not None:
            message = (f"This {ins.name} has no effect: a later {ins.name} in the same stage (line "
                       f"{ins.line + 1}) replaces it. Keep only one {ins.name} per stage.")
            self.out["MultipleInstructionsDisallowed"].append(
                _finding("MultipleInstructionsDisallowed", message, previous.start, previous.end, previous,
                         unnecessary=True))
        trackers[ins.name] = ins

    def _json_args(self, ins: Instruction, st: _StageState) -> None:
        start, end = ins.args_span()
        if end <= start:
            start, end = ins.keyword_start, ins.keyword_end
        message = (f"{ins.name} in shell form runs under '/bin/sh -c', which does not pass stop signals "
                   f"such as SIGTERM on to the program, so it cannot shut down cleanly. Write it in exec "
                   f"form: {ins.name} [\"program\", \"arg\"].")
        fix = self._exec_form_fix(ins, st, start, end)
        self.out["JSONArgsRecommended"].append(_finding("JSONArgsRecommended", message, start, end, ins, fix))

    def _exec_form_fix(self, ins: Instruction, st: _StageState, start: int, end: int) -> Optional[Fix]:
        """Exec form of a shell-form command, only when the shell does nothing to it."""
        if st.windows or _has_inner_comment(self.tree, ins):
            return None
        words = [w for w in re.split(r"[ \t]+", ins.args.strip()) if w]
        if not words or words[0] in _SHELL_ONLY_WORDS or "=" in words[0] or words[0].startswith("-"):
            return None
        if any(not _PLAIN_WORD.match(w) for w in words):
            return None
        if self.escape in ins.args:
            return None
        text = json.dumps(words, ensure_ascii=False)
        return Fix(f"Convert {ins.name} to exec form", [Edit(start, end, text)], preferred=True, safe=False)

    # -- LegacyKeyValueFormat ---------------------------------------------------------------
    def _legacy(self, ins: Instruction, pair: KeyValue) -> None:
        name = ins.name
        message = (f"'{name} {pair.key} value' is the legacy form, which separates key and value with "
                   f"whitespace and allows only one pair: write '{name} {pair.key}=value'.")
        fix = self._legacy_fix(ins, pair)
        self.out["LegacyKeyValueFormat"].append(
            _finding("LegacyKeyValueFormat", message, pair.key_start, pair.key_end, ins, fix))

    def _legacy_fix(self, ins: Instruction, pair: KeyValue) -> Optional[Fix]:
        """``KEY value`` -> ``KEY=value``, quoting the value only where it has to be."""
        if pair.value is None or pair.value_start < pair.key_end:
            return None
        if re.search(r"\n[ \t]*#", self.text[pair.key_end:pair.value_start]):
            return None  # a comment line between key and value would be lost
        value = pair.value
        escape = self.escape
        edits = [Edit(pair.key_end, pair.value_start, "=")]
        words = parse_words(value, escape, 0)
        if len(words) == 1 and words[0][1] == 0 and words[0][2] == len(value):
            pass  # already one word (plain, or quoted as a whole)
        elif '"' not in value and "'" not in value and escape not in value:
            edits.append(Edit(pair.value_start, pair.value_start, '"'))
            edits.append(Edit(pair.value_end, pair.value_end, '"'))
        else:
            v_offset = ins.args_offset + len(ins.args) - len(value)
            for index in _unquoted_spaces(value, escape):
                at = ins.joined.doc(v_offset + index)
                edits.append(Edit(at, at, escape))
        return Fix(f"Use {ins.name} {pair.key}=value", edits, preferred=True, safe=True)

    # -- SecretsUsedInArgOrEnv --------------------------------------------------------------
    def _secret(self, ins: Instruction, pair: KeyValue, key: str) -> None:
        if not _SECRET_RE.search(key) or _SECRET_ALLOW_RE.search(key):
            return
        message = (f"{ins.name} '{key}' looks like it holds a secret. ARG and ENV values are kept in the "
                   f"image's metadata and build history, where anyone with the image can read them: pass "
                   f"secrets with RUN --mount=type=secret instead.")
        self.out["SecretsUsedInArgOrEnv"].append(
            _finding("SecretsUsedInArgOrEnv", message, pair.key_start, pair.key_end, ins))

    # -- EXPOSE -----------------------------------------------------------------------------
    def _expose(self, ins: Instruction, st: _StageState) -> None:
        # BuildKit sorts the ports (as written) and stops at the first invalid one.
        for word in sorted(ins.words, key=lambda w: w.text):
            expanded = _expand(word.text, st.lookup, self.escape)
            if expanded.error:
                return
            if expanded.value is None:
                continue
            literal = expanded.value == word.text
            for port in expanded.value.split():
                if not self._expose_port(ins, word, port, literal):
                    return

    def _expose_port(self, ins: Instruction, word: Word, raw: str, literal: bool) -> bool:
        """Lint one port spec; False when BuildKit would reject it (and stop)."""
        parts = raw.split(":")
        ip, host = "", ""
        if len(parts) == 2:
            host = parts[0]
        elif len(parts) >= 3:
            ip, host = ":".join(parts[:-2]), parts[-2]
        container = parts[-1]
        port, _, proto = container.partition("/")
        if not port or proto.lower() not in ("", "tcp", "udp", "sctp"):
            return False
        if proto != proto.lower():
            fix = None
            if literal and word.end - word.start == len(word.text):
                at = word.start + raw.rfind(":") + 1 + container.index("/") + 1
                fix = Fix(f"Write the protocol as '{proto.lower()}'", [Edit(at, at + len(proto), proto.lower())],
                          preferred=True, safe=True)
            message = (f"Protocol '{proto}' in EXPOSE '{raw}' should be lowercase: write "
                       f"'{port}/{proto.lower()}'.")
            self.out["ExposeProtoCasing"].append(
                _finding("ExposeProtoCasing", message, word.start, word.end, ins, fix))
        if ip or host:
            fix = None
            if literal and word.end - word.start == len(word.text):
                fix = Fix(f"Expose only the container port ({container})", [Edit(word.start, word.end, container)],
                          preferred=True, safe=True)
            message = (f"EXPOSE '{raw}' names an IP address or a host port. EXPOSE only documents the "
                       f"container port ({container}); which host address and port publish it is decided at "
                       f"run time (docker run -p). BuildKit will refuse this form in a future release.")
            self.out["ExposeInvalidFormat"].append(
                _finding("ExposeInvalidFormat", message, word.start, word.end, ins, fix))
        return True

    # -- CopyIgnoredFile --------------------------------------------------------------------
    def _matcher(self) -> Optional[_IgnoreMatcher]:
        if not self._ignore_loaded:
            self._ignore_loaded = True
            path = self.analysis.path
            self._ignore = _load_ignore(Path(path)) if path is not None else None
        return self._ignore

    def _ignored_sources(self, ins: Instruction, sources: list[tuple[Word, _Expansion]]) -> None:
        if not sources:
            return
        matcher = self._matcher()
        if matcher is None or matcher.exclusions:
            return
        verb = "Add" if ins.name == "ADD" else "Copy"
        for word, expanded in sources:
            src = expanded.value
            if src is None or "://" in src or src.startswith("git@"):
                continue
            src = _go_clean(src)
            if src in (".", "/") and not matcher.root_ignored():
                continue
            pattern = matcher.matching(src)
            if pattern is None:
                continue
            message = (f"{verb} source '{src}' is excluded by {matcher.source} (pattern '{pattern.text}'), so "
                       f"it is not part of the build context and {ins.name} cannot find it. Remove it from "
                       f"{matcher.source} or copy another path.")
            self.out["CopyIgnoredFile"].append(_finding("CopyIgnoredFile", message, word.start, word.end, ins))


def _unquoted_spaces(value: str, escape: str) -> list[int]:
    """Indexes of the whitespace characters of ``value`` outside quotes (parseWords' rules)."""
    out: list[int] = []
    quote = ""
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'":
                i += 1
        elif ch in "'\"":
            quote = ch
        elif ch == escape:
            i += 1
        elif is_go_space(ch):
            out.append(i)
        i += 1
    return out


_DISPATCH_RULES = (
    "UndefinedVar", "JSONArgsRecommended", "WorkdirRelativePath", "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat", "SecretsUsedInArgOrEnv", "ExposeProtoCasing", "ExposeInvalidFormat",
    "CopyIgnoredFile",
)


def _dispatch(analysis, name: str) -> list[Finding]:
    """The findings of one dispatch-time check (the walk runs once per analysis)."""
    model = _model(analysis)
    if model.dispatch is None:
        model.dispatch = _Dispatcher(analysis, model).run()
    return [attrs.evolve(f) for f in model.dispatch[name]]


# ---------------------------------------------------------------------------------------------
# Checks made while instructions are parsed (instructions/parse.go)
# ---------------------------------------------------------------------------------------------


@rule("StageNameCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="A stage name (FROM ... AS name) has upper-case letters; BuildKit lowercases stage names.")
def check_stage_name_casing(analysis) -> Iterator[Finding]:
    """``FROM x AS Build``: BuildKit lowercases stage names, so mixed case only misleads."""
    model = _model(analysis)
    for info in model.stages:
        if len(info.words) != 3:
            continue
        word = info.words[2]
        if word.text == word.text.lower():
            continue
        lower = word.text.lower()
        message = (f"Stage name '{word.text}' is not lowercase. BuildKit lowercases stage names, so the "
                   f"stage is really '{lower}': write it that way here and wherever it is referenced.")
        edits = [Edit(word.start, word.end, lower)] + _stage_reference_edits(analysis, model, info, lower)
        fix = Fix(f"Rename the stage to '{lower}'", edits, preferred=True, safe=True)
        yield _finding("StageNameCasing", message, word.start, word.end, info.instruction, fix)


def _stage_reference_edits(analysis, model: _Model, info: _StageInfo, key: str) -> list[Edit]:
    """Edits lowercasing every reference to the stage: FROM, COPY --from, RUN --mount from=."""
    text = analysis.text
    edits: list[Edit] = []
    for other in model.stages:
        if other.index > info.index and other.image is not None and other.image.text.lower() == key \
                and other.image.text != key:
            edits.append(Edit(other.image.start, other.image.end, key))
    for ins in analysis.tree.instructions:
        if ins.name == "COPY":
            flag = ins.flag("from")
            if flag is not None and flag.value is not None and flag.value.lower() == key and flag.value != key \
                    and flag.value_end > flag.value_start:
                raw = text[flag.value_start:flag.value_end]
                if "\n" not in raw:
                    edits.append(Edit(flag.value_start, flag.value_end, raw.lower()))
        elif ins.name == "RUN":
            for flag in ins.flags:
                if flag.name.lower() != "mount" or flag.value_end <= flag.value_start:
                    continue
                raw = text[flag.value_start:flag.value_end]
                if "\n" in raw:
                    continue
                for match in re.finditer(r"(?:^|,)\s*from=([^,]*)", raw, re.IGNORECASE):
                    value = match.group(1)
                    if value.strip("'\"").lower() == key and value.strip("'\"") != key:
                        edits.append(Edit(flag.value_start + match.start(1), flag.value_start + match.end(1),
                                          value.lower()))
    return edits


@rule("FromAsCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="The AS keyword of a FROM line is not written in the same case as FROM.")
def check_from_as_casing(analysis) -> Iterator[Finding]:
    """``FROM x as y``: mixed keyword casing within one line reads as a typo."""
    for info in _model(analysis).stages:
        ins = info.instruction
        if len(info.words) < 3:
            continue
        keyword = ins.keyword
        lower = keyword == keyword.lower()
        if not lower and keyword != keyword.upper():
            continue  # an inconsistent FROM is ConsistentInstructionCasing's business
        word = info.words[1]
        if word.text.lower() != "as":
            # BuildKit lints the second word of any FROM with three or more words, but such a
            # FROM is refused anyway (WrongArgumentCount / FromExpectedAs): only `AS` is meant.
            continue
        wanted = word.text.lower() if lower else word.text.upper()
        if word.text == wanted:
            continue
        message = f"'{word.text}' does not match the casing of '{keyword}': write '{wanted}'."
        fix = Fix(f"Write '{wanted}'", [Edit(word.start, word.end, wanted)], preferred=True, safe=True)
        yield _finding("FromAsCasing", message, word.start, word.end, ins, fix)


@rule("MaintainerDeprecated", family=FAMILY, severity=SEVERITY, fixable=True, aliases=("DL4000",),
      summary="The deprecated MAINTAINER instruction is used.")
def check_maintainer_deprecated(analysis) -> Iterator[Finding]:
    """MAINTAINER is deprecated; the OCI label ``org.opencontainers.image.authors`` replaces it."""
    tree = analysis.tree
    for ins in tree.instructions:
        if ins.name != "MAINTAINER":
            continue
        fix = None
        if ins.args and not _has_inner_comment(tree, ins):
            escape = tree.escape
            value = "".join(escape + ch if ch in ('"', "$", escape) else ch for ch in ins.args)
            label = _keyword_casing(ins, "LABEL")
            fix = Fix("Replace with LABEL org.opencontainers.image.authors",
                      [Edit(ins.keyword_start, ins.end, f'{label} org.opencontainers.image.authors="{value}"')],
                      preferred=True, safe=False)
        message = ("MAINTAINER is deprecated: record the image's author with "
                   "LABEL org.opencontainers.image.authors=\"...\" instead.")
        yield _finding("MaintainerDeprecated", message, ins.keyword_start, ins.keyword_end, ins, fix,
                       deprecated=True)


@rule("InvalidDefinitionDescription", family=FAMILY, severity=SEVERITY, experimental=True,
      summary="The comment right above FROM ... AS or ARG does not start with the stage or argument name.")
def check_invalid_definition_description(analysis) -> Iterator[Finding]:
    """A comment right above FROM ... AS or ARG is its description; it must start with the name."""
    model = _model(analysis)
    names = {info.instruction.start: info for info in model.stages}
    for ins in analysis.tree.instructions:
        if not ins.comments:
            continue
        if ins.name == "FROM":
            info = names.get(ins.start)
            if info is None or not info.name or info.name_word is None:
                continue
            keys = [info.name]
            start, end = info.name_word.start, info.name_word.end
            what = "stage"
        elif ins.name == "ARG":
            if not ins.pairs:
                continue
            keys = [p.key for p in ins.pairs]
            start, end = ins.pairs[0].key_start, ins.pairs[-1].key_end
            what = "argument" if len(keys) == 1 else "arguments"
        else:
            continue
        if ins.comments[-1].split(" ")[0] in keys:
            continue
        example = keys[0] if len(keys) == 1 else "<arg_key>"
        message = (f"The comment right above this {ins.name} is taken as the {what}' description (shown by "
                   f"docker build --call=outline/targets), so it should start with the name: "
                   f"'# {example} <description>'. If it is not a description, separate it with an empty "
                   f"comment line (#).")
        yield _finding("InvalidDefinitionDescription", message, start, end, ins)


# ---------------------------------------------------------------------------------------------
# Checks over the stages (validations.go) and the FROM lines
# ---------------------------------------------------------------------------------------------


@rule("NoEmptyContinuation", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="An empty line sits inside an instruction continued with a backslash.")
def check_no_empty_continuation(analysis) -> Iterator[Finding]:
    """An empty line inside a continued instruction: ignored today, an error in the future."""
    text = analysis.text
    for ins in analysis.tree.instructions:
        lines = ins.empty_continuation_lines
        if not lines:
            continue
        spans = [_line_with_break(text, ins, line) for line in lines]
        spans = [s for s in spans if s is not None]
        if not spans:
            continue
        first_start, first_end = spans[0]
        count = len(spans)
        message = ("Empty line inside a continued instruction" + (f" ({count} of them)" if count > 1 else "")
                   + ": BuildKit skips it today but will treat it as an error in a future release. Remove it.")
        fix = Fix("Remove the empty continuation line" + ("s" if count > 1 else ""),
                  [Edit(s, e, "") for s, e in spans], preferred=True, safe=True)
        yield _finding("NoEmptyContinuation", message, first_start, first_end, ins, fix)


def _line_with_break(text: str, ins: Instruction, line: int) -> Optional[tuple[int, int]]:
    """The span of physical line ``line`` (0-based) with its line break, found from ``ins``."""
    pos = text.rfind("\n", 0, ins.keyword_start) + 1
    for _ in range(line - ins.line):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return None
        pos = nxt + 1
    end = text.find("\n", pos)
    if end < 0:
        return (pos - 1, len(text)) if pos > 0 else (pos, len(text))
    return pos, end + 1


@rule("ConsistentInstructionCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="An instruction keyword is in mixed case, or in a different case from most instructions of the file.")
def check_consistent_instruction_casing(analysis) -> Iterator[Finding]:
    """Keywords in mixed casing, or against the file's majority casing, read as sloppy."""
    instructions = [ins for stage in analysis.stages for ins in stage.instructions
                    if ins.keyword.lower() in KNOWN_INSTRUCTIONS]
    lower = upper = 0
    for ins in instructions:
        keyword = ins.keyword
        if keyword == keyword.lower():
            lower += 1
        elif keyword == keyword.upper():
            upper += 1
    majority_lower = lower > upper
    casing = "lowercase" if majority_lower else "uppercase"
    for ins in instructions:
        keyword = ins.keyword
        wanted = keyword.lower() if majority_lower else keyword.upper()
        if keyword == wanted:
            continue
        message = (f"'{keyword}' is not written like the other instructions of this file, which are mostly "
                   f"{casing}: write '{wanted}'.")
        edits = []
        offset = 0
        for start, end in ins.keyword_pieces():
            edits.append(Edit(start, end, wanted[offset: offset + end - start]))
            offset += end - start
        fix = Fix(f"Write '{wanted}'", edits, preferred=True, safe=True) if offset == len(wanted) else None
        yield _finding("ConsistentInstructionCasing", message, ins.keyword_start, ins.keyword_end, ins, fix)


@rule("DuplicateStageName", family=FAMILY, severity=SEVERITY, aliases=("DL3024",),
      summary="Two stages have the same name (compared case-insensitively).")
def check_duplicate_stage_name(analysis) -> Iterator[Finding]:
    """Two stages with one name (case-insensitively): references can reach only one of them."""
    seen: dict[str, _StageInfo] = {}
    for info in _model(analysis).stages:
        if not info.name or info.name_word is None:
            continue
        first = seen.get(info.name)
        if first is not None:
            message = (f"Stage name '{info.name}' is already used by the stage on line "
                       f"{first.instruction.line + 1}. Stage names must be unique: FROM and COPY --from "
                       f"can only reach one of the two. Rename one of them.")
            word = info.name_word
            yield _finding("DuplicateStageName", message, word.start, word.end, info.instruction)
        else:
            seen[info.name] = info


@rule("ReservedStageName", family=FAMILY, severity=SEVERITY, aliases=("DL3063",),
      summary="A stage is named `scratch` or `context`, names BuildKit reserves.")
def check_reserved_stage_name(analysis) -> Iterator[Finding]:
    """``AS scratch`` / ``AS context``: those names already mean something to BuildKit."""
    for info in _model(analysis).stages:
        reason = _RESERVED_STAGE_NAMES.get(info.name)
        if reason is None or info.name_word is None:
            continue
        word = info.name_word
        message = (f"'{info.name}' is a reserved name ({reason}), so it should not be used as a stage "
                   f"name: choose another one.")
        yield _finding("ReservedStageName", message, word.start, word.end, info.instruction)


@rule("UndefinedArgInFrom", family=FAMILY, severity=SEVERITY,
      summary="FROM uses a variable that no ARG before the first FROM declares.")
def check_undefined_arg_in_from(analysis) -> Iterator[Finding]:
    """A ``$NAME`` in FROM that no global ARG declares expands to an empty string."""
    model = _model(analysis)
    allowed = model.from_arg_names()
    allowed_set = set(allowed)
    for info in model.stages:
        ins = info.instruction
        spans: list[tuple[str, int, int]] = []
        if info.image is not None:
            spans.append((info.image.text, info.image.start, info.image.end))
        if info.platform is not None and info.platform.value:
            spans.append((info.platform.value, info.platform.value_start, info.platform.value_end))
        for text, start, end in spans:
            expanded = _expand(text, model.global_lookup, model.escape)
            for name in expanded.unmatched:
                if name in allowed_set:
                    continue
                suggestion = _suggest(name, allowed)
                ref = next((r for r in ins.variables if start <= r.start < end and r.name == name), None)
                r_start, r_end = (ref.name_start, ref.name_end) if ref is not None else (start, end)
                hint = f" (did you mean {suggestion}?)" if suggestion else ""
                message = (f"FROM uses '${name}'{hint}, but no ARG before the first FROM declares it, so it "
                           f"expands to an empty string. Declare it with ARG before the first FROM.")
                fix = None
                if suggestion:
                    fix = Fix(f"Change to ${suggestion}", [Edit(r_start, r_end, suggestion)],
                              preferred=False, safe=False)
                yield _finding("UndefinedArgInFrom", message, r_start, r_end, ins, fix)


@rule("RedundantTargetPlatform", family=FAMILY, severity=SEVERITY, fixable=True, aliases=("DL3065",),
      summary="FROM --platform=$TARGETPLATFORM sets the platform FROM uses anyway.")
def check_redundant_target_platform(analysis) -> Iterator[Finding]:
    """``FROM --platform=$TARGETPLATFORM``: the target platform is already the default."""
    model = _model(analysis)
    text = analysis.text
    for info in model.stages:
        flag = info.platform
        if flag is None or not flag.value:
            continue
        expanded = _expand(flag.value, model.global_lookup, model.escape)
        if expanded.error or expanded.unmatched or list(expanded.matched) != ["TARGETPLATFORM"]:
            continue
        if expanded.value != model.global_env.get("TARGETPLATFORM"):
            continue
        end = flag.end
        while end < len(text) and text[end] in " \t":
            end += 1
        # a global ARG TARGETPLATFORM may give it another default: then removing is not neutral
        overridden = "TARGETPLATFORM" in model.global_declared
        fix = Fix("Remove the redundant --platform flag", [Edit(flag.start, end, "")],
                  preferred=True, safe=not overridden)
        message = (f"--platform={flag.value} asks for the target platform, which FROM uses anyway: "
                   f"remove the flag.")
        yield _finding("RedundantTargetPlatform", message, flag.start, flag.end, info.instruction, fix)


@rule("FromPlatformFlagConstDisallowed", family=FAMILY, severity=SEVERITY,
      summary="FROM --platform uses a constant platform such as linux/amd64.")
def check_from_platform_flag_const(analysis) -> Iterator[Finding]:
    """``FROM --platform=linux/amd64``: pins the stage, so multi-platform builds cannot vary it."""
    model = _model(analysis)
    for info in model.stages:
        flag = info.platform
        if flag is None or not flag.value:
            continue
        expanded = _expand(flag.value, model.global_lookup, model.escape)
        if expanded.error or expanded.matched or expanded.unmatched or expanded.value is None:
            continue
        parsed = _parse_platform(expanded.value)
        if parsed is None:
            continue
        os_name, arch, _ = parsed
        if os_name in info.name or arch in info.name:
            continue  # a stage named after its platform is platform-specific on purpose
        message = (f"--platform={expanded.value} pins this stage to one platform, so a multi-platform build "
                   f"cannot build it for its other targets. Use a platform ARG ($BUILDPLATFORM for build "
                   f"tools, $TARGETPLATFORM is the default), or name the stage after the platform if it is "
                   f"meant to be platform-specific.")
        yield _finding("FromPlatformFlagConstDisallowed", message, flag.start, flag.end, info.instruction)


@rule("InvalidDefaultArgInFrom", family=FAMILY, severity=SEVERITY,
      summary="With the default values of its ARGs, a FROM image is empty or not a valid image reference.")
def check_invalid_default_arg_in_from(analysis) -> Iterator[Finding]:
    """With the ARG defaults alone, the FROM image must still be a valid reference."""
    model = _model(analysis)
    if not model.meta_ok:
        return
    for info in model.stages:
        if info.image is None:
            continue
        expanded = _expand(info.image.text, model.global_lookup, model.escape)
        if expanded.error or expanded.value is None:
            return  # BuildKit abandons the check here
        if _valid_reference(expanded.value):
            continue
        result = f"'{expanded.value}'" if expanded.value else "an empty name"
        if expanded.matched or expanded.unmatched:
            message = (f"With the default values of its ARGs, the base image '{info.image.text}' becomes "
                       f"{result}, which is not a valid image reference: give the ARG a default that makes "
                       f"a valid name, so the file also builds without --build-arg.")
        else:
            message = (f"'{info.image.text}' is not a valid image reference (names are lowercase; a tag "
                       f"follows ':' and a digest '@').")
        yield _finding("InvalidDefaultArgInFrom", message, info.image.start, info.image.end, info.instruction)


@rule("InvalidBaseImagePlatform", family=FAMILY, severity=SEVERITY,
      summary="FROM --platform asks for a platform that the base the file names cannot provide.")
def check_invalid_base_image_platform(analysis) -> Iterator[Finding]:
    """A constant ``--platform`` that contradicts a platform the file itself fixes elsewhere."""
    model = _model(analysis)
    for info in model.stages:
        flag = info.platform
        if flag is None or info.platform_value is None:
            continue
        expected = _parse_platform(info.platform_value)
        if expected is None:
            continue
        if info.base_index is not None:
            actual, source = _stage_platform(model, info.base_index)
            if actual is None or actual[:2] == expected[:2]:
                continue
            message = (f"--platform={info.platform_value} has no effect here: this stage builds on stage "
                       f"'{source}', which is pinned to {actual[0]}/{actual[1]}, and BuildKit keeps that "
                       f"platform. Set the platform on the base stage, or use an image as the base.")
        else:
            actual = _namespace_platform(info.base_name)
            if actual is None or actual[:2] == expected[:2]:
                continue
            message = (f"--platform={info.platform_value} does not match '{info.base_name}', which only "
                       f"exists for {actual[0]}/{actual[1]}: the build gets an image for the wrong platform "
                       f"(or fails to resolve it). Use the multi-platform repository or change --platform.")
        yield _finding("InvalidBaseImagePlatform", message, flag.start, flag.end, info.instruction)


def _stage_platform(model: _Model, index: int) -> tuple[Optional[tuple[str, str, str]], str]:
    """The platform a stage is pinned to by a constant --platform (following its bases)."""
    seen = 0
    current: Optional[int] = index
    while current is not None and seen <= len(model.stages):
        info = model.stages[current]
        if info.base_index is not None:
            current = info.base_index
            seen += 1
            continue
        if info.platform_value is not None:
            return _parse_platform(info.platform_value), model.stages[index].name or f"stage {index}"
        namespace = _namespace_platform(info.base_name)
        if namespace is not None:
            return (namespace[0], namespace[1], ""), model.stages[index].name or f"stage {index}"
        return None, ""
    return None, ""


def _namespace_platform(base: Optional[str]) -> Optional[tuple[str, str]]:
    """The platform of a Docker Hub per-architecture repository (``arm64v8/alpine``)."""
    if not base:
        return None
    ref = parse_image(base)
    if ref is None or ref.registry or "/" not in ref.repository:
        return None
    return _ARCH_NAMESPACES.get(ref.repository.split("/", 1)[0])


# ---------------------------------------------------------------------------------------------
# Checks made while stages are dispatched (convert.go); they share one walk
# ---------------------------------------------------------------------------------------------


@rule("JSONArgsRecommended", family=FAMILY, severity=SEVERITY, fixable=True, aliases=("DL3025",),
      summary="CMD or ENTRYPOINT is written in shell form, so the program runs under /bin/sh -c "
              "and misses stop signals.")
def check_json_args_recommended(analysis) -> list[Finding]:
    """Shell-form CMD/ENTRYPOINT (with no SHELL set): the program never sees SIGTERM."""
    return _dispatch(analysis, "JSONArgsRecommended")


@rule("WorkdirRelativePath", family=FAMILY, severity=SEVERITY, aliases=("DL3000",),
      summary="The first WORKDIR of a stage is a relative path.")
def check_workdir_relative_path(analysis) -> list[Finding]:
    """The first WORKDIR of a stage (chain) is relative: it depends on the base image."""
    return _dispatch(analysis, "WorkdirRelativePath")


@rule("UndefinedVar", family=FAMILY, severity=SEVERITY,
      summary="A variable is used where nothing defines it yet.")
def check_undefined_var(analysis) -> list[Finding]:
    """A ``$NAME`` that BuildKit expands itself but that nothing defines at that point."""
    return _dispatch(analysis, "UndefinedVar")


@rule("MultipleInstructionsDisallowed", family=FAMILY, severity=SEVERITY,
      aliases=("DL4003", "DL4004", "DL3012"),
      summary="A stage has more than one CMD, ENTRYPOINT or HEALTHCHECK; only the last one counts.")
def check_multiple_instructions(analysis) -> list[Finding]:
    """A CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage overrides."""
    return _dispatch(analysis, "MultipleInstructionsDisallowed")


@rule("LegacyKeyValueFormat", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="ENV or LABEL uses the legacy `key value` form instead of `key=value`.")
def check_legacy_key_value_format(analysis) -> list[Finding]:
    """``ENV key value`` / ``LABEL key value``: the deprecated one-pair form."""
    return _dispatch(analysis, "LegacyKeyValueFormat")


@rule("SecretsUsedInArgOrEnv", family=FAMILY, severity=SEVERITY, aliases=("DL3064",),
      summary="An ARG or ENV name suggests it holds a secret (password, token, key, auth...).")
def check_secrets_used_in_arg_or_env(analysis) -> list[Finding]:
    """ARG/ENV names that look like secrets (password, token, key...): they end up in the image."""
    return _dispatch(analysis, "SecretsUsedInArgOrEnv")


@rule("CopyIgnoredFile", family=FAMILY, severity=SEVERITY,
      summary="COPY or ADD names a source that .dockerignore excludes from the build context.")
def check_copy_ignored_file(analysis) -> list[Finding]:
    """COPY/ADD of a path that ``.dockerignore`` keeps out of the build context."""
    return _dispatch(analysis, "CopyIgnoredFile")


@rule("ExposeProtoCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="The protocol of an EXPOSE port is not lowercase.")
def check_expose_proto_casing(analysis) -> list[Finding]:
    """``EXPOSE 80/TCP``: protocols are lowercase."""
    return _dispatch(analysis, "ExposeProtoCasing")


@rule("ExposeInvalidFormat", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="EXPOSE includes an IP address or a host port mapping.")
def check_expose_invalid_format(analysis) -> list[Finding]:
    """``EXPOSE 127.0.0.1:80:80`` / ``EXPOSE 8080:80``: publishing is a run-time decision."""
    return _dispatch(analysis, "ExposeInvalidFormat")
