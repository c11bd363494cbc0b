"""The seam between the marketplace use cases and the money part (DOMAIN.md Money).

Canceling a job and ending a shift move money (refund the escrow; pay workers, take fees,
refund unfilled seats and no-shows). The job use cases call a :class:`JobMoney` at that point,
**inside the same unit of work** as the status change, so the ledger postings and the job's new
status commit together or not at all. The money part implements this Protocol with real ledger
postings (``application/settlement.py``: ``LedgerJobMoney``), wired in by the bootstrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from paeshift_core.domain.applications import Application
from paeshift_core.domain.jobs import Job
from paeshift_core.ports.unit_of_work import UnitOfWork


class JobMoney(Protocol):
    """Money movements that follow a job's status change, posted in the caller's unit of work.

    Implementations must be idempotent per job (a retried use case may call them again in a
    new unit of work) and must raise (never swallow) when a posting is refused, so the whole
    unit of work rolls back.
    """

    async def on_canceled(self, uow: UnitOfWork, job: Job, now: datetime) -> None:
        """``job`` was just canceled (``job.funded_at`` says whether escrow was funded):
        return the whole escrow balance to the client's wallet."""
        ...

    async def on_ended(
        self, uow: UnitOfWork, job: Job, applications: Sequence[Application], now: datetime
    ) -> None:
        """``job`` just completed; ``applications`` are all of its applications after the end
        (``completed`` workers are paid ``worker_pay`` and their seat's fee goes to the
        platform; unfilled seats and ``no_show`` seats are refunded to the client)."""
        ...
