"""Environment visibility: `private` (reached only through service bindings), and wrangler's
`workers_dev` (the generated environment hostname) and `preview_urls` (version hostnames).

Existing environments keep what they had: public, with both hostnames.

Revision ID: 0002_environment_visibility
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_environment_visibility"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("environments") as batch:
        batch.add_column(
            sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("workers_dev", sa.Boolean, nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("preview_urls", sa.Boolean, nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("environments") as batch:
        batch.drop_column("preview_urls")
        batch.drop_column("workers_dev")
        batch.drop_column("private")
