"""Lifetime-value fits on CDNOW and the telco file: our SciPy likelihoods, and lifetimes.

Times (best of ``--repeat`` after one warm-up run) of:

- sBG on the paper's cohort tables (years 0..7) and on the telco's 7,043 tenures;
- building the RFM summary of the CDNOW master log (69,659 rows, 23,570 customers);
- BG/NBD on the 2,357-customer CDNOW summary; Gamma-Gamma on its 946 repeat buyers;
- a 12-month discounted CLV of the 2,357 customers.

With ``--lifetimes-python`` (a Python that has ``lifetimes`` installed, kept out of the
project's venv, e.g. ``python -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes``) the
same BG/NBD and Gamma-Gamma fits run there too, and parameters and times are compared.

    .venv/bin/python bench/clv_fit.py --lifetimes-python /tmp/lt_venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from cortesia.batch.clv_frames import read_subscribers, read_transactions, rfm_summary
from cortesia.models.clv import (
    bgnbd_log_likelihood,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_sbg,
    fit_sbg_cohort,
    gamma_gamma_log_likelihood,
)

DATA = Path(__file__).resolve().parents[2] / "shared/data"
CDNOW = DATA / "cdnow"
SUMMARY = CDNOW / "cdnow_customers_summary_with_transactions.csv"
TELCO = DATA / "telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]

LIFETIMES_SCRIPT = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
began = time.perf_counter()
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
imported = time.perf_counter() - began
d = pd.read_csv(sys.argv[1])
repeat = int(sys.argv[2])
def best(work):
    work()
    took = []
    for _ in range(repeat):
        t = time.perf_counter(); fitted = work(); took.append(time.perf_counter() - t)
    return fitted, min(took)
bg, bg_s = best(lambda: BetaGeoFitter(penalizer_coef=0.0).fit(d["x"], d["t_x"], d["T"]))
buyers = d[d["x"] > 0]
gg, gg_s = best(lambda: GammaGammaFitter(penalizer_coef=0.0).fit(buyers["x"], buyers["zbar"]))
print(json.dumps({"import_s": imported, "bgnbd_s": bg_s, "gamma_gamma_s": gg_s,
                  "bgnbd": [float(bg.params_[k]) for k in ("r", "alpha", "a", "b")],
                  "gamma_gamma": [float(gg.params_[k]) for k in ("p", "q", "v")]}))
"""


def best_of(work: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    """The result of ``work`` and its best time over ``repeat`` runs, after one warm-up."""
    result = work()
    took = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        took.append(time.perf_counter() - began)
    return result, min(took)


def ours(repeat: int) -> dict[str, Any]:
    summary = pl.read_csv(SUMMARY)
    x, t_x, t_obs, zbar = (summary[c].to_numpy() for c in ("x", "t_x", "T", "zbar"))
    subscribers = read_subscribers(
        TELCO, customer_col="customerID", churned_col="Churn", margin_col="MonthlyCharges"
    )
    tenure, churned = subscribers["tenure"].to_numpy(), subscribers["churned"].to_numpy()
    log = read_transactions(
        CDNOW / "CDNOW_master.txt",
        separator="whitespace",
        amount_col="dollar_value",
        date_format="%Y%m%d",
    )
    figures: dict[str, Any] = {}
    _, figures["sbg_cohort_s"] = best_of(lambda: fit_sbg_cohort(REGULAR), repeat)
    telco, figures["sbg_telco_s"] = best_of(lambda: fit_sbg(tenure, churned), repeat)
    _, figures["rfm_master_s"] = best_of(
        lambda: rfm_summary(log, observation_end=date(1997, 9, 30)), repeat
    )
    bg, figures["bgnbd_s"] = best_of(lambda: fit_bgnbd(x, t_x, t_obs), repeat)
    gg, figures["gamma_gamma_s"] = best_of(lambda: fit_gamma_gamma(x, zbar), repeat)
    clv, figures["clv_12m_s"] = best_of(
        lambda: customer_lifetime_value(
            bg, gg, (x, t_x, t_obs, zbar), horizon=12, discount_rate=0.01, period=52 / 12
        ),
        repeat,
    )
    figures["sbg_regular"] = [fit_sbg_cohort(REGULAR).alpha, fit_sbg_cohort(REGULAR).beta]
    figures["sbg_high_end"] = [fit_sbg_cohort(HIGH_END).alpha, fit_sbg_cohort(HIGH_END).beta]
    figures["sbg_telco"] = [telco.alpha, telco.beta]
    figures["bgnbd"] = [bg.r, bg.alpha, bg.a, bg.b, bg.log_likelihood]
    figures["gamma_gamma"] = [gg.p, gg.q, gg.gamma, gg.log_likelihood]
    figures["clv_12m_mean"] = float(np.mean(clv))
    return figures


def lifetimes(python: str, repeat: int) -> dict[str, Any]:
    run = subprocess.run(
        [python, "-c", LIFETIMES_SCRIPT, str(SUMMARY), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(run.stdout)
    summary = pl.read_csv(SUMMARY)
    x, t_x, t_obs, zbar = (summary[c].to_numpy() for c in ("x", "t_x", "T", "zbar"))
    figures["bgnbd"].append(bgnbd_log_likelihood(tuple(figures["bgnbd"]), x, t_x, t_obs))
    figures["gamma_gamma"].append(
        gamma_gamma_log_likelihood(tuple(figures["gamma_gamma"]), x, zbar)
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--lifetimes-python", help="a Python with lifetimes installed")
    args = parser.parse_args()
    mine = ours(args.repeat)
    print("ours (SciPy likelihoods, L-BFGS-B with analytic gradients)")
    for key, value in mine.items():
        shown = f"{value * 1000:.2f} ms" if key.endswith("_s") else np.round(value, 4).tolist()
        print(f"  {key:16} {shown}")
    if args.lifetimes_python:
        theirs = lifetimes(args.lifetimes_python, args.repeat)
        print("lifetimes 0.11.3 (LL computed with our likelihood at its parameters)")
        for key, value in theirs.items():
            shown = f"{value * 1000:.2f} ms" if key.endswith("_s") else np.round(value, 4).tolist()
            print(f"  {key:16} {shown}")
        for model in ("bgnbd", "gamma_gamma"):
            gap = np.max(np.abs(np.array(mine[model][:-1]) / np.array(theirs[model][:-1]) - 1))
            print(f"  {model}: largest relative parameter difference {gap:.1e}")


if __name__ == "__main__":
    main()
