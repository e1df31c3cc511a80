"""Transaction logs into RFM summaries, and subscriber files, as the CLV models read them.

The CDNOW sample's 39-week summary (``cdnow_customers_summary_with_transactions.csv``, the
one Fader, Hardie & Lee fit) is rebuilt from the raw sample log and must match it row by
row, to the two decimals it is written with.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from cortesia.batch.clv_frames import read_subscribers, read_transactions, rfm_summary
from cortesia.errors import BatchValidationError, ValidationError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared/data"
CDNOW = DATA / "cdnow"
TELCO = DATA / "telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
MASTER_SHA256 = "eff6889ed364c519"  # shared/data/README.md
CALIBRATION_END = date(1997, 9, 30)
SAMPLE_COLUMNS = ["customer_id", "sample_id", "date", "cds", "amount"]
ROUNDING = 0.0051  # the published summary has two decimals

needs_shared_data = pytest.mark.skipif(
    not DATA.exists() and not os.environ.get("CI"),
    reason="shared/data is not present (in CI its absence fails the test)",
)


@needs_shared_data
def test_the_sample_log_rebuilds_the_published_summary_row_by_row() -> None:
    log = read_transactions(
        CDNOW / "CDNOW_sample.txt",
        separator="whitespace",
        column_names=SAMPLE_COLUMNS,
        customer_col="sample_id",
        date_format="%Y%m%d",
    )
    assert log.height == 6919
    built = rfm_summary(log, observation_end=CALIBRATION_END, unit="weeks")
    published = pl.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    assert built.height == published.height == 2357
    both = built.with_columns(pl.col("customer").cast(pl.Int64).alias("ID")).join(
        published, on="ID", suffix="_published"
    )
    assert both.height == 2357
    assert (both["x"] == both["x_published"]).all()
    for ours, theirs in (("t_x", "t_x_published"), ("T", "T_published"), ("monetary", "zbar")):
        assert (both[ours] - both[theirs]).abs().max() <= ROUNDING, ours  # type: ignore[operator]


@needs_shared_data
def test_the_master_log_holds_every_customer_of_the_cohort() -> None:
    path = CDNOW / "CDNOW_master.txt"
    assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == MASTER_SHA256
    log = read_transactions(
        path, separator="whitespace", amount_col="dollar_value", date_format="%Y%m%d"
    )
    assert log.height == 69_659 and log["customer"].n_unique() == 23_570
    summary = rfm_summary(log, observation_end=CALIBRATION_END)
    # The cohort first bought in the first quarter of 1997: 26 to 39 weeks of history each.
    assert summary.height == 23_570
    assert summary["T"].min() >= 26 and summary["T"].max() <= 39  # type: ignore[operator]
    second = summary.filter(pl.col("customer") == "00002").row(0, named=True)
    assert second["x"] == 0  # its two rows of 1997-01-12 are one purchase


@needs_shared_data
def test_the_telco_file_reads_as_subscribers() -> None:
    subscribers = read_subscribers(
        TELCO, customer_col="customerID", churned_col="Churn", margin_col="MonthlyCharges"
    )
    assert subscribers.columns == ["customer", "tenure", "churned", "margin"]
    assert subscribers.height == 7043 and subscribers["churned"].sum() == 1869
    assert subscribers["margin"].mean() == pytest.approx(64.76, abs=0.005)


def test_a_small_log_gives_counts_times_and_the_mean_of_repeat_purchases(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "client;day;value\n"
        "a;2024-01-01;10\n"
        "a;2024-01-01;5\n"  # same day: one purchase worth 15
        "a;2024-01-08;20\n"
        "a;2024-01-15;40\n"
        "a;2024-02-20;99\n"  # after the end: ignored
        "b;2024-01-10;7\n"
    )
    log = read_transactions(
        path, customer_col="client", date_col="day", amount_col="value", separator=";"
    )
    summary = rfm_summary(log, observation_end=date(2024, 1, 31), unit="days")
    assert summary.rows() == [("a", 2, 14.0, 30.0, 30.0), ("b", 0, 0.0, 21.0, 0.0)]
    weeks = rfm_summary(log.lazy(), observation_end=date(2024, 1, 31))
    assert weeks["t_x"].to_list() == [2.0, 0.0]


def test_bad_cells_are_refused_with_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "customer_id,date,amount\na,2024-01-01,10\na,2024-13-01,5\n,2024-01-02,1\nb,2024-01-03,-4\n"
    )
    with pytest.raises(BatchValidationError) as raised:
        read_transactions(path)
    found = [(p.row, p.field) for p in raised.value.problems]
    assert found == [(3, "date"), (4, "customer_id"), (5, "amount")]


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,value\na,2024-01-01,10\n")
    with pytest.raises(ValidationError) as raised:
        read_transactions(path)
    assert raised.value.problem.field == "amount"
    assert "value" in raised.value.problem.reason


def test_a_ragged_aligned_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text(" id  date amount\n 1 20240101  3.5\n 2 20240102\n")
    with pytest.raises(ValidationError, match="line 2"):
        read_transactions(path, separator="whitespace", customer_col="id", date_format="%Y%m%d")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,amount\n")
    with pytest.raises(ValidationError, match="no rows"):
        read_transactions(path)


def test_the_observation_end_is_a_date_and_the_unit_known() -> None:
    log = pl.DataFrame(
        {"customer": ["a"], "date": [date(2024, 1, 1)], "amount": [1.0]},
    )
    with pytest.raises(ValidationError, match="observation_end"):
        rfm_summary(log, observation_end=datetime(2024, 2, 1))
    with pytest.raises(ValidationError, match="unit"):
        rfm_summary(log, observation_end=date(2024, 2, 1), unit="months")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="amount"):
        rfm_summary(
            log.with_columns(pl.col("amount").cast(pl.String)), observation_end=date(2024, 2, 1)
        )


def test_subscriber_flags_are_read_in_their_usual_spellings(tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text("customer_id,tenure,churned\na,3,Yes\nb,4,no\nc,1,TRUE\nd,0,0\ne,2, y \n")
    subscribers = read_subscribers(path, margin_col=None)
    assert subscribers.columns == ["customer", "tenure", "churned"]
    assert subscribers["churned"].to_list() == [True, False, True, False, True]


def test_bad_subscriber_rows_are_refused_with_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(
        "customer_id,tenure,churned,margin\n"
        "a,3,yes,10\n"
        "b,-1,no,10\n"
        "c,2,maybe,10\n"
        "d,0,yes,10\n"  # left before completing a period
        "a,5,no,10\n"  # a customer twice
        "e,5,no,ten\n"
    )
    with pytest.raises(BatchValidationError) as raised:
        read_subscribers(path)
    found = [(p.row, p.field) for p in raised.value.problems]
    assert found == [
        (3, "tenure"),
        (4, "churned"),
        (5, "tenure"),
        (6, "customer_id"),
        (7, "margin"),
    ]
