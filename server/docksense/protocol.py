"""The JSON-RPC layer under pygls: every request gets an answer, whatever its params.

pygls 2 turns each incoming message into typed objects inside ``json.loads``'s
``object_hook`` (``JsonRPCProtocol.structure_message``). When the params do not fit the
method's type (``params: null``, a missing ``position``, a negative line, a string where a
number belongs) cattrs raises, pygls re-raises ``JsonRpcInvalidParams`` out of ``json.loads``,
and the read loop (``pygls.io_.run_async``) only logs it and shows the user an "Error in
server" message: the request is never answered and the client waits forever.

:class:`DocksenseProtocol` structures the message itself: a request whose params do not
structure becomes an :class:`InvalidRequest` that :meth:`handle_message` answers with
JSON-RPC's InvalidParams (-32602) and the request's id (or ``null`` when the id itself is not
a valid id); a malformed notification is logged in one line and dropped (notifications have
no answer). It also makes sending safe from the worker threads of :mod:`docksense.budget`
(messages are handed to the event loop's thread) and answers a request that overran its
time budget with a short log line instead of a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from typing import Any, Optional

from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage

log = logging.getLogger(__name__)


class ServerCancelled(JsonRpcException):
    """LSP's ServerCancelled (-32802): the server gave up on the request (here: its time
    budget ran out). Quietly logged, not a bug."""

    CODE = -32802
    MESSAGE = "Server cancelled the request"


class InvalidRequest:
    """A request whose params did not fit its method: answered with InvalidParams."""

    __slots__ = ("id", "method", "reason")

    def __init__(self, msg_id: Any, method: Any, reason: str):
        self.id = msg_id
        self.method = method
        self.reason = reason


class DroppedNotification:
    """A notification whose params did not fit its method: logged and ignored."""

    __slots__ = ("method", "reason")

    def __init__(self, method: Any, reason: str):
        self.method = method
        self.reason = reason


def _valid_id(value: Any) -> Optional[Any]:
    """The request id to answer with: JSON-RPC ids are strings or integers, else null."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, (str, int)) else None


def _reason(exc: BaseException) -> str:
    """The innermost messages of a (possibly grouped) structuring error, in one line."""
    leaves: list[str] = []

    def walk(error: BaseException) -> None:
        inner = getattr(error, "exceptions", None)
        if inner:
            for sub in inner:
                walk(sub)
        else:
            text = str(error) or error.__class__.__name__
            if isinstance(error, KeyError):
                text = f"missing {text}"
            leaves.append(text)

    walk(exc)
    return "; ".join(dict.fromkeys(leaves))[:500]


class DocksenseProtocol(LanguageServerProtocol):
    """pygls' LSP protocol with answers for malformed requests and thread-safe sending."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._loop_thread: Optional[int] = None

    # -- receiving -------------------------------------------------------------------
    def structure_message(self, data: dict[str, Any]) -> Any:
        if not isinstance(data, dict) or "jsonrpc" not in data or "method" not in data or "error" in data:
            return super().structure_message(data)  # responses and nested objects: as pygls does
        method = data.get("method")
        is_request = "id" in data
        message_type = self.get_message_type(method) if isinstance(method, str) else None
        if message_type is None:  # unknown method: pygls answers MethodNotFound (params may be absent)
            message_type = JsonRPCRequestMessage if is_request else JsonRPCNotification
            data = {**data, "params": data.get("params")}
        try:
            return self._converter.structure(data, message_type)
        except Exception as exc:  # noqa: BLE001 - any structuring failure is the client's input
            reason = _reason(exc)
            if is_request:
                log.warning("invalid params for %r (id %r): %s", method, data.get("id"), reason)
                return InvalidRequest(_valid_id(data.get("id")), method, reason)
            log.warning("ignoring notification %r with invalid params: %s", method, reason)
            return DroppedNotification(method, reason)

    def handle_message(self, message: Any) -> None:
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
                self._loop_thread = threading.get_ident()
            except RuntimeError:
                pass
        if isinstance(message, InvalidRequest):
            error = JsonRpcInvalidParams(f"Invalid params for {message.method}: {message.reason}")
            self._send_response(message.id, None, error.to_response_error())
            return
        if isinstance(message, DroppedNotification):
            return
        super().handle_message(message)

    # -- answering -------------------------------------------------------------------
    def _send_handler_result(self, future: Future[Any], *, msg_id: Any) -> None:
        if not future.cancelled():
            exc = future.exception()
            if isinstance(exc, ServerCancelled):
                self._request_futures.pop(msg_id, None)
                log.warning("request %r: %s", msg_id, exc.message)
                self._send_response(msg_id, error=exc.to_response_error())
                return
        super()._send_handler_result(future, msg_id=msg_id)

    def _send_data(self, data: Any) -> None:
        loop = self._loop
        if loop is not None and self._loop_thread != threading.get_ident() and not loop.is_closed():
            loop.call_soon_threadsafe(super()._send_data, data)
            return
        super()._send_data(data)


def server_cancelled(message: str, retrigger: bool = False) -> ServerCancelled:
    """A ServerCancelled error carrying LSP's ``DiagnosticServerCancellationData``."""
    return ServerCancelled(message, data={"retriggerRequest": retrigger})


__all__ = ["DocksenseProtocol", "InvalidRequest", "ResponseError", "ServerCancelled", "server_cancelled"]
