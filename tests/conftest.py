"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
CONFORMANCE = SHARED / "conformance" / "buildkit-parser"
REFERENCE = SHARED / "reference" / "dockerfile-reference.json"
SEED = SHARED / "seed" / "dockerfile-explained.txt"


def corpus_files() -> list[Path]:
    """Every Dockerfile of the shared corpus (real files and those cut from BuildKit's tests)."""
    out = []
    for base in (CORPUS / "files", CORPUS / "extracted"):
        for dirpath, _, names in os.walk(base):
            for name in names:
                out.append(Path(dirpath) / name)
    return sorted(out)


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def pytest_collection_modifyitems(config, items):
    if not SHARED.is_dir():
        skip = pytest.mark.skip(reason="needs ../shared (corpus, seed, conformance, reference) beside the "
                                       "repository; absent here, so skipped")
        for item in items:
            if "shared" in item.keywords:
                item.add_marker(skip)
