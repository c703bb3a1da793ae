"""The polarity of the international system by year, and the era a year falls in.

Polarity is the number of great powers that count in the balance (Waltz 1979: 129-131). The
coding is the conventional one of the literature, not derived from data here:

================  ==============  ===========================================================
years             polarity        source
================  ==============  ===========================================================
1816-1945         ``multipolar``  Waltz (1979: 162): the multipolar system lasted until 1945.
1946-1989         ``bipolar``     Waltz (1979: 161-163): bipolar from the end of the Second
                                  World War.
1990-             ``unipolar``    Wohlforth (1999): unipolar since the Soviet collapse; 1990
                                  as the first year follows Wohlforth's dating of the end of
                                  bipolarity to 1989-1991 (the middle year is a choice).
================  ==============  ===========================================================

Eras (for grouping results; boundaries at the system wars and the end of the Cold War):
``1816-1913`` (the nineteenth-century concert and its end), ``1914-1945`` (the world wars),
``1946-1989`` (the Cold War), ``1990-`` (after the Cold War).

References
----------
Waltz, Kenneth N. 1979. *Theory of International Politics*. Reading, MA: Addison-Wesley.

Wohlforth, William C. 1999. "The Stability of a Unipolar World". *International Security*
24(1): 5-41.
"""

from __future__ import annotations

__all__ = ["ERAS", "POLARITIES", "era", "polarity"]

POLARITIES: tuple[str, ...] = ("multipolar", "bipolar", "unipolar")
"""The polarity labels, in historical order."""

_POLARITY_FROM: tuple[tuple[int, str], ...] = ((1816, "multipolar"), (1946, "bipolar"), (1990, "unipolar"))

ERAS: tuple[tuple[int, int | None, str], ...] = (
    (1816, 1913, "1816-1913"),
    (1914, 1945, "1914-1945"),
    (1946, 1989, "1946-1989"),
    (1990, None, "1990-"),
)
"""(first year, last year or None, label) of each era."""


def polarity(year: int) -> str:
    """Return the system's polarity in ``year`` (see the module docstring).

    Parameters
    ----------
    year
        A year from 1816.

    Returns
    -------
    str
        ``"multipolar"``, ``"bipolar"`` or ``"unipolar"``.

    Raises
    ------
    ValueError
        For a year before 1816, which the coding does not cover.
    """
    if year < _POLARITY_FROM[0][0]:
        raise ValueError(f"year {year}: the polarity coding starts in 1816")
    label = _POLARITY_FROM[0][1]
    for first, name in _POLARITY_FROM:
        if year >= first:
            label = name
    return label


def era(year: int) -> str:
    """Return the label of the era ``year`` falls in (see :data:`ERAS`).

    Raises
    ------
    ValueError
        For a year before 1816.
    """
    for first, last, label in ERAS:
        if year >= first and (last is None or year <= last):
            return label
    raise ValueError(f"year {year}: the eras start in 1816")
