"""``/api/v1/jobs``: post, read, edit, delete, cancel, start and end (DOMAIN.md Jobs).

Authorization (role, ownership, visibility of pending jobs) is the use cases'; a job the
caller may not see is a 404 exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from adapters.http.auth import AUTHENTICATED, Caller, Services, Viewing
from adapters.http.cached_reads import (
    JOB_TTL_S,
    cached_json,
    from_json,
    json_ok,
    json_response,
    my_application_ref,
    refresh_json,
    to_json,
)
from adapters.http.jobs_schemas import ClientJobOut, JobDetailOut, JobIn, JobOut, JobPatchIn
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.services import ApiServices
from paeshift_core.application.jobs import JobDraft
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.application.read_models import JOBS
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.jobs import JobStatus

JobStatusName = Annotated[
    list[JobStatus] | None, QueryParameter(description="only jobs in these statuses")
]

_CHANGE = documented(401, 403, 404, 409)


def _job_step(path: str, summary: str) -> post:
    """A client's step in the job's life (cancel, start, end): 200 with the job."""
    return post(
        path, status_code=HTTP_200_OK, security=AUTHENTICATED, responses=_CHANGE, summary=summary
    )


def public_detail(services: ApiServices, job_id: int) -> Callable[[], Awaitable[JobDetailOut]]:
    """The job's detail as an anonymous viewer sees it: the cached representation."""

    async def produce() -> JobDetailOut:
        return JobDetailOut.of(await services.core.jobs.get_job(None, job_id))

    return produce


async def refresh_job_detail(services: ApiServices, job_id: int) -> None:
    """After a write that changed a public job's application counts (apply, accept, reject,
    withdraw): its detail is stored at once, so the readers that follow an application to a
    popular job hit rather than each process loading it again (``Cache.refresh``)."""
    await refresh_json(
        services.cache, JOBS, str(job_id), JOB_TTL_S, public_detail(services, job_id)
    )


class JobsController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @post("", security=AUTHENTICATED, responses=documented(401, 403), summary="Post a job")
    async def create(self, data: JSONBody[JobIn], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.create_job(principal, data.to_draft()))

    @get(
        "/{job_id:int}",
        responses={**documented(401, 404), **json_ok(JobDetailOut)},
        summary="A job with its application counts (pending jobs: the owner only)",
    )
    async def read(
        self, job_id: FromPath[int], viewing: Viewing, services: Services
    ) -> Response[bytes]:
        """The public detail is cached (read alongside the caller's lookup); a viewer's own
        application is laid over it. A job the public may not see is the use case's answer
        for this viewer, uncached (``cached_reads.py``)."""

        async def public() -> bytes | NotFound:
            try:
                return await cached_json(
                    services.cache, JOBS, str(job_id), JOB_TTL_S, public_detail(services, job_id)
                )
            except NotFound as hidden:
                return hidden

        viewer, raw = await viewing.alongside(public())
        if isinstance(raw, NotFound):
            if viewer is None:
                raise raw
            own = JobDetailOut.of(await services.core.jobs.get_job(viewer, job_id))
            return json_response(to_json(own))
        if viewer is None:
            return json_response(raw)
        mine = await services.core.feed.my_applications(viewer, [job_id])
        if not mine:
            return json_response(raw)  # the public detail is this viewer's (cached_reads.py)
        detail = from_json(raw, JobDetailOut)
        overlaid = msgspec.structs.replace(
            detail, my_application=my_application_ref(mine.get(job_id))
        )
        return json_response(to_json(overlaid))

    @patch(
        "/{job_id:int}",
        security=AUTHENTICATED,
        responses=_CHANGE,
        summary="Change a pending job (pricing is recomputed)",
    )
    async def edit(
        self,
        job_id: FromPath[int],
        data: JSONBody[JobPatchIn],
        principal: Caller,
        services: Services,
    ) -> JobOut:
        current = await services.core.jobs.get_job(principal, job_id)
        draft = data.apply_to(JobDraft.of(current.job))
        return JobOut.of(await services.core.jobs.edit_job(principal, job_id, draft))

    @delete(
        "/{job_id:int}",
        status_code=HTTP_204_NO_CONTENT,
        security=AUTHENTICATED,
        responses=_CHANGE,
        summary="Delete a pending job",
    )
    async def remove(self, job_id: FromPath[int], principal: Caller, services: Services) -> None:
        await services.core.jobs.delete_job(principal, job_id)

    @_job_step(
        "/{job_id:int}/cancel", "Cancel a pending or upcoming job (escrow goes back to the client)"
    )
    async def cancel(self, job_id: FromPath[int], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.cancel_job(principal, job_id))

    @_job_step("/{job_id:int}/start", "Start the shift (accepted workers become ongoing)")
    async def start(self, job_id: FromPath[int], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.start_shift(principal, job_id))

    @_job_step("/{job_id:int}/end", "End the shift and settle the escrow")
    async def end(self, job_id: FromPath[int], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.end_shift(principal, job_id))


class MyJobsController(Controller):
    path = "/me/jobs"
    tags = ["me", "jobs"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="The jobs I posted, newest first")
    async def mine(
        self,
        principal: Caller,
        services: Services,
        status: JobStatusName = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[ClientJobOut]:
        page = await services.core.jobs.list_my_jobs(
            principal, page_request(limit, cursor), frozenset(status) if status else None
        )
        return page_out(page, ClientJobOut.of)
