"""Initial schema: accounts, tokens, bundles, services, environments, versions, deployments,
routes and custom domains.

Revision ID: 0001
Revises:
Create Date: 2026-08-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.String(36), primary_key=True)


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _owner(name: str, table: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name, sa.String(36), sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "accounts",
        _id(),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("subdomain", sa.String(63), nullable=False),
        _created(),
        sa.UniqueConstraint("name", name="uq_accounts_name"),
        sa.UniqueConstraint("subdomain", name="uq_accounts_subdomain"),
    )
    op.create_table(
        "tokens",
        _id(),
        _owner("account_id", "accounts"),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _created(),
        sa.UniqueConstraint("account_id", "name", name="uq_tokens_account_id_name"),
        sa.UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
    )
    op.create_table(
        "blobs",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "bundles",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("main_module", sa.String(255), nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
    )
    op.create_table(
        "services",
        _id(),
        _owner("account_id", "accounts"),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        _created(),
        sa.UniqueConstraint("account_id", "name", name="uq_services_account_id_name"),
    )
    op.create_table(
        "environments",
        _id(),
        _owner("service_id", "services"),
        sa.Column("name", sa.String(63), nullable=False),
        _created(),
        sa.UniqueConstraint("service_id", "name", name="uq_environments_service_id_name"),
    )
    op.create_table(
        "pipeline_stages",
        sa.Column(
            "service_id",
            sa.String(36),
            sa.ForeignKey("services.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        _owner("environment_id", "environments"),
        sa.UniqueConstraint("environment_id", name="uq_pipeline_stages_environment_id"),
    )
    op.create_table(
        "secret_sets",
        _id(),
        _owner("service_id", "services"),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        _created(),
    )
    op.create_table(
        "versions",
        _id(),
        _owner("environment_id", "environments"),
        sa.Column("number", sa.Integer, nullable=False),
        _created(),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("message", sa.String(100)),
        sa.Column("tag", sa.String(25)),
        sa.Column("git_commit", sa.String(64)),
        sa.Column("triggered_by", sa.String(16), nullable=False),
        sa.Column("compatibility_date", sa.String(10)),
        sa.Column("compatibility_flags", sa.JSON, nullable=False),
        sa.Column("main_module", sa.String(255), nullable=False),
        sa.Column("bundle_digest", sa.String(64), sa.ForeignKey("bundles.digest"), nullable=False),
        sa.Column("vars", sa.JSON, nullable=False),
        sa.Column("bindings", sa.JSON, nullable=False),
        sa.Column("secret_names", sa.JSON, nullable=False),
        sa.Column("secrets_digest", sa.String(64)),
        sa.Column("secret_set_id", sa.String(36), sa.ForeignKey("secret_sets.id")),
        sa.Column("startup_time_ms", sa.Float),
        sa.Column("promoted_from", sa.String(36)),
        sa.UniqueConstraint("environment_id", "number", name="uq_versions_environment_id_number"),
    )
    op.create_table(
        "deployments",
        _id(),
        _owner("environment_id", "environments"),
        sa.Column("number", sa.Integer, nullable=False),
        _created(),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("message", sa.String(100)),
        sa.Column("triggered_by", sa.String(16), nullable=False),
        sa.UniqueConstraint(
            "environment_id", "number", name="uq_deployments_environment_id_number"
        ),
    )
    op.create_table(
        "deployment_versions",
        sa.Column(
            "deployment_id",
            sa.String(36),
            sa.ForeignKey("deployments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        _owner("version_id", "versions"),
        sa.Column("percentage", sa.Float, nullable=False),
    )
    op.create_table(
        "routes",
        _id(),
        _owner("account_id", "accounts"),
        sa.Column("pattern", sa.String(1024), nullable=False),
        sa.Column("canonical", sa.String(1024), nullable=False),
        _owner("environment_id", "environments", nullable=True),
        _created(),
        sa.UniqueConstraint("account_id", "canonical", name="uq_routes_account_id_canonical"),
    )
    op.create_table(
        "custom_domains",
        _id(),
        _owner("account_id", "accounts"),
        sa.Column("hostname", sa.String(253), nullable=False),
        _owner("environment_id", "environments"),
        _created(),
        sa.UniqueConstraint("account_id", "hostname", name="uq_custom_domains_account_id_hostname"),
    )


def downgrade() -> None:
    for table in (
        "custom_domains",
        "routes",
        "deployment_versions",
        "deployments",
        "versions",
        "secret_sets",
        "pipeline_stages",
        "environments",
        "services",
        "bundles",
        "blobs",
        "tokens",
        "accounts",
    ):
        op.drop_table(table)
