"""The panel on a Dask cluster gives exactly the in-process panel.

Uses a ``dask.distributed.LocalCluster`` with two single-threaded workers and a short span so
the test stays fast; partitions of two years make several tasks per worker.
"""

from __future__ import annotations

import builtins
from pathlib import Path

import pandas as pd
import pytest

from alliancelab.datasets import panel
from alliancelab.errors import InputError

pytestmark = [pytest.mark.data]

distributed = pytest.importorskip("distributed")

YEARS = (1990, 1995)


@pytest.fixture(scope="module")
def cluster():  # noqa: ANN201 - a distributed.LocalCluster
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as running:
        yield running


@pytest.fixture(scope="module")
def in_process(data_dir: Path) -> pd.DataFrame:
    return panel.build_panel(YEARS, data_dir=data_dir, partition_years=2)


def test_client_gives_the_in_process_panel(cluster, data_dir: Path,  # noqa: ANN001
                                           in_process: pd.DataFrame) -> None:
    with distributed.Client(cluster) as client:
        on_dask = panel.build_panel(YEARS, data_dir=data_dir, partition_years=2,
                                    scheduler=client)
    pd.testing.assert_frame_equal(on_dask, in_process)


def test_scheduler_address_streams_the_same_file(cluster, data_dir: Path,  # noqa: ANN001
                                                  in_process: pd.DataFrame,
                                                  tmp_path: Path) -> None:
    path = panel.build_panel_to_file(YEARS, tmp_path / "panel.parquet", data_dir=data_dir,
                                     partition_years=2, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(pd.read_parquet(path), in_process)


def test_missing_dask_is_an_input_error(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def without_distributed(name: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_distributed)
    with pytest.raises(InputError, match=r"alliancelab\[dask\]") as caught:
        panel.build_panel(1990, data_dir=data_dir, theory_features=False,
                          scheduler="tcp://127.0.0.1:1")
    assert caught.value.exit_code == 2


def test_bad_scheduler_is_an_input_error(data_dir: Path) -> None:
    with pytest.raises(InputError, match="scheduler"):
        panel.build_panel(1990, data_dir=data_dir, theory_features=False, scheduler=42)


@pytest.mark.slow  # starting two worker processes takes a second or two
def test_worker_processes_give_the_in_process_panel(data_dir: Path,
                                                    in_process: pd.DataFrame) -> None:
    # Separate processes: the build context is pickled to the workers.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as running, \
            distributed.Client(running) as client:
        on_dask = panel.build_panel(YEARS, data_dir=data_dir, partition_years=2,
                                    scheduler=client)
    pd.testing.assert_frame_equal(on_dask, in_process)
