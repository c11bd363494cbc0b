"""The SQL schema as SQLAlchemy Core tables: the one definition migrations are checked against.

Ids are ``BigInteger`` values given by the ``IdGenerator`` (below 2^53, DOMAIN.md Conventions);
every aggregate row has a ``version`` for optimistic concurrency. Money is integer minor units
with a currency column, guarded by CHECK constraints as the last line of defence (ARCHITECTURE.md
Persistence). Indexes are named explicitly and shaped after the queries that use them:

- feed: ``jobs (status, starts_at, id)`` (soonest), ``jobs (status, hourly_rate, id)`` (highest
  pay), ``jobs (status, latitude, longitude)`` (distance bounding box) and, on PostgreSQL, a
  GIN full-text index over title and description (``ix_jobs_search``);
- saved jobs: ``saved_jobs (user_id, created_at, id)``; a party's disputes:
  ``disputes (worker_id | client_id, created_at, id)``;
- a client's jobs: ``jobs (client_id, created_at, id)``;
- applications by job (``uq_applications_job_id_applicant_id`` leads with ``job_id``) and by
  applicant: ``applications (applicant_id, created_at, id)``.

Enum-like columns are strings with a CHECK listing the allowed values, so SQLite and PostgreSQL
share one schema and adding a value is a plain migration.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import JSON

from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.codes import CodePurpose
from paeshift_core.domain.disputes import DisputeCategory, DisputeStatus
from paeshift_core.domain.feedback import FeedbackCategory, FeedbackStatus
from paeshift_core.domain.gamification import AwardKind
from paeshift_core.domain.jobs import JobStatus, ShiftType
from paeshift_core.domain.notifications import Category, LinkKind
from paeshift_core.domain.payments import IntentStatus, WithdrawalStatus
from paeshift_core.domain.schedule import JobType
from paeshift_core.domain.users import Role

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: The document the feed's text query searches (PostgreSQL): the expression of the GIN index
#: ``ix_jobs_search``, repeated verbatim by the query so the planner can use the index.
JOB_SEARCH_DOCUMENT = "to_tsvector('simple'::regconfig, (title::text || ' '::text) || description)"

#: An autoincrementing 64-bit key (SQLite only autoincrements ``INTEGER PRIMARY KEY``).
AutoBigInteger = BigInteger().with_variant(Integer(), "sqlite")


def _one_of(column: str, values: Iterable[Enum | str], name: str) -> CheckConstraint:
    listed = ", ".join(f"'{v.value if isinstance(v, Enum) else v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def _id() -> Column[int]:
    return Column("id", BigInteger, primary_key=True, autoincrement=False)


def _version() -> Column[int]:
    return Column("version", Integer, nullable=False)


def _ts(name: str, *, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


users = Table(
    "users",
    metadata,
    _id(),
    _version(),
    Column("email", String(254), nullable=False),
    Column("first_name", String(50), nullable=False),
    Column("last_name", String(50), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("is_verified", Boolean, nullable=False),
    Column("is_active", Boolean, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    Column("phone", String(20), nullable=True),
    Column("bio", Text, nullable=False),
    Column("skills", JSON, nullable=False),
    Column("address", String(300), nullable=False),
    Column("latitude", Double, nullable=True),
    Column("longitude", Double, nullable=True),
    Column("picture", String(500), nullable=True),
    Column("payout_bank", String(100), nullable=True),
    Column("payout_account_number", String(10), nullable=True),
    Column("payout_account_name", String(100), nullable=True),
    UniqueConstraint("email"),
    _one_of("role", Role, "role"),
)

one_time_codes = Table(
    "one_time_codes",
    metadata,
    _id(),
    _version(),
    Column("email", String(254), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("code_hash", String(255), nullable=False),
    _ts("created_at"),
    _ts("expires_at"),
    _ts("consumed_at", nullable=True),
    _one_of("purpose", CodePurpose, "purpose"),
    # find_current: newest code of one (email, purpose).
    Index("ix_one_time_codes_current", "email", "purpose", "created_at"),
)

code_attempts = Table(
    "code_attempts",
    metadata,
    _id(),
    _version(),
    Column("email", String(254), nullable=False),
    Column("failures", Integer, nullable=False),
    _ts("locked_until", nullable=True),
    UniqueConstraint("email"),
    CheckConstraint("failures >= 0", name="failures_non_negative"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    _id(),
    _version(),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("family_id", BigInteger, nullable=False),
    Column("token_hash", String(128), nullable=False),
    _ts("created_at"),
    _ts("expires_at"),
    _ts("rotated_at", nullable=True),
    _ts("revoked_at", nullable=True),
    UniqueConstraint("token_hash"),
    Index("ix_refresh_tokens_family_id", "family_id"),
    Index("ix_refresh_tokens_user_id", "user_id"),
)

industries = Table(
    "industries",
    metadata,
    _id(),
    _version(),
    Column("name", String(80), nullable=False),
    #: lower-cased name: names are unique case-insensitively (DOMAIN.md Catalog).
    Column("name_key", String(80), nullable=False),
    UniqueConstraint("name_key"),
)

subcategories = Table(
    "subcategories",
    metadata,
    _id(),
    _version(),
    Column("industry_id", BigInteger, ForeignKey("industries.id"), nullable=False),
    Column("name", String(80), nullable=False),
    Column("name_key", String(80), nullable=False),
    UniqueConstraint("industry_id", "name_key"),
)

jobs = Table(
    "jobs",
    metadata,
    _id(),
    _version(),
    Column("client_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("industry_id", BigInteger, ForeignKey("industries.id"), nullable=False),
    Column("subcategory_id", BigInteger, ForeignKey("subcategories.id"), nullable=False),
    Column("shift_type", String(16), nullable=False),
    Column("job_type", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("start_time", Time, nullable=False),
    Column("end_time", Time, nullable=False),
    Column("timezone", String(64), nullable=False),
    #: The first shift's start and the last shift's end in UTC, derived from the schedule,
    #: for the feed's order and the periodic auto-complete / auto-cancel scans.
    _ts("starts_at"),
    _ts("ends_at"),
    Column("currency", String(3), nullable=False),
    Column("hourly_rate", BigInteger, nullable=False),
    Column("billable_minutes", Integer, nullable=False),
    Column("seats", Integer, nullable=False),
    Column("fee_rate_bp", Integer, nullable=False),
    Column("worker_pay", BigInteger, nullable=False),
    Column("job_cost", BigInteger, nullable=False),
    Column("service_fee", BigInteger, nullable=False),
    Column("total_due", BigInteger, nullable=False),
    Column("address", String(300), nullable=False),
    Column("latitude", Double, nullable=True),
    Column("longitude", Double, nullable=True),
    Column("status", String(16), nullable=False),
    Column("accepted_count", Integer, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    _ts("funded_at", nullable=True),
    _ts("started_at", nullable=True),
    _ts("ended_at", nullable=True),
    _ts("canceled_at", nullable=True),
    _one_of("status", JobStatus, "status"),
    _one_of("shift_type", ShiftType, "shift_type"),
    _one_of("job_type", JobType, "job_type"),
    CheckConstraint("end_date >= start_date", name="dates_ordered"),
    CheckConstraint("hourly_rate >= 100", name="hourly_rate_min"),
    CheckConstraint("billable_minutes > 0", name="billable_minutes_positive"),
    CheckConstraint("seats BETWEEN 1 AND 100", name="seats_range"),
    CheckConstraint("fee_rate_bp BETWEEN 0 AND 10000", name="fee_rate_range"),
    CheckConstraint("worker_pay > 0", name="worker_pay_positive"),
    CheckConstraint("job_cost = worker_pay * seats", name="job_cost_rule"),
    CheckConstraint("service_fee >= 0", name="service_fee_non_negative"),
    CheckConstraint("total_due = job_cost + service_fee", name="total_due_rule"),
    CheckConstraint("accepted_count BETWEEN 0 AND seats", name="accepted_within_seats"),
    # The feed: upcoming jobs by soonest start (keyset on starts_at, id).
    Index("ix_jobs_feed", "status", "starts_at", "id"),
    # A client's jobs, newest first (keyset on created_at, id).
    Index("ix_jobs_client", "client_id", "created_at", "id"),
    # Periodic scans: ongoing jobs past their end (auto-complete).
    Index("ix_jobs_status_ends_at", "status", "ends_at"),
    # The feed by highest pay (keyset on hourly_rate, id, scanned backwards).
    Index("ix_jobs_feed_pay", "status", "hourly_rate", "id"),
    # The feed's distance filter: a latitude range of the bounding box (then longitude); on
    # PostgreSQL it covers what the nearest sort ranks by (feed.py), read without the rows.
    Index(
        "ix_jobs_feed_location",
        "status",
        "latitude",
        "longitude",
        postgresql_include=["id", "accepted_count", "seats"],
    ),
    # The feed's text query on PostgreSQL: full text over title and description (GIN).
    Index("ix_jobs_search", text(JOB_SEARCH_DOCUMENT), postgresql_using="gin").ddl_if(
        dialect="postgresql"
    ),
)

saved_jobs = Table(
    "saved_jobs",
    metadata,
    _id(),
    _version(),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("job_id", BigInteger, ForeignKey("jobs.id"), nullable=False),
    _ts("created_at"),
    # Saving is idempotent: one row per user and job.
    UniqueConstraint("user_id", "job_id"),
    # A user's saved jobs, newest first (keyset on created_at, id).
    Index("ix_saved_jobs_user", "user_id", "created_at", "id"),
)

applications = Table(
    "applications",
    metadata,
    _id(),
    _version(),
    Column("job_id", BigInteger, ForeignKey("jobs.id"), nullable=False),
    Column("applicant_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("status", String(16), nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    Column("reapplied", Boolean, nullable=False),
    Column("late_withdrawal", Boolean, nullable=False),
    _ts("checked_in_at", nullable=True),
    Column("check_in_latitude", Double, nullable=True),
    Column("check_in_longitude", Double, nullable=True),
    Column("check_in_flagged", Boolean, nullable=False),
    _ts("checked_out_at", nullable=True),
    Column("check_out_latitude", Double, nullable=True),
    Column("check_out_longitude", Double, nullable=True),
    _one_of("status", ApplicationStatus, "status"),
    # One application per job and applicant; also serves "applications of a job".
    UniqueConstraint("job_id", "applicant_id"),
    # An applicant's applications, newest first.
    Index("ix_applications_applicant", "applicant_id", "created_at", "id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", AutoBigInteger, primary_key=True, autoincrement=True),
    Column("event_type", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    _ts("recorded_at"),
    _ts("delivered_at", nullable=True),
    #: Until when a relay has claimed the event (``SqlOutboxReader.pending``); NULL: unclaimed.
    _ts("claimed_until", nullable=True),
    # The relay's scan: undelivered events, oldest first.
    Index("ix_outbox_pending", "delivered_at", "id"),
)

# One row per ``paeshift check-ledger`` run; ``/metrics`` reports the newest (by id).
ledger_checks = Table(
    "ledger_checks",
    metadata,
    Column("id", AutoBigInteger, primary_key=True, autoincrement=True),
    _ts("finished_at"),
    Column("ok", Boolean, nullable=False),
    Column("violations", Integer, nullable=False),
    Column("transactions", Integer, nullable=False),
    Column("accounts", Integer, nullable=False),
)

#: ``Idempotency-Key`` records of money writes (API.md Principles;
#: ``adapters/sqlalchemy/idempotency.py``): in the database every process shares, so a retry
#: that reaches another process replays the first answer instead of running again.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    #: ``<caller id>:<key>`` (keys are at most 255 characters).
    Column("key", String(300), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    _ts("claimed_at"),
    _ts("expires_at"),
    #: The stored response; NULL while the first request is in flight.
    Column("status", Integer, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("media_type", String(100), nullable=True),
    # The hourly purge of expired keys.
    Index("ix_idempotency_keys_expires", "expires_at"),
)

# -- money (DOMAIN.md Money, Payments, Disputes) -------------------------------------------

ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("name", String(64), primary_key=True),
    _version(),
    Column("currency", String(3), nullable=False),
    #: The guarded balance, updated in the same transaction as every posting to the account.
    Column("balance", BigInteger, nullable=False),
    Column("guarded", Boolean, nullable=False),
    # Invariant 2: no guarded account (every wallet, escrow, fees, payouts) goes below zero.
    CheckConstraint("balance >= 0 OR NOT guarded", name="guarded_balance_non_negative"),
)

ledger_transactions = Table(
    "ledger_transactions",
    metadata,
    Column("id", AutoBigInteger, primary_key=True, autoincrement=True),
    #: The idempotency key: a repeated posting finds the first one (invariant 4).
    Column("key", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("job_id", BigInteger, nullable=True),
    Column("currency", String(3), nullable=False),
    _ts("posted_at"),
    UniqueConstraint("key"),
    Index("ix_ledger_transactions_job", "job_id", "posted_at"),
    Index("ix_ledger_transactions_posted", "posted_at", "id"),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", AutoBigInteger, primary_key=True, autoincrement=True),
    Column("transaction_id", BigInteger, ForeignKey("ledger_transactions.id"), nullable=False),
    Column("account", String(64), ForeignKey("ledger_accounts.name"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    _ts("posted_at"),
    CheckConstraint("amount <> 0", name="amount_non_zero"),
    UniqueConstraint("transaction_id", "account"),
    # An account's statement, in time order.
    Index("ix_ledger_entries_account", "account", "posted_at", "id"),
)

payment_intents = Table(
    "payment_intents",
    metadata,
    _id(),
    _version(),
    Column("job_id", BigInteger, ForeignKey("jobs.id"), nullable=False),
    Column("payer_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    #: Our reference at the provider: unique, so a confirmation funds at most one intent.
    Column("reference", String(100), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("checkout_url", String(1000), nullable=False),
    Column("provider_reference", String(200), nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("reason", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    CheckConstraint("amount > 0", name="amount_positive"),
    _one_of("status", IntentStatus, "status"),
    UniqueConstraint("reference"),
    # A job's payments and a payer's payments, newest first (keyset on created_at, id).
    Index("ix_payment_intents_job", "job_id", "created_at", "id"),
    Index("ix_payment_intents_payer", "payer_id", "created_at", "id"),
    # The periodic reconciliation: pending intents, oldest first.
    Index("ix_payment_intents_status", "status", "created_at", "id"),
)

withdrawals = Table(
    "withdrawals",
    metadata,
    _id(),
    _version(),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payout_bank", String(100), nullable=False),
    Column("payout_account_number", String(10), nullable=False),
    Column("payout_account_name", String(100), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("provider_reference", String(200), nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    CheckConstraint("amount > 0", name="amount_positive"),
    _one_of("status", WithdrawalStatus, "status"),
    UniqueConstraint("reference"),
    # A user's withdrawals of the day (daily count and amount limits).
    Index("ix_withdrawals_user", "user_id", "created_at"),
    # The periodic payout check: requested / processing withdrawals, oldest first.
    Index("ix_withdrawals_status", "status", "created_at", "id"),
)

disputes = Table(
    "disputes",
    metadata,
    _id(),
    _version(),
    Column("job_id", BigInteger, ForeignKey("jobs.id"), nullable=False),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False),
    Column("worker_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("client_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("opened_by", BigInteger, nullable=False),
    Column("category", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),
    #: ``application_id`` while the dispute is active, else NULL: with a plain UNIQUE (NULLs
    #: are distinct) at most one active dispute per application, on SQLite and PostgreSQL.
    Column("active_application_id", BigInteger, nullable=True),
    Column("held", Boolean, nullable=False),
    Column("settled", Boolean, nullable=False),
    Column("resolution_kind", String(16), nullable=True),
    Column("resolution_worker_amount", BigInteger, nullable=True),
    Column("resolution_currency", String(3), nullable=True),
    Column("decided_by", BigInteger, nullable=True),
    Column("note", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    _one_of("status", DisputeStatus, "status"),
    _one_of("category", DisputeCategory, "category"),
    CheckConstraint(
        "resolution_worker_amount IS NULL OR resolution_worker_amount >= 0",
        name="resolution_amount_non_negative",
    ),
    UniqueConstraint("active_application_id"),
    Index("ix_disputes_job", "job_id"),
    # A party's disputes, newest first (GET /me/disputes).
    Index("ix_disputes_worker", "worker_id", "created_at", "id"),
    Index("ix_disputes_client", "client_id", "created_at", "id"),
    # The admins' queue, newest first: by status, or all of them (keyset on created_at, id).
    Index("ix_disputes_status", "status", "created_at", "id"),
    Index("ix_disputes_created", "created_at", "id"),
)

# -- notifications (DOMAIN.md Notifications) ------------------------------------------------

notifications = Table(
    "notifications",
    metadata,
    _id(),
    _version(),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("category", String(32), nullable=False),
    Column("title", String(120), nullable=False),
    Column("body", Text, nullable=False),
    Column("link_kind", String(16), nullable=True),
    Column("link_id", BigInteger, nullable=True),
    #: The outbox event (``event:<id>``) or periodic key the notification was made from.
    Column("source", String(100), nullable=False),
    _ts("created_at"),
    _ts("read_at", nullable=True),
    _one_of("category", Category, "category"),
    _one_of("link_kind", LinkKind, "link_kind"),
    # A user's notifications, newest first (keyset on created_at, id); unread counts.
    Index("ix_notifications_user", "user_id", "created_at", "id"),
    Index("ix_notifications_user_unread", "user_id", "read_at"),
    # The e-mail step finds the notifications of one event again.
    Index("ix_notifications_source", "source"),
)

notification_preferences = Table(
    "notification_preferences",
    metadata,
    #: The user's id: one row per user, only for users who switched something off.
    Column("id", BigInteger, ForeignKey("users.id"), primary_key=True, autoincrement=False),
    _version(),
    #: Switched-off pairs as ``"category:channel"`` strings.
    Column("disabled", JSON, nullable=False),
)

processed_events = Table(
    "processed_events",
    metadata,
    _id(),
    _version(),
    Column("handler", String(64), nullable=False),
    Column("event_id", BigInteger, nullable=False),
    _ts("processed_at"),
    # Exactly once in effect: a handler records each event once (invariant of the relay).
    UniqueConstraint("handler", "event_id"),
)

# -- reviews, gamification, platform feedback (DOMAIN.md Reviews, Gamification) ------------

reviews = Table(
    "reviews",
    metadata,
    _id(),
    _version(),
    Column("job_id", BigInteger, ForeignKey("jobs.id"), nullable=False),
    Column("reviewer_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("reviewee_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    #: When the reviewee marked it read (null: unread).
    _ts("read_at", nullable=True),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    CheckConstraint("reviewer_id <> reviewee_id", name="not_self"),
    # One review per (reviewer, reviewee, job).
    UniqueConstraint("reviewer_id", "reviewee_id", "job_id"),
    # A user's reviews, newest first (GET /users/{id}/reviews, keyset on created_at, id).
    Index("ix_reviews_reviewee", "reviewee_id", "created_at", "id"),
    # The reviews a user wrote, newest first (compat GET /rating/ratings/reviewer_{uid}/).
    Index("ix_reviews_reviewer", "reviewer_id", "created_at", "id"),
)

rating_summaries = Table(
    "rating_summaries",
    metadata,
    #: The reviewed user's id: one row per user, changed with each review (version-guarded).
    Column("id", BigInteger, ForeignKey("users.id"), primary_key=True, autoincrement=False),
    _version(),
    Column("stars_1", Integer, nullable=False),
    Column("stars_2", Integer, nullable=False),
    Column("stars_3", Integer, nullable=False),
    Column("stars_4", Integer, nullable=False),
    Column("stars_5", Integer, nullable=False),
    CheckConstraint(
        "stars_1 >= 0 AND stars_2 >= 0 AND stars_3 >= 0 AND stars_4 >= 0 AND stars_5 >= 0",
        name="stars_non_negative",
    ),
)

awards = Table(
    "awards",
    metadata,
    _id(),
    _version(),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    #: The fact paid for (``shift:<application>``, ``badge:<name>``, ...): paid once per user.
    Column("key", String(80), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("points", Integer, nullable=False),
    Column("event_id", BigInteger, nullable=False),
    _ts("awarded_at"),
    CheckConstraint("points >= 0", name="points_non_negative"),
    _one_of("kind", AwardKind, "kind"),
    UniqueConstraint("user_id", "key"),
    # A user's awards and badges in order (GET /me/achievements).
    Index("ix_awards_user", "user_id", "awarded_at"),
    # A week's points per user (rebuilding a weekly leaderboard).
    Index("ix_awards_awarded_at", "awarded_at", "user_id", "points"),
)

achievements = Table(
    "achievements",
    metadata,
    #: The user's id: one row per user who earned anything.
    Column("id", BigInteger, ForeignKey("users.id"), primary_key=True, autoincrement=False),
    _version(),
    Column("xp", Integer, nullable=False),
    Column("shifts_completed", Integer, nullable=False),
    Column("on_time_check_ins", Integer, nullable=False),
    Column("five_star_reviews", Integer, nullable=False),
    Column("current_streak", Integer, nullable=False),
    Column("best_streak", Integer, nullable=False),
    Column("last_shift_week", Date, nullable=True),
    CheckConstraint("xp >= 0", name="xp_non_negative"),
    # The all-time leaderboard's rebuild reads users with XP.
    Index("ix_achievements_xp", "xp"),
)

feedback = Table(
    "feedback",
    metadata,
    _id(),
    _version(),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("category", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("resolved_by", BigInteger, nullable=True),
    _ts("resolved_at", nullable=True),
    Column("note", Text, nullable=False),
    _ts("created_at"),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    _one_of("category", FeedbackCategory, "category"),
    _one_of("status", FeedbackStatus, "status"),
    # The admins' list, newest first, all or by status.
    Index("ix_feedback_created", "created_at", "id"),
    Index("ix_feedback_status", "status", "created_at", "id"),
)
