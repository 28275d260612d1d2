"""Which files ``docksense check`` lints when given folders: every common Dockerfile naming,
outside ``.git``, ``node_modules`` and what ``.gitignore`` files exclude.

Namings: ``Dockerfile``, ``Dockerfile.*``, ``Dockerfile-*``, ``*.Dockerfile``,
``*.dockerfile``, ``dockerfile``, ``Containerfile``, ``Containerfile.*``, ``*.Containerfile``
(``*.dockerignore`` files are not Dockerfiles). ``.gitignore`` patterns are read as git does
(comments, ``!`` negation, a trailing ``/`` for folders only, a ``/`` anchoring the pattern
to the ``.gitignore``'s folder, ``**`` across folders; a later pattern wins), each file
applying below its own folder. Matching is segment by segment with ``fnmatch`` (whose
patterns do not backtrack exponentially) and a table for ``**``, so a hostile pattern costs
time linear in the product of the pattern's and the path's lengths.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Callable, Optional

SKIP_DIRS = frozenset({".git", "node_modules"})
PATTERNS = ("Dockerfile", "Dockerfile.*", "Dockerfile-*", "*.Dockerfile", "*.dockerfile", "dockerfile",
            "Containerfile", "Containerfile.*", "*.Containerfile")
STDIN = "-"
MAX_GITIGNORE_BYTES = 256 * 1024
MAX_PATTERNS = 5_000


def is_dockerfile(name: str) -> bool:
    """Whether a file name looks like a Dockerfile (``Dockerfile.dockerignore`` does not)."""
    if name.endswith(".dockerignore"):
        return False
    return any(fnmatchcase(name, pattern) for pattern in PATTERNS)


class _Pattern:
    __slots__ = ("negated", "dir_only", "anchored", "parts")

    def __init__(self, line: str):
        self.negated = line.startswith("!")
        if self.negated:
            line = line[1:]
        self.dir_only = line.endswith("/")
        line = line.rstrip("/")
        self.anchored = "/" in line
        self.parts = [p for p in line.lstrip("/").split("/") if p]


def _segments_match(parts: list[str], segments: list[str]) -> bool:
    """Whether path segments match pattern parts (``**`` = any number of segments)."""
    # reachable[j]: the first i parts can match the first j segments
    reachable = [True] + [False] * len(segments)
    for part in parts:
        nxt = [False] * (len(segments) + 1)
        if part == "**":
            seen = False
            for j in range(len(segments) + 1):
                seen = seen or reachable[j]
                nxt[j] = seen
        else:
            for j in range(len(segments)):
                if reachable[j] and fnmatchcase(segments[j], part):
                    nxt[j + 1] = True
        reachable = nxt
        if not any(reachable):
            return False
    return reachable[len(segments)]


class GitIgnore:
    """The patterns of one ``.gitignore``, relative to its folder."""

    def __init__(self, folder: str, text: str):
        self.folder = folder
        self.patterns: list[_Pattern] = []
        for raw in text.splitlines()[:MAX_PATTERNS]:
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("\\"):
                line = line[1:]
            pattern = _Pattern(line)
            if pattern.parts:
                self.patterns.append(pattern)

    def verdict(self, path: str, is_dir: bool) -> Optional[bool]:
        """True: ignored, False: re-included, None: no pattern speaks of it."""
        relative = os.path.relpath(path, self.folder)
        if relative.startswith(".."):
            return None
        segments = [s for s in relative.replace(os.sep, "/").split("/") if s and s != "."]
        result: Optional[bool] = None
        for pattern in self.patterns:
            if pattern.dir_only and not is_dir:
                continue
            if pattern.anchored:
                hit = _segments_match(pattern.parts, segments)
            else:
                hit = len(pattern.parts) == 1 and bool(segments) and fnmatchcase(segments[-1], pattern.parts[0])
            if hit:
                result = not pattern.negated
        return result


def _read_gitignore(folder: str) -> Optional[GitIgnore]:
    path = os.path.join(folder, ".gitignore")
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_GITIGNORE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            return GitIgnore(folder, handle.read())
    except OSError:
        return None


def _ignored(stack: list[GitIgnore], path: str, is_dir: bool) -> bool:
    result = False
    for ignore in stack:
        verdict = ignore.verdict(path, is_dir)
        if verdict is not None:
            result = verdict
    return result


def walk(root: str, on_error: Callable[[OSError], None]) -> list[str]:
    """The Dockerfiles below ``root``, in a stable order."""
    found: list[str] = []
    stacks: dict[str, list[GitIgnore]] = {}
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        parent = stacks.get(os.path.dirname(dirpath), [])
        stack = list(parent)
        own = _read_gitignore(dirpath)
        if own is not None:
            stack.append(own)
        stacks[dirpath] = stack
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not _ignored(stack, os.path.join(dirpath, d), True))
        for filename in sorted(filenames):
            full = os.path.join(dirpath, filename)
            if is_dockerfile(filename) and not _ignored(stack, full, False):
                found.append(os.path.normpath(full))
    return found


def discover(paths: list[str], on_error: Callable[[OSError], None]) -> tuple[list[str], list[str]]:
    """(files to lint, folders that held none); a missing path is a usage error."""
    from .cli_io import CliError

    out: list[str] = []
    seen: set[str] = set()
    empty: list[str] = []
    for raw in paths or ["."]:
        if raw == STDIN:
            if STDIN not in seen:
                out.append(STDIN)
                seen.add(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            found = walk(raw, on_error)
            if not found:
                empty.append(raw)
            for item in found:
                key = os.path.normpath(os.path.abspath(item))
                if key not in seen:
                    seen.add(key)
                    out.append(item)
        elif path.exists():
            key = os.path.normpath(os.path.abspath(raw))
            if key not in seen:
                seen.add(key)
                out.append(raw)
        else:
            raise CliError(f"{raw}: no such file or directory")
    return out, empty


def dockerfiles(paths: list[str]) -> list[str]:
    """What a subcommand works on: the files ``discover`` finds, where an unreadable folder and
    finding nothing at all are one-line usage errors (never a silent success)."""
    from .cli_io import CliError

    def unreadable(error: OSError) -> None:
        raise CliError(f"{error.filename}: cannot read ({error.strerror or error})")

    names, empty = discover(list(paths), unreadable)
    if not names:
        where = ", ".join(empty) if empty else "."
        raise CliError(f"no Dockerfiles found under {where}")
    return names
