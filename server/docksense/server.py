"""pygls wiring only: thin handlers that call :mod:`docksense.features`.

Each handler is wrapped by :func:`guarded`, so an exception inside one feature is logged and
answered with an empty result instead of taking the server down, and a request about a
document runs in that document's worker thread under the time budget of :mod:`.budget`.
Malformed requests are answered at the JSON-RPC layer (:mod:`.protocol`). Documents are
analysed once per version through :class:`~docksense.analysis.AnalysisCache`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from .analysis import AnalysisCache
from .budget import Lanes, snapshot_of
from .protocol import DocksenseProtocol, server_cancelled

if TYPE_CHECKING:
    from .analysis import Analysis
    from .knowledge import KnowledgeBase
from .settings import Settings, parse_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


# Feature modules imported by ``warm_up`` in the background (the rules and the shell layer take
# a while to import, and ``initialize`` should be answered before that).
WARM_FEATURES: tuple[str, ...] = ("diagnostics", "hover", "code_actions", "completion")


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
        super().__init__("docksense", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=DocksenseProtocol)
        self.lanes = Lanes()  # one worker thread per document (see docksense.budget)
        self.settings = Settings()
        self.cache = AnalysisCache()
        self._kb: Optional["KnowledgeBase"] = None  # made on first use (see ``kb``)
        self._kb_paths: list[Path] = []
        self._kb_lock = threading.Lock()
        self._publishing = 0  # diagnostics being computed now: the warm-up steps wait for them
        self._publishing_lock = threading.Lock()
        self._pending: dict[str, asyncio.Task[None]] = {}
        self.pull_diagnostics = False
        # Set once the first warm-up (imports, knowledge base) is done; until then requests get
        # COLD_BUDGET_S, so a cold start on a busy machine is not mistaken for a stuck request.
        self.warmed = threading.Event()

    # -- state helpers -----------------------------------------------------------
    @property
    def kb(self) -> "KnowledgeBase":
        """The knowledge base of the current settings, made on first use: importing and
        indexing it is not on the way to the ``initialize`` answer."""
        kb = self._kb
        if kb is None:
            with self._kb_lock:
                if self._kb is None:
                    from .knowledge import KnowledgeBase

                    self._kb = KnowledgeBase(self._kb_paths)
                kb = self._kb
        return kb

    @property
    def encoding(self) -> str:
        from .features.positions import encoding_name

        try:
            return encoding_name(self.workspace.position_encoding)
        except Exception:
            return "utf-16"

    def document_state(self, uri: str) -> Optional[tuple[Any, str]]:
        """(version, text) of an open document: the snapshot the current job was given (see
        :mod:`.budget`), else the workspace's (read on the event loop)."""
        snapshot = snapshot_of(uri)
        if snapshot is not None:
            return snapshot
        try:
            document = self.workspace.get_text_document(uri)
            return document.version, document.source
        except Exception:
            return None

    def analysis(self, uri: str) -> Optional["Analysis"]:
        state = self.document_state(uri)
        if state is None:
            return None
        path: Optional[Path] = None
        if uri.startswith("file:"):
            fs_path = to_fs_path(uri)
            path = Path(fs_path) if fs_path else None
        analysis = self.cache.get(uri, state[0], state[1], path)
        _use_knowledge(analysis, self.kb)  # rules that need facts (end of life) see the user's packs
        return analysis

    def apply_settings(self, raw: Any) -> None:
        warnings: list[str] = []
        self.settings = parse_settings(raw, warnings.append)
        for message in warnings:
            log.warning(message)
            self.window_log_message(types.LogMessageParams(types.MessageType.Warning, message))
        paths = [Path(p).expanduser() for p in self.settings.knowledge.paths]
        with self._kb_lock:  # read again (packs may have changed on disk), on first use
            self._kb_paths, self._kb = paths, None
        try:
            self.shellcheck_loop: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            self.shellcheck_loop = None
        self.warm_up()

    def warm_up(self) -> None:
        """Index the whole knowledge base in the background, so that the first hover on a RUN
        does not pay for reading every command entry; problems in user packs are logged.
        Started once the current message is answered: during ``initialize`` it would compete
        with the answer for the interpreter."""

        def load() -> None:
            try:
                kb = self.kb
                for name in WARM_FEATURES:  # import the rules and features off the critical path
                    self._wait_for_quiet()
                    feature(name)
                configure_shellcheck(self)
                self._wait_for_quiet()
                kb.load_all()
                for problem in kb.problems:
                    log.warning("knowledge: %s", problem)
                settle_garbage_collector()
            except Exception:
                log.exception("docksense: loading the knowledge base failed")
            finally:
                self.warmed.set()

        thread = threading.Thread(target=load, name="docksense-knowledge", daemon=True)
        try:
            asyncio.get_running_loop().call_soon(thread.start)
        except RuntimeError:  # no event loop (tests, tools): start now
            thread.start()

    def _wait_for_quiet(self, limit: float = 2.0) -> None:
        """Let diagnostics being computed finish first (background work would share the
        interpreter with them), waiting ``limit`` seconds at most."""
        deadline = time.monotonic() + limit
        while self._publishing and time.monotonic() < deadline:
            time.sleep(0.01)

    def publish(self, uri: str) -> None:
        """Compute and push the diagnostics of ``uri`` (runs in the document's lane)."""
        with self._publishing_lock:
            self._publishing += 1
        try:
            state = self.document_state(uri)
            analysis = self.analysis(uri)
            if analysis is None or state is None:
                return
            items = feature("diagnostics").diagnostics_json(analysis, self.settings, self.encoding)
        finally:
            with self._publishing_lock:
                self._publishing -= 1
        params: dict[str, Any] = {"uri": uri, "diagnostics": items}
        if state[0] is not None:
            params["version"] = state[0]
        # JSON-ready dicts, sent as they are: typed params would be unstructured again by the
        # converter, which took longer than the rules on large files
        self.protocol._send_data({"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                                  "params": params})

    def diagnostics_changed(self) -> None:
        """Findings computed in the background arrived: push again, or ask to pull again."""
        if not self.pull_diagnostics:
            for uri in list(self.workspace.text_documents):
                self.schedule(uri)
            return
        try:
            workspace = self.client_capabilities.workspace
            if workspace and workspace.diagnostics and workspace.diagnostics.refresh_support:
                self.workspace_diagnostic_refresh(None)
        except Exception:
            log.exception("docksense: diagnostic refresh failed")

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
                state = self.document_state(uri)
                if state is None:
                    return
                job = self.lanes.submit(uri, None, state[0], state[1],
                                        functools.partial(guarded_call, self.publish, None, uri))
                await self.lanes.wait(uri, job, None)  # in the lane: the event loop stays free
            finally:
                if self._pending.get(uri) is task:
                    self._pending.pop(uri, None)

        task = asyncio.ensure_future(later())
        self._pending[uri] = task


def settle_garbage_collector() -> None:
    """Once the modules, rules and knowledge base are loaded (they live as long as the server),
    keep them out of every later collection, and collect young objects less often: one
    analysis allocates hundreds of thousands of objects, and with the defaults the cyclic
    collector took a third of the diagnostics time of a 5,000-line file."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def configure_shellcheck(ls: "DocksenseServer") -> None:
    """In the server ShellCheck never holds up diagnostics: what is not cached yet runs in
    the background, and when it lands clients are told to fetch diagnostics again."""
    from .rules.shellcheck import configure

    loop = getattr(ls, "shellcheck_loop", None)

    def ready() -> None:
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(guarded_call, ls.diagnostics_changed, None)

    try:  # a ShellCheck shipped inside the workspace is never run
        avoid = tuple(to_fs_path(folder.uri) or "" for folder in ls.workspace.folders.values())
    except Exception:
        avoid = ()
    configure(ls.settings.shellcheck.enable, ls.settings.shellcheck.path, wait=0, on_ready=ready,
              avoid=tuple(a for a in avoid if a))


def guarded_call(function: Callable[..., T], default: T, *args: Any) -> T:
    try:
        return function(*args)
    except Exception:
        log.exception("docksense: %s failed", getattr(function, "__name__", function))
        return default


# The budget while the server is still importing its layers and loading the knowledge base.
COLD_BUDGET_S = 30.0


def _document_uri(params: Any) -> Optional[str]:
    document = getattr(params, "text_document", None)
    uri = getattr(document, "uri", None)
    return uri if isinstance(uri, str) else None


def _request_key(ls: DocksenseServer, name: str, params: Any) -> Optional[str]:
    """What makes two requests the same job: handler, params, and the state they read."""
    try:
        body = json.dumps(ls.protocol._converter.unstructure(params), sort_keys=True, default=str)
    except Exception:
        return None
    return f"{name}|{id(ls.settings)}|{id(ls.kb)}|{ls.encoding}|{_shellcheck_generation()}|{body}"


def _shellcheck_generation() -> int:
    """Changes when ShellCheck verdicts computed in the background land (0 before the rules
    are loaded): a request repeated after that is computed again, with them."""
    runner = sys.modules.get("docksense.rules.shellcheck.runner")
    return getattr(getattr(runner, "RUNNER", None), "generation", 0)


def guarded(default: Any = None, overrun: Optional[Callable[[], Exception]] = None
            ) -> Callable[[Callable[..., T]], Callable[..., Any]]:
    """Answer ``default`` (and log) when a handler raises; budget requests about a document.

    A request whose params name a ``textDocument`` runs in that document's lane (see
    :mod:`.budget`): when it overruns ``limits.requestBudgetMs`` it is answered with
    ``default``, or with the error ``overrun()`` returns, and the work is not restarted by
    the requests that follow. Notifications and other requests run inline, as before.
    Deliberate JSON-RPC errors (``JsonRpcException``) raised by a handler pass through.
    """

    def wrap(function: Callable[..., T]) -> Callable[..., Any]:
        name = function.__name__

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except JsonRpcException:
                raise
            except Exception:
                log.exception("docksense: handler %s failed", name)
                return default

        if asyncio.iscoroutinefunction(function):
            @functools.wraps(function)
            async def inner_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await function(*args, **kwargs)
                except JsonRpcException:
                    raise
                except Exception:
                    log.exception("docksense: handler %s failed", name)
                    return default

            return inner_async

        @functools.wraps(function)
        async def inner(ls: Any, params: Any = None, *args: Any, **kwargs: Any) -> Any:
            uri = _document_uri(params)
            lanes = getattr(ls, "lanes", None)
            if uri is None or lanes is None or ls.protocol.msg_id is None:  # a notification
                return call(ls, params, *args, **kwargs)
            state = ls.document_state(uri)
            version, text = state if state is not None else (None, None)
            key = _request_key(ls, name, params)
            job = lanes.submit(uri, key, version, text, functools.partial(call, ls, params, *args, **kwargs))
            budget = ls.settings.limits.request_budget_ms / 1000
            warmed = getattr(ls, "warmed", None)
            if warmed is not None and not warmed.is_set():
                budget = max(budget, COLD_BUDGET_S)
            finished, result = await lanes.wait(uri, job, budget)
            if finished:
                return result
            log.warning("docksense: %s on %s ran past its %d ms budget; answered without it",
                        name, uri, ls.settings.limits.request_budget_ms)
            if overrun is None:
                return default
            _refresh_when_done(ls, job.future)
            raise overrun()

        return inner

    return wrap


def _refresh_when_done(ls: DocksenseServer, future: Any) -> None:
    """When diagnostics finish after their request was answered, ask the client to pull
    again: the result is kept for this version, so the next pull gets it at once."""
    try:
        workspace = ls.client_capabilities.workspace
        supported = bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)
    except Exception:
        supported = False
    if not supported:
        return
    loop = asyncio.get_running_loop()

    def done(finished: Any) -> None:
        if not finished.cancelled() and finished.exception() is None:
            loop.call_soon_threadsafe(guarded_call, ls.workspace_diagnostic_refresh, None, None)

    future.add_done_callback(done)


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
from pygls.exceptions import JsonRpcException  # noqa: E402
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
