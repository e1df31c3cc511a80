"""Off-policy evaluation on the Open Bandit Dataset (ZOZOTOWN, "all" campaign, 80 items, 3 slots).

Three parts, every figure with its bootstrap confidence interval:

1. A known answer. The uniform-random policy's value estimated from the Bernoulli Thompson
   sampling (BTS) log by IPW, SNIPW and DR, against its own on-policy click rate in the
   random log (0.0038).
2. BTS's own on-policy click rate (0.0042).
3. A learned policy. A per-item Beta-Bernoulli model (prior: the training click rate with
   the strength of ``--prior-strength`` impressions) is trained on the first ``--train``
   share of the random log in time order; two policies follow from it — Thompson sampling
   (items ranked by one posterior draw per page, slot k gets the k-th; its action
   probabilities by ``--draws`` Monte Carlo pages) and greedy (the three best posterior
   means, fixed). Each is evaluated on the rest of the random log by IPW, SNIPW and DR (reward
   model: item × slot click rates of the training part), and, as a larger independent
   sample, on the whole BTS log; against random (0.0038) and BTS (0.0042).

Run:

    .venv/bin/python bench/obd_eval.py --resamples 2000 --seed 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cortesia.batch.obd import BanditLog, item_position_rates, load_obd
from cortesia.models.offpolicy import (
    FloatArray,
    PolicyValue,
    doubly_robust,
    ipw,
    on_policy,
    snipw,
    uniform_action_dist,
)

OBD = Path(__file__).resolve().parents[2] / "shared/data/obd"


def posteriors(log: BanditLog, strength: float) -> tuple[FloatArray, FloatArray]:
    """Beta posterior (alpha, beta) of every item's click rate, slots pooled."""
    shown = np.bincount(log.actions, minlength=log.n_actions).astype(np.float64)
    clicks = np.bincount(log.actions, weights=log.rewards, minlength=log.n_actions).astype(
        np.float64
    )
    rate = log.click_rate
    alpha: FloatArray = clicks + strength * rate
    beta: FloatArray = shown - clicks + strength * (1 - rate)
    return alpha, beta


def thompson_dist(
    alpha: FloatArray, beta: FloatArray, slots: int, draws: int, seed: int
) -> FloatArray:
    """P(item in slot k) when each page ranks items by one posterior draw."""
    rng = np.random.default_rng(seed)
    samples = rng.beta(alpha, beta, size=(draws, alpha.size))
    top = np.argsort(-samples, axis=1)[:, :slots]
    dist = np.zeros((1, alpha.size, slots))
    for slot in range(slots):
        dist[0, :, slot] = np.bincount(top[:, slot], minlength=alpha.size) / draws
    return dist


def greedy_dist(alpha: FloatArray, beta: FloatArray, slots: int) -> FloatArray:
    """The best posterior means, best first, one per slot."""
    best = np.argsort(-(alpha / (alpha + beta)), kind="stable")[:slots]
    dist = np.zeros((1, alpha.size, slots))
    dist[0, best, np.arange(slots)] = 1.0
    return dist


def evaluate(
    log: BanditLog, dist: FloatArray, reward_hat: FloatArray, resamples: int, seed: int
) -> list[PolicyValue]:
    args = (log.rewards, log.actions, log.propensities, dist)
    kw = {"n_resamples": resamples, "seed": seed}
    return [
        ipw(*args, log.positions, **kw),
        snipw(*args, log.positions, **kw),
        doubly_robust(*args, reward_hat, log.positions, **kw),
    ]


def effective_rounds(log: BanditLog, dist: FloatArray) -> float:
    """Kish's effective sample size of the importance weights: the rounds that really count."""
    weights = dist[0, log.actions, log.positions] / log.propensities
    return float(weights.sum() ** 2 / (weights**2).sum()) if weights.any() else 0.0


def covers(value: PolicyValue, *references: float) -> str:
    return " / ".join("yes" if value.covers(ref) else "no" for ref in references)


def row(label: str, value: PolicyValue, marks: str = "", ess: float | None = None) -> str:
    shown = "" if ess is None else f"{ess:,.0f}"
    return (
        f"| {label} | {value.estimator} | {value.estimate:.5f} | "
        f"[{value.lower:.5f}, {value.upper:.5f}] | {value.rounds:,} | {shown} | {marks} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train", type=float, default=0.7)
    parser.add_argument("--prior-strength", type=float, default=100.0)
    parser.add_argument("--draws", type=int, default=100_000)
    opts = parser.parse_args()
    kw = {"n_resamples": opts.resamples, "level": opts.level, "seed": opts.seed}
    random_log, bts = load_obd(OBD / "random/all"), load_obd(OBD / "bts/all")
    uniform = uniform_action_dist(bts.n_actions, bts.n_positions)
    header = "| policy (data) | estimator | value | {:.0%} interval | rounds | ESS | covers {} |"
    sep = "| --- | --- | ---: | --- | ---: | ---: | --- |"

    print("## Known answer: the uniform-random policy valued from the BTS log\n")
    truth = random_log.click_rate
    print(header.format(opts.level, f"{truth:.4f}"), sep, sep="\n")
    print(row("random (its own log, on-policy)", on_policy(random_log.rewards, **kw)))
    for value in evaluate(bts, uniform, item_position_rates(bts), opts.resamples, opts.seed):
        ess = effective_rounds(bts, uniform)
        print(row("random (from BTS log)", value, covers(value, truth), ess))
    print(row("BTS (its own log, on-policy)", on_policy(bts.rewards, **kw)))

    train, test = random_log.split(opts.train)
    alpha, beta = posteriors(train, opts.prior_strength)
    q = item_position_rates(train, prior_strength=opts.prior_strength)
    policies = {
        "Thompson": thompson_dist(alpha, beta, train.n_positions, opts.draws, opts.seed),
        "greedy": greedy_dist(alpha, beta, train.n_positions),
    }
    print(
        f"\n## Learned on the first {opts.train:.0%} of the random log ({train.n_rounds:,} rounds, "
        f"{int(train.rewards.sum())} clicks)\n"
    )
    print(header.format(opts.level, "random / BTS"), sep, sep="\n")
    print(row(f"random (last {1 - opts.train:.0%}, on-policy)", on_policy(test.rewards, **kw)))
    for name, dist in policies.items():
        for data, log in ((f"random last {1 - opts.train:.0%}", test), ("BTS log", bts)):
            for value in evaluate(log, dist, q, opts.resamples, opts.seed):
                marks = covers(value, truth, bts.click_rate)
                print(row(f"{name} ({data})", value, marks, effective_rounds(log, dist)))
    top = np.argsort(-(alpha / (alpha + beta)), kind="stable")[:3]
    print(
        f"\ngreedy slate (items, best first): {top.tolist()}; "
        f"Thompson P(top item in slot 1) = {policies['Thompson'][0, top[0], 0]:.3f}"
    )


if __name__ == "__main__":
    main()
