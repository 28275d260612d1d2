"""Go to definition, references and document highlight: BuildKit's scoping, stages, heredocs."""

from __future__ import annotations

import pytest
import pytest_lsp
from docksense.features import navigation
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .feature_helpers import GENEROUS, analyse, pos, snippet, span, tdi
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-nav/Dockerfile"

TEXT = """\
ARG GO=1.23
ARG UNUSED=1
FROM golang:${GO} AS Build
ARG GO
ENV MODE=debug
RUN echo $MODE ${GO:-none}
ENV MODE=release OTHER=$MODE
RUN echo "$MODE" && cat <<EOF > /etc/motd
mode is ${MODE}
EOF
FROM build AS child
RUN echo $MODE $GO
FROM alpine AS other
ENV MODE=other
RUN echo $MODE
COPY --from=BUILD /a /b
COPY --from=0 /a /b
RUN --mount=type=cache,from=child,target=/x echo ok
"""


def definition_of(text: str, needle: str, nth: int = 0, delta: int = 1):
    result = navigation.definition(analyse(text), URI, pos(text, needle, nth, delta))
    return None if result is None else [location.range for location in result]


# -- definition -------------------------------------------------------------------------------------
def test_definition_is_the_declaration_in_effect_not_the_first_one():
    # rcjsuen's server jumps to the first ENV MODE of the stage; BuildKit uses the nearest earlier one
    assert definition_of(TEXT, "$MODE", 0) == [span(TEXT, "MODE=debug", length=4)]
    assert definition_of(TEXT, '"$MODE"', 0, 2) == [span(TEXT, "MODE=release", length=4)]
    assert definition_of(TEXT, "${MODE}", 0, 2) == [span(TEXT, "MODE=release", length=4)]


def test_definition_inside_one_instruction_uses_the_state_before_it():
    # ENV MODE=release OTHER=$MODE: the $MODE is the old value
    assert definition_of(TEXT, "OTHER=$MODE", 0, 7) == [span(TEXT, "MODE=debug", length=4)]


def test_definition_of_a_reimported_global_arg():
    assert definition_of(TEXT, "${GO:-none}", 0, 2) == [span(TEXT, "ARG GO\n", delta=4, length=2)]
    # on the re-import itself: the global declaration it takes its value from
    assert definition_of(TEXT, "ARG GO\n", 0, 5) == [span(TEXT, "GO=1.23", length=2)]
    # in the FROM line: the global ARG
    assert definition_of(TEXT, "${GO}", 0, 2) == [span(TEXT, "GO=1.23", length=2)]


def test_global_arg_not_reimported_has_no_definition_in_the_stage():
    assert definition_of(TEXT, "$GO\n", 0, 1) is None  # in stage child: never re-declared there


def test_definition_of_inherited_env_is_in_the_parent_stage():
    assert definition_of(TEXT, "$MODE $GO", 0, 1) == [span(TEXT, "MODE=release", length=4)]


def test_definition_never_crosses_to_an_unrelated_stage():
    assert definition_of(TEXT, "$MODE", 4, 1) == [span(TEXT, "MODE=other", length=4)]


@pytest.mark.parametrize("needle,delta", [("build AS child", 1), ("BUILD /a", 1), ("0 /a", 0)])
def test_stage_references_lead_to_the_as_name(needle, delta):
    assert definition_of(TEXT, needle, 0, delta) == [span(TEXT, "Build\n", length=5)]


def test_mount_from_leads_to_the_stage():
    assert definition_of(TEXT, "from=child", 0, 6) == [span(TEXT, "child\n", length=5)]


def test_heredoc_terminator_leads_to_its_marker():
    text = TEXT
    terminator = pos(text, "\nEOF\n", 0, 1)
    result = navigation.definition(analyse(text), URI, terminator)
    assert [loc.range for loc in result] == [span(text, "<<EOF", delta=2, length=3)]


def test_no_definition_outside_names():
    assert definition_of(TEXT, "echo ok", 0, 1) is None
    assert definition_of(TEXT, "$MODE", 0, 0) is not None  # on the `$` counts as the reference


def test_unnamed_stage_index_leads_to_its_from():
    text = "FROM alpine\nRUN true\nFROM busybox\nCOPY --from=0 /a /b\n"
    assert definition_of(text, "=0", 0, 1) == [span(text, "FROM", length=4)]


# -- references and highlight ----------------------------------------------------------------------
def references_of(text: str, needle: str, nth: int = 0, delta: int = 1, include: bool = True) -> list[str]:
    result = navigation.references(analyse(text), URI, pos(text, needle, nth, delta), include)
    return [(r.range.start.line, snippet(text, r.range)) for r in result or []]


def test_references_of_a_stage_variable_stay_in_its_stage_and_children():
    found = references_of(TEXT, "MODE=debug")
    assert found == [(4, "MODE"), (5, "MODE"), (6, "MODE"), (6, "MODE"), (7, "MODE"), (8, "MODE"), (11, "MODE")]
    assert all(line not in (13, 14) for line, _ in found)  # the unrelated stage's MODE


def test_references_without_declaration():
    found = references_of(TEXT, "MODE=debug", include=False)
    assert (4, "MODE") not in found and (6, "MODE") in found  # ENV MODE=release OTHER=$MODE: the use


def test_references_of_a_global_arg_include_reimports_and_modifier_forms():
    assert references_of(TEXT, "GO=1.23") == [(0, "GO"), (2, "GO"), (3, "GO"), (5, "GO")]


def test_references_of_a_stage_are_case_insensitive():
    assert references_of(TEXT, "Build\n") == [(2, "Build"), (10, "build"), (15, "BUILD"), (16, "0")]


def test_highlight_marks_declarations_write_and_uses_read():
    result = navigation.highlights(analyse(TEXT), pos(TEXT, "$MODE", 0, 2))
    kinds = [(h.range.start.line, h.kind) for h in result]
    W, R = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
    assert kinds[:4] == [(4, W), (5, R), (6, W), (6, R)]


def test_highlight_of_a_heredoc_pair():
    result = navigation.highlights(analyse(TEXT), pos(TEXT, "<<EOF", 0, 3))
    assert [(h.range.start.line, h.kind) for h in result] == [
        (7, types.DocumentHighlightKind.Write), (9, types.DocumentHighlightKind.Read)]


SHELL = """\
FROM alpine
ENV arch=x86
RUN arch="$(apk --print-arch)"; \\
    case "$arch" in x86_64) echo $arch ;; esac
RUN echo $arch
"""


def test_a_variable_the_script_sets_belongs_to_that_run_only():
    # rcjsuen's server links every $arch of the file together
    assert definition_of(SHELL, '"$arch"', 0, 2) == [span(SHELL, 'arch="', length=4)]
    assert references_of(SHELL, '"$arch"', 0, 2) == [(2, "arch"), (3, "arch"), (3, "arch")]
    # the next RUN is a new shell: its $arch is the ENV
    assert definition_of(SHELL, "echo $arch\n", 0, 6) == [span(SHELL, "arch=x86", length=4)]


def test_crlf_and_utf16_positions():
    text = 'FROM a AS b\r\nENV NOTE="🐳" X=1\r\nRUN echo "🐳" $X\r\n'
    a = analyse(text)
    line = text.split("\r\n")[2]
    character = len(line[: line.index("$X")].encode("utf-16-le")) // 2
    result = navigation.definition(a, URI, types.Position(2, character + 1))
    declared = text.split("\r\n")[1]
    x_at = len(declared[: declared.index("X=1")].encode("utf-16-le")) // 2
    assert [loc.range for loc in result] == [types.Range(types.Position(1, x_at), types.Position(1, x_at + 1))]


# -- end to end ---------------------------------------------------------------------------------------
@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                             initialization_options=GENEROUS))
    yield
    await lsp_client.shutdown_session()


async def test_definition_references_and_highlight_end_to_end(client: LanguageClient):
    open_doc(client, URI, TEXT)
    at = pos(TEXT, '"$MODE"', 0, 3)
    definition = await client.text_document_definition_async(types.DefinitionParams(text_document=tdi(URI), position= at))
    assert [loc.range for loc in definition] == [span(TEXT, "MODE=release", length=4)]
    refs = await client.text_document_references_async(
        types.ReferenceParams(context=types.ReferenceContext(include_declaration=True), text_document=tdi(URI),
                              position=at))
    assert len(refs) == 7 and all(r.uri == URI for r in refs)
    highlights = await client.text_document_document_highlight_async(types.DocumentHighlightParams(text_document=tdi(URI), position=at))
    assert {h.kind for h in highlights} == {types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read}
    stage = await client.text_document_definition_async(types.DefinitionParams(text_document=tdi(URI), position= pos(TEXT, "BUILD /a", 0, 2)))
    assert [loc.range for loc in stage] == [span(TEXT, "Build\n", length=5)]
    nothing = await client.text_document_definition_async(types.DefinitionParams(text_document=tdi(URI), position= pos(TEXT, "echo ok", 0, 1)))
    assert nothing is None


@pytest_lsp.fixture(config=SERVER)
async def switched_off(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={**GENEROUS, "features": {"definition": False, "references": False,
                                                       "documentHighlight": False}},
    ))
    yield
    await lsp_client.shutdown_session()


async def test_switches_turn_each_feature_off(switched_off: LanguageClient):
    client = switched_off
    open_doc(client, URI, TEXT)
    at = pos(TEXT, '"$MODE"', 0, 3)
    assert await client.text_document_definition_async(types.DefinitionParams(text_document=tdi(URI), position= at)) is None
    assert await client.text_document_references_async(
        types.ReferenceParams(context=types.ReferenceContext(include_declaration=True), text_document=tdi(URI),
                              position=at)) is None
    assert await client.text_document_document_highlight_async(types.DocumentHighlightParams(text_document=tdi(URI), position=at)) is None
