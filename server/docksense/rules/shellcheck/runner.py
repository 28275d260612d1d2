"""Running ShellCheck: batched, cached, off the caller's thread, bounded.

Scripts are handed to one ShellCheck process per batch (each script a file in a private
temporary folder, ShellCheck reading them all, ``--format=json1``), grouped by shell; the
process runs in a neutral working folder with ``--norc`` (no ``.shellcheckrc`` is looked
for) and a time limit. Verdicts are cached by what they depend on (script text, shell,
declared variables), so after an edit only the RUN that changed is checked again.

Two ways to wait: :func:`check` blocks until every verdict is in (the CLI, tests); the
server uses ``wait=0``: what is cached comes back at once, the rest is computed in the
background and ``on_ready`` is called when it lands, so the editor asks for diagnostics
again and typing never waits for ShellCheck.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from typing import Callable, Iterable, Iterator, Optional

import attrs

from .scripts import Script

log = logging.getLogger(__name__)

# hadolint's exclusions: ash not supported (we pass busybox), sourced files cannot be followed
EXCLUDED = ("1090", "1091", "2187")
TIMEOUT = 20.0  # seconds per ShellCheck process
BATCH = 64  # scripts per process
# characters per process: a few large scripts get a process (and a time cap) of their own,
# so one slow script cannot run a batch of small ones into TIMEOUT and lose their verdicts
BATCH_CHARS = 64 * 1024
CACHE_SIZE = 4096

Key = tuple[str, str, tuple[str, ...]]


@attrs.frozen
class Replacement:
    line: int  # 1-based, as ShellCheck counts in the script it was given
    column: int
    end_line: int
    end_column: int
    text: str


@attrs.frozen
class Comment:
    code: int
    level: str  # error, warning, info, style
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: tuple[Replacement, ...] = ()


def prefix_for(script: Script) -> str:
    """Lines put before the script: the shebang when the shell is given, and the build
    variables it uses, exported so ShellCheck knows they are set (as hadolint does)."""
    lines = []
    if script.variables:
        lines.append("export " + " ".join(script.variables))
    return "".join(line + "\n" for line in lines)


class Runner:
    def __init__(self) -> None:
        self._cache: "OrderedDict[Key, tuple[Comment, ...]]" = OrderedDict()
        self._pending: dict[Key, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        # bumped whenever a verdict lands: the server makes it part of its request keys, so
        # a request repeated after verdicts arrived is computed again, not served from before
        self.generation = 0
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="docksense-shellcheck")

    # -- cache ------------------------------------------------------------------------------
    def cached(self, key: Key) -> Optional[tuple[Comment, ...]]:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _store(self, key: Key, comments: tuple[Comment, ...]) -> None:
        with self._lock:
            self.generation += 1
            self._cache[key] = comments
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            self._pending.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    # -- running ------------------------------------------------------------------------------
    def check(self, executable: str, scripts: Iterable[Script], wait: Optional[float] = None,
              on_ready: Optional[Callable[[], None]] = None) -> dict[Key, tuple[Comment, ...]]:
        """Verdicts for the scripts that have one within ``wait`` seconds (None: all)."""
        results: dict[Key, tuple[Comment, ...]] = {}
        missing: dict[Key, Script] = {}
        for script in scripts:
            hit = self.cached(script.key)
            if hit is not None:
                results[script.key] = hit
            else:
                missing.setdefault(script.key, script)
        if not missing:
            return results
        futures: list[concurrent.futures.Future] = []
        with self._lock:
            todo = []
            for key, script in missing.items():
                pending = self._pending.get(key)
                if pending is not None:
                    futures.append(pending)
                else:
                    todo.append(script)
            batches: dict[str, list[Script]] = {}
            for script in todo:
                batches.setdefault(script.shell, []).append(script)
            for shell, group in batches.items():
                for chunk in _chunks(group):
                    future = self._pool.submit(self._run_batch, executable, shell, chunk)
                    for script in chunk:
                        self._pending[script.key] = future
                    futures.append(future)
        if on_ready is not None:
            # only a batch that found something changes what the editor shows: the findings
            # published without it had nothing for those scripts either
            for future in futures:
                future.add_done_callback(lambda f: _safe(on_ready) if _found_any(f) else None)
        if wait is None or wait > 0:
            concurrent.futures.wait(futures, timeout=wait)
        for key in missing:
            hit = self.cached(key)
            if hit is not None:
                results[key] = hit
        return results

    def _run_batch(self, executable: str, shell: str, scripts: list[Script]) -> bool:
        try:
            found = run_shellcheck(executable, shell, scripts)
        except Exception:
            log.exception("shellcheck failed")
            found = {i: () for i in range(len(scripts))}
        for index, script in enumerate(scripts):
            self._store(script.key, found.get(index, ()))
        return any(found.values())


def _chunks(group: list[Script]) -> Iterator[list[Script]]:
    """``group`` in order, cut into chunks of at most BATCH scripts and, unless one script
    alone passes it, BATCH_CHARS characters."""
    chunk: list[Script] = []
    size = 0
    for script in group:
        if chunk and (len(chunk) >= BATCH or size + len(script.text) > BATCH_CHARS):
            yield chunk
            chunk, size = [], 0
        chunk.append(script)
        size += len(script.text)
    if chunk:
        yield chunk


def _found_any(future: concurrent.futures.Future) -> bool:
    return not future.cancelled() and future.exception() is None and bool(future.result())


def _safe(callback: Callable[[], None]) -> None:
    try:
        callback()
    except Exception:
        log.exception("shellcheck: on_ready callback failed")


def run_shellcheck(executable: str, shell: str, scripts: list[Script]) -> dict[int, tuple[Comment, ...]]:
    """One ShellCheck process over ``scripts`` (same shell); comments by script index, with
    lines counted in the script as given (the prefix lines already taken off)."""
    folder = tempfile.mkdtemp(prefix="docksense-sc-")
    try:
        names = []
        offsets = []
        for index, script in enumerate(scripts):
            prefix = prefix_for(script)
            name = os.path.join(folder, f"s{index}.sh")
            with open(name, "w", encoding="utf-8", newline="\n", errors="surrogatepass") as out:
                out.write(prefix + script.text)
            names.append(name)
            offsets.append(prefix.count("\n"))
        command = [executable, "--format=json1", "--norc", "--exclude=" + ",".join(EXCLUDED)]
        if shell:
            command.append("--shell=" + shell)
        command += names
        env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, cwd=folder, env=env,
                              stdin=subprocess.DEVNULL)
        try:
            data = json.loads(done.stdout.decode("utf-8", "replace") or "{}")
        except ValueError:
            log.warning("shellcheck: unreadable output (exit %s): %s", done.returncode,
                        done.stderr.decode("utf-8", "replace")[:200])
            return {}
        index_of = {name: i for i, name in enumerate(names)}
        out: dict[int, list[Comment]] = {i: [] for i in range(len(scripts))}
        for item in data.get("comments", []):
            index = index_of.get(item.get("file"))
            if index is None:
                continue
            shift = offsets[index]
            if item["line"] <= shift:
                continue  # about our own prefix
            fix = ()
            if item.get("fix") and item["fix"].get("replacements"):
                fix = tuple(Replacement(r["line"] - shift, r["column"], r["endLine"] - shift, r["endColumn"],
                                        r["replacement"]) for r in item["fix"]["replacements"]
                            if r["line"] > shift)
            out[index].append(Comment(int(item["code"]), str(item["level"]), str(item["message"]),
                                      item["line"] - shift, item["column"], item["endLine"] - shift,
                                      item["endColumn"], fix))
        return {i: tuple(c) for i, c in out.items()}
    except subprocess.TimeoutExpired:
        log.warning("shellcheck: took more than %.0f s on %d scripts; skipped", TIMEOUT, len(scripts))
        return {}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


RUNNER = Runner()
