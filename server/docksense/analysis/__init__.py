"""Analysis of a parsed Dockerfile: stages, variable scopes and values, images, shell commands.

:class:`Analysis` is computed once per document version and cached (see :mod:`.cache`);
each part is computed lazily on first use, so a diagnostics pass that needs only the syntax
tree does not pay for the rest.
"""

from typing import TYPE_CHECKING

from .cache import AnalysisCache

if TYPE_CHECKING:
    from .document import Analysis


def __getattr__(name: str):
    # ``Analysis`` is imported on first use so that the server answers ``initialize`` before
    # the syntax and shell layers are loaded.
    if name == "Analysis":
        from .document import Analysis

        return Analysis
    raise AttributeError(name)


__all__ = ["Analysis", "AnalysisCache"]
