"""Decisions: catalog versions, decisions, outcome events, response and volume counters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _catalogs_and_decisions() -> None:
    op.create_table(
        "catalog_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("action_count", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.Text, primary_key=True),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column("decided_at", sa.BigInteger, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("direction", sa.Text, nullable=False),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("catalog_version", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_decisions_customer_decided", "decisions", ["customer_id", "decided_at"])
    op.create_table(
        "outcome_events",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("decision_id", sa.Text, nullable=False),
        sa.Column("action_id", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.BigInteger, nullable=False),
        sa.Column("recorded_at", sa.BigInteger, nullable=False),
        sa.Column("contact_id", sa.Text),
    )
    op.create_index("ix_outcome_events_decision", "outcome_events", ["decision_id", "occurred_at"])


def _counters() -> None:
    op.create_table(
        "response_counts",
        sa.Column("action_id", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("direction", sa.Text, primary_key=True),
        sa.Column("trials", sa.BigInteger, nullable=False),
        sa.Column("accepts", sa.BigInteger, nullable=False),
        sa.Column("opt_outs", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "volume_counters",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("used", sa.BigInteger, nullable=False),
        sa.Column("spent", sa.BigInteger, nullable=False),
    )


def upgrade() -> None:
    _catalogs_and_decisions()
    _counters()


def downgrade() -> None:
    for table in (
        "volume_counters",
        "response_counts",
        "outcome_events",
        "decisions",
        "catalog_versions",
    ):
        op.drop_table(table)
