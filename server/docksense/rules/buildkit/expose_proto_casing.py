"""ExposeProtoCasing: ``EXPOSE 80/TCP`` (convert.go)."""

from __future__ import annotations

from typing import Iterator

from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import FAMILY, SEVERITY, finding
from .expose import exposed_ports


@rule("ExposeProtoCasing", family=FAMILY, severity=SEVERITY, fixable=True,
      summary="The protocol of an EXPOSE port is not lowercase.")
def check_expose_proto_casing(analysis) -> Iterator[Finding]:
    """``EXPOSE 80/TCP``: protocols are lowercase."""
    for spec in exposed_ports(analysis):
        proto, word = spec.proto, spec.word
        if proto == proto.lower():
            continue
        fix = None
        if spec.literal and word.end - word.start == len(word.text):
            at = word.start + spec.raw.rfind(":") + 1 + spec.container.index("/") + 1
            fix = Fix(f"Write the protocol as '{proto.lower()}'", [Edit(at, at + len(proto), proto.lower())],
                      preferred=True, safe=True)
        message = (f"Protocol '{proto}' in EXPOSE '{spec.raw}' should be lowercase: write "
                   f"'{spec.port}/{proto.lower()}'.")
        yield finding("ExposeProtoCasing", message, word.start, word.end, spec.instruction, fix)
