"""LaTeX tables for papers: :func:`booktabs_table` and the escaping it relies on.

The output needs the ``booktabs`` package (``\\toprule``, ``\\midrule``, ``\\bottomrule``);
notes under the table are set in a ``minipage`` of the table's width with ``\\footnotesize``, so
nothing beyond ``booktabs`` is required.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence

import pandas as pd

LATEX_SPECIALS: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
"""The ten characters LaTeX treats specially in text, and how each is written as text."""

_SPECIALS = re.compile("|".join(re.escape(char) for char in LATEX_SPECIALS))

MISSING = "--"
"""What a missing (NaN or None) cell shows."""

MINUS = "$-$"
"""A minus sign in math mode, which sets a proper minus rather than a hyphen."""


def escape(text: str) -> str:
    """``text`` with every LaTeX special character written so that it prints as itself."""
    return _SPECIALS.sub(lambda match: LATEX_SPECIALS[match.group(0)], str(text))


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def format_number(value: object, fmt: str) -> str:
    """A number in LaTeX: ``fmt`` applied, minus as ``$-$``, infinities as ``$\\infty$`` and ``$-\\infty$``.

    ``"{:d}"`` accepts whole floats (3.0 prints ``3``), since integer columns with a missing
    value become floats in pandas. A value that rounds to zero prints without its sign.
    """
    number = float(value)  # type: ignore[arg-type]
    if math.isinf(number):
        return "$-\\infty$" if number < 0 else "$\\infty$"
    if re.search(r"\{:[^}]*d\}", fmt):
        if not number.is_integer():
            raise ValueError(f"format {fmt!r} needs a whole number, got {value!r}")
        value = int(number)
    text = fmt.format(value) if fmt else str(value)
    negative = text.startswith("-")
    if negative:
        text = text[1:]
        # "-0.000": a value that rounds to zero gets no sign
        negative = bool(re.search(r"[1-9]", text.split("e")[0].split("E")[0]))
    return (MINUS if negative else "") + escape(text)


def _cell(value: object, fmt: str, numeric: bool) -> str:
    if _is_missing(value):
        return MISSING
    if (numeric or fmt) and _is_number(value):
        return format_number(value, fmt)
    return escape(str(value))


def _numeric_column(values: pd.Series, fmt: str) -> bool:
    """Right-aligned: a format is given, or every value present is a number."""
    if fmt:
        return True
    present = [value for value in values if not _is_missing(value) and value != ""]
    return bool(present) and all(_is_number(value) for value in present)


def booktabs_table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[tuple[str, str, str]],
    caption: str,
    label: str,
    notes: str = "",
) -> str:
    """A complete LaTeX ``table`` environment in the booktabs style.

    Parameters
    ----------
    frame
        The rows, in the order they are printed.
    columns
        ``(column name, header, format)`` per printed column. The header is LaTeX, written as
        given (so it may hold math such as ``$k$``; escape a literal ``%`` as ``\\%``). The format is
        a :meth:`str.format` pattern such as ``"{:.3f}"`` or ``"{:d}"`` for a numeric column, or ``""``
        for text (a column of numbers without a format prints them with :class:`str`).
        Numeric columns are right-aligned (``r``), text columns left-aligned (``l``).
    caption
        The caption, LaTeX as given (like the headers).
    label
        The ``\\label`` key.
    notes
        Plain text printed in small type under the table (escaped); none if empty.

    Returns
    -------
    str
        The ``table`` environment, ending in a newline. Text cells are escaped (the ten specials
        ``& % $ # _ { } ~ ^ \\``), missing values print as ``--`` and minus signs as ``$-$``.

    Raises
    ------
    ValueError
        If a column is missing from ``frame``, no columns are given, or a value does not fit
        its format.
    """
    if not columns:
        raise ValueError("booktabs_table: give at least one column")
    missing = [name for name, _, _ in columns if name not in frame.columns]
    if missing:
        raise ValueError(
            f"booktabs_table: the frame lacks column(s) {', '.join(repr(m) for m in missing)} "
            f"(it has {', '.join(map(str, frame.columns)) or 'none'})"
        )
    numeric = [_numeric_column(frame[name], fmt) for name, _, fmt in columns]
    spec = "".join("r" if is_numeric else "l" for is_numeric in numeric)
    header = " & ".join(head for _, head, _ in columns) + r" \\"
    body = []
    for record in frame.to_dict("records"):
        cells = []
        for (name, _, fmt), is_numeric in zip(columns, numeric):
            try:
                cells.append(_cell(record[name], fmt, is_numeric))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"booktabs_table: column {name!r}, value {record[name]!r}: {exc}") from None
        body.append(" & ".join(cells) + r" \\")
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        f"\\caption{{{caption}}}",
        f"\\label{{{label}}}",
        f"\\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        header,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if notes:
        lines += [
            r"\par\smallskip",
            r"\begin{minipage}{\linewidth}\footnotesize",
            escape(" ".join(notes.split())),
            r"\end{minipage}",
        ]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"
