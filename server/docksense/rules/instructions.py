"""Family ``syntax``: what BuildKit refuses when it reads or dispatches each instruction.

BuildKit stops at the first error it meets, so a broken Dockerfile is fixed one failed build
at a time. These checks reproduce the conditions of BuildKit's own code and report every
one of them at once, each on the smallest range that explains it:

* ``frontend/dockerfile/instructions/parse.go`` and ``bflag.go``: unknown instructions and
  flags (with BuildKit's "did you mean" rule: Levenshtein distance below 3), duplicate flags,
  flags without a value, booleans, argument counts, ``FROM ... AS name``, ONBUILD triggers,
  HEALTHCHECK types, durations and ``--retries``, ``SHELL`` in JSON form, blank names;
* ``commands_runmount.go``, ``commands_runnetwork.go``, ``commands_runsecurity.go``,
  ``commands_rundevice.go``: ``RUN --mount`` options and the other RUN flags;
* ``dockerfile2llb/convert.go``, ``convert_expose.go``, ``convert_copy.go``: STOPSIGNAL
  values (``moby/sys/signal``), EXPOSE port specs, ``--chmod``, ``--checksum``, ``COPY --from``
  and mounts that name a stage not built yet, COPY of remote sources, ``--platform`` values
  (``containerd/platforms``);
* ``shell/lex.go``: ``${...}`` forms the lexer refuses in instructions that BuildKit expands.

Values that contain a variable are only checked where BuildKit checks them before expansion
(``--from``, HEALTHCHECK flags, ``--network``); elsewhere the value depends on build
arguments and is left alone, so a file that builds never gets an error from this family.
Two rules are warnings, not errors, because BuildKit accepts what they flag:
CopyDestinationNotDirectory (the classic builder refuses it) and MountTargetMissing (fails
only when the working directory is ``/``).

An ONBUILD trigger is checked like any instruction: BuildKit parses it only when another
image is built FROM this one, so its errors break that build instead.

All checks run in one pass per analysis (the result is cached for the rules of this family)
and are linear in the size of the file.
"""

from __future__ import annotations

import csv
import ipaddress
import re
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

import attrs

from ..syntax import Flag, Instruction, Word
from ..syntax.numbers import parse_int_bounded, parse_signed_int_bounded
from ..syntax.words import unquote
from .context import computed_once
from .model import Edit, Finding, Fix
from .registry import rule

if TYPE_CHECKING:
    from ..analysis import Analysis

FAMILY = "syntax"

KEYWORDS = (
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
)
_KEYWORD_SET = frozenset(KEYWORDS)

BOOL, STRING, STRINGS = "bool", "string", "strings"

# The flags BuildKit registers for each instruction before calling BFlags.Parse (parse.go and
# the RUN pre-hooks). ARG and STOPSIGNAL never parse their flags, and HEALTHCHECK NONE does not
# either, so any flag there is ignored rather than refused: they are absent on purpose.
FLAG_SPECS: dict[str, dict[str, str]] = {
    "ADD": {"chown": STRING, "chmod": STRING, "link": BOOL, "keep-git-dir": BOOL,
            "checksum": STRING, "unpack": BOOL, "exclude": STRINGS},
    "COPY": {"chown": STRING, "from": STRING, "chmod": STRING, "link": BOOL,
             "exclude": STRINGS, "parents": BOOL},
    "FROM": {"platform": STRING},
    "RUN": {"mount": STRINGS, "network": STRING, "security": STRING, "device": STRINGS},
    "HEALTHCHECK": {"interval": STRING, "timeout": STRING, "start-period": STRING,
                    "start-interval": STRING, "retries": STRING},
    "ENV": {}, "LABEL": {}, "MAINTAINER": {}, "ONBUILD": {}, "WORKDIR": {}, "CMD": {},
    "ENTRYPOINT": {}, "EXPOSE": {}, "USER": {}, "VOLUME": {}, "SHELL": {},
}

# Instructions whose arguments go through BuildKit's shell lexer (variables and quotes).
_EXPANDED = frozenset({"ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER",
                       "VOLUME", "WORKDIR", "ARG"})
# Flag values that go through the lexer too.
_EXPANDED_FLAGS = {"ADD": ("chown", "chmod", "checksum"), "COPY": ("chown", "chmod", "from"),
                   "FROM": ("platform",), "RUN": ("mount",)}

_DURATION_FLAGS = ("interval", "timeout", "start-period", "start-interval")
_STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*")
_TRIGGER_NOTE = " (in an ONBUILD trigger: the build of every image based on this one fails)"

_RULES: dict[str, tuple[str, str]] = {
    "UnknownInstruction": ("error", "A keyword that is not a Dockerfile instruction"),
    "UnknownFlag": ("error", "A flag the instruction does not accept"),
    "DuplicateFlag": ("error", "A flag given twice where BuildKit accepts it once"),
    "FlagMissingValue": ("error", "A flag that needs a value written without one"),
    "InvalidBooleanFlag": ("error", "A boolean flag with a value other than true or false"),
    "InvalidDuration": ("error", "A HEALTHCHECK duration BuildKit cannot read or below 1ms"),
    "InvalidRetries": ("error", "A HEALTHCHECK --retries value that is not a non-negative integer"),
    "InvalidFlagValue": ("error", "A flag value BuildKit refuses (network, security, chmod, platform, ...)"),
    "WrongArgumentCount": ("error", "An instruction with too few or too many arguments"),
    "ShellRequiresJson": ("error", "SHELL written in shell form instead of a JSON array"),
    "EmptyKeyName": ("error", "An ENV, LABEL or ARG entry with an empty name"),
    "EmptyVolumePath": ("error", "A VOLUME entry that is an empty string"),
    "UnsupportedModifier": ("error", "A ${...} substitution BuildKit's lexer cannot process"),
    "InvalidStageName": ("error", "A build stage name BuildKit does not accept"),
    "FromExpectedAs": ("error", "A FROM whose second argument is not AS"),
    "HeredocDestination": ("error", "A heredoc used as the destination of COPY or ADD"),
    "CopyDestinationNotDirectory": ("warning", "Several COPY/ADD sources with a destination not ending in /"),
    "CopyRemoteSource": ("error", "COPY given a URL or Git source, which only ADD can fetch"),
    "ForwardStageReference": ("error", "COPY --from or a mount naming a stage not built yet"),
    "InvalidExposePort": ("error", "An EXPOSE port, range or protocol BuildKit refuses"),
    "InvalidStopSignal": ("error", "A STOPSIGNAL that is not a signal name or number"),
    "InvalidHealthcheck": ("error", "A HEALTHCHECK with an unknown type or a missing command"),
    "InvalidMount": ("error", "A RUN --mount option BuildKit refuses"),
    "MountTargetMissing": ("warning", "A bind, cache or tmpfs mount without a target"),
    "OnbuildChaining": ("error", "ONBUILD ONBUILD, which BuildKit refuses"),
    "OnbuildDisallowedTrigger": ("error", "ONBUILD FROM or ONBUILD MAINTAINER, which BuildKit refuses"),
    "NoFromInstruction": ("error", "An instruction other than ARG before the first FROM, or no FROM at all"),
}
_ALIASES = {
    "CopyDestinationNotDirectory": ("DL3021",),
    "InvalidExposePort": ("DL3011",),
    "OnbuildDisallowedTrigger": ("DL3043",),
    "NoFromInstruction": ("DL3061",),
    "ForwardStageReference": ("DL3023",),
}
_FIXABLE = frozenset({"UnknownInstruction", "UnknownFlag", "DuplicateFlag",
                      "CopyDestinationNotDirectory", "CopyRemoteSource"})


# -- small exact re-implementations of the Go helpers BuildKit relies on ----------------------
def levenshtein(a: str, b: str) -> int:
    """Edit distance with unit costs (agext/levenshtein's default, used by util/suggest)."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest(value: str, options: Iterable[str], case_sensitive: bool) -> list[str]:
    """The options nearest to ``value`` within distance 2 (util/suggest.Search's threshold).

    BuildKit keeps the first strictly closer option it meets in a Go map, so with ties its
    answer is random; this returns every option at the best distance and callers offer a
    fix only when there is exactly one.
    """
    probe = value if case_sensitive else value.lower()
    best: list[str] = []
    best_distance = 3
    for option in options:
        candidate = option if case_sensitive else option.lower()
        if candidate == probe:
            return []
        distance = levenshtein(probe, candidate)
        if distance < best_distance:
            best, best_distance = [option], distance
        elif distance == best_distance and best:
            best.append(option)
    return best


def match_case(option: str, original: str) -> str:
    """util/suggest.matchCase: keep the user's all-lower or all-upper spelling."""
    if original == original.lower():
        return option.lower()
    if original == original.upper():
        return option.upper()
    return option


_DURATION_UNITS = {"ns": 1, "us": 1_000, "\u00b5s": 1_000, "\u03bcs": 1_000, "ms": 1_000_000,
                   "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}
_MAX_DURATION = (1 << 63) - 1


def parse_go_duration(text: str) -> Optional[int]:
    """Nanoseconds of a Go ``time.ParseDuration`` string, or None where Go returns an error."""
    s = text
    negative = False
    if s and s[0] in "+-":
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            return None
        i = 0
        while i < len(s) and "0" <= s[i] <= "9":
            i += 1
        whole = (parse_int_bounded(s[:i]) or 0) if i else 0  # TOO_LARGE past 40 digits
        had_whole = i > 0
        s = s[i:]
        fraction, scale, had_fraction = 0, 1, False
        if s.startswith("."):
            s = s[1:]
            i = 0
            while i < len(s) and "0" <= s[i] <= "9":
                i += 1
            had_fraction = i > 0
            if i:
                digits = s[:min(i, 30)]  # as Go, digits past the precision are dropped
                fraction, scale = int(digits), 10 ** len(digits)
            s = s[i:]
        if not had_whole and not had_fraction:
            return None
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            return None  # missing unit
        unit = _DURATION_UNITS.get(s[:i])
        if unit is None:
            return None  # unknown unit
        s = s[i:]
        if whole > _MAX_DURATION // unit:
            return None
        total += whole * unit + (fraction * unit) // scale
        if total > _MAX_DURATION + (1 if negative else 0):
            return None
    return -total if negative else total


def parse_go_int(text: str, bits: int) -> Optional[int]:
    """Go ``strconv.ParseInt(text, 10, bits)``: optional sign, decimal digits, in range."""
    if not _INTEGER.fullmatch(text):
        return None
    value = parse_signed_int_bounded(text)  # ASCII digits, bounded length
    if value is None:
        return None
    limit = 1 << (bits - 1)
    return value if -limit <= value < limit else None


def parse_go_bool(text: str) -> Optional[bool]:
    """Go ``strconv.ParseBool``."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


_LINUX_SIGNALS = frozenset(
    "ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT "
    "STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ RTMIN RTMAX".split()
    + [f"RTMIN+{n}" for n in range(1, 16)] + [f"RTMAX-{n}" for n in range(1, 15)]
)


def valid_signal(value: str) -> bool:
    """moby/sys/signal.ParseSignal on Linux: a non-zero number or a known name (SIG optional)."""
    number = parse_go_int(value, 64)
    if number is not None:
        return number != 0
    name = value.upper()
    if name.startswith("SIG"):
        name = name[3:]
    return name in _LINUX_SIGNALS


def _port_number(text: str) -> Optional[str]:
    if text == "":
        return "value is empty"
    number = parse_go_int(text, 64)
    if number is None:
        return "invalid syntax"
    if number < 0 or number > 65535:
        return "value out of range (0-65535)"
    return None


def _port_range(text: str) -> tuple[Optional[str], int, int]:
    if text == "":
        return "empty string specified for ports", 0, 0
    start, dash, end = text.partition("-")
    problem = _port_number(start)
    if problem:
        return f"invalid start port '{start}': {problem}", 0, 0
    low = parse_go_int(start, 64) or 0
    if not dash or start == end:
        return None, low, low
    problem = _port_number(end)
    if problem:
        return f"invalid end port '{end}': {problem}", 0, 0
    high = parse_go_int(end, 64) or 0
    if high < low:
        return f"invalid port range: {text}", 0, 0
    return None, low, high


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def port_spec_problem(raw: str) -> Optional[str]:
    """Why ``dockerfile2llb.parsePort`` refuses a port spec, or None when it accepts it."""
    parts = raw.split(":")
    if len(parts) == 1:
        ip, host, container = "", "", parts[0]
    elif len(parts) == 2:
        ip, host, container = "", parts[0], parts[1]
    else:
        ip, host, container = ":".join(parts[:-2]), parts[-2], parts[-1]
    port, _, proto = container.partition("/")
    if port == "":
        return f'invalid port: "{raw}": no port specified'
    if proto.lower() not in ("", "tcp", "udp", "sctp"):
        return f'invalid port: "{raw}": invalid proto: {proto} (use tcp, udp or sctp)'
    if ip.startswith("["):
        inner = ip[1:]
        if not inner.endswith("]"):
            return f"invalid IP address {ip}"
        ip = inner[:-1]
    if ip and not _valid_ip(ip):
        return f"invalid IP address: {ip}"
    problem, low, high = _port_range(port)
    if problem:
        return f"invalid containerPort: {port} ({problem})"
    if host:
        problem, host_low, host_high = _port_range(host)
        if problem:
            return f"invalid hostPort: {host} ({problem})"
        if high - low != host_high - host_low and high != low:
            return f"invalid ranges specified for container and host Ports: {port} and {host}"
    return None


_KNOWN_OS = frozenset("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd "
                      "openbsd plan9 solaris windows zos".split())
_KNOWN_ARCH = frozenset("386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle "
                        "mips64 mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 s390x sparc "
                        "sparc64 wasm".split())
_ARCH_ALIASES = {"i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64",
                 "armhf": "arm", "armel": "arm"}
_OS_PART = re.compile(r"([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?")
_SPEC_PART = re.compile(r"[A-Za-z0-9_.-]+")


def platform_problem(spec: str) -> Optional[str]:
    """Why ``containerd/platforms.Parse`` refuses a platform string, or None."""
    if "*" in spec:
        return "wildcards are not supported"
    parts = spec.split("/", 3)
    if not _OS_PART.fullmatch(parts[0]):
        return f"{parts[0]!r} is not a valid OS component"
    for part in parts[1:]:
        if not _SPEC_PART.fullmatch(part):
            return f"{part!r} is not a valid platform component"
    if len(parts) == 1:
        os_name = parts[0].split("(")[0].lower()
        os_name = "darwin" if os_name == "macos" else os_name
        arch = parts[0].lower()
        if os_name in _KNOWN_OS or _ARCH_ALIASES.get(arch, arch) in _KNOWN_ARCH:
            return None
        return "unknown operating system or architecture"
    if len(parts) > 3:
        return "a platform has at most os/arch/variant"
    return None


_SYMBOLIC_MODE = re.compile(r"[augo]*(?:[-+=][rstwXxugo]*)+(?:,[augo]*(?:[-+=][rstwXxugo]*)+)*")


def chmod_problem(value: str) -> Optional[str]:
    """Why BuildKit refuses a ``--chmod`` value (octal up to 7777 or a symbolic mode)."""
    if value and "0" <= value[0] <= "9":
        if not _OCTAL.fullmatch(value) or (parse_int_bounded(value, 8) or 0) > 0o7777:
            return f"invalid chmod parameter: '{value}'. it should be octal string and between 0 and 07777"
        return None
    if not _SYMBOLIC_MODE.fullmatch(value):
        return f"invalid chmod parameter: '{value}': not an octal number or a symbolic mode such as u+x"
    return None


_RAM_SIZE = re.compile(r"(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?")
_MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
_MOUNT_KEYS = ("type", "from", "source", "target", "readonly", "id", "sharing", "required", "size",
               "mode", "uid", "gid", "src", "dst", "destination", "ro", "rw", "readwrite", "env")
_SHARING = ("shared", "private", "locked")


def csv_fields(value: str) -> Optional[list[str]]:
    """The comma-separated fields of a mount or device spec (quotes as in encoding/csv)."""
    try:
        rows = list(csv.reader([value], strict=True))
    except csv.Error:
        return None
    return rows[0] if rows else []


@attrs.define
class MountSpec:
    """What one ``--mount`` value says, enough to check it as BuildKit's parseMount does."""

    type: str = "bind"
    type_known: bool = True
    target: Optional[str] = None
    source: Optional[str] = None
    from_: Optional[str] = None
    id: Optional[str] = None
    sharing: Optional[str] = None
    file_info: list[str] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)


def parse_mount(value: str) -> MountSpec:
    """Read a ``--mount`` value with BuildKit's rules; problems are BuildKit's refusals.

    Values holding ``$`` are expanded by BuildKit first, so they are not judged (except
    ``from``, which BuildKit refuses to expand).
    """
    spec = MountSpec()
    fields = csv_fields(value)
    if fields is None:
        spec.problems.append(f"failed to parse csv mounts: {value}")
        return spec
    for field in fields:
        key, eq, val = field.partition("=")
        key = key.lower()
        if not eq:
            if key in ("readonly", "ro", "readwrite", "rw"):
                continue
            if key == "required":
                if spec.type not in ("secret", "ssh") and spec.type_known:
                    spec.problems.append(f"unexpected key 'required' for mount type '{spec.type}'")
                continue
            spec.problems.append(f"invalid field '{field}' must be a key=value pair")
            continue
        if key == "from" and "$" in val[:-1]:
            spec.problems.append("'from' doesn't support variable expansion, define alias stage instead")
            continue
        variable = "$" in val
        if key == "type":
            if variable:
                spec.type_known = False
                continue
            if val.lower() not in _MOUNT_TYPES:
                hint = suggest(val, _MOUNT_TYPES, False)
                extra = f" (did you mean {hint[0]}?)" if len(hint) == 1 else ""
                spec.problems.append(f'unsupported mount type "{val}"{extra}; use one of {", ".join(_MOUNT_TYPES)}')
                spec.type_known = False
                continue
            spec.type = val.lower()
        elif key == "from":
            spec.from_ = val
        elif key in ("source", "src"):
            spec.source = val
        elif key in ("target", "dst", "destination"):
            spec.target = val
        elif key in ("readonly", "ro", "readwrite", "rw"):
            if not variable and parse_go_bool(val) is None:
                spec.problems.append(f"invalid value for {key}: {val}")
        elif key == "required":
            if spec.type not in ("secret", "ssh") and spec.type_known:
                spec.problems.append(f"unexpected key 'required' for mount type '{spec.type}'")
            elif not variable and parse_go_bool(val) is None:
                spec.problems.append(f"invalid value for {key}: {val}")
        elif key == "size":
            if spec.type != "tmpfs" and spec.type_known:
                spec.problems.append(f"unexpected key 'size' for mount type '{spec.type}'")
            elif not variable and not _RAM_SIZE.fullmatch(val):
                spec.problems.append(f"invalid value for size: {val}")
        elif key == "id":
            spec.id = val
        elif key == "sharing":
            spec.sharing = val
            if not variable and val.lower() not in _SHARING:
                spec.problems.append(f'unsupported sharing value "{val}"; use shared, private or locked')
        elif key in ("mode", "uid", "gid"):
            spec.file_info.append(key)
            if variable:
                continue
            base = 8 if key == "mode" else 10
            if not (_OCTAL if base == 8 else _DECIMAL).fullmatch(val) or (parse_int_bounded(val, base) or 0) >= 1 << 32:
                spec.problems.append(f"invalid value {val} for {key}")
        elif key == "env":
            continue
        else:
            hint = suggest(key, _MOUNT_KEYS, True)
            extra = f" (did you mean {hint[0]}?)" if len(hint) == 1 else ""
            spec.problems.append(f"unexpected key '{key}' in '{field}'{extra}")
    if not spec.type_known:
        return spec
    if spec.type not in ("secret", "ssh", "cache"):
        for key in spec.file_info:
            spec.problems.append(f'{key} not allowed for "{spec.type}" type mounts')
    if spec.type == "secret":
        if spec.from_:
            spec.problems.append("secret mount should not have a from")
        if spec.sharing:
            spec.problems.append("secret mount should not define sharing")
        if not spec.source and not spec.target and not spec.id:
            spec.problems.append("invalid secret mount: one of source, target or id is required")
        if spec.source and spec.id:
            spec.problems.append("both source and id can't be set on a secret mount")
    if spec.sharing and spec.type != "cache":
        spec.problems.append(f"invalid cache sharing set for {spec.type} mount")
    if spec.type not in ("secret", "ssh") and spec.target == "/":
        spec.problems.append('invalid mount target "/"')
    return spec


def device_problems(value: str) -> list[str]:
    """BuildKit's ParseDevice refusals for a ``RUN --device`` value."""
    fields = csv_fields(value)
    if fields is None:
        return [f"failed to parse csv devices: {value}"]
    problems = []
    name = ""
    for field in fields:
        key, eq, val = field.partition("=")
        key = key.lower()
        if not eq:
            if key == "required":
                continue
            if not name:
                name = field
                continue
            problems.append(f"invalid field '{field}' must be a key=value pair")
        elif key == "name":
            if name:
                problems.append(f"device name already set to {name}")
            name = val
        elif key == "required":
            if "$" not in val and parse_go_bool(val) is None:
                problems.append(f"invalid value for required: {val}")
        elif not name:
            name = field
        else:
            problems.append(f"unexpected key '{key}' in '{field}'")
    return problems


_SPECIAL_PARAMS = "@*#?-$!0"


def substitution_problem(expr: str) -> Optional[str]:
    """Why BuildKit's lexer (shell/lex.go processDollar) refuses a ``${...}`` expression."""
    n = len(expr)
    if n < 3:
        return "syntax error: missing '}'"
    first = expr[2]
    if first in "{}:":
        return "syntax error: bad substitution"
    i = 2
    if first.isdigit():
        while i < n and expr[i].isdigit():
            i += 1
    elif first in _SPECIAL_PARAMS:
        i += 1
    else:
        while i < n and (expr[i].isalnum() or expr[i] == "_"):
            i += 1
    if not expr.endswith("}") or i >= n:
        return "syntax error: missing '}'"
    ch = expr[i]
    if ch == "}":
        return None
    if ch == ":":
        nxt = expr[i + 1] if i + 1 < n else ""
        if nxt in ("+", "-", "?") and nxt:
            return None
        return f"unsupported modifier ({ch}{nxt}) in substitution"
    if ch in "+-?#%":
        return None
    if ch == "/":
        rest = expr[i + 1:-1]
        if rest.startswith("/"):
            rest = rest[1:]
        if "/" not in rest:
            return "syntax error: missing '/' in ${}"
        return None
    return f"unsupported modifier ({ch}) in substitution"


_HEREDOC_WORD = re.compile(r"<<-?\s*[\"']?[A-Za-z0-9_.]")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_OCTAL = re.compile(r"[0-7]+")
_DECIMAL = re.compile(r"[0-9]+")
_REMOTE_SOURCE = re.compile(r"(?i)(https?|git|ssh)://|git@[^:/]+:")
_VARIABLE_START = re.compile(r"\$[A-Za-z_{]")


# -- the pass ---------------------------------------------------------------------------------
class _Pass:
    """Collects every finding of the family for one analysis."""

    # instruction name -> the _check_<name> method (filled in below the class)
    _checks: "dict[str, Callable[..., None]]" = {}

    def __init__(self, analysis: "Analysis") -> None:
        self.analysis = analysis
        self.text: str = analysis.text
        self.found: dict[str, list[Finding]] = {name: [] for name in _RULES}
        self.stage_names: dict[str, int] = {}
        for stage in analysis.stages:
            if stage.name is not None:
                self.stage_names.setdefault(stage.key, stage.index)
        syntax = analysis.tree.directive("syntax")
        self.syntax = syntax.value if syntax is not None else ""

    # -- reporting --------------------------------------------------------------------------
    def add(self, name: str, ins: Instruction, message: str, start: int, end: int,
            fix: Optional[Fix] = None) -> None:
        top = ins
        while top.parent is not None:
            top = top.parent
        if top is not ins:
            message += _TRIGGER_NOTE
        self.found[name].append(Finding(name, message, start, max(start, end), _RULES[name][0],
                                        fix=fix, instruction_line=top.line))

    # -- driver -----------------------------------------------------------------------------
    def run(self) -> "_Pass":
        analysis = self.analysis
        self._preamble(analysis.preamble)
        for ins in analysis.preamble:
            self.instruction(ins, None, False)
        # whether each stage ends with a WORKDIR set (its own or one inherited from the stage
        # it is built on, which always comes earlier): one pass, linear in the file
        ends_with_workdir: dict[int, bool] = {}
        for stage in analysis.stages:
            base = stage.base_stage
            has_workdir = ends_with_workdir.get(base.index, False) if base is not None else False
            for ins in stage.instructions:
                if ins.name == "WORKDIR":
                    has_workdir = True
                self.instruction(ins, stage.index, has_workdir)
            ends_with_workdir[stage.index] = has_workdir
        return self

    def _preamble(self, preamble: list[Instruction]) -> None:
        for ins in preamble:
            if ins.name != "ARG" and ins.name in _KEYWORD_SET:
                self.add("NoFromInstruction", ins,
                         f"{ins.keyword} before the first FROM: only ARG may come before FROM "
                         "(BuildKit: no build stage in current context)",
                         ins.keyword_start, ins.keyword_end)
        if not self.analysis.stages and preamble and all(i.name == "ARG" for i in preamble):
            first = preamble[0]
            self.add("NoFromInstruction", first,
                     "the file has no FROM instruction, so there is no stage to build",
                     first.keyword_start, first.keyword_end)

    def instruction(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        name = ins.keyword.upper()
        if name not in _KEYWORD_SET:
            self._unknown_instruction(ins)
            return
        if ins.flags:
            spec = FLAG_SPECS.get(name)
            if name == "HEALTHCHECK" and ins.words and ins.words[0].text.upper() == "NONE":
                spec = None  # BuildKit never parses the flags of HEALTHCHECK NONE
            if spec is not None:
                self._flags(ins, spec)
        if ins.variables:
            self._substitutions(ins, name)
        check = self._checks.get(name)
        if check is not None:
            check(self, ins, stage, has_workdir)

    # -- keywords and flags -----------------------------------------------------------------
    def _unknown_instruction(self, ins: Instruction) -> None:
        hints = suggest(ins.keyword, KEYWORDS, False)
        message = f"unknown instruction: {ins.keyword}"
        fix = None
        if len(hints) == 1:
            replacement = match_case(hints[0], ins.keyword)
            message += f" (did you mean {replacement}?)"
            pieces = ins.keyword_pieces()
            if len(pieces) == 1:
                fix = Fix(f"Change to {replacement}", [Edit(pieces[0][0], pieces[0][1], replacement)],
                          preferred=True, safe=False)
        elif hints:
            message += f" (did you mean {' or '.join(hints)}?)"
        self.add("UnknownInstruction", ins, message, ins.keyword_start, ins.keyword_end, fix)

    def _flags(self, ins: Instruction, spec: dict[str, str]) -> None:
        seen: dict[str, Flag] = {}
        for flag in ins.flags:
            kind = spec.get(flag.name)
            if kind is None:
                self._unknown_flag(ins, flag, spec)
                continue
            if flag.name in seen and kind != STRINGS:
                self._duplicate_flag(ins, flag, seen[flag.name])
                continue
            seen[flag.name] = flag
            if kind == BOOL:
                if flag.value == "":
                    self.add("FlagMissingValue", ins, f"missing a value on flag: --{flag.name}"
                             f" (write --{flag.name} or --{flag.name}=true)", flag.start, flag.end)
                elif flag.value is not None and flag.value.lower() not in ("true", "false"):
                    self.add("InvalidBooleanFlag", ins,
                             f"expecting boolean value for flag --{flag.name}, not: {flag.value}",
                             flag.value_start, flag.value_end)
            elif flag.value is None:
                self.add("FlagMissingValue", ins, f"missing a value on flag: --{flag.name}"
                         f" (write --{flag.name}=<value>)", flag.start, flag.end)

    def _unknown_flag(self, ins: Instruction, flag: Flag, spec: dict[str, str]) -> None:
        message = f"unknown flag: --{flag.name}"
        fix = None
        hints = suggest(flag.name, spec, True)
        if len(hints) == 1:
            message += f" (did you mean --{hints[0]}?)"
            if self.text[flag.name_start:flag.name_end] == "--" + flag.name:
                fix = Fix(f"Change to --{hints[0]}",
                          [Edit(flag.name_start + 2, flag.name_end, hints[0])], preferred=True, safe=False)
        elif hints:
            message += f" (did you mean {' or '.join('--' + h for h in hints)}?)"
        if spec:
            message += f"; {ins.name} accepts {', '.join('--' + k for k in spec)}"
        else:
            message += f"; {ins.name} takes no flags"
        self.add("UnknownFlag", ins, message, flag.name_start, flag.name_end, fix)

    def _duplicate_flag(self, ins: Instruction, flag: Flag, first: Flag) -> None:
        start = flag.start
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        same = first.value == flag.value
        fix = Fix(f"Remove the second --{flag.name}", [Edit(start, flag.end, "")], preferred=True, safe=same)
        self.add("DuplicateFlag", ins, f"duplicate flag specified: --{flag.name} (give it once)",
                 flag.start, flag.end, fix)

    # -- substitutions --------------------------------------------------------------------
    def _expanded_spans(self, ins: Instruction) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        name = ins.name
        if name == "FROM":
            if ins.words:
                spans.append((ins.words[0].start, ins.words[0].end))
        elif name in _EXPANDED and ins.args:
            spans.append(ins.args_span())
        for flag_name in _EXPANDED_FLAGS.get(name, ()):
            for flag in ins.flags:
                if flag.name == flag_name and flag.value is not None:
                    spans.append((flag.value_start, flag.value_end))
        return spans

    def _substitutions(self, ins: Instruction, name: str) -> None:
        if name == "ONBUILD":
            return
        spans = self._expanded_spans(ins)
        if not spans:
            return
        for ref in ins.variables:
            if not ref.braced or not any(a <= ref.start < b for a, b in spans):
                continue
            expr = self.text[ref.start:ref.end]
            if "\n" in expr:
                continue
            problem = substitution_problem(expr)
            if problem:
                self.add("UnsupportedModifier", ins,
                         f"{problem} in {expr}: BuildKit supports ${{name}}, :- - :+ + :? ? # ## % %% / //",
                         ref.start, ref.end)

    # -- per instruction ------------------------------------------------------------------
    def _missing(self, ins: Instruction, message: str) -> None:
        self.add("WrongArgumentCount", ins, message, ins.keyword_start, ins.keyword_end)

    def _check_from(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        words = ins.words
        if len(words) == 3:
            if words[1].text.lower() != "as":
                self.add("FromExpectedAs", ins,
                         f"FROM expects AS before the stage name, found {words[1].text!r}",
                         words[1].start, words[1].end)
            elif not _STAGE_NAME.fullmatch(words[2].text.lower()):
                self.add("InvalidStageName", ins,
                         f"invalid name for build stage: {words[2].text!r}: a stage name starts with a "
                         "letter and has only letters, digits, '-', '_' and '.'",
                         words[2].start, words[2].end)
        elif len(words) != 1:
            extra = " (the stage name after AS is missing)" if len(words) == 2 and words[1].text.lower() == "as" else ""
            if words:
                start, end = words[0].start, words[-1].end
            else:
                start, end = ins.keyword_start, ins.keyword_end
            self.add("WrongArgumentCount", ins,
                     f"FROM requires either one or three arguments: FROM image [AS name]{extra}", start, end)
        platform = ins.flag("platform")
        if platform is not None and platform.name == "platform" and platform.value and "$" not in platform.value:
            problem = platform_problem(platform.value)
            if problem:
                self.add("InvalidFlagValue", ins,
                         f"failed to parse platform {platform.value}: {problem} (write os/arch[/variant], "
                         "e.g. linux/amd64)", platform.value_start, platform.value_end)

    def _check_copy(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._sources_and_dest(ins)
        source = ins.flag("from")
        if source is not None and source.name == "from" and source.value:
            self._copy_from(ins, source, stage)
        for word in self._sources(ins):
            text = word.text
            if _REMOTE_SOURCE.match(text):
                fix = Fix("Use ADD to fetch it", [Edit(ins.keyword_start, ins.keyword_end,
                                                       match_case("ADD", ins.keyword))],
                          preferred=True, safe=False) if ins.parent is None else None
                self.add("CopyRemoteSource", ins,
                         f"COPY cannot fetch {text}: only ADD downloads URLs and clones Git repositories",
                         word.start, word.end, fix)
        self._chmod(ins)

    def _check_add(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._sources_and_dest(ins)
        self._chmod(ins)
        checksum = ins.flag("checksum")
        if checksum is None or checksum.name != "checksum" or not checksum.value:
            return
        sources = self._sources(ins)
        if len(sources) > 1:
            self.add("InvalidFlagValue", ins, "checksum can't be specified for multiple sources",
                     checksum.start, checksum.end)
        elif len(sources) == 1:
            text = sources[0].text
            if "$" not in text and not _REMOTE_SOURCE.match(text) and not text.startswith("git@"):
                self.add("InvalidFlagValue", ins,
                         f"--checksum requires an HTTP(S) or Git source, not {text}", checksum.start, checksum.end)

    def _args(self, ins: Instruction) -> list[Word]:
        return list(ins.json.items) if ins.json is not None else list(ins.words)

    def _sources(self, ins: Instruction) -> list[Word]:
        args = self._args(ins)
        return [w for w in args[:-1] if not w.text.startswith("<<")] if len(args) >= 2 else []

    def _sources_and_dest(self, ins: Instruction) -> None:
        args = self._args(ins)
        name = ins.name
        if len(args) < 2:
            self._missing(ins, f"{name} requires at least two arguments, but only {len(args)} "
                          f"{'was' if len(args) == 1 else 'were'} provided: {name} source... destination")
            return
        dest = args[-1]
        if ins.json is None and _HEREDOC_WORD.match(dest.text):
            self.add("HeredocDestination", ins, f"{name} cannot accept a heredoc as a destination; "
                     "put the destination path last", dest.start, dest.end)
            return
        sources = args[:-1]
        if len(sources) < 2 or any(w.text.startswith("<<") for w in sources) or "$" in dest.text:
            return
        if dest.text.endswith(("/", "\\")):
            return
        raw_end = dest.end - 1 if ins.json is not None else dest.end
        fix = Fix("Add a trailing / to the destination", [Edit(raw_end, raw_end, "/")], preferred=True)
        if self.text[dest.start:dest.end] != (dest.raw or dest.text):
            fix = None
        self.add("CopyDestinationNotDirectory", ins,
                 f"{name} with more than one source needs a directory destination ending in /: "
                 f"write {dest.text}/ (the classic builder refuses {dest.text}, and BuildKit "
                 "may write the sources over one file)", dest.start, dest.end, fix)

    def _copy_from(self, ins: Instruction, flag: Flag, stage: Optional[int]) -> None:
        value = flag.value or ""
        refs = [r for r in ins.variables if flag.value_start <= r.start < flag.value_end]
        if refs or "$" in value and _VARIABLE_START.search(value):
            self.add("InvalidFlagValue", ins,
                     "variable expansion is not supported for --from; define a stage with "
                     "FROM ${IMAGE} AS name (using a global ARG) and copy from that name",
                     flag.value_start, flag.value_end)
            return
        if stage is None:
            return
        if _INTEGER.fullmatch(value):
            index = parse_signed_int_bounded(value) or 0
            count = len(self.analysis.stages)
            if index < 0 or index >= count:
                self.add("InvalidFlagValue", ins, f"invalid stage index {value if len(value) < 24 else value[:20] + '...'}: the file has {count} "
                         f"stage{'s' if count != 1 else ''}", flag.value_start, flag.value_end)
            elif index >= stage:
                self._forward(ins, flag, value, index, stage)
            return
        target = self.stage_names.get(value.lower())
        if target is not None and target >= stage:
            self._forward(ins, flag, value, target, stage)

    def _forward(self, ins: Instruction, flag: Flag, value: str, target: int, stage: int) -> None:
        what = "its own stage" if target == stage else "a stage defined later"
        self.add("ForwardStageReference", ins,
                 f"{ins.name} uses stage {value!r}, which is {what}: BuildKit builds stages in "
                 "order, so a stage can only use stages defined before it",
                 flag.value_start, flag.value_end)

    def _chmod(self, ins: Instruction) -> None:
        flag = ins.flag("chmod")
        if flag is None or flag.name != "chmod" or not flag.value or "$" in flag.value:
            return
        problem = chmod_problem(flag.value)
        if problem:
            self.add("InvalidFlagValue", ins, problem, flag.value_start, flag.value_end)

    def _check_run(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        for flag in ins.flags:
            if flag.value is None:
                continue
            if flag.name == "network" and flag.value not in ("default", "none", "host"):
                self.add("InvalidFlagValue", ins,
                         f'invalid network mode "{flag.value}": use default, none or host',
                         flag.value_start, flag.value_end)
            elif flag.name == "security" and flag.value not in ("insecure", "sandbox"):
                self.add("InvalidFlagValue", ins,
                         f'security "{flag.value}" is not valid: use sandbox or insecure',
                         flag.value_start, flag.value_end)
            elif flag.name == "device":
                self._device(ins, flag)
            elif flag.name == "mount":
                self._mount(ins, flag, stage, has_workdir)

    def _device(self, ins: Instruction, flag: Flag) -> None:
        problems = device_problems(flag.value or "")
        syntax = self.syntax
        if (not syntax or "docker/dockerfile" in syntax) and "labs" not in syntax:
            problems.append("the device feature is only supported by the labs frontend "
                            "(# syntax=docker/dockerfile:1-labs)")
        for problem in problems:
            self.add("InvalidFlagValue", ins, problem, flag.value_start, flag.value_end)

    def _mount(self, ins: Instruction, flag: Flag, stage: Optional[int], has_workdir: bool) -> None:
        spec = parse_mount(flag.value or "")
        for problem in spec.problems:
            self.add("InvalidMount", ins, problem, flag.value_start, flag.value_end)
        if (spec.type_known and spec.type in ("bind", "cache", "tmpfs") and not spec.target
                and not has_workdir and not spec.problems):
            self.add("MountTargetMissing", ins,
                     f"this {spec.type} mount has no target: BuildKit mounts it at the working "
                     "directory and refuses when that is / (add target=/path)",
                     flag.value_start, flag.value_end)
        if spec.from_ and stage is not None and "$" not in spec.from_:
            target = self.stage_names.get(spec.from_.lower())
            if target is not None and target >= stage:
                self._forward(ins, flag, spec.from_, target, stage)

    def _check_healthcheck(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if not ins.words:
            self._missing(ins, "HEALTHCHECK requires at least one argument: HEALTHCHECK CMD command, "
                          "or HEALTHCHECK NONE")
            return
        kind = ins.words[0]
        typ = kind.text.upper()
        has_rest = ins.form == "shell" or (ins.json is not None and bool(ins.json.items))
        if typ == "NONE":
            if has_rest:
                end = ins.args_span()[1]
                start = ins.json.start if ins.json is not None else kind.end
                while start < end and self.text[start] in " \t\\`\r\n":
                    start += 1
                self.add("InvalidHealthcheck", ins, "HEALTHCHECK NONE takes no arguments (remove "
                         "what follows NONE)", start, end)
            return
        if typ == "CMD":
            if not has_rest:
                self.add("InvalidHealthcheck", ins, "Missing command after HEALTHCHECK CMD",
                         kind.start, kind.end)
        else:
            self.add("InvalidHealthcheck", ins,
                     f'Unknown type "{kind.text}" in HEALTHCHECK (use CMD or NONE)', kind.start, kind.end)
        for flag in ins.flags:
            if flag.value is None or flag.value == "":
                continue
            span = (flag.value_start, flag.value_end)
            if flag.name in _DURATION_FLAGS:
                duration = parse_go_duration(flag.value)
                if duration is None:
                    self.add("InvalidDuration", ins,
                             f'time: invalid duration "{flag.value}" for --{flag.name} (write e.g. 30s, '
                             "1m30s, 500ms)", *span)
                elif duration != 0 and duration < 1_000_000:
                    self.add("InvalidDuration", ins,
                             f'Interval "{flag.name}" cannot be less than 1ms (0 means the default)', *span)
            elif flag.name == "retries":
                retries = parse_go_int(flag.value, 32)
                if retries is None:
                    self.add("InvalidRetries", ins,
                             f'--retries must be a whole number: strconv.ParseInt: parsing "{flag.value}": '
                             "invalid syntax", *span)
                elif retries < 0:
                    self.add("InvalidRetries", ins, f"--retries cannot be negative ({retries})", *span)

    def _check_shell(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if ins.args.startswith("[") and any(p.code == "JSONNotStringArray" and ins.start <= p.start < ins.end
                                            for p in self.analysis.tree.problems):
            return  # a JSON array with a non-string item: the parser already reports it
        if ins.form == "shell" or ins.form == "heredoc":
            start, end = ins.args_span()
            self.add("ShellRequiresJson", ins,
                     'SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/bash", "-c"]',
                     start, end)
        elif ins.json is None or not ins.json.items:
            if ins.args == "" or ins.json is not None:
                self._missing(ins, "SHELL requires at least one argument")

    def _check_onbuild(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        trigger = ins.trigger
        if trigger is None:
            self._missing(ins, "ONBUILD requires at least one argument: ONBUILD instruction")
            return
        if trigger.name == "ONBUILD":
            self.add("OnbuildChaining", ins, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                     trigger.keyword_start, trigger.keyword_end)
        elif trigger.name in ("FROM", "MAINTAINER"):
            self.add("OnbuildDisallowedTrigger", ins, f"{trigger.name} isn't allowed as an ONBUILD trigger",
                     trigger.keyword_start, trigger.keyword_end)
        else:
            self.instruction(trigger, None, True)

    def _check_env(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._pairs(ins)

    def _check_label(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._pairs(ins)

    def _check_arg(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._pairs(ins)

    def _pairs(self, ins: Instruction) -> None:
        if not ins.args:
            self._missing(ins, f"{ins.name} requires at least one argument")
            return
        for pair in ins.pairs:
            if pair.key == "" and pair.value is not None:
                self.add("EmptyKeyName", ins, f"{ins.name} names can not be blank: write name=value",
                         pair.start, pair.end)

    def _exactly_one(self, ins: Instruction) -> None:
        if not ins.args:
            self._missing(ins, f"{ins.name} requires exactly one argument")

    def _check_maintainer(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._exactly_one(ins)

    def _check_user(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._exactly_one(ins)

    def _check_workdir(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        self._exactly_one(ins)

    def _check_stopsignal(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if not ins.args:
            self._exactly_one(ins)
            return
        if "$" in ins.args:
            return
        value = unquote(ins.args, self.analysis.tree.escape)
        if not valid_signal(value):
            start, end = ins.args_span()
            self.add("InvalidStopSignal", ins,
                     f"invalid signal: {value} (use a name such as SIGTERM or SIGQUIT, or a number)",
                     start, end)

    def _check_expose(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        if not ins.words:
            self._missing(ins, "EXPOSE requires at least one argument: EXPOSE port[/protocol]")
            return
        for word in ins.words:
            if "$" in word.text:
                continue
            problem = port_spec_problem(unquote(word.text, self.analysis.tree.escape))
            if problem:
                self.add("InvalidExposePort", ins, problem, word.start, word.end)

    def _check_volume(self, ins: Instruction, stage: Optional[int], has_workdir: bool) -> None:
        args = self._args(ins)
        if not args:
            self._missing(ins, "VOLUME requires at least one argument")
            return
        for word in args:
            if word.text.strip() == "":
                self.add("EmptyVolumePath", ins, "VOLUME specified can not be an empty string",
                         word.start, word.end)


_Pass._checks = {
    attr[len("_check_"):].upper(): getattr(_Pass, attr) for attr in dir(_Pass) if attr.startswith("_check_")
}


# -- registration -------------------------------------------------------------------------------
def findings_of(analysis: "Analysis") -> dict[str, list[Finding]]:
    """Every finding of the family for ``analysis``, computed once and shared by its rules."""
    return computed_once(analysis, "rules.instructions", lambda: _Pass(analysis).run()).found


def _register(name: str, severity: str, summary: str) -> None:
    @rule(name, family=FAMILY, severity=severity, summary=summary, aliases=_ALIASES.get(name, ()),
          fixable=name in _FIXABLE)
    def check(analysis: "Analysis") -> Iterator[Finding]:
        for finding in findings_of(analysis)[name]:
            yield attrs.evolve(finding)

    check.__name__ = f"check_{name}"


for _name, (_severity, _summary) in _RULES.items():
    _register(_name, _severity, _summary)


__all__ = [
    "FLAG_SPECS",
    "KEYWORDS",
    "chmod_problem",
    "findings_of",
    "levenshtein",
    "parse_go_duration",
    "parse_mount",
    "platform_problem",
    "port_spec_problem",
    "substitution_problem",
    "suggest",
    "valid_signal",
]

