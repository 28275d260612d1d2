"""Exact re-implementations of the Go value parsers BuildKit relies on: durations, integers,
booleans, signals, EXPOSE port specs, platforms and --chmod modes."""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Optional

from ...syntax.numbers import parse_int_bounded, parse_signed_int_bounded

if TYPE_CHECKING:
    pass

_INTEGER = re.compile(r"[+-]?[0-9]+")
_OCTAL = re.compile(r"[0-7]+")
_DECIMAL = re.compile(r"[0-9]+")


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
