"""Every request answered within a time budget, and one document never stalls another.

pygls runs synchronous handlers on its event loop, one at a time: a single slow request (a
crafted Dockerfile that makes some analysis take minutes) used to block every later message,
including ``$/cancelRequest`` and requests about other documents. CPython cannot kill a thread,
so the design is about *not waiting* rather than stopping work:

* **One lane per document.** Work about a document (the handler of a request whose params name
  a ``textDocument``, and pushed diagnostics) runs in that document's own worker thread, one
  job after another. Jobs of one document never run concurrently, so the per-version
  :class:`~docksense.analysis.Analysis` and its memo are never computed twice at once; jobs of
  different documents run in different threads, so a stuck document delays another only by
  sharing the GIL (CPython switches threads every few milliseconds), never by queueing.
* **The event loop waits at most the budget** (``limits.requestBudgetMs``). A request that
  overruns is answered from the loop without its result: pulled diagnostics with
  ``ServerCancelled`` (``retriggerRequest: false``), any other request with its handler's
  empty answer; a warning is logged. The job itself keeps running (it cannot be stopped).
* **A stuck job is never restarted by the requests behind it.** Identical requests (same
  handler, document version and params) share one job: a repeated diagnostics pull waits on
  the job already running instead of queueing a second copy. A request that times out or is
  cancelled withdraws from its job; a job nobody waits for any more is cancelled before it
  starts, so the queue behind a stuck job drains without running anything. When a job
  finishes after its requests were answered, its result is kept for the same version, and for
  diagnostics the client is asked to pull again (``workspace/diagnostic/refresh``), so the late
  result is shown after all.
* **Cancellation** (``$/cancelRequest``) cancels the waiting coroutine; pygls answers it with
  ``RequestCancelled`` and the job is withdrawn as above.
* Each job reads the document as it was when the request arrived (a snapshot taken on the
  event loop), never the workspace while the loop is changing it.

What this cannot do: a job stuck inside one long C call that holds the GIL (a backtracking
regular expression, arithmetic on a huge integer) stops every thread, the event loop included,
until that call returns; only a separate process could bound that. Such calls must be removed
where they are (linear scanners instead of backtracking patterns, numbers bounded by length,
see :mod:`docksense.syntax.numbers`); the lanes bound everything written in Python.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import logging
import threading
import time
from typing import Any, Callable, Optional

log = logging.getLogger(__name__)

# Jobs (running, queued or finished late) remembered per lane for requests that repeat.
MAX_KEPT_JOBS = 64

# uri -> (version, text) of the documents a job was submitted for (see ``snapshot_of``).
_SNAPSHOT: contextvars.ContextVar[Optional[dict[str, tuple[Any, str]]]] = contextvars.ContextVar(
    "docksense_snapshot", default=None
)


def snapshot_of(uri: str) -> Optional[tuple[Any, str]]:
    """(version, text) of ``uri`` as the current job saw it when submitted, if any."""
    snapshot = _SNAPSHOT.get()
    return snapshot.get(uri) if snapshot else None


class _Job:
    """One unit of work in a lane, shared by the identical requests waiting for it."""

    __slots__ = ("future", "waiters", "started", "key")

    def __init__(self, future: "concurrent.futures.Future[Any]", key: Any):
        self.future = future
        self.waiters = 0
        self.started = 0.0
        self.key = key


class Lane:
    """A worker thread for one document, running its jobs one after another."""

    def __init__(self, uri: str):
        self.uri = uri
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="docksense-doc")
        self.jobs: dict[Any, _Job] = {}
        self.lock = threading.Lock()

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class Lanes:
    """The lanes of the open documents and the budgeted wait on their jobs."""

    def __init__(self) -> None:
        self._lanes: dict[str, Lane] = {}

    def lane(self, uri: str) -> Lane:
        lane = self._lanes.get(uri)
        if lane is None:
            lane = self._lanes[uri] = Lane(uri)
        return lane

    def close(self, uri: str) -> None:
        lane = self._lanes.pop(uri, None)
        if lane is not None:
            lane.close()

    def submit(self, uri: str, key: Any, version: Any, text: Optional[str], call: Callable[[], Any]) -> _Job:
        """The job for ``key`` in ``uri``'s lane: the existing one, or ``call`` queued."""
        lane = self.lane(uri)
        with lane.lock:
            stale = [k for k, job in lane.jobs.items() if k[0] != version]
            for k in stale:  # results of older versions are of no use any more
                del lane.jobs[k]
            full_key = (version, key)
            job = lane.jobs.get(full_key) if key is not None else None
            if job is not None and not job.future.cancelled():
                job.waiters += 1
                return job
            context = contextvars.copy_context()
            if text is not None:
                context.run(_SNAPSHOT.set, {uri: (version, text)})

            holder = _Job(None, full_key)  # type: ignore[arg-type]
            holder.waiters = 1

            def run() -> Any:
                holder.started = time.monotonic()
                return context.run(call)

            holder.future = lane.executor.submit(run)
            if key is not None:
                lane.jobs[full_key] = holder
                while len(lane.jobs) > MAX_KEPT_JOBS:  # oldest first; a running job stays
                    oldest = next(iter(lane.jobs))
                    if not lane.jobs[oldest].future.done():
                        break
                    del lane.jobs[oldest]
            return holder

    def withdraw(self, uri: str, job: _Job) -> None:
        """A waiter gives up on ``job``: cancel it if nobody else waits and it has not started."""
        lane = self._lanes.get(uri)
        lock = lane.lock if lane is not None else threading.Lock()
        with lock:
            job.waiters -= 1
            if job.waiters <= 0 and job.future.cancel() and lane is not None:
                if lane.jobs.get(job.key) is job:
                    del lane.jobs[job.key]

    async def wait(self, uri: str, job: _Job, budget: Optional[float]) -> tuple[bool, Any]:
        """(True, result) when ``job`` finished within ``budget`` seconds, else (False, None).

        Raises what the job raised; on cancellation of the caller, withdraws and re-raises.
        """
        waiter = asyncio.wrap_future(job.future)
        try:
            done, _ = await asyncio.wait({waiter}, timeout=budget)
        except asyncio.CancelledError:
            self.withdraw(uri, job)
            raise
        if waiter in done:
            job.waiters -= 1
            lane = self._lanes.get(uri)
            if lane is not None and job.waiters <= 0 and lane.jobs.get(job.key) is job:
                del lane.jobs[job.key]  # delivered: only late results are kept for reuse
            return True, waiter.result()
        self.withdraw(uri, job)
        return False, None
