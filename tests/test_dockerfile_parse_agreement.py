"""Our instruction boundaries agree with dockerfile-parse on every corpus file without heredocs.

dockerfile-parse is the user's named parsing dependency; where both read a file the same way
(no heredocs, which it reads as instructions), the start and end lines must match.
"""

from __future__ import annotations

import csv

import pytest
from dockerfile_parse import DockerfileParser

from docksense.syntax import parse

from .conftest import CORPUS, read


pytestmark = pytest.mark.shared  # reads ../shared/corpus


def _files_without_heredocs():
    if not (CORPUS / "FEATURES.tsv").is_file():
        return []  # ../shared is absent: the shared marker skips these tests
    with open(CORPUS / "FEATURES.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        CORPUS / row["local_path"]
        for row in rows
        if row["is_template"] == "0" and row["heredoc"] == "0" and row["directive_escape"] == "0" and row["escape_backtick"] == "0"
    ]


FILES = _files_without_heredocs()

# BuildKit's own parser edge cases, where dockerfile-parse departs from BuildKit (empty
# continuation lines, a continuation at end of file, comment lines inside continuations).
# The conformance test proves our reading equals BuildKit's on each of them.
DOCKERFILE_PARSE_DIFFERS_FROM_BUILDKIT = {
    "brimstone-docker-consul": "empty and comment lines inside a continuation",
    "continue-at-eof": "continuation at end of file",
    "continueIndent": "empty continuation lines",
    "env": "a continuation at end of file",
    "escapes": "empty continuation lines",
    "trailing-backslash": "escaped backslash at end of line",
}


def _buildkit_case(path):
    marker = "parser__testfiles__"
    name = path.name
    if marker not in name:
        return None
    return name.split(marker, 1)[1].rsplit("__Dockerfile", 1)[0]


def test_enough_files():
    assert len(FILES) > 1000


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_instruction_boundaries_agree(path, tmp_path):
    text = read(path)
    # dockerfile-parse writes the content to <path>/Dockerfile: keep it out of the repository
    parser = DockerfileParser(path=str(tmp_path), cache_content=True)
    parser.content = text
    theirs = [(i["startline"], i["endline"], i["instruction"]) for i in parser.structure if i["instruction"] != "COMMENT"]
    ours = []
    for ins in parse(text).instructions:
        # dockerfile-parse ends an instruction at its last non-empty line
        end = ins.end_line
        lines = text.split("\n")
        while end > ins.line and lines[end].strip() in ("", "\\") or (
            end > ins.line and lines[end].lstrip().startswith("#")
        ):
            end -= 1
        ours.append((ins.line, end, ins.name))
    case = _buildkit_case(path)
    if case in DOCKERFILE_PARSE_DIFFERS_FROM_BUILDKIT:
        assert ours != theirs, f"dockerfile-parse now agrees on {case}: drop it from the list"
        return
    assert ours == theirs
