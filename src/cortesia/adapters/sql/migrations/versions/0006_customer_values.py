"""Customer values: each customer's expected residual lifetime value.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_values",
        sa.Column("customer_id", sa.Text, primary_key=True),
        sa.Column("residual_value", sa.Float, nullable=False),
        sa.Column("expected_periods", sa.Float, nullable=False),
        sa.Column("period_days", sa.Float, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("fitted_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_values")
