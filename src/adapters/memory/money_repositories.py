"""Memory repositories of the money part: payment intents, withdrawals and disputes.

``UNIQUE`` holds the same unique constraints as the SQL schema (gateway references, payout
references, one active dispute per application); ``new_memory_store`` installs them.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from adapters.memory.repositories import newest_first
from adapters.memory.store import UniqueKey
from adapters.memory.unit_of_work import MemoryRepository
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.disputes import Dispute, DisputeStatus
from paeshift_core.domain.payments import PaymentIntent, Withdrawal
from paeshift_core.ports.repositories import After


class MemoryPaymentIntentRepository(MemoryRepository[PaymentIntent]):
    table = "payment_intents"
    noun = "payment"

    async def find_by_reference(
        self, reference: str, *, for_update: bool = False
    ) -> PaymentIntent | None:
        return next(self._select(lambda i: i.reference == reference), None)

    async def list_for_job(self, job_id: int) -> list[PaymentIntent]:
        return list(self._select(lambda i: i.job_id == job_id))

    async def page_for_job(
        self, job_id: int, *, after: After | None, limit: int
    ) -> list[PaymentIntent]:
        return newest_first(self._select(lambda i: i.job_id == job_id), after, limit)

    async def page_for_payer(
        self, payer_id: int, *, after: After | None, limit: int
    ) -> list[PaymentIntent]:
        return newest_first(self._select(lambda i: i.payer_id == payer_id), after, limit)

    async def list_pending(self, *, created_before: datetime, limit: int) -> list[PaymentIntent]:
        found = self._select(lambda i: not i.is_final and i.created_at < created_before)
        return sorted(found, key=lambda i: (i.created_at, i.id))[:limit]


class MemoryWithdrawalRepository(MemoryRepository[Withdrawal]):
    table = "withdrawals"
    noun = "withdrawal"

    async def find_by_reference(self, reference: str) -> Withdrawal | None:
        return next(self._select(lambda w: w.reference == reference), None)

    async def list_for_user_since(self, user_id: int, since: datetime) -> list[Withdrawal]:
        return list(self._select(lambda w: w.user_id == user_id and w.created_at >= since))

    async def list_unfinished(self, *, created_before: datetime, limit: int) -> list[Withdrawal]:
        found = self._select(lambda w: not w.is_final and w.created_at < created_before)
        return sorted(found, key=lambda w: (w.created_at, w.id))[:limit]


class MemoryDisputeRepository(MemoryRepository[Dispute]):
    table = "disputes"
    noun = "dispute"

    async def find_active_for_application(self, application_id: int) -> Dispute | None:
        return next(
            self._select(lambda d: d.application_id == application_id and d.is_active), None
        )

    async def list_for_job(self, job_id: int) -> list[Dispute]:
        return list(self._select(lambda d: d.job_id == job_id))

    async def list_for_party(
        self, user_id: int, *, after: After | None, limit: int
    ) -> list[Dispute]:
        mine = self._select(lambda d: user_id in (d.worker_id, d.client_id))
        return newest_first(mine, after, limit)

    async def list_by_status(
        self, statuses: frozenset[DisputeStatus] | None, *, after: After | None, limit: int
    ) -> list[Dispute]:
        found = self._select(lambda d: statuses is None or d.status in statuses)
        return newest_first(found, after, limit)


def _intent_reference(a: Aggregate) -> Hashable:
    assert isinstance(a, PaymentIntent)
    return a.reference


def _withdrawal_reference(a: Aggregate) -> Hashable:
    assert isinstance(a, Withdrawal)
    return a.reference


def _active_dispute(a: Aggregate) -> Hashable | None:
    assert isinstance(a, Dispute)
    return a.application_id if a.is_active else None


UNIQUE: dict[str, dict[str, UniqueKey]] = {
    "payment_intents": {"reference": _intent_reference},
    "withdrawals": {"reference": _withdrawal_reference},
    "disputes": {"active_per_application": _active_dispute},
}
