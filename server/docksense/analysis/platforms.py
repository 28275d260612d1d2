"""Platforms: ``os/arch[/variant]`` as BuildKit reads ``--platform`` and the platform ARGs.

Parsing and normalisation follow containerd's ``platforms.Parse`` and ``Normalize`` (read from
containerd/platforms): a lone OS gets its default architecture, a lone architecture means
Linux, and the usual aliases are folded (``x86_64`` is ``amd64``, ``aarch64`` is ``arm64``,
``armhf`` is ``arm/v7``...). A spec BuildKit would refuse parses to None.

The build's platforms are not in the file: the predefined ARGs take the values of a
``linux/amd64`` build (what BuildKit's linter assumes as well), see :data:`PLATFORM_DEFAULTS`.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

from .images import parse_image


class Platform(NamedTuple):
    os: str
    arch: str
    variant: str

    def __str__(self) -> str:
        return "/".join(p for p in self if p)


PLATFORM_DEFAULTS: dict[str, str] = {
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
"""The values BuildKit's defaultArgs gives the predefined platform ARGs on a linux/amd64 build."""

KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 "
    "solaris wasip1 windows zos".split()
)
KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle mips64 "
    "mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
_ARCH_ALIASES = {
    "i386": ("386", ""), "x86_64": ("amd64", ""), "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""), "armhf": ("arm", "v7"), "armel": ("arm", "v6"),
}
_PART = re.compile(r"^[A-Za-z0-9_.\-]+$")

ARCH_NAMESPACES: dict[str, tuple[str, str]] = {
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
"""Docker Hub per-architecture repositories: each holds images of a single platform."""


def normalize_arch(arch: str, variant: str) -> tuple[str, str]:
    arch, variant = arch.lower(), variant.lower()
    if arch in _ARCH_ALIASES:
        alias_arch, alias_variant = _ARCH_ALIASES[arch]
        return alias_arch, variant or alias_variant
    if arch == "arm64" and variant in ("8", "v8"):
        return arch, "v8"
    if arch == "arm" and variant in ("", "7"):
        return arch, "v7" if variant else variant
    return arch, variant


def parse_platform(spec: str) -> Optional[Platform]:
    """``os/arch[/variant]`` as containerd parses it; None when BuildKit would refuse it."""
    if len(spec) > 256:  # no real platform is this long; do not split megabytes
        return None
    text = spec
    if "(" in text:
        before, _, rest = text.partition("(")
        _, close, after = rest.partition(")")
        if not close:
            return None
        text = before + after
    parts = text.split("/")
    if not parts or any(not _PART.match(p) for p in parts):
        return None
    if len(parts) == 1:
        word = parts[0].lower()
        if word in KNOWN_OS or word == "macos":
            return Platform("darwin" if word == "macos" else word, "amd64", "")
        arch, variant = normalize_arch(word, "")
        if arch in KNOWN_ARCH:
            return Platform("linux", arch, variant)
        return None
    if len(parts) > 3:
        return None
    os_name = parts[0].lower()
    os_name = "darwin" if os_name == "macos" else os_name
    arch, variant = normalize_arch(parts[1], parts[2] if len(parts) == 3 else "")
    return Platform(os_name, arch, variant)


def namespace_platform(base: Optional[str]) -> Optional[tuple[str, str]]:
    """The platform of a Docker Hub per-architecture repository (``arm64v8/alpine``)."""
    if not base:
        return None
    ref = parse_image(base)
    if ref is None or ref.registry or "/" not in ref.repository:
        return None
    return ARCH_NAMESPACES.get(ref.repository.split("/", 1)[0])


_WINDOWS_WORDS = ("windows", "nanoserver", "servercore")


def looks_windows(image: str) -> bool:
    """Whether an image name says it is a Windows image (``.../windows/servercore:ltsc2022``)."""
    lowered = image.lower()
    return any(word in lowered for word in _WINDOWS_WORDS)
