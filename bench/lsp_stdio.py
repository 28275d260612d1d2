"""A minimal LSP client over stdio, for driving docksense and rcjsuen's server the same way.

Used by ``bench_features.py`` and ``compare_features_rcjsuen.py``. It answers the requests a
server may send (``workspace/configuration``, ``client/registerCapability``, progress) with
empty results, and times each request from write to response.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from typing import Any, Optional

DOCKSENSE = ["python", "-m", "docksense", "serve"]
RCJSUEN = ["node", "/work/anchors/node_modules/dockerfile-language-server-nodejs/bin/docker-langserver", "--stdio"]

# What a capable editor announces (VS Code's shape, trimmed to what these features read).
CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"workspaceEdit": {"documentChanges": False}, "symbol": {}, "configuration": False},
    "textDocument": {
        "synchronization": {"didSave": False},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "definition": {"linkSupport": False},
        "references": {},
        "documentHighlight": {},
        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        "rename": {"prepareSupport": True},
        "foldingRange": {"lineFoldingOnly": True},
        "documentLink": {"tooltipSupport": True},
        "inlayHint": {},
        "formatting": {},
        "semanticTokens": {
            "requests": {"range": True, "full": {"delta": True}},
            "tokenTypes": ["namespace", "type", "class", "enum", "interface", "struct", "typeParameter",
                           "parameter", "variable", "property", "enumMember", "event", "function", "method",
                           "macro", "keyword", "modifier", "comment", "string", "number", "regexp", "operator",
                           "decorator"],
            "tokenModifiers": ["declaration", "definition", "readonly", "static", "deprecated", "abstract",
                               "async", "modification", "documentation", "defaultLibrary"],
            "formats": ["relative"],
        },
    },
}


class StdioClient:
    """One server process and a reader thread that files responses by id."""

    def __init__(self, command: list[str], cwd: Optional[str] = None, env: Optional[dict[str, str]] = None):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd, env=env)
        self._next = 0
        self._responses: dict[int, dict[str, Any]] = {}
        self._arrived: dict[int, float] = {}
        self._cond = threading.Condition()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- wire ------------------------------------------------------------------------------------
    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        with self._lock:
            assert self.process.stdin is not None
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length is None:
                continue
            message = json.loads(stream.read(length))
            arrived = time.perf_counter()
            if "method" in message and "id" in message:  # a request from the server
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message.get("params", {}).get("items", [])]
                self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            if "id" in message and "method" not in message:
                with self._cond:
                    self._responses[message["id"]] = message
                    self._arrived[message["id"]] = arrived
                    self._cond.notify_all()

    # -- API -------------------------------------------------------------------------------------
    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 60.0) -> tuple[Any, Optional[dict], float]:
        """(result, error, milliseconds from sending to the response's arrival)."""
        self._next += 1
        msg_id = self._next
        started = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        deadline = started + timeout
        with self._cond:
            while msg_id not in self._responses:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError(f"{method} timed out")
                self._cond.wait(remaining)
            message = self._responses.pop(msg_id)
            arrived = self._arrived.pop(msg_id)
        return message.get("result"), message.get("error"), (arrived - started) * 1000

    def initialize(self, options: Any = None) -> dict[str, Any]:
        result, error, _ = self.request("initialize", {
            "processId": None, "rootUri": None, "capabilities": CAPABILITIES, "initializationOptions": options,
        })
        if error:
            raise RuntimeError(error)
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "dockerfile", "version": version, "text": text}})

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()
