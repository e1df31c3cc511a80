"""One contract for the customer-value port on every store."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.ledger_drafts import T0, draft

from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import Channel, ConsentKind
from cortesia.engine.ports import Store
from cortesia.engine.value_ports import CustomerValue


def _value(customer: str, residual: float, model: str = "sbg@1") -> CustomerValue:
    return CustomerValue(customer, residual, 12.5, 30.4375, model, T0)


def test_values_are_saved_replaced_and_read_back(store: Store) -> None:
    assert store.customer_value("C1") is None and store.count_customer_values() == 0
    assert store.save_customer_values([_value("C1", 100.0), _value("C2", 50.5)]) == 2
    assert store.customer_value("C1") == _value("C1", 100.0)
    store.save_customer_values([_value("C1", 80.0, "sbg@2")])
    assert store.customer_value("C1") == _value("C1", 80.0, "sbg@2")
    assert store.count_customer_values() == 2
    assert store.save_customer_values([]) == 0


def test_erasure_deletes_the_customers_value_only(store: Store) -> None:
    store.upsert_customers(
        [Customer("C1", "ES", "Europe/Madrid"), Customer("C2", "ES", "Europe/Madrid")]
    )
    store.save_customer_values([_value("C1", 100.0), _value("C2", 50.0)])
    erasure = draft("erase-C1", kind=ConsentKind.ERASURE, channel=Channel.ALL, purpose="all")
    store.erase_customer("C1", [], erasure, T0 + timedelta(hours=1))
    assert store.customer_value("C1") is None
    assert store.customer_value("C2") == _value("C2", 50.0)
