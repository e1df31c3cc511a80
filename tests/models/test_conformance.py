"""Every learner passes the one conformance suite, check by check."""

from __future__ import annotations

import pytest

from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.base import OnlineClassifier
from cortesia.models.checks import CHECKS, Check, ConformanceError, Factory, check_model
from cortesia.models.logistic import BayesianLogistic

FACTORIES: dict[str, Factory] = {
    "bayesian_logistic": lambda: BayesianLogistic(prior_variance=0.5, prior_rate=0.2, seed=3),
    "bayesian_logistic_bank": lambda: BayesianLogisticBank(action_key="plan", seed=3),
    "adaptive_naive_bayes": lambda: AdaptiveNaiveBayes(grace=30, min_bin_evidence=10, seed=3),
}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_model_passes_every_check(name: str, check: Check) -> None:
    check(FACTORIES[name])


def test_every_model_is_an_online_classifier() -> None:
    for factory in FACTORIES.values():
        assert isinstance(factory(), OnlineClassifier)


class _RateInHyperParameter:
    """A model that learns into its public hyper-parameter: the suite must catch it."""

    def __init__(self, rate: float = 0.5) -> None:
        self.rate = rate

    def learn_one(self, x: object, y: bool) -> None:
        self.rate = 0.9 * self.rate + 0.1 * float(y)

    def predict_proba_one(self, x: object) -> float:
        return self.rate

    def predict_proba_many(self, batch: object) -> object:
        raise NotImplementedError


def test_check_model_names_the_broken_promise_of_a_faulty_model() -> None:
    with pytest.raises(ConformanceError, match="hyper_parameters_unchanged"):
        check_model(lambda: _RateInHyperParameter())  # type: ignore[arg-type, return-value]


def test_check_model_runs_every_check_on_a_good_model() -> None:
    check_model(FACTORIES["bayesian_logistic"])
