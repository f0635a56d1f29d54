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


def test_tasks_are_dealt_in_contiguous_equal_shares() -> None:
    from gdindex.analysis.sensitivity_dask import assign

    # five preparation groups of 200 runs, in chunks of 128 + 72
    sizes = [128, 72] * 5
    where = assign(sizes, 2)

    assert where == sorted(where)  # contiguous: a group's chunks stay together
    shares = [
        sum(s for s, w in zip(sizes, where, strict=True) if w == k) for k in (0, 1)
    ]
    assert abs(shares[0] - shares[1]) <= 128
    assert assign(sizes, 1) == [0] * 10
    assert sorted(set(assign([1] * 9, 3))) == [0, 1, 2]
    assert assign([], 2) == [] and assign([0, 0], 2) == [0, 0]


def test_an_unreachable_scheduler_is_a_located_error() -> None:
    import pytest

    from gdindex.errors import GdindexError

    with pytest.raises(GdindexError) as info:
        sensitivity(GUANGDONG, n=10, method="ua", scheduler="tcp://127.0.0.1:9")

    assert "cannot reach the Dask scheduler" in str(info.value)
    assert info.value.issues[0].where == "--scheduler"
