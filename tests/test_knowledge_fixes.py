"""One test per factual error the knowledge fact-check (issue 14) found, so none comes back."""

from __future__ import annotations

import pytest

from docksense.knowledge import KnowledgeBase, find_part


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def _text(entry) -> str:
    return " ".join([entry.summary, entry.purpose, entry.why, entry.example, *entry.notes])


def test_powershell_images_are_presented_as_unmaintained(kb):
    entry = kb.get("image", "mcr.microsoft.com/powershell")
    assert "mcr.microsoft.com/dotnet/sdk" in entry.deprecated
    assert entry.lifecycle is not None and entry.lifecycle.recommended == ""  # no line to move to here
    assert "FROM mcr.microsoft.com/powershell" not in entry.example


def test_mariadb_latest_is_not_the_lts_line(kb):
    entry = kb.get("image", "mariadb")
    assert "latest" not in entry.variants["lts"].summary.replace("`latest` is", "")
    assert "default" not in entry.variants["noble"].summary
    assert entry.lifecycle.recommended  # a stable LTS line


def test_apk_cache_holds_indexes_without_no_cache(kb):
    entry = kb.get("path", "/var/cache/apk")
    assert "empty unless" not in _text(entry)
    assert "APKINDEX" in entry.purpose and "--no-cache" in entry.why


def test_ruby_gemrc_lines(kb):
    notes = " ".join(kb.get("command", "gem").notes)
    assert "`gem: --no-document`" not in notes
    assert "`install: --no-document`" in notes and "`update: --no-document`" in notes


def test_run_device_is_labs_only(kb):
    entry = kb.get("flag", "--device", "RUN")
    assert "1.27" not in _text(entry)
    assert entry.since.endswith("-labs")


def test_apt_dist_clean_version(kb):
    for name in ("apt-get", "apt"):
        part = find_part(kb.get("command", name).subcommands, "dist-clean")[1]
        assert "3.0+" not in part.summary and "2.7.8" in part.summary + part.since, name


def test_go_end_of_life_is_the_release_of_the_version_two_later(kb):
    lines = {line.line: line.eol for line in kb.get("image", "golang").lifecycle.lines}
    assert lines["1.19"] == "2023-08-08"  # Go 1.21's release day
    assert lines["1.25"] == "2026-08-19"  # Go 1.27's release day


def test_cmd_note_covers_target_stages(kb):
    entry = kb.get("instruction", "CMD")
    assert "final stage has any effect" not in _text(entry)
    assert any("--target" in note for note in entry.notes)


def test_dotnet_self_contained_false(kb):
    publish = kb.get("command", "dotnet").subcommands["publish"]
    option = find_part(publish.options, "--self-contained")[1]
    assert "false" in option.summary
    assert "framework-dependent" in option.values["false"].summary


def test_apt_install_update_option_since_apt_2_7(kb):
    """Found while reviewing command options: `--update` (`-U`) came with APT 2.7.0, not 3.0."""
    option = find_part(kb.get("command", "apt-get").subcommands["install"].options, "-U")[1]
    assert option.since == "APT 2.7" and "3.0" not in option.summary
    assert find_part(kb.get("command", "apt").options, "--update")[1].since == "APT 2.7"


def test_image_variant_keys_are_single_tag_words(kb):
    """Tags are split at '-' before variants are looked up, so `bookworm-slim` as a key never matched:
    every variant key and alias must be one word."""
    compound = [(e.name, key) for e in kb.all_of("image") for key, part in e.variants.items()
                for word in (key, *part.aliases) if "-" in word]
    assert compound == []


def test_errors_found_by_the_sample_check(kb):
    """From the 60-entry sample: PHP_LDFLAGS holds linker flags only (-Wl,-O1 -pie), and the
    unconfirmed rabbitmq 3.10 end date (earlier than 3.9's, while 3.10 patch releases continued
    into 2023) is not stated."""
    assert "-fstack-protector" not in kb.get("env", "PHP_LDFLAGS").summary
    assert "-pie" in kb.get("env", "PHP_LDFLAGS").summary
    assert "3.10" not in {line.line for line in kb.get("image", "rabbitmq").lifecycle.lines}
