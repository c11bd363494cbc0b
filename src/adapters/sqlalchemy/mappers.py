"""Explicit row <-> domain mappers, one pair per aggregate.

Domain classes stay plain attrs (slotted, validated in their constructors, no ORM state); these
functions are the only place that knows both shapes. Rows are plain dicts keyed by column name.
Timestamps are written in UTC and read back as aware UTC datetimes (SQLite keeps no offset).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.catalog import Industry, Subcategory
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.contact import Email, PhoneNumber
from paeshift_core.domain.disputes import (
    Dispute,
    DisputeCategory,
    DisputeStatus,
    Resolution,
    ResolutionKind,
)
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, JobStatus, JobSummary, ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import (
    FundingOutcome,
    IntentStatus,
    PaymentIntent,
    Withdrawal,
    WithdrawalStatus,
)
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.schedule import JobType, Schedule
from paeshift_core.domain.tokens import RefreshToken
from paeshift_core.domain.users import PayoutAccount, Role, User
from paeshift_core.ports.feed import FeedJob

Row = dict[str, Any]
RowIn = Mapping[str, Any]


def to_utc(moment: datetime) -> datetime:
    """Aware UTC for storage; a naive value is a programming error in the core."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; the Clock gives aware UTC")
    return moment.astimezone(UTC)


def from_utc(value: datetime) -> datetime:
    """Aware UTC from the database (SQLite returns naive values written as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _to_utc_opt(moment: datetime | None) -> datetime | None:
    return None if moment is None else to_utc(moment)


def _from_utc_opt(value: datetime | None) -> datetime | None:
    return None if value is None else from_utc(value)


def _point(lat: float | None, lng: float | None) -> GeoPoint | None:
    return None if lat is None or lng is None else GeoPoint(lat, lng)


def _lat(point: GeoPoint | None) -> float | None:
    return None if point is None else point.latitude


def _lng(point: GeoPoint | None) -> float | None:
    return None if point is None else point.longitude


def _payout_columns(account: PayoutAccount | None) -> Row:
    return {
        "payout_bank": None if account is None else account.bank,
        "payout_account_number": None if account is None else account.account_number,
        "payout_account_name": None if account is None else account.account_name,
    }


def _payout(row: RowIn) -> PayoutAccount:
    return PayoutAccount(
        bank=row["payout_bank"],
        account_number=row["payout_account_number"],
        account_name=row["payout_account_name"],
    )


# -- users --------------------------------------------------------------------------------
def user_to_row(user: User) -> Row:
    return {
        "id": user.id,
        "email": user.email.value,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "password_hash": user.password_hash,
        "role": user.role.value,
        "is_verified": user.is_verified,
        "is_active": user.is_active,
        "created_at": to_utc(user.created_at),
        "updated_at": to_utc(user.updated_at),
        "phone": None if user.phone is None else user.phone.value,
        "bio": user.bio,
        "skills": list(user.skills),
        "address": user.address,
        "latitude": _lat(user.location),
        "longitude": _lng(user.location),
        "picture": user.picture,
        **_payout_columns(user.payout_account),
    }


def row_to_user(row: RowIn) -> User:
    payout = None if row["payout_account_number"] is None else _payout(row)
    return User(
        id=row["id"],
        version=row["version"],
        email=Email(row["email"]),
        first_name=row["first_name"],
        last_name=row["last_name"],
        password_hash=row["password_hash"],
        role=Role(row["role"]),
        is_verified=bool(row["is_verified"]),
        is_active=bool(row["is_active"]),
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
        phone=None if row["phone"] is None else PhoneNumber(row["phone"]),
        bio=row["bio"],
        skills=tuple(row["skills"]),
        address=row["address"],
        location=_point(row["latitude"], row["longitude"]),
        picture=row["picture"],
        payout_account=payout,
    )


# -- one-time codes and attempts --------------------------------------------------------
def code_to_row(code: OneTimeCode) -> Row:
    return {
        "id": code.id,
        "email": code.email,
        "purpose": code.purpose.value,
        "code_hash": code.code_hash,
        "created_at": to_utc(code.created_at),
        "expires_at": to_utc(code.expires_at),
        "consumed_at": _to_utc_opt(code.consumed_at),
    }


def row_to_code(row: RowIn) -> OneTimeCode:
    return OneTimeCode(
        id=row["id"],
        version=row["version"],
        email=row["email"],
        purpose=CodePurpose(row["purpose"]),
        code_hash=row["code_hash"],
        created_at=from_utc(row["created_at"]),
        expires_at=from_utc(row["expires_at"]),
        consumed_at=_from_utc_opt(row["consumed_at"]),
    )


def attempts_to_row(attempts: CodeAttempts) -> Row:
    return {
        "id": attempts.id,
        "email": attempts.email,
        "failures": attempts.failures,
        "locked_until": _to_utc_opt(attempts.locked_until),
    }


def row_to_attempts(row: RowIn) -> CodeAttempts:
    return CodeAttempts(
        id=row["id"],
        version=row["version"],
        email=row["email"],
        failures=row["failures"],
        locked_until=_from_utc_opt(row["locked_until"]),
    )


# -- refresh tokens -----------------------------------------------------------------------
def token_to_row(token: RefreshToken) -> Row:
    return {
        "id": token.id,
        "user_id": token.user_id,
        "family_id": token.family_id,
        "token_hash": token.token_hash,
        "created_at": to_utc(token.created_at),
        "expires_at": to_utc(token.expires_at),
        "rotated_at": _to_utc_opt(token.rotated_at),
        "revoked_at": _to_utc_opt(token.revoked_at),
    }


def row_to_token(row: RowIn) -> RefreshToken:
    return RefreshToken(
        id=row["id"],
        version=row["version"],
        user_id=row["user_id"],
        family_id=row["family_id"],
        token_hash=row["token_hash"],
        created_at=from_utc(row["created_at"]),
        expires_at=from_utc(row["expires_at"]),
        rotated_at=_from_utc_opt(row["rotated_at"]),
        revoked_at=_from_utc_opt(row["revoked_at"]),
    )


# -- catalog ----------------------------------------------------------------------------
def industry_to_row(industry: Industry) -> Row:
    return {"id": industry.id, "name": industry.name, "name_key": industry.name.lower()}


def subcategory_to_row(sub: Subcategory) -> Row:
    return {
        "id": sub.id,
        "version": sub.version,
        "industry_id": sub.industry_id,
        "name": sub.name,
        "name_key": sub.name.lower(),
    }


def row_to_industry(row: RowIn, sub_rows: list[RowIn]) -> Industry:
    subs = [
        Subcategory(id=s["id"], version=s["version"], industry_id=s["industry_id"], name=s["name"])
        for s in sorted(sub_rows, key=lambda s: s["id"])
    ]
    return Industry(id=row["id"], version=row["version"], name=row["name"], subcategories=subs)


# -- jobs -------------------------------------------------------------------------------
def job_to_row(job: Job) -> Row:
    schedule, pricing = job.schedule, job.pricing
    return {
        "id": job.id,
        "client_id": job.client_id,
        "title": job.title,
        "description": job.description,
        "industry_id": job.industry_id,
        "subcategory_id": job.subcategory_id,
        "shift_type": job.shift_type.value,
        "job_type": schedule.job_type.value,
        "start_date": schedule.start_date,
        "end_date": schedule.end_date,
        "start_time": schedule.start_time,
        "end_time": schedule.end_time,
        "timezone": schedule.timezone,
        "starts_at": schedule.starts_at,
        "ends_at": schedule.ends_at,
        "currency": pricing.hourly_rate.currency,
        "hourly_rate": pricing.hourly_rate.amount,
        "billable_minutes": pricing.billable_minutes,
        "seats": pricing.seats,
        "fee_rate_bp": pricing.fee_rate_bp,
        "worker_pay": pricing.worker_pay.amount,
        "job_cost": pricing.job_cost.amount,
        "service_fee": pricing.service_fee.amount,
        "total_due": pricing.total_due.amount,
        "address": job.address,
        "latitude": _lat(job.location),
        "longitude": _lng(job.location),
        "status": job.status.value,
        "accepted_count": job.accepted_count,
        "created_at": to_utc(job.created_at),
        "updated_at": to_utc(job.updated_at),
        "funded_at": _to_utc_opt(job.funded_at),
        "started_at": _to_utc_opt(job.started_at),
        "ended_at": _to_utc_opt(job.ended_at),
        "canceled_at": _to_utc_opt(job.canceled_at),
    }


def row_to_job(row: RowIn) -> Job:
    currency = row["currency"]

    def money(column: str) -> Money:
        return Money(row[column], currency)

    return Job(
        id=row["id"],
        version=row["version"],
        client_id=row["client_id"],
        title=row["title"],
        description=row["description"],
        industry_id=row["industry_id"],
        subcategory_id=row["subcategory_id"],
        shift_type=ShiftType(row["shift_type"]),
        schedule=Schedule(
            job_type=JobType(row["job_type"]),
            start_date=row["start_date"],
            end_date=row["end_date"],
            start_time=row["start_time"],
            end_time=row["end_time"],
            timezone=row["timezone"],
        ),
        # The stored figures are authoritative: they were fixed when the job was priced.
        pricing=Pricing(
            hourly_rate=money("hourly_rate"),
            billable_minutes=row["billable_minutes"],
            seats=row["seats"],
            fee_rate_bp=row["fee_rate_bp"],
            worker_pay=money("worker_pay"),
            job_cost=money("job_cost"),
            service_fee=money("service_fee"),
            total_due=money("total_due"),
        ),
        address=row["address"],
        location=_point(row["latitude"], row["longitude"]),
        status=JobStatus(row["status"]),
        accepted_count=row["accepted_count"],
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
        funded_at=_from_utc_opt(row["funded_at"]),
        started_at=_from_utc_opt(row["started_at"]),
        ended_at=_from_utc_opt(row["ended_at"]),
        canceled_at=_from_utc_opt(row["canceled_at"]),
    )


#: The columns of ``jobs`` that :func:`row_to_job_summary` takes, in its order.
JOB_SUMMARY_COLUMNS = (
    "id",
    "client_id",
    "title",
    "status",
    "shift_type",
    "address",
    "starts_at",
    "ends_at",
    "worker_pay",
    "currency",
)


def row_to_job_summary(
    job_id: int,
    client_id: int,
    title: str,
    status: str,
    shift_type: str,
    address: str,
    starts_at: datetime,
    ends_at: datetime,
    worker_pay: int,
    currency: str,
) -> JobSummary:
    """A :class:`JobSummary` from its columns (:data:`JOB_SUMMARY_COLUMNS`); the stored
    start and end are the schedule's, as for :func:`row_to_feed_job`."""
    return JobSummary(
        id=job_id,
        client_id=client_id,
        title=title,
        status=JobStatus(status),
        shift_type=ShiftType(shift_type),
        address=address,
        starts_at=from_utc(starts_at),
        ends_at=from_utc(ends_at),
        worker_pay=Money(worker_pay, currency),
    )


def row_to_feed_job(
    row: Mapping[Any, Any], subcategory_name: str, distance_km: float | None
) -> FeedJob:
    """A feed row as :class:`FeedJob`, without building the :class:`Job` first.

    ``FeedJob.of(row_to_job(row), ...)`` validated a whole aggregate (its schedule, five
    amounts) to keep a third of it: most of the CPU of a best-match cache miss, which maps
    300 rows (``python -m bench.feed_rows``: 2-4× less CPU). The stored start and end
    are the schedule's, written with the job (``job_to_row``); the discovery contract checks
    that both ways give the same job.
    """
    currency = row["currency"]
    return FeedJob(
        id=row["id"],
        client_id=row["client_id"],
        title=row["title"],
        description=row["description"],
        industry_id=row["industry_id"],
        subcategory_id=row["subcategory_id"],
        subcategory_name=subcategory_name,
        shift_type=ShiftType(row["shift_type"]),
        job_type=JobType(row["job_type"]),
        start_date=row["start_date"],
        end_date=row["end_date"],
        start_time=row["start_time"],
        end_time=row["end_time"],
        timezone=row["timezone"],
        starts_at=from_utc(row["starts_at"]),
        ends_at=from_utc(row["ends_at"]),
        hourly_rate=Money(row["hourly_rate"], currency),
        worker_pay=Money(row["worker_pay"], currency),
        seats=row["seats"],
        free_seats=row["seats"] - row["accepted_count"],
        address=row["address"],
        location=_point(row["latitude"], row["longitude"]),
        created_at=from_utc(row["created_at"]),
        distance_km=distance_km,
    )


# -- applications -----------------------------------------------------------------------
def application_to_row(app: Application) -> Row:
    return {
        "id": app.id,
        "job_id": app.job_id,
        "applicant_id": app.applicant_id,
        "status": app.status.value,
        "created_at": to_utc(app.created_at),
        "updated_at": to_utc(app.updated_at),
        "reapplied": app.reapplied,
        "late_withdrawal": app.late_withdrawal,
        "checked_in_at": _to_utc_opt(app.checked_in_at),
        "check_in_latitude": _lat(app.check_in_location),
        "check_in_longitude": _lng(app.check_in_location),
        "check_in_flagged": app.check_in_flagged,
        "checked_out_at": _to_utc_opt(app.checked_out_at),
        "check_out_latitude": _lat(app.check_out_location),
        "check_out_longitude": _lng(app.check_out_location),
    }


def row_to_application(row: RowIn) -> Application:
    return Application(
        id=row["id"],
        version=row["version"],
        job_id=row["job_id"],
        applicant_id=row["applicant_id"],
        status=ApplicationStatus(row["status"]),
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
        reapplied=bool(row["reapplied"]),
        late_withdrawal=bool(row["late_withdrawal"]),
        checked_in_at=_from_utc_opt(row["checked_in_at"]),
        check_in_location=_point(row["check_in_latitude"], row["check_in_longitude"]),
        check_in_flagged=bool(row["check_in_flagged"]),
        checked_out_at=_from_utc_opt(row["checked_out_at"]),
        check_out_location=_point(row["check_out_latitude"], row["check_out_longitude"]),
    )


# -- payments ---------------------------------------------------------------------------
def intent_to_row(intent: PaymentIntent) -> Row:
    return {
        "id": intent.id,
        "job_id": intent.job_id,
        "payer_id": intent.payer_id,
        "amount": intent.amount.amount,
        "currency": intent.amount.currency,
        "reference": intent.reference,
        "provider": intent.provider,
        "status": intent.status.value,
        "checkout_url": intent.checkout_url,
        "provider_reference": intent.provider_reference,
        "outcome": None if intent.outcome is None else intent.outcome.value,
        "reason": intent.reason,
        "created_at": to_utc(intent.created_at),
        "updated_at": to_utc(intent.updated_at),
    }


def row_to_intent(row: RowIn) -> PaymentIntent:
    return PaymentIntent(
        id=row["id"],
        version=row["version"],
        job_id=row["job_id"],
        payer_id=row["payer_id"],
        amount=Money(row["amount"], row["currency"]),
        reference=row["reference"],
        provider=row["provider"],
        status=IntentStatus(row["status"]),
        checkout_url=row["checkout_url"],
        provider_reference=row["provider_reference"],
        outcome=None if row["outcome"] is None else FundingOutcome(row["outcome"]),
        reason=row["reason"],
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
    )


def withdrawal_to_row(withdrawal: Withdrawal) -> Row:
    return {
        "id": withdrawal.id,
        "user_id": withdrawal.user_id,
        "amount": withdrawal.amount.amount,
        "currency": withdrawal.amount.currency,
        **_payout_columns(withdrawal.payout_account),
        "reference": withdrawal.reference,
        "status": withdrawal.status.value,
        "reason": withdrawal.reason,
        "provider_reference": withdrawal.provider_reference,
        "created_at": to_utc(withdrawal.created_at),
        "updated_at": to_utc(withdrawal.updated_at),
    }


def row_to_withdrawal(row: RowIn) -> Withdrawal:
    return Withdrawal(
        id=row["id"],
        version=row["version"],
        user_id=row["user_id"],
        amount=Money(row["amount"], row["currency"]),
        payout_account=_payout(row),
        reference=row["reference"],
        status=WithdrawalStatus(row["status"]),
        reason=row["reason"],
        provider_reference=row["provider_reference"],
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
    )


# -- disputes ---------------------------------------------------------------------------
def dispute_to_row(dispute: Dispute) -> Row:
    resolution = dispute.resolution
    worker_amount = None if resolution is None else resolution.worker_amount
    return {
        "id": dispute.id,
        "job_id": dispute.job_id,
        "application_id": dispute.application_id,
        "worker_id": dispute.worker_id,
        "client_id": dispute.client_id,
        "opened_by": dispute.opened_by,
        "category": dispute.category.value,
        "reason": dispute.reason,
        "status": dispute.status.value,
        "active_application_id": dispute.application_id if dispute.is_active else None,
        "held": dispute.held,
        "settled": dispute.settled,
        "resolution_kind": None if resolution is None else resolution.kind.value,
        "resolution_worker_amount": None if worker_amount is None else worker_amount.amount,
        "resolution_currency": None if worker_amount is None else worker_amount.currency,
        "decided_by": dispute.decided_by,
        "note": dispute.note,
        "created_at": to_utc(dispute.created_at),
        "updated_at": to_utc(dispute.updated_at),
    }


def row_to_dispute(row: RowIn) -> Dispute:
    resolution = None
    if row["resolution_kind"] is not None:
        amount = row["resolution_worker_amount"]
        resolution = Resolution(
            kind=ResolutionKind(row["resolution_kind"]),
            worker_amount=None if amount is None else Money(amount, row["resolution_currency"]),
        )
    return Dispute(
        id=row["id"],
        version=row["version"],
        job_id=row["job_id"],
        application_id=row["application_id"],
        worker_id=row["worker_id"],
        client_id=row["client_id"],
        opened_by=row["opened_by"],
        category=DisputeCategory(row["category"]),
        reason=row["reason"],
        status=DisputeStatus(row["status"]),
        held=bool(row["held"]),
        settled=bool(row["settled"]),
        resolution=resolution,
        decided_by=row["decided_by"],
        note=row["note"],
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
    )
