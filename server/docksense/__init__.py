"""docksense: a Dockerfile language server whose strength is explanation."""

from __future__ import annotations

try:
    from importlib.metadata import version

    __version__ = version("docksense")
except Exception:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0.0.0"

__all__ = ["__version__"]
