"""Names, titles and SVG text handling the report needs without drawing anything.

Kept apart from :mod:`alliancelab.reporting.figures` so that writing a report's text does not
import matplotlib: the figures are drawn in a worker process while the tables are written.
"""

from __future__ import annotations

import re

GRID_MAX_STATES = 45
"""Cases with up to this many deciding states get the per-state grid (:func:`state_grid_figure`);
larger ones the observed-by-favoured tables (:func:`confusion_figure`), which stay legible."""


def inline_svg(svg: str, prefix: str) -> str:
    """Make an SVG document fit to sit inside an HTML page beside other SVGs.

    Drops the XML prolog and doctype, and prefixes every element id (and every reference to one)
    with ``prefix``: matplotlib numbers groups ``figure_1``, ``axes_1``... in every figure alike,
    and ids must be unique within a page.

    Parameters
    ----------
    svg
        An SVG document as written by :func:`figure_svg`.
    prefix
        Text unique to the figure within the page (its file stem).

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    ids = set(re.findall(r'\bid="([^"]+)"', body))

    def rename(match: re.Match[str]) -> str:
        lead, name = match.group(1), match.group(2)
        return f"{lead}{prefix}-{name}" if name in ids else match.group(0)

    return re.sub(r'(\bid="|href="#|url\(#)([^")]+)', rename, body)


def figure_name(case: str) -> str:
    """File stem of a case's figure: ``case_<name>`` with unsafe characters replaced."""
    return "case_" + re.sub(r"[^A-Za-z0-9_.-]", "_", case)


def case_title(title: str, year: int, period: tuple[int, int] | None) -> str:
    """The case title with its year or period appended, unless the title already gives it."""
    when = f"{period[0]}-{period[1]}" if period and period[0] != period[1] else str(year)
    return title if when in title else f"{title} ({when})"
