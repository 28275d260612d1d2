"""Instruction flags and their values: ``--mount=`` options per mount type, ``--network=``,
``--security=``, ``--platform=``, ``--from=``, booleans, HEALTHCHECK durations.

The flags themselves and their documented values come from the knowledge base (one entry per
flag, one per mount type, written from the Dockerfile reference); only values the reference
states as examples or defaults (platforms, durations, modes) are listed here.
"""

from __future__ import annotations

from ...analysis import Analysis
from ...knowledge import KnowledgeBase, find_part
from ...syntax import Instruction
from .context import Context
from .items import Candidate, Kind
from .references import stage_candidates

BOOLEAN_FLAGS = frozenset({"link", "parents", "keep-git-dir", "unpack"})
REPEATABLE = frozenset({"mount", "exclude", "device"})
PLATFORMS = (
    ("$BUILDPLATFORM", "the platform of the machine running the build (native speed)"),
    ("$TARGETPLATFORM", "the platform being built for (already the default)"),
    ("linux/amd64", "64-bit x86"),
    ("linux/arm64", "64-bit ARM (Apple silicon, Graviton)"),
    ("linux/arm/v7", "32-bit ARMv7"),
    ("linux/arm/v6", "32-bit ARMv6"),
    ("linux/386", "32-bit x86"),
    ("linux/ppc64le", "POWER little-endian"),
    ("linux/s390x", "IBM Z"),
    ("linux/riscv64", "64-bit RISC-V"),
    ("windows/amd64", "Windows containers on x86-64"),
)
DURATION_DEFAULTS = {
    "interval": ("30s", ("10s", "30s", "1m", "5m")),
    "timeout": ("30s", ("3s", "5s", "10s", "30s")),
    "start-period": ("0s", ("5s", "10s", "30s", "1m")),
    "start-interval": ("5s", ("1s", "2s", "5s")),
    "retries": ("3", ("1", "3", "5")),
}
CHMOD_VALUES = (("755", "rwxr-xr-x: executables and directories"), ("644", "rw-r--r--: ordinary files"),
                ("+x", "add execute permission"), ("u=rwX,go=rX", "symbolic: owner writes, others read"))
MOUNT_MODES = {"cache": "0755", "secret": "0400", "ssh": "0600"}
# Where common tools keep their caches (as root), for ``type=cache,target=``; the word in the
# RUN that suggests each one sorts it first.
CACHE_TARGETS = (
    ("/root/.cache/pip", "pip"), ("/var/cache/apt", "apt"), ("/var/lib/apt", "apt"), ("/root/.npm", "npm"),
    ("/usr/local/share/.cache/yarn", "yarn"), ("/root/.local/share/pnpm/store", "pnpm"),
    ("/go/pkg/mod", "go"), ("/root/.cache/go-build", "go"), ("/usr/local/cargo/registry", "cargo"),
    ("/root/.m2", "mvn"), ("/root/.gradle", "gradle"), ("/var/cache/apk", "apk"), ("/root/.cache/uv", "uv"),
    ("/var/cache/dnf", "dnf"), ("/root/.nuget/packages", "dotnet"), ("/usr/local/bundle", "bundle"),
    ("/root/.composer/cache", "composer"),
)


def flag_name_candidates(kb: KnowledgeBase, ins: Instruction, typed: str, start: int,
                         analysis: Analysis | None = None) -> list[Candidate]:
    present = {f.name.lower() for f in ins.flags}
    stages: list[str] = []
    if analysis is not None and ins.name == "COPY":
        from .references import earlier_stages

        stages = [s.name.text if s.name is not None else str(s.index) for s in earlier_stages(analysis, ins)]
    out = []
    for entry in sorted(kb.flags_of(ins.name), key=lambda e: e.name):
        bare = entry.name.lstrip("-").lower()
        if bare in present and bare not in REPEATABLE and typed.lstrip("-").lower() != bare:
            continue
        insert = entry.name if bare in BOOLEAN_FLAGS else entry.name + "="
        detail = entry.summary.strip()
        if entry.since and entry.since not in ("legacy",):
            detail = f"(dockerfile {entry.since}) {detail}"
        out.append(Candidate(entry.name, Kind.Property, insert=insert, snippet=_flag_snippet(entry, bare, stages),
                             detail=detail, start=start, filter=entry.name, data={"id": entry.id}))
    return out


# Snippet bodies after ``--name=`` for clients with snippet support (choices where the values
# are a closed set); ``$`` is escaped as snippet syntax requires.
_SNIPPETS = {
    "mount": "type=${1|cache,bind,tmpfs,secret,ssh|},target=${2:/path}",
    "platform": "${1:\\$BUILDPLATFORM}",
    "chown": "${1:user}:${2:group}",
    "chmod": "${1:755}",
    "checksum": "sha256:${1:hex}",
    "exclude": "${1:pattern}",
    "device": "${1:vendor.com/class=name}",
    "retries": "${1:3}",
}


def _flag_snippet(entry, bare: str, stages: list[str]) -> str:
    if bare in BOOLEAN_FLAGS:
        return ""
    if entry.values:
        return f"{entry.name}=${{1|{','.join(entry.values)}|}}"
    if bare == "from":
        names = [n for n in stages if n and all(c not in n for c in ",|\\$}")]
        return f"{entry.name}=${{1|{','.join(names)}|}}" if names else f"{entry.name}=${{1:stage}}"
    if bare in DURATION_DEFAULTS and bare != "retries":
        return f"{entry.name}=${{1:{DURATION_DEFAULTS[bare][0]}}}"
    body = _SNIPPETS.get(bare)
    return f"{entry.name}={body}" if body else ""


def flag_value_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context, ins: Instruction,
                          name: str, value: str, start: int) -> list[Candidate]:
    """Values for ``--name=`` with ``value`` typed so far (``start`` is where it begins)."""
    name = name.lower()
    entry = kb.get("flag", "--" + name, ins.name)
    if ins.name == "RUN" and name == "mount":
        return mount_candidates(analysis, kb, ctx, ins, value, start)
    if ins.name == "RUN" and name == "device":
        return _device(entry, value, start)
    if entry is not None and entry.values:
        return [Candidate(key, Kind.EnumMember, detail=part.summary.strip(), start=start,
                          data={"id": entry.id, "path": ["values", key]}) for key, part in entry.values.items()]
    if name in BOOLEAN_FLAGS:
        return [Candidate(b, Kind.Value, start=start) for b in ("true", "false")]
    if ins.name == "FROM" and name == "platform":
        return [Candidate(p, Kind.Value, detail=why, sort=f"{i:02d}", start=start, data={"id": entry.id} if entry else None)
                for i, (p, why) in enumerate(PLATFORMS)]
    if name == "from" and ins.name in ("COPY", "ADD"):
        return _stage_or_image(analysis, kb, ins, value, start)
    if ins.name == "HEALTHCHECK" and name in DURATION_DEFAULTS:
        default, common = DURATION_DEFAULTS[name]
        return [Candidate(v, Kind.Value, detail="default" if v == default else "", sort=f"{i}", start=start)
                for i, v in enumerate(common)]
    if name == "chown":
        from .references import user_candidates

        return user_candidates(analysis, ins, value, start)
    if name == "chmod":
        return [Candidate(v, Kind.Value, detail=why, sort=f"{i}", start=start) for i, (v, why) in enumerate(CHMOD_VALUES)]
    if name == "checksum" and not value:
        return [Candidate("sha256:", Kind.Value, detail="sha256:<hex> of the downloaded file", start=start)]
    return []


def _stage_or_image(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, value: str, start: int) -> list[Candidate]:
    """An earlier stage, or an image (with its tags after ``name:``)."""
    if ":" in value.rsplit("/", 1)[-1]:
        from .images import tag_candidates

        image = value.rpartition(":")[0]
        return tag_candidates(kb, image, start + len(image) + 1)
    return stage_candidates(analysis, kb, ins, start, indexes=True, images=True)


def _device(entry, value: str, start: int) -> list[Candidate]:
    if "," not in value or entry is None:
        return []
    typed = value.rsplit(",", 1)[-1]
    return [Candidate(key, Kind.Property, detail=part.summary.strip(), start=start + len(value) - len(typed),
                      data={"id": entry.id, "path": ["options", key]}) for key, part in entry.options.items()]


# -- RUN --mount ------------------------------------------------------------------------------
def mount_candidates(analysis: Analysis, kb: KnowledgeBase, ctx: Context, ins: Instruction,
                     value: str, start: int) -> list[Candidate]:
    fields = value.split(",")
    typed = fields[-1]
    field_start = start + len(value) - len(typed)
    done = [f.split("=", 1) for f in fields[:-1]]
    mount_type = "bind"
    for pair in done:
        if pair[0].strip().lower() == "type" and len(pair) == 2:
            mount_type = pair[1].strip().lower()
    used = {pair[0].strip().lower() for pair in done}
    key, eq, _ = typed.partition("=")
    mount = kb.get("mount", mount_type)
    if not eq:
        return _mount_options(kb, mount, mount_type, used, field_start, first=not done)
    value_start = field_start + len(key) + 1
    key = key.strip().lower()
    if key == "type":
        flag = kb.get("flag", "--mount", "RUN")
        types = flag.options["type"].values if flag is not None and "type" in flag.options else {}
        return [Candidate(name, Kind.EnumMember, detail=part.summary.strip(), start=value_start,
                          sort="0" if name == "cache" else "1", data={"id": f"mount:{name}"})
                for name, part in types.items()]
    if mount is None:
        return []
    found = find_part(mount.options, key)
    if found is None:
        return []
    canonical, part = found
    if part.values:
        return [Candidate(v, Kind.EnumMember, detail=p.summary.strip(), start=value_start,
                          data={"id": mount.id, "path": ["options", canonical, "values", v]})
                for v, p in part.values.items()]
    if canonical == "from":
        return _stage_or_image(analysis, kb, ins, typed.partition("=")[2], value_start)
    if canonical in ("ro", "rw", "required", "readonly", "readwrite"):
        return [Candidate(b, Kind.Value, start=value_start) for b in ("true", "false")]
    if canonical == "mode" and mount_type in MOUNT_MODES:
        return [Candidate(MOUNT_MODES[mount_type], Kind.Value, detail="default", start=value_start)]
    if canonical in ("uid", "gid"):
        return [Candidate(v, Kind.Value, detail=why, start=value_start)
                for v, why in (("0", "root (default)"), ("1000", "first regular user on most images"))]
    if canonical == "target" and mount_type == "cache":
        return _cache_targets(ins, value_start)
    return []


def _mount_options(kb: KnowledgeBase, mount, mount_type: str, used: set[str], start: int,
                   first: bool) -> list[Candidate]:
    out = []
    if "type" not in used:
        out.append(Candidate("type", Kind.Property, insert="type=", detail="bind (default), cache, tmpfs, secret or ssh",
                             sort="0", start=start, data={"id": "flag:RUN:--mount", "path": ["options", "type"]}))
    if mount is None:
        return out
    for key, part in mount.options.items():
        names = {key, *part.aliases}
        if names & used:
            continue
        flag_like = key in ("ro", "rw", "required")  # written bare: `ro` means `ro=true`
        out.append(Candidate(key, Kind.Property, insert=key if flag_like else key + "=",
                             detail=f"{mount_type}: {part.summary.strip()}", sort="1" if key != "target" else "0",
                             start=start, data={"id": mount.id, "path": ["options", key]}))
    return out


def _cache_targets(ins: Instruction, start: int) -> list[Candidate]:
    words = set(ins.args.replace("-", " ").replace("&&", " ").split())
    out = []
    for index, (path, tool) in enumerate(CACHE_TARGETS):
        used = any(w == tool or w.startswith(tool) for w in words)
        out.append(Candidate(path, Kind.Folder, detail=f"{tool} cache", sort=("0" if used else "1") + f"{index:02d}",
                             start=start))
    return out


def flag_context(prefix_tokens: list[str], current: str) -> tuple[str, str | None] | None:
    """``(name, value)`` when ``current`` is a flag in the flag section (value None: no ``=``)."""
    if any(not t.startswith("--") for t in prefix_tokens) or not current.startswith("-"):
        return None
    body = current.lstrip("-")
    name, eq, value = body.partition("=")
    return (name, value if eq else None)
