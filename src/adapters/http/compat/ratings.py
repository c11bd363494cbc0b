"""``/rating``: reviews between the parties of a completed job, disputes through the same
form, and product feedback (COMPAT_API.md Ratings)."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import get, post
from litestar.params import FromPath, JSONBody

from adapters.http.auth import Services
from adapters.http.compat.session import CompatCaller, own_body
from adapters.http.compat.shapes import as_id, as_int, as_text, walk
from adapters.http.services import ApiServices
from paeshift_core.application.context import Principal
from paeshift_core.domain.errors import NotFound, PaeshiftError
from paeshift_core.domain.feedback import FeedbackCategory

_FEEDBACK_CATEGORIES = {c.value for c in FeedbackCategory}


async def _application_between(
    services: ApiServices, caller: Principal, job_id: int, other: int
) -> int:
    """The assignment a dispute is about: the caller's own (worker) or the worker's (client)."""
    detail = await services.core.jobs.get_job(caller, job_id)
    if detail.job.client_id != caller.user_id:
        if detail.my_application is None:
            raise NotFound(f"you have no assignment on job {job_id}")
        return detail.my_application.id
    rows = await walk(partial(services.core.applications.list_job_applications, caller, job_id))
    for row in rows:
        if row.application.applicant_id == other:
            return row.application.id
    raise NotFound(f"user {other} has no assignment on job {job_id}")


@post("/ratings", status_code=201)
async def rate(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """One result per receiver; ``feedbacktype: "dispute"`` opens a dispute instead."""
    body = own_body(caller, data, "sender_id")
    raw = body.get("receiver_id")
    receivers = [as_id(r, "receiver_id") for r in (raw if isinstance(raw, list) else [raw])]
    job_id = as_id(body.get("job_id"), "job_id")
    feedback = as_text(body.get("feedback"), "feedback", default="")
    dispute = str(body.get("feedbacktype") or "").lower() == "dispute"
    results: list[dict[str, Any]] = []
    for receiver in receivers:
        try:
            if dispute:
                application = await _application_between(services, caller, job_id, receiver)
                opened = await services.core.disputes.open(caller, application, "other", feedback)
                results.append(
                    {
                        "receiver_id": receiver,
                        "status": "success",
                        "rating_id": opened.id,
                        "message": "Dispute opened",
                    }
                )
                continue
            review = await services.core.reviews.write(
                caller, job_id, receiver, as_int(body.get("rating"), "rating"), feedback
            )
            results.append(
                {
                    "receiver_id": receiver,
                    "status": "success",
                    "rating_id": review.id,
                    "message": "Rating saved",
                }
            )
        except PaeshiftError as exc:
            if len(receivers) == 1:
                raise
            results.append(
                {
                    "receiver_id": receiver,
                    "status": "error",
                    "rating_id": None,
                    "message": exc.message,
                }
            )
    return {"results": results}


@get("/reviews/{uid:str}")
async def reviews_of(
    uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """Public: anyone's reviews. ``is_read`` is the reviewee's own read flag when they look
    at their reviews; for anyone else it is true (another user has nothing to read, and
    when the reviewee read a review is theirs to know)."""
    user_id = as_id(uid, "user_id")
    summary = None
    views: list[Any] = []

    async def fetch(request: Any) -> Any:
        nonlocal summary
        found = await services.core.reviews.list_for_user(user_id, request)
        summary = found.summary
        return found.page

    views = await walk(fetch)
    assert summary is not None
    return {
        "status": "success",
        "data": {
            "user_id": user_id,
            "average_rating": summary.average or 0.0,
            "total_reviews": summary.count,
            "reviews": [
                {
                    "id": v.review.id,
                    "reviewer_id": v.review.reviewer_id,
                    "reviewer_name": v.reviewer_name or "",
                    "reviewer_avatar": "",
                    "reviewer_role": v.reviewer_role or "",
                    "rating": v.review.rating,
                    "feedback": v.review.comment,
                    "job_id": v.review.job_id,
                    "created_at": v.review.created_at.isoformat(),
                    "is_read": user_id != caller.user_id or v.review.read_at is not None,
                }
                for v in views
            ],
        },
    }


@get("/ratings/{segment:str}")
async def reviews_by(
    segment: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """``/ratings/reviewer_{uid}/``: the reviews a user wrote (public, like the reviews of
    a user; the legacy path carries the id inside the segment)."""
    prefix, _, raw = segment.partition("_")
    if prefix != "reviewer" or not raw:
        raise NotFound(f"no ratings at {segment!r}; use reviewer_<user id>")
    author = as_id(raw, "user_id")
    reviews = await walk(partial(services.core.reviews.list_by_author, author))
    return {
        "reviews": [
            {
                "id": r.id,
                "job_id": r.job_id,
                "reviewed_id": r.reviewee_id,
                "rating": r.rating,
                "feedback": r.comment,
                "created_at": r.created_at.isoformat(),
            }
            for r in reviews
        ]
    }


@post("/ratings/mark-read", status_code=200)
async def mark_read(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """The reviewee marks a review of them read (the core refuses anyone else)."""
    body = own_body(caller, data, "user_id")
    review = await services.core.reviews.mark_read(
        caller, as_id(body.get("review_id"), "review_id")
    )
    return {"message": "Marked as read", "review_id": review.id, "is_read": True}


@post("/company/feedback", status_code=201)
async def company_feedback(
    *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    body = own_body(caller, data, "user_id")
    category = as_text(body.get("category"), "category", default="general").strip().lower()
    feedback = await services.core.feedback.send(
        caller,
        category if category in _FEEDBACK_CATEGORIES else FeedbackCategory.GENERAL,
        as_text(body.get("message"), "message"),
        as_int(body.get("rating"), "rating"),
    )
    return {"message": "Thank you for your feedback", "id": feedback.id}


ROUTES = [rate, reviews_of, reviews_by, mark_read, company_feedback]
