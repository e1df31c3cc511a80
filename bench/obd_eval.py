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
4. Our learner. A ``BayesianLogisticBank`` keyed by item, with the four user features
   (categorical) and the user-item affinity of that item (numeric) as its features, is
   trained on the same first part. Its policies, per round from that round's context:
   greedy (the three best posterior means, best first) and Thompson sampling (items ranked
   by one posterior draw per item, slot k gets the k-th; the action distribution of each
   round and slot estimated from ``--ts-draws`` draws). Evaluated like part 3.

Run:

    .venv/bin/python bench/obd_eval.py --resamples 2000 --seed 0
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from cortesia.batch.obd import BanditLog, item_position_rates, load_obd
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.offpolicy import (
    FloatArray,
    IntArray,
    PolicyValue,
    doubly_robust,
    ipw,
    on_policy,
    snipw,
    uniform_action_dist,
)

OBD = Path(__file__).resolve().parents[2] / "shared/data/obd"
ITEM_KEY = "item"
AFFINITY = "affinity"
ROUNDS_AT_ONCE = 250  # rounds ranked together: draws × 250 × 80 items × 8 B = 32 MB at 200 draws


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


def train_bank(log: BanditLog, seed: int) -> BayesianLogisticBank:
    """Our learner on a log, in time order: one Bayesian logistic model per item.

    Features of a round: the user features and the affinity of the user to the item shown.
    The prior is the log's click rate, so an item with no click stays near it.
    """
    bank = BayesianLogisticBank(action_key=ITEM_KEY, prior_rate=log.click_rate, seed=seed)
    users = log.user_features.to_dicts()
    shown = log.affinity[np.arange(log.n_rounds), log.actions]
    for user, item, affinity, reward in zip(
        users, log.actions.tolist(), shown.tolist(), log.rewards.tolist(), strict=True
    ):
        bank.learn_one({**user, AFFINITY: affinity, ITEM_KEY: str(item)}, reward > 0)
    return bank


@dataclass(frozen=True, slots=True)
class Contexts:
    """A log's contexts as a grid: distinct user-feature rows × distinct affinity values.

    An item's score depends on the round only through the user features and that item's
    affinity, so scoring every item on this grid (a few hundred cells) scores every round.
    """

    users: dict[str, npt.NDArray[np.str_]]  # column -> (u,) distinct user-feature rows
    levels: FloatArray  # (v,) distinct affinity values
    user_of: IntArray  # (n,) each round's user row
    level_of: IntArray  # (n, n_actions) each round's affinity level of every item

    @classmethod
    def of(cls, log: BanditLog) -> Contexts:
        frame = log.user_features.with_row_index("_row")
        distinct = log.user_features.unique(maintain_order=True).with_row_index("_user")
        user_of = frame.join(distinct, on=log.user_features.columns).sort("_row")["_user"]
        levels, level_of = np.unique(log.affinity, return_inverse=True)
        return cls(
            {name: distinct[name].to_numpy().astype(str) for name in log.user_features.columns},
            levels.astype(np.float64),
            user_of.to_numpy().astype(np.int64),
            level_of.reshape(log.affinity.shape).astype(np.int64),
        )

    def grid(self, repeats: int) -> dict[str, npt.NDArray[np.generic]]:
        """Columns of every (repeat, user, level) cell, in that order."""
        u, v = self.n_users, self.levels.size
        columns: dict[str, npt.NDArray[np.generic]] = {
            name: np.tile(np.repeat(values, v), repeats) for name, values in self.users.items()
        }
        columns[AFFINITY] = np.tile(self.levels, u * repeats)
        return columns

    @property
    def n_users(self) -> int:
        """Distinct user-feature rows."""
        return len(next(iter(self.users.values())))


def score_grid(
    bank: BayesianLogisticBank, ctx: Contexts, n_actions: int, draws: int, seed: int | None
) -> FloatArray:
    """Scores of every item on the grid: posterior means (``seed`` None) or ``draws`` draws.

    Returns shape ``(draws, users, levels, n_actions)``.
    """
    rng = None if seed is None else np.random.default_rng(seed)
    repeats = 1 if rng is None else draws
    columns = ctx.grid(repeats)
    shape = (repeats, ctx.n_users, ctx.levels.size)
    scores = np.empty((*shape, n_actions))
    for item in range(n_actions):
        action = [str(item)]
        column = (
            bank.predict_proba_frame(columns, action)
            if rng is None
            else bank.sample_frame(columns, action, rng)
        )
        scores[..., item] = column[:, 0].reshape(shape)
    return scores


def slate_dist(scores: FloatArray, ctx: Contexts, slots: int) -> FloatArray:
    """P(item in slot k) per round: each draw ranks the items, slot k gets the k-th."""
    draws, n_actions = scores.shape[0], scores.shape[-1]
    n = ctx.user_of.size
    dist = np.zeros((n, n_actions, slots))
    items = np.arange(n_actions)
    for start in range(0, n, ROUNDS_AT_ONCE):
        rows = np.arange(start, min(start + ROUNDS_AT_ONCE, n))
        # (draws, rounds, items): each round's score of every item at its own affinity
        per_round = scores[:, ctx.user_of[rows, None], ctx.level_of[rows], items[None, :]]
        top = np.argsort(-per_round, axis=2, kind="stable")[:, :, :slots]
        for slot in range(slots):
            cells = (rows[None, :] - start) * n_actions + top[:, :, slot]
            counts = np.bincount(cells.ravel(), minlength=rows.size * n_actions)
            dist[rows, :, slot] = counts.reshape(rows.size, n_actions) / draws
    return dist


def learner_policies(
    bank: BayesianLogisticBank, log: BanditLog, draws: int, seed: int
) -> dict[str, FloatArray]:
    """Greedy and Thompson action distributions of our learner on every round of ``log``."""
    ctx = Contexts.of(log)
    means = score_grid(bank, ctx, log.n_actions, 1, None)
    samples = score_grid(bank, ctx, log.n_actions, draws, seed)
    return {
        "bank greedy": slate_dist(means, ctx, log.n_positions),
        "bank Thompson": slate_dist(samples, ctx, log.n_positions),
    }


def held_out_fit(bank: BayesianLogisticBank, log: BanditLog) -> tuple[float, float, float]:
    """AUC and log loss of the learner on the logged (round, item) pairs, and the log loss
    of the constant prior rate: does it predict clicks at all?"""
    shown = log.affinity[np.arange(log.n_rounds), log.actions]
    p = np.array(
        [
            bank.predict_proba_one({**user, AFFINITY: affinity, ITEM_KEY: str(item)})
            for user, item, affinity in zip(
                log.user_features.to_dicts(), log.actions.tolist(), shown.tolist(), strict=True
            )
        ]
    )
    y, rate = log.rewards, bank.prior_rate
    clicked, other = p[y > 0][:, None], p[y == 0][None, :]
    auc = float((clicked > other).mean() + 0.5 * (clicked == other).mean())
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
    return auc, loss, float(-np.mean(y * np.log(rate) + (1 - y) * np.log1p(-rate)))


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
    rows = np.arange(log.n_rounds) if dist.shape[0] == log.n_rounds else 0
    weights = dist[rows, log.actions, log.positions] / log.propensities
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
    parser.add_argument("--ts-draws", type=int, default=200)
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

    learner_section(opts, (train, test, bts), q, truth)


def learner_section(
    opts: argparse.Namespace,
    logs: tuple[BanditLog, BanditLog, BanditLog],
    q: FloatArray,
    truth: float,
) -> None:
    """Part 4: our learner (BayesianLogisticBank) trained on ``train``, valued like part 3."""
    kw = {"n_resamples": opts.resamples, "level": opts.level, "seed": opts.seed}
    train, test, bts = logs
    bank = train_bank(train, opts.seed)
    auc, loss, prior_loss = held_out_fit(bank, test)
    print(
        f"\n## Our learner (BayesianLogisticBank by item; user features + affinity), "
        f"first {opts.train:.0%} of the random log, {opts.ts_draws} Thompson draws a round\n\n"
        f"held-out fit on the logged items ({int(test.rewards.sum())} clicks): AUC {auc:.3f}, "
        f"log loss {loss:.5f} (constant prior rate: {prior_loss:.5f})\n"
    )
    header = "| policy (data) | estimator | value | {:.0%} interval | rounds | ESS | covers {} |"
    print(
        header.format(opts.level, "random / BTS"),
        "| --- | --- | ---: | --- | ---: | ---: | --- |",
        sep="\n",
    )
    print(row(f"random (last {1 - opts.train:.0%}, on-policy)", on_policy(test.rewards, **kw)))
    references = (truth, bts.click_rate)
    for data, log in ((f"random last {1 - opts.train:.0%}", test), ("BTS log", bts)):
        for name, dist in learner_policies(bank, log, opts.ts_draws, opts.seed).items():
            ess = effective_rounds(log, dist)
            for value in evaluate(log, dist, q, opts.resamples, opts.seed):
                print(row(f"{name} ({data})", value, covers(value, *references), ess))


if __name__ == "__main__":
    main()
