"""With realistic volumes the hot queries use their indexes (ARCHITECTURE.md Persistence).

100,000 jobs and 500,000 applications are generated inside PostgreSQL, then EXPLAIN shows
that a client's job list and the feed (the statements the SQL adapters really run, captured
from the engine: the feed with a text query and a distance filter, and plain by soonest
start) read an index, not the whole table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.sqlalchemy.wiring import SqlUnitOfWorkFactory
from paeshift_core.domain.disputes import DisputeStatus
from paeshift_core.domain.feed import FeedCriteria, FeedSort, search_terms
from paeshift_core.domain.geo import GeoPoint

JOBS = 100_000
APPLICATIONS = 500_000
CLIENTS = 2_000
APPLICANTS = 5

_GENERATE = [
    """INSERT INTO users (id, version, email, first_name, last_name, password_hash, role,
           is_verified, is_active, created_at, updated_at, bio, skills, address)
       SELECT g, 1, 'user' || g || '@example.com', 'Ada', 'Obi', 'x',
              CASE WHEN g <= :clients THEN 'client' ELSE 'applicant' END,
              true, true, now(), now(), '', '[]', 'Lagos'
       FROM generate_series(1, :clients + :applicants) AS g""",
    "INSERT INTO industries (id, version, name, name_key) VALUES (1, 1, 'Events', 'events')",
    """INSERT INTO subcategories (id, version, industry_id, name, name_key)
       VALUES (2, 1, 1, 'Usher', 'usher')""",
    """INSERT INTO jobs (id, version, client_id, title, description, industry_id,
           subcategory_id, shift_type, job_type, start_date, end_date, start_time, end_time,
           timezone, starts_at, ends_at, currency, hourly_rate, billable_minutes, seats,
           fee_rate_bp, worker_pay, job_cost, service_fee, total_due, address, latitude,
           longitude, status, accepted_count, created_at, updated_at)
       SELECT g, 1, 1 + g % :clients,
              (ARRAY['Waiter','Bartender','Cleaner','Driver','Usher','Cashier','Painter'])
                  [1 + g % 7] || ' shift ' || g,
              'Day shift number ' || g || ' at a ' ||
                  (ARRAY['hotel','wedding','warehouse','office','stadium'])[1 + g % 11 % 5],
              1, 2, 'day', 'single_day',
              d::date, d::date, '09:00', '17:00', 'Africa/Lagos', d, d + interval '8 hours',
              'NGN', 100000, 480, 5, 1000, 800000, 4000000, 400000, 4400000, 'Lagos',
              4 + (g % 997) * 0.01, 3 + (g % 1009) * 0.01,
              (ARRAY['pending','upcoming','ongoing','completed','canceled'])[1 + g % 5],
              0, now() - g * interval '1 minute', now()
       FROM generate_series(1, :jobs) AS g,
            LATERAL (SELECT timestamptz '2026-01-01' + (g % 365) * interval '1 day' AS d) AS s""",
    """INSERT INTO applications (id, version, job_id, applicant_id, status, created_at,
           updated_at, reapplied, late_withdrawal, check_in_flagged)
       SELECT g, 1, 1 + g % :jobs, :clients + 1 + g / :jobs, 'applied',
              now() - g * interval '1 second', now(), false, false, false
       FROM generate_series(0, :applications - 1) AS g""",
    "ANALYZE",
]


async def _generate(engine: AsyncEngine) -> None:
    params = {
        "clients": CLIENTS,
        "applicants": APPLICANTS,
        "jobs": JOBS,
        "applications": APPLICATIONS,
    }
    async with engine.begin() as conn:
        for statement in _GENERATE[:-1]:
            await conn.execute(text(statement), params)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(_GENERATE[-1]))


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(_nodes(child))
    return found


async def _plan(engine: AsyncEngine, sql: str, params: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        raw = await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params)
        document = raw.scalar_one()
    parsed = json.loads(document) if isinstance(document, str) else document
    return _nodes(parsed[0]["Plan"])


def _uses_index(nodes: list[dict[str, Any]], index: str, table: str = "jobs") -> bool:
    return any(n.get("Index Name") == index for n in nodes) and not any(
        n["Node Type"] == "Seq Scan" and n.get("Relation Name") == table for n in nodes
    )


@contextmanager
def _selects_from(engine: AsyncEngine, table: str) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements on ``table`` the engine runs inside the block, with parameters."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield captured
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)


@pytest.mark.slow
async def test_feed_and_client_job_list_use_their_indexes(postgres_engine: AsyncEngine) -> None:
    await _generate(postgres_engine)

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM jobs" in statement:
            captured.append((statement, parameters))

    event.listen(postgres_engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with SqlUnitOfWorkFactory(postgres_engine, FakeClock())() as uow:
            page = await uow.jobs.list_for_client(7, statuses=None, after=None, limit=20)
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", capture)
    assert len(page) == 20
    [(client_sql, client_params)] = captured
    assert _uses_index(await _plan(postgres_engine, client_sql, client_params), "ix_jobs_client")

    # The REAL feed statement (SqlFeedQuery.page), with a text query and a distance filter.
    captured.clear()
    criteria = FeedCriteria(
        terms=search_terms("bartender wedd"), near=GeoPoint(6.5, 3.4), radius_km=100
    )
    event.listen(postgres_engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with SqlUnitOfWorkFactory(postgres_engine, FakeClock())() as uow:
            feed = await uow.feed.page(criteria, FeedSort.SOONEST, limit=21)
            plain = await uow.feed.page(FeedCriteria(), FeedSort.SOONEST, limit=21)
            rare = FeedCriteria(terms=search_terms("shift 4242"))
            found = await uow.feed.page(rare, FeedSort.SOONEST, limit=21)
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", capture)
    assert feed, "the generated data has matching jobs"
    assert all("bartender" in j.title.lower() and "wedding" in j.description for j in feed)
    assert all(j.distance_km is not None and j.distance_km <= 100 for j in feed)
    assert len(plain) == 21
    assert found
    assert {j.id for j in found} <= {4242, *range(42420, 42430)}
    [(feed_sql, feed_params), (plain_sql, plain_params), (rare_sql, rare_params)] = captured
    assert "to_tsvector" in feed_sql
    assert "asin" in feed_sql
    # Text and distance together: the planner picks the more selective of the feed's
    # indexes (the bounding box or the full-text one); never a scan of all jobs.
    searched = await _plan(postgres_engine, feed_sql, feed_params)
    assert any(
        _uses_index(searched, index) for index in ("ix_jobs_search", "ix_jobs_feed_location")
    ), [(n["Node Type"], n.get("Index Name")) for n in searched]
    # A selective text query alone goes through the GIN full-text index.
    assert _uses_index(await _plan(postgres_engine, rare_sql, rare_params), "ix_jobs_search")
    soonest = await _plan(postgres_engine, plain_sql, plain_params)
    assert _uses_index(soonest, "ix_jobs_feed"), soonest


#: Money rows of a busy platform: nearly all finished, a few in flight (what the periodic
#: checks look for), disputes spread over many workers and clients.
_GENERATE_MONEY = [
    """INSERT INTO payment_intents (id, version, job_id, payer_id, amount, currency,
           reference, provider, status, checkout_url, provider_reference, reason, created_at,
           updated_at)
       SELECT 10000000 + g, 1, 1 + g % :jobs, 1 + g % :clients, 4400000, 'NGN',
              'psh-pay-' || g, 'sandbox',
              CASE WHEN g % 500 = 0 THEN 'pending' ELSE 'succeeded' END, '', '', '',
              timestamptz '2026-01-05 08:00+00' - g * interval '1 minute', now()
       FROM generate_series(1, :rows) AS g""",
    """INSERT INTO withdrawals (id, version, user_id, amount, currency, payout_bank,
           payout_account_number, payout_account_name, reference, status, reason,
           provider_reference, created_at, updated_at)
       SELECT 20000000 + g, 1, 1 + g % (:clients + :applicants), 200000, 'NGN', 'GTBank',
              '0123456789', 'Ada Obi', 'psh-out-' || g,
              CASE WHEN g % 500 = 0 THEN 'processing' ELSE 'paid' END, '', '',
              timestamptz '2026-01-05 08:00+00' - g * interval '1 minute', now()
       FROM generate_series(1, :rows) AS g""",
    """INSERT INTO disputes (id, version, job_id, application_id, worker_id, client_id,
           opened_by, category, reason, status, held, settled, note, created_at, updated_at)
       SELECT 30000000 + a.id, 1, a.job_id, a.id, a.applicant_id, j.client_id, j.client_id,
              'no_show', 'The worker did not come.',
              CASE WHEN a.id % 50 = 0 THEN 'open' ELSE 'resolved' END, false, false, '',
              a.created_at, a.created_at
       FROM applications AS a JOIN jobs AS j ON j.id = a.job_id
       WHERE a.id % 5 = 0""",
]


@pytest.mark.slow
async def test_money_finders_use_their_indexes(postgres_engine: AsyncEngine) -> None:
    """The periodic checks (pending intents, payouts in flight), a party's disputes and the
    admins' queue read their indexes, never the whole table."""
    await _generate(postgres_engine)
    params = {"jobs": JOBS, "clients": CLIENTS, "applicants": APPLICANTS, "rows": 200_000}
    async with postgres_engine.begin() as conn:
        for statement in _GENERATE_MONEY:
            await conn.execute(text(statement), params)
    async with postgres_engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE"))
        # Every dispute row in the statistics (a sample of 300 x target rows): from a default
        # sample the estimate for one party varied between runs, and with it the plan.
        await conn.execute(text("SET default_statistics_target = 1000"))
        await conn.execute(text("ANALYZE disputes"))
    cutoff = FakeClock().now() - timedelta(minutes=15)
    factory = SqlUnitOfWorkFactory(postgres_engine, FakeClock())

    with _selects_from(postgres_engine, "payment_intents") as intents:
        async with factory() as uow:
            pending = await uow.payment_intents.list_pending(created_before=cutoff, limit=200)
    with _selects_from(postgres_engine, "withdrawals") as payouts:
        async with factory() as uow:
            in_flight = await uow.withdrawals.list_unfinished(created_before=cutoff, limit=100)
    with _selects_from(postgres_engine, "disputes") as disputes:
        async with factory() as uow:
            # Client 7 has a few dozen disputes (for a party on a large share of all disputes
            # the planner rightly walks ix_disputes_created newest first instead).
            mine = await uow.disputes.list_for_party(7, after=None, limit=20)
            queue = await uow.disputes.list_by_status(
                frozenset({DisputeStatus.OPEN}), after=None, limit=20
            )
            everything = await uow.disputes.list_by_status(None, after=None, limit=20)

    assert len(pending) == 200
    assert len(in_flight) == 100
    assert len(mine) == 20
    assert len(queue) == 20
    assert len(everything) == 20
    expected = [
        (intents, "ix_payment_intents_status", "payment_intents"),
        (payouts, "ix_withdrawals_status", "withdrawals"),
        (disputes[:1], "ix_disputes_client", "disputes"),
        (disputes[1:2], "ix_disputes_status", "disputes"),
        (disputes[2:], "ix_disputes_created", "disputes"),
    ]
    for captured, index, table in expected:
        [(sql, sql_params)] = captured
        nodes = await _plan(postgres_engine, sql, sql_params)
        assert _uses_index(nodes, index, table), [
            (n["Node Type"], n.get("Index Name")) for n in nodes
        ]
