"""``.hadolint.yaml``: the project settings hadolint users already have, read as data.

Projects that lint with hadolint keep their decisions in ``.hadolint.yaml`` (or ``.yml``);
honouring it means docksense agrees with their CI without a second configuration. Every key
hadolint documents is read as hadolint reads it:

- ``ignored``: rule codes (or docksense rule names) that are switched off;
- ``override``: ``error`` / ``warning`` / ``info`` / ``style`` lists that set a rule's
  severity (``info`` becomes ``information``, ``style`` becomes ``hint``);
- ``failure-threshold``: the default ``--fail-level`` of ``docksense check``
  (``ignore``/``none`` mean "never fail");
- ``no-fail``: ``docksense check`` never fails on findings of this file;
- ``disable-ignore-pragma``: inline ``# hadolint ignore=`` pragmas are not honoured;
- ``trustedRegistries``: a registry or a list of them (``*.gcr.io``, ``*``); when set,
  RegistryNotTrusted (DL3026) flags images from anywhere else;
- ``label-schema`` (label -> ``text``, ``url``, ``rfc3339``, ``spdx``, ``hash``, ``semver``,
  ``email``) and ``strict-labels``: the label rules (DL3049 to DL3058);
- ``format`` and ``no-color`` are output options of hadolint's CLI: accepted, no effect here.

The file is found from the Dockerfile's folder upward to the filesystem root (or to the
workspace folder when one is given) and parsed with PyYAML's safe loader (no tags that build
objects, nothing executed), with the number of YAML nodes bounded so that a hostile file
costs milliseconds. A file that cannot be read is one problem (reported as a diagnostic by
HadolintConfigInvalid) and none of its settings apply; a wrong value for one key is a
problem for that key and the rest is kept.
"""

from __future__ import annotations

import logging
import reprlib
import os
import threading
from pathlib import Path
from typing import Any, Optional

import attrs
import yaml

log = logging.getLogger(__name__)

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")
MAX_BYTES = 1 << 20  # a larger "config" is not one; refuse rather than read it

KNOWN_KEYS = frozenset({
    "failure-threshold", "format", "ignored", "label-schema", "no-color", "no-fail", "override",
    "strict-labels", "disable-ignore-pragma", "trustedRegistries",
})
# hadolint's label types (``Hadolint.Rule.LabelType``)
LABEL_TYPES = ("text", "url", "rfc3339", "spdx", "hash", "semver", "email")

# hadolint's override sections -> our severities
OVERRIDE_SEVERITY = {"error": "error", "warning": "warning", "info": "information", "style": "hint"}
# hadolint's failure-threshold values -> ``docksense check --fail-level`` values
THRESHOLD = {
    "error": "error",
    "warning": "warning",
    "info": "info",
    "style": "hint",
    "ignore": "none",
    "none": "none",
}


@attrs.define(frozen=True)
class HadolintConfig:
    """The parts of a ``.hadolint.yaml`` docksense honours (names as written in the file)."""

    path: Optional[Path] = None
    ignored: tuple[str, ...] = ()
    override: dict[str, str] = attrs.Factory(dict)  # name or alias -> our severity
    failure_threshold: Optional[str] = None  # a --fail-level value, "none" for never
    no_fail: bool = False
    disable_ignore_pragma: bool = False
    trusted_registries: tuple[str, ...] = ()
    label_schema: dict[str, str] = attrs.Factory(dict)  # label -> one of LABEL_TYPES
    strict_labels: bool = False
    problems: tuple[str, ...] = ()


class ConfigReadError(ValueError):
    """The file is not YAML we can read, with the 1-based line when known."""

    def __init__(self, message: str, line: Optional[int] = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


# -- reading the YAML ----------------------------------------------------------------------------
try:  # libyaml's parser when the wheel has it: ~10x faster than the pure-Python one
    _BASE_LOADER: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BASE_LOADER = yaml.SafeLoader

# Longest number scalar converted. PyYAML reads YAML 1.1 sexagesimal integers (``1:59:59``)
# by multiplying ever larger powers of 60: quadratic, about 25 s for a 1 MB ``1:59:59...``;
# it also calls int() on decimal text past Python's 4,300-digit limit. No setting hadolint
# reads is a number that long, so a longer one is refused before any conversion.
MAX_NUMBER_CHARS = 64


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader with number scalars bounded by length before conversion."""


def _bounded(construct: Any) -> Any:
    def construct_bounded(loader: Any, node: Any) -> Any:
        if len(str(node.value)) > MAX_NUMBER_CHARS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number longer than {MAX_NUMBER_CHARS} characters", node.start_mark)
        return construct(loader, node)
    return construct_bounded


for _tag, _construct in (("tag:yaml.org,2002:int", yaml.constructor.SafeConstructor.construct_yaml_int),
                         ("tag:yaml.org,2002:float", yaml.constructor.SafeConstructor.construct_yaml_float)):
    _Loader.add_constructor(_tag, _bounded(_construct))
_LOADER: Any = _Loader

# A hadolint configuration has a few dozen entries. These bounds keep a hostile file (a
# 100,000-item list, a billion-laughs alias tree, nesting hundreds deep) cheap: the events
# are counted while parsing, so reading stops early instead of building the whole document.
MAX_EVENTS = 20_000
MAX_NODES = 20_000  # values visited when interpreting (aliases count each time they are used)


def _line_of(exc: Exception) -> Optional[int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def load_yaml(source: str) -> Any:
    """The document as plain data (``safe_load`` semantics), or :class:`ConfigReadError`."""
    try:
        events = 0
        for _event in yaml.parse(source, Loader=_LOADER):
            events += 1
            if events > MAX_EVENTS:
                raise ConfigReadError(f"too large: more than {MAX_EVENTS} YAML nodes")
        return yaml.load(source, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigReadError(f"not valid YAML ({problem})", _line_of(exc)) from None
    except RecursionError:
        raise ConfigReadError("nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # e.g. a timestamp or number out of range
        if isinstance(exc, ConfigReadError):
            raise
        raise ConfigReadError(f"not valid YAML ({exc})") from None


def _size(value: Any) -> int:
    """How many values the document holds, counted iteratively up to MAX_NODES + 1."""
    count = 0
    stack = [value]
    while stack and count <= MAX_NODES:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


# -- interpreting the document ---------------------------------------------------------
_TRUE = {"true", "yes", "on", "y", "1"}
_FALSE = {"false", "no", "off", "n", "0"}


def _text(value: Any) -> Optional[str]:
    """A scalar as hadolint reads it (a number or boolean written bare is still its text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    return None


def _names(value: Any, key: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        text = _text(item)
        if text:
            out.append(text)
        else:
            problems.append(f"'{key}' has an entry that is not a rule code: {reprlib.repr(item)}")
    return out


def _flag(value: Any, key: str, problems: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is not None and text.lower() in _TRUE:
        return True
    if value is None or (text is not None and text.lower() in _FALSE):
        return False
    problems.append(f"'{key}' must be true or false")
    return False


def _label_schema(value: Any, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append("'label-schema' must map label names to types (" + ", ".join(LABEL_TYPES) + ")")
        return {}
    out: dict[str, str] = {}
    for name, kind in value.items():
        label, kind_text = _text(name), _text(kind)
        if not label or kind_text not in LABEL_TYPES:
            problems.append(f"label-schema: {reprlib.repr(name)} has type {reprlib.repr(kind)}; expected one of "
                            + ", ".join(LABEL_TYPES))
            continue
        out[label] = kind_text
    return out


def config_from_text(source: str, path: Optional[Path] = None) -> HadolintConfig:
    """Interpret a ``.hadolint.yaml`` text; problems are collected, never raised."""
    problems: list[str] = []
    if len(source) > MAX_BYTES:
        return HadolintConfig(path=path, problems=(f"ignored: larger than {MAX_BYTES} bytes",))
    try:
        document = load_yaml(source)
    except ConfigReadError as exc:
        return HadolintConfig(path=path, problems=(f"cannot read: {exc}",))
    if document is None:
        return HadolintConfig(path=path)
    if not isinstance(document, dict):
        return HadolintConfig(path=path, problems=("the file must hold a mapping of settings",))
    if _size(document) > MAX_NODES:
        return HadolintConfig(path=path, problems=(f"ignored: more than {MAX_NODES} values",))
    unknown = sorted(str(key) for key in document if str(key) not in KNOWN_KEYS)
    if unknown:
        problems.append("unknown setting(s) " + ", ".join(reprlib.repr(k) for k in unknown[:5]))
    ignored = _names(document.get("ignored"), "ignored", problems)
    override: dict[str, str] = {}
    raw_override = document.get("override")
    if isinstance(raw_override, dict):
        for section, names in raw_override.items():
            severity = OVERRIDE_SEVERITY.get(str(section))
            if severity is None:
                problems.append(f"unknown override section {reprlib.repr(section)} "
                                "(expected error, warning, info, style)")
                continue
            for name in _names(names, f"override.{section}", problems):
                override[name] = severity
    elif raw_override is not None:
        problems.append("'override' must be a mapping of error/warning/info/style lists")
    threshold = None
    raw_threshold = document.get("failure-threshold")
    if raw_threshold is not None:
        threshold = THRESHOLD.get((_text(raw_threshold) or "").lower())
        if threshold is None:
            problems.append(f"unknown failure-threshold {reprlib.repr(raw_threshold)}")
    registries = _names(document.get("trustedRegistries"), "trustedRegistries", problems)
    return HadolintConfig(
        path=path,
        ignored=tuple(ignored),
        override=override,
        failure_threshold=threshold,
        no_fail=_flag(document.get("no-fail"), "no-fail", problems),
        disable_ignore_pragma=_flag(document.get("disable-ignore-pragma"), "disable-ignore-pragma", problems),
        trusted_registries=tuple(registries),
        label_schema=_label_schema(document.get("label-schema"), problems),
        strict_labels=_flag(document.get("strict-labels"), "strict-labels", problems),
        problems=tuple(problems),
    )


# -- finding and caching the file ------------------------------------------------------
_cache: dict[Path, tuple[tuple[int, int], HadolintConfig]] = {}
_cache_lock = threading.Lock()


def find_config_file(start: Path, stop: Optional[Path] = None) -> Optional[Path]:
    """The nearest ``.hadolint.yaml``/``.yml`` in ``start`` or a parent (up to ``stop``)."""
    try:
        folder = start.absolute()
        stop_at = stop.absolute() if stop is not None else None
    except OSError:
        return None
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        if stop_at is not None and folder == stop_at:
            return None
        parent = folder.parent
        if parent == folder:
            return None
        folder = parent


def load_config_file(path: Path) -> HadolintConfig:
    """The file's settings, re-read only when its size or modification time changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        return HadolintConfig(path=path, problems=(f"cannot read: {exc.strerror or exc}",))
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
    if stat.st_size > MAX_BYTES:
        config = HadolintConfig(path=path, problems=(f"ignored: larger than {MAX_BYTES} bytes",))
    else:
        try:
            source = path.read_bytes().decode("utf-8", "replace")
        except OSError as exc:
            config = HadolintConfig(path=path, problems=(f"cannot read: {exc.strerror or exc}",))
        else:
            config = config_from_text(source, path)
    for problem in config.problems:
        log.warning("%s: %s", path, problem)
    with _cache_lock:
        _cache[path] = (key, config)
    return config


def config_for(document: Optional[Path], stop: Optional[Path] = None,
               search_from: Optional[Path] = None) -> Optional[HadolintConfig]:
    """The settings that apply to a Dockerfile at ``document`` (or, without one, ``search_from``)."""
    if document is not None:
        start = document.parent
    elif search_from is not None:
        start = search_from
    else:
        return None
    if not str(start) or not os.path.isdir(start):
        return None
    found = find_config_file(start, stop)
    return load_config_file(found) if found is not None else None


# -- what rules read ---------------------------------------------------------------------------
_MEMO_KEY = "hadolint.project-config"


def use_project_config(analysis: Any, config: Optional[HadolintConfig]) -> None:
    """Record the project configuration the engine found for this analysis (rules such as
    RegistryNotTrusted and the label-schema rules read it through :func:`project_config`)."""
    memo = getattr(analysis, "memo", None)
    if memo is not None:
        memo[_MEMO_KEY] = config


def project_config(analysis: Any) -> HadolintConfig:
    """The ``.hadolint.yaml`` settings in force for ``analysis`` (empty when there is none)."""
    memo = getattr(analysis, "memo", None)
    config = memo.get(_MEMO_KEY) if memo is not None else None
    return config if isinstance(config, HadolintConfig) else _EMPTY


_EMPTY = HadolintConfig()
