"""Initial workspace schema: customers, ledger with chain head, suppression, keys, secrets.

Revision ID: 0001
Revises:
Create Date: 2026-03-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def _customers() -> None:
    op.create_table(
        "customers",
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
    op.create_table(
        "attribute_types",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
    )


def _ledger() -> None:
    op.create_table(
        "consent_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=False,
        ),
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
    )
    op.create_index(
        "ux_consent_events_customer_key",
        "consent_events",
        ["customer_id", "idempotency_key"],
        unique=True,
    )
    head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "count": 0, "last_seq": 0, "last_hash": GENESIS_HASH}])


def _access() -> None:
    op.create_table(
        "suppression",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("added_at", sa.BigInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Text, primary_key=True),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger),
    )
    op.create_table(
        "secrets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
    )


def upgrade() -> None:
    _customers()
    _ledger()
    _access()


def downgrade() -> None:
    for table in (
        "secrets",
        "api_keys",
        "suppression",
        "chain_head",
        "consent_events",
        "attribute_types",
        "customers",
    ):
        op.drop_table(table)
