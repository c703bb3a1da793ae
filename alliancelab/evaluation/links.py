"""Links: how far to believe a theory, estimated out of sample.

A theory of alignment states a deterministic rule ("states balance against the strongest
pole"). To score it with a proper scoring rule the rule must become probabilities, and how much
probability it deserves is an empirical question, not a convention. A *link* is to a theory what
a family is to a GLM: the theory says what it predicts, the link says how much to believe it,
and only the link's few parameters are fitted -- on training cases only, leave-one-case-out, by
:func:`alliancelab.evaluation.compare.compare`.

Every link sees a theory through a :class:`LinkData`: for each (decision, option) row the
theory's *favoured* weights (its option weights normalised within the decision; all zero where
the theory makes no prediction), whether the row is the neutral option, the alternative-specific
features the theory declares for the conditional logit, and, for fitting, the observed outcome.

The links
---------
``fixed``
    ``p = (1 - e) f + e / k`` with the theory's own ``error_rate`` setting ``e`` (default 0.1,
    the same for every theory). Nothing is fitted. Kept so that reports made before links were
    estimated can be reproduced bit for bit.
``error``
    The same form with one error rate per theory fitted by maximum likelihood on the training
    decisions (a bounded one-dimensional concave problem).
``two-stage``
    Alignment and neutrality are different questions, and most theories only answer the second
    (whom to join). Stage 1 calibrates the theory's *align / stay-out call*: with ``q`` the weight
    the theory puts on neutrality (0 or 1 for the built-in rules), ``P(neutral) = q a + (1 - q) b``,
    where ``a`` is the training share of neutral outcomes among decisions the theory called
    neutral and ``b`` among those it called aligned (soft counts for fractional ``q``), each with
    add-one (Laplace) smoothing, so never 0 or 1. Stage 2 calibrates its *side call*: among the
    poles, ``P(pole j | align) = (1 - s) g_j + s / m``, where ``g`` is the theory's favoured weight
    over the ``m`` poles and ``s`` an error rate fitted by maximum likelihood on the training
    decisions that aligned and on which the theory named a side. A decision without a neutral
    option uses stage 2 alone. Three parameters per theory.
``clogit``
    A conditional (McFadden 1974) logit, ``P(option j) ∝ exp(beta . x_j + alpha [j neutral])``,
    on the alternative-specific features ``x`` the theory declares
    (:meth:`alliancelab.theories.base.Theory.choice_features`, each with the sign the theory
    expects), plus a constant for neutrality. Fitted by penalised maximum likelihood with a weak
    ridge penalty ``RIDGE_PENALTY / 2 * |coefficients|^2`` (a normal prior with standard deviation
    about 3 on the logit scale), which keeps the estimates finite under separation -- common with
    few cases and deterministic features.

No prediction
-------------
Where a theory makes no prediction for a decision (every pole's capability unknown, a feature
missing in a case), ``fixed`` and ``error`` predict uniformly (as the fixed convention always
did), ``two-stage`` predicts the training base rate of neutrality with the poles equal, and
``clogit`` has all-zero features there and so predicts its neutral constant. The evaluation
counts these decisions per theory and case and shows the count; they are never silent.

Probabilistic forecasts (the baselines) are passed through by every link: they are already
probabilities and have their own fitted parameters.

References
----------
McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In P. Zarembka
    (ed.), *Frontiers in Econometrics*, 105-142. New York: Academic Press.
Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
    estimation. *Journal of the American Statistical Association* 102(477), 359-378.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from alliancelab.errors import InputError

RIDGE_PENALTY: float = 0.1
"""Weight of the clogit's ridge penalty, ``RIDGE_PENALTY / 2 * sum(coefficients ** 2)``."""


@dataclass(frozen=True)
class LinkData:
    """What a link sees of one theory on a set of decisions (long layout, one row per option).

    Attributes
    ----------
    decision
        Dense decision id per row, ``0 .. n_decisions - 1``; a decision's rows are contiguous.
    is_neutral
        True on the neutral option's rows.
    favoured
        The theory's option weights normalised within each decision; all zero on the rows of a
        decision where it makes no prediction.
    choice
        Alternative-specific features for the conditional logit: rows x features, finite.
    observed
        True on the option chosen (exactly one per decision).
    """

    decision: np.ndarray
    is_neutral: np.ndarray
    favoured: np.ndarray
    choice: np.ndarray
    observed: np.ndarray

    @property
    def n_decisions(self) -> int:
        """Number of decisions."""
        return int(self.decision.max()) + 1 if self.decision.size else 0

    def per_decision_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each decision's rows."""
        return np.bincount(self.decision, weights=np.asarray(values, dtype=float), minlength=self.n_decisions)

    def predicts(self) -> np.ndarray:
        """Per decision: True where the theory made a prediction (some favoured weight)."""
        return self.per_decision_sum(self.favoured) > 0

    def subset(self, decisions: np.ndarray) -> LinkData:
        """The rows of the decisions flagged in ``decisions`` (bool per decision), re-numbered."""
        rows = np.asarray(decisions, dtype=bool)[self.decision]
        _, dense = np.unique(self.decision[rows], return_inverse=True)
        return LinkData(
            decision=dense.astype(np.int64).reshape(-1),
            is_neutral=self.is_neutral[rows],
            favoured=self.favoured[rows],
            choice=self.choice[rows],
            observed=self.observed[rows],
        )


@dataclass(frozen=True)
class FittedLink:
    """A link with its parameters set: turns :class:`LinkData` into probabilities.

    Attributes
    ----------
    link
        The link's name.
    params
        Parameter name -> fitted value (for the report and ``meta.json``).
    n_params
        Number of parameters fitted from the outcomes (0 for ``fixed``).
    standard_errors
        For ``clogit``: parameter name -> its standard error from the inverse of the penalised
        log-likelihood's Hessian at the estimate; empty for the other links.
    """

    link: str
    params: Mapping[str, float]
    n_params: int
    _spec: Link = field(repr=False)
    standard_errors: Mapping[str, float] = field(default_factory=dict)

    def probability(self, data: LinkData) -> np.ndarray:
        """Probability of every row's option; sums to 1 within each decision."""
        return self._spec.probability(self.params, data)


class Link(abc.ABC):
    """A way to turn a theory's favoured weights into probabilities, with fitted parameters."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    @abc.abstractmethod
    def fit(self, data: LinkData) -> FittedLink:
        """Fit the link's parameters on training decisions."""

    @abc.abstractmethod
    def probability(self, params: Mapping[str, float], data: LinkData) -> np.ndarray:
        """Probabilities per row under ``params``."""

    def _fitted(self, params: Mapping[str, float], n_params: int) -> FittedLink:
        return FittedLink(link=self.name, params=dict(params), n_params=n_params, _spec=self)


def _option_counts(data: LinkData) -> np.ndarray:
    """Number of options of each row's decision."""
    return data.per_decision_sum(np.ones(len(data.decision)))[data.decision]


def _uniform_where_silent(data: LinkData) -> np.ndarray:
    """The favoured weights, with equal weights on decisions where the theory made no prediction."""
    predicts = data.predicts()[data.decision]
    return np.where(predicts, data.favoured, 1.0 / _option_counts(data))


def _mix_with_chance(data: LinkData, error_rate: float) -> np.ndarray:
    return (1.0 - error_rate) * _uniform_where_silent(data) + error_rate / _option_counts(data)


@dataclass(frozen=True)
class FixedLink(Link):
    """``p = (1 - e) f + e / k`` with a given error rate: nothing fitted."""

    error_rate: float = 0.1
    name: ClassVar[str] = "fixed"
    description: ClassVar[str] = "the theory's own error_rate setting, not fitted"

    def fit(self, data: LinkData) -> FittedLink:
        return self._fitted({"error_rate": self.error_rate}, 0)

    def probability(self, params: Mapping[str, float], data: LinkData) -> np.ndarray:
        return _mix_with_chance(data, float(params["error_rate"]))


def _fit_mixing_rate(p_favoured: np.ndarray, k: np.ndarray) -> float:
    """Maximum-likelihood ``e`` in ``(1 - e) f + e / k`` given each decision's ``f`` of the outcome.

    The log-likelihood is concave in ``e``, so its derivative
    ``sum (1/k - f) / ((1 - e) f + e / k)`` falls as ``e`` grows and the maximum is where it
    crosses 0 (or at a bound); bisection finds it to 1e-12. With no decisions the answer is 1
    (pure chance).
    """
    if p_favoured.size == 0:
        return 1.0
    # a theory that is never wrong would take e = 0 and give zero probability to the next
    # surprise; the lower bound keeps the fitted forecast finite, as Laplace smoothing does
    lower, upper = 0.5 / (p_favoured.size + 1.0), 1.0
    slope_to_chance = 1.0 / k - p_favoured

    def slope(e: float) -> float:
        return float(np.sum(slope_to_chance / ((1.0 - e) * p_favoured + e / k)))

    if slope(lower) <= 0.0:
        return lower
    if slope(upper) >= 0.0:
        return upper
    while upper - lower > 1e-12:
        middle = 0.5 * (lower + upper)
        if slope(middle) > 0.0:
            lower = middle
        else:
            upper = middle
    return 0.5 * (lower + upper)


@dataclass(frozen=True)
class ErrorLink(Link):
    """``p = (1 - e) f + e / k`` with ``e`` fitted by maximum likelihood on the training decisions."""

    name: ClassVar[str] = "error"
    description: ClassVar[str] = "one error rate per theory, fitted by maximum likelihood"

    def fit(self, data: LinkData) -> FittedLink:
        predicts = data.predicts()
        chosen = data.observed
        f_obs = np.zeros(data.n_decisions)
        f_obs[data.decision[chosen]] = data.favoured[chosen]
        k = data.per_decision_sum(np.ones(len(data.decision)))
        rate = _fit_mixing_rate(f_obs[predicts], k[predicts])
        return self._fitted({"error_rate": rate}, 1)

    def probability(self, params: Mapping[str, float], data: LinkData) -> np.ndarray:
        return _mix_with_chance(data, float(params["error_rate"]))


def _laplace_share(successes: float, trials: float) -> float:
    return (successes + 1.0) / (trials + 2.0)


@dataclass(frozen=True)
class TwoStageLink(Link):
    """Stage 1: P(stay out) calibrated on the theory's align / stay-out call; stage 2: P(side | align)."""

    name: ClassVar[str] = "two-stage"
    description: ClassVar[str] = (
        "P(stay out) calibrated on the theory's align/stay-out call, then P(side | align) on its side call"
    )

    def fit(self, data: LinkData) -> FittedLink:
        n = data.n_decisions
        offers_neutral = data.per_decision_sum(data.is_neutral) > 0
        predicts = data.predicts()
        q = data.per_decision_sum(np.where(data.is_neutral, data.favoured, 0.0))
        went_neutral = data.per_decision_sum(data.is_neutral & data.observed) > 0
        stage1 = offers_neutral & predicts
        y = went_neutral.astype(float)
        called_neutral = _laplace_share(float(np.sum((q * y)[stage1])), float(np.sum(q[stage1])))
        called_align = _laplace_share(float(np.sum(((1 - q) * y)[stage1])), float(np.sum((1 - q)[stage1])))
        silent = offers_neutral & ~predicts
        base = _laplace_share(float(np.sum(y[offers_neutral])), float(np.sum(offers_neutral)))

        pole_weight = np.where(data.is_neutral, 0.0, data.favoured)
        pole_total = data.per_decision_sum(pole_weight)
        names_side = pole_total > 0
        aligned = ~went_neutral
        g_obs = np.zeros(n)
        chosen_pole = data.observed & ~data.is_neutral
        rows = np.flatnonzero(chosen_pole)
        g_obs[data.decision[rows]] = pole_weight[rows] / np.where(pole_total[data.decision[rows]] > 0, pole_total[data.decision[rows]], 1.0)
        m = data.per_decision_sum(~data.is_neutral)
        fit_side = aligned & names_side & predicts
        side_error = _fit_mixing_rate(g_obs[fit_side], m[fit_side])
        params = {
            "p_neutral_if_called_neutral": called_neutral,
            "p_neutral_if_called_align": called_align,
            "side_error_rate": side_error,
            "p_neutral_if_no_prediction": base,
        }
        return self._fitted(params, 3 + int(silent.any()))

    def probability(self, params: Mapping[str, float], data: LinkData) -> np.ndarray:
        predicts = data.predicts()
        offers_neutral = data.per_decision_sum(data.is_neutral) > 0
        q = data.per_decision_sum(np.where(data.is_neutral, data.favoured, 0.0))
        p_neutral = np.where(
            predicts,
            q * params["p_neutral_if_called_neutral"] + (1 - q) * params["p_neutral_if_called_align"],
            params["p_neutral_if_no_prediction"],
        )
        p_neutral = np.where(offers_neutral, p_neutral, 0.0)
        pole_weight = np.where(data.is_neutral, 0.0, data.favoured)
        pole_total = data.per_decision_sum(pole_weight)
        m = data.per_decision_sum(~data.is_neutral)
        g = np.where(
            pole_total[data.decision] > 0,
            pole_weight / np.where(pole_total[data.decision] > 0, pole_total[data.decision], 1.0),
            1.0 / np.maximum(m[data.decision], 1.0),
        )
        s = float(params["side_error_rate"])
        side = (1.0 - s) * g + s / np.maximum(m[data.decision], 1.0)
        row_neutral = p_neutral[data.decision]
        return np.where(data.is_neutral, row_neutral, (1.0 - row_neutral) * side)


def _softmax_within(utility: np.ndarray, decision: np.ndarray, n_decisions: int) -> np.ndarray:
    highest = np.full(n_decisions, -np.inf)
    np.maximum.at(highest, decision, utility)
    expu = np.exp(utility - highest[decision])
    totals = np.bincount(decision, weights=expu, minlength=n_decisions)
    return expu / totals[decision]


@dataclass(frozen=True)
class ConditionalLogitLink(Link):
    """McFadden's conditional logit on the theory's declared features plus a neutral constant."""

    feature_names: tuple[str, ...] = ()
    penalty: float = RIDGE_PENALTY
    name: ClassVar[str] = "clogit"
    description: ClassVar[str] = (
        "conditional (McFadden) logit on the theory's declared alternative-specific features, weak ridge penalty"
    )

    def _design(self, data: LinkData) -> np.ndarray:
        choice = np.asarray(data.choice, dtype=float).reshape(len(data.decision), -1)
        return np.column_stack([choice, data.is_neutral.astype(float)])

    def fit(self, data: LinkData) -> FittedLink:
        x = self._design(data)
        n = data.n_decisions
        observed = data.observed.astype(float)

        def objective(beta: np.ndarray) -> tuple[float, np.ndarray]:
            p = _softmax_within(x @ beta, data.decision, n)
            loglik = float(np.sum(np.log(np.maximum(p[data.observed], 1e-300))))
            gradient = x.T @ (observed - p)
            return (-loglik + 0.5 * self.penalty * float(beta @ beta), -gradient + self.penalty * beta)

        from scipy import optimize  # only this link needs it; importing it costs a fifth of a second

        start = np.zeros(x.shape[1])
        result = optimize.minimize(objective, start, jac=True, method="L-BFGS-B", options={"maxiter": 500, "gtol": 1e-8})
        names = (*self._names(x.shape[1] - 1), "neutral_constant")
        beta = np.asarray(result.x, dtype=float)
        fitted = self._fitted(dict(zip(names, map(float, beta))), len(names))
        return dataclasses.replace(fitted, standard_errors=dict(zip(names, self._standard_errors(x, beta, data))))

    def _standard_errors(self, x: np.ndarray, beta: np.ndarray, data: LinkData) -> list[float]:
        """Square roots of the diagonal of the inverse penalised Hessian (NaN if it is singular)."""
        p = _softmax_within(x @ beta, data.decision, data.n_decisions)
        # per decision: X' (diag p - p p') X, summed; the mean row within a decision gives the p p' part
        mean_x = np.zeros((data.n_decisions, x.shape[1]))
        np.add.at(mean_x, data.decision, p[:, None] * x)
        centred = x - mean_x[data.decision]
        hessian = (centred * p[:, None]).T @ centred + self.penalty * np.eye(x.shape[1])
        try:
            covariance = np.linalg.inv(hessian)
        except np.linalg.LinAlgError:
            return [float("nan")] * x.shape[1]
        return [float(np.sqrt(v)) if v >= 0 else float("nan") for v in np.diag(covariance)]

    def _names(self, n_features: int) -> tuple[str, ...]:
        if len(self.feature_names) == n_features:
            return self.feature_names
        return tuple(f"x{i}" for i in range(n_features))

    def probability(self, params: Mapping[str, float], data: LinkData) -> np.ndarray:
        x = self._design(data)
        names = (*self._names(x.shape[1] - 1), "neutral_constant")
        beta = np.array([params[name] for name in names], dtype=float)
        return _softmax_within(x @ beta, data.decision, data.n_decisions)


LINKS: tuple[str, ...] = ("two-stage", "fixed", "error", "clogit")
"""Every link, the default first."""

DEFAULT_LINK: str = "two-stage"
"""The link a comparison uses unless told otherwise (the report's method section says why)."""

DEFAULT_LINK_REASON: str = (
    "The default link is two-stage. It scores each theory's own rule, not a re-estimated model of its "
    "features: the rule's two calls -- whether the state aligns at all and, if so, with whom -- are each "
    "believed as far as they proved right on the other cases, which is what a theory that only speaks to "
    "sides needs in order not to be charged for neutral decisions it never claimed to explain. It has the "
    "same three parameters for every theory, so no theory can buy a better score with flexibility; every "
    "parameter is fitted leave-one-case-out; and its stage-1 parameters are shares with add-one smoothing, "
    "so they stay well defined with the four or five cases this field has. 'error' is its one-parameter "
    "special case, 'fixed' the old convention and 'clogit' re-estimates the theory's mechanisms rather "
    "than scoring its rule."
)


def make_link(name: str, *, error_rate: float = 0.1, feature_names: tuple[str, ...] = ()) -> Link:
    """Return the link called ``name``.

    Parameters
    ----------
    name
        One of :data:`LINKS`.
    error_rate
        For ``fixed``: the theory's own error rate.
    feature_names
        For ``clogit``: the names of the theory's choice features, for the coefficient table.

    Raises
    ------
    InputError
        If ``name`` is not a link; the message lists the valid ones.
    """
    if name == "fixed":
        return FixedLink(error_rate=error_rate)
    if name == "error":
        return ErrorLink()
    if name == "two-stage":
        return TwoStageLink()
    if name == "clogit":
        return ConditionalLogitLink(feature_names=feature_names)
    raise InputError(f"unknown link {name!r}; choose one of {', '.join(LINKS)} (e.g. --link two-stage)")
