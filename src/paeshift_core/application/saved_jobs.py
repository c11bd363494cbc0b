"""Saved jobs (DOMAIN.md Saved jobs and the feed: applicants save, unsave and list jobs).

Only users whose stored role is ``applicant`` save jobs (a client has no use for bookmarks of
shifts they cannot apply to; switching role keeps the bookmarks, and listing or unsaving
needs no role, so nothing gets stuck). Only public jobs can be saved: a ``pending`` job
(which may still be deleted) is ``NotFound``, even for its own client. Saving twice and
unsaving what is not saved succeed without change (idempotent PUT / DELETE). The list shows
each job's CURRENT status, in two statements per page (the bookmarks, then their jobs in one
``IN``).
"""

from __future__ import annotations

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.pagination import Keyset, Page, PageRequest, page_of
from paeshift_core.domain.errors import Conflict, NotFound
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.saved_jobs import SavedJob
from paeshift_core.domain.users import Role


@frozen
class SavedJobRow:
    saved: SavedJob
    job: Job


class SavedJobUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def save(self, principal: Principal, job_id: int) -> SavedJob:
        """Bookmark a visible job (applicants only); the existing bookmark if already saved."""
        async with self._deps.uow() as uow:
            user = await uow.users.get(principal.user_id)
            user.require_role(Role.APPLICANT)
            job = await uow.jobs.get(job_id)
            if not job.is_public:  # pending jobs may still be deleted: never bookmarked
                raise NotFound(f"job {job_id} not found")
            found = await uow.saved_jobs.find(principal.user_id, job_id)
            if found is not None:
                return found
            saved = SavedJob(
                id=self._deps.ids.next_id(),
                user_id=principal.user_id,
                job_id=job_id,
                created_at=self._deps.clock.now(),
            )
            await uow.saved_jobs.add(saved)
            try:
                await uow.commit()
            except Conflict:
                # A concurrent save of the same job won the unique constraint: same outcome.
                async with self._deps.uow() as again:
                    winner = await again.saved_jobs.find(principal.user_id, job_id)
                if winner is None:
                    raise
                return winner
        return saved

    async def unsave(self, principal: Principal, job_id: int) -> None:
        """Remove the bookmark if there is one (any role)."""
        async with self._deps.uow() as uow:
            found = await uow.saved_jobs.find(principal.user_id, job_id)
            if found is None:
                return
            await uow.saved_jobs.delete(found)
            await uow.commit()

    async def list_saved(self, principal: Principal, page: PageRequest) -> Page[SavedJobRow]:
        """The caller's bookmarks, newest first, each with its job as it is now."""
        async with self._deps.uow(read_only=True) as uow:
            saved = await uow.saved_jobs.list_for_user(
                principal.user_id, after=page.after_key, limit=page.fetch
            )
            jobs = await uow.jobs.get_many([s.job_id for s in saved])
        rows = [SavedJobRow(s, jobs[s.job_id]) for s in saved if s.job_id in jobs]
        return page_of(rows, page, lambda r: Keyset(r.saved.created_at, r.saved.id))
