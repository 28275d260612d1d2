"""Rules driven by the project's .hadolint.yaml (trusted registries, label schema) and the two
hadolint rules that are off by default (DL1001, DL3057); a broken configuration file is one
clear diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest

from docksense.rules import RuleConfig
from docksense.rules.practice.label_schema import is_email, is_git_hash, is_rfc3339, is_semver, is_spdx, is_url

from .rule_helpers import findings


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / ".hadolint.yaml").write_text(config, encoding="utf-8")
    return tmp_path / "Dockerfile"


def spans(text: str, rule: str, path: Path, config: RuleConfig | None = None) -> list[str]:
    return [text[f.start:f.end] for f in findings(text, rule, path=path, config=config)]


# -- RegistryNotTrusted (DL3026) ------------------------------------------------------------------
def test_registries_are_checked_only_when_the_project_lists_some(tmp_path):
    text = "FROM random.com/debian:12\n"
    assert spans(text, "RegistryNotTrusted", tmp_path / "Dockerfile") == []
    path = project(tmp_path, "trustedRegistries: [docker.io]\n")
    assert spans(text, "RegistryNotTrusted", path) == ["random.com/debian:12"]


def test_registry_patterns_stages_copy_and_mounts(tmp_path):
    path = project(tmp_path, "trustedRegistries:\n  - '*.trusted.com'\n")
    text = (
        "FROM a.trusted.com/base:1 AS build\n"
        "FROM build\n"
        "COPY --from=build /a /a\n"
        "COPY --from=evil.com/img:1 /b /b\n"
        "RUN --mount=type=cache,from=evil.com/cache:1,target=/c true\n"
        "FROM ubuntu:24.04\n"
        "FROM scratch\n"
    )
    assert spans(text, "RegistryNotTrusted", path) == [
        "evil.com/img:1", "--mount=type=cache,from=evil.com/cache:1,target=/c", "ubuntu:24.04"]


def test_every_spelling_of_docker_hub(tmp_path):
    path = project(tmp_path, "trustedRegistries: docker.io\n")
    text = "FROM ubuntu:24.04\nFROM me/app:1\nFROM docker.io/me/app:1\nFROM quay.io/x/y:1\n"
    assert spans(text, "RegistryNotTrusted", path) == ["quay.io/x/y:1"]


# -- the label schema (DL3049 to DL3058) ------------------------------------------------------------
SCHEMA = """label-schema:
  author: text
  contact: email
  created: rfc3339
  version: semver
  documentation: url
  git-revision: hash
  license: spdx
"""


def test_labels_of_the_wrong_type_are_flagged_on_their_value(tmp_path):
    path = project(tmp_path, SCHEMA)
    text = ('FROM alpine:3.20\nLABEL author="me" contact="nobody" created="yesterday" version="v1" '
            'documentation="docs" git-revision="main" license="MIT-ish"\n')
    expected = {"LabelNotEmail": ['"nobody"'], "LabelNotRfc3339": ['"yesterday"'], "LabelNotSemver": ['"v1"'],
                "LabelNotUrl": ['"docs"'], "LabelNotGitHash": ['"main"'], "LabelNotSpdx": ['"MIT-ish"']}
    for rule, covered in expected.items():
        assert spans(text, rule, path) == covered, rule
    good = ('FROM alpine:3.20\nLABEL author="me" contact="me@example.com" created="2024-05-01T12:00:00Z" '
            'version="1.2.3-rc.1+b5" documentation="https://example.com/docs" git-revision="2dbfae9" license="MIT"\n')
    assert [f.rule for f in findings(good, path=path) if f.rule.startswith("Label")] == []


def test_missing_and_empty_labels(tmp_path):
    path = project(tmp_path, "label-schema:\n  maintainer: text\n")
    text = 'FROM alpine:3.20 AS build\nFROM alpine:3.20\nLABEL maintainer=""\nCOPY --from=build /a /a\n'
    # the build stage is an intermediate (copied from), the last stage has the label (empty)
    assert spans(text, "LabelMissing", path) == []
    assert spans(text, "LabelEmpty", path) == ['maintainer=""']
    assert spans("FROM alpine:3.20\nFROM debian:12\n", "LabelMissing", path) == ["FROM", "FROM"]


def test_strict_labels(tmp_path):
    path = project(tmp_path, "label-schema:\n  maintainer: text\nstrict-labels: true\n")
    text = 'FROM alpine:3.20\nLABEL maintainer="me" other="x"\n'
    assert spans(text, "LabelNotInSchema", path) == ["other"]


@pytest.mark.parametrize("check, good, bad", [
    (is_url, ["https://example.com/x?y=1", "mailto:me@example.com"], ["not-url", "", "http://a b"]),
    (is_rfc3339, ["2021-03-10T10:26:33.564595127+01:00", "2024-01-01t00:00:00z"], ["2024-13-01T00:00:00Z", "today"]),
    (is_spdx, ["BSD-3-Clause", "Apache-2.0"], ["not-spdx", "MIT OR Apache-2.0", ""]),
    (is_git_hash, ["2dbfae9", "43c572f1272b6b3171dd1db9e41b7027128ce080"], ["2DBFAE9", "abc", "main"]),
    (is_semver, ["1.0.0", "1.0.0-alpha.1+001"], ["1.0", "01.0.0", "1.0.0-01"]),
    (is_email, ["abcd@google.com"], ["not-email", "a@", "@b.com"]),
])
def test_label_value_checks(check, good, bad):
    assert all(check(v) for v in good) and not any(check(v) for v in bad)


def test_value_checks_are_linear_on_long_values():
    long = "a" * 200_000 + "!"
    for check in (is_url, is_rfc3339, is_spdx, is_git_hash, is_semver, is_email):
        check(long)
        check("1." * 100_000)


# -- off by default: HealthcheckMissing (DL3057), InlineIgnorePragma (DL1001) ----------------------
def test_off_by_default_rules_run_when_switched_on(tmp_path):
    text = "# hadolint ignore=DL3008\nFROM alpine:3.20 AS base\nHEALTHCHECK NONE\nFROM base\nFROM alpine:3.20\n"
    assert findings(text, "HealthcheckMissing") == [] and findings(text, "InlineIgnorePragma") == []
    on = RuleConfig(severity={"DL3057": "warning", "DL1001": "information"})
    assert spans(text, "HealthcheckMissing", tmp_path / "Dockerfile", on) == ["FROM"]
    assert spans(text, "InlineIgnorePragma", tmp_path / "Dockerfile", on) == ["hadolint ignore=DL3008"]


# -- a broken .hadolint.yaml -------------------------------------------------------------------------
def test_a_broken_configuration_is_one_diagnostic_and_never_a_crash(tmp_path):
    path = project(tmp_path, "ignored: [DL3008\n  - : :\n")
    found = findings("FROM alpine:3.20\nRUN apt-get install -y curl\n", "HadolintConfigInvalid", path=path)
    assert len(found) == 1
    assert ".hadolint.yaml" in found[0].message and "line" in found[0].message
    assert (found[0].start, found[0].end) == (0, len("FROM alpine:3.20"))


def test_wrong_values_are_named_in_the_diagnostic(tmp_path):
    path = project(tmp_path, "label-schema:\n  a: colour\nfailure-threshold: loud\n")
    found = findings("FROM alpine:3.20\n", "HadolintConfigInvalid", path=path)
    assert len(found) == 1 and "colour" in found[0].message and "loud" in found[0].message
