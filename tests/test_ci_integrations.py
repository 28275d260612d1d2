"""The pre-commit hook and the GitHub Action, tested as far as this machine allows: the hook's
file pattern agrees with ``docksense check``'s discovery, pre-commit's ``try-repo`` runs it
from a local clone (offline, when pre-commit is installed), and the action is a well-formed
composite action whose check step passes its inputs through."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from docksense.check_discovery import is_dockerfile

from .conftest import ROOT

NAMES = ["Dockerfile", "Dockerfile.dev", "Dockerfile-dev", "api.Dockerfile", "api.dockerfile", "dockerfile",
         "Containerfile", "Containerfile.dev", "web.Containerfile", "deep/dir/Dockerfile"]
NOT_NAMES = ["Dockerfile.dockerignore", "README.md", "dockerfile.md", "Dockerfilex", "src/main.go", "Makefile"]


def hooks() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_the_hook_matches_what_check_discovers():
    hook = next(h for h in hooks() if h["id"] == "docksense-check")
    assert hook["entry"] == "docksense check" and hook["language"] == "python"
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def selected(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    for name in NAMES:
        assert selected(name) and is_dockerfile(name.rsplit("/", 1)[-1]), name
    for name in NOT_NAMES:
        assert not selected(name) and not is_dockerfile(name.rsplit("/", 1)[-1]), name


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                    reason="pre-commit is not installed (pip install pre-commit)")
def test_pre_commit_try_repo_runs_the_hook_from_a_local_clone(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "docksense"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, capture_output=True)
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "Dockerfile").write_text("FROM alpine:3.20\nENV ONLYKEY\n", encoding="utf-8")
    (project / "ok.Containerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    _git(project, "add", ".")
    _git(project, "commit", "-qm", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    done = subprocess.run(["pre-commit", "try-repo", str(clone), "docksense-check", "--all-files"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr  # the error in Dockerfile fails the hook
    assert "Dockerfile:2:5: error MissingValue" in done.stdout
    (project / "Dockerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    done = subprocess.run(["pre-commit", "try-repo", str(clone), "docksense-check", "--all-files"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_action_is_a_composite_action_that_installs_checks_and_uploads_sarif():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"paths", "format", "fail-level", "select", "ignore", "sarif-file", "version"} <= set(inputs)
    steps = action["runs"]["steps"]
    check = next(s for s in steps if s.get("id") == "check")
    assert "docksense check" in check["run"] and check["shell"] == "bash"
    # inputs reach the script through the environment, never pasted into it
    assert "${{" not in check["run"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert "sarif-file" in upload["if"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_action_check_step_runs_here(tmp_path):
    """The check step's script, run with bash as the runner would (docksense from this tree)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    script = next(s for s in action["runs"]["steps"] if s.get("id") == "check")["run"]
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nENV ONLYKEY\n", encoding="utf-8")
    output = tmp_path / "github_output"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "docksense"
    import sys

    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m docksense \"$@\"\n", encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", "GITHUB_OUTPUT": str(output),
           "INPUT_PATHS": ".", "INPUT_FORMAT": "github", "INPUT_FAIL_LEVEL": "", "INPUT_SELECT": "",
           "INPUT_IGNORE": "", "INPUT_SARIF": "results.sarif",
           "PYTHONPATH": str(ROOT / "server") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "::error file=Dockerfile,line=2" in done.stdout
    assert "exit-code=1" in output.read_text()
    assert '"version": "2.1.0"' in (tmp_path / "results.sarif").read_text()
