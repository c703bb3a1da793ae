"""Declarative schemas for data files and one validator that reports every problem.

A :class:`Schema` lists the columns a file must have, each with its kind (integer, nullable
integer, float, string, ISO date), the codes its makers use for "missing" (``-9``, ``-66``,
``-77``, ``-88``; blank cells are always missing) and optional bounds; plus the key that must be
unique and the plausible year range. :func:`validate` coerces a freshly read frame to that
schema, collects *all* failures as :class:`~alliancelab.errors.Problem` records (in the manner
of pandera's lazy validation) and raises a single :class:`~alliancelab.errors.DataFileError`,
so a user repairs a file in one pass.

Row numbers in messages are 1-based *data* rows (the first row after the header is row 1);
the matching line in the file is one more, and messages give both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from alliancelab.errors import DataFileError, Problem

ColumnKind = Literal["int", "Int64", "float", "str", "date"]
"""``int``: whole numbers, never missing (int64). ``Int64``: whole numbers that may be missing
(pandas nullable Int64). ``float``: measures (float64, NaN for missing). ``str``: text.
``date``: ISO ``YYYY-MM-DD`` (datetime64)."""

COW_MISSING: tuple[float, ...] = (-9,)
"""The COW projects' code for missing or unknown."""

POLITY_SPECIAL: tuple[float, ...] = (-66, -77, -88)
"""Polity's special codes: -66 foreign interruption, -77 interregnum, -88 transition."""

MAX_PROBLEMS_PER_CHECK = 200
"""Stop listing cells after this many failures of one check in one column (the count is kept)."""


@dataclass(frozen=True)
class Column:
    """One expected column.

    Parameters
    ----------
    name
        Column name in the file.
    kind
        Target type, see :data:`ColumnKind`.
    missing
        Values the makers use for "missing" in this column; they become NA. Blank cells are
        always NA.
    required
        Whether the file must contain the column (optional columns are coerced when present).
    minimum, maximum
        Inclusive bounds for numeric values after missing codes are removed.
    nonempty
        For ``str`` columns: every cell must hold text (``int`` columns are never empty).
    """

    name: str
    kind: ColumnKind
    missing: tuple[float, ...] = ()
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    nonempty: bool = False


@dataclass(frozen=True)
class Schema:
    """What a data file must look like.

    Parameters
    ----------
    columns
        Expected columns.
    key
        Columns whose combination must be unique (empty: no check).
    year_column
        Column holding the year checked against ``year_range``.
    year_range
        Inclusive plausible years.
    extra_kind
        Kind applied to columns not listed (``None`` leaves them as read).
    extra_missing
        Missing codes for those extra columns.
    """

    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    year_column: str | None = None
    year_range: tuple[int, int] | None = None
    extra_kind: ColumnKind | None = None
    extra_missing: tuple[float, ...] = field(default=())

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _where(row_positions: np.ndarray, column: str) -> list[str]:
    return [f"row {int(p) + 1} (line {int(p) + 2}), column {column}" for p in row_positions]


def _show(value: object) -> str:
    """Render a cell for a message: ``'abc'`` for text, ``12.5`` for numbers."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _limit(positions: np.ndarray) -> np.ndarray:
    return positions[:MAX_PROBLEMS_PER_CHECK]


def _overflow(problems: list[Problem], file: str, column: str, check: str, total: int) -> None:
    if total > MAX_PROBLEMS_PER_CHECK:
        problems.append(
            Problem(file, f"column {column}", check,
                    f"{total - MAX_PROBLEMS_PER_CHECK} more cells fail this check")
        )


def _is_blank_text(values: pd.Series) -> np.ndarray:
    """True where a cell is NA or only whitespace."""
    na = values.isna().to_numpy()
    if values.dtype.kind in "iufb":
        return na
    text = values.astype("str")
    return na | (text.str.strip() == "").to_numpy(dtype=bool, na_value=True)


def _to_numeric(
    values: pd.Series, column: Column, file: str, problems: list[Problem]
) -> np.ndarray:
    """Return float64 values with blanks NaN; record cells that are not numbers."""
    if values.dtype.kind in "iufb":
        return values.to_numpy(dtype="float64", na_value=np.nan)
    blank = _is_blank_text(values)
    parsed = pd.to_numeric(values.where(~blank), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    bad = np.flatnonzero(np.isnan(parsed) & ~blank)
    for position, where in zip(_limit(bad), _where(_limit(bad), column.name)):
        problems.append(
            Problem(file, where, "type",
                    f"value {_show(values.iloc[position])} is not a number; expected "
                    f"{'a whole number' if column.kind in ('int', 'Int64') else 'a number'} "
                    "or a blank cell for missing")
        )
    _overflow(problems, file, column.name, "type", bad.size)
    return parsed


def _coerce(series: pd.Series, column: Column, file: str, problems: list[Problem]) -> pd.Series:
    if column.kind == "str":
        blank = _is_blank_text(series)
        if column.nonempty:
            absent = np.flatnonzero(blank)
            for where in _where(_limit(absent), column.name):
                problems.append(Problem(file, where, "missing",
                                        "cell is empty but this column needs a value"))
            _overflow(problems, file, column.name, "missing", absent.size)
        if series.dtype.kind == "f":
            # whole numbers read as floats because of a blank cell: "3180", not "3180.0"
            numbers = series.to_numpy(dtype="float64", na_value=np.nan)
            present = ~np.isnan(numbers)
            if np.all(numbers[present] == np.floor(numbers[present])):
                series = pd.Series(np.where(present, numbers, 0).astype("int64"),
                                   index=series.index)
        text = series.astype("str")
        return text.where(~blank)
    if column.kind == "date":
        blank = _is_blank_text(series)
        parsed = pd.to_datetime(series.where(~blank), format="%Y-%m-%d", errors="coerce")
        bad = np.flatnonzero(parsed.isna().to_numpy() & ~blank)
        for position, where in zip(_limit(bad), _where(_limit(bad), column.name)):
            problems.append(
                Problem(file, where, "type",
                        f"value {_show(series.iloc[position])} is not a date; expected YYYY-MM-DD")
            )
        _overflow(problems, file, column.name, "type", bad.size)
        return parsed

    numbers = _to_numeric(series, column, file, problems)
    if column.missing:
        numbers = np.where(np.isin(numbers, column.missing), np.nan, numbers)
    present = ~np.isnan(numbers)

    if column.minimum is not None or column.maximum is not None:
        low = -np.inf if column.minimum is None else column.minimum
        high = np.inf if column.maximum is None else column.maximum
        bad = np.flatnonzero(present & ((numbers < low) | (numbers > high)))
        codes = f" (missing codes: {', '.join(str(int(c)) for c in column.missing)})" \
            if column.missing else ""
        for position, where in zip(_limit(bad), _where(_limit(bad), column.name)):
            problems.append(
                Problem(file, where, "range",
                        f"value {_show(series.iloc[position])} is outside [{column.minimum}, "
                        f"{column.maximum}]{codes}")
            )
        _overflow(problems, file, column.name, "range", bad.size)

    if column.kind == "float":
        return pd.Series(numbers, index=series.index, dtype="float64")

    fractional = np.flatnonzero(present & (numbers != np.floor(np.where(present, numbers, 0))))
    for position, where in zip(_limit(fractional), _where(_limit(fractional), column.name)):
        problems.append(
            Problem(file, where, "type",
                    f"value {_show(series.iloc[position])} is not a whole number")
        )
    _overflow(problems, file, column.name, "type", fractional.size)
    if column.kind == "int":
        absent = np.flatnonzero(~present)
        for where in _where(_limit(absent), column.name):
            problems.append(
                Problem(file, where, "missing",
                        "cell is empty (or a missing-value code) but this column may not "
                        "be missing; fill it in")
            )
        _overflow(problems, file, column.name, "missing", absent.size)
        return pd.Series(np.where(present, numbers, 0).astype("int64"), index=series.index)
    whole = pd.array(np.where(present, np.floor(np.where(present, numbers, 0)), 0)
                     .astype("int64"), dtype="Int64")
    whole[~present] = pd.NA
    return pd.Series(whole, index=series.index)


def validate(frame: pd.DataFrame, schema: Schema, path: str | Path) -> pd.DataFrame:
    """Coerce ``frame`` to ``schema`` and check it, reporting every problem at once.

    Parameters
    ----------
    frame
        The file as read, with a default RangeIndex (position = data row - 1).
    schema
        What the file must look like.
    path
        The file, for messages.

    Returns
    -------
    pandas.DataFrame
        A new frame: listed columns coerced (missing codes as NA), extra columns coerced to
        ``schema.extra_kind`` when set, column order as in the file.

    Raises
    ------
    DataFileError
        Listing every missing column, unparseable or out-of-range cell, duplicated key and
        implausible year.
    """
    file = str(path)
    problems: list[Problem] = []
    frame = frame.reset_index(drop=True)

    missing_columns = [c.name for c in schema.columns if c.required and c.name not in frame]
    if missing_columns:
        raise DataFileError(
            f"{file}: required column(s) {', '.join(missing_columns)} not found; the file has "
            f"columns {', '.join(map(str, frame.columns))}. Is this the right file (see "
            "`alliancelab data list`)?",
            [Problem(file, f"column {name}", "columns", "required column is absent")
             for name in missing_columns],
        )

    listed = {c.name: c for c in schema.columns}
    coerced: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = listed.get(name)
        if column is None and schema.extra_kind is not None:
            column = Column(name, schema.extra_kind, missing=schema.extra_missing)
        if column is None:
            coerced[name] = frame[name]
        else:
            coerced[name] = _coerce(frame[name], column, file, problems)
    result = pd.DataFrame(coerced, index=frame.index)

    if schema.year_column is not None and schema.year_range is not None:
        low, high = schema.year_range
        years = result[schema.year_column].to_numpy(dtype="float64", na_value=np.nan)
        bad = np.flatnonzero(~np.isnan(years) & ((years < low) | (years > high)))
        for position, where in zip(_limit(bad), _where(_limit(bad), schema.year_column)):
            problems.append(
                Problem(file, where, "year range",
                        f"year {int(years[position])} is outside the plausible range "
                        f"{low}-{high} for this file")
            )
        _overflow(problems, file, schema.year_column, "year range", bad.size)

    if schema.key:
        duplicated = result.duplicated(list(schema.key), keep=False).to_numpy()
        if duplicated.any():
            positions = np.flatnonzero(duplicated)
            groups = result.iloc[positions].groupby(list(schema.key), sort=False, dropna=False)
            for count, (values, group) in enumerate(groups.indices.items()):
                if count >= MAX_PROBLEMS_PER_CHECK:
                    problems.append(Problem(file, "key", "unique key",
                                            f"{len(groups) - count} more duplicated keys"))
                    break
                values = values if isinstance(values, tuple) else (values,)
                key_text = ", ".join(f"{k}={v}" for k, v in zip(schema.key, values))
                rows = ", ".join(str(int(positions[g]) + 1) for g in group)
                problems.append(
                    Problem(file, f"rows {rows}", "unique key",
                            f"key ({key_text}) appears {len(group)} times; each "
                            f"({', '.join(schema.key)}) must appear once")
                )

    if problems:
        raise DataFileError(
            f"{file}: {len(problems)} problem(s) found; fix the file or fetch a fresh copy "
            "(`alliancelab data fetch`)",
            problems,
        )
    return result
