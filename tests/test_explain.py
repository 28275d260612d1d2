"""``docksense explain``: the seed's walkthrough, generated; JSON shape; bad input; corpus."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from docksense.analysis import Analysis
from docksense.explain_command import explain_json, explain_markdown
from docksense.knowledge import KnowledgeBase

from .conftest import CORPUS, corpus_files, read

KB = KnowledgeBase()
VOTING = CORPUS / "files" / "dockersamples__example-voting-app"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docksense", *args], capture_output=True, input=stdin)


def test_default_explains_bundled_example():
    out = run("explain")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "## Stage 0 `base`" in text and "**Purpose:**" in text and "**Why:**" in text
    assert "```dockerfile" in text


@pytest.mark.shared
def test_seed_facts_are_all_there_and_flask_env_is_corrected():
    text = explain_markdown(Analysis(read(VOTING / "vote__Dockerfile")), KB, "vote")
    lowered = text.lower()
    # what the seed says about the vote Dockerfile, part by part
    for fact in ["slim", "--no-install-recommends", "/var/lib/apt/lists", "working directory", "--no-cache-dir",
                 "watchdog", "flask_env", "gunicorn", "0.0.0.0:80", "worker processes", "keep-alive turned off",
                 "access log", "expose", "publishes it"]:
        assert fact in lowered, fact
    assert "FLASK_DEBUG" in text  # the seed's FLASK_ENV is out of date; the explanation says so


@pytest.mark.shared
def test_result_and_worker_dockerfiles():
    result = explain_markdown(Analysis(read(VOTING / "result__Dockerfile")), KB, "result").lower()
    for fact in ["tini", "nodemon", "npm", "cache", "end of life", "/node_modules"]:
        assert fact in result, fact
    worker = explain_markdown(Analysis(read(VOTING / "worker__Dockerfile")), KB, "worker").lower()
    for fact in ["buildplatform", "targetarch", "restore", "publish", "shared .net runtime", "end of life"]:
        assert fact in worker, fact


@pytest.mark.shared
def test_json_shape():
    out = run("explain", str(VOTING / "vote__Dockerfile"), "--format", "json")
    data = json.loads(out.stdout)
    assert set(data) == {"stages", "instructions", "errors", "keywords"}
    first = data["instructions"][0]
    assert first["instruction"] == "FROM"
    assert first["range"]["start"] == {"line": 1, "character": 0}
    assert first["purpose"].startswith("Starts stage base from python:3.11-slim")
    assert first["why"] and data["keywords"][first["keyword"]]["summary"].startswith("Starts a new build stage")
    assert {"line": 17, "text": "Stage dev builds on this one (line 17)"} in first["links"]
    detail = first["details"][0]
    assert set(detail) >= {"text", "range", "explanation"}


def test_syntax_errors_are_listed_and_the_rest_explained():
    data = explain_json(Analysis("FROM alpine\nENV ONLY\nRUN apt-get update\n"), KB)
    assert [e["code"] for e in data["errors"]] == ["MissingValue"]
    assert [i["instruction"] for i in data["instructions"]] == ["FROM", "ENV", "RUN"]


def test_syntax_errors_exit_1_after_the_explanation():
    out = run("explain", "-", stdin=b"FROM alpine\nENV ONLY\nRUN apk add --no-cache curl\n")
    assert out.returncode == 1
    text = out.stdout.decode()
    assert "**Purpose:** Installs `curl`" in text and "## Problems" in text


@pytest.mark.shared
def test_concise_keeps_purpose_and_why_only():
    out = run("explain", str(VOTING / "worker__Dockerfile"), "--concise")
    assert out.returncode == 0
    text = out.stdout.decode()
    assert text.count("**Purpose:**") == 14 and "**Why:**" in text
    assert "**Options:**" not in text and "**Lines:**" not in text and "⚠" not in text
    data = json.loads(run("explain", str(VOTING / "worker__Dockerfile"), "--concise", "--format", "json").stdout)
    assert set(data["instructions"][0]) == {"range", "line", "instruction", "purpose", "why"}


def test_unreadable_file_is_one_line_exit_2():
    out = run("explain", "/nonexistent/Dockerfile")
    assert out.returncode == 2
    assert out.stderr.decode().count("\n") == 1 and b"Traceback" not in out.stderr


def test_stdin_and_knowledge_pack(tmp_path):
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "ourtool.toml").write_text(
        'kind = "command"\nname = "ourtool"\nsummary = "The team deploy tool."\npurpose = "p"\nwhy = "w"\n'
    )
    out = run("explain", "-", "--knowledge", str(tmp_path), stdin=b"FROM a\nRUN ourtool --x\n")
    assert out.returncode == 0
    assert "The team deploy tool." in out.stdout.decode()


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_explains_corpus_files_without_error(path):
    analysis = Analysis(read(path))
    explain_markdown(analysis, KB, path.name)
    json.dumps(explain_json(analysis, KB))
