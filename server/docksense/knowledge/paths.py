"""Where the bundled knowledge base is.

In a wheel the build copies the repository's ``knowledge/`` into the package as
``docksense/_knowledge``; in an editable install (or a source checkout) it is the
``knowledge/`` folder at the repository root, two levels above the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_knowledge_dir() -> Path:
    shipped = _PACKAGE / "_knowledge"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent.parent / "knowledge"
