"""Platform feedback: users send it, only admins list and resolve it (issue 8, item 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.clock import FakeClock
from entrypoints.bootstrap import UseCases
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.errors import Conflict, InvalidInput, PermissionDenied, RateLimited
from paeshift_core.domain.feedback import FeedbackCategory, FeedbackStatus
from tests.unit.accounts import Accounts

MESSAGE = "The payout screen froze twice today."


async def test_users_send_and_admins_list_and_resolve(
    accounts: Accounts, use_cases: UseCases, clock: FakeClock
) -> None:
    worker, client, admin = (
        await accounts.applicant(),
        await accounts.client(),
        await accounts.admin(),
    )
    first = await use_cases.feedback.send(worker.principal, "bug", f"  {MESSAGE}  ", 2)
    clock.advance(timedelta(minutes=1))
    second = await use_cases.feedback.send(client.principal, FeedbackCategory.GENERAL, MESSAGE, 5)
    assert (first.message, first.category, first.status) == (MESSAGE, "bug", FeedbackStatus.OPEN)
    for someone in (worker, client):
        with pytest.raises(PermissionDenied) as caught:
            await use_cases.feedback.list(someone.principal, PageRequest())
        assert caught.value.code == "admin_only"
        with pytest.raises(PermissionDenied):
            await use_cases.feedback.resolve(someone.principal, first.id)
    page = await use_cases.feedback.list(admin.principal, PageRequest(limit=1))
    assert [f.id for f in page.items] == [second.id]
    rest = await use_cases.feedback.list(admin.principal, PageRequest(after=page.next_cursor))
    assert [f.id for f in rest.items] == [first.id]
    resolved = await use_cases.feedback.resolve(admin.principal, first.id, "Fixed in 1.2")
    assert (resolved.status, resolved.resolved_by, resolved.note) == (
        FeedbackStatus.RESOLVED,
        admin.user_id,
        "Fixed in 1.2",
    )
    assert resolved.resolved_at == clock.now()
    with pytest.raises(Conflict) as again:
        await use_cases.feedback.resolve(admin.principal, first.id)
    assert again.value.code == "invalid_transition"
    still_open = await use_cases.feedback.list(
        admin.principal, PageRequest(), status=FeedbackStatus.OPEN
    )
    assert [f.id for f in still_open.items] == [second.id]


async def test_feedback_is_validated(accounts: Accounts, use_cases: UseCases) -> None:
    worker = await accounts.applicant()
    cases = [
        ("bug", "too short", 3, "message"),
        ("bug", "x" * 1001, 3, "message"),
        ("bug", MESSAGE, 0, "rating"),
        ("bug", MESSAGE, 6, "rating"),
        ("complaint", MESSAGE, 3, "category"),
    ]
    for category, message, rating, field in cases:
        with pytest.raises(InvalidInput) as caught:
            await use_cases.feedback.send(worker.principal, category, message, rating)
        assert caught.value.field == field
    assert (await use_cases.feedback.send(worker.principal, "bug", "x" * 10, 1)).rating == 1


async def test_feedback_is_rate_limited_per_user(accounts: Accounts, use_cases: UseCases) -> None:
    worker, other = await accounts.applicant(), await accounts.applicant()
    for _ in range(5):
        await use_cases.feedback.send(worker.principal, "general", MESSAGE, 4)
    with pytest.raises(RateLimited):
        await use_cases.feedback.send(worker.principal, "general", MESSAGE, 4)
    await use_cases.feedback.send(other.principal, "general", MESSAGE, 4)
