"""Row-for-row comparison of the panel with peacesciencer 1.2.9's own output, 1816-2016.

The reference file ``peacesciencer/cow_directed_dyad_years_atop_nmc_contiguity.csv.gz`` was made
with ``create_dyadyears(system = "cow", directed = TRUE) %>% add_atop_alliance() %>% add_nmc()
%>% add_contiguity() %>% add_cow_majors()`` (see that folder's README.md). We build the same steps
and require: the same set of (ccode1, ccode2, year) keys, the same ATOP flags, contiguity type
and major-power flags, and NMC values within 1e-9.

Intended differences (docs/panel.md, "peacesciencer correspondence"):

* peacesciencer carries the 2016 state system forward to 2025 (``mry = TRUE``); the panel stops
  at the system data's last year, 2016. Its rows after 2016 are therefore not compared; a test
  below checks that they are exactly 2016's dyads repeated, so nothing else is left out.
* Within 1816-2016 there are no intended differences in the compared columns:
  :data:`INTENDED_DIFFERENCES` lists none, and the test fails on any row that differs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliancelab.datasets import panel

pytestmark = [pytest.mark.data, pytest.mark.slow]  # reading the 18 MB reference takes ~3-5 s

REFERENCE = "cow_directed_dyad_years_atop_nmc_contiguity.csv.gz"
ROWS_TO_2016 = 1_912_290  # peacesciencer/README.md: rows with year <= 2016
ROWS_ALL = 2_252_760  # peacesciencer/README.md: all rows, 1816-2025

FLAG_COLUMNS = ("atop_alliance", "atop_defense", "atop_offense", "atop_neutral", "atop_nonagg",
                "atop_consul", "conttype", "cowmaj1", "cowmaj2")
NMC_COLUMNS = tuple(f"{m}{side}" for side in (1, 2)
                    for m in ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc"))

INTENDED_DIFFERENCES: dict[str, list[tuple[int, int, int]]] = {
    column: [] for column in (*FLAG_COLUMNS, *NMC_COLUMNS)
}
"""(ccode1, ccode2, year) rows where we differ from peacesciencer on purpose, per column: none."""


@pytest.fixture(scope="module")
def reference(peacesciencer_dir: Path) -> pd.DataFrame:
    import pyarrow.csv as pacsv

    path = peacesciencer_dir / REFERENCE
    if not path.is_file():
        pytest.skip(f"{path} not found")
    table = pacsv.read_csv(path)
    return table.to_pandas()


@pytest.fixture(scope="module")
def ours(data_dir: Path) -> pd.DataFrame:
    return panel.build_panel(
        (1816, 2016), data_dir=data_dir, theory_features=False,
        steps=["atop_alliance", "nmc", "contiguity", "cow_majors"],
    )


@pytest.fixture(scope="module")
def aligned(reference: pd.DataFrame, ours: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    theirs = reference[reference["year"] <= 2016]
    keys = ["year", "ccode1", "ccode2"]
    theirs = theirs.sort_values(keys, kind="stable").reset_index(drop=True)
    mine = ours.sort_values(keys, kind="stable").reset_index(drop=True)
    return theirs, mine


def test_reference_file_has_the_documented_row_counts(reference: pd.DataFrame) -> None:
    assert len(reference) == ROWS_ALL
    assert int((reference["year"] <= 2016).sum()) == ROWS_TO_2016


def test_same_dyad_year_keys(aligned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    theirs, mine = aligned
    assert len(mine) == ROWS_TO_2016
    for column in ("ccode1", "ccode2", "year"):
        np.testing.assert_array_equal(mine[column].to_numpy(np.int64),
                                      theirs[column].to_numpy(np.int64), err_msg=column)


def _differing_rows(theirs: pd.DataFrame, mine: pd.DataFrame, column: str,
                    tolerance: float) -> list[tuple[int, int, int]]:
    expected = theirs[column].to_numpy(np.float64, na_value=np.nan)
    actual = mine[column].to_numpy(np.float64, na_value=np.nan)
    both_missing = np.isnan(expected) & np.isnan(actual)
    close = np.abs(actual - expected) <= tolerance
    bad = np.flatnonzero(~(both_missing | close))
    return [tuple(int(v) for v in row)
            for row in mine.loc[bad, ["ccode1", "ccode2", "year"]].itertuples(index=False)]


@pytest.mark.parametrize("column", FLAG_COLUMNS)
def test_flags_match_row_for_row(aligned: tuple[pd.DataFrame, pd.DataFrame], column: str) -> None:
    theirs, mine = aligned
    assert _differing_rows(theirs, mine, column, 0.0) == INTENDED_DIFFERENCES[column]


@pytest.mark.parametrize("column", NMC_COLUMNS)
def test_nmc_within_1e9(aligned: tuple[pd.DataFrame, pd.DataFrame], column: str) -> None:
    theirs, mine = aligned
    assert _differing_rows(theirs, mine, column, 1e-9) == INTENDED_DIFFERENCES[column]


def test_rows_after_2016_are_2016_carried_forward(reference: pd.DataFrame) -> None:
    """The only rows not compared are peacesciencer's mry rows: 2016's dyads, years 2017-2025."""
    last = reference[reference["year"] == 2016][["ccode1", "ccode2"]]
    later = reference[reference["year"] > 2016]
    assert sorted(later["year"].unique().tolist()) == list(range(2017, 2026))
    for year, block in later.groupby("year"):
        pd.testing.assert_frame_equal(
            block[["ccode1", "ccode2"]].reset_index(drop=True), last.reset_index(drop=True),
            obj=f"dyads of {year}",
        )
