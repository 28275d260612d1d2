"""The server's state and how each request runs; :mod:`docksense.server` holds the handlers.

:class:`DocksenseServer` keeps the settings, the knowledge base, the analysis cache and the
pending diagnostics pushes. :func:`guarded` wraps every handler: an exception inside one feature
is logged and answered with an empty result instead of taking the server down, and a request
about a document runs in that document's worker thread under the time budget of
:mod:`.budget`. Malformed requests are answered at the JSON-RPC layer (:mod:`.protocol`).
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
from .protocol import DocksenseProtocol

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
