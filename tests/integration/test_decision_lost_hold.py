"""A hold undone by a power loss (it commits without waiting for the disk) comes back when
the channel reports the contact was made."""

from __future__ import annotations

import sqlalchemy as sa
from tests.engine.decision_support import NOW, action, catalog_doc, reachable
from tests.engine.policy_support import FakeRegistries

from cortesia.adapters.memory import FrozenClock
from cortesia.adapters.sql.store import SqlStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine


def test_a_delivered_report_records_the_contact_of_a_lost_hold(sql_store: SqlStore) -> None:
    registries = FakeRegistries()
    registries.snapshot("co-rne", NOW.date())
    engine = Engine(sql_store, FrozenClock(NOW), registries=registries)
    engine.catalog.load_document(catalog_doc(action("pack")), source="test")
    reachable(engine, "ana")
    decision = engine.decisions.decide(DecisionRequest("ana", Channel.SMS))
    contact_id = decision.actions[0].contact_id or ""
    with sql_store.engine.begin() as connection:  # the hold never reached the disk
        connection.execute(sa.text("DELETE FROM contacts WHERE contact_id = :c"), {"c": contact_id})
    assert engine.store.find_contact(contact_id) is None
    receipt = engine.outcomes.record(decision.decision_id, "pack", "delivered")
    assert receipt.contact_status == "sent"
    again = engine.store.find_contact(contact_id)
    assert again is not None and again.action_id == "pack" and again.occurred_at == NOW
    failed = engine.outcomes.record(decision.decision_id, "pack", "failed", key="f")
    assert failed.contact_status == "sent"  # a contact already made is not released
