"""The CLI: one-line errors with meaningful exit codes, never a traceback, on any input."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docksense", *args], capture_output=True, input=stdin, timeout=120)


@pytest.mark.parametrize("args,status", [
    ((), 2), (("bogus",), 2), (("parse",), 2), (("check", "--format", "xml"), 2),
    (("parse", "/nonexistent"), 2), (("parse", "/"), 2), (("explain", "/nonexistent"), 2),
    (("check", "/nonexistent"), 2), (("serve", "--tcp", "nonsense"), 2), (("serve", "--log-level", "LOUD"), 2),
])
def test_usage_errors_are_one_line(args, status):
    out = run(*args)
    assert out.returncode == status
    assert b"Traceback" not in out.stderr
    assert len(out.stderr.decode(errors="replace").strip().splitlines()) == 1 or not args


def test_random_bytes_everywhere(tmp_path):
    blob = os.urandom(4000) + b"\nFROM x\n\xff\xfe RUN \xc3\x28\n"
    path = tmp_path / "Dockerfile"
    path.write_bytes(blob)
    for args in (("parse", str(path)), ("explain", str(path)), ("explain", str(path), "--format", "json"),
                 ("check", str(path)), ("check", str(path), "--format", "sarif")):
        out = run(*args)
        assert out.returncode in (0, 1), (args, out.stderr[-300:])
        assert b"Traceback" not in out.stderr
    out = run("explain", "-", stdin=blob)
    # the walkthrough is still printed, and the exit status says BuildKit refuses the file
    # (the `\xff\xfe RUN` line is an unknown instruction)
    assert out.returncode == 1 and out.stdout and b"Traceback" not in out.stderr


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith(b"docksense ")
