"""Every knowledge entry names its sources, and no two entries say the same thing in the same words
(a synonym is an alias, shared facts live in one entry that the others point to)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from docksense.knowledge import KnowledgeBase
from docksense.knowledge.loader import _iter_parts, load_file

# A sentence ends at . ! or ? followed by a space and a capital, a backquote or a parenthesis.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")
# Shorter sentences ("Answer yes to prompts.") are option glosses that may coincide legitimately.
_MIN_WORDS = 8


@pytest.fixture(scope="module")
def entries():
    kb = KnowledgeBase()
    loaded = kb.load_all()
    assert [str(p) for p in kb.problems] == []
    return loaded


def test_every_entry_names_http_sources(entries):
    missing = [e.source for e in entries if not e.sources]
    assert missing == []
    for entry in entries:
        assert all(re.match(r"https?://[^\s/]+\.[^\s/]+", url) for url in entry.sources), entry.source
        assert len(set(entry.sources)) == len(entry.sources), entry.source


def test_image_lifecycle_sources_are_listed(entries):
    for entry in entries:
        if entry.kind == "image" and entry.lifecycle and entry.lifecycle.source_url:
            assert entry.lifecycle.source_url in entry.sources, entry.source


def test_loader_rejects_sources_that_are_not_urls(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('kind = "env"\nname = "X"\nsummary = "s"\npurpose = "p"\nwhy = "w"\n'
                    'sources = ["docs.docker.com/reference", "https://docs.docker.com/reference/"]\n', encoding="utf-8")
    entry, problems = load_file(path)
    assert entry is None and problems and "http(s) URL" in problems[0].message and problems[0].line == 6


def test_loader_rejects_a_sentence_as_action(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('kind = "command"\nname = "x"\nsummary = "s"\npurpose = "p"\nwhy = "w"\n'
                    'action = "Installs packages."\n', encoding="utf-8")
    entry, problems = load_file(path)
    assert entry is None and "action" in problems[0].message


def _sentences(entry):
    texts = [entry.summary, entry.purpose, entry.why, *entry.notes]
    for _, part in _iter_parts(entry):
        texts.extend([part.summary, part.purpose, part.why, *part.notes])
    for text in texts:
        for sentence in _SENTENCE_END.split(" ".join(text.split())):
            if len(sentence.split()) >= _MIN_WORDS:
                yield sentence


def test_no_sentence_is_repeated_across_entries(entries):
    where = defaultdict(set)
    for entry in entries:
        for sentence in set(_sentences(entry)):
            where[sentence].add(entry.id)
    repeated = {s: sorted(ids) for s, ids in where.items() if len(ids) > 1}
    assert repeated == {}


def test_duplicate_detection_works():
    """The check itself: two entries sharing a long sentence are caught."""
    from docksense.knowledge.models import Entry

    shared = "This sentence has more than eight words in it for sure."
    a = Entry(kind="env", name="A", summary="a", purpose=shared, why="w")
    b = Entry(kind="env", name="B", summary="b", purpose="p", why=shared)
    assert shared in set(_sentences(a)) & set(_sentences(b))
