"""Importing customer files: whole or nothing, every bad row reported, any layout mapped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from cortesia.adapters.memory import FrozenClock
from cortesia.batch.customer_files import read_customer_file
from cortesia.batch.customer_mapping import CustomerMapping
from cortesia.domain.customers import AttributeType
from cortesia.engine.customer_import import normalise_table
from cortesia.engine.hub import Engine
from cortesia.errors import BatchValidationError

TELCO = (
    Path(__file__).resolve().parents[2].parent
    / "shared/data/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
)
HEADER = "customer_id,country,subdivision,time_zone,language,phone,email"


def write(tmp_path: Path, text: str, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_canonical_csv_is_imported_and_counted(tmp_path: Path, memory_engine: Engine) -> None:
    path = write(
        tmp_path,
        f"{HEADER},plan\n"
        "c1,US,FL,,en-US,+1 305 555 0123;+13055550124,Ana@Example.com,gold\n"
        "c2,AU,,,,,,\n",
    )
    seen: list[tuple[int, int]] = []
    report = memory_engine.customers.import_file(path, progress=lambda d, t: seen.append((d, t)))
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    assert seen[-1] == (4, 4)
    c1 = memory_engine.customers.get("c1")
    assert c1.phones == ("+13055550123", "+13055550124")
    assert c1.emails == ("Ana@example.com",)
    assert c1.attributes == {"plan": "gold"}
    assert memory_engine.customers.get("c2").time_zone == "Australia/Sydney"
    again = memory_engine.customers.import_file(path)
    assert (again.created, again.updated) == (0, 2)


def test_a_parquet_file_is_imported(tmp_path: Path, memory_engine: Engine) -> None:
    path = tmp_path / "customers.parquet"
    pl.DataFrame(
        {"customer_id": ["p1"], "country": ["BR"], "phone": ["11 96123-4567"], "tenure": [12]}
    ).write_parquet(path)
    memory_engine.customers.import_file(path)
    customer = memory_engine.customers.get("p1")
    assert customer.phones == ("+5511961234567",)
    assert customer.time_zone == "America/Sao_Paulo"
    assert customer.attributes == {"tenure": 12.0}


def test_a_file_in_another_layout_is_imported_with_a_mapping(
    tmp_path: Path, memory_engine: Engine
) -> None:
    path = write(tmp_path, "Cliente;Movil;Correo;Plan;Notas\n7;321 123 4567;X@Y.CO;pre;-\n")
    mapping = write(
        tmp_path,
        """
[columns]
Cliente = "customer_id"
Movil = "phone"
Correo = "email"
[defaults]
country = "CO"
language = "es"
[ignore]
columns = ["Notas"]
[options]
delimiter = ";"
""",
        "layout.toml",
    )
    memory_engine.customers.import_file(path, mapping=mapping)
    customer = memory_engine.customers.get("7")
    assert (customer.country, customer.language, customer.phones, customer.emails) == (
        "CO",
        "es",
        ("+573211234567",),
        ("X@y.co",),
    )
    assert customer.attributes == {"Plan": "pre"}


def test_a_file_with_bad_rows_is_rejected_whole_with_every_bad_row(
    tmp_path: Path, memory_engine: Engine
) -> None:
    memory_engine.store.register_attribute_types({"arpu": AttributeType.NUMBER})
    path = write(
        tmp_path,
        f"{HEADER},arpu\n"
        "ok,ES,,,,612345678,,1\n"
        "b1,XX,,,,,,2\n"
        "b2,US,ES-M,,,+1 555 000,bad@,3\n"
        "b3,CO,,Mars/Base,,,,lots\n"
        "ok,ES,,,,,,4\n",
    )
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.import_file(path)
    found = [(p.row, p.field, p.value) for p in caught.value.problems]
    assert found == [
        (3, "country", "XX"),
        (4, "subdivision", "ES-M"),
        (4, "phone", "+1 555 000"),
        (4, "email", "bad@"),
        (5, "arpu", "lots"),
        (5, "time_zone", "Mars/Base"),
        (6, "customer_id", "ok"),
    ]
    assert "customers.csv rejected: 7 bad row(s)" in str(caught.value)
    assert memory_engine.store.count_customers() == 0


def test_a_clash_with_the_registered_attribute_type_rejects_the_file(
    tmp_path: Path, memory_engine: Engine
) -> None:
    memory_engine.customers.upsert(
        [{"customer_id": "a", "country": "ES", "attributes": {"vip": True}}]
    )
    path = write(tmp_path, "customer_id,country,vip\nb,ES,maybe\n")
    with pytest.raises(BatchValidationError, match="holds bool values"):
        memory_engine.customers.import_file(path)


def test_an_erased_phone_is_suppressed_when_the_file_brings_it_back(
    tmp_path: Path, memory_engine: Engine
) -> None:
    path = write(tmp_path, f"{HEADER}\nz1,GB,,,,07400 123456,\n")
    assert memory_engine.customers.import_file(path).suppressed == 0
    memory_engine.erase("z1")
    report = memory_engine.customers.import_file(path)
    assert (report.created, report.suppressed) == (1, 1)
    assert memory_engine.customers.suppressed_points(memory_engine.customers.get("z1")) == [
        "+447400123456"
    ]


def test_the_report_counts_customers_with_a_suppressed_point_once_each(
    tmp_path: Path, memory_engine: Engine
) -> None:
    memory_engine.customers.upsert(
        [{"customer_id": "gone", "country": "ES", "phone": "612345678", "email": "Gone@x.es"}]
    )
    memory_engine.erase("gone")
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "s1,ES,,,,612345678,gone@X.es\n"  # both points suppressed: counted once
        "s2,ES,,,,,GONE@x.es\n"  # the same address, in other case
        "s3,ES,,,,612345679,other@x.es\n",
    )
    report = memory_engine.customers.import_file(path)
    assert (report.rows, report.created, report.updated, report.suppressed) == (3, 3, 0, 2)


def test_control_characters_in_a_file_are_row_problems(
    tmp_path: Path, memory_engine: Engine
) -> None:
    path = write(
        tmp_path,
        f"{HEADER},push_id\n"
        "c\x001,ES,,,,,,\n"
        "c2,ES,,,es\t,,,\n"  # a tab at an end is trimmed like a space
        "c3,ES,,,,,,a\x1fb\n",
    )
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.import_file(path)
    found = [(p.row, p.field, p.reason) for p in caught.value.problems]
    assert found == [
        (2, "customer_id", "contains the control character U+0000; remove it"),
        (4, "push_id", "contains the control character U+001F; remove it"),
    ]


def telco_file(tmp_path: Path, rows: int) -> Path:
    sample = pl.read_csv(TELCO, infer_schema=False).head(rows)
    countries = ["CO", "MX", "ES", "US"]
    phones = ["+573211234567", "+522221234567", "+34612345678", "+12015550123"]
    frame = sample.rename({"customerID": "customer_id"}).with_columns(
        country=pl.Series([countries[i % 4] for i in range(rows)]),
        phone=pl.Series([phones[i % 4] for i in range(rows)]),
    )
    path = tmp_path / "telco.csv"
    frame.write_csv(path)
    return path


def test_the_telco_sample_is_imported_with_inferred_types(
    tmp_path: Path, memory_engine: Engine
) -> None:
    report = memory_engine.customers.import_file(telco_file(tmp_path, 300))
    assert report.created == 300
    types = memory_engine.store.attribute_types()
    assert types["tenure"] is AttributeType.NUMBER
    assert types["TotalCharges"] is AttributeType.NUMBER  # blank cells are empty, not text
    assert types["Contract"] is AttributeType.STRING
    assert memory_engine.customers.get("7590-VHVEG").attributes["MonthlyCharges"] == 29.85


def test_several_processes_give_what_one_gives(tmp_path: Path) -> None:
    table = read_customer_file(telco_file(tmp_path, 120), CustomerMapping(), {})
    one = normalise_table(table, workers=1)
    two = normalise_table(table, workers=2)
    assert one == two
    assert len(one[0]) == 120


def test_a_file_is_imported_into_sqlite(
    tmp_path: Path, sqlite_url: str, clock: FrozenClock
) -> None:
    from cortesia.adapters.sql.migrate import upgrade
    from cortesia.adapters.sql.store import SqlStore

    upgrade(sqlite_url)
    engine = Engine(SqlStore(sqlite_url), clock)
    try:
        report = engine.customers.import_file(telco_file(tmp_path, 50))
        assert report.created == 50
        assert engine.customers.get("7590-VHVEG").attributes["tenure"] == 1.0
        assert engine.store.attribute_types()["Partner"] is AttributeType.STRING
    finally:
        engine.close()


@pytest.mark.postgres
def test_a_file_is_imported_into_postgresql(
    tmp_path: Path, postgres_url: str, clock: FrozenClock
) -> None:
    from cortesia.adapters.sql.migrate import upgrade
    from cortesia.adapters.sql.store import SqlStore

    upgrade(postgres_url)
    engine = Engine(SqlStore(postgres_url), clock)
    path = write(
        tmp_path,
        f"{HEADER},plan,arpu,vip,signup\n"
        "c1,US,FL,,en-US,+1 305 555 0123,Ana@Example.com,gold,12.5,true,2024-01-31\n"
        "c2,CO,,,es,321 123 4567,,pre,,false,\n",
    )
    try:
        report = engine.customers.import_file(path)
        assert (report.rows, report.created, report.updated) == (2, 2, 0)
        c1 = engine.customers.get("c1")
        assert (c1.subdivision, c1.time_zone, c1.phones, c1.emails) == (
            "US-FL",
            "America/New_York",
            ("+13055550123",),
            ("Ana@example.com",),
        )
        assert c1.attributes == {
            "plan": "gold",
            "arpu": 12.5,
            "vip": True,
            "signup": date(2024, 1, 31),
        }
        assert engine.customers.get("c2").attributes == {"plan": "pre", "vip": False}
        assert engine.store.attribute_types() == {
            "plan": AttributeType.STRING,
            "arpu": AttributeType.NUMBER,
            "vip": AttributeType.BOOL,
            "signup": AttributeType.DATE,
        }
        again = engine.customers.import_file(path)
        assert (again.created, again.updated) == (0, 2)
        assert engine.store.count_customers() == 2
    finally:
        engine.close()


def test_a_canary_customer_gets_the_canary_zone_from_the_subdivision(
    tmp_path: Path, memory_engine: Engine
) -> None:
    path = write(tmp_path, f"{HEADER}\nC002,ES,ES-CN,,es,+34 612 345 678,\n")
    memory_engine.customers.import_file(path)
    customer = memory_engine.customers.get("C002")
    assert customer.time_zone == "Atlantic/Canary"
    assert "Europe/Madrid" in customer.time_zone_candidates


def test_an_empty_or_too_long_id_is_a_row_problem_shown_plainly(
    tmp_path: Path, memory_engine: Engine
) -> None:
    path = write(tmp_path, f"{HEADER}\n{'a' * 128},ES,,,,,\n,ES,,,,,\n{'b' * 129},ES,,,,,\n")
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.import_file(path)
    shown = [p.describe() for p in caught.value.problems]
    assert shown[0] == "row 3, customer_id=(empty): is required: text of 1 to 128 characters"
    assert shown[1].startswith("row 4, customer_id='bbbb")
    assert shown[1].endswith(": is 129 characters long; at most 128")
    assert "None" not in str(caught.value)
