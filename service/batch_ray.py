"""The Ray engine of ``govreport batch``: the same per-document function on Ray Data.

The only module that imports ray (an optional extra: ``pip install "govreport[ray]"``). The
dataset is the list of inputs still to do; ``map_batches`` runs it through an actor pool whose
actors each hold one Extractor (one loaded model), and the driver receives finished JSON lines
in input order, so OUT is written exactly as by the local engine. On a cluster the input paths
must be readable by every node (a shared file system) and govreport installed on every node.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import ray
import ray.data

from .batch_worker import Done, InputFile, make_extractor, process

log = logging.getLogger(__name__)


class ExtractActor:
    """One Extractor per actor: the model is loaded once per worker, not once per batch."""

    def __init__(self, tagger: str, model: str | None):
        self.extractor = make_extractor(tagger, model)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        done = [
            process(self.extractor, InputFile(str(p), str(s), str(h)))
            for p, s, h in zip(batch["path"], batch["source"], batch["sha256"])
        ]
        return {
            "sha256": np.array([d[0] for d in done], dtype=object),
            "state": np.array([d[1] for d in done], dtype=object),
            "record": np.array([d[2] for d in done], dtype=object),
        }


def _cluster_cpus() -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def iter_ray(
    todo: Sequence[InputFile],
    *,
    address: str | None = None,
    tagger: str = "auto",
    model: str | None = None,
    workers: int = 0,
    batch_size: int = 8,
    init_kwargs: dict[str, Any] | None = None,
) -> Iterator[Done]:
    """Records in input order. Joins the running Ray session if there is one, else
    ``ray.init(address)`` (None: a local Ray on this machine) and shuts it down afterwards.
    ``workers``: actors in the pool (0: one per CPU of the cluster)."""
    if not todo:
        return
    started = False
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, **(init_kwargs or {}))
        started = True
    elif address:
        log.warning("a Ray session is already running in this process; --address %s is ignored", address)
    ctx = ray.data.DataContext.get_current()
    saved = ctx.execution_options.preserve_order, ctx.enable_progress_bars
    try:
        ctx.execution_options.preserve_order = True  # same order as the local engine
        ctx.enable_progress_bars = False  # the driver shows one bar for both engines
        size = workers if workers and workers > 0 else _cluster_cpus()
        items = [{"path": i.path, "source": i.source, "sha256": i.sha256} for i in todo]
        blocks = max(1, min(len(items), size * 4, len(items) // batch_size + 1))
        ds = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            ExtractActor,
            fn_constructor_kwargs={"tagger": tagger, "model": model},
            compute=ray.data.ActorPoolStrategy(size=size),
            batch_size=batch_size,
            batch_format="numpy",
            num_cpus=1,
        )
        for batch in ds.iter_batches(batch_size=batch_size, batch_format="numpy", prefetch_batches=1):
            for sha, state, line in zip(batch["sha256"], batch["state"], batch["record"]):
                yield str(sha), str(state), str(line)
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = saved
        if started:
            ray.shutdown()
