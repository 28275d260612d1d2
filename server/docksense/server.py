"""pygls wiring only: thin handlers that call :mod:`docksense.features`.

Each handler is wrapped by :func:`guarded`, so an exception inside one feature is logged and
answered with an empty result instead of taking the server down. Documents are analysed once
per version through :class:`~docksense.analysis.AnalysisCache`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from .analysis import AnalysisCache
from .features.positions import encoding_name
from .knowledge import KnowledgeBase

if TYPE_CHECKING:
    from .analysis import Analysis
from .settings import Settings, parse_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


# Feature modules imported by ``warm_up`` in the background (the rules and the shell layer take
# a while to import, and ``initialize`` should be answered before that).
WARM_FEATURES: tuple[str, ...] = ("diagnostics", "hover", "code_actions")


def feature(name: str) -> Any:
    """The module ``docksense.features.<name>``, imported on first use."""
    import importlib

    return importlib.import_module(f".features.{name}", __package__)


def _use_knowledge(analysis, kb) -> None:
    from .rules.context import use_knowledge

    use_knowledge(analysis, kb)


class DocksenseServer(LanguageServer):
    """The language server's state: settings, knowledge base, analysis cache, pending pushes."""

    def __init__(self) -> None:
        super().__init__("docksense", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self.cache = AnalysisCache()
        self.kb = KnowledgeBase()
        self._pending: dict[str, asyncio.Task[None]] = {}
        self.pull_diagnostics = False

    # -- state helpers -----------------------------------------------------------
    @property
    def encoding(self) -> str:
        try:
            return encoding_name(self.workspace.position_encoding)
        except Exception:
            return "utf-16"

    def analysis(self, uri: str) -> Optional["Analysis"]:
        try:
            document = self.workspace.get_text_document(uri)
        except Exception:
            return None
        path: Optional[Path] = None
        if uri.startswith("file:"):
            fs_path = to_fs_path(uri)
            path = Path(fs_path) if fs_path else None
        analysis = self.cache.get(uri, document.version, document.source, path)
        _use_knowledge(analysis, self.kb)  # rules that need facts (end of life) see the user's packs
        return analysis

    def apply_settings(self, raw: Any) -> None:
        warnings: list[str] = []
        self.settings = parse_settings(raw, warnings.append)
        for message in warnings:
            log.warning(message)
            self.window_log_message(types.LogMessageParams(types.MessageType.Warning, message))
        self.kb = KnowledgeBase([Path(p).expanduser() for p in self.settings.knowledge.paths])
        self.warm_up()

    def warm_up(self) -> None:
        """Index the whole knowledge base in the background, so that the first hover on a RUN
        does not pay for reading every command entry; problems in user packs are logged."""
        kb = self.kb

        def load() -> None:
            try:
                for name in WARM_FEATURES:  # import the rules and features off the critical path
                    feature(name)
                kb.load_all()
                for problem in kb.problems:
                    log.warning("knowledge: %s", problem)
            except Exception:
                log.exception("docksense: loading the knowledge base failed")

        threading.Thread(target=load, name="docksense-knowledge", daemon=True).start()

    def publish(self, uri: str) -> None:
        analysis = self.analysis(uri)
        if analysis is None:
            return
        document = self.workspace.get_text_document(uri)
        items = feature("diagnostics").diagnostics(analysis, self.settings, self.encoding)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=document.version)
        )

    def schedule(self, uri: str) -> None:
        """Push diagnostics after the debounce delay; a newer edit cancels the older push."""
        if self.pull_diagnostics:
            return
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        delay = self.settings.diagnostics.debounce_ms / 1000

        async def later() -> None:
            try:
                if delay:
                    await asyncio.sleep(delay)
                guarded_call(self.publish, None, uri)
            finally:
                if self._pending.get(uri) is task:
                    self._pending.pop(uri, None)

        task = asyncio.ensure_future(later())
        self._pending[uri] = task


def guarded_call(function: Callable[..., T], default: T, *args: Any) -> T:
    try:
        return function(*args)
    except Exception:
        log.exception("docksense: %s failed", getattr(function, "__name__", function))
        return default


def guarded(default: Any = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Answer ``default`` (and log) when a handler raises."""

    def wrap(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def inner(*args: Any, **kwargs: Any) -> T:
            try:
                return function(*args, **kwargs)
            except Exception:
                log.exception("docksense: handler %s failed", function.__name__)
                return default

        return inner

    return wrap


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
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="docksense", inter_file_dependencies=False, workspace_diagnostics=False),
)
@guarded(types.RelatedFullDocumentDiagnosticReport(items=[]))
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
