"""Family ``syntax``: what BuildKit refuses when it reads or dispatches each instruction.

BuildKit stops at the first error it meets, so a broken Dockerfile is fixed one failed build
at a time. These checks reproduce the conditions of BuildKit's own code and report every
one of them at once, each on the smallest range that explains it:

* ``frontend/dockerfile/instructions/parse.go`` and ``bflag.go``: unknown instructions and
  flags (with BuildKit's "did you mean" rule: Levenshtein distance below 3), duplicate flags,
  flags without a value, booleans, argument counts, ``FROM ... AS name``, ONBUILD triggers,
  HEALTHCHECK types, durations and ``--retries``, ``SHELL`` in JSON form, blank names;
* ``commands_runmount.go``, ``commands_runnetwork.go``, ``commands_runsecurity.go``,
  ``commands_rundevice.go``: ``RUN --mount`` options and the other RUN flags;
* ``dockerfile2llb/convert.go``, ``convert_expose.go``, ``convert_copy.go``: STOPSIGNAL
  values (``moby/sys/signal``), EXPOSE port specs, ``--chmod``, ``--checksum``, ``COPY --from``
  and mounts that name a stage not built yet, COPY of remote sources, ``--platform`` values
  (``containerd/platforms``);
* ``shell/lex.go``: ``${...}`` forms the lexer refuses in instructions that BuildKit expands.

Values that contain a variable are only checked where BuildKit checks them before expansion
(``--from``, HEALTHCHECK flags, ``--network``); elsewhere the value depends on build
arguments and is left alone, so a file that builds never gets an error from this family.
Two rules are warnings, not errors, because BuildKit accepts what they flag:
CopyDestinationNotDirectory (the classic builder refuses it) and MountTargetMissing (fails
only when the working directory is ``/``).

An ONBUILD trigger is checked like any instruction: BuildKit parses it only when another
image is built FROM this one, so its errors break that build instead.

All checks run in one pass per analysis (the result is cached for the rules of this family)
and are linear in the size of the file.

Modules: ``spec`` (the rule table, BuildKit's flag specifications), ``checks`` (the pass),
``values`` (Go durations, integers, signals, ports, platforms, modes), ``mounts`` (RUN
--mount and --device), ``substitutions`` (``${...}`` forms), ``suggest`` (did you mean).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import attrs

from ..context import computed_once
from ..model import Finding
from ..registry import rule

# the family's modules, by meaning; their public names are re-exported here
from .checks import _Pass
from .mounts import MountSpec, csv_fields, device_problems, parse_mount  # noqa: F401
from .spec import _ALIASES, _FIXABLE, _RULES, FAMILY, FLAG_SPECS, KEYWORDS  # noqa: F401
from .substitutions import substitution_problem  # noqa: F401
from .suggest import levenshtein, match_case, suggest  # noqa: F401
from .values import (  # noqa: F401
    chmod_problem,
    parse_go_bool,
    parse_go_duration,
    parse_go_int,
    platform_problem,
    port_spec_problem,
    valid_signal,
)

if TYPE_CHECKING:
    from ...analysis import Analysis


# -- registration -------------------------------------------------------------------------------
def findings_of(analysis: "Analysis") -> dict[str, list[Finding]]:
    """Every finding of the family for ``analysis``, computed once and shared by its rules."""
    return computed_once(analysis, "rules.instructions", lambda: _Pass(analysis).run()).found


def _register(name: str, severity: str, summary: str) -> None:
    @rule(name, family=FAMILY, severity=severity, summary=summary, aliases=_ALIASES.get(name, ()),
          fixable=name in _FIXABLE)
    def check(analysis: "Analysis") -> Iterator[Finding]:
        for finding in findings_of(analysis)[name]:
            yield attrs.evolve(finding)

    check.__name__ = f"check_{name}"


for _name, (_severity, _summary) in _RULES.items():
    _register(_name, _severity, _summary)


__all__ = [
    "FLAG_SPECS",
    "KEYWORDS",
    "chmod_problem",
    "findings_of",
    "levenshtein",
    "parse_go_duration",
    "parse_mount",
    "platform_problem",
    "port_spec_problem",
    "substitution_problem",
    "suggest",
    "valid_signal",
]
