"""Large-N check of each theory's panel prediction: do its features carry the expected sign?

Builds the directed dyad-year panel for a span of years with the theory features, then, for
each theory that names panel features, fits a logit of ``atop_defense`` (the two states share
an ATOP defense pact) on those features and prints each coefficient beside the sign the theory
expects. Standard errors are clustered by non-directed dyad, since dyad-years of one pair are
not independent. A first look, not a research design: no controls, no temporal dependence
beyond the clustering.

Usage::

    python examples/panel_signs.py [--years 1946-2000] [--data-dir DIR]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import statsmodels.api as sm

from alliancelab.datasets.panel import build_panel, parse_years
from alliancelab.theories import builtin_theories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="1946-2000")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    years = parse_years(args.years)
    panel = build_panel(years, data_dir=args.data_dir, steps=("atop_alliance", "nmc"))
    dyad = np.minimum(panel["ccode1"], panel["ccode2"]) * 1000 + np.maximum(panel["ccode1"], panel["ccode2"])
    rows = []
    for theory in builtin_theories().values():
        if not theory.panel_features:
            continue
        columns = list(theory.panel_features)
        data = panel[["atop_defense", *columns]].assign(dyad=dyad).dropna()
        exog = sm.add_constant(data[columns].astype(float))
        fit = sm.Logit(data["atop_defense"].astype(float), exog).fit(
            disp=False, cov_type="cluster", cov_kwds={"groups": data["dyad"]}
        )
        for column, expected in theory.panel_features.items():
            coef = float(fit.params[column])
            rows.append(
                {
                    "theory": theory.name,
                    "feature": column,
                    "expected": "+" if expected > 0 else "-",
                    "coefficient": coef,
                    "z": float(fit.tvalues[column]),
                    "as expected": bool(np.sign(coef) == expected),
                    "n": int(fit.nobs),
                }
            )
    print(f"logit of atop_defense on each theory's panel features, {years[0]}-{years[1]}")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
