"""Inlay hints: statically known values, stages behind indexes, absolute COPY destinations."""

from __future__ import annotations

import pytest_lsp
from docksense.features import inlay_hints
from docksense.settings import InlayHintSettings
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .feature_helpers import GENEROUS, analyse, pos, tdi
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-hints/Dockerfile"

TEXT = """\
ARG GO_VERSION=1.23.4
ARG NO_DEFAULT
FROM golang:${GO_VERSION}-alpine AS build
ARG GO_VERSION
WORKDIR /src
ENV OUT=/out/${GO_VERSION:-dev}
COPY go.mod go.sum ./
RUN go build -o $OUT/app ./cmd && echo $NO_DEFAULT $HOME
FROM build AS test
WORKDIR sub
COPY . .
FROM alpine
COPY --from=0 /out/app app
COPY --from=build /x y
RUN --mount=from=1,target=/t true
CMD ["echo", "$OUT"]
"""


def hints(text: str, settings=None, rng=None):
    return [(h.position.line, h.position.character, h.label)
            for h in inlay_hints.inlay_hints(analyse(text), rng, settings)]


def test_variable_values_where_statically_known():
    found = hints(TEXT)
    assert (2, pos(TEXT, "${GO_VERSION}").character + 13, "= 1.23.4") in found
    assert (5, pos(TEXT, "${GO_VERSION:-dev}").character + 18, "= 1.23.4") in found
    assert (7, pos(TEXT, "$OUT").character + 4, "= /out/1.23.4") in found


def test_reimported_global_arg_shows_its_default():
    assert (3, len("ARG GO_VERSION"), "= 1.23.4") in hints(TEXT)
    assert not [h for h in hints(TEXT) if h[0] == 0]  # the global declaration itself: its value is in view


def test_no_value_hint_for_unknown_values_or_exec_form():
    found = hints(TEXT)
    assert not [h for h in found if h[0] == 7 and "NO_DEFAULT" in h[2]]
    labels_on_7 = [h[2] for h in found if h[0] == 7]
    assert labels_on_7 == ["= /out/1.23.4"]  # not $NO_DEFAULT (no default), not $HOME (from the base image)
    assert not [h for h in found if h[0] == 15]  # CMD ["echo", "$OUT"]: nothing expands it


def test_stage_behind_a_numeric_from():
    found = hints(TEXT)
    assert (12, pos(TEXT, "--from=0").character + 8, "→ build") in found
    assert (14, pos(TEXT, "from=1").character + 6, "→ test") in found


def test_absolute_destinations_of_relative_copies():
    found = hints(TEXT)
    assert (6, len("COPY go.mod go.sum ./"), "→ /src/") in found
    assert (10, len("COPY . ."), "→ /src/sub/") in found  # WORKDIR inherited from the parent stage
    # FROM alpine: the image may set its own WORKDIR, so no guess
    assert not [h for h in found if h[0] in (12, 13) and h[2].startswith("→ /")]


def test_scratch_starts_at_root():
    text = "FROM scratch\nCOPY app bin/\nWORKDIR /srv\nCOPY [\"a\", \"conf/\"]\n"
    assert [h[2] for h in hints(text)] == ["→ /bin/", "→ /srv/conf/"]


def test_destination_follows_the_build_model():
    text = ("FROM scratch AS base\n"
            "FROM base\n"
            "ENV D=conf\n"
            "COPY a $D/\n"  # 3: stages back to scratch, no WORKDIR: from /
            "COPY lonely\n"  # 4: no destination at all
            "FROM node:22\n"
            "COPY a b\n"  # 6: the image may set its own WORKDIR: no guess
            "WORKDIR $HOME\n"
            "COPY a b\n"  # 8: WORKDIR from the image's environment: unknown
            "WORKDIR /w\n"
            "COPY a C:/x\n"  # 10: a Windows drive path is not joined
            "COPY <<EOF ./\nhi\nEOF\n")  # 11: heredoc into the WORKDIR
    assert [(h[0], h[2]) for h in hints(text) if h[2].startswith("→")] == [(3, "→ /conf/"), (11, "→ /w/")]


def test_numeric_from_names_only_an_earlier_stage():
    text = "FROM scratch\nCOPY --from=1 a /b\nFROM scratch\nCOPY --from=0 a /b\nCOPY --from=2 a /b\n"
    assert [(h[0], h[2]) for h in hints(text)] == [(3, "→ stage 0 (scratch)")]  # BuildKit: only earlier stages


def test_each_kind_can_be_switched_off():
    only_values = InlayHintSettings(variable_values=True, stage_indexes=False, copy_destinations=False)
    assert all(label.startswith("=") for _, _, label in hints(TEXT, only_values))
    nothing = InlayHintSettings(variable_values=False, stage_indexes=False, copy_destinations=False)
    assert hints(TEXT, nothing) == []


def test_range_limits_the_hints():
    rng = types.Range(types.Position(12, 0), types.Position(13, 0))
    assert [h[0] for h in hints(TEXT, rng=rng)] == [12]


def test_long_values_are_shortened():
    text = "FROM scratch\nENV A=" + "x" * 100 + "\nRUN echo $A\n"
    label = hints(text)[0][2]
    assert len(label) <= 2 + inlay_hints.MAX_LABEL and label.endswith("…")


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={**GENEROUS, "inlayHints": {"copyDestinations": False}}))
    yield
    await lsp_client.shutdown_session()


async def test_inlay_hints_end_to_end(client: LanguageClient):
    open_doc(client, URI, TEXT)
    whole = types.Range(types.Position(0, 0), types.Position(20, 0))
    result = await client.text_document_inlay_hint_async(types.InlayHintParams(text_document=tdi(URI), range=whole))
    labels = [hint.label for hint in result]
    assert "= 1.23.4" in labels and "→ build" in labels
    assert not [label for label in labels if label.startswith("→ /")]  # switched off by the setting
