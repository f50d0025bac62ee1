"""Cron triggers of environments: one row per (environment, cron), removed with the environment.

Revision ID: 0003_cron_triggers
Revises: 0002_environment_visibility
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_cron_triggers"
down_revision = "0002_environment_visibility"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cron_triggers",
        sa.Column(
            "environment_id",
            sa.String(36),
            sa.ForeignKey(
                "environments.id",
                ondelete="CASCADE",
                name="fk_cron_triggers_environment_id_environments",
            ),
            nullable=False,
        ),
        sa.Column("cron", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("last_scheduled", sa.BigInteger),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("environment_id", "cron", name="pk_cron_triggers"),
    )


def downgrade() -> None:
    op.drop_table("cron_triggers")
