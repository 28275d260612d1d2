"""The label schema of ``.hadolint.yaml`` (``label-schema``, ``strict-labels``): DL3049 to DL3058.

A project that declares its labels (``author: text``, ``created: rfc3339``,
``documentation: url`` ...) gets every image checked against the declaration: each declared
label present in every stage that ends up as an image (LabelMissing), none other when
``strict-labels`` is on (LabelNotInSchema), none empty (LabelEmpty), and each value of the
declared type. Without a schema none of these rules reports anything.

The value checks follow hadolint's: a URL has a scheme (``https:``...), a date is an RFC 3339
timestamp, a licence is one SPDX licence identifier, a git hash has 7 or 40 lower-case hex
digits, a version is a semantic version, an e-mail address has a local part and a domain.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterator

from ...syntax import Instruction
from ...syntax.nodes import KeyValue
from ...syntax.words import unquote
from ..hadolint_config import project_config
from ..model import Finding
from ..registry import rule
from .common import found_at
from .healthcheck_missing import image_name
from .model import FAMILY

if TYPE_CHECKING:
    from ...analysis import Analysis

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]*")
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d{1,12})?(?:[Zz]|[+-]\d\d:\d\d)")
_HASH = re.compile(r"[0-9a-f]{7}|[0-9a-f]{40}")
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")
_SEMVER_PART = re.compile(r"0|[1-9][0-9]*")
_IDENT = re.compile(r"[0-9A-Za-z-]+")


def is_url(value: str) -> bool:
    return bool(_URL.fullmatch(value))


def is_rfc3339(value: str) -> bool:
    if not _RFC3339.fullmatch(value):
        return False
    text = value.replace("z", "Z").replace("t", "T").replace(" ", "T").replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # Python reads at most 6 fraction digits
        digits = re.match(r"\d+", rest).group(0)  # type: ignore[union-attr]
        text = head + "." + digits[:6].ljust(6, "0") + rest[len(digits):]
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_spdx(value: str) -> bool:
    """One SPDX licence identifier (not an expression), as hadolint's ``LicenseId`` parse."""
    from packaging.licenses import (
        InvalidLicenseExpression,
        canonicalize_license_expression,
    )

    if not value or " " in value or value.startswith("LicenseRef-"):
        return False
    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return False
    return True


def is_git_hash(value: str) -> bool:
    return bool(_HASH.fullmatch(value))


def is_semver(value: str) -> bool:
    """Semantic Versioning 2.0.0: ``MAJOR.MINOR.PATCH[-pre.release][+build.meta]``."""
    core, plus, build = value.partition("+")
    core, dash, pre = core.partition("-")
    numbers = core.split(".")
    if len(numbers) != 3 or not all(_SEMVER_PART.fullmatch(n) for n in numbers):
        return False
    if dash and not all(_IDENT.fullmatch(p) and not (p.isdigit() and p != "0" and p.startswith("0"))
                        for p in pre.split(".")):
        return False
    return not plus or all(_IDENT.fullmatch(p) for p in build.split("."))


def is_email(value: str) -> bool:
    return len(value) <= 320 and bool(_EMAIL.fullmatch(value))


def _labels(analysis: "Analysis") -> Iterator[tuple[Instruction, Instruction, KeyValue, str, str]]:
    """(instruction in the file, LABEL, pair, key, value) for every label, ONBUILD ones too."""
    for ins in analysis.tree.instructions:
        target = ins.trigger if ins.trigger is not None else ins
        if target.name != "LABEL":
            continue
        for pair in target.pairs:
            yield ins, target, pair, unquote(pair.key), unquote(pair.value or "")


def _value_span(pair: KeyValue) -> tuple[int, int]:
    if pair.value_start >= 0 and pair.value_end > pair.value_start:
        return pair.value_start, pair.value_end
    return pair.key_start, pair.key_end


@rule("LabelMissing", family=FAMILY, severity="information", aliases=("DL3049",),
      summary="A stage lacks a label that .hadolint.yaml's label-schema requires.")
def check_label_missing(analysis: "Analysis") -> Iterator[Finding]:
    """hadolint's bookkeeping: a stage built FROM a stage that has the label has it too; a
    stage another copies files from (``COPY --from``) is an intermediate, so it needs none;
    a stage that sets the label also settles the stages of the same name."""
    schema = project_config(analysis).label_schema
    if not schema:
        return
    stages = analysis.stages
    images = [image_name(s.image.text) if s.image is not None else "" for s in stages]
    aliases = [s.name.text if s.name is not None else None for s in stages]
    for label in schema:
        good: set[int] = set()
        bad: set[int] = set()
        for index, stage in enumerate(stages):
            if any(aliases[g] is not None and aliases[g] == images[index] for g in good):
                good.add(index)
            else:
                bad.add(index)
            for ins in stage.instructions[1:]:
                if ins.name == "COPY":
                    source = ins.flag("from")
                    if source is not None and source.value:
                        bad -= {b for b in bad if aliases[b] == unquote(source.value)}
                elif ins.name == "LABEL" and any(unquote(p.key) == label for p in ins.pairs):
                    current = aliases[index] or images[index]
                    bad -= {b for b in bad if aliases[b] == current}
                    good.add(index)
                    bad.discard(index)
        for index in sorted(bad):
            ins = stages[index].instruction
            yield found_at("LabelMissing",
                           f"Label '{label}' is missing: the project's label-schema requires it in every "
                           "image.", (ins.keyword_start, ins.keyword_end), ins)


@rule("LabelNotInSchema", family=FAMILY, severity="information", aliases=("DL3050",),
      summary="A label that .hadolint.yaml's label-schema does not declare, with strict-labels on.")
def check_label_not_in_schema(analysis: "Analysis") -> Iterator[Finding]:
    config = project_config(analysis)
    if not config.strict_labels:
        return
    for ins, _target, pair, key, _value in _labels(analysis):
        if key not in config.label_schema:
            yield found_at("LabelNotInSchema",
                           f"Label '{key}' is not in the project's label-schema, and strict-labels is on: "
                           "remove it or declare it in .hadolint.yaml.", (pair.key_start, pair.key_end), ins)


@rule("LabelEmpty", family=FAMILY, severity="warning", aliases=("DL3051",),
      summary="A label that .hadolint.yaml's label-schema declares is set to an empty value.")
def check_label_empty(analysis: "Analysis") -> Iterator[Finding]:
    schema = project_config(analysis).label_schema
    if not schema:
        return
    for ins, _target, pair, key, value in _labels(analysis):
        if key in schema and pair.value is not None and not value:
            yield found_at("LabelEmpty", f"Label '{key}' is empty: give it a value.",
                           (pair.key_start, max(pair.end, pair.key_end)), ins)


def _typed(name: str, kind: str, valid: Callable[[str], bool], what: str,
           analysis: "Analysis") -> Iterator[Finding]:
    schema = project_config(analysis).label_schema
    wanted = {key for key, declared in schema.items() if declared == kind}
    if not wanted:
        return
    for ins, _target, pair, key, value in _labels(analysis):
        if key in wanted and value and "$" not in value and not valid(value):
            yield found_at(name, f"Label '{key}' should be {what}; '{value}' is not.", _value_span(pair), ins)


@rule("LabelNotUrl", family=FAMILY, severity="warning", aliases=("DL3052",),
      summary="A label declared as url in the label-schema does not hold a URL.")
def check_label_not_url(analysis: "Analysis") -> Iterator[Finding]:
    return _typed("LabelNotUrl", "url", is_url, "a URL (with a scheme, e.g. https://...)", analysis)


@rule("LabelNotRfc3339", family=FAMILY, severity="warning", aliases=("DL3053",),
      summary="A label declared as rfc3339 in the label-schema does not hold an RFC 3339 timestamp.")
def check_label_not_rfc3339(analysis: "Analysis") -> Iterator[Finding]:
    return _typed("LabelNotRfc3339", "rfc3339", is_rfc3339,
                  "an RFC 3339 timestamp (e.g. 2024-05-01T12:00:00Z)", analysis)


@rule("LabelNotSpdx", family=FAMILY, severity="warning", aliases=("DL3054",),
      summary="A label declared as spdx in the label-schema does not hold an SPDX licence identifier.")
def check_label_not_spdx(analysis: "Analysis") -> Iterator[Finding]:
    return _typed("LabelNotSpdx", "spdx", is_spdx, "an SPDX licence identifier (e.g. Apache-2.0)", analysis)


@rule("LabelNotGitHash", family=FAMILY, severity="warning", aliases=("DL3055",),
      summary="A label declared as hash in the label-schema does not hold a git commit hash.")
def check_label_not_git_hash(analysis: "Analysis") -> Iterator[Finding]:
    return _typed("LabelNotGitHash", "hash", is_git_hash,
                  "a git commit hash (7 or 40 lower-case hexadecimal digits)", analysis)


@rule("LabelNotSemver", family=FAMILY, severity="warning", aliases=("DL3056",),
      summary="A label declared as semver in the label-schema does not hold a semantic version.")
def check_label_not_semver(analysis: "Analysis") -> Iterator[Finding]:
    return _typed("LabelNotSemver", "semver", is_semver, "a semantic version (e.g. 1.4.2)", analysis)


@rule("LabelNotEmail", family=FAMILY, severity="warning", aliases=("DL3058",),
      summary="A label declared as email in the label-schema does not hold an e-mail address.")
def check_label_not_email(analysis: "Analysis") -> Iterator[Finding]:
    return _typed("LabelNotEmail", "email", is_email, "an e-mail address", analysis)


