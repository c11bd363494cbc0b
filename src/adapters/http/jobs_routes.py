"""``/api/v1/jobs``: post, read, edit, delete, cancel, start and end (DOMAIN.md Jobs).

Authorization (role, ownership, visibility of pending jobs) is the use cases'; a job the
caller may not see is a 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from adapters.http.auth import AUTHENTICATED, Caller, Services, Viewer
from adapters.http.jobs_schemas import ClientJobOut, JobDetailOut, JobIn, JobOut, JobPatchIn
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from paeshift_core.application.jobs import JobDraft
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.domain.jobs import JobStatus

JobStatusName = Annotated[
    list[JobStatus] | None, QueryParameter(description="only jobs in these statuses")
]


class JobsController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @post("", security=AUTHENTICATED, responses=documented(401, 403), summary="Post a job")
    async def create(self, data: JSONBody[JobIn], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.create_job(principal, data.to_draft()))

    @get(
        "/{job_id:int}",
        responses=documented(401, 404),
        summary="A job with its application counts (pending jobs: the owner only)",
    )
    async def read(self, job_id: FromPath[int], viewer: Viewer, services: Services) -> JobDetailOut:
        return JobDetailOut.of(await services.core.jobs.get_job(viewer, job_id))

    @patch(
        "/{job_id:int}",
        security=AUTHENTICATED,
        responses=documented(401, 403, 404, 409),
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
        responses=documented(401, 403, 404, 409),
        summary="Delete a pending job",
    )
    async def remove(self, job_id: FromPath[int], principal: Caller, services: Services) -> None:
        await services.core.jobs.delete_job(principal, job_id)

    @post(
        "/{job_id:int}/cancel",
        status_code=HTTP_200_OK,
        security=AUTHENTICATED,
        responses=documented(401, 403, 404, 409),
        summary="Cancel a pending or upcoming job (escrow goes back to the client)",
    )
    async def cancel(self, job_id: FromPath[int], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.cancel_job(principal, job_id))

    @post(
        "/{job_id:int}/start",
        status_code=HTTP_200_OK,
        security=AUTHENTICATED,
        responses=documented(401, 403, 404, 409),
        summary="Start the shift (accepted workers become ongoing)",
    )
    async def start(self, job_id: FromPath[int], principal: Caller, services: Services) -> JobOut:
        return JobOut.of(await services.core.jobs.start_shift(principal, job_id))

    @post(
        "/{job_id:int}/end",
        status_code=HTTP_200_OK,
        security=AUTHENTICATED,
        responses=documented(401, 403, 404, 409),
        summary="End the shift and settle the escrow",
    )
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
