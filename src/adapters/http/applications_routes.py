"""Applications and attendance (DOMAIN.md Applications and attendance).

``/jobs/{id}/applications`` to apply (applicants) and to list (the job's client);
``/applications/{id}/...`` for the client's decisions and the worker's own steps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.jobs_routes import refresh_job_detail
from adapters.http.jobs_schemas import PointIn, PointOut
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import Input, MoneyOut, Output
from paeshift_core.application.applications import (
    ApplicantSummary,
    JobApplicationRow,
    MyApplicationRow,
)
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import JobSummary
from paeshift_core.domain.reliability import Reliability


class ApplicationOut(Output):
    id: int
    job_id: int
    applicant_id: int
    status: str
    created_at: datetime
    updated_at: datetime
    checked_in_at: datetime | None
    check_in_flagged: bool
    checked_out_at: datetime | None

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        return cls(
            id=application.id,
            job_id=application.job_id,
            applicant_id=application.applicant_id,
            status=application.status.value,
            created_at=application.created_at,
            updated_at=application.updated_at,
            checked_in_at=application.checked_in_at,
            check_in_flagged=application.check_in_flagged,
            checked_out_at=application.checked_out_at,
        )


class ReliabilityOut(Output):
    score_percent: float | None
    completed: int
    no_shows: int
    late_withdrawals: int

    @classmethod
    def of(cls, reliability: Reliability) -> ReliabilityOut:
        return cls(
            score_percent=reliability.score_percent,
            completed=reliability.completed,
            no_shows=reliability.no_shows,
            late_withdrawals=reliability.late_withdrawals,
        )


class ApplicantOut(Output):
    id: int
    first_name: str
    last_name: str
    picture: str | None
    skills: list[str]
    reliability: ReliabilityOut

    @classmethod
    def of(cls, applicant: ApplicantSummary) -> ApplicantOut:
        return cls(
            id=applicant.id,
            first_name=applicant.first_name,
            last_name=applicant.last_name,
            picture=applicant.picture,
            skills=list(applicant.skills),
            reliability=ReliabilityOut.of(applicant.reliability),
        )


class JobApplicationOut(Output):
    application: ApplicationOut
    applicant: ApplicantOut

    @classmethod
    def of(cls, row: JobApplicationRow) -> JobApplicationOut:
        return cls(
            application=ApplicationOut.of(row.application),
            applicant=ApplicantOut.of(row.applicant),
        )


class JobSummaryOut(Output):
    id: int
    client_id: int
    title: str
    status: str
    shift_type: str
    address: str
    starts_at: datetime
    ends_at: datetime
    worker_pay: MoneyOut

    @classmethod
    def of(cls, job: JobSummary) -> JobSummaryOut:
        return cls(
            id=job.id,
            client_id=job.client_id,
            title=job.title,
            status=job.status.value,
            shift_type=job.shift_type.value,
            address=job.address,
            starts_at=job.starts_at,
            ends_at=job.ends_at,
            worker_pay=MoneyOut.of(job.worker_pay),
        )


class MyApplicationOut(Output):
    application: ApplicationOut
    job: JobSummaryOut

    @classmethod
    def of(cls, row: MyApplicationRow) -> MyApplicationOut:
        return cls(application=ApplicationOut.of(row.application), job=JobSummaryOut.of(row.job))


class AttendanceIn(Input):
    """Optional coordinates of the worker when checking in or out."""

    location: PointIn | None = None

    @staticmethod
    def point(data: AttendanceIn | None) -> GeoPoint | None:
        return data.location.to_point() if data is not None and data.location else None


class AttendanceOut(ApplicationOut):
    check_in_location: PointOut | None = None
    check_out_location: PointOut | None = None

    @classmethod
    def of_attendance(cls, application: Application) -> AttendanceOut:
        return cls(
            **msgspec.structs.asdict(ApplicationOut.of(application)),
            check_in_location=PointOut.of(application.check_in_location),
            check_out_location=PointOut.of(application.check_out_location),
        )


StatusFilter = Annotated[
    list[ApplicationStatus] | None, QueryParameter(description="only these statuses")
]
_DECISION = documented(401, 403, 404, 409)


def _step(path: str, summary: str) -> post:
    """A client's decision or a worker's step on one application: 200 with the result."""
    return post(path, status_code=HTTP_200_OK, responses=_DECISION, summary=summary)


class JobApplicationsController(Controller):
    path = "/jobs/{job_id:int}/applications"
    tags = ["applications"]
    security = AUTHENTICATED

    @post("", responses=_DECISION, summary="Apply to an upcoming job")
    async def apply(
        self, job_id: FromPath[int], principal: Caller, services: Services
    ) -> ApplicationOut:
        applied = await services.core.applications.apply(principal, job_id)
        await refresh_job_detail(services, job_id)
        return ApplicationOut.of(applied)

    @get("", responses=documented(401, 403, 404), summary="A job's applications (its client)")
    async def list_for_job(
        self,
        job_id: FromPath[int],
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[JobApplicationOut]:
        page = await services.core.applications.list_job_applications(
            principal, job_id, page_request(limit, cursor)
        )
        return page_out(page, JobApplicationOut.of)


class ApplicationsController(Controller):
    path = "/applications/{application_id:int}"
    tags = ["applications"]
    security = AUTHENTICATED

    @_step("/accept", "Accept (client)")
    async def accept(
        self, application_id: FromPath[int], principal: Caller, services: Services
    ) -> ApplicationOut:
        found = await services.core.applications.accept(principal, application_id)
        await refresh_job_detail(services, found.job_id)
        return ApplicationOut.of(found)

    @_step("/reject", "Reject (client)")
    async def reject(
        self, application_id: FromPath[int], principal: Caller, services: Services
    ) -> ApplicationOut:
        found = await services.core.applications.reject(principal, application_id)
        await refresh_job_detail(services, found.job_id)
        return ApplicationOut.of(found)

    @_step("/no-show", "Mark an ongoing worker absent (client)")
    async def no_show(
        self, application_id: FromPath[int], principal: Caller, services: Services
    ) -> ApplicationOut:
        found = await services.core.applications.mark_no_show(principal, application_id)
        return ApplicationOut.of(found)

    @_step("/withdraw", "Withdraw my application (worker)")
    async def withdraw(
        self, application_id: FromPath[int], principal: Caller, services: Services
    ) -> ApplicationOut:
        found = await services.core.applications.withdraw(principal, application_id)
        await refresh_job_detail(services, found.job_id)
        return ApplicationOut.of(found)

    @_step("/check-in", "Record my arrival (worker; far from the job it is flagged)")
    async def check_in(
        self,
        application_id: FromPath[int],
        principal: Caller,
        services: Services,
        data: JSONBody[AttendanceIn | None] = None,
    ) -> AttendanceOut:
        where = AttendanceIn.point(data)
        found = await services.core.applications.check_in(principal, application_id, where)
        return AttendanceOut.of_attendance(found)

    @_step("/check-out", "Record my departure (worker)")
    async def check_out(
        self,
        application_id: FromPath[int],
        principal: Caller,
        services: Services,
        data: JSONBody[AttendanceIn | None] = None,
    ) -> AttendanceOut:
        where = AttendanceIn.point(data)
        found = await services.core.applications.check_out(principal, application_id, where)
        return AttendanceOut.of_attendance(found)


class MyApplicationsController(Controller):
    path = "/me/applications"
    tags = ["me", "applications"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My applications, newest first")
    async def mine(
        self,
        principal: Caller,
        services: Services,
        status: StatusFilter = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[MyApplicationOut]:
        page = await services.core.applications.list_my_applications(
            principal, page_request(limit, cursor), frozenset(status) if status else None
        )
        return page_out(page, MyApplicationOut.of)
