"""``/jobs``: catalog, posting, the feed, saved jobs, applications and shifts (COMPAT_API.md
Jobs). Static segments are declared before ``/{id}`` and win over it (Litestar's router
prefers static segments); a bare ``GET /jobs`` matches no route here, so the SPA serves its
page there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import time
from functools import partial
from typing import Any, Protocol, TypeVar

from litestar import Request, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.auth import Services
from adapters.http.compat.job_views import JobViews
from adapters.http.compat.session import (
    CompatCaller,
    own_body,
    require_self,
    require_self_all,
)
from adapters.http.compat.shapes import (
    Viewing,
    application_status,
    as_date,
    as_id,
    as_int,
    as_kobo,
    as_text,
    as_time,
    iso,
    numbered,
    page_params,
    walk,
)
from adapters.http.jobs_routes import refresh_job_detail
from adapters.http.services import ApiServices
from paeshift_core.application.context import Principal
from paeshift_core.application.feed import FeedRequest
from paeshift_core.application.jobs import JobDraft
from paeshift_core.application.pagination import MAX_LIMIT
from paeshift_core.domain.applications import Application
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.errors import Conflict, InvalidInput, PermissionDenied
from paeshift_core.domain.feed import FeedCriteria
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.money import Money
from paeshift_core.domain.schedule import Schedule


class _CatalogEntry(Protocol):
    id: int
    name: str


C = TypeVar("C", bound=_CatalogEntry)

#: Shift and acceptance errors are 400s with a string ``detail`` for the front end.
SHIFT_ROUTE = {"compat_status": {Conflict: 400}}
_JOB_TYPES = {
    "single_day": "single_day",
    "single": "single_day",
    "single-day": "single_day",
    "multiple_days": "multiple_days",
    "multiple": "multiple_days",
    "multi_day": "multiple_days",
    "multiple-days": "multiple_days",
}


def _named(entries: Iterable[C], value: object) -> C | None:
    """The catalog entry the front end names by id or by name (any case), if any."""
    text = str(value).strip().lower() if value is not None else ""
    return next((e for e in entries if str(e.id) == text or e.name.lower() == text), None)


def _find_industry(industries: list[Industry], value: object) -> Industry:
    industry = _named(industries, value)
    if industry is None:
        raise InvalidInput("industry", f"unknown industry {value!r}")
    return industry


def _find_subcategory(industry: Industry, value: object) -> int:
    sub = _named(industry.subcategories, value)
    if sub is None:
        raise InvalidInput("subcategory", f"is not a subcategory of {industry.name}")
    return sub.id


def _hourly_rate(budget_kobo: int, schedule: Schedule, seats: int) -> Money:
    """The front end sends the total budget (rate × hours × applicants): derive the hourly
    rate, rounded half-up to the kobo."""
    worked_minutes = schedule.billable_minutes * seats
    return Money(max(1, (budget_kobo * 60 * 2 + worked_minutes) // (2 * worked_minutes)))


async def _draft(services: ApiServices, body: dict[str, Any]) -> JobDraft:
    industries = await services.core.catalog.list_industries()
    industry = _find_industry(industries, body.get("industry"))
    job_type = _JOB_TYPES.get(
        as_text(body.get("job_type"), "job_type", default="single_day").lower()
    )
    if job_type is None:
        raise InvalidInput("job_type", "must be single_day or multiple_days")
    start_date = as_date(body.get("start_date"), "start_date")
    end_date = as_date(body.get("end_date") or start_date.isoformat(), "end_date")
    start_time: time = as_time(body.get("start_time"), "start_time")
    end_time: time = as_time(body.get("end_time"), "end_time")
    seats = as_int(body.get("applicants_needed"), "applicants_needed")
    schedule = Schedule(
        job_type=job_type,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
    )
    if seats < 1:
        raise InvalidInput("applicants_needed", "must be at least 1")
    lat, lng = body.get("latitude"), body.get("longitude")
    location = None if lat in (None, "") or lng in (None, "") else GeoPoint(lat, lng)
    return JobDraft(
        title=as_text(body.get("title"), "title"),
        description=as_text(body.get("description"), "description", default=""),
        industry_id=industry.id,
        subcategory_id=_find_subcategory(industry, body.get("subcategory")),
        job_type=job_type,
        shift_type=as_text(body.get("shift_type"), "shift_type", default="day").lower(),
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        applicants_needed=seats,
        hourly_rate=_hourly_rate(as_kobo(body.get("rate"), "rate"), schedule, seats),
        address=as_text(body.get("location"), "location"),
        location=location,
    )


@get("/job-industries")
async def industries(services: Services) -> list[dict[str, Any]]:
    return [{"id": i.id, "name": i.name} for i in await services.core.catalog.list_industries()]


@get("/job-subcategories")
async def subcategories(services: Services) -> list[dict[str, Any]]:
    return [
        {"id": s.id, "name": s.name, "industry_id": i.id}
        for i in await services.core.catalog.list_industries()
        for s in i.subcategories
    ]


@post("/jobs/create-job", status_code=201)
async def create_job(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    job = await services.core.jobs.create_job(caller, await _draft(services, body))
    return {"success": True, **await JobViews(services, caller).plain(job)}


@put("/jobs/edit-job", status_code=200)
async def edit_job(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    job_id = as_id(body.get("job_id"), "job_id")
    job = await services.core.jobs.edit_job(caller, job_id, await _draft(services, body))
    return {"success": True, **await JobViews(services, caller).plain(job)}


@delete("/job/delete/{job_id:str}", status_code=200)
async def delete_job(
    job_id: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    await services.core.jobs.delete_job(caller, as_id(job_id, "job_id"))
    return {"message": "Job deleted"}


@get("/clients/clientjobs/{uid:str}")
async def client_jobs(
    uid: FromPath[str],
    caller: CompatCaller,
    services: Services,
    page: FromQuery[str | None] = None,
    page_size: FromQuery[str | None] = None,
) -> dict[str, Any]:
    require_self(caller, uid, "user_id")
    number, size = page_params(page, page_size)
    rows = await walk(partial(services.core.jobs.list_my_jobs, caller))
    cut = numbered(rows, number, size)
    views = JobViews(services, caller)
    jobs = [await views.of(r.job, Viewing(counts=r.counts)) for r in cut.items]
    return {"jobs": jobs, "pagination": cut.pagination()}


@get("/alljobsmatched")
async def all_jobs_matched(
    caller: CompatCaller,
    services: Services,
    user_id: FromQuery[str | None] = None,
    page: FromQuery[str | None] = None,
    page_size: FromQuery[str | None] = None,
) -> dict[str, Any]:
    """The feed (funded jobs with a free seat), soonest first, personalised for the caller."""
    require_self(caller, user_id, "user_id")
    number, size = page_params(page, page_size)
    items = await _walk_feed(services, caller)
    cut = numbered(items, number, size)
    views = JobViews(services, caller)
    jobs = [await views.detail(item.job.id) for item in cut.items]
    return {"jobs": jobs, "pagination": cut.pagination()}


async def _walk_feed(services: ApiServices, caller: Principal) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    while len(items) < 2000:
        page = await services.core.feed.feed(
            caller, FeedCriteria(), FeedRequest(limit=MAX_LIMIT, cursor=cursor)
        )
        items.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return items


@get("/all-users")
async def all_users(caller: CompatCaller, services: Services) -> dict[str, Any]:
    """Only the caller's counterparts (people on their jobs), never everyone."""
    return {
        "users": [
            {
                "id": c.user_id,
                "email": c.email,
                "role": c.role.value,
                "first_name": c.first_name,
                "last_name": c.last_name,
            }
            for c in await services.core.counterparts.list_mine(caller)
        ]
    }


@get("/application/status/{job_id:str}/{uid:str}")
async def application_status_of(
    job_id: FromPath[str], uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """The caller must be that applicant or the job's client."""
    job = as_id(job_id, "job_id")
    applicant = as_id(uid, "user_id")
    detail = await services.core.jobs.get_job(caller, job)
    if applicant == caller.user_id:
        found = detail.my_application
    elif detail.job.client_id == caller.user_id:
        rows = await walk(partial(services.core.applications.list_job_applications, caller, job))
        found = next((r.application for r in rows if r.application.applicant_id == applicant), None)
    else:
        raise PermissionDenied(
            "only the applicant or the job's client may see this", code="not_you"
        )
    return {
        "application_status": application_status(None if found is None else found.status),
        "application_id": None if found is None else found.id,
        "client_id": detail.job.client_id,
        "applicant_id": applicant,
        "job_id": job,
    }


@post("/save-job/add", status_code=200)
async def save_job(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    saved = await services.core.saved_jobs.save(caller, as_id(body.get("job_id"), "job_id"))
    return {"message": "Job saved", "saved_job_id": saved.id}


@delete("/unsave-job", status_code=200)
async def unsave_job(
    request: Request[Any, Any, Any], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, await request.json(), "user_id")
    await services.core.saved_jobs.unsave(caller, as_id(body.get("job_id"), "job_id"))
    return {"message": "Job removed from saved jobs"}


@get("/saved-jobs/{uid:str}")
async def saved_jobs(
    uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    require_self(caller, uid, "user_id")
    rows = await walk(partial(services.core.saved_jobs.list_saved, caller))
    names, _ = await JobViews(services, caller).catalog()
    return {
        "saved_jobs": [
            {
                "saved_job_id": r.saved.id,
                "saved_at": r.saved.created_at.isoformat(),
                "job": {
                    "id": r.job.id,
                    "title": r.job.title,
                    "industry": names.get(r.job.industry_id, ""),
                    "status": r.job.status.value,
                },
            }
            for r in rows
        ]
    }


@post("/applicants/applications/apply-job", status_code=200)
async def apply_job(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    application = await services.core.applications.apply(
        caller, as_id(body.get("job_id"), "job_id")
    )
    await refresh_job_detail(services, application.job_id)
    return {"detail": "Application submitted", "application_id": application.id}


@get("/applicants/applicantjobs/{uid:str}")
async def applicant_jobs(
    uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """The applicant's own applications, or a client viewing an applicant who applied to one
    of the client's jobs (only those jobs)."""
    applicant = as_id(uid, "user_id")
    views = JobViews(services, caller)
    if applicant == caller.user_id:
        rows = await walk(partial(services.core.applications.list_my_applications, caller))
        return {"jobs_applied": [await views.detail(r.job.id) for r in rows]}
    jobs = await walk(partial(services.core.jobs.list_my_jobs, caller))
    found: list[dict[str, Any]] = []
    for row in jobs:
        applications = await walk(
            partial(services.core.applications.list_job_applications, caller, row.job.id)
        )
        mine = next(
            (a.application for a in applications if a.application.applicant_id == applicant), None
        )
        if mine is not None:
            found.append(await views.of(row.job, Viewing(counts=row.counts, mine=mine)))
    if not found:
        raise PermissionDenied("this applicant has not applied to your jobs", code="not_you")
    return {"jobs_applied": found}


async def _decide(
    services: ApiServices,
    decision: Callable[[Principal, int], Awaitable[Application]],
    caller: Principal,
    app_id: str,
    data: Any,
    message: str,
) -> dict[str, Any]:
    """The client's accept or decline; a ``user_id`` in the body must be the caller's. Like
    the API's, the job's public detail is stored again at once (write-through)."""
    require_self_all(caller, data if isinstance(data, dict) else {}, "user_id")
    application = await decision(caller, as_id(app_id, "application_id"))
    await refresh_job_detail(services, application.job_id)
    return {"message": message, "detail": message, "application_id": application.id}


@put("/clients/applications/{app_id:str}/accept", status_code=200, opt=SHIFT_ROUTE)
async def accept(
    app_id: FromPath[str], *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    return await _decide(
        services, services.core.applications.accept, caller, app_id, data, "Application accepted"
    )


@put("/clients/applications/{app_id:str}/decline", status_code=200, opt=SHIFT_ROUTE)
async def decline(
    app_id: FromPath[str], *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    return await _decide(
        services, services.core.applications.reject, caller, app_id, data, "Application declined"
    )


@post("/application/mark-arrived", status_code=200, opt=SHIFT_ROUTE)
async def mark_arrived(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """The worker's check-in; ``applicant_id`` must be the caller (``client_id`` is the job's
    client and is not trusted for anything)."""
    body = own_body(caller, data, "applicant_id")
    application = await services.core.applications.check_in(
        caller, as_id(body.get("application_id"), "application_id")
    )
    return {"message": "Arrival recorded", "checked_in_at": iso(application.checked_in_at)}


@post("/shifts/start-shift/{job_id:str}", status_code=200, opt=SHIFT_ROUTE)
async def start_shift(
    job_id: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    await services.core.jobs.start_shift(caller, as_id(job_id, "job_id"))
    return {"message": "Shift started", "detail": "Shift started"}


@post("/shifts/end-shift/{job_id:str}", status_code=200, opt=SHIFT_ROUTE)
async def end_shift(
    job_id: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    await services.core.jobs.end_shift(caller, as_id(job_id, "job_id"))
    return {"message": "Shift ended; workers paid", "detail": "Shift ended"}


@post("/shifts/cancel-shift/{job_id:str}", status_code=200, opt=SHIFT_ROUTE)
async def cancel_shift(
    job_id: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    await services.core.jobs.cancel_job(caller, as_id(job_id, "job_id"))
    return {"message": "Shift canceled", "detail": "Shift canceled"}


@get("/{job_id:str}")
async def job_detail(
    job_id: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    return await JobViews(services, caller).detail(as_id(job_id, "job_id"))


ROUTES = [
    industries,
    subcategories,
    create_job,
    edit_job,
    delete_job,
    client_jobs,
    all_jobs_matched,
    all_users,
    application_status_of,
    save_job,
    unsave_job,
    saved_jobs,
    apply_job,
    applicant_jobs,
    accept,
    decline,
    mark_arrived,
    start_shift,
    end_shift,
    cancel_shift,
    job_detail,
]
