"""Runs spread over Dask workers give exactly the in-process results."""

from __future__ import annotations

from gdindex.analysis.sensitivity import sensitivity
from tests.conftest import SPECS

GUANGDONG = SPECS / "guangdong.yaml"


def test_a_local_dask_cluster_gives_the_in_process_results() -> None:
    from distributed import LocalCluster

    alone = sensitivity(GUANGDONG, n=300, method="ua", seed=21)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        spread = sensitivity(
            GUANGDONG, n=300, method="ua", seed=21, scheduler=cluster.scheduler_address
        )

    assert spread.to_json() == alone.to_json()


def test_local_workers_give_the_in_process_results() -> None:
    alone = sensitivity(GUANGDONG, n=40, method="sobol", seed=8, bootstrap=20)

    spread = sensitivity(
        GUANGDONG, n=40, method="sobol", seed=8, bootstrap=20, workers=2
    )

    assert spread.to_json() == alone.to_json()
