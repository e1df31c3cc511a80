"""Contact history: every contact made or reserved, with its outcome.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
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
    )
    op.create_index("ix_contacts_customer_occurred", "contacts", ["customer_id", "occurred_at"])
    op.create_index(
        "ix_contacts_customer_outcome",
        "contacts",
        ["customer_id", "outcome_at"],
        sqlite_where=sa.text("outcome_at IS NOT NULL"),
        postgresql_where=sa.text("outcome_at IS NOT NULL"),
    )
    op.create_index(
        "ix_contacts_reserved_expiry",
        "contacts",
        ["expires_at"],
        sqlite_where=sa.text("status = 'reserved'"),
        postgresql_where=sa.text("status = 'reserved'"),
    )


def downgrade() -> None:
    op.drop_table("contacts")
