"""SecretsUsedInArgOrEnv: ARG/ENV names that look like secrets (validations.go)."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Finding
from ..registry import rule
from .common import FAMILY, SEVERITY, finding

# validations.go getSecretsRegex: a secret word as the whole name or as a '_'-separated part.
_SECRET_RE = re.compile(
    r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
    re.IGNORECASE,
)
_SECRET_ALLOW_RE = re.compile(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)


def looks_secret(key: str) -> bool:
    return bool(_SECRET_RE.search(key)) and not _SECRET_ALLOW_RE.search(key)


@rule("SecretsUsedInArgOrEnv", family=FAMILY, severity=SEVERITY, aliases=("DL3064",),
      summary="An ARG or ENV name suggests it holds a secret (password, token, key, auth...).")
def check_secrets_used_in_arg_or_env(analysis) -> Iterator[Finding]:
    """ARG/ENV names that look like secrets (password, token, key...): they end up in the image."""
    for step in analysis.build.steps_of("ARG", "ENV"):
        ins = step.instruction
        if ins.name == "ARG":
            keys = [pair.key for pair in ins.pairs]
        elif ins.name == "ENV":
            # BuildKit checks the key after expansion
            expanded = step.uses_of("env-key")
            keys = [use.value if use.value is not None else pair.key for use, pair in zip(expanded, ins.pairs)]
        else:
            continue
        for pair, key in zip(ins.pairs, keys):
            if not looks_secret(key):
                continue
            message = (f"{ins.name} '{key}' looks like it holds a secret. ARG and ENV values are kept in the "
                       f"image's metadata and build history, where anyone with the image can read them: pass "
                       f"secrets with RUN --mount=type=secret instead.")
            yield finding("SecretsUsedInArgOrEnv", message, pair.key_start, pair.key_end, ins)
