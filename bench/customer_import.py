"""Benchmark: import 1 million customers from CSV into an SQLite workspace, end to end.

The file is realistic: the attribute mix of the IBM Telco churn sample (its rows
sampled with replacement), ten countries with valid phone numbers in E.164 and in
national format, and e-mails with mixed case. It is written once to ``bench/out/``.

    .venv/bin/python bench/customer_import.py [--rows 1000000] [--store sqlite|memory]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
import polars as pl
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.engine.hub import Engine
from cortesia.engine.ports import Store

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TELCO = HERE.parent.parent / "shared/data/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
COUNTRIES = ["CO", "MX", "ES", "US", "AR", "PE", "CL", "BR", "GB", "AU"]
LANGUAGES = {"US": "en-US", "GB": "en-GB", "AU": "en-AU", "BR": "pt-BR"}
US_STATES = ["US-FL", "US-TX", "US-NY", "US-CA", "US-IL", ""]
DOMAINS = ["gmail.com", "Hotmail.com", "yahoo.com", "outlook.com", "telefonica.net", "claro.com.co"]
POOL = 5_000


def phone_pool(region: str, rng: random.Random) -> list[str]:
    """Valid numbers of ``region``: example numbers with their last digits varied."""
    pool: list[str] = []
    examples = [
        phonenumbers.example_number_for_type(region, kind)
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
    ]
    while len(pool) < POOL:
        example = rng.choice([e for e in examples if e is not None])
        digits = str(example.national_number)
        varied = digits[:-5] + f"{rng.randrange(100_000):05d}"
        number = phonenumbers.parse(f"+{example.country_code}{varied}")
        if not phonenumbers.is_valid_number(number):
            continue
        style = PhoneNumberFormat.E164 if rng.random() < 0.7 else PhoneNumberFormat.NATIONAL
        pool.append(phonenumbers.format_number(number, style))
    return pool


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write the benchmark CSV (canonical header followed by the telco attributes)."""
    rng = random.Random(seed)
    telco = pl.read_csv(TELCO, infer_schema=False).drop("customerID")
    sample = telco.sample(n=rows, with_replacement=True, seed=seed)
    pools = {c: phone_pool(c, rng) for c in COUNTRIES}
    countries = [rng.choice(COUNTRIES) for _ in range(rows)]
    phones = [rng.choice(pools[c]) for c in countries]
    emails = [
        f"{rng.choice(['ana', 'Luis', 'maria', 'John', 'sofia'])}.{i}@{rng.choice(DOMAINS)}"
        for i in range(rows)
    ]
    frame = pl.DataFrame(
        {
            "customer_id": [f"C{i:08d}" for i in range(rows)],
            "country": countries,
            "subdivision": [rng.choice(US_STATES) if c == "US" else "" for c in countries],
            "time_zone": [""] * rows,
            "language": [LANGUAGES.get(c, "es") for c in countries],
            "phone": phones,
            "email": emails,
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.concat([frame, sample], how="horizontal").write_csv(path)


def open_store(kind: str) -> Store:
    if kind == "memory":
        return MemoryStore()
    from cortesia.adapters.sql.migrate import upgrade
    from cortesia.adapters.sql.store import SqlStore

    database = OUT / "customers.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    upgrade(url)
    return SqlStore(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--store", choices=["sqlite", "memory"], default="sqlite")
    args = parser.parse_args()
    path = OUT / f"customers_{args.rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    store = open_store(args.store)
    engine = Engine(store, FrozenClock(datetime(2026, 3, 2, tzinfo=UTC)))
    marks: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        if done >= total // 2 and "checked" not in marks:
            marks["checked"] = time.perf_counter()

    load = os.getloadavg()[0]
    started = time.perf_counter()
    report = engine.customers.import_file(path, progress=progress)
    elapsed = time.perf_counter() - started
    checked = marks.get("checked", started) - started
    print(
        f"{report.rows:,} rows ({report.created:,} created) into {args.store} in {elapsed:.1f} s "
        f"(read+validate {checked:.1f} s, write {elapsed - checked:.1f} s): "
        f"{report.rows / elapsed:,.0f} customers/s; load average before: {load:.2f}"
    )
    engine.close()


if __name__ == "__main__":
    main()
