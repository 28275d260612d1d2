"""Typed models of knowledge-base entries.

The TOML files are the source of truth; these attrs classes give the rest of the code a
typed, validated view of them. Conversion is done by cattrs with ``forbid_extra_keys`` so a
typo in a field name is reported instead of silently ignored.
"""

from __future__ import annotations

import attrs

KINDS = (
    "instruction",
    "flag",
    "mount",
    "directive",
    "arg",
    "substitution",
    "form",
    "command",
    "env",
    "path",
    "idiom",
    "image",
    "port",
    "signal",
    "rule",
    "package",
    "label",
)

# Kinds whose entries are one-liners: `purpose` may be empty (summary and why carry them).
ONE_LINE_KINDS = frozenset({"package", "label"})


@attrs.define
class Part:
    """An explained piece of an entry: an option, a value, a subcommand, a variant."""

    summary: str
    purpose: str = ""
    why: str = ""
    example: str = ""
    notes: list[str] = attrs.Factory(list)
    docs: str = ""
    since: str = ""
    aliases: list[str] = attrs.Factory(list)
    deprecated: str = ""
    takes_value: bool = False
    action: str = ""  # third-person action phrase ("installs packages") for line explanations
    values: dict[str, Part] = attrs.Factory(dict)
    options: dict[str, Part] = attrs.Factory(dict)


@attrs.define
class LifecycleLine:
    """One release line of an image and the date its support ends."""

    line: str
    eol: str
    lts: bool = False
    successor: str = ""


@attrs.define
class Lifecycle:
    """End-of-life facts for an image, stated as of a date with their source."""

    as_of: str
    source: str
    source_url: str = ""
    recommended: str = ""
    lines: list[LifecycleLine] = attrs.Factory(list)


@attrs.define
class Entry:
    """One knowledge-base entry: one TOML file."""

    kind: str
    name: str
    summary: str
    purpose: str = ""  # required except for one-line kinds (the loader checks)
    why: str = ""  # required (the loader checks)
    instruction: str = ""
    example: str = ""
    notes: list[str] = attrs.Factory(list)
    docs: str = ""
    since: str = ""
    aliases: list[str] = attrs.Factory(list)
    see_also: list[str] = attrs.Factory(list)
    deprecated: str = ""
    tags: list[str] = attrs.Factory(list)
    packages: list[str] = attrs.Factory(list)  # commands: package names that install it
    sources: list[str] = attrs.Factory(list)  # http(s) URLs the facts were checked against
    action: str = ""  # third-person action phrase ("installs packages") for line explanations
    options: dict[str, Part] = attrs.Factory(dict)
    values: dict[str, Part] = attrs.Factory(dict)
    subcommands: dict[str, Part] = attrs.Factory(dict)
    variants: dict[str, Part] = attrs.Factory(dict)
    lifecycle: Lifecycle | None = None
    # rule pages
    fix: str = ""
    bad: str = ""
    good: str = ""
    severity: str = ""
    family: str = ""
    # where it was read from (set by the loader, not by the file)
    source: str = attrs.field(default="", eq=False)

    @property
    def id(self) -> str:
        return entry_id(self.kind, self.name, self.instruction)


def entry_id(kind: str, name: str, instruction: str = "") -> str:
    """The id of an entry: ``kind:name``, or ``flag:INSTRUCTION:--name`` for flags."""
    if kind == "flag":
        return f"flag:{instruction.upper()}:{name}"
    return f"{kind}:{name}"
