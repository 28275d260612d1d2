"""ShellCheck inside the Dockerfile: scripts with exact mappings, a cached batched runner,
and the rules that report its findings under their SC codes."""

from . import rules  # noqa: F401  (registers ShellCheck and ShellCheckUnavailable)
from .rules import configure, is_shellcheck_code

__all__ = ["configure", "is_shellcheck_code"]
