"""ExposeInvalidFormat: ``EXPOSE 127.0.0.1:80:80`` / ``EXPOSE 8080:80`` (convert.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding
from .expose import exposed_ports


@rule("ExposeInvalidFormat", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="EXPOSE includes an IP address or a host port mapping.")
def check_expose_invalid_format(analysis) -> Iterator[Finding]:
    """``EXPOSE 127.0.0.1:80:80`` / ``EXPOSE 8080:80``: publishing is a run-time decision."""
    for spec in exposed_ports(analysis):
        if not (spec.ip or spec.host):
            continue
        word, container = spec.word, spec.container
        fix = None
        if spec.literal and word.end - word.start == len(word.text):
            fix = Fix(f"Expose only the container port ({container})", [Edit(word.start, word.end, container)],
                      preferred=True, safe=True)
        message = (f"EXPOSE '{spec.raw}' names an IP address or a host port. EXPOSE only documents the "
                   f"container port ({container}); which host address and port publish it is decided at "
                   f"run time (docker run -p). BuildKit will refuse this form in a future release.")
        yield finding("ExposeInvalidFormat", message, word.start, word.end, spec.instruction, fix)
