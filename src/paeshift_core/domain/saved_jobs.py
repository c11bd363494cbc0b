"""Saved jobs (DOMAIN.md Saved jobs and the feed): an applicant's bookmark of a job.

One per (user, job) (a unique constraint); saving again and unsaving what is not saved are
no-ops, so both calls are idempotent. A bookmark keeps no copy of the job: lists show the
job's current status.
"""

from __future__ import annotations

from datetime import datetime

from attrs import define

from paeshift_core.domain.aggregate import Aggregate


@define(eq=False, kw_only=True)
class SavedJob(Aggregate):
    user_id: int
    job_id: int
    created_at: datetime
