"""SQL repositories: the finders of each repository Protocol as queries over the tables.

Each repository is a thin view over its unit of work (which owns the connection and the
identity map) plus the mapping of its aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    true,
)

from adapters.sqlalchemy import mappers as m
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.mappers import to_utc
from adapters.sqlalchemy.unit_of_work import (
    AggregateMapping,
    Children,
    SqlUnitOfWorkBase,
    one_table,
)
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.applications import Application, ApplicationCounts, ApplicationStatus
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.disputes import Dispute, DisputeStatus
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.jobs import SHIFT_STATUSES, Job, JobStatus, JobSummary
from paeshift_core.domain.payments import (
    IntentStatus,
    PaymentIntent,
    Withdrawal,
    WithdrawalStatus,
)
from paeshift_core.domain.reliability import Reliability
from paeshift_core.domain.tokens import RefreshToken
from paeshift_core.domain.users import User
from paeshift_core.ports.repositories import After

A = TypeVar("A", bound=Aggregate)
_DST_MARGIN = timedelta(hours=1)


def local_windows(after: datetime, until: datetime, zone: str) -> list[tuple[date, time, time]]:
    """``(after, until)`` as local (day, earliest time, latest time) ranges in ``zone``, an
    hour wider each way if the zone's UTC offset changes within a day of the window (then a
    local time may map to another instant than the offset says; the caller checks exactly)."""
    tz = ZoneInfo(zone)
    day_before, day_after = after - timedelta(days=1), until + timedelta(days=1)
    if day_before.astimezone(tz).utcoffset() != day_after.astimezone(tz).utcoffset():
        after, until = after - _DST_MARGIN, until + _DST_MARGIN
    first, last = after.astimezone(tz), until.astimezone(tz)
    windows = []
    day = first.date()
    while day <= last.date():
        earliest = first.time().replace(tzinfo=None) if day == first.date() else time.min
        latest = last.time().replace(tzinfo=None) if day == last.date() else time.max
        windows.append((day, earliest, latest))
        day += timedelta(days=1)
    return windows


USERS = one_table(t.users, "user", m.user_to_row, m.row_to_user)
CODES = one_table(t.one_time_codes, "code", m.code_to_row, m.row_to_code)
CODE_ATTEMPTS = one_table(t.code_attempts, "code attempts", m.attempts_to_row, m.row_to_attempts)
REFRESH_TOKENS = one_table(t.refresh_tokens, "refresh token", m.token_to_row, m.row_to_token)
INDUSTRIES = AggregateMapping[Industry](
    table=t.industries,
    noun="industry",
    to_row=m.industry_to_row,
    from_rows=m.row_to_industry,
    children=Children(
        table=t.subcategories,
        parent_column="industry_id",
        rows=lambda i: [m.subcategory_to_row(s) for s in i.subcategories],
    ),
)
JOBS = one_table(t.jobs, "job", m.job_to_row, m.row_to_job)
APPLICATIONS = one_table(t.applications, "application", m.application_to_row, m.row_to_application)


_SUMMARY_COLUMNS = tuple(t.jobs.c[name] for name in m.JOB_SUMMARY_COLUMNS)


class SqlRepository(Generic[A]):
    """``add`` / ``get`` / ``delete`` of one aggregate type; subclasses add finders."""

    def __init__(self, uow: SqlUnitOfWorkBase, mapping: AggregateMapping[A]) -> None:
        self._uow = uow
        self._mapping = mapping

    async def add(self, aggregate: A) -> None:
        await self._uow.add(self._mapping, aggregate)

    async def get(self, aggregate_id: int, *, for_update: bool = False) -> A:
        return await self._uow.get_one(self._mapping, aggregate_id, for_update=for_update)

    async def get_many(self, ids: Sequence[int]) -> dict[int, A]:
        return await self._uow.get_many(self._mapping, ids)

    async def delete(self, aggregate: A) -> None:
        self._uow.remove(self._mapping, aggregate)

    async def page_newest_first(
        self, *where: ColumnElement[bool], after: After | None, limit: int
    ) -> list[A]:
        """Keyset page ``(created_at, id) < after`` of the aggregates matching ``where`` (built
        per call: ``where`` holds values; the hot pages keep theirs, ``newest_first_page``)."""
        table = self._mapping.table
        query = newest_first_page(select(table), table.c, *where, keyset=after is not None)
        return await self._uow.load_kept(self._mapping, query, page_parameters(after, limit))


def newest_first_page(
    query: Select[Any], c: Any, *where: ColumnElement[bool], keyset: bool
) -> Select[Any]:
    """A keyset page newest first by ``(created_at, id)`` (the hot pages build theirs once):
    ``query`` filtered by ``where``, with ``keyset`` only rows before the page's position; the
    position and the size are bound, their values are ``page_parameters``."""
    if keyset:  # (created_at, id) < (:created_at, :last_id)
        position = bindparam("created_at", type_=c.created_at.type)
        tied_before = and_(c.created_at == position, c.id < bindparam("last_id", type_=c.id.type))
        where = (*where, or_(c.created_at < position, tied_before))
    ordered = query.where(*where).order_by(c.created_at.desc(), c.id.desc())
    return ordered.limit(bindparam("limit"))


def page_parameters(after: After | None, limit: int) -> dict[str, Any]:
    """The bound values of a ``newest_first_page`` query."""
    if after is None:
        return {"limit": limit}
    return {"limit": limit, "created_at": to_utc(after[0]), "last_id": after[1]}


def split_columns(rows: Sequence[Any], *tables: Table) -> list[list[dict[str, Any]]]:
    """Each table's columns of rows selected as ``select(*tables, ...)``, taken by position
    (columns after the tables' are left to the caller).

    By position, not by label: looking up each column of each row by its label was 7 % of the
    server's CPU serving an applicant's list of 20 applications with their jobs (py-spy)."""
    names = [tuple(col.name for col in table.c) for table in tables]
    split: list[list[dict[str, Any]]] = [[] for _ in tables]
    for row in rows:
        start = 0
        for columns, found in zip(names, split, strict=True):
            found.append(dict(zip(columns, row[start : start + len(columns)], strict=True)))
            start += len(columns)
    return split


class SqlUserRepository(SqlRepository[User]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, USERS)

    async def find_by_email(self, email: str) -> User | None:
        return await self._uow.load_first(USERS, t.users.c.email == email.strip().lower())


class SqlOneTimeCodeRepository(SqlRepository[OneTimeCode]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, CODES)

    async def find_current(self, email: str, purpose: CodePurpose) -> OneTimeCode | None:
        c = t.one_time_codes.c
        return await self._uow.load_first(
            CODES,
            c.email == email,
            c.purpose == purpose.value,
            order_by=(c.created_at.desc(), c.id.desc()),
            limit=1,
        )

    async def find_attempts(self, email: str) -> CodeAttempts | None:
        return await self._uow.load_first(CODE_ATTEMPTS, t.code_attempts.c.email == email)

    async def add_attempts(self, attempts: CodeAttempts) -> None:
        await self._uow.add(CODE_ATTEMPTS, attempts)

    async def delete_expired(self, before: datetime) -> int:
        """One DELETE; codes already loaded in this unit of work are not refreshed."""
        c = t.one_time_codes.c
        statement = delete(t.one_time_codes).where(c.expires_at < to_utc(before))
        return await self._uow.execute_count(statement)


class SqlRefreshTokenRepository(SqlRepository[RefreshToken]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, REFRESH_TOKENS)

    async def find_by_hash(self, token_hash: str) -> RefreshToken | None:
        return await self._uow.load_first(
            REFRESH_TOKENS, t.refresh_tokens.c.token_hash == token_hash
        )

    async def list_family(self, family_id: int) -> list[RefreshToken]:
        return await self._uow.load(REFRESH_TOKENS, t.refresh_tokens.c.family_id == family_id)

    async def list_live_for_user(self, user_id: int) -> list[RefreshToken]:
        c = t.refresh_tokens.c
        return await self._uow.load(REFRESH_TOKENS, c.user_id == user_id, c.revoked_at.is_(None))

    async def delete_expired(self, before: datetime) -> int:
        """One DELETE; tokens already loaded in this unit of work are not refreshed."""
        c = t.refresh_tokens.c
        statement = delete(t.refresh_tokens).where(c.expires_at < to_utc(before))
        return await self._uow.execute_count(statement)


class SqlCatalogRepository(SqlRepository[Industry]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, INDUSTRIES)

    async def list_all(self) -> list[Industry]:
        return await self._uow.load(INDUSTRIES, order_by=(t.industries.c.name,))


def _job_with_counts() -> Select[Any]:
    """A job's row once per status of its applications (once, with NULL counts, without
    any): the job LEFT JOINed to its grouped counts. Built once: building and keying a
    statement per call cost as much as running it (profile of the job detail benchmark)."""
    a = t.applications.c
    counts = (
        select(a.status.label("counted_status"), func.count().label("counted"))
        .where(a.job_id == bindparam("job_id"))
        .group_by(a.status)
        .subquery()
    )
    return (
        select(t.jobs, counts)
        .select_from(t.jobs.outerjoin(counts, true()))
        .where(t.jobs.c.id == bindparam("job_id"))
    )


_JOB_WITH_COUNTS = _job_with_counts()
_APPLICATION_OF = select(t.applications).where(
    t.applications.c.job_id == bindparam("job_id"),
    t.applications.c.applicant_id == bindparam("applicant_id"),
)


class SqlJobRepository(SqlRepository[Job]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, JOBS)

    async def get_with_counts(self, job_id: int) -> tuple[Job, ApplicationCounts]:
        rows = (await self._uow.execute(_JOB_WITH_COUNTS, {"job_id": job_id})).mappings().all()
        if not rows:
            raise NotFound(f"job {job_id} not found")
        job_row = {column.name: rows[0][column.name] for column in t.jobs.c}
        (job,) = await self._uow.adopt(JOBS, [job_row])
        by_status = {
            ApplicationStatus(r["counted_status"]): r["counted"]
            for r in rows
            if r["counted_status"] is not None
        }
        return job, ApplicationCounts(by_status)

    async def list_for_client(
        self,
        client_id: int,
        *,
        statuses: frozenset[JobStatus] | None,
        after: After | None,
        limit: int,
    ) -> list[Job]:
        c = t.jobs.c
        where = [c.client_id == client_id]
        if statuses is not None:
            where.append(c.status.in_(sorted(s.value for s in statuses)))
        return await self.page_newest_first(*where, after=after, limit=limit)

    async def list_in_status_before(
        self,
        status: JobStatus,
        *,
        starts_before: datetime | None = None,
        ends_before: datetime | None = None,
        limit: int,
    ) -> list[Job]:
        c = t.jobs.c
        where = [c.status == status.value]
        if starts_before is not None:
            where.append(c.starts_at < to_utc(starts_before))
        if ends_before is not None:
            where.append(c.ends_at < to_utc(ends_before))
        return await self._uow.load(JOBS, *where, order_by=(c.starts_at, c.id), limit=limit)

    async def list_with_shift_starting(self, after: datetime, until: datetime) -> list[Job]:
        """The jobs at work (first start before the window ends, last end after it starts;
        jobs(status, starts_at)) whose local start time falls in the window on one of its days,
        per timezone in use (``local_windows``), then checked exactly by the schedule."""
        c = t.jobs.c
        at_work = [
            c.status.in_([s.value for s in SHIFT_STATUSES]),
            c.starts_at <= to_utc(until),
            c.ends_at > to_utc(after),
        ]
        zones = (await self._uow.execute(select(c.timezone).where(*at_work).distinct())).scalars()
        windows = [
            and_(
                c.timezone == zone,
                c.start_date <= day,
                c.end_date >= day,
                c.start_time.between(earliest, latest),
            )
            for zone in zones.all()
            for day, earliest, latest in local_windows(after, until, zone)
        ]
        if not windows:
            return []
        found = await self._uow.load(JOBS, *at_work, or_(*windows))
        return [job for job in found if job.schedule.shift_starts_between(after, until)]


@cache
def _applicant_page(*, by_status: bool, keyset: bool) -> Select[Any]:
    """An applicant's applications newest first with their jobs' summary columns, built once
    per shape (``TableStatements`` says why): ``applicant_id`` bound, with ``by_status`` the
    ``statuses`` (a list), the page as ``newest_first_page``'s."""
    a = t.applications
    where = [a.c.applicant_id == bindparam("applicant_id")]
    if by_status:
        where.append(a.c.status.in_(bindparam("statuses", expanding=True)))
    query = select(a, *_SUMMARY_COLUMNS).join(t.jobs, t.jobs.c.id == a.c.job_id)
    return newest_first_page(query, a.c, *where, keyset=keyset)


class SqlApplicationRepository(SqlRepository[Application]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, APPLICATIONS)

    async def find(self, job_id: int, applicant_id: int) -> Application | None:
        """Every application asks it (kept: ``TableStatements`` says why)."""
        parameters = {"job_id": job_id, "applicant_id": applicant_id}
        found = await self._uow.load_kept(APPLICATIONS, _APPLICATION_OF, parameters)
        return found[0] if found else None

    async def list_for_job(self, job_id: int) -> list[Application]:
        return await self._uow.load(APPLICATIONS, t.applications.c.job_id == job_id)

    async def page_for_job(
        self, job_id: int, *, after: After | None, limit: int
    ) -> list[Application]:
        return await self.page_newest_first(
            t.applications.c.job_id == job_id, after=after, limit=limit
        )

    async def list_for_applicant(
        self,
        applicant_id: int,
        *,
        statuses: frozenset[ApplicationStatus] | None,
        after: After | None,
        limit: int,
    ) -> list[tuple[Application, JobSummary]]:
        a = t.applications
        parameters = {"applicant_id": applicant_id, **page_parameters(after, limit)}
        if statuses is not None:
            parameters["statuses"] = sorted(s.value for s in statuses)
        query = _applicant_page(by_status=statuses is not None, keyset=after is not None)
        rows = (await self._uow.execute(query, parameters)).all()
        applications = await self._uow.adopt(APPLICATIONS, split_columns(rows, a)[0])
        summaries = [m.row_to_job_summary(*row[len(a.c) :]) for row in rows]
        return list(zip(applications, summaries, strict=True))

    async def count_by_job(self, job_ids: Sequence[int]) -> dict[int, ApplicationCounts]:
        wanted = sorted(set(job_ids))
        counts: dict[int, dict[ApplicationStatus, int]] = {job_id: {} for job_id in wanted}
        if wanted:
            c = t.applications.c
            query = (
                select(c.job_id, c.status, func.count())
                .where(c.job_id.in_(wanted))
                .group_by(c.job_id, c.status)
            )
            for job_id, status, count in await self._uow.rows(query):
                counts[job_id][ApplicationStatus(status)] = count
        return {job_id: ApplicationCounts(by_status) for job_id, by_status in counts.items()}

    async def reliability_of(self, applicant_ids: Sequence[int]) -> dict[int, Reliability]:
        wanted = sorted(set(applicant_ids))
        tally = {applicant_id: [0, 0, 0] for applicant_id in wanted}
        if wanted:
            c = t.applications.c
            query = (
                select(
                    c.applicant_id,
                    func.count().filter(c.status == ApplicationStatus.COMPLETED.value),
                    func.count().filter(c.status == ApplicationStatus.NO_SHOW.value),
                    func.count().filter(
                        and_(
                            c.late_withdrawal.is_(True),
                            c.status == ApplicationStatus.WITHDRAWN.value,
                        )
                    ),
                )
                .where(c.applicant_id.in_(wanted))
                .group_by(c.applicant_id)
            )
            for applicant_id, completed, no_shows, late in await self._uow.rows(query):
                tally[applicant_id] = [completed, no_shows, late]
        return {
            applicant_id: Reliability(completed=c, no_shows=n, late_withdrawals=w)
            for applicant_id, (c, n, w) in tally.items()
        }


PAYMENT_INTENTS = one_table(t.payment_intents, "payment", m.intent_to_row, m.row_to_intent)
WITHDRAWALS = one_table(t.withdrawals, "withdrawal", m.withdrawal_to_row, m.row_to_withdrawal)
DISPUTES = one_table(t.disputes, "dispute", m.dispute_to_row, m.row_to_dispute)


class SqlPaymentIntentRepository(SqlRepository[PaymentIntent]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, PAYMENT_INTENTS)

    async def find_by_reference(
        self, reference: str, *, for_update: bool = False
    ) -> PaymentIntent | None:
        c = t.payment_intents.c
        return await self._uow.load_first(
            PAYMENT_INTENTS, c.reference == reference, for_update=for_update
        )

    async def list_for_job(self, job_id: int) -> list[PaymentIntent]:
        return await self._uow.load(PAYMENT_INTENTS, t.payment_intents.c.job_id == job_id)

    async def page_for_job(
        self, job_id: int, *, after: After | None, limit: int
    ) -> list[PaymentIntent]:
        owner = t.payment_intents.c.job_id == job_id
        return await self.page_newest_first(owner, after=after, limit=limit)

    async def page_for_payer(
        self, payer_id: int, *, after: After | None, limit: int
    ) -> list[PaymentIntent]:
        owner = t.payment_intents.c.payer_id == payer_id
        return await self.page_newest_first(owner, after=after, limit=limit)

    async def list_pending(self, *, created_before: datetime, limit: int) -> list[PaymentIntent]:
        c = t.payment_intents.c
        return await self._uow.load(
            PAYMENT_INTENTS,
            c.status == IntentStatus.PENDING.value,
            c.created_at < to_utc(created_before),
            order_by=(c.created_at, c.id),
            limit=limit,
        )


class SqlWithdrawalRepository(SqlRepository[Withdrawal]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, WITHDRAWALS)

    async def find_by_reference(self, reference: str) -> Withdrawal | None:
        return await self._uow.load_first(WITHDRAWALS, t.withdrawals.c.reference == reference)

    async def list_for_user_since(self, user_id: int, since: datetime) -> list[Withdrawal]:
        c = t.withdrawals.c
        return await self._uow.load(
            WITHDRAWALS, c.user_id == user_id, c.created_at >= to_utc(since)
        )

    async def list_unfinished(self, *, created_before: datetime, limit: int) -> list[Withdrawal]:
        c = t.withdrawals.c
        in_flight = (WithdrawalStatus.REQUESTED.value, WithdrawalStatus.PROCESSING.value)
        return await self._uow.load(
            WITHDRAWALS,
            c.status.in_(in_flight),
            c.created_at < to_utc(created_before),
            order_by=(c.created_at, c.id),
            limit=limit,
        )


class SqlDisputeRepository(SqlRepository[Dispute]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, DISPUTES)

    async def find_active_for_application(self, application_id: int) -> Dispute | None:
        c = t.disputes.c
        return await self._uow.load_first(DISPUTES, c.active_application_id == application_id)

    async def list_for_job(self, job_id: int) -> list[Dispute]:
        return await self._uow.load(DISPUTES, t.disputes.c.job_id == job_id)

    async def list_for_party(
        self, user_id: int, *, after: After | None, limit: int
    ) -> list[Dispute]:
        c = t.disputes.c
        party = or_(c.worker_id == user_id, c.client_id == user_id)
        return await self.page_newest_first(party, after=after, limit=limit)

    async def list_by_status(
        self, statuses: frozenset[DisputeStatus] | None, *, after: After | None, limit: int
    ) -> list[Dispute]:
        where = []
        if statuses is not None:
            where.append(t.disputes.c.status.in_(sorted(s.value for s in statuses)))
        return await self.page_newest_first(*where, after=after, limit=limit)
