"""alliancelab: theories of international alignment put to an empirical test.

Subpackages
-----------
datasets
    Loaders for the standard data files, case objects and the dyad-year panel.
theories
    Pluggable theories that turn case features into probabilities over options.
evaluation
    Scoring rules, paired comparisons and cross-validation.
reporting
    Tables, figures and fit reports (Markdown, HTML).
"""

__version__ = "0.1.0"
