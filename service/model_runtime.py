"""The model runtime of the service: the bounded inference pool, the model slot (the Extractor held
for requests, rebuilt off the event loop and swapped on reload) and the watcher that reloads when
the registry's ``ACTIVE`` pointer moves. ``Runtime`` is the per-app state routes reach through
``deps``."""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Awaitable, Callable, Sequence, TypeVar

from govreport.extraction.model.registry import ModelRegistry, RegistryError
from govreport.extraction.pipeline import Extractor
from govreport.extraction.taggers import Tagger, get_tagger

from .errors import CLIENT_CLOSED, ModelLoadError, ServiceError
from .metrics import Message, ServiceMetrics
from .settings import ServiceSettings

logger = logging.getLogger("govreport.service")

T = TypeVar("T")
TaggerFactory = Callable[[ServiceSettings], Tagger]


# ---- the inference pool ------------------------------------------------------------------------


class InferencePool:
    """A bounded thread pool with a cap on queued work and a deadline per request.

    Threads cannot be stopped: work that passes its deadline finishes in the background and still
    counts as pending until it does, so a stuck model turns into 503s rather than a growing queue.
    """

    def __init__(self, workers: int, max_pending: int, metrics: ServiceMetrics):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="govreport-infer")
        self.max_pending = max_pending
        self.metrics = metrics
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def _finished(self) -> None:
        self._pending -= 1
        self.metrics.pending.set(self._pending)

    def _submit(self, fn: Callable[[], T]) -> "asyncio.Future[T]":
        loop = asyncio.get_running_loop()
        histogram = self.metrics.inference

        def job() -> T:
            with histogram.time():
                return fn()

        def on_done(_: object) -> None:
            try:
                loop.call_soon_threadsafe(self._finished)
            except RuntimeError:  # the loop is closed: the server is gone, nothing to count
                pass

        cf = self._executor.submit(job)
        self._pending += 1
        self.metrics.pending.set(self._pending)
        cf.add_done_callback(on_done)
        return asyncio.wrap_future(cf)

    async def run(
        self, fns: Sequence[Callable[[], T]], deadline: float, abandoned: Callable[[], Awaitable[None]] | None = None
    ) -> list[T | BaseException]:
        """Run every function on the pool; each slot holds its result, its exception, or a 504
        ServiceError for work not done by ``deadline`` (``time.monotonic()``); the rest is cancelled.
        No functions: an empty list (``asyncio.wait`` refuses an empty set: /predict with no tasks).

        ``abandoned()`` (``lambda: client_gone(request.receive)``) completes when nobody waits for the answer:
        the work not started yet is then dropped and ``ServiceError`` 499 ``client_disconnected``
        raised. Without it a client that gave up (a timeout shorter than the queue, then a retry)
        left its documents to run for no one, and each retry queued them again."""
        if not fns:
            return []
        if self._pending + len(fns) > self.max_pending:
            raise ServiceError(
                503,
                "busy",
                f"the service is busy ({self._pending} documents pending); retry shortly",
                {"Retry-After": "1"},
            )
        gone = asyncio.ensure_future(abandoned()) if abandoned is not None else None
        futures: list[asyncio.Future[T]] = []
        try:
            if gone is not None:
                # A client already gone (its body arrived, then it closed) is seen before any work
                # starts: a job submitted to a free worker starts at once, before the watcher runs.
                await asyncio.sleep(0)
                if gone.done():
                    raise _client_closed()
            futures = [self._submit(fn) for fn in fns]
            waiting = asyncio.ensure_future(asyncio.wait(futures, timeout=max(0.0, deadline - time.monotonic())))
            if gone is not None:
                await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
                if not waiting.done():
                    waiting.cancel()
                    raise _client_closed()
            done, _ = await waiting
        finally:
            if gone is not None:
                gone.cancel()
            for f in futures:
                if not f.done():
                    f.cancel()  # a job still queued is dropped; a running one finishes unobserved
        timeout = ServiceError(504, "timeout", "the request passed its time limit")
        return [(f.exception() or f.result()) if f in done else timeout for f in futures]

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _client_closed() -> ServiceError:
    return ServiceError(
        CLIENT_CLOSED,
        "client_disconnected",
        "the client closed the connection before its answer: its documents not started were dropped",
    )


async def client_gone(receive: Callable[[], Awaitable[Message]]) -> None:
    """Return when the client has closed the connection. Only for after the request body was read:
    ASGI's ``receive()`` then answers nothing but ``http.disconnect`` (when the client goes, or
    once the answer is sent)."""
    while (await receive())["type"] != "http.disconnect":
        await asyncio.sleep(0.05)  # never a busy loop, whatever a middleware's receive() answers


# ---- the model slot ----------------------------------------------------------------------------


def default_tagger(settings: ServiceSettings) -> Tagger:
    """The tagger the settings ask for; a version name is resolved in *this* service's registry."""
    if settings.tagger == "rules":
        return get_tagger("rules")
    registry = ModelRegistry(settings.models_dir)
    if settings.model is not None:
        path = Path(settings.model)
        try:
            model_dir = path if path.is_dir() else registry.get(settings.model).path
        except RegistryError as exc:
            raise ModelLoadError(str(exc)) from None
    else:
        try:
            active = registry.active()
        except RegistryError as exc:
            raise ModelLoadError(f"the registry's ACTIVE pointer is broken: {exc}") from None
        if active is None:
            if settings.tagger == "model":
                raise ModelLoadError(f"GOVREPORT_TAGGER=model but the registry at {registry.root} has no active model")
            return get_tagger("rules")
        model_dir = active.path
    return get_tagger(
        settings.tagger, str(model_dir), num_threads=settings.model_threads, precision=settings.model_precision,
        runtime=settings.model_runtime,
    )


@dataclass(frozen=True)
class LoadedModel:
    extractor: Extractor
    active_seen: str | None  # the registry's ACTIVE when this was built (what the watcher compares)
    loaded_at: str


class ModelSlot:
    """Holds the current Extractor; ``load()`` builds a new one off the loop and swaps it in."""

    def __init__(
        self,
        settings: ServiceSettings,
        metrics: ServiceMetrics,
        tagger_factory: TaggerFactory,
        on_swap: Callable[[LoadedModel], None] = lambda loaded: None,
    ):
        self.settings = settings
        self.metrics = metrics
        self.tagger_factory = tagger_factory
        self.on_swap = on_swap
        self.registry = ModelRegistry(settings.models_dir)
        self._current: LoadedModel | None = None
        self._lock = asyncio.Lock()
        # why the last load failed ("ModelUnusable: model v0004-…: model.onnx does not match its
        # checksum"), until a load succeeds or ACTIVE names the loaded version again; GET /v1/models
        # shows it, as the loaded version no longer being the active one says nothing of why
        self.reload_error: str | None = None

    @property
    def current(self) -> LoadedModel | None:
        return self._current

    @property
    def follows_active(self) -> bool:
        return self.settings.tagger != "rules" and self.settings.model is None

    def active_version(self) -> str | None:
        active = self.registry.active()
        return active.version if active else None

    def _build(self) -> LoadedModel:
        try:
            seen = self.active_version() if self.follows_active else None
        except RegistryError as exc:
            raise ModelLoadError(f"the registry's ACTIVE pointer is broken: {exc}") from None
        tagger = self.tagger_factory(self.settings)
        extractor = Extractor(tagger=tagger, max_bytes=self.settings.max_bytes, limits=self.settings.read_limits())
        return LoadedModel(extractor, seen, datetime.now(timezone.utc).isoformat(timespec="seconds"))

    async def load(self, retry: bool = False) -> tuple[LoadedModel | None, LoadedModel]:
        """Build and swap; on failure the previous Extractor stays in place and the error propagates.

        ``retry``: the poller trying again what failed before. Its failure counts in
        ``govreport_model_reloads_total{result="failed"}`` only for a new cause: the poller retries
        every tick, and ACTIVE naming a damaged version for an hour counted 360 failures where one
        thing had gone wrong (an alert on the rate fired for as long as nobody fixed it, as if it
        were failing anew). A load someone asks for (start-up, ``POST /v1/models/reload``) always counts."""
        async with self._lock:
            try:
                new = await asyncio.to_thread(self._build)
            except BaseException as exc:
                problem = load_problem(exc)
                if not retry or problem != self.reload_error:
                    self.metrics.reloads.labels("failed").inc()
                self.reload_error = problem
                raise
            old, self._current = self._current, new
            self.reload_error = None
            self.on_swap(new)
            info = new.extractor.tagger_info
            self.metrics.set_model(info["name"], info["version"])
            self.metrics.reloads.labels("ok").inc()
            logger.info("loaded tagger %s %s", info["name"], info["version"])
            return old, new

    async def reload_if_active_changed(self) -> bool:
        if not self.follows_active or self._current is None:
            return False
        try:
            active = await asyncio.to_thread(self.active_version)
        except RegistryError as exc:  # ACTIVE names a version that is gone: a failed reload too, counted once
            problem = load_problem(exc)
            if problem != self.reload_error:
                self.metrics.reloads.labels("failed").inc()
            self.reload_error = problem
            raise
        if active == self._current.active_seen:
            self.reload_error = None  # ACTIVE names the loaded version again: nothing is failing
            return False
        if self.reload_error is None:  # the same failing version, tried again each tick, is not news
            logger.info("registry ACTIVE is now %s; reloading", active)
        await self.load(retry=True)
        return True


def load_problem(exc: BaseException) -> str:
    """One line saying why a model load failed: ``ModelUnusable: model v0004-…: …``."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


async def follow_active(slot: ModelSlot, interval_s: float) -> None:
    """Background task: reload when the registry's ACTIVE pointer moves (a promoted model).

    A failed reload keeps the old model serving and is retried at every tick (a version copied in
    by hand may still be arriving), but logged once per cause: ACTIVE naming a damaged version wrote
    a 30-line traceback every 10 s for as long as it did."""
    while True:
        await asyncio.sleep(interval_s)
        before = slot.reload_error
        try:
            await slot.reload_if_active_changed()
        except Exception:  # keep serving on the old model; the next tick retries
            if slot.reload_error != before:
                logger.exception(
                    "automatic reload failed; the previous model stays loaded (retried every %s s, "
                    "logged again only when the cause changes)", interval_s,
                )  # fmt: skip
            else:
                logger.debug("automatic reload failed again: %s", slot.reload_error)


@dataclass
class Runtime:
    settings: ServiceSettings
    metrics: ServiceMetrics
    slot: ModelSlot
    pool: InferencePool | None = None
