"""Spread the tasks of a sensitivity analysis over Dask workers.

`--workers K` starts a local cluster of K single-threaded worker processes
(`distributed.LocalCluster`); `--scheduler ADDRESS` connects to a running one. The
shared `Setup` is scattered once to every worker; each task is a fixed chunk of one
group's runs (`sensitivity_engine.tasks_of`), so results are identical to the
in-process ones whatever the number of workers. Results are yielded as they finish.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import numpy as np

from gdindex.analysis import sensitivity_engine as engine
from gdindex.analysis.sensitivity_setup import Setup
from gdindex.errors import GdindexError, Issue


def _task(setup: Setup, runs: np.ndarray, positions: np.ndarray) -> engine.TaskResult:
    return engine.run_task(setup, runs, positions)


def run_on_dask(
    setup: Setup,
    tasks: list[np.ndarray],
    positions: np.ndarray,
    workers: int | None,
    scheduler: str | None,
) -> Iterator[engine.TaskResult]:
    """Run `tasks` on Dask and yield their results as they complete.

    Raises:
        GdindexError: the scheduler cannot be reached.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's own start-up chatter
        from distributed import Client, LocalCluster, as_completed

        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)
        cluster = None
        try:
            if scheduler is not None:
                client = Client(scheduler, timeout="10s")
            else:
                import dask

                # Dask's default MALLOC_TRIM_THRESHOLD_ for workers turns off glibc's
                # adaptive mmap threshold: every large NumPy temporary is then
                # mapped and faulted in afresh, several times slower.
                unset = {
                    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None
                }
                with dask.config.set(unset):
                    cluster = LocalCluster(
                        n_workers=max(1, int(workers or 1)),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                client = Client(cluster)
        except OSError as exc:
            raise GdindexError(
                f"cannot reach the Dask scheduler {scheduler}",
                [Issue("--scheduler", str(exc), "start one: dask scheduler")],
            ) from None
    try:
        shared = client.scatter(setup, broadcast=True)
        futures = [
            client.submit(_task, shared, runs, positions[runs], pure=False)
            for runs in tasks
        ]
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
