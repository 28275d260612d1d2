"""Time crafted (hostile) Dockerfiles through a fresh ``docksense serve`` and the CLI.

For each case: open the document in a new server, pull diagnostics, hover in the middle of the
document, ask for code actions over the whole document; then run ``docksense check`` on it.
Prints seconds per step (``>T`` when no answer came within the timeout) and the CLI's exit status.

    python bench/hostile.py                 # every case
    python bench/hostile.py onbuild utf16   # cases whose name contains one of the words
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rpc_client import RpcClient  # noqa: E402

BIG = "9" * 5000
CASES: dict[str, str] = {
    # class 3: numbers past Python's 4,300-digit int() limit
    "int-heredoc-fd": f"FROM alpine\nRUN {BIG}<<EOF\necho hi\nEOF\n",
    "int-copy-from": f"FROM alpine\nCOPY --from={BIG} /a /b\n",
    "int-expose": f"FROM alpine\nEXPOSE {BIG}\n",
    "int-stopsignal": f"FROM alpine\nSTOPSIGNAL {BIG}\n",
    "int-retries": f"FROM alpine\nHEALTHCHECK --retries={BIG} CMD true\n",
    "int-interval": f"FROM alpine\nHEALTHCHECK --interval={BIG}s CMD true\n",
    "int-mount-uid": f"FROM alpine\nRUN --mount=type=cache,target=/c,uid={BIG} true\n",
    # class 4: quadratic walks
    "empty-continuations-16k": "FROM alpine\nRUN echo a \\\n" + "\\\n" * 8000 + "b\n",
    "blank-lines-in-continuation-16k": "FROM alpine\nRUN echo a \\\n" + "\n" * 16000 + "  b\n",
    "utf16-long-line-40k": "FROM alpine\nRUN echo é" + " $X" * 13000 + "\n",
    "one-var-many-refs-40k": "FROM alpine\nARG V=1\nRUN echo" + " $V" * 13000 + "\n",
    "code-actions-repeated-24k": "FROM ubuntu\n" + "RUN apt-get install curl\n" * 1000,
    # class 5: backtracking on blanks
    "directive-blanks-40k": "# check=skip=a" + " " * 40000 + "b\nFROM alpine\n",
    "comment-blanks-40k": "FROM alpine\n# check=skip=a" + " " * 40000 + "b\nRUN true\n",
    "heredoc-blanks-40k": "FROM alpine\nRUN <<" + " " * 40000 + "\n",
    "duration-digits-40k": "FROM alpine\nHEALTHCHECK --interval=" + "1" * 40000 + "x CMD true\n",
    "tag-digits-40k": "FROM alpine:" + "1" * 40000 + "@\n",
    # class 6: recursion
    "onbuild-1000": "FROM alpine\n" + "ONBUILD " * 1000 + "RUN true\n",
}


def timed(client: RpcClient, method: str, params: object, timeout: float, out: Optional[list] = None) -> str:
    start = time.perf_counter()
    try:
        response = client.request(method, params, timeout=timeout)
    except TimeoutError:
        return f">{timeout:.0f}"
    elapsed = time.perf_counter() - start
    mark = "E" if "error" in response else ""
    if out is not None and isinstance(response.get("result"), dict):
        out.extend(response["result"].get("items") or [])
    return f"{elapsed:.2f}{mark}"


def run_case(name: str, text: str, timeout: float) -> None:
    uri = "file:///tmp/hostile/Dockerfile"
    lines = text.split("\n")
    middle = len(lines) // 2
    row: list[str] = [f"{name:34} {len(text.encode()) / 1024:7.1f} KB"]
    client = RpcClient()
    try:
        client.initialize()
        client.open(uri, text)
        doc = {"uri": uri}
        found: list = []
        row.append("diag " + timed(client, "textDocument/diagnostic", {"textDocument": doc}, timeout, found))
        pos = {"line": middle, "character": min(4, len(lines[middle]))}
        row.append("hover " + timed(client, "textDocument/hover", {"textDocument": doc, "position": pos}, timeout))
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}
        params = {"textDocument": doc, "range": whole, "context": {"diagnostics": found}}
        row.append(f"actions({len(found)}) " + timed(client, "textDocument/codeAction", params, timeout))
    finally:
        client.proc.kill()
        client.proc.wait()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Dockerfile"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "docksense", "check", str(path)],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            trace = " TRACEBACK" if "Traceback" in done.stderr else ""
            row.append(f"check {time.perf_counter() - start:.2f} exit {done.returncode}{trace}")
            if done.returncode == 3:
                row.append(done.stderr.strip().splitlines()[-1][:100])
        except subprocess.TimeoutExpired:
            row.append(f"check >{timeout:.0f}")
    print("  ".join(row), flush=True)


def main(argv: list[str]) -> None:
    timeout = float(os.environ.get("HOSTILE_TIMEOUT", "15"))
    for name, text in CASES.items():
        if argv and not any(word in name for word in argv):
            continue
        run_case(name, text, timeout)


if __name__ == "__main__":
    main(sys.argv[1:])
