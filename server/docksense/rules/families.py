"""Imports every rule family so that its rules register themselves (one line per module)."""

from . import syntax  # noqa: F401
from . import instructions  # noqa: F401
from . import validator  # noqa: F401
from . import eol  # noqa: F401
from . import buildkit  # noqa: F401
from . import expansion_limit  # noqa: F401
from . import document_too_large  # noqa: F401
from . import practice  # noqa: F401
from . import shellcheck  # noqa: F401
