"""The memory feed query: the reference semantics of ``FeedQuery`` (see ports/feed.py),
computed over the memory unit of work's tables."""

from __future__ import annotations

from adapters.memory.unit_of_work import MemoryUnitOfWorkBase
from paeshift_core.domain.applications import Application
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.feed import FeedCriteria, FeedSort, text_matches
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.ports.feed import ApplicationRef, FeedJob, FeedKey


def matches(job: Job, criteria: FeedCriteria) -> bool:
    """Whether an upcoming job with a free seat passes every filter of ``criteria``."""
    c, s = criteria, job.schedule
    box = c.box
    checks = (
        job.status is JobStatus.UPCOMING and job.free_seats > 0,
        c.industry_id is None or job.industry_id == c.industry_id,
        c.subcategory_id is None or job.subcategory_id == c.subcategory_id,
        c.shift_type is None or job.shift_type is c.shift_type,
        c.job_type is None or s.job_type is c.job_type,
        c.starts_from is None or s.start_date >= c.starts_from,
        c.starts_until is None or s.start_date <= c.starts_until,
        c.min_hourly_rate is None or job.pricing.hourly_rate.amount >= c.min_hourly_rate.amount,
        text_matches(c.terms, job.title, job.description),
    )
    if not all(checks):
        return False
    if box is None:
        return True
    assert c.near is not None
    assert c.radius_km is not None
    return (
        job.location is not None
        and box.contains(job.location)
        and job.location.distance_m(c.near) <= c.radius_km * 1000
    )


class MemoryFeedQuery:
    def __init__(self, uow: MemoryUnitOfWorkBase) -> None:
        self._uow = uow

    def _subcategory_names(self) -> dict[int, str]:
        industries = (i for i in self._uow.scan("industries") if isinstance(i, Industry))
        return {s.id: s.name for i in industries for s in i.subcategories}

    async def page(
        self,
        criteria: FeedCriteria,
        sort: FeedSort,
        *,
        after: FeedKey | None = None,
        offset: int = 0,
        limit: int,
    ) -> list[FeedJob]:
        names = self._subcategory_names()
        near = criteria.near
        found = [
            FeedJob.of(
                job,
                names.get(job.subcategory_id, ""),
                None
                if near is None or job.location is None
                else job.location.distance_m(near) / 1000,
            )
            for job in self._uow.scan("jobs")
            if isinstance(job, Job) and matches(job, criteria)
        ]
        if sort is FeedSort.SOONEST:
            found.sort(key=lambda j: (j.starts_at, j.id))
            if after is not None:
                found = [j for j in found if (j.starts_at, j.id) > after]
            return found[:limit]
        if sort is FeedSort.HIGHEST_PAY:
            found.sort(key=lambda j: (j.hourly_rate.amount, j.id), reverse=True)
            if after is not None:
                found = [j for j in found if (j.hourly_rate.amount, j.id) < after]
            return found[:limit]
        if sort is FeedSort.NEAREST:
            found.sort(key=lambda j: (j.distance_km is None, j.distance_km or 0.0, j.id))
            return found[offset : offset + limit]
        raise ValueError(f"the feed query does not sort by {sort.value}")

    async def applications_of(self, applicant_id: int) -> dict[int, ApplicationRef]:
        return {
            a.job_id: ApplicationRef(a.id, a.status)
            for a in self._uow.scan("applications")
            if isinstance(a, Application) and a.applicant_id == applicant_id
        }
