"""The workspace schema as SQLAlchemy Core tables.

Instants are whole microseconds since the Unix epoch (UTC) in BIGINT columns:
exact, sortable and identical on SQLite and PostgreSQL. Lists and mappings are
JSON text. The migrations in ``migrations/versions`` create exactly these.
"""

from __future__ import annotations

import sqlalchemy as sa

# The migration revision these tables match; a test pins it to Alembic's head.
SCHEMA_REVISION = "0006"

# SQLite makes an INTEGER PRIMARY KEY the rowid itself: no second index on seq.
_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("customer_id", sa.Text, primary_key=True),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("subdivision", sa.Text),
    sa.Column("time_zone", sa.Text, nullable=False),
    sa.Column("time_zone_candidates", sa.Text, nullable=False),
    sa.Column("language", sa.Text),
    sa.Column("phones", sa.Text, nullable=False),
    sa.Column("emails", sa.Text, nullable=False),
    sa.Column("push_ids", sa.Text, nullable=False),
    sa.Column("attributes", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

attribute_types = sa.Table(
    "attribute_types",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("type", sa.Text, nullable=False),
)

suppression = sa.Table(
    "suppression",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("added_at", sa.BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.Text, primary_key=True),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("scopes", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("revoked_at", sa.BigInteger),
)

secrets = sa.Table(
    "secrets",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("value", sa.LargeBinary, nullable=False),
)

consent_events = sa.Table(
    "consent_events",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("customer_id", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.BigInteger, nullable=False),
    sa.Column("recorded_at", sa.BigInteger, nullable=False),
    sa.Column("until", sa.BigInteger),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.Text, nullable=False),
    sa.Column("values", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("lawful_basis", sa.Text),
    sa.Column("jurisdiction", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("personal_digest", sa.String(64), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("erased", sa.Boolean, nullable=False),
    # One index on a random key (the customer) serves both per-customer reads and the
    # idempotency check; event ids are time-ordered, so their index grows at one end.
    sa.Index("ux_consent_events_customer_key", "customer_id", "idempotency_key", unique=True),
)

chain_head = sa.Table(
    "chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
)

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("contact_id", sa.String(36), primary_key=True),
    sa.Column("customer_id", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.BigInteger, nullable=False),
    sa.Column("action_id", sa.Text),
    sa.Column("action_group", sa.Text),
    sa.Column("category", sa.Text),
    sa.Column("subject", sa.Text),
    sa.Column("direction", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("expires_at", sa.BigInteger),
    sa.Column("outcome", sa.Text),
    sa.Column("outcome_at", sa.BigInteger),
    sa.Column("confirmed_at", sa.BigInteger),
    sa.Column("released_at", sa.BigInteger),
    # A check reads one customer's window: contacts since an instant, and older contacts
    # answered since then (partial: most contacts never get an outcome).
    sa.Index("ix_contacts_customer_occurred", "customer_id", "occurred_at"),
    sa.Index(
        "ix_contacts_customer_outcome",
        "customer_id",
        "outcome_at",
        sqlite_where=sa.text("outcome_at IS NOT NULL"),
        postgresql_where=sa.text("outcome_at IS NOT NULL"),
    ),
    # Housekeeping finds lapsed reservations without reading the whole history.
    sa.Index(
        "ix_contacts_reserved_expiry",
        "expires_at",
        sqlite_where=sa.text("status = 'reserved'"),
        postgresql_where=sa.text("status = 'reserved'"),
    ),
)

catalog_versions = sa.Table(
    "catalog_versions",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("digest", sa.Text, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("action_count", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("decision_id", sa.Text, primary_key=True),
    sa.Column("customer_id", sa.Text, nullable=False),
    sa.Column("decided_at", sa.BigInteger, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("direction", sa.Text, nullable=False),
    sa.Column("silent", sa.Boolean, nullable=False),
    sa.Column("catalog_version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # A customer's latest decisions (and erasure) read one range of this index.
    sa.Index("ix_decisions_customer_decided", "customer_id", "decided_at"),
)

outcome_events = sa.Table(
    "outcome_events",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("decision_id", sa.Text, nullable=False),
    sa.Column("action_id", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.BigInteger, nullable=False),
    sa.Column("recorded_at", sa.BigInteger, nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Index("ix_outcome_events_decision", "decision_id", "occurred_at"),
)

response_counts = sa.Table(
    "response_counts",
    metadata,
    sa.Column("action_id", sa.Text, primary_key=True),
    sa.Column("channel", sa.Text, primary_key=True),
    sa.Column("direction", sa.Text, primary_key=True),
    sa.Column("trials", sa.BigInteger, nullable=False),
    sa.Column("accepts", sa.BigInteger, nullable=False),
    sa.Column("opt_outs", sa.BigInteger, nullable=False),
)

volume_counters = sa.Table(
    "volume_counters",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),  # ISO date, the catalog's local day
    sa.Column("used", sa.BigInteger, nullable=False),
    # Millionths of the currency unit: sums of small costs stay exact.
    sa.Column("spent", sa.BigInteger, nullable=False),
)

learning_events = sa.Table(
    "learning_events",
    metadata,
    # Numbered by the database; appends are serialised, so numbers follow commit order.
    # SQLite AUTOINCREMENT: a number is never reused, even once an erasure deleted the newest.
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("decision_id", sa.Text, nullable=False),
    sa.Column("customer_id", sa.Text, nullable=False),
    sa.Column("action_id", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("direction", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.BigInteger, nullable=False),
    sa.Column("accepted", sa.Boolean, nullable=False),
    sa.Column("opted_out", sa.Boolean, nullable=False),
    sa.Column("features", sa.Text, nullable=False),
    # Erasure finds a customer's events without reading the log.
    sa.Index("ix_learning_events_customer", "customer_id"),
    sqlite_autoincrement=True,
)

model_snapshots = sa.Table(
    "model_snapshots",
    metadata,
    # Model weights, no personal data: erasure leaves them. The latest few per name.
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("saved_at", sa.BigInteger, nullable=False),
    sa.Column("state", sa.LargeBinary, nullable=False),
)

customer_values = sa.Table(
    "customer_values",
    metadata,
    # Personal (a value per person): erasure deletes the row.
    sa.Column("customer_id", sa.Text, primary_key=True),
    sa.Column("residual_value", sa.Float, nullable=False),
    sa.Column("expected_periods", sa.Float, nullable=False),
    sa.Column("period_days", sa.Float, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("fitted_at", sa.BigInteger, nullable=False),
)

# Column order of consent_events, as the codec builds and reads rows.
EVENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in consent_events.columns)
# What most events fill: no snooze end, lawful basis, jurisdiction or actor, not erased.
OPTIONAL_EVENT_COLUMNS = frozenset({"until", "lawful_basis", "jurisdiction", "actor", "erased"})
PLAIN_EVENT_COLUMNS = tuple(c for c in EVENT_COLUMNS if c not in OPTIONAL_EVENT_COLUMNS)
CUSTOMER_COLUMNS: tuple[str, ...] = tuple(c.name for c in customers.columns)
CONTACT_COLUMNS: tuple[str, ...] = tuple(c.name for c in contacts.columns)
DECISION_COLUMNS: tuple[str, ...] = tuple(c.name for c in decisions.columns)
OUTCOME_COLUMNS: tuple[str, ...] = tuple(c.name for c in outcome_events.columns)
LEARNING_COLUMNS: tuple[str, ...] = tuple(c.name for c in learning_events.columns)
