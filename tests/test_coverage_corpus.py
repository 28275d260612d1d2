"""What people write inside RUN: the knowledge base explains at least 95% of command words and
80% of the options of those commands in the corpus's shell-form RUN instructions, and has an
entry for the most frequent command names."""

from __future__ import annotations

import sys

import pytest

from docksense.knowledge import KnowledgeBase

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import corpus_coverage  # noqa: E402  (bench/corpus_coverage.py)
import knowledge_coverage  # noqa: E402  (bench/knowledge_coverage.py)

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def measured():
    kb = KnowledgeBase()
    folders = [ROOT.parent / "shared" / "corpus" / "files"]
    return corpus_coverage.measure(corpus_coverage.files_under(folders), kb), kb


def test_command_word_share(measured):
    result, _ = measured
    assert result["command_occurrences"] > 20000
    assert result["command_share"] >= 0.95


def test_option_share(measured):
    result, _ = measured
    assert result["option_share"] >= 0.80


def test_most_frequent_commands_have_entries(measured):
    result, kb = measured
    top = result["top_commands"]
    assert len(top) == 150
    # the only names allowed to lack an entry are the files' own scripts and shell functions
    missing = [name for name, _ in top if kb.get("command", name.rsplit("/", 1)[-1]) is None]
    assert all(name.startswith(("_", "./", "/")) or name in ("ddist", "patches") for name in missing), missing


@pytest.fixture(scope="module")
def names():
    folders = [ROOT.parent / "shared" / "corpus" / "files"]
    return knowledge_coverage.measure(corpus_coverage.files_under(folders), KnowledgeBase())


@pytest.mark.parametrize(("kind", "at_least"), [("package", 6000), ("label", 150), ("image", 1200), ("env", 3500), ("tag_word", 1000)])
def test_names_in_the_corpus_are_explained(names, kind, at_least):
    """Distro packages in install commands, LABEL keys, images in FROM/COPY --from, ENV keys, the
    words of known images' tags:
    95% of their occurrences have an entry (the counts guard against a measurement that finds nothing)."""
    result = names[kind]
    assert result["occurrences"] >= at_least
    assert result["share"] >= 0.95, result["unexplained"][:20]
