"""Deterministic, realistic rows for ``paeshift seed`` (benchmarks, demos, load tests).

Everything follows from a :class:`SeedPlan` (sizes, random seed, the anchor day "now"): the
same plan gives the same rows. The rows obey the domain's rules, computed by the domain itself
(``Pricing.compute``, ``Schedule``, ``seat_shares``, ``transfer``), so the seeded ledger passes
``paeshift check-ledger`` (DOMAIN.md Money: invariants):

- jobs across the catalog in every status (pending, upcoming, ongoing, completed, canceled);
  ``accepted_count`` equals the seat-holding applications;
- every funded job has a succeeded payment intent and its ``payment:{ref}`` posting
  gateway → escrow for ``total_due``; a completed job's seats are settled as settlement does
  (``seat:{application}``: worker pay and fee, or the no-show's seat back to the client) and
  its unfilled seats refunded; a canceled funded job is refunded in full;
- account balance rows are the sums of the entries.

Rows are tuples in the table's column order (``columns(table)``), produced in chunks of jobs
so that a large seed streams to the database instead of being held in memory; the ledger and
the per-user summaries are complete only after the last chunk (:meth:`SeedGenerator.finish`).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from attrs import field, frozen
from sqlalchemy import Table

from adapters.sqlalchemy import tables as t
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.catalog import DEFAULT_CATALOG
from paeshift_core.domain.jobs import JobStatus, ShiftType
from paeshift_core.domain.ledger import (
    PLATFORM_FEES,
    PLATFORM_GATEWAY,
    Transaction,
    TransactionKind,
    escrow_account,
    is_guarded,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import DEFAULT_CURRENCY, Money
from paeshift_core.domain.notifications import Category, LinkKind
from paeshift_core.domain.pricing import DEFAULT_FEE_RATE_BP, Pricing
from paeshift_core.domain.schedule import DEFAULT_TIMEZONE, JobType, Schedule
from paeshift_core.domain.seats import seat_shares, unfilled_total
from paeshift_core.domain.users import Role

SeedRow = tuple[Any, ...]

#: City centres the seeded users and jobs are spread around (DOMAIN.md: Nigeria).
CITIES: tuple[tuple[str, float, float], ...] = (
    ("Lagos", 6.5244, 3.3792),
    ("Abuja", 9.0765, 7.3986),
    ("Port Harcourt", 4.8156, 7.0498),
)
_CITY_WEIGHTS = (6, 3, 2)
_AREAS = {
    "Lagos": ("Ikeja", "Yaba", "Lekki", "Surulere", "Victoria Island", "Ikoyi", "Apapa"),
    "Abuja": ("Wuse", "Garki", "Maitama", "Asokoro", "Gwarinpa", "Jabi"),
    "Port Harcourt": ("GRA", "Rumuokoro", "Trans Amadi", "D-Line", "Borokiri"),
}
_STREETS = ("Adeola Odeku", "Allen Avenue", "Herbert Macaulay", "Aminu Kano", "Ademola", "Aba")
_FIRST = ("Ada", "Chinedu", "Tunde", "Ngozi", "Emeka", "Funmi", "Ibrahim", "Aisha", "Segun")
_LAST = ("Okafor", "Adeyemi", "Bello", "Eze", "Balogun", "Nwosu", "Okeke", "Abubakar", "Lawal")
_ADJECTIVES = ("Experienced", "Reliable", "Friendly", "Skilled", "Energetic", "Punctual")
_SHIFT_HOURS: dict[ShiftType, tuple[time, time]] = {
    ShiftType.MORNING: (time(7, 0), time(13, 0)),
    ShiftType.AFTERNOON: (time(12, 0), time(18, 0)),
    ShiftType.EVENING: (time(17, 0), time(23, 0)),
    ShiftType.NIGHT: (time(22, 0), time(6, 0)),
    ShiftType.DAY: (time(8, 0), time(17, 0)),
    ShiftType.FLEXIBLE: (time(10, 0), time(16, 0)),
}
_STATUS_WEIGHTS: dict[JobStatus, int] = {
    JobStatus.PENDING: 8,
    JobStatus.UPCOMING: 52,
    JobStatus.ONGOING: 5,
    JobStatus.COMPLETED: 25,
    JobStatus.CANCELED: 10,
}
_SEATS = (1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8, 10)
_STARS = (1, 2, 3, 4, 5)
_STAR_WEIGHTS = (3, 5, 12, 30, 50)
#: ``source`` of seeded notifications (real ones name their outbox event).
SEED_SOURCE = "seed"


@frozen(kw_only=True)
class SeedPlan:
    """What to generate: sizes, the random seed and the anchor day (the seed's "now")."""

    jobs: int = field()
    applications: int
    seed: int = 1
    anchor: datetime = field()
    clients: int = 0  # 0: derived from ``jobs``
    applicants: int = 0  # 0: derived from ``jobs``
    fee_rate_bp: int = DEFAULT_FEE_RATE_BP
    chunk_jobs: int = 5_000

    @jobs.validator
    def _check_jobs(self, _: object, value: int) -> None:
        if value < 1:
            raise ValueError("jobs must be at least 1")

    @anchor.validator
    def _check_anchor(self, _: object, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("anchor must be an aware datetime")

    @property
    def client_count(self) -> int:
        return self.clients or max(5, self.jobs // 20)

    @property
    def applicant_count(self) -> int:
        return self.applicants or max(20, self.jobs // 2, self.applications // 10)


def anchor_of(day: date) -> datetime:
    """Midnight UTC of ``day``: the seed's "now" (upcoming jobs start days after it)."""
    return datetime.combine(day, time(0, 0), UTC)


def columns(table: Table) -> list[str]:
    return [c.name for c in table.columns]


def _tuple(table: Table, values: dict[str, Any]) -> SeedRow:
    """``values`` in the table's column order; a column not given is NULL (a nullable column
    added later needs no change here; the database refuses a missing NOT NULL one)."""
    return tuple(values.get(name) for name in columns(table))


#: The order in which the generator writes the rows of the busiest tables, mapped onto the
#: tables' columns by :func:`_fit` (cheaper than a dict per row).
_FIELDS: dict[str, tuple[str, ...]] = {
    "applications": (
        "id", "version", "job_id", "applicant_id", "status", "created_at", "updated_at",
        "reapplied", "late_withdrawal", "checked_in_at", "check_in_latitude",
        "check_in_longitude", "check_in_flagged", "checked_out_at", "check_out_latitude",
        "check_out_longitude",
    ),
    "notifications": (
        "id", "version", "user_id", "category", "title", "body", "link_kind", "link_id",
        "source", "created_at", "read_at",
    ),
    "saved_jobs": ("id", "version", "user_id", "job_id", "created_at"),
    "payment_intents": (
        "id", "version", "job_id", "payer_id", "amount", "currency", "reference", "provider",
        "status", "checkout_url", "provider_reference", "outcome", "reason", "created_at",
        "updated_at",
    ),
    "reviews": (
        "id", "version", "job_id", "reviewer_id", "reviewee_id", "rating", "comment",
        "created_at", "updated_at",
    ),
    "rating_summaries": ("id", "version", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5"),
    "ledger_accounts": ("name", "version", "currency", "balance", "guarded"),
    "ledger_transactions": ("id", "key", "kind", "subject", "job_id", "currency", "posted_at"),
    "ledger_entries": ("id", "transaction_id", "account", "amount", "posted_at"),
}  # fmt: skip
_POSITIONS: dict[str, tuple[int, ...]] = {}


def _fit(table_name: str, values: SeedRow) -> SeedRow:
    """``values`` (in ``_FIELDS`` order) in the table's column order, NULL for the others."""
    positions = _POSITIONS.get(table_name)
    if positions is None:
        fields = _FIELDS[table_name]
        positions = tuple(
            fields.index(name) if name in fields else -1
            for name in columns(t.metadata.tables[table_name])
        )
        _POSITIONS[table_name] = positions
    return tuple(values[i] if i >= 0 else None for i in positions)


@frozen
class Catalog:
    """The catalog the jobs are spread over: ``(industry id, subcategory id, name)``."""

    subcategories: tuple[tuple[int, int, str], ...]


def default_catalog_rows() -> tuple[list[SeedRow], list[SeedRow], Catalog]:
    """Rows for ``DEFAULT_CATALOG`` (ids from 1), for a database without a catalog."""
    industries, subs, entries = [], [], []
    sub_id = 0
    for industry_id, (name, names) in enumerate(DEFAULT_CATALOG.items(), start=1):
        industries.append((industry_id, 1, name, name.lower()))
        for sub_name in names:
            sub_id += 1
            subs.append((sub_id, 1, industry_id, sub_name, sub_name.lower()))
            entries.append((industry_id, sub_id, sub_name))
    return industries, subs, Catalog(tuple(entries))


@frozen
class SeedChunk:
    """The rows of one chunk of jobs, per table name, in load order."""

    rows: dict[str, list[SeedRow]]
    jobs: int
    applications: int


class SeedGenerator:
    """Generates the rows of a plan; deterministic for a given plan and catalog."""

    def __init__(self, plan: SeedPlan, catalog: Catalog, password_hash: str) -> None:
        self._plan = plan
        self._catalog = catalog
        self._password_hash = password_hash
        self._rng = random.Random(plan.seed)  # noqa: S311 - reproducible data, not secrets
        self._now = plan.anchor
        self._clients = range(2, 2 + plan.client_count)
        first_applicant = 2 + plan.client_count
        self._applicants = range(first_applicant, first_applicant + plan.applicant_count)
        self._user_city: dict[int, int] = {}
        self._balances: dict[str, int] = defaultdict(int)
        self._transactions: list[Transaction] = []
        self._stars: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self._next = Counter[str]()
        self._saved: set[tuple[int, int]] = set()
        statuses, weights = list(_STATUS_WEIGHTS), list(_STATUS_WEIGHTS.values())
        self._statuses = self._rng.choices(statuses, weights, k=plan.jobs)
        self._per_job = self._allocate_applications()

    # -- ids and small helpers -------------------------------------------------------------
    def _id(self, kind: str) -> int:
        self._next[kind] += 1
        return self._next[kind]

    def _point(self, city: int) -> tuple[float, float]:
        _, lat, lng = CITIES[city]
        rng = self._rng
        return round(lat + rng.gauss(0, 0.05), 6), round(lng + rng.gauss(0, 0.05), 6)

    def _address(self, city: int) -> str:
        name = CITIES[city][0]
        rng = self._rng
        area = rng.choice(_AREAS[name])
        return f"{rng.randint(1, 250)} {rng.choice(_STREETS)} Street, {area}, {name}"

    def _city(self) -> int:
        return self._rng.choices(range(len(CITIES)), _CITY_WEIGHTS)[0]

    def _allocate_applications(self) -> list[int]:
        """How many applications each job gets: a heavy-tailed share of the total, over the
        public jobs only (nobody can apply to a pending job)."""
        rng, plan = self._rng, self._plan
        weights = [
            0.0 if status is JobStatus.PENDING else rng.paretovariate(1.6)
            for status in self._statuses
        ]
        counts = [0] * plan.jobs
        for index in rng.choices(range(plan.jobs), weights, k=plan.applications):
            counts[index] += 1
        # One application per applicant and job: what exceeds the applicants goes elsewhere.
        cap = plan.applicant_count
        capped = [min(count, cap) for count in counts]
        leftover = plan.applications - sum(capped)
        public = [i for i, weight in enumerate(weights) if weight and capped[i] < cap]
        while leftover > 0 and public:
            public = [i for i in public if capped[i] < cap]
            for i in public[:leftover]:
                capped[i] += 1
            leftover -= min(leftover, len(public))
        return capped

    # -- users ---------------------------------------------------------------------------
    def users(self) -> Iterator[SeedRow]:
        """An admin (id 1), the clients, then the applicants."""
        yield self._user(1, Role.ADMIN, "admin@seed.paeshift.ng")
        for user_id in self._clients:
            yield self._user(user_id, Role.CLIENT, f"client{user_id}@seed.paeshift.ng")
        for user_id in self._applicants:
            yield self._user(user_id, Role.APPLICANT, f"worker{user_id}@seed.paeshift.ng")

    def _user(self, user_id: int, role: Role, email: str) -> SeedRow:
        rng = self._rng
        city = self._city()
        self._user_city[user_id] = city
        lat, lng = self._point(city)
        joined = self._now - timedelta(days=rng.randint(30, 720), minutes=rng.randint(0, 1439))
        skills: list[str] = []
        bio = ""
        if role is Role.APPLICANT:
            picks = rng.sample(self._catalog.subcategories, k=rng.randint(1, 3))
            skills = sorted({name.lower() for _, _, name in picks})
            bio = f"{rng.choice(_ADJECTIVES)} worker in {CITIES[city][0]}: {', '.join(skills)}."
        return _tuple(
            t.users,
            {
                "id": user_id,
                "version": 1,
                "email": email,
                "first_name": rng.choice(_FIRST),
                "last_name": rng.choice(_LAST),
                "password_hash": self._password_hash,
                "role": role.value,
                "is_verified": True,
                "is_active": True,
                "created_at": joined,
                "updated_at": joined,
                "phone": f"+23480{user_id:08d}",  # applying needs a phone (DOMAIN.md)
                "bio": bio,
                "skills": skills,
                "address": self._address(city),
                "latitude": lat,
                "longitude": lng,
                "picture": None,
                "payout_bank": None,
                "payout_account_number": None,
                "payout_account_name": None,
            },
        )

    # -- jobs and what hangs off them ------------------------------------------------------
    def chunks(self) -> Iterator[SeedChunk]:
        plan = self._plan
        for start in range(0, plan.jobs, plan.chunk_jobs):
            stop = min(plan.jobs, start + plan.chunk_jobs)
            rows: dict[str, list[SeedRow]] = defaultdict(list)
            applications = 0
            for index in range(start, stop):
                applications += self._job(index, rows)
            yield SeedChunk(dict(rows), stop - start, applications)

    def _status(self, index: int) -> JobStatus:
        status = self._statuses[index]
        if status in (JobStatus.ONGOING, JobStatus.COMPLETED) and not self._per_job[index]:
            return JobStatus.CANCELED  # nobody accepted: the platform cancels (auto-cancel)
        return status

    def _schedule(self, status: JobStatus, shift: ShiftType) -> Schedule:
        rng, today = self._rng, self._now.date()
        start_time, end_time = _SHIFT_HOURS[shift]
        if status is JobStatus.ONGOING:
            first = today - timedelta(days=rng.randint(1, 2))
            last = today + timedelta(days=rng.randint(2, 6))
        else:
            if status in (JobStatus.PENDING, JobStatus.UPCOMING):
                first = today + timedelta(days=rng.randint(2, 45))
            elif status is JobStatus.COMPLETED:
                first = today - timedelta(days=rng.randint(8, 90))
            else:
                first = today + timedelta(days=rng.randint(-60, 30))
            multi = rng.random() < 0.25
            last = first + timedelta(days=rng.randint(1, 4)) if multi else first
        job_type = JobType.SINGLE_DAY if first == last else JobType.MULTIPLE_DAYS
        return Schedule(job_type, first, last, start_time, end_time, DEFAULT_TIMEZONE)

    def _job(self, index: int, rows: dict[str, list[SeedRow]]) -> int:
        rng, plan = self._rng, self._plan
        job_id = index + 1
        status = self._status(index)
        shift = rng.choice(list(ShiftType))
        schedule = self._schedule(status, shift)
        industry_id, sub_id, sub_name = rng.choice(self._catalog.subcategories)
        client_id = rng.choice(self._clients)
        city = self._user_city.get(client_id, 0)
        lat, lng = self._point(city)
        rate = Money(rng.randrange(50_000, 500_001, 5_000), DEFAULT_CURRENCY)
        seats = rng.choice(_SEATS)
        pricing = Pricing.compute(rate, schedule.billable_minutes, seats, plan.fee_rate_bp)
        created = min(schedule.starts_at, self._now) - timedelta(
            days=rng.randint(1, 14), minutes=rng.randint(0, 1439)
        )
        funded = status in (JobStatus.UPCOMING, JobStatus.ONGOING, JobStatus.COMPLETED) or (
            status is JobStatus.CANCELED and rng.random() < 0.5
        )
        funded_at = created + timedelta(minutes=rng.randint(5, 600)) if funded else None
        canceled_at = None
        if status is JobStatus.CANCELED:
            canceled_at = min(self._now, schedule.starts_at) - timedelta(minutes=rng.randint(1, 90))
            canceled_at = max(canceled_at, funded_at or created)
        started_at = (
            schedule.starts_at if status in (JobStatus.ONGOING, JobStatus.COMPLETED) else None
        )
        ended_at = schedule.ends_at if status is JobStatus.COMPLETED else None
        applications = self._applications(index, job_id, status, seats, created, schedule, rows)
        holding = sum(
            1
            for _, status_, _ in applications
            if status_ in (ApplicationStatus.ACCEPTED, ApplicationStatus.ONGOING)
        )
        updated = ended_at or canceled_at or started_at or funded_at or created
        title = f"{sub_name} needed ({shift.value} shift)"
        description = (
            f"{rng.choice(_ADJECTIVES)} {sub_name.lower()} wanted for a {shift.value} shift in "
            f"{CITIES[city][0]}. Payment through Paeshift escrow; check in on arrival."
        )
        rows["jobs"].append(
            _tuple(
                t.jobs,
                {
                    "id": job_id,
                    "version": 1,
                    "client_id": client_id,
                    "title": title,
                    "description": description,
                    "industry_id": industry_id,
                    "subcategory_id": sub_id,
                    "shift_type": shift.value,
                    "job_type": schedule.job_type.value,
                    "start_date": schedule.start_date,
                    "end_date": schedule.end_date,
                    "start_time": schedule.start_time,
                    "end_time": schedule.end_time,
                    "timezone": schedule.timezone,
                    "starts_at": schedule.starts_at,
                    "ends_at": schedule.ends_at,
                    "currency": DEFAULT_CURRENCY,
                    "hourly_rate": pricing.hourly_rate.amount,
                    "billable_minutes": pricing.billable_minutes,
                    "seats": seats,
                    "fee_rate_bp": pricing.fee_rate_bp,
                    "worker_pay": pricing.worker_pay.amount,
                    "job_cost": pricing.job_cost.amount,
                    "service_fee": pricing.service_fee.amount,
                    "total_due": pricing.total_due.amount,
                    "address": self._address(city),
                    "latitude": lat,
                    "longitude": lng,
                    "status": status.value,
                    "accepted_count": holding,
                    "created_at": created,
                    "updated_at": updated,
                    "funded_at": funded_at,
                    "started_at": started_at,
                    "ended_at": ended_at,
                    "canceled_at": canceled_at,
                },
            )
        )
        if funded_at is not None:
            self._fund(job_id, client_id, pricing, funded_at, rows)
        if status is JobStatus.COMPLETED and ended_at is not None:
            self._settle(job_id, client_id, pricing, applications, ended_at, rows)
        if status is JobStatus.CANCELED and funded_at is not None and canceled_at is not None:
            self._post(
                transfer(
                    key=f"cancel:{job_id}",
                    kind=TransactionKind.CANCEL_REFUND,
                    subject=str(job_id),
                    job_id=job_id,
                    posted_at=canceled_at,
                    source=escrow_account(job_id),
                    credits=[(wallet_account(client_id), pricing.total_due)],
                )
            )
        if status is JobStatus.UPCOMING:
            self._save_job(job_id, created, rows)
        return len(applications)

    def _applications(
        self,
        index: int,
        job_id: int,
        status: JobStatus,
        seats: int,
        created: datetime,
        schedule: Schedule,
        rows: dict[str, list[SeedRow]],
    ) -> list[tuple[int, ApplicationStatus, int]]:
        """The job's applications as ``(id, status, applicant)``, ids in application order."""
        rng = self._rng
        count = self._per_job[index]
        if not count:
            return []
        applicants = rng.sample(self._applicants, count)
        seated = 0
        if status in (JobStatus.UPCOMING, JobStatus.ONGOING, JobStatus.COMPLETED):
            seated = rng.randint(0, min(seats, count))
            if status is not JobStatus.UPCOMING:
                seated = max(1, seated)
        seat_status = {
            JobStatus.UPCOMING: ApplicationStatus.ACCEPTED,
            JobStatus.ONGOING: ApplicationStatus.ONGOING,
            JobStatus.COMPLETED: ApplicationStatus.COMPLETED,
        }.get(status)
        result = []
        latest = min(self._now, schedule.starts_at)
        span = max(60, int((latest - created).total_seconds() // 60))
        for position, applicant in enumerate(applicants):
            app_id = self._id("applications")
            if position < seated and seat_status is not None:
                app_status = seat_status
                if app_status is ApplicationStatus.COMPLETED and rng.random() < 0.08:
                    app_status = ApplicationStatus.NO_SHOW
            else:
                app_status = rng.choices(
                    (
                        ApplicationStatus.APPLIED,
                        ApplicationStatus.REJECTED,
                        ApplicationStatus.WITHDRAWN,
                    ),
                    (70, 20, 10),
                )[0]
            applied_at = created + timedelta(minutes=rng.randint(1, span))
            worked = app_status in (ApplicationStatus.ONGOING, ApplicationStatus.COMPLETED)
            checked_in = schedule.starts_at + timedelta(minutes=rng.randint(-10, 15))
            checked_out = (
                schedule.ends_at + timedelta(minutes=rng.randint(0, 20))
                if app_status is ApplicationStatus.COMPLETED
                else None
            )
            lat, lng = self._point(self._user_city.get(applicant, 0))
            rows["applications"].append(
                _fit(
                    "applications",
                    (
                        app_id,
                        1,
                        job_id,
                        applicant,
                        app_status.value,
                        applied_at,
                        checked_out or (checked_in if worked else applied_at),
                        False,
                        app_status is ApplicationStatus.WITHDRAWN and rng.random() < 0.2,
                        checked_in if worked else None,
                        lat if worked else None,
                        lng if worked else None,
                        False,
                        checked_out,
                        lat if checked_out else None,
                        lng if checked_out else None,
                    ),
                )
            )
            self._notify(applicant, app_status, app_id, applied_at, rows)
            result.append((app_id, app_status, applicant))
        return result

    def _notify(
        self,
        user_id: int,
        status: ApplicationStatus,
        app_id: int,
        at: datetime,
        rows: dict[str, list[SeedRow]],
    ) -> None:
        category = {
            ApplicationStatus.ACCEPTED: Category.APPLICATION_ACCEPTED,
            ApplicationStatus.REJECTED: Category.APPLICATION_REJECTED,
            ApplicationStatus.ONGOING: Category.SHIFT_STARTED,
            ApplicationStatus.COMPLETED: Category.SHIFT_ENDED,
        }.get(status)
        if category is None:
            return
        rng = self._rng
        notified = at + timedelta(minutes=rng.randint(5, 600))
        notification_id = self._id("notifications")
        rows["notifications"].append(
            _fit(
                "notifications",
                (
                    notification_id,
                    1,
                    user_id,
                    category.value,
                    category.value.replace("_", " ").capitalize(),
                    f"About your application {app_id}.",
                    LinkKind.APPLICATION.value,
                    app_id,
                    f"{SEED_SOURCE}:{notification_id}",
                    notified,
                    notified + timedelta(hours=2) if rng.random() < 0.5 else None,
                ),
            )
        )

    def _save_job(self, job_id: int, created: datetime, rows: dict[str, list[SeedRow]]) -> None:
        rng = self._rng
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            user_id = rng.choice(self._applicants)
            if (user_id, job_id) in self._saved:
                continue
            self._saved.add((user_id, job_id))
            saved_at = created + timedelta(minutes=rng.randint(1, 600))
            rows["saved_jobs"].append(
                _fit("saved_jobs", (self._id("saved_jobs"), 1, user_id, job_id, saved_at))
            )

    # -- money ---------------------------------------------------------------------------
    def _post(self, tx: Transaction | None) -> None:
        if tx is None:
            return
        for entry in tx.entries:
            self._balances[entry.account] += entry.amount.amount
        self._transactions.append(tx)

    def _fund(
        self,
        job_id: int,
        client_id: int,
        pricing: Pricing,
        at: datetime,
        rows: dict[str, list[SeedRow]],
    ) -> None:
        """A succeeded gateway payment funding the escrow (as a verified webhook does)."""
        intent_id = self._id("payment_intents")
        reference = f"psh-pay-{job_id}-{intent_id}"
        rows["payment_intents"].append(
            _fit(
                "payment_intents",
                (
                    intent_id,
                    2,
                    job_id,
                    client_id,
                    pricing.total_due.amount,
                    DEFAULT_CURRENCY,
                    reference,
                    "sandbox",
                    "succeeded",
                    f"https://checkout.sandbox.invalid/{reference}",
                    f"sbx-{reference}",
                    "escrow",
                    "",
                    at - timedelta(minutes=3),
                    at,
                ),
            )
        )
        self._post(
            transfer(
                key=f"payment:{reference}",
                kind=TransactionKind.FUND_FROM_GATEWAY,
                subject=reference,
                job_id=job_id,
                posted_at=at,
                source=PLATFORM_GATEWAY,
                credits=[(escrow_account(job_id), pricing.total_due)],
            )
        )

    def _settle(
        self,
        job_id: int,
        client_id: int,
        pricing: Pricing,
        applications: Sequence[tuple[int, ApplicationStatus, int]],
        at: datetime,
        rows: dict[str, list[SeedRow]],
    ) -> None:
        """Seat settlement and the unfilled refund, exactly as ``LedgerJobMoney.on_ended``."""
        assigned = {
            app_id: (status, applicant)
            for app_id, status, applicant in applications
            if status in (ApplicationStatus.COMPLETED, ApplicationStatus.NO_SHOW)
        }
        shares = seat_shares(pricing, assigned)
        for app_id, share in shares.items():
            status, applicant = assigned[app_id]
            if status is ApplicationStatus.COMPLETED:
                credits = [
                    (wallet_account(applicant), share.worker_pay),
                    (PLATFORM_FEES, share.fee),
                ]
                self._review(job_id, client_id, applicant, at, rows)
            else:
                credits = [(wallet_account(client_id), share.total)]
            self._post(
                transfer(
                    key=f"seat:{app_id}",
                    kind=TransactionKind.SEAT_SETTLEMENT,
                    subject=str(app_id),
                    job_id=job_id,
                    posted_at=at,
                    source=escrow_account(job_id),
                    credits=credits,
                )
            )
        self._post(
            transfer(
                key=f"unfilled:{job_id}",
                kind=TransactionKind.UNFILLED_REFUND,
                subject=str(job_id),
                job_id=job_id,
                posted_at=at,
                source=escrow_account(job_id),
                credits=[(wallet_account(client_id), unfilled_total(pricing, len(shares)))],
            )
        )

    def _review(
        self,
        job_id: int,
        client_id: int,
        worker_id: int,
        at: datetime,
        rows: dict[str, list[SeedRow]],
    ) -> None:
        """Most clients rate their workers; some workers rate the client back."""
        rng = self._rng
        pairs = []
        if rng.random() < 0.6:
            pairs.append((client_id, worker_id))
        if rng.random() < 0.35:
            pairs.append((worker_id, client_id))
        for reviewer, reviewee in pairs:
            stars = rng.choices(_STARS, _STAR_WEIGHTS)[0]
            written = at + timedelta(hours=rng.randint(1, 72))
            self._stars[reviewee][stars - 1] += 1
            comment = ("Poor", "Below par", "Okay", "Good work", "Excellent")[stars - 1]
            rows["reviews"].append(
                _fit(
                    "reviews",
                    (
                        self._id("reviews"),
                        1,
                        job_id,
                        reviewer,
                        reviewee,
                        stars,
                        comment,
                        written,
                        written,
                    ),
                )
            )

    # -- after the last chunk ----------------------------------------------------------------
    def rating_summaries(self) -> list[SeedRow]:
        return [
            _fit("rating_summaries", (user_id, sum(s), *s))
            for user_id, s in sorted(self._stars.items())
        ]

    def ledger_accounts(self) -> list[SeedRow]:
        touched: Counter[str] = Counter()
        for tx in self._transactions:
            touched.update(e.account for e in tx.entries)
        return [
            _fit(
                "ledger_accounts",
                (name, touched[name], DEFAULT_CURRENCY, self._balances[name], is_guarded(name)),
            )
            for name in sorted(self._balances)
        ]

    def ledger_rows(self) -> tuple[list[SeedRow], list[SeedRow]]:
        """``ledger_transactions`` (ids from 1, in posting order) and their entries."""
        heads, legs = [], []
        entry_id = 0
        ordered = sorted(self._transactions, key=lambda tx: tx.posted_at)
        for tx_id, tx in enumerate(ordered, start=1):
            heads.append(
                _fit(
                    "ledger_transactions",
                    (
                        tx_id,
                        tx.key,
                        tx.kind.value,
                        tx.subject,
                        tx.job_id,
                        tx.currency,
                        tx.posted_at,
                    ),
                )
            )
            for entry in tx.entries:
                entry_id += 1
                legs.append(
                    _fit(
                        "ledger_entries",
                        (entry_id, tx_id, entry.account, entry.amount.amount, tx.posted_at),
                    )
                )
        return heads, legs

    @property
    def transaction_count(self) -> int:
        return len(self._transactions)
