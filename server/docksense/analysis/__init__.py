"""Analysis of a parsed Dockerfile: stages, variable scopes and values, images, shell commands.

:class:`Analysis` is computed once per document version and cached (see :mod:`.cache`);
each part is computed lazily on first use, so a diagnostics pass that needs only the syntax
tree does not pay for the rest.
"""

from .document import Analysis
from .cache import AnalysisCache

__all__ = ["Analysis", "AnalysisCache"]
