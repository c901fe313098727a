"""Long work started by a page: computed once in the background, the page never freezes
(issue 11 #2).

A page hands its computation to :func:`computed` with a key naming what it computes. The first
request starts it on the app's worker threads; every request for the same key while it runs
shares it. A result that comes within ``TVAERS_PAGE_WAIT`` seconds (one) is shown at once, as
always; an Excel download always waits for it. Longer work answers 202 with a page that says
what is being computed and since when, and asks the server every :data:`POLL` seconds (htmx);
when the work is done the page reloads and shows the figures, which the computation left in the
cache. Without JavaScript, the page has a link to try again. An error in the work is raised in
the request that next asks, and shown as any error is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Pending
from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Request
from fastapi.responses import Response

from tvaers.access import Actor
from tvaers.core.logging import get_logger
from tvaers.engine.snapshot import current
from tvaers.web.deps import render, settings_of
from tvaers.web.tables import wants_excel

log = get_logger(__name__)
_T = TypeVar("_T")
POLL = 2  # seconds between the waiting page's questions
WORKERS = 2  # computations at once (the engine uses every core for each)
POLLING = "X-Tvaers-Venter"  # header of the waiting page's question


def reload() -> Response:
    """The answer to the waiting page's question once the figures are there."""
    return Response(status_code=200, headers={"HX-Refresh": "true"})


@dataclass
class Job:
    future: Future[object]
    started: float
    title: str


class Jobs:
    """The app's background computations, one per key while it runs."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="tvaers-beregning")
        self._running: dict[Hashable, Job] = {}
        self._lock = threading.Lock()

    def start(self, key: Hashable, title: str, work: Callable[[], object]) -> Job:
        """The job computing ``key``: the running one, or ``work`` started now."""
        with self._lock:
            job = self._running.get(key)
            if job is None:
                job = Job(self._pool.submit(work), time.monotonic(), title)
                self._running[key] = job
                job.future.add_done_callback(lambda _done: self._forget(key, job))
            return job

    def _forget(self, key: Hashable, job: Job) -> None:
        with self._lock:
            if self._running.get(key) is job:
                del self._running[key]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class Outcome(Generic[_T]):
    """What a page got: the result, or the job still computing it."""

    result: _T | None
    job: Job | None  # running (the result is on its way)
    polled: bool  # the waiting page asked


def ask(request: Request, key: Hashable, title: str, work: Callable[[], _T]) -> Outcome[_T]:
    """Start ``work`` (or join it) and wait at most ``settings.page_wait`` seconds for its result
    (an Excel download waits for it).
    ``key`` names the figures (the version of the loaded data is added here); ``title`` says in
    Danish what is computed. ``work`` must not use the request's database session."""
    jobs: Jobs = request.app.state.jobs
    settings = settings_of(request)
    job = jobs.start((current(settings).name, key), title, work)
    polled = bool(request.headers.get(POLLING))
    wait = None if wants_excel(request) else settings.page_wait  # a download cannot show it
    try:
        return Outcome(job.future.result(timeout=wait), None, polled)  # type: ignore[arg-type]
    except Pending:
        return Outcome(None, job, polled)


def computed(
    request: Request,
    who: Actor,
    key: Hashable,
    title: str,
    work: Callable[[], _T],
    cached: _T | None = None,
) -> _T | Response:
    """``work()``'s result, or the waiting page (202) while it is computed in the background;
    ``cached``: the result when it was found in the cache (then nothing is started)."""
    if cached is not None:
        return reload() if request.headers.get(POLLING) else cached
    outcome = ask(request, key, title, work)
    if outcome.job is not None:
        return waiting(request, who, outcome.job)
    if outcome.polled:
        return reload()
    return outcome.result  # type: ignore[return-value]


def waiting(request: Request, who: Actor, job: Job) -> Response:
    """The waiting page, or (to its question) the status within it."""
    polled = bool(request.headers.get(POLLING))
    response = render(
        request, "_waiting_status.html" if polled else "waiting.html", who, status_code=202,
        title=job.title, seconds=int(time.monotonic() - job.started), poll=POLL, header=POLLING,
    )  # fmt: skip
    response.headers["Retry-After"] = str(POLL)
    return response
