"""A refused rename answers RequestFailed (-32803) and logs one quiet line, not a traceback.

Driven over stdio against the real ``docksense serve`` so pygls' own error logging is exercised.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

SERVER_DIR = Path(__file__).resolve().parents[1] / "server"


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _read_frame(stream) -> dict | None:
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return json.loads(stream.read(length)) if length is not None else None


def _responses(stdout: bytes) -> dict:
    found = {}
    while stdout:
        head, _, rest = stdout.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
        message = json.loads(rest[:length])
        stdout = rest[length:]
        if "id" in message and "method" not in message:
            found[message["id"]] = message
    return found


def test_refused_prepare_rename_is_not_logged_as_an_error() -> None:
    uri = "file:///tmp/docksense-refusal/Dockerfile"
    text = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    where = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 25}}  # on "curl"
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {"textDocument": {"rename": {"prepareSupport": True}}}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/prepareRename", "params": where},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/rename", "params": {**where, "newName": "wget"}},
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SERVER_DIR), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "docksense", "serve", "--log-level", "DEBUG"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    logged: list[bytes] = []  # drained as it comes, so DEBUG logging never fills the pipe
    drain = threading.Thread(target=lambda: logged.append(proc.stderr.read()), daemon=True)
    drain.start()
    # Both answers first, then shutdown: sent in one batch, 'exit' could cancel the requests
    # still running on the document's worker.
    proc.stdin.write(b"".join(map(_frame, messages)))
    proc.stdin.flush()
    answers = {}
    while not {2, 3} <= set(answers):
        message = _read_frame(proc.stdout)
        if message is None:
            break
        if "id" in message and "method" not in message:
            answers[message["id"]] = message
    proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": None})
                     + _frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
    proc.stdin.close()
    proc.stdin = None
    proc.wait(timeout=120)
    drain.join(timeout=30)
    err = b"".join(logged)
    for request in (2, 3):
        assert answers[request]["error"]["code"] == -32803, answers[request]
    done = subprocess.CompletedProcess(proc.args, proc.returncode, b"", err)
    stderr = done.stderr.decode("utf-8", "replace")
    # (only the refusals are judged: what a server logs after 'exit' is another matter)
    assert "RequestFailed" not in stderr
    for request in (2, 3):
        assert f'Exception occurred for message "{request}"' not in stderr
    refused = [line for line in stderr.splitlines() if "request refused" in line]
    assert len(refused) == 2 and all(" DEBUG " in line for line in refused), stderr[-2000:]
