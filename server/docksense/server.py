"""pygls wiring only: thin handlers that call :mod:`docksense.features`; the server state and the
request machinery they run under are in :mod:`.server_runtime`.

Each handler is wrapped by :func:`guarded`, so an exception inside one feature is logged and
answered with an empty result instead of taking the server down, and a request about a
document runs in that document's worker thread under the time budget of :mod:`.budget`.
Malformed requests are answered at the JSON-RPC layer (:mod:`.protocol`). Documents are
analysed once per version through :class:`~docksense.analysis.AnalysisCache`.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .protocol import server_cancelled
from .server_runtime import DocksenseServer, feature, guarded, guarded_call

log = logging.getLogger(__name__)

__all__ = ["DocksenseServer", "feature", "guarded", "guarded_call", "server"]


server = DocksenseServer()


@server.feature(types.INITIALIZE)
@guarded()
def initialize(ls: DocksenseServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)
    capabilities = params.capabilities
    text_document = capabilities.text_document if capabilities else None
    ls.pull_diagnostics = bool(text_document and text_document.diagnostic)


@server.feature(types.INITIALIZED)
async def initialized(ls: DocksenseServer, params: types.InitializedParams) -> None:
    await refresh_configuration(ls)


async def refresh_configuration(ls: DocksenseServer) -> None:
    """Ask the client for the ``docksense`` section, when it can answer."""
    try:
        workspace = ls.client_capabilities.workspace
        if not (workspace and workspace.configuration):
            return
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="docksense")])
        )
        if result and result[0] is not None:
            ls.apply_settings(result[0])
            for uri in list(ls.workspace.text_documents):
                ls.schedule(uri)
            if ls.pull_diagnostics:
                ls.workspace_diagnostic_refresh(None)
    except Exception:
        log.exception("docksense: reading workspace configuration failed")


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: DocksenseServer, params: types.DidChangeConfigurationParams) -> None:
    # Only a payload that carries our section is used; clients such as eglot send their whole
    # configuration here, which must not reset ours. Either way, pull the section again.
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("docksense"), dict):
        guarded_call(ls.apply_settings, None, settings["docksense"])
        for uri in list(ls.workspace.text_documents):
            ls.schedule(uri)
    await refresh_configuration(ls)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded()
def did_open(ls: DocksenseServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded()
def did_change(ls: DocksenseServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded()
def did_close(ls: DocksenseServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    pending = ls._pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.cache.drop(uri)
    ls.lanes.close(uri)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="docksense", inter_file_dependencies=False, workspace_diagnostics=False),
)
@guarded(types.RelatedFullDocumentDiagnosticReport(items=[]),
         overrun=lambda: server_cancelled("diagnostics ran past the time budget"))
def document_diagnostic(ls: DocksenseServer, params: types.DocumentDiagnosticParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    items = feature("diagnostics").diagnostics(analysis, ls.settings, ls.encoding)
    return types.RelatedFullDocumentDiagnosticReport(items=items)


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded(None)
def hover(ls: DocksenseServer, params: types.HoverParams) -> Optional[types.Hover]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    hover_feature = feature("hover")
    return hover_feature.hover(
        analysis,
        ls.kb,
        params.position,
        ls.encoding,
        ls.settings.hover.detail,
        hover_feature.client_wants_markdown(ls.client_capabilities),
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, "source.fixAll.docksense"],  # as code_actions.KINDS
        resolve_provider=False,
    ),
)
@guarded([])
def code_action(ls: DocksenseServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return []
    return feature("code_actions").code_actions(analysis, params, ls.settings, ls.encoding, params.text_document.uri)


# -- completion and signature help (features/completion/, features/signature_help.py) -------
COMPLETION_TRIGGERS = [" ", "-", "=", "$", "{", ":", ",", "["]


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=COMPLETION_TRIGGERS, resolve_provider=True),
)
@guarded(None)
def completion(ls: DocksenseServer, params: types.CompletionParams) -> Optional[types.CompletionList]:
    if not ls.settings.features.completion:
        return None
    uri = params.text_document.uri
    state = ls.document_state(uri)  # the version this request sees (its lane's snapshot)
    analysis = ls.analysis(uri)
    if analysis is None or state is None:
        return None
    completion_feature = feature("completion")
    client = completion_feature.ClientSupport.from_capabilities(ls.client_capabilities)
    result = completion_feature.completion(analysis, ls.kb, params.position, ls.encoding, client)
    version = state[0]
    for item in result.items:
        if isinstance(item.data, dict) and "offset" in item.data:
            item.data.update(uri=uri, version=version)  # resolve explains that place of this version
    return result


@server.feature(types.COMPLETION_ITEM_RESOLVE)
@guarded(None)
def completion_resolve(ls: DocksenseServer, item: types.CompletionItem) -> types.CompletionItem:
    data = item.data if isinstance(item.data, dict) else {}
    analysis = None
    uri = data.get("uri")
    if isinstance(uri, str):
        document = ls.workspace.text_documents.get(uri)
        if document is not None and document.version == data.get("version"):
            analysis = ls.analysis(uri)
    completion_feature = feature("completion")
    client = completion_feature.ClientSupport.from_capabilities(ls.client_capabilities)
    return completion_feature.resolve(item, ls.kb, analysis, client.markdown, ls.settings.hover.detail)


@server.feature(
    types.TEXT_DOCUMENT_SIGNATURE_HELP,
    types.SignatureHelpOptions(trigger_characters=[" ", "=", ",", "["], retrigger_characters=[",", "=", " "]),
)
@guarded(None)
def signature_help(ls: DocksenseServer, params: types.SignatureHelpParams) -> Optional[types.SignatureHelp]:
    if not ls.settings.features.signature_help:
        return None
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    markdown = True
    try:
        formats = ls.client_capabilities.text_document.signature_help.signature_information.documentation_format
        markdown = not formats or types.MarkupKind.Markdown in formats
    except AttributeError:
        pass
    return feature("signature_help").signature_help(analysis, ls.kb, params.position, ls.encoding, markdown)


# -- formatting (features/formatting.py) ---------------------------------------------------
def _format_options(ls: DocksenseServer, lsp_options: Any) -> Any:
    return feature("formatting").options_from(lsp_options, ls.settings.formatting.keyword_case)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
@guarded([])
def formatting(ls: DocksenseServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.formatting:
        return []
    return feature("formatting").document_edits(analysis, _format_options(ls, params.options), ls.encoding)


@server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
@guarded([])
def range_formatting(ls: DocksenseServer, params: types.DocumentRangeFormattingParams) -> list[types.TextEdit]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.formatting:
        return []
    return feature("formatting").range_edits(analysis, params.range, _format_options(ls, params.options), ls.encoding)


@server.feature(
    types.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
    types.DocumentOnTypeFormattingOptions(first_trigger_character="\n", more_trigger_character=["\\", "`"]),
)
@guarded([])
def on_type_formatting(ls: DocksenseServer, params: types.DocumentOnTypeFormattingParams) -> list[types.TextEdit]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.formatting:
        return []
    return feature("formatting").on_type_edits(
        analysis, params.position, params.ch, _format_options(ls, params.options), ls.encoding
    )


# -- outline, navigation, rename, folding, tokens, links, hints (features/symbols.py ...) ----
from .features.semantic_legend import LEGEND as _TOKEN_LEGEND  # noqa: E402 (light: no analysis import)


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed (-32803): the request was understood and refused; the message says why."""

    CODE = -32803


class _RefusalsAreNotErrors(logging.Filter):
    """pygls logs every error response with a traceback at ERROR; a refusal is an answer, not
    a failure, so it becomes one DEBUG line of ours instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, RequestFailed):
            log.debug("docksense: request refused: %s", exc.message)
            return False
        return True


logging.getLogger("pygls.protocol.json_rpc").addFilter(_RefusalsAreNotErrors())


def _refused(outcome: Any) -> Any:
    """Turn a feature's refusal (an object with ``message``) into an error the client shows."""
    message = getattr(outcome, "message", None)
    if isinstance(message, str):
        raise RequestFailed(message)
    return outcome


def _text_capabilities(ls: DocksenseServer) -> Any:
    capabilities = ls.client_capabilities
    return capabilities.text_document if capabilities else None


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@guarded([])
def document_symbol(ls: DocksenseServer, params: types.DocumentSymbolParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.document_symbols:
        return []
    text_caps = _text_capabilities(ls)
    symbol_caps = text_caps.document_symbol if text_caps else None
    hierarchical = bool(symbol_caps and symbol_caps.hierarchical_document_symbol_support)
    return feature("symbols").symbols_for_client(analysis, params.text_document.uri, hierarchical, ls.encoding)


@server.feature(types.WORKSPACE_SYMBOL)
@guarded([])
def workspace_symbol(ls: DocksenseServer, params: types.WorkspaceSymbolParams):
    if not ls.settings.features.workspace_symbols:
        return []
    documents = []
    for uri in list(ls.workspace.text_documents):
        analysis = ls.analysis(uri)
        if analysis is not None:
            documents.append((uri, analysis))
    return feature("symbols").workspace_symbols(documents, params.query, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded(None)
def definition(ls: DocksenseServer, params: types.DefinitionParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.definition:
        return None
    return feature("navigation").definition(analysis, params.text_document.uri, params.position, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@guarded(None)
def references(ls: DocksenseServer, params: types.ReferenceParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.references:
        return None
    include = params.context.include_declaration if params.context else True
    return feature("navigation").references(analysis, params.text_document.uri, params.position, include,
                                            ls.encoding)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
@guarded(None)
def document_highlight(ls: DocksenseServer, params: types.DocumentHighlightParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.document_highlight:
        return None
    return feature("navigation").highlights(analysis, params.position, ls.encoding)


# Rename runs in the document's lane within the request budget like every other request
# (@guarded); a refusal is raised as RequestFailed (-32803), which @guarded lets through, so
# the client shows its reason. An overrun or a failure answers null (nothing to rename).
@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
@guarded(None)
def prepare_rename(ls: DocksenseServer, params: types.PrepareRenameParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.rename:
        return None
    return _refused(feature("rename").prepare_rename(analysis, params.position, ls.encoding))


@server.feature(types.TEXT_DOCUMENT_RENAME)
@guarded(None)
def rename(ls: DocksenseServer, params: types.RenameParams):
    uri = params.text_document.uri
    analysis = ls.analysis(uri)
    if analysis is None or not ls.settings.features.rename:
        return None
    workspace_caps = ls.client_capabilities.workspace if ls.client_capabilities else None
    edit_caps = workspace_caps.workspace_edit if workspace_caps else None
    document_changes = bool(edit_caps and edit_caps.document_changes)
    state = ls.document_state(uri)  # the snapshot this job was given: the version analysed
    version = state[0] if state is not None else None
    return _refused(feature("rename").rename(analysis, uri, params.position, params.new_name, ls.encoding,
                                             version, document_changes))


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
@guarded([])
def folding_range(ls: DocksenseServer, params: types.FoldingRangeParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.folding:
        return []
    text_caps = _text_capabilities(ls)
    folding_caps = text_caps.folding_range if text_caps else None
    limit = folding_caps.range_limit if folding_caps else None
    return feature("folding").folding_ranges(analysis, limit)


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, _TOKEN_LEGEND)
@guarded(types.SemanticTokens(data=[]))
def semantic_tokens_full(ls: DocksenseServer, params: types.SemanticTokensParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.semantic_tokens:
        return types.SemanticTokens(data=[])
    return feature("semantic_tokens").full(analysis, params.text_document.uri, ls.kb, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, _TOKEN_LEGEND)
@guarded(types.SemanticTokens(data=[]))
def semantic_tokens_delta(ls: DocksenseServer, params: types.SemanticTokensDeltaParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.semantic_tokens:
        return types.SemanticTokens(data=[])
    return feature("semantic_tokens").delta(analysis, params.text_document.uri, params.previous_result_id,
                                            ls.kb, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, _TOKEN_LEGEND)
@guarded(types.SemanticTokens(data=[]))
def semantic_tokens_range(ls: DocksenseServer, params: types.SemanticTokensRangeParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.semantic_tokens:
        return types.SemanticTokens(data=[])
    return feature("semantic_tokens").in_range(analysis, params.range, ls.kb, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
@guarded([])
def document_link(ls: DocksenseServer, params: types.DocumentLinkParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.document_links:
        return []
    return feature("links").document_links(analysis, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
@guarded([])
def inlay_hint(ls: DocksenseServer, params: types.InlayHintParams):
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None or not ls.settings.features.inlay_hints:
        return []
    return feature("inlay_hints").inlay_hints(analysis, params.range, ls.settings.inlay_hints, ls.encoding)
