"""A minimal raw JSON-RPC client over stdio for ``docksense serve`` (no pytest-lsp, no pygls).

Used by bench/hostile.py to time requests on crafted documents and by tests/test_protocol.py to
send requests no well-behaved client library would build (``params: null``, negative positions,
wrong types) and read the exact responses.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any, Optional


class RpcClient:
    """Starts ``python -m docksense serve`` and speaks LSP framing to it."""

    def __init__(self, args: Optional[list[str]] = None, env: Optional[dict[str, str]] = None):
        command = [sys.executable, "-m", "docksense", "serve", *(args or [])]
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self._messages: "queue.Queue[dict[str, Any]]" = queue.Queue()
        self._next_id = 0
        self.notifications: list[dict[str, Any]] = []
        self._responses: dict[str, dict[str, Any]] = {}
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # -- framing -------------------------------------------------------------------
    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            body = stream.read(length)
            try:
                self._messages.put(json.loads(body))
            except ValueError:
                continue

    def _read_stderr(self) -> None:
        stream = self.proc.stderr
        assert stream is not None
        for line in stream:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def send_raw(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8"))

    # -- requests ------------------------------------------------------------------
    def request_async(self, method: str, params: Any = None, *, with_params: bool = True) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method}
        if with_params:
            message["params"] = params
        self.send(message)
        return self._next_id

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, msg_id: Any, timeout: float = 30.0) -> dict[str, Any]:
        """The response to ``msg_id``; answers the server's own requests with null meanwhile."""
        deadline = time.monotonic() + timeout
        key = json.dumps(msg_id)
        while True:
            if key in self._responses:
                return self._responses.pop(key)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no response to request {msg_id!r} within {timeout} s")
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                continue
            if "method" in message and "id" in message:  # a server->client request
                self.send({"id": message["id"], "result": None})
                continue
            if "method" in message:
                self.notifications.append(message)
                continue
            self._responses[json.dumps(message.get("id"))] = message  # kept for its own wait_for

    def request(self, method: str, params: Any = None, timeout: float = 30.0) -> dict[str, Any]:
        return self.wait_for(self.request_async(method, params), timeout)

    def initialize(self, pull: bool = True, options: Any = None) -> dict[str, Any]:
        capabilities: dict[str, Any] = {"textDocument": {"hover": {"contentFormat": ["markdown"]}}}
        if pull:
            capabilities["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        response = self.request(
            "initialize",
            {"processId": None, "rootUri": None, "capabilities": capabilities, "initializationOptions": options},
        )
        self.notify("initialized", {})
        return response

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": version, "text": text}},
        )

    def close(self) -> None:
        try:
            msg_id = self.request_async("shutdown", None)
            self.wait_for(msg_id, timeout=5)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> "RpcClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
