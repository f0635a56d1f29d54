"""Spread the tasks of a sensitivity analysis over Dask workers.

`--workers K` starts a local cluster of K single-threaded worker processes
(`distributed.LocalCluster`); `--scheduler ADDRESS` connects to a running one. The
connection is made in the background (`Cluster`) while the caller loads the data, and
the local workers import gdindex as they start, not at their first task.

The shared `Setup` is scattered once to every worker. Each task is a chunk of one
preparation group's runs (`sensitivity_engine.tasks_of`); every run is computed the
same in any chunk, so results are identical to the in-process ones whatever the number
of workers. The tasks are dealt to the workers in contiguous, equal shares (`deal`): a
worker prepares each group's data once, a group that a share boundary cuts is split
there, and no worker waits on a last, lone group. Results are yielded as they finish.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from gdindex.analysis import sensitivity_engine as engine
from gdindex.analysis.sensitivity_setup import Setup
from gdindex.errors import GdindexError, Issue

#: Imported by each local worker as it starts (`distributed` preload).
_PRELOAD = ["gdindex.analysis.sensitivity_engine"]


def _task(setup: Setup, runs: np.ndarray, positions: np.ndarray) -> engine.TaskResult:
    return engine.run_task(setup, runs, positions)


class Cluster:
    """A Dask client, connected in a background thread from construction on.

    `client()` waits for it; `close()` shuts down what was started (always call it,
    e.g. in `finally`).
    """

    def __init__(self, workers: int | None, scheduler: str | None) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Dask's own start-up chatter
                self._connect()
        except BaseException as exc:  # re-raised by client(), in the caller's thread
            self._error = exc

    def _connect(self) -> None:
        from distributed import Client, LocalCluster

        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        if self.scheduler is not None:
            self._client = Client(self.scheduler, timeout="10s")
            return
        import dask

        # Dask's default MALLOC_TRIM_THRESHOLD_ for workers turns off glibc's
        # adaptive mmap threshold: every large NumPy temporary is then mapped and
        # faulted in afresh, several times slower.
        unset = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
        with dask.config.set(unset):
            self._cluster = LocalCluster(
                n_workers=max(1, int(self.workers or 1)),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # the scheduler's HTTP server (health routes) on a free port: the
                # default 8787 may be another cluster's (a second run, a notebook)
                scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
                silence_logs=logging.CRITICAL,  # failures come back as task errors
                preload=_PRELOAD,
            )
        self._client = Client(self._cluster)

    def client(self) -> Any:
        """The connected client.

        Raises:
            GdindexError: the scheduler cannot be reached, or the local cluster
                cannot start.
        """
        self._thread.join()
        if self._error is not None:
            where = "--scheduler" if self.scheduler is not None else "--workers"
            remote = self.scheduler is not None
            what = (
                f"cannot reach the Dask scheduler {self.scheduler}"
                if remote
                else "cannot start the local Dask workers"
            )
            what_zh = (
                f"无法连接 Dask 调度器 {self.scheduler}"
                if remote
                else "无法启动本地 Dask 工作进程"
            )
            fix = (
                "start one: dask scheduler"
                if remote
                else "run without --workers, or with fewer"
            )
            fix_zh = (
                "请先启动调度器：dask scheduler"
                if remote
                else "请不加 --workers 运行，或减少工作进程数"
            )
            problem = str(self._error)
            raise GdindexError(
                what,
                [
                    Issue(
                        where,
                        problem,
                        fix,
                        message_zh=f"出错：{problem}",
                        hint_zh=fix_zh,
                    )
                ],
                message_zh=what_zh,
            ) from None
        return self._client

    def close(self) -> None:
        """Close the client and the local cluster (if they were started)."""
        self._thread.join()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()


def assign(costs: list[int], k: int) -> list[int]:
    """The worker (0..k-1) of each task, given each task's cost
    (`sensitivity_engine.task_costs`): tasks in order, cut into `k` contiguous
    shares of about equal cost (a task goes where its middle falls). Contiguous
    shares keep a preparation group's tasks together, so that a group is prepared
    on one worker, or on two where a share ends inside it.
    """
    total = sum(costs)
    out = []
    start = 0
    for cost in costs:
        middle = start + cost / 2
        out.append(min(k - 1, int(middle * k // total)) if total else 0)
        start += cost
    return out


#: The fewest runs a piece of a split task may have: below it, a second preparation
#: on another worker costs more than the balance it buys.
LEAST_SPLIT = 64


def deal(
    tasks: list[np.ndarray], costs: list[int], k: int, least: int | None = None
) -> tuple[list[np.ndarray], list[int]]:
    """Tasks and the worker (0..k-1) of each, in `k` contiguous shares of about
    equal cost (`assign`), where a task that a share boundary cuts is split there
    when both pieces keep at least `least` runs: the worker after the boundary then
    prepares that group too (`PREPARATION_COST` more), and no worker waits for the
    other to finish a whole group. Each run is computed the same in any piece
    (element-wise), so the results do not change."""
    least = LEAST_SPLIT if least is None else least
    total = sum(costs)
    if k < 2 or not total:
        return tasks, assign(costs, k)
    out: list[np.ndarray] = []
    where: list[int] = []
    start = 0.0
    for runs, cost in zip(tasks, costs, strict=True):
        end = start + cost
        first = min(k - 1, int(start * k // total))
        last = min(k - 1, int(max(start, end - 1e-9) * k // total))
        pieces = [(first, runs)]
        if last > first and cost:
            # each worker's part of the task's cost, less half a preparation: the
            # workers after the first prepare the group again
            parts = [
                max(
                    0.0,
                    min(end, total * (w + 1) / k)
                    - max(start, total * w / k)
                    - engine.PREPARATION_COST / 2,
                )
                for w in range(first, last + 1)
            ]
            cut = np.round(np.cumsum(parts) / max(sum(parts), 1e-9) * len(runs))
            bounds = [0, *cut.astype(int).tolist()]
            pieces = [
                (first + i, runs[bounds[i] : bounds[i + 1]]) for i in range(len(parts))
            ]
            if any(len(piece) < least for _, piece in pieces):
                middle = start + cost / 2
                pieces = [(min(k - 1, int(middle * k // total)), runs)]
        for w, piece in pieces:
            if len(piece):
                out.append(piece)
                where.append(w)
        start = end
    return out, where


def run_on_dask(
    cluster: Cluster,
    setup: Setup,
    tasks: list[np.ndarray],
    positions: np.ndarray,
) -> Iterator[engine.TaskResult]:
    """Run `tasks` on the cluster's workers and yield their results as they complete.

    Raises:
        GdindexError: the scheduler cannot be reached.
    """
    from distributed import as_completed

    client = cluster.client()
    addresses = sorted(client.scheduler_info().get("workers", {}))
    costs = engine.task_costs(setup, positions)
    tasks, where = deal(tasks, costs, max(1, len(addresses)))
    shared = client.scatter(setup, broadcast=True)
    futures = [
        client.submit(
            _task,
            shared,
            runs,
            positions[runs],
            pure=False,
            workers=[addresses[w]] if addresses else None,
            # A worker of one's own cluster stays; one of a shared cluster may go.
            allow_other_workers=cluster.scheduler is not None,
        )
        for runs, w in zip(tasks, where, strict=True)
    ]
    for future in as_completed(futures):
        yield future.result()
