"""RUN --mount and --device values, read like BuildKit's commands_runmount.go and
commands_rundevice.go."""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING, Optional

import attrs

from ...syntax.numbers import parse_int_bounded

if TYPE_CHECKING:
    pass
from .suggest import suggest
from .values import _DECIMAL, _OCTAL, parse_go_bool

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
