"""Analysis of a parsed Dockerfile: stages, variable scopes and values, images, shell commands,
and the build model.

:class:`Analysis` is computed once per document version and cached (see :mod:`.cache`);
each part is computed lazily on first use, so a diagnostics pass that needs only the syntax
tree does not pay for the rest. The parts: ``stages``/``preamble`` (:mod:`.stages`),
``scopes`` (:mod:`.scopes`, values through :mod:`docksense.syntax.expansion`), ``build`` (what
BuildKit would do with each instruction, :mod:`.build`), ``platforms`` (:mod:`.platforms`),
``context`` (the ``.dockerignore`` beside the file, :mod:`.context`), ``commands`` and
``shell_for`` (:mod:`.commands`).
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
