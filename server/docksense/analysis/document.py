"""One document's analysis: the syntax tree, positions, and lazily computed facts."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Optional

from ..syntax import Dockerfile, LineIndex, parse


class Analysis:
    """Everything features need to know about one version of a document.

    ``path`` is the file on disk when there is one (used to find ``.dockerignore`` and
    ``.hadolint.yaml`` beside it); it is only ever read, never executed.
    """

    def __init__(self, text: str, path: Optional[Path] = None):
        self.text = text
        self.path = path
        self.tree: Dockerfile = parse(text)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)
