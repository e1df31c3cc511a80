"""What only the SQL contact history has: its migration, lock keys, damaged rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from tests.integration.contact_workers import T0, at_most, draft
from tests.integration.ledger_drafts import drafts

from cortesia.adapters.sql.contact_rows import lock_key
from cortesia.adapters.sql.migrate import MIGRATIONS, upgrade
from cortesia.adapters.sql.store import SqlStore
from cortesia.adapters.sql.tables import contacts, metadata
from cortesia.errors import StoreError

DAY = timedelta(days=1)


def test_the_migrations_create_the_tables_the_code_declares(
    database_url: str,
) -> None:
    upgrade(database_url)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, metadata)
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("contacts")}
    finally:
        engine.dispose()
    assert differences == []
    assert indexes >= {
        "ix_contacts_customer_occurred",
        "ix_contacts_customer_outcome",
        "ix_contacts_reserved_expiry",
    }


def test_a_workspace_at_the_first_schema_upgrades_and_keeps_its_ledger(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
            connection.commit()
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="has schema 0001"):
        SqlStore(database_url)
    upgrade(database_url)
    store = SqlStore(database_url)
    try:
        store.append(drafts("kept", 3), T0)
        _, held = store.reserve(draft(), T0 - DAY, T0, at_most(1))
        assert held is not None and store.chain_head().count == 3
    finally:
        store.close()


def test_lock_keys_are_the_same_in_every_process_and_release() -> None:
    # Pinned values: a key that changed between versions would let old and new workers
    # of one deployment reserve for the same customer at once.
    assert lock_key("C1") == -2327538039872508834
    assert lock_key("customer-42") == 6049969296575798459


def test_a_damaged_contact_row_fails_the_check_closed(sql_store: SqlStore) -> None:
    _, held = sql_store.reserve(draft(), T0 - DAY, T0, at_most(5))
    assert held is not None
    with sql_store.engine.begin() as connection:
        connection.execute(sa.update(contacts).values(channel="carrier_pigeon"))
    with pytest.raises(StoreError, match="contact of customer 'C1' cannot be read"):
        sql_store.reserve(draft(minutes=1), T0 - DAY, T0, at_most(5))
    with pytest.raises(StoreError, match="cannot be read"):
        sql_store.contacts_of("C1", T0 - DAY, T0)
    with sql_store.engine.connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(contacts)).scalar()
    assert stored == 1  # the refused reservation wrote nothing


def test_driver_errors_become_store_errors_naming_the_operation(sql_store: SqlStore) -> None:
    with sql_store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE contacts")
    with pytest.raises(StoreError, match="could not reserve a contact"):
        sql_store.reserve(draft(), T0 - DAY, T0, at_most(5))
    with pytest.raises(StoreError, match="could not read contacts"):
        sql_store.contacts_of("C1", T0 - DAY, T0)
