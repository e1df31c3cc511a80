"""``SqlStore``: every port of the engine on SQLite or PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa

from cortesia.adapters.sql.catalogs import SqlCatalogs
from cortesia.adapters.sql.checkpoints import Checkpointer
from cortesia.adapters.sql.codec import key_from_row, key_row, to_micros
from cortesia.adapters.sql.connection import (
    create,
    driver,
    guarded,
    raw_cursor,
    release_gate,
    sqlite_file,
    write_turn,
    writing,
)
from cortesia.adapters.sql.contacts import SqlContacts
from cortesia.adapters.sql.counters import SqlCounters
from cortesia.adapters.sql.customers import SqlCustomers, insert_ignoring
from cortesia.adapters.sql.decisions import SqlDecisions, forget_customer_in
from cortesia.adapters.sql.learning import SqlLearning, forget_learning_in
from cortesia.adapters.sql.ledger import SqlLedger
from cortesia.adapters.sql.snapshots import SqlSnapshots
from cortesia.adapters.sql.statements import LOOKUP_CHUNK, Statements
from cortesia.adapters.sql.tables import (
    SCHEMA_REVISION,
    api_keys,
    consent_events,
    contacts,
    customers,
    secrets,
    suppression,
)
from cortesia.adapters.sql.values import SqlValues, forget_value_in
from cortesia.domain.access import ApiKeyRecord
from cortesia.domain.chain_check import UnreadableEvent
from cortesia.domain.consent import AppendResult, ConsentEvent, NewConsentEvent
from cortesia.domain.contacts import Contact, Judge, Outcome
from cortesia.domain.customers import AttributeType, Customer, UpsertCounts
from cortesia.domain.ledger import ChainHead
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import (
    CatalogVersion,
    DecisionRecord,
    LearningEvent,
    ModelSnapshot,
    OutcomeEvent,
    ResponseCount,
    VolumeClaim,
)
from cortesia.engine.ports import ErasureReceipt
from cortesia.engine.value_ports import CustomerValue
from cortesia.errors import NotFoundError, StoreError

_DECODED_KEYS = 1024  # API keys whose decoded record is kept (a workspace has a few)


class _KeyRow(NamedTuple):
    """An ``api_keys`` row read by a raw cursor, with the names ``key_from_row`` reads."""

    key_id: str
    secret_hash: str
    scopes: str
    name: str
    created_at: int
    revoked_at: int | None


_INIT_HINT = "run `cortesia init` to create or upgrade it"


def _check_schema(engine: sa.Engine, url: str) -> None:
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            revision = found.scalar()
    except sa.exc.OperationalError as error:
        if "alembic_version" not in str(error):
            reason = str(error.orig).strip().splitlines()[0]
            raise StoreError(f"cannot open the workspace database {shown}: {reason}") from None
        revision = None
    except sa.exc.ProgrammingError:  # PostgreSQL: the table does not exist
        revision = None
    if revision is None:
        raise StoreError(f"the workspace database {shown} is not initialised; {_INIT_HINT}")
    if revision != SCHEMA_REVISION:
        raise StoreError(
            f"the workspace database {shown} has schema {revision}, this version needs "
            f"{SCHEMA_REVISION}; {_INIT_HINT}"
        )


class SqlStore:
    """Every port of one workspace database: ledger, customers, suppression list, keys,
    secrets, contact history, catalog versions, decisions, outcomes, counters, the
    learning log and model snapshots."""

    def __init__(self, url: str, *, serving: bool = False, memory_map: bool = True) -> None:
        """``serving``: a long-running service; SQLite's WAL checkpoints then run in a
        background thread instead of inside a request's commit. ``memory_map``: SQLite
        reads its file through a memory map (off where several processes write it)."""
        path = sqlite_file(url)
        if path is not None and not path.exists():
            raise StoreError(f"no workspace database at {path}; {_INIT_HINT}")
        self._engine = create(
            url, background_checkpoints=serving and path is not None, memory_map=memory_map
        )
        self._checkpointer = (
            Checkpointer(path, turn=lambda: write_turn(self._engine))
            if serving and path is not None
            else None
        )
        try:
            _check_schema(self._engine, url)
        except BaseException:
            self._engine.dispose()
            release_gate(self._engine)
            raise
        statements = Statements.build(self._engine)
        self._statements = statements
        self._decoded_keys: dict[tuple[object, ...], ApiKeyRecord] = {}
        self._ledger = SqlLedger(self._engine, statements)
        self._customers = SqlCustomers(self._engine, statements)
        self._contacts = SqlContacts(self._engine)
        self._catalogs = SqlCatalogs(self._engine)
        self._decisions = SqlDecisions(self._engine)
        self._counters = SqlCounters(self._engine)
        self._learning = SqlLearning(self._engine)
        self._snapshots = SqlSnapshots(self._engine)
        self._values = SqlValues(self._engine)
        self._secrets: dict[str, bytes] = {}
        if self._checkpointer is not None:
            self._checkpointer.start()

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine (for tools and tests that read the tables)."""
        return self._engine

    # -- ledger -------------------------------------------------------------
    def append(
        self, events: Sequence[NewConsentEvent], recorded_at: datetime
    ) -> list[AppendResult]:
        if not events:
            return []
        with guarded(self._engine, "append consent events"):
            return self._ledger.append(events, recorded_at)

    def events_of(self, customer_id: str, until: datetime | None = None) -> list[ConsentEvent]:
        return self._ledger.events_of(customer_id, until)

    def iter_events(self) -> Iterator[ConsentEvent | UnreadableEvent]:
        return self._ledger.iter_events()

    def chain_head(self) -> ChainHead:
        return self._ledger.chain_head()

    # -- customers ----------------------------------------------------------
    def upsert_customers(
        self,
        customers: Sequence[Customer],
        new_types: Mapping[str, AttributeType] | None = None,
    ) -> UpsertCounts:
        return self._customers.upsert(customers, new_types or {})

    def get_customer(self, customer_id: str) -> Customer | None:
        return self._customers.get(customer_id)

    def list_customers(self, limit: int, after: str | None = None) -> list[Customer]:
        return self._customers.page(limit, after)

    def count_customers(self) -> int:
        return self._customers.count()

    def attribute_types(self) -> dict[str, AttributeType]:
        return self._customers.types()

    def register_attribute_types(self, types: Mapping[str, AttributeType]) -> None:
        self._customers.register_types(types)

    # -- suppression and erasure -------------------------------------------
    def suppressed(self, digests: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(digests))
        column = suppression.c.digest
        with guarded(self._engine, "read the suppression list"), self._engine.connect() as conn:
            size = conn.execute(sa.select(sa.func.count()).select_from(suppression)).scalar_one()
            if size == 0 or not wanted:
                return set()
            if size <= len(wanted):
                # Fewer suppressed than asked about (a bulk import): read the list once.
                return set(wanted).intersection(conn.execute(sa.select(column)).scalars())
            found: set[str] = set()
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK]
                found.update(conn.execute(sa.select(column).where(column.in_(chunk))).scalars())
        return found

    def suppression_size(self) -> int:
        # Asked on every contact check: whether the list is empty is what callers need
        # fast; its size only when it is not.
        with raw_cursor(self._engine, "read the suppression list") as cursor:
            cursor.execute(self._statements.any_suppressed)
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT count(*) FROM suppression")
            return int(cursor.fetchone()[0])

    def erase_customer(
        self,
        customer_id: str,
        digests: Sequence[str],
        erasure: NewConsentEvent,
        recorded_at: datetime,
    ) -> ErasureReceipt:
        with guarded(self._engine, "erase a customer"), writing(self._engine) as connection:
            # The chain head is locked first, as every append does, so writers never deadlock.
            self._ledger.head_locked(driver(connection).cursor())
            gone = connection.execute(
                sa.delete(customers).where(customers.c.customer_id == customer_id)
            ).rowcount
            if not gone:
                raise NotFoundError("customer", customer_id)
            blanked = connection.execute(
                sa.update(consent_events)
                .where(consent_events.c.customer_id == customer_id, ~consent_events.c.erased)
                .values(evidence="{}", actor=None, erased=True)
            ).rowcount
            unique = sorted(set(digests))
            if unique:
                added = to_micros(recorded_at)
                connection.execute(
                    insert_ignoring(self._engine, suppression),
                    [{"digest": d, "added_at": added} for d in unique],
                )
            forgotten = connection.execute(
                sa.delete(contacts).where(contacts.c.customer_id == customer_id)
            ).rowcount
            decided = forget_customer_in(connection, customer_id)
            learned = forget_learning_in(connection, customer_id)
            forget_value_in(connection, customer_id)
            result = self._ledger.append_in(connection, [erasure], recorded_at)[0]
        return ErasureReceipt(
            customer_id, blanked, len(unique), result.event.event_id, forgotten, decided, learned
        )

    # -- keys and secrets ---------------------------------------------------
    def add_key(self, key: ApiKeyRecord) -> None:
        with guarded(self._engine, "store an API key"), writing(self._engine) as connection:
            connection.execute(sa.delete(api_keys).where(api_keys.c.key_id == key.key_id))
            connection.execute(sa.insert(api_keys), [key_row(key)])

    def find_key(self, key_id: str) -> ApiKeyRecord | None:
        # Every authenticated request reads its key: a raw cursor, as on other hot paths.
        with raw_cursor(self._engine, "read an API key") as cursor:
            cursor.execute(self._statements.key_by_id, (key_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        # The row is read every time (a revocation counts at once); decoding it is not:
        # the same row stands for the same record.
        found = self._decoded_keys.get(row)
        if found is None:
            if len(self._decoded_keys) >= _DECODED_KEYS:
                self._decoded_keys.clear()
            found = self._decoded_keys[row] = key_from_row(_KeyRow(*row))
        return found

    def list_keys(self) -> list[ApiKeyRecord]:
        query = sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.key_id)
        with guarded(self._engine, "list API keys"), self._engine.connect() as connection:
            return [key_from_row(row) for row in connection.execute(query)]

    def revoke_key(self, key_id: str, at: datetime) -> bool:
        statement = (
            sa.update(api_keys)
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=to_micros(at))
        )
        with guarded(self._engine, "revoke an API key"), writing(self._engine) as connection:
            return bool(connection.execute(statement).rowcount)

    def secret(self, name: str, factory: Callable[[], bytes]) -> bytes:
        """Insert-if-absent, then read: every process gets the first value written."""
        cached = self._secrets.get(name)
        if cached is not None:
            return cached
        query = sa.select(secrets.c.value).where(secrets.c.name == name)
        with guarded(self._engine, "read a secret"), writing(self._engine) as connection:
            connection.execute(
                insert_ignoring(self._engine, secrets), [{"name": name, "value": factory()}]
            )
            value = bytes(connection.execute(query).scalar_one())
        self._secrets[name] = value
        return value

    # -- contact history (contacts.py) ---------------------------------------
    def contacts_of(self, customer_id: str, since: datetime, now: datetime) -> list[Contact]:
        return self._contacts.contacts_of(customer_id, since, now)

    def reserve(
        self, draft: Contact, since: datetime, now: datetime, judge: Judge
    ) -> tuple[Verdict, Contact | None]:
        return self._contacts.reserve(draft, since, now, judge)

    def record_contacts(self, contacts: Sequence[Contact]) -> int:
        return self._contacts.record_contacts(contacts)

    def find_contact(self, contact_id: str) -> Contact | None:
        return self._contacts.find_contact(contact_id)

    def contact_history(
        self, customer_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Contact]:
        return self._contacts.contact_history(customer_id, since, until)

    def confirm(self, contact_id: str, at: datetime) -> Contact:
        return self._contacts.confirm(contact_id, at)

    def release(self, contact_id: str, at: datetime) -> Contact:
        return self._contacts.release(contact_id, at)

    def record_outcome(self, contact_id: str, outcome: Outcome, at: datetime) -> Contact:
        return self._contacts.record_outcome(contact_id, outcome, at)

    def release_expired(self, now: datetime) -> int:
        return self._contacts.release_expired(now)

    # -- catalog, decisions, outcomes, counters ------------------------------
    def save_catalog(
        self, document: Mapping[str, object], digest: str, source: str, at: datetime
    ) -> CatalogVersion:
        return self._catalogs.save_catalog(document, digest, source, at)

    def catalog_version(self, version: int | None = None) -> CatalogVersion | None:
        return self._catalogs.catalog_version(version)

    def latest_catalog_number(self) -> int | None:
        return self._catalogs.latest_catalog_number()

    def catalog_versions(self) -> list[CatalogVersion]:
        return self._catalogs.catalog_versions()

    def record_decision(self, record: DecisionRecord) -> None:
        self._decisions.record_decision(record)

    def record_decisions(self, records: Sequence[DecisionRecord]) -> list[str]:
        return self._decisions.record_decisions(records)

    def find_decision(self, decision_id: str) -> DecisionRecord | None:
        return self._decisions.find_decision(decision_id)

    def decisions_of(self, customer_id: str, limit: int = 50) -> list[DecisionRecord]:
        return self._decisions.decisions_of(customer_id, limit)

    def decisions_between(self, start: datetime, end: datetime) -> Iterator[DecisionRecord]:
        return self._decisions.decisions_between(start, end)

    def record_outcome_event(self, event: OutcomeEvent) -> tuple[OutcomeEvent, bool]:
        return self._decisions.record_outcome_event(event)

    def outcomes_of_decision(self, decision_id: str) -> list[OutcomeEvent]:
        return self._decisions.outcomes_of_decision(decision_id)

    def outcomes_between(self, start: datetime, end: datetime) -> list[OutcomeEvent]:
        return self._decisions.outcomes_between(start, end)

    def add_responses(self, deltas: Sequence[tuple[str, Channel, str, ResponseCount]]) -> None:
        self._counters.add_responses(deltas)

    def response_counts(self) -> dict[tuple[str, Channel, str], ResponseCount]:
        return self._counters.response_counts()

    def take_volume(self, claims: Sequence[VolumeClaim]) -> bool:
        return self._counters.take_volume(claims)

    def give_back_volume(self, claims: Sequence[VolumeClaim]) -> None:
        self._counters.give_back_volume(claims)

    def volume_used(self, day: date, keys: Sequence[str]) -> dict[str, tuple[int, float]]:
        return self._counters.volume_used(day, keys)

    # -- learning log (learning.py) ------------------------------------------
    def append_learning(self, events: Sequence[LearningEvent]) -> None:
        self._learning.append_learning(events)

    def learning_since(self, after: int, limit: int = 10_000) -> list[tuple[int, LearningEvent]]:
        return self._learning.learning_since(after, limit)

    # -- model snapshots (snapshots.py) ------------------------------------------
    def save_model_snapshot(self, snapshot: ModelSnapshot) -> bool:
        return self._snapshots.save_model_snapshot(snapshot)

    def latest_model_snapshot(self, name: str) -> ModelSnapshot | None:
        return self._snapshots.latest_model_snapshot(name)

    def close(self) -> None:
        """Release the connection pool, the checkpoint thread and the writer gate's file."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self._engine.dispose()
        release_gate(self._engine)

    # -- customer values ------------------------------------------------------
    def save_customer_values(self, values: Sequence[CustomerValue]) -> int:
        return self._values.save_customer_values(values)

    def customer_value(self, customer_id: str) -> CustomerValue | None:
        return self._values.customer_value(customer_id)

    def count_customer_values(self) -> int:
        return self._values.count_customer_values()
