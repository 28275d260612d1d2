"""The knowledge base: schema, cross-references, coverage of the reference, user packs."""

from __future__ import annotations

import json

import pytest

from docksense.knowledge import KnowledgeBase, find_part
from docksense.knowledge.models import ONE_LINE_KINDS

from .conftest import REFERENCE



@pytest.fixture(scope="module")
def ref() -> dict:
    """BuildKit's reference facts (../shared); the tests that use it are marked `shared`."""
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    base = KnowledgeBase()
    base.load_all()
    return base


def test_schema_no_problems(kb):
    assert [str(p) for p in kb.problems] == []


def test_every_entry_has_docs_and_one_line_summary(kb):
    for entry in kb.load_all():
        assert entry.summary and "\n" not in entry.summary.strip(), entry.source
        assert entry.why.strip(), entry.source
        assert entry.purpose.strip() or entry.kind in ONE_LINE_KINDS, entry.source
        assert entry.docs.startswith("https://"), entry.source


def test_cross_references_resolve(kb):
    dangling = [(e.source, ref) for e in kb.load_all() for ref in e.see_also if kb.by_id(ref) is None]
    assert dangling == []


@pytest.mark.shared
def test_reference_instructions_and_flags_covered(kb, ref):
    for name, spec in ref["instructions"].items():
        assert kb.get("instruction", name) is not None, name
        for flag in spec.get("flags", {}):
            assert kb.get("flag", flag, name) is not None, (name, flag)


@pytest.mark.shared
def test_reference_mounts_covered(kb, ref):
    types = ref["instructions"]["RUN"]["flags"]["--mount"]["types"]
    for mount_type, spec in types.items():
        entry = kb.get("mount", mount_type)
        assert entry is not None, mount_type
        for option in spec["options"]:
            for spelling in option.split("|"):
                assert find_part(entry.options, spelling) is not None, (mount_type, spelling)


@pytest.mark.shared
def test_reference_network_and_security_values_covered(kb, ref):
    for flag in ("--network", "--security"):
        entry = kb.get("flag", flag, "RUN")
        values = ref["instructions"]["RUN"]["flags"][flag]["values"]
        for value in [v.strip().split(" ")[0] for v in values.split("|")]:
            assert find_part(entry.values, value) is not None, (flag, value)


@pytest.mark.shared
def test_reference_directives_args_substitutions_covered(kb, ref):
    for name in ref["directives"]:
        if not name.startswith("_"):
            assert kb.get("directive", name) is not None, name
    for name in ref["predefined_args"]:
        assert kb.get("arg", name) is not None, name
    names = {e.name for e in kb.all_of("substitution")} | {a for e in kb.all_of("substitution") for a in e.aliases}
    for item in ref["substitution"]:
        if "syntax" in item:
            assert item["syntax"] in names, item["syntax"]


def test_flask_env_is_marked_deprecated(kb):
    entry = kb.get("env", "FLASK_ENV")
    assert entry.deprecated and "FLASK_DEBUG" in entry.deprecated + entry.purpose + entry.why


def test_end_of_life_facts(kb):
    def eol(image, line):
        entry = kb.get("image", image)
        return next(l.eol for l in entry.lifecycle.lines if l.line == line)

    assert eol("node", "18") == "2025-04-30"
    assert eol("mcr.microsoft.com/dotnet/sdk", "7.0") == "2024-05-14"
    assert eol("python", "3.8") == "2024-10-07"


def test_user_pack_overrides_and_broken_entries_are_skipped(tmp_path):
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "mytool.toml").write_text(
        'kind = "command"\nname = "mytool"\nsummary = "Our deploy tool."\npurpose = "Deploys."\nwhy = "Because."\n',
        encoding="utf-8",
    )
    (tmp_path / "commands" / "broken.toml").write_text('kind = "command"\nname = \n', encoding="utf-8")
    (tmp_path / "commands" / "typo.toml").write_text(
        'kind = "command"\nname = "x"\nsummary = "s"\npurpose = "p"\nwhy = "w"\nsumary = "typo"\n', encoding="utf-8"
    )
    (tmp_path / "instructions").mkdir()
    (tmp_path / "instructions" / "run.toml").write_text(
        'kind = "instruction"\nname = "RUN"\nsummary = "Team RUN text."\npurpose = "p"\nwhy = "w"\n', encoding="utf-8"
    )
    kb = KnowledgeBase([tmp_path])
    assert kb.get("command", "mytool").summary == "Our deploy tool."
    assert kb.get("instruction", "RUN").summary == "Team RUN text."
    assert kb.get("command", "apt-get") is not None
    problems = [p for p in kb.problems]
    broken = [p for p in problems if p.path.endswith("broken.toml")]
    typo = [p for p in problems if p.path.endswith("typo.toml")]
    assert broken and broken[0].line == 2
    assert typo and typo[0].line == 6 and "sumary" in typo[0].message
