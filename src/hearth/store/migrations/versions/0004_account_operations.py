"""Accounts an operator manages: `disabled_at` (a disabled account's tokens are refused and its
workers not served; nothing is deleted), and the `operator` scope for the first-start token.

Existing accounts stay enabled. The token made at first start (named `bootstrap`) becomes an
`operator` token: it was the platform's only way in, and it is what creates accounts now.

Revision ID: 0004_account_operations
Revises: 0003_cron_triggers
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_account_operations"
down_revision = "0003_cron_triggers"
branch_labels = None
depends_on = None

_tokens = sa.table("tokens", sa.column("name", sa.String), sa.column("scope", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_tokens.update().where(_tokens.c.name == "bootstrap").values(scope="operator"))


def downgrade() -> None:
    op.execute(_tokens.update().where(_tokens.c.scope == "operator").values(scope="admin"))
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("disabled_at")
