"""Runs spread over Dask workers give exactly the in-process results."""

from __future__ import annotations

import pytest

from gdindex.analysis.sensitivity import sensitivity
from tests.conftest import SPECS

GUANGDONG = SPECS / "guangdong.yaml"


def test_a_local_dask_cluster_gives_the_in_process_results() -> None:
    from distributed import LocalCluster

    alone = sensitivity(GUANGDONG, n=300, method="ua", seed=21)
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # not the default port 8787, which another cluster may hold
        scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
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


def test_a_group_a_share_boundary_cuts_is_split_between_the_workers() -> None:
    import numpy as np

    from gdindex.analysis.sensitivity_dask import deal
    from gdindex.analysis.sensitivity_engine import PREPARATION_COST

    tasks = [np.arange(200 * i, 200 * (i + 1)) for i in range(5)]
    costs = [200 + PREPARATION_COST] * 5

    pieces, where = deal(tasks, costs, 2)

    assert [len(p) for p in pieces] == [200, 200, 100, 100, 200, 200]
    assert where == [0, 0, 0, 1, 1, 1]
    assert np.array_equal(np.concatenate(pieces), np.arange(1000))  # every run once
    # pieces that would be too small are not split; one worker takes the whole task
    assert deal(tasks, costs, 2, least=101)[1] == [0, 0, 1, 1, 1]
    assert deal(tasks, costs, 1) == (tasks, [0] * 5)


def test_split_groups_give_the_in_process_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("gdindex.analysis.sensitivity_dask.LEAST_SPLIT", 1)
    alone = sensitivity(GUANGDONG, n=120, method="ua", seed=4)

    spread = sensitivity(GUANGDONG, n=120, method="ua", seed=4, workers=2)

    assert spread.to_json() == alone.to_json()
