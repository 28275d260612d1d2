"""docksense and rcjsuen's dockerfile-language-server, side by side, in one run (not a test).

    npm install dockerfile-language-server-nodejs        # once, anywhere; then
    python bench/side_by_side.py [--rcjsuen PATH/TO/bin/docker-langserver] [--rounds N]

Both servers are started over stdio by the same client and given the same documents, built by
concatenating real corpus files (bench/bench.py's ``big_file``). Measured client-side, from the
message sent to the answer received:

* ``initialize``: process start to the ``initialize`` answer (and, for reference, the bare
  ``import pygls.lsp.server`` time in a fresh interpreter: the floor for any pygls server);
* diagnostics for 100, 1,000 and 5,000-line documents: ``didOpen`` to ``publishDiagnostics``;
* an edit in a 1,000-line document: a one-character ``didChange`` to ``publishDiagnostics``;
* hover on a 1,000-line document (p50 over many positions);
* resident memory of each server process at the end.

Before the steady-state figures each server is given the same warm-up document and then left
until it is idle (its CPU time stops growing, up to 10 s): docksense indexes its knowledge base
in the background after ``initialize``, and on a shared machine that one-time work would land in
whichever figure came first. That cost is not hidden: ``first diagnostics after start`` is
measured before it, on a fresh server.

The machine this runs on is shared, so besides wall time the table gives the CPU time each
server process spent per operation (all its threads, from /proc; 10 ms ticks, so it is the
total over all rounds divided by their number): a loaded machine stretches wall time for
both servers, CPU time much less.

docksense runs with ``diagnostics.debounceMs = 0`` and push diagnostics (as rcjsuen does), so
both report on the same event. Prints a table with the ratio docksense / rcjsuen (< 1 is
faster).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import big_file  # noqa: E402

DEFAULT_RCJSUEN = "/work/anchors/node_modules/dockerfile-language-server-nodejs/bin/docker-langserver"


class Server:
    """One language server over stdio: LSP framing, requests, notifications by method."""

    def __init__(self, name: str, command: list[str]):
        self.name = name
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.inbox: "queue.Queue[dict[str, Any]]" = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            message = json.loads(stream.read(length))
            self.inbox.put((time.perf_counter(), message))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> float:
        sent = time.perf_counter()
        self.send({"jsonrpc": "2.0", "method": method, "params": params})
        return sent

    def request(self, method: str, params: Any, timeout: float = 120) -> tuple[float, Any]:
        """(milliseconds to the answer, result)."""
        self.next_id += 1
        ident = self.next_id
        sent = time.perf_counter()
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        at, message = self.wait(lambda m: m.get("id") == ident and "method" not in m, timeout)
        return (at - sent) * 1000, message.get("result")

    def wait(self, accept, timeout: float = 120) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no answer in {timeout} s")
            at, message = self.inbox.get(timeout=remaining)
            if "method" in message and "id" in message:  # a request from the server: answer it
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [SETTINGS if item.get("section") == "docksense" else None
                              for item in message["params"]["items"]]
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            if accept(message):
                return at, message

    def diagnostics_for(self, uri: str, version: Optional[int], sent: float, timeout: float = 120) -> float:
        def accept(message: dict[str, Any]) -> bool:
            if message.get("method") != "textDocument/publishDiagnostics":
                return False
            params = message["params"]
            if params["uri"] != uri:
                return False
            return version is None or params.get("version") in (None, version)
        at, _ = self.wait(accept, timeout)
        return (at - sent) * 1000

    def cpu_ms(self) -> float:
        """CPU time (user + system) the server process has used so far, all threads."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")

    def settle(self, quiet: float = 0.5, limit: float = 10.0) -> None:
        """Wait until the process has used no CPU for ``quiet`` seconds (at most ``limit``)."""
        deadline = time.perf_counter() + limit
        last = self.cpu_ms()
        while time.perf_counter() < deadline:
            time.sleep(quiet)
            now = self.cpu_ms()
            if now == last:
                return
            last = now

    def rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


SETTINGS = {"diagnostics": {"debounceMs": 0}}
CAPABILITIES = {
    "textDocument": {
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"versionSupport": True},
        "synchronization": {"didSave": True},
    },
    "workspace": {"configuration": True},
}


def start(name: str, command: list[str]) -> tuple[Server, float]:
    server = Server(name, command)
    at_start = server.started
    _ms, _ = server.request("initialize", {
        "processId": os.getpid(), "rootUri": None, "capabilities": CAPABILITIES,
        "initializationOptions": {"docksense": SETTINGS},
    })
    initialize_ms = (time.perf_counter() - at_start) * 1000
    server.notify("initialized", {})
    return server, initialize_ms


def open_and_wait(server: Server, uri: str, text: str, version: int = 1) -> float:
    sent = server.notify("textDocument/didOpen", {
        "textDocument": {"uri": uri, "languageId": "dockerfile", "version": version, "text": text}})
    return server.diagnostics_for(uri, version, sent)


def close(server: Server, uri: str) -> None:
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def measure(server: Server, docs: dict[int, str], rounds: int) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Wall-time samples per figure, and the server's mean CPU time per operation."""
    figures: dict[str, list[float]] = {}
    cpu: dict[str, float] = {}
    for size, text in docs.items():
        samples = []
        before = server.cpu_ms()
        for round_ in range(rounds):
            uri = f"file:///tmp/side-by-side/{size}/{round_}/Dockerfile"
            samples.append(open_and_wait(server, uri, text))
            close(server, uri)
        figures[f"diagnostics {size} lines"] = samples
        cpu[f"diagnostics {size} lines"] = (server.cpu_ms() - before) / rounds

    # An edit in the 1,000-line document: insert a character in a RUN line, then remove it.
    text = docs[1000]
    uri = "file:///tmp/side-by-side/edit/Dockerfile"
    open_and_wait(server, uri, text)
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("RUN ") and i > len(lines) // 2)
    edits = []
    version = 1
    before = server.cpu_ms()
    for round_ in range(rounds * 4):
        version += 1
        if round_ % 2 == 0:
            change = {"range": {"start": {"line": target, "character": 4}, "end": {"line": target, "character": 4}},
                      "text": "x"}
        else:
            change = {"range": {"start": {"line": target, "character": 4}, "end": {"line": target, "character": 5}},
                      "text": ""}
        sent = server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        edits.append(server.diagnostics_for(uri, version, sent))
    figures["edit -> diagnostics (1,000 lines)"] = edits
    cpu["edit -> diagnostics (1,000 lines)"] = (server.cpu_ms() - before) / len(edits)

    # Hover at the first character of every instruction keyword, and inside RUN words.
    hovers = []
    before = server.cpu_ms()
    positions = [(i, 1) for i, line in enumerate(lines) if line[:1].isalpha()][: 60 * rounds]
    for line, character in positions:
        ms, _ = server.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        hovers.append(ms)
    figures["hover (1,000 lines)"] = hovers
    cpu["hover (1,000 lines)"] = (server.cpu_ms() - before) / max(1, len(hovers))
    close(server, uri)
    return figures, cpu


def pygls_floor_sample() -> float:
    """Milliseconds for a fresh interpreter to import pygls's server (the floor of any pygls
    server's ``initialize``); taken right beside each docksense start, so both see the same
    load on a shared machine."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pygls.lsp.server"], check=True)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rcjsuen", default=os.environ.get("RCJSUEN_SERVER", DEFAULT_RCJSUEN))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    node = shutil.which("node")
    if not node or not Path(args.rcjsuen).exists():
        print(f"side_by_side: need node and rcjsuen's server ({args.rcjsuen}); "
              "npm install dockerfile-language-server-nodejs", file=sys.stderr)
        return 2

    docs = {size: big_file(size) for size in (100, 1000, 5000)}
    commands = {
        "docksense": [sys.executable, "-m", "docksense", "serve"],
        "rcjsuen": [node, args.rcjsuen, "--stdio"],
    }
    results: dict[str, dict[str, list[float]]] = {}
    cpus: dict[str, dict[str, float]] = {}
    memory: dict[str, float] = {}
    floors: list[float] = []
    for name, command in commands.items():
        inits = []
        firsts = []
        for round_ in range(max(3, args.rounds)):
            if name == "docksense":
                floors.append(pygls_floor_sample())
            server, ms = start(name, command)
            inits.append(ms)
            firsts.append(open_and_wait(server, f"file:///tmp/side-by-side/first/{round_}/Dockerfile", docs[1000]))
            server.close()
        server, _ = start(name, command)
        open_and_wait(server, "file:///tmp/side-by-side/warm/Dockerfile", docs[100])  # warm up
        server.settle()
        figures, cpu = measure(server, docs, args.rounds)
        figures["initialize"] = inits
        figures["first diagnostics after start (1,000 lines)"] = firsts
        memory[name] = server.rss_mb()
        server.close()
        results[name] = figures
        cpus[name] = cpu

    floor = statistics.median(floors)
    print(f"{'figure (ms, median wall | mean CPU)':44} {'docksense':>10} {'rcjsuen':>10} {'ratio':>7}"
          f"  {'CPU ds':>8} {'CPU rcj':>8} {'ratio':>6}")
    for key in results["docksense"]:
        ours = statistics.median(results["docksense"][key])
        theirs = statistics.median(results["rcjsuen"][key])
        line = f"{key:44} {ours:10.1f} {theirs:10.1f} {ours / theirs:7.2f}"
        if key in cpus["docksense"]:
            ours_cpu, theirs_cpu = cpus["docksense"][key], cpus["rcjsuen"][key]
            ratio = f"{ours_cpu / theirs_cpu:6.2f}" if theirs_cpu else f"{'-':>6}"
            line += f"  {ours_cpu:8.1f} {theirs_cpu:8.1f} {ratio}"
        print(line)
    print(f"{'resident memory at the end (MB)':44} {memory['docksense']:10.1f} {memory['rcjsuen']:10.1f} "
          f"{memory['docksense'] / memory['rcjsuen']:7.2f}")
    ours_init = statistics.median(results["docksense"]["initialize"])
    paired = statistics.median(i / f for i, f in zip(results["docksense"]["initialize"], floors))
    print(f"bare `import pygls.lsp.server` (median, each beside a docksense start): {floor:.0f} ms; "
          f"docksense initialize / that floor: {ours_init / floor:.2f} (median of the paired ratios: {paired:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
