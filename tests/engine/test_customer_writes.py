"""Writing customers: attribute names first seen in them go in with them or not at all, the
row text is the JSON the standard encoder writes, and rows edited by hand into something
else are named when read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.adapters.sql.codec import customer_row
from cortesia.adapters.sql.migrate import upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.customers import AttributeType, AttributeValue, Customer
from cortesia.engine.hub import Engine
from cortesia.errors import BatchValidationError, StoreError

# Refuses the customer "bad" at the database, after the rows before it went in.
REFUSE = {
    "sqlite": "CREATE TRIGGER refuse_bad BEFORE INSERT ON customers WHEN NEW.customer_id = 'bad' "
    "BEGIN SELECT RAISE(ABORT, 'customer refused'); END",
    "postgresql": "ALTER TABLE customers ADD CONSTRAINT refuse_bad CHECK (customer_id <> 'bad')",
}


@pytest.fixture
def sql_engine(database_url: str, clock: FrozenClock) -> Iterator[Engine]:
    upgrade(database_url)
    engine = Engine(SqlStore(database_url), clock)
    yield engine
    engine.close()


def _customer(customer_id: str, **attributes: AttributeValue) -> Customer:
    return Customer(customer_id, "ES", "Europe/Madrid", attributes=attributes)


def test_new_attribute_types_are_recorded_with_the_customers_in_memory() -> None:
    store = MemoryStore()
    store.register_attribute_types({"plan": AttributeType.STRING})
    counts = store.upsert_customers(
        [_customer("a", plan="gold", since="2024-01-31")],
        {"plan": AttributeType.NUMBER, "since": AttributeType.DATE},
    )
    assert (counts.created, counts.updated) == (1, 0)
    assert store.attribute_types() == {"plan": AttributeType.STRING, "since": AttributeType.DATE}


def test_new_attribute_types_are_recorded_with_the_customers_in_sql(sql_engine: Engine) -> None:
    store = sql_engine.store
    store.register_attribute_types({"plan": AttributeType.STRING})
    store.upsert_customers(
        [_customer("a", plan="gold", since="2024-01-31")],
        {"plan": AttributeType.NUMBER, "since": AttributeType.DATE},
    )
    assert store.attribute_types() == {"plan": AttributeType.STRING, "since": AttributeType.DATE}
    assert store.get_customer("a") == _customer("a", plan="gold", since=date(2024, 1, 31))


def test_types_alone_can_be_recorded_through_an_empty_upsert(sql_engine: Engine) -> None:
    counts = sql_engine.store.upsert_customers([], {"vip": AttributeType.BOOL})
    assert (counts.created, counts.updated) == (0, 0)
    assert sql_engine.store.attribute_types() == {"vip": AttributeType.BOOL}


def test_a_failing_write_leaves_neither_customers_nor_new_types(sql_engine: Engine) -> None:
    service = sql_engine.customers
    service.upsert([{"customer_id": "kept", "country": "ES", "attributes": {"tier": "a"}}])
    store = sql_engine.store
    assert isinstance(store, SqlStore)
    with store.engine.begin() as connection:
        connection.execute(sa.text(REFUSE[store.engine.dialect.name]))
    with pytest.raises(StoreError, match="could not store customers"):
        service.upsert(
            [
                {"customer_id": "first", "country": "ES", "attributes": {"plan": "gold"}},
                {"customer_id": "bad", "country": "CO", "attributes": {"vip": True, "tier": "b"}},
            ]
        )
    assert [c.customer_id for c in service.list()] == ["kept"]
    assert store.attribute_types() == {"tier": AttributeType.STRING}


def test_nul_in_any_text_is_refused_before_the_database_sees_it(sql_engine: Engine) -> None:
    rows = [
        {"customer_id": "C\x001", "country": "ES"},
        {"customer_id": "p", "country": "ES", "push_id": "fcm:\x00"},
        {"customer_id": "a", "country": "ES", "attributes": {"note": "x\x00"}},
    ]
    with pytest.raises(BatchValidationError) as caught:
        sql_engine.customers.upsert(rows)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (0, "customer_id"),
        (1, "push_id"),
        (2, "attributes.note"),
    ]
    assert sql_engine.store.count_customers() == 0


@pytest.mark.parametrize(
    ("column", "text", "reason"),
    [
        ("attributes", "{oops", "column attributes is not valid JSON"),
        ("attributes", "[1]", "column attributes is not a JSON object"),
        (
            "attributes",
            '{"since": "soon"}',
            "column attributes holds 'since'='soon', which is not a date",
        ),
        ("phones", '"+34600000000"', "column phones is not a JSON list of texts"),
        ("emails", "[1, 2]", "column emails is not a JSON list of texts"),
        ("time_zone_candidates", "", "column time_zone_candidates is not valid JSON"),
    ],
)
def test_a_json_column_edited_by_hand_is_a_store_error_naming_customer_and_column(
    sql_engine: Engine, column: str, text: str, reason: str
) -> None:
    store = sql_engine.store
    assert isinstance(store, SqlStore)
    store.register_attribute_types({"since": AttributeType.DATE})
    sql_engine.customers.upsert(
        [
            {"customer_id": "C1", "country": "ES", "attributes": {"since": "2024-01-31"}},
        ]
    )
    with store.engine.begin() as connection:
        connection.execute(sa.text(f"UPDATE customers SET {column} = :text"), {"text": text})
    for read in (lambda: sql_engine.customers.get("C1"), lambda: sql_engine.customers.list()):
        with pytest.raises(StoreError) as caught:
            read()
        assert str(caught.value).startswith(f"customer 'C1' cannot be read: {reason}")


TEXTS = st.lists(st.text(max_size=12), max_size=3).map(tuple)
VALUES = st.one_of(
    st.text(max_size=12),
    st.booleans(),
    st.dates(),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS, st.dictionaries(st.text(max_size=8), VALUES, max_size=6))
def test_a_customer_row_holds_the_json_the_standard_encoder_writes(
    phones: tuple[str, ...], emails: tuple[str, ...], attributes: dict[str, AttributeValue]
) -> None:
    customer = Customer(
        "c", "ES", "Europe/Madrid", None, ("Europe/Madrid",), None, phones, emails, (), attributes
    )
    plain = {k: v.isoformat() if isinstance(v, date) else v for k, v in attributes.items()}
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    assert customer_row(customer) == (
        "c",
        "ES",
        None,
        "Europe/Madrid",
        '["Europe/Madrid"]',
        None,
        dumps(list(phones)),
        dumps(list(emails)),
        "[]",
        dumps(plain),
    )
