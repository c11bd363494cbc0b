"""The operator's ledger check (DOMAIN.md Money: invariants; ``paeshift check-ledger``).

It reads the whole ledger in one unit of work, one snapshot of the data (a money write
committed between reading the transactions and the balances would look like a violation),
and reports every violation precisely (which invariant, which account / transaction / job,
and the figures):

1. every transaction's entries sum to zero, so do all balances, and each account's guarded
   balance equals the sum of its entries;
2. no wallet (nor any other guarded account) is negative;
3. the escrow of a completed or canceled job holds exactly the seats held by open disputes
   (so it is empty when none is open), a pending job's escrow is empty, and a funded job's
   escrow holds ``total_due`` until it ends;
4. a gateway reference, a job's funding, a seat's settlement, a job's refunds and a payout's
   request and outcome are each posted at most once.

It is an operator command (``run``, no principal); admins may also run it over HTTP
(``run_as``, ``GET /api/v1/admin/ledger/check``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator

from attrs import define, field, frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import require_admin
from paeshift_core.application.settlement import shares_of
from paeshift_core.domain.disputes import Dispute
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.ledger import (
    Transaction,
    escrow_job,
    is_guarded,
    once_groups,
)
from paeshift_core.domain.money import Money
from paeshift_core.ports.unit_of_work import UnitOfWork

#: Jobs read per statement (bind parameters: SQLite allows 32,766 per statement).
JOBS_PER_STATEMENT = 1_000
#: Transactions read per statement.
TRANSACTIONS_PER_PAGE = 5_000


@frozen
class Violation:
    invariant: int
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"invariant {self.invariant} [{self.subject}]: {self.detail}"


@frozen
class LedgerReport:
    transactions: int
    accounts: int
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


async def every_transaction(uow: UnitOfWork) -> AsyncIterator[Transaction]:
    """Every transaction in posting order, read ``TRANSACTIONS_PER_PAGE`` at a time: the check
    holds one page, not the whole ledger (a worker ran it hourly at 620 MB on 144,553
    transactions)."""
    position = 0
    while page := await uow.ledger.transactions_after(position, TRANSACTIONS_PER_PAGE):
        for _, tx in page:
            yield tx
        position = page[-1][0]


@define
class _Tally:
    """What the check keeps of the transactions it has read."""

    transactions: int = 0
    derived: dict[str, int] = field(factory=lambda: defaultdict(int))
    once: Counter[str] = field(factory=Counter)
    violations: list[Violation] = field(factory=list)

    def add(self, tx: Transaction) -> None:
        self.transactions += 1
        total = sum(e.amount.amount for e in tx.entries)
        if total != 0:
            self.violations.append(Violation(1, tx.key, f"entries sum to {total}, not 0"))
        for entry in tx.entries:
            self.derived[entry.account] += entry.amount.amount
        self.once.update(once_groups(tx))

    def posted_more_than_once(self) -> list[Violation]:
        return [
            Violation(4, group, f"posted {count} times")
            for group, count in sorted(self.once.items())
            if count > 1
        ]


class LedgerCheck:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def run_as(self, principal: Principal) -> LedgerReport:
        """The same check for an admin caller (anyone else: ``PermissionDenied``)."""
        require_admin(principal, "check the ledger")
        return await self.run()

    async def run(self) -> LedgerReport:
        async with self._deps.uow(snapshot=True) as uow:
            tally = _Tally()
            async for tx in every_transaction(uow):
                tally.add(tx)
            balances = await uow.ledger.all_balances()
            violations, derived = tally.violations, tally.derived
            cached = {b.account: b.balance.amount for b in balances}
            for account in sorted(set(derived) | set(cached)):
                if derived[account] != cached.get(account, 0):
                    violations.append(
                        Violation(
                            1,
                            account,
                            f"balance {cached.get(account, 0)} but entries sum to "
                            f"{derived[account]}",
                        )
                    )
                if is_guarded(account) and min(derived[account], cached.get(account, 0)) < 0:
                    violations.append(Violation(2, account, f"negative balance {derived[account]}"))
            if sum(cached.values()) != 0:
                violations.append(
                    Violation(1, "all accounts", f"balances sum to {sum(cached.values())}")
                )
            escrows = {
                job_id: derived[account]
                for account in sorted(derived)
                if (job_id := escrow_job(account)) is not None
            }
            violations.extend(await self._escrows(uow, escrows))
            violations.extend(tally.posted_more_than_once())
            return LedgerReport(tally.transactions, len(derived), tuple(violations))

    async def _escrows(self, uow: UnitOfWork, balances: dict[int, int]) -> list[Violation]:
        """Invariant 3 for every escrow (job id → balance) in a few statements whatever the
        number of jobs: the jobs by chunks (each checked, then let go), every dispute once,
        and the seats of a job only where a dispute holds one. A statement per job made the
        hourly run take minutes of a core on 100,000 jobs (README: Performance)."""
        ids = list(balances)
        holding = await self._held_disputes(uow)
        found = []
        for start in range(0, len(ids), JOBS_PER_STATEMENT):
            chunk = ids[start : start + JOBS_PER_STATEMENT]
            jobs = await uow.jobs.get_many(chunk)
            for job_id in chunk:
                balance, job = balances[job_id], jobs.get(job_id)
                if job is None:
                    found.extend(_escrow_without_job(job_id, balance))
                    continue
                held = await self._held(uow, job, holding[job_id]) if job_id in holding else 0
                found.extend(_escrow(job, balance, held))
        return found

    @staticmethod
    async def _held_disputes(uow: UnitOfWork) -> dict[int, list[Dispute]]:
        """The disputes holding a seat not settled yet, by job (every dispute, by pages)."""
        holding: dict[int, list[Dispute]] = defaultdict(list)
        after = None
        while page := await uow.disputes.list_by_status(None, after=after, limit=500):
            for dispute in page:
                if dispute.held and not dispute.settled:
                    holding[dispute.job_id].append(dispute)
            after = (page[-1].created_at, page[-1].id)
        return holding

    @staticmethod
    async def _held(uow: UnitOfWork, job: Job, disputes: list[Dispute]) -> int:
        """What the seats ``disputes`` hold on ``job`` are worth."""
        shares = shares_of(job, await uow.applications.list_for_job(job.id))
        held = Money.zero(job.pricing.total_due.currency)
        for dispute in disputes:
            share = shares.get(dispute.application_id)
            if share is not None:
                held = held + share.total
        return held.amount


def _escrow_without_job(job_id: int, balance: int) -> list[Violation]:
    """Invariant 3 for an escrow whose job does not exist: it must be empty."""
    if not balance:
        return []
    return [Violation(3, f"escrow:{job_id}", f"holds {balance} for a job that does not exist")]


def _escrow(job: Job, balance: int, held: int) -> list[Violation]:
    """Invariant 3 for one job's escrow; ``held``: what its disputes hold of it."""
    if job.status in (JobStatus.UPCOMING, JobStatus.ONGOING):
        expected = job.pricing.total_due.amount
        what = f"{job.status.value} job must hold total_due {expected}"
    elif job.status is JobStatus.PENDING:
        expected, what = 0, "pending (unfunded) job must be empty"
    else:
        expected = held if job.status is JobStatus.COMPLETED else 0
        what = f"{job.status.value} job must hold only disputed seats ({expected})"
    if balance != expected:
        return [Violation(3, f"escrow:{job.id}", f"holds {balance}: a {what}")]
    return []
