"""The caller's own counters for ``whoami`` (COMPAT_API.md: ``job_stats``, ``activity_stats``),
from their job and application lists."""

from __future__ import annotations

from functools import partial
from typing import Any

from adapters.http.compat.shapes import walk
from adapters.http.services import ApiServices
from paeshift_core.application.context import Principal
from paeshift_core.domain.applications import ACCEPTED_EVER
from paeshift_core.domain.jobs import JobStatus


async def job_stats(services: ApiServices, principal: Principal) -> dict[str, int]:
    rows = await walk(partial(services.core.jobs.list_my_jobs, principal))
    return {
        "total_jobs_posted": len(rows),
        "total_workers_engaged": sum(r.counts.accepted for r in rows),
        "total_completed_jobs": sum(r.job.status is JobStatus.COMPLETED for r in rows),
        "total_cancelled_jobs": sum(r.job.status is JobStatus.CANCELED for r in rows),
    }


async def activity_stats(services: ApiServices, principal: Principal) -> dict[str, Any]:
    rows = await walk(partial(services.core.applications.list_my_applications, principal))
    employers = {r.job.client_id for r in rows if r.application.status in ACCEPTED_EVER}
    return {"total_applied_jobs": len(rows), "total_employers_worked_with": len(employers)}
