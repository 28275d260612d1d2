"""hadolint's own rule tests, run against docksense offline (issue 12: at least 98% as written).

The cases are facts extracted from hadolint's ``test/Hadolint/Rule/DL*Spec.hs`` by
``bench/hadolint_specs.py extract`` (source and commit in the data file); the same script's
``run`` prints the failures rule by rule.
"""

from __future__ import annotations

import importlib.util
import json
import sys

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "hadolint_specs.json"


def _runner():
    spec = importlib.util.spec_from_file_location("hadolint_specs", ROOT / "bench" / "hadolint_specs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("hadolint_specs", module)
    spec.loader.exec_module(module)
    return module


def test_the_extracted_cases_cover_all_71_rules():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["source"].startswith("https://github.com/hadolint/hadolint/")
    assert len({case["rule"] for case in data["cases"]}) == 71
    assert len(data["cases"]) >= 1000


def test_hadolint_specs_pass_at_98_percent(tmp_path):
    runner = _runner()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    failed = [case for case in data["cases"] if not runner.passes(case, tmp_path)[0]]
    rate = 1 - len(failed) / len(data["cases"])
    assert rate >= 0.98, [(c["rule"], c["it"]) for c in failed]


def test_onbuild_wrapping_follows_continuations():
    runner = _runner()
    assert runner.wrap_in_onbuild("RUN a \\\n  RUN b\nrun c\n") == "ONBUILD RUN a \\\n  RUN b\nONBUILD run c\n"
