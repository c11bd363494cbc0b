"""Valid aggregates for the storage contract suites (built directly, not through use cases)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.applications import Application
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CODE_TTL, CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.contact import Email, PhoneNumber
from paeshift_core.domain.disputes import Dispute, DisputeCategory
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import PaymentIntent, Withdrawal
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.schedule import JobType, Schedule
from paeshift_core.domain.tokens import REFRESH_TTL, RefreshToken
from paeshift_core.domain.users import PayoutAccount, Role, User

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def state(aggregate: Aggregate) -> dict[str, Any]:
    """Every persisted field of an aggregate (what a round trip must preserve)."""
    return attrs.asdict(aggregate, recurse=False, filter=lambda a, _: a.name != "_events")


def user(user_id: int, email: str | None = None, role: Role = Role.APPLICANT) -> User:
    return User(
        id=user_id,
        email=Email(email or f"user{user_id}@example.com"),
        first_name="Ada",
        last_name="Obi",
        password_hash="argon2$hash",
        role=role,
        is_verified=True,
        created_at=NOW,
        updated_at=NOW,
        phone=PhoneNumber("0803 123 4567"),
        bio="Reliable and punctual.",
        skills=("waiter", "bartender"),
        address="5 Marina Road, Lagos",
        location=GeoPoint(6.45, 3.39),
        payout_account=PayoutAccount("GTBank", "0123456789", "Ada Obi"),
    )


def code(code_id: int, email: str, created_at: datetime = NOW) -> OneTimeCode:
    return OneTimeCode(
        id=code_id,
        email=email,
        purpose=CodePurpose.REGISTRATION,
        code_hash=f"hash-{code_id}",
        created_at=created_at,
        expires_at=created_at + CODE_TTL,
    )


def attempts(attempts_id: int, email: str) -> CodeAttempts:
    return CodeAttempts(id=attempts_id, email=email)


def token(token_id: int, user_id: int, family_id: int) -> RefreshToken:
    return RefreshToken(
        id=token_id,
        user_id=user_id,
        family_id=family_id,
        token_hash=f"digest-{token_id}",
        created_at=NOW,
        expires_at=NOW + REFRESH_TTL,
    )


def industry(industry_id: int, name: str = "Hospitality") -> Industry:
    found = Industry(id=industry_id, name=name)
    found.add_subcategory(industry_id + 1, "Waiter")
    found.add_subcategory(industry_id + 2, "Bartender")
    return found


def job(
    job_id: int,
    client_id: int,
    industry: Industry,
    *,
    seats: int = 3,
    created_at: datetime = NOW,
    start: date = date(2026, 1, 10),
) -> Job:
    schedule = Schedule(
        job_type=JobType.SINGLE_DAY,
        start_date=start,
        end_date=start,
        start_time=time(22, 0),
        end_time=time(6, 0),
    )
    return Job(
        id=job_id,
        client_id=client_id,
        title="Night waiters",
        description="Serve guests at a hotel party.",
        industry_id=industry.id,
        subcategory_id=industry.subcategories[0].id,
        shift_type=ShiftType.NIGHT,
        schedule=schedule,
        pricing=Pricing.compute(Money(150_050), schedule.billable_minutes, seats, 1_000),
        address="12 Broad Street, Lagos",
        location=GeoPoint(6.45, 3.4),
        created_at=created_at,
        updated_at=created_at,
    )


def application(
    application_id: int, job_id: int, applicant_id: int, created_at: datetime = NOW
) -> Application:
    return Application(
        id=application_id,
        job_id=job_id,
        applicant_id=applicant_id,
        created_at=created_at,
        updated_at=created_at,
        check_in_location=GeoPoint(6.4501, 3.3999),
    )


def payment_intent(intent_id: int, job: Job, reference: str) -> PaymentIntent:
    return PaymentIntent(
        id=intent_id,
        job_id=job.id,
        payer_id=job.client_id,
        amount=job.pricing.total_due,
        reference=reference,
        provider="sandbox",
        checkout_url="https://pay.example/checkout",
        created_at=NOW,
        updated_at=NOW,
    )


def withdrawal(withdrawal_id: int, user_id: int, reference: str, hours_ago: int = 0) -> Withdrawal:
    moment = NOW - timedelta(hours=hours_ago)
    return Withdrawal(
        id=withdrawal_id,
        user_id=user_id,
        amount=Money(200_000),
        payout_account=PayoutAccount("GTBank", "0123456789", "Ada Obi"),
        reference=reference,
        created_at=moment,
        updated_at=moment,
    )


def dispute(dispute_id: int, application: Application, client_id: int) -> Dispute:
    return Dispute(
        id=dispute_id,
        job_id=application.job_id,
        application_id=application.id,
        worker_id=application.applicant_id,
        client_id=client_id,
        opened_by=client_id,
        category=DisputeCategory.NO_SHOW,
        reason="The worker did not come.",
        created_at=NOW,
        updated_at=NOW,
    )
