"""EXPOSE as BuildKit reads it, shared by ExposeProtoCasing and ExposeInvalidFormat.

BuildKit sorts the ports as written, expands each, and stops at the first one it cannot
parse; both checks see the ports up to there.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from ...syntax import Instruction, Word
from ..context import computed_once


class Port(NamedTuple):
    instruction: Instruction
    word: Word
    raw: str  # one port spec after expansion
    literal: bool  # the word is the spec as written (no variables, no quotes): fixes may edit it
    ip: str
    host: str
    container: str  # what follows the last ':' (port[/proto])
    port: str
    proto: str


def exposed_ports(analysis) -> list[Port]:
    """Every EXPOSE port spec BuildKit would read, in BuildKit's order (worked out once)."""
    return computed_once(analysis, "rules.buildkit.expose", lambda: list(_ports(analysis)))


def _ports(analysis) -> Iterator[Port]:
    for step in analysis.build.steps_of("EXPOSE"):
        ins = step.instruction
        for use in sorted(step.uses_of("expose"), key=lambda u: u.word.text if u.word else ""):
            word = use.word
            if word is None or use.error:
                break
            if use.value is None:
                continue
            literal = use.value == word.text
            stop = False
            for raw in use.value.split():
                parts = raw.split(":")
                ip, host = "", ""
                if len(parts) == 2:
                    host = parts[0]
                elif len(parts) >= 3:
                    ip, host = ":".join(parts[:-2]), parts[-2]
                container = parts[-1]
                port, _, proto = container.partition("/")
                if not port or proto.lower() not in ("", "tcp", "udp", "sctp"):
                    stop = True
                    break
                yield Port(ins, word, raw, literal, ip, host, container, port, proto)
            if stop:
                break
