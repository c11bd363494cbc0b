"""initial

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:35:03.286406
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_attempts",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_code_attempts_failures_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_attempts")),
        sa.UniqueConstraint("email", name=op.f("uq_code_attempts_email")),
    )
    op.create_table(
        "industries",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industries")),
        sa.UniqueConstraint("name_key", name=op.f("uq_industries_name_key")),
    )
    op.create_table(
        "ledger_accounts",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("guarded", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "balance >= 0 OR NOT guarded",
            name=op.f("ck_ledger_accounts_guarded_balance_non_negative"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ledger_accounts")),
    )
    op.create_table(
        "ledger_transactions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transactions")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_transactions_key")),
    )
    with op.batch_alter_table("ledger_transactions", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_transactions_job", ["job_id", "posted_at"], unique=False)
        batch_op.create_index("ix_ledger_transactions_posted", ["posted_at", "id"], unique=False)

    op.create_table(
        "one_time_codes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('registration', 'password_reset', 'login')",
            name=op.f("ck_one_time_codes_purpose"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_codes")),
    )
    with op.batch_alter_table("one_time_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_one_time_codes_current", ["email", "purpose", "created_at"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["delivered_at", "id"], unique=False)

    op.create_table(
        "ledger_checks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_checks")),
    )

    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("first_name", sa.String(length=50), nullable=False),
        sa.Column("last_name", sa.String(length=50), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("is_verified", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("picture", sa.String(length=500), nullable=True),
        sa.Column("payout_bank", sa.String(length=100), nullable=True),
        sa.Column("payout_account_number", sa.String(length=10), nullable=True),
        sa.Column("payout_account_name", sa.String(length=100), nullable=True),
        sa.CheckConstraint("role IN ('client', 'applicant', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("transaction_id", sa.BigInteger(), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_ledger_entries_amount_non_zero")),
        sa.ForeignKeyConstraint(
            ["account"],
            ["ledger_accounts.name"],
            name=op.f("fk_ledger_entries_account_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["ledger_transactions.id"],
            name=op.f("fk_ledger_entries_transaction_id_ledger_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint(
            "transaction_id", "account", name=op.f("uq_ledger_entries_transaction_id_account")
        ),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entries_account", ["account", "posted_at", "id"], unique=False
        )

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("family_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_refresh_tokens_family_id", ["family_id"], unique=False)
        batch_op.create_index("ix_refresh_tokens_user_id", ["user_id"], unique=False)

    op.create_table(
        "subcategories",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("industry_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["industry_id"], ["industries.id"], name=op.f("fk_subcategories_industry_id_industries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subcategories")),
        sa.UniqueConstraint(
            "industry_id", "name_key", name=op.f("uq_subcategories_industry_id_name_key")
        ),
    )
    op.create_table(
        "withdrawals",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payout_bank", sa.String(length=100), nullable=False),
        sa.Column("payout_account_number", sa.String(length=10), nullable=False),
        sa.Column("payout_account_name", sa.String(length=100), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("provider_reference", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'processing', 'paid', 'failed')",
            name=op.f("ck_withdrawals_status"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_withdrawals_amount_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_withdrawals_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawals")),
        sa.UniqueConstraint("reference", name=op.f("uq_withdrawals_reference")),
    )
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.create_index("ix_withdrawals_user", ["user_id", "created_at"], unique=False)
        batch_op.create_index("ix_withdrawals_status", ["status", "created_at", "id"], unique=False)

    op.create_table(
        "jobs",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("industry_id", sa.BigInteger(), nullable=False),
        sa.Column("subcategory_id", sa.BigInteger(), nullable=False),
        sa.Column("shift_type", sa.String(length=16), nullable=False),
        sa.Column("job_type", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("hourly_rate", sa.BigInteger(), nullable=False),
        sa.Column("billable_minutes", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("fee_rate_bp", sa.Integer(), nullable=False),
        sa.Column("worker_pay", sa.BigInteger(), nullable=False),
        sa.Column("job_cost", sa.BigInteger(), nullable=False),
        sa.Column("service_fee", sa.BigInteger(), nullable=False),
        sa.Column("total_due", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("funded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("canceled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "job_type IN ('single_day', 'multiple_days')", name=op.f("ck_jobs_job_type")
        ),
        sa.CheckConstraint(
            "shift_type IN ('morning', 'afternoon', 'evening', 'night', 'day', 'flexible')",
            name=op.f("ck_jobs_shift_type"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'upcoming', 'ongoing', 'completed', 'canceled')",
            name=op.f("ck_jobs_status"),
        ),
        sa.CheckConstraint(
            "accepted_count BETWEEN 0 AND seats", name=op.f("ck_jobs_accepted_within_seats")
        ),
        sa.CheckConstraint("billable_minutes > 0", name=op.f("ck_jobs_billable_minutes_positive")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_jobs_dates_ordered")),
        sa.CheckConstraint("fee_rate_bp BETWEEN 0 AND 10000", name=op.f("ck_jobs_fee_rate_range")),
        sa.CheckConstraint("hourly_rate >= 100", name=op.f("ck_jobs_hourly_rate_min")),
        sa.CheckConstraint("job_cost = worker_pay * seats", name=op.f("ck_jobs_job_cost_rule")),
        sa.CheckConstraint("seats BETWEEN 1 AND 100", name=op.f("ck_jobs_seats_range")),
        sa.CheckConstraint("service_fee >= 0", name=op.f("ck_jobs_service_fee_non_negative")),
        sa.CheckConstraint(
            "total_due = job_cost + service_fee", name=op.f("ck_jobs_total_due_rule")
        ),
        sa.CheckConstraint("worker_pay > 0", name=op.f("ck_jobs_worker_pay_positive")),
        sa.ForeignKeyConstraint(["client_id"], ["users.id"], name=op.f("fk_jobs_client_id_users")),
        sa.ForeignKeyConstraint(
            ["industry_id"], ["industries.id"], name=op.f("fk_jobs_industry_id_industries")
        ),
        sa.ForeignKeyConstraint(
            ["subcategory_id"],
            ["subcategories.id"],
            name=op.f("fk_jobs_subcategory_id_subcategories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_client", ["client_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_jobs_feed", ["status", "starts_at", "id"], unique=False)
        batch_op.create_index("ix_jobs_status_ends_at", ["status", "ends_at"], unique=False)
        batch_op.create_index("ix_jobs_feed_pay", ["status", "hourly_rate", "id"], unique=False)
        batch_op.create_index(
            "ix_jobs_feed_location", ["status", "latitude", "longitude"], unique=False
        )
    if op.get_context().dialect.name == "postgresql":
        op.create_index(
            "ix_jobs_search",
            "jobs",
            [
                sa.text(
                    "to_tsvector('simple'::regconfig, (title::text || ' '::text) || description)"
                )
            ],
            unique=False,
            postgresql_using="gin",
        )
    op.create_table(
        "saved_jobs",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_saved_jobs_job_id_jobs")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_jobs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_jobs")),
        sa.UniqueConstraint("user_id", "job_id", name=op.f("uq_saved_jobs_user_id_job_id")),
    )
    with op.batch_alter_table("saved_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_saved_jobs_user", ["user_id", "created_at", "id"], unique=False)

    op.create_table(
        "applications",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("applicant_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reapplied", sa.Boolean(), nullable=False),
        sa.Column("late_withdrawal", sa.Boolean(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_in_latitude", sa.Double(), nullable=True),
        sa.Column("check_in_longitude", sa.Double(), nullable=True),
        sa.Column("check_in_flagged", sa.Boolean(), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_out_latitude", sa.Double(), nullable=True),
        sa.Column("check_out_longitude", sa.Double(), nullable=True),
        sa.CheckConstraint(
            "status IN ('applied', 'accepted', 'rejected', 'withdrawn', "
            "'ongoing', 'completed', 'no_show')",
            name=op.f("ck_applications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["users.id"], name=op.f("fk_applications_applicant_id_users")
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_applications_job_id_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint(
            "job_id", "applicant_id", name=op.f("uq_applications_job_id_applicant_id")
        ),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_applicant", ["applicant_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "payment_intents",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("payer_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("checkout_url", sa.String(length=1000), nullable=False),
        sa.Column("provider_reference", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed', 'abandoned', 'mismatched')",
            name=op.f("ck_payment_intents_status"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_intents_amount_positive")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_payment_intents_job_id_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["users.id"], name=op.f("fk_payment_intents_payer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_intents")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_intents_reference")),
    )
    with op.batch_alter_table("payment_intents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_intents_job", ["job_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_payment_intents_payer", ["payer_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_payment_intents_status", ["status", "created_at", "id"], unique=False
        )

    op.create_table(
        "disputes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("worker_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active_application_id", sa.BigInteger(), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("resolution_kind", sa.String(length=16), nullable=True),
        sa.Column("resolution_worker_amount", sa.BigInteger(), nullable=True),
        sa.Column("resolution_currency", sa.String(length=3), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('no_show', 'late', 'quality', 'conduct', 'hours', 'payment', 'other')",
            name=op.f("ck_disputes_category"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_review', 'resolved', 'rejected')",
            name=op.f("ck_disputes_status"),
        ),
        sa.CheckConstraint(
            "resolution_worker_amount IS NULL OR resolution_worker_amount >= 0",
            name=op.f("ck_disputes_resolution_amount_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_disputes_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["users.id"], name=op.f("fk_disputes_client_id_users")
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_disputes_job_id_jobs")),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_disputes_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
        sa.UniqueConstraint(
            "active_application_id", name=op.f("uq_disputes_active_application_id")
        ),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_job", ["job_id"], unique=False)
        batch_op.create_index("ix_disputes_status", ["status", "created_at", "id"], unique=False)
        batch_op.create_index("ix_disputes_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_disputes_worker", ["worker_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_disputes_client", ["client_id", "created_at", "id"], unique=False)

    # -- notifications (DOMAIN.md Notifications) --
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link_kind", sa.String(length=16), nullable=True),
        sa.Column("link_id", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('application_received', 'application_accepted', "
            "'application_rejected', 'application_withdrawn', 'job_funded', "
            "'shift_starting_soon', 'shift_started', 'shift_ended', 'payment_received', "
            "'payout_paid', 'payout_failed', 'dispute_opened', 'dispute_updated', "
            "'dispute_resolved', 'review_received', 'job_canceled')",
            name=op.f("ck_notifications_category"),
        ),
        sa.CheckConstraint(
            "link_kind IN ('job', 'application', 'dispute', 'withdrawal')",
            name=op.f("ck_notifications_link_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_source", ["source"], unique=False)
        batch_op.create_index(
            "ix_notifications_user", ["user_id", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_notifications_user_unread", ["user_id", "read_at"], unique=False)

    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["users.id"], name=op.f("fk_notification_preferences_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "processed_events",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("handler", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_events")),
        sa.UniqueConstraint(
            "handler", "event_id", name=op.f("uq_processed_events_handler_event_id")
        ),
    )

    op.create_table(
        "achievements",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.Column("shifts_completed", sa.Integer(), nullable=False),
        sa.Column("on_time_check_ins", sa.Integer(), nullable=False),
        sa.Column("five_star_reviews", sa.Integer(), nullable=False),
        sa.Column("current_streak", sa.Integer(), nullable=False),
        sa.Column("best_streak", sa.Integer(), nullable=False),
        sa.Column("last_shift_week", sa.Date(), nullable=True),
        sa.CheckConstraint("xp >= 0", name=op.f("ck_achievements_xp_non_negative")),
        sa.ForeignKeyConstraint(["id"], ["users.id"], name=op.f("fk_achievements_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
    )
    op.create_index("ix_achievements_xp", "achievements", ["xp"], unique=False)
    op.create_table(
        "awards",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('shift_completed', 'on_time_check_in', 'five_star_review', 'streak', "
            "'badge')",
            name=op.f("ck_awards_kind"),
        ),
        sa.CheckConstraint("points >= 0", name=op.f("ck_awards_points_non_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_awards_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_awards_user_id_key")),
    )
    op.create_index(
        "ix_awards_awarded_at", "awards", ["awarded_at", "user_id", "points"], unique=False
    )
    op.create_index("ix_awards_user", "awards", ["user_id", "awarded_at"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('bug', 'feature_request', 'payments', 'account', 'safety', 'general')",
            name=op.f("ck_feedback_category"),
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_feedback_status")),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_feedback_rating_range")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_feedback_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index("ix_feedback_created", "feedback", ["created_at", "id"], unique=False)
    op.create_index("ix_feedback_status", "feedback", ["status", "created_at", "id"], unique=False)
    op.create_table(
        "rating_summaries",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stars_1", sa.Integer(), nullable=False),
        sa.Column("stars_2", sa.Integer(), nullable=False),
        sa.Column("stars_3", sa.Integer(), nullable=False),
        sa.Column("stars_4", sa.Integer(), nullable=False),
        sa.Column("stars_5", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "stars_1 >= 0 AND stars_2 >= 0 AND stars_3 >= 0 AND stars_4 >= 0 AND stars_5 >= 0",
            name=op.f("ck_rating_summaries_stars_non_negative"),
        ),
        sa.ForeignKeyConstraint(["id"], ["users.id"], name=op.f("fk_rating_summaries_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_summaries")),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewee_id", sa.BigInteger(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_range")),
        sa.CheckConstraint("reviewer_id <> reviewee_id", name=op.f("ck_reviews_not_self")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_reviews_job_id_jobs")),
        sa.ForeignKeyConstraint(
            ["reviewee_id"], ["users.id"], name=op.f("fk_reviews_reviewee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_reviews_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "reviewer_id",
            "reviewee_id",
            "job_id",
            name=op.f("uq_reviews_reviewer_id_reviewee_id_job_id"),
        ),
    )
    op.create_index(
        "ix_reviews_reviewee", "reviews", ["reviewee_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_reviews_reviewer", "reviews", ["reviewer_id", "created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_reviews_reviewer", table_name="reviews")
    op.drop_index("ix_reviews_reviewee", table_name="reviews")
    op.drop_table("reviews")
    op.drop_table("rating_summaries")
    op.drop_index("ix_feedback_status", table_name="feedback")
    op.drop_index("ix_feedback_created", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_awards_user", table_name="awards")
    op.drop_index("ix_awards_awarded_at", table_name="awards")
    op.drop_table("awards")
    op.drop_index("ix_achievements_xp", table_name="achievements")
    op.drop_table("achievements")
    op.drop_table("processed_events")
    op.drop_table("notification_preferences")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_unread")
        batch_op.drop_index("ix_notifications_user")
        batch_op.drop_index("ix_notifications_source")

    op.drop_table("notifications")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_client")
        batch_op.drop_index("ix_disputes_worker")
        batch_op.drop_index("ix_disputes_status")
        batch_op.drop_index("ix_disputes_job")

    op.drop_table("disputes")
    with op.batch_alter_table("payment_intents", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_intents_payer")
        batch_op.drop_index("ix_payment_intents_job")

    op.drop_table("payment_intents")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_applicant")

    op.drop_table("applications")
    with op.batch_alter_table("saved_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_saved_jobs_user")

    op.drop_table("saved_jobs")
    if op.get_context().dialect.name == "postgresql":
        op.drop_index("ix_jobs_search", table_name="jobs", postgresql_using="gin")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_feed_location")
        batch_op.drop_index("ix_jobs_feed_pay")
        batch_op.drop_index("ix_jobs_status_ends_at")
        batch_op.drop_index("ix_jobs_feed")
        batch_op.drop_index("ix_jobs_client")

    op.drop_table("jobs")
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.drop_index("ix_withdrawals_user")

    op.drop_table("withdrawals")
    op.drop_table("subcategories")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_refresh_tokens_user_id")
        batch_op.drop_index("ix_refresh_tokens_family_id")

    op.drop_table("refresh_tokens")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_account")

    op.drop_table("ledger_entries")
    op.drop_table("users")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")

    op.drop_table("outbox")
    op.drop_table("ledger_checks")
    with op.batch_alter_table("one_time_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_one_time_codes_current")

    op.drop_table("one_time_codes")
    with op.batch_alter_table("ledger_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_transactions_posted")
        batch_op.drop_index("ix_ledger_transactions_job")

    op.drop_table("ledger_transactions")
    op.drop_table("ledger_accounts")
    op.drop_table("industries")
    op.drop_table("code_attempts")
