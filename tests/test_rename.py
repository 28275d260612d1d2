"""Rename and prepareRename of stages and variables: every occurrence, clear refusals."""

from __future__ import annotations

import pytest
import pytest_lsp
from docksense.features import rename as rename_feature
from docksense.features.rename import Refusal
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .feature_helpers import GENEROUS, analyse, pos, tdi
from .lsp_helpers import SERVER, open_doc

URI = "file:///tmp/docksense-rename/Dockerfile"

TEXT = """\
ARG VERSION=1.0
FROM alpine:${VERSION} AS Builder
ARG VERSION
ENV APP_HOME=/app
RUN echo ${VERSION:-dev} $APP_HOME "${APP_HOME}/bin"
FROM builder AS test
RUN echo $APP_HOME
FROM alpine
ENV APP_HOME=/other
COPY --from=BUILDER /app /app
COPY --from=0 /x /y
RUN --mount=type=bind,from=builder,source=/app,target=/src ls $APP_HOME
"""


def apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert edit.range.start.line == edit.range.end.line
        line = lines[edit.range.start.line]
        lines[edit.range.start.line] = line[:edit.range.start.character] + edit.new_text + line[edit.range.end.character:]
    return "\n".join(lines)


def renamed(text: str, needle: str, new_name: str, nth: int = 0, delta: int = 1) -> str:
    result = rename_feature.rename(analyse(text), URI, pos(text, needle, nth, delta), new_name)
    assert not isinstance(result, Refusal), result
    return apply(text, result.changes[URI])


def refusal(text: str, needle: str, new_name: str = "NEW", nth: int = 0, delta: int = 1) -> str:
    result = rename_feature.rename(analyse(text), URI, pos(text, needle, nth, delta), new_name)
    assert isinstance(result, Refusal), result
    return result.message


def test_stage_rename_changes_as_from_copy_from_and_mount_from():
    out = renamed(TEXT, "Builder", "compile")
    assert "AS compile\n" in out
    assert "FROM compile AS test" in out
    assert "COPY --from=compile /app" in out
    assert "from=compile,source" in out
    assert "COPY --from=0 /x /y" in out  # an index is not a name


def test_stage_rename_from_a_reference():
    out = renamed(TEXT, "BUILDER /app", "base")
    assert out.count("base") == 4 and "Builder" not in out and "builder" not in out


def test_variable_rename_reaches_modifier_forms_and_child_stages_only():
    out = renamed(TEXT, "APP_HOME=/app", "ROOT")
    assert "ENV ROOT=/app" in out
    assert 'echo ${VERSION:-dev} $ROOT "${ROOT}/bin"' in out
    assert "FROM builder AS test\nRUN echo $ROOT" in out  # inherited ENV
    assert "ENV APP_HOME=/other" in out and "ls $APP_HOME" in out  # an unrelated stage


def test_global_arg_rename_includes_reimports_and_defaults():
    out = renamed(TEXT, "${VERSION:-dev}", "V2", delta=3)
    assert out.startswith("ARG V2=1.0\nFROM alpine:${V2} AS Builder\nARG V2\n")
    assert "${V2:-dev}" in out


def test_rename_is_idempotent_in_name():
    result = rename_feature.rename(analyse(TEXT), URI, pos(TEXT, "Builder", 0, 1), "Builder")
    edits = result.changes[URI]
    assert all(e.new_text == "Builder" for e in edits)
    assert len(edits) == 3  # the three occurrences spelled otherwise (builder, BUILDER, builder)


@pytest.mark.parametrize("new_name,reason", [
    ("1abc", "not a valid stage name"), ("has space", "not a valid stage name"), ("", "not a valid stage name"),
    ("test", "already exists"), ("TEST", "already exists"),
])
def test_invalid_stage_names_are_refused(new_name, reason):
    assert reason in refusal(TEXT, "Builder", new_name)


@pytest.mark.parametrize("new_name,reason", [
    ("9LIVES", "not a valid variable name"), ("A-B", "not a valid variable name"), ("A B", "not a valid variable name"),
    ("VERSION", "already used"),
])
def test_invalid_variable_names_are_refused(new_name, reason):
    assert reason in refusal(TEXT, "APP_HOME=/app", new_name)


def test_shell_variables_rename_within_their_run():
    text = 'FROM alpine\nRUN for f in a b; do echo "$f"; done && echo ${f}\nRUN echo $f\n'
    assert renamed(text, '"$f"', "item", delta=2) == \
        'FROM alpine\nRUN for item in a b; do echo "$item"; done && echo ${item}\nRUN echo $f\n'


def test_undeclared_variables_are_not_renamed():
    text = "FROM alpine\nRUN echo $PATH\n"
    assert "not declared in this Dockerfile" in refusal(text, "$PATH", delta=2)


def test_platform_args_are_not_renamed():
    text = "FROM alpine\nARG TARGETARCH\nRUN echo $TARGETARCH\n"
    assert "set by BuildKit" in refusal(text, "$TARGETARCH", delta=2)


def test_prepare_rename_gives_the_name_range_or_a_refusal():
    a = analyse(TEXT)
    ok = rename_feature.prepare_rename(a, pos(TEXT, "${APP_HOME}", 0, 0))
    assert ok.placeholder == "APP_HOME"
    assert ok.range.start == pos(TEXT, "${APP_HOME}", 0, 2)
    index_ref = rename_feature.prepare_rename(a, pos(TEXT, "--from=0", 0, 7))
    assert isinstance(index_ref, Refusal) and "index" in index_ref.message
    nothing = rename_feature.prepare_rename(a, pos(TEXT, "alpine", 0, 1))
    assert isinstance(nothing, Refusal) and "Only build stages, variables and heredoc delimiters" in nothing.message


def test_heredoc_delimiters_rename_in_marker_and_terminator():
    text = 'FROM a\nRUN <<"EOF" sh\necho start\nEND\nEOF\nCOPY <<-CONF /etc/x\n\tk=v\n\tCONF\n'
    assert renamed(text, "EOF\n", "SCRIPT", delta=0) == \
        'FROM a\nRUN <<"SCRIPT" sh\necho start\nEND\nSCRIPT\nCOPY <<-CONF /etc/x\n\tk=v\n\tCONF\n'
    assert renamed(text, "CONF", "CFG") == 'FROM a\nRUN <<"EOF" sh\necho start\nEND\nEOF\nCOPY <<-CFG /etc/x\n\tk=v\n\tCFG\n'
    assert "would end the heredoc" in refusal(text, "EOF", "END")
    assert "not a usable heredoc delimiter" in refusal(text, "EOF", "A B")
    assert "no terminator" in refusal("FROM a\nRUN <<EOF\necho\n", "EOF")


def test_document_changes_carry_the_version():
    result = rename_feature.rename(analyse(TEXT), URI, pos(TEXT, "Builder", 0, 1), "b", version=7,
                                   document_changes=True)
    change = result.document_changes[0]
    assert change.text_document.version == 7 and len(change.edits) == 4


# -- end to end ---------------------------------------------------------------------------------------
@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                             initialization_options=GENEROUS))
    yield
    await lsp_client.shutdown_session()


async def test_prepare_rename_and_rename_end_to_end(client: LanguageClient):
    assert client.init_result.capabilities.rename_provider.prepare_provider is True
    open_doc(client, URI, TEXT)
    at = pos(TEXT, "BUILDER /app", 0, 2)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=tdi(URI), position=at))
    assert prepared.placeholder == "BUILDER"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=tdi(URI), position=at, new_name="compile"))
    if edit.document_changes:
        edits = edit.document_changes[0].edits
    else:
        edits = edit.changes[URI]
    out = apply(TEXT, edits)
    assert out.count("compile") == 4


async def test_refusal_reaches_the_client_as_a_request_error(client: LanguageClient):
    open_doc(client, URI, TEXT)
    with pytest.raises(Exception) as caught:
        await client.text_document_rename_async(
            types.RenameParams(text_document=tdi(URI), position=pos(TEXT, "Builder", 0, 1), new_name="9 lives"))
    assert "not a valid stage name" in str(caught.value)
    with pytest.raises(Exception) as caught:
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=tdi(URI), position=pos(TEXT, "--from=0", 0, 7)))
    assert "index" in str(caught.value)
