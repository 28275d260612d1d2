"""Every request answered: malformed requests, cancellation, time budgets, failing handlers.

The end-to-end tests speak raw JSON-RPC to ``python -m docksense serve`` (bench/rpc_client.py),
since a client library would refuse to build the malformed messages. The budget tests drive
:func:`docksense.server.guarded` directly with handlers that block on an event, so they test
the design (who waits, what runs, what is never restarted) without depending on timing.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from types import SimpleNamespace

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from docksense.budget import Lanes
from docksense.settings import Settings

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from rpc_client import RpcClient  # noqa: E402

INVALID_PARAMS = -32602
METHOD_NOT_FOUND = -32601
REQUEST_CANCELLED = -32800
SERVER_CANCELLED = -32802
URI = "file:///tmp/docksense-protocol/Dockerfile"
DOC = {"uri": URI}


@pytest.fixture(scope="module")
def rpc():
    client = RpcClient()
    client.initialize()
    client.open(URI, "FROM alpine:3.20\nRUN apk add curl\n")
    yield client
    client.close()


MALFORMED = [
    ("textDocument/hover", None),
    ("textDocument/hover", {"textDocument": DOC}),  # no position
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": -1, "character": 0}}),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": 0, "character": -5}}),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": "zero", "character": 0}}),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": 2**40, "character": 0}}),
    ("textDocument/hover", [1, 2, 3]),
    ("textDocument/hover", {"textDocument": None, "position": {"line": 0, "character": 0}}),
    ("textDocument/diagnostic", {}),
    ("textDocument/codeAction", {"textDocument": DOC, "context": {"diagnostics": []}}),  # no range
    ("textDocument/completion", {"textDocument": DOC, "position": None}),
    ("textDocument/formatting", {"textDocument": DOC, "options": "tabs"}),
]


@pytest.mark.parametrize("index", range(len(MALFORMED)))
def test_malformed_request_gets_invalid_params_with_its_id(rpc, index):
    method, params = MALFORMED[index]
    msg_id = f"bad-{index}"
    rpc.send({"id": msg_id, "method": method, "params": params})
    response = rpc.wait_for(msg_id, timeout=20)
    assert response["error"]["code"] == INVALID_PARAMS, response
    assert method in response["error"]["message"]


def test_server_still_answers_after_malformed_requests(rpc):
    rpc.send({"id": 990, "method": "textDocument/hover", "params": None})
    assert rpc.wait_for(990)["error"]["code"] == INVALID_PARAMS
    response = rpc.request("textDocument/hover", {"textDocument": DOC, "position": {"line": 0, "character": 1}})
    assert "error" not in response and response["result"] is not None


def test_request_without_params_and_unknown_method(rpc):
    rpc.send({"id": 991, "method": "textDocument/hover"})
    assert rpc.wait_for(991)["error"]["code"] == INVALID_PARAMS
    rpc.send({"id": 992, "method": "docksense/noSuchMethod"})
    assert rpc.wait_for(992)["error"]["code"] == METHOD_NOT_FOUND


def test_invalid_id_is_answered_with_null(rpc):
    rpc.send({"id": {"not": "an id"}, "method": "textDocument/hover", "params": None})
    response = rpc.wait_for(None)
    assert response["error"]["code"] == INVALID_PARAMS


def test_malformed_notifications_are_dropped_without_an_error_popup(rpc):
    rpc.notify("textDocument/didOpen", None)
    rpc.notify("textDocument/didChange", {"textDocument": {"uri": URI}})
    rpc.notify("$/cancelRequest", {"id": None})
    response = rpc.request("textDocument/hover", {"textDocument": DOC, "position": {"line": 1, "character": 1}})
    assert "error" not in response
    shown = [n for n in rpc.notifications if n["method"] == "window/showMessage"]
    assert not any("Error in server" in n["params"]["message"] for n in shown), shown


def _slow_document() -> str:
    return "FROM ubuntu:22.04\n" + "RUN apt-get install curl && echo $UNDEFINED_VARIABLE\n" * 3000


def test_cancelled_diagnostics_pull_is_answered():
    with RpcClient() as client:
        client.initialize()
        client.open(URI, _slow_document())
        msg_id = client.request_async("textDocument/diagnostic", {"textDocument": DOC})
        client.notify("$/cancelRequest", {"id": msg_id})
        response = client.wait_for(msg_id, timeout=60)
        # cancelled while pending (the usual case), or finished before the cancel arrived
        assert "result" in response or response["error"]["code"] == REQUEST_CANCELLED, response
        later = client.request("textDocument/hover", {"textDocument": DOC, "position": {"line": 0, "character": 1}})
        assert "error" not in later


def test_slow_document_does_not_hold_up_another():
    other = "file:///tmp/docksense-protocol/other/Dockerfile"
    with RpcClient() as client:
        client.initialize(options={"limits": {"requestBudgetMs": 50}})
        client.open(URI, _slow_document())
        client.open(other, "FROM alpine:3.20\n")
        slow = client.request_async("textDocument/diagnostic", {"textDocument": DOC})
        quick = client.request_async("textDocument/hover", {"textDocument": {"uri": other},
                                                            "position": {"line": 0, "character": 1}})
        assert "error" not in client.wait_for(quick, timeout=60)
        response = client.wait_for(slow, timeout=60)
        if "error" in response:  # over budget: ServerCancelled, and no retrigger loop
            assert response["error"]["code"] == SERVER_CANCELLED
            assert response["error"]["data"] == {"retriggerRequest": False}


# -- the budget, driven directly ------------------------------------------------------------
class _FakeServer:
    """What :func:`guarded` reads from the server, with a 50 ms budget."""

    def __init__(self) -> None:
        self.lanes = Lanes()
        self.settings = Settings()
        self.settings.limits.request_budget_ms = 50
        self.kb = object()
        self.encoding = "utf-16"
        self.protocol = SimpleNamespace(msg_id=1, _converter=default_converter())
        self.client_capabilities = None

    def document_state(self, uri):
        return 1, "FROM alpine\n"


def _params(uri: str = URI, line: int = 0) -> types.HoverParams:
    return types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 0))


def _blocking_handler(release: threading.Event, calls: list):
    from docksense.server import guarded

    @guarded("default")
    def handler(ls, params):
        calls.append(params.position.line)
        release.wait(30)
        return f"result {params.position.line}"

    return handler


def test_overrun_answers_default_and_the_stuck_job_is_not_restarted():
    release, calls = threading.Event(), []
    handler = _blocking_handler(release, calls)
    ls = _FakeServer()

    async def scenario():
        assert await handler(ls, _params()) == "default"  # over budget
        assert await handler(ls, _params()) == "default"  # joins the job still running
        queued = await handler(ls, _params(line=1))  # behind the stuck job: withdrawn, never run
        assert queued == "default"
        release.set()
        await asyncio.sleep(0.2)
        assert await handler(ls, _params()) == "result 0"  # the late result, kept for this version
        return calls

    assert asyncio.run(scenario()) == [0]


def test_one_stuck_document_does_not_block_another():
    release, calls = threading.Event(), []
    handler = _blocking_handler(release, calls)
    ls = _FakeServer()
    other = "file:///tmp/other/Dockerfile"

    async def scenario():
        stuck = asyncio.ensure_future(handler(ls, _params()))
        await asyncio.sleep(0)
        from docksense.server import guarded

        @guarded(None)
        def quick(ls, params):
            return "quick"

        answer = await quick(ls, _params(other))
        release.set()
        await stuck
        return answer

    assert asyncio.run(scenario()) == "quick"


def test_cancelled_request_withdraws_its_queued_job():
    release, calls = threading.Event(), []
    handler = _blocking_handler(release, calls)
    ls = _FakeServer()
    ls.settings.limits.request_budget_ms = 10_000

    async def scenario():
        first = asyncio.ensure_future(handler(ls, _params()))
        second = asyncio.ensure_future(handler(ls, _params(line=5)))
        await asyncio.sleep(0.1)
        second.cancel()  # what pygls does on $/cancelRequest
        with pytest.raises(asyncio.CancelledError):
            await second
        release.set()
        assert await first == "result 0"
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert calls == [0]


def test_failing_handler_answers_default_and_logs(caplog):
    from docksense.server import guarded

    @guarded([])
    def broken(ls, params):
        raise ZeroDivisionError("boom")

    with caplog.at_level(logging.ERROR):
        assert asyncio.run(broken(_FakeServer(), _params())) == []
    assert any("broken failed" in r.getMessage() for r in caplog.records)


def test_notifications_run_inline():
    from docksense.server import guarded

    thread_ids = []

    @guarded()
    def notified(ls, params):
        thread_ids.append(threading.get_ident())

    ls = _FakeServer()
    ls.protocol.msg_id = None
    asyncio.run(notified(ls, _params()))
    assert thread_ids == [threading.get_ident()]
