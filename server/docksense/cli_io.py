"""What every ``docksense`` subcommand shares: the one-line error and reading/writing text.

Kept apart from :mod:`docksense.cli` so that the subcommand modules import it, and
``cli`` imports them, without a circle.
"""

from __future__ import annotations

import sys
from pathlib import Path


class CliError(Exception):
    """A problem to report in one line, with the exit status to use."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def read_source(name: str) -> str:
    """The text of FILE, or of stdin for ``-``; bytes that are not UTF-8 are kept as escapes."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except FileNotFoundError:
        raise CliError(f"{name}: no such file")
    except IsADirectoryError:
        raise CliError(f"{name}: is a directory")
    except PermissionError:
        raise CliError(f"{name}: permission denied")
    except OSError as exc:
        raise CliError(f"{name}: cannot read ({exc.strerror or exc})")
    return data.decode("utf-8", "surrogateescape")


def write_stdout(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
