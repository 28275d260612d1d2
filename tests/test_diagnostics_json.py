"""The push path's JSON diagnostics are exactly what the LSP converter makes of the typed ones."""

from __future__ import annotations

import pytest
from pygls.protocol import default_converter

from docksense.analysis import Analysis
from docksense.features.diagnostics import diagnostics, diagnostics_json
from docksense.settings import Settings

SAMPLES = [
    "FROM alpine:3.20\nrun apk add curl\nENV A b\nFORM x\nCOPY a b c\nRUN cd /x && wget http://a\n",
    "\ufefffrom ubuntu AS Build\r\nRUN apt-get install -y curl \\\r\n  && echo é😀 | grep x\r\nEXPOSE 80/tcpx\r\n",
    "ARG V=😀😀\nFROM scratch\nMAINTAINER me\nONBUILD ONBUILD RUN x\nHEALTHCHECK --interval=1 CMD true\n",
    "",
    "# syntax=docker/dockerfile:1\nFROM a\nCOPY --from=later . .\nFROM b AS later\n",
]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
@pytest.mark.parametrize("text", SAMPLES)
def test_json_equals_the_converted_typed_diagnostics(text, encoding):
    converter = default_converter()
    settings = Settings()
    typed = [converter.unstructure(d) for d in diagnostics(Analysis(text), settings, encoding)]
    assert typed  # every sample has findings
    assert diagnostics_json(Analysis(text), settings, encoding) == typed
