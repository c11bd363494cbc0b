"""Every protected route × anonymous / wrong role / not the owner: 401, 403 or 404 as the
core's rules say (marketplace_access.py: not visible → 404, visible but not yours → 403),
and never a success. The table is the spec; the test only plays it."""

from __future__ import annotations

from typing import Any

from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, job_body
from tests.unit.http.world import build_world

ANY_JOB = "__job__"
RESOLVE = {"kind": "release"}

#: (method, path, body, {actor: expected status}); anonymous is 401 unless the row says else
#: (public reads personalised for a logged-in viewer treat an anonymous caller as a stranger).
ROUTES: list[tuple[str, str, Any, dict[str, int]]] = [
    ("POST", "/api/v1/jobs", ANY_JOB, {"worker": 403}),
    ("PATCH", "/api/v1/jobs/{pending}", {"title": "Changed"}, {"worker": 404, "other_client": 404}),
    ("DELETE", "/api/v1/jobs/{pending}", None, {"worker": 404, "other_client": 404}),
    (
        "GET",
        "/api/v1/jobs/{pending}",
        None,
        {"anonymous": 404, "worker": 404, "other_client": 404},
    ),
    # Funding answers 403 for somebody else's pending job (funding.py); see the report.
    ("POST", "/api/v1/jobs/{pending}/funding", {"method": "gateway"}, {"other_client": 403}),
    ("POST", "/api/v1/jobs/{upcoming}/cancel", None, {"worker": 403, "other_client": 403}),
    ("POST", "/api/v1/jobs/{upcoming}/start", None, {"worker": 403, "other_client": 403}),
    ("POST", "/api/v1/jobs/{ongoing}/end", None, {"worker": 403, "other_client": 403}),
    ("GET", "/api/v1/jobs/{upcoming}/applications", None, {"worker": 403, "other_client": 403}),
    ("POST", "/api/v1/jobs/{upcoming}/applications", None, {"other_client": 403}),
    (
        "POST",
        "/api/v1/applications/{applied_app}/accept",
        None,
        {"worker": 403, "other_worker": 404, "other_client": 404},
    ),
    (
        "POST",
        "/api/v1/applications/{applied_app}/reject",
        None,
        {"worker": 403, "other_worker": 404, "other_client": 404},
    ),
    (
        "POST",
        "/api/v1/applications/{ongoing_app}/no-show",
        None,
        {"worker": 403, "other_worker": 404},
    ),
    (
        "POST",
        "/api/v1/applications/{applied_app}/withdraw",
        None,
        {"owner": 403, "other_worker": 404},
    ),
    (
        "POST",
        "/api/v1/applications/{applied_app}/check-in",
        None,
        {"owner": 403, "other_worker": 404},
    ),
    (
        "POST",
        "/api/v1/applications/{ongoing_app}/check-out",
        None,
        {"owner": 403, "other_worker": 404},
    ),
    (
        "POST",
        "/api/v1/applications/{ongoing_app}/disputes",
        {"category": "other", "reason": "not mine"},
        {"other_worker": 403, "other_client": 403},
    ),
    ("GET", "/api/v1/disputes/{dispute}", None, {"other_worker": 404, "other_client": 404}),
    ("POST", "/api/v1/admin/disputes/{dispute}/review", None, {"worker": 403, "owner": 403}),
    ("POST", "/api/v1/admin/disputes/{dispute}/resolve", RESOLVE, {"worker": 403, "owner": 403}),
    ("POST", "/api/v1/admin/disputes/{dispute}/reject", {}, {"worker": 403, "owner": 403}),
    ("POST", "/api/v1/admin/catalog/industries", {"name": "Farming"}, {"owner": 403}),
    (
        "POST",
        "/api/v1/admin/catalog/industries/1/subcategories",
        {"name": "Harvest hand"},
        {"owner": 403, "worker": 403},
    ),
    ("GET", "/api/v1/payments/{payment}", None, {"other_client": 404, "worker": 404}),
    # A job's payments: its client or an admin; a pending job is invisible to others.
    ("GET", "/api/v1/jobs/{pending}/payments", None, {"worker": 404, "other_client": 404}),
    ("GET", "/api/v1/jobs/{upcoming}/payments", None, {"worker": 403, "other_client": 403}),
    ("GET", "/api/v1/me/payments", None, {}),
    # Saved jobs: applicants only; a pending job cannot be saved (not public).
    (
        "PUT",
        "/api/v1/me/saved-jobs/{upcoming}",
        None,
        {"owner": 403, "other_client": 403},
    ),
    ("PUT", "/api/v1/me/saved-jobs/{pending}", None, {"worker": 404}),
    ("DELETE", "/api/v1/me/saved-jobs/{upcoming}", None, {}),
    ("GET", "/api/v1/me/saved-jobs", None, {}),
    ("GET", "/api/v1/me/disputes", None, {}),
    ("GET", "/api/v1/admin/disputes", None, {"worker": 403, "owner": 403}),
    ("GET", "/api/v1/admin/ledger/check", None, {"worker": 403, "owner": 403}),
    ("GET", "/api/v1/me/notifications", None, {}),
    ("GET", "/api/v1/me/notifications/unread-count", None, {}),
    # Nobody's notification 1 exists in the world (no relay ran): not found for anyone.
    ("POST", "/api/v1/me/notifications/1/read", None, {"worker": 404}),
    ("POST", "/api/v1/me/notifications/read-all", None, {}),
    ("GET", "/api/v1/me/notification-preferences", None, {}),
    ("PUT", "/api/v1/me/notification-preferences", {"categories": []}, {}),
    ("GET", "/api/v1/me", None, {}),
    ("PATCH", "/api/v1/me", {"bio": "hi"}, {}),
    ("PUT", "/api/v1/me/role", {"role": "client"}, {}),
    ("PUT", "/api/v1/me/picture", None, {}),
    ("DELETE", "/api/v1/me/picture", None, {}),
    (
        "PUT",
        "/api/v1/me/payout-account",
        {"bank": "GTBank", "account_number": "0123456789", "account_name": "Ada Obi"},
        {},
    ),
    ("GET", "/api/v1/me/jobs", None, {}),
    ("GET", "/api/v1/me/applications", None, {}),
    ("GET", "/api/v1/me/wallet", None, {}),
    ("GET", "/api/v1/me/wallet/entries", None, {}),
    ("GET", "/api/v1/me/withdrawals", None, {}),
    ("POST", "/api/v1/me/withdrawals", {"amount": {"amount": 100_000}}, {}),
    ("GET", "/api/v1/me/withdrawals/1", None, {}),
    (
        "POST",
        "/api/v1/jobs/{ongoing}/reviews",
        {"reviewee_id": 1, "rating": 5},
        {"other_client": 403, "other_worker": 403},
    ),
    (
        "PATCH",
        "/api/v1/reviews/{review}",
        {"rating": 1},
        {"worker": 403, "other_client": 403, "other_worker": 403},
    ),
    ("GET", "/api/v1/me/achievements", None, {}),
    ("POST", "/api/v1/feedback", {"category": "bug", "message": "x" * 10, "rating": 3}, {}),
    ("GET", "/api/v1/admin/feedback", None, {"owner": 403, "worker": 403}),
    ("POST", "/api/v1/admin/feedback/1/resolve", {}, {"owner": 403, "worker": 403}),
    ("POST", "/api/v1/auth/password", {"current_password": "x", "new_password": "y" * 10}, {}),
]

CASES = [
    (method, path, body, actor, status)
    for method, path, body, expected in ROUTES
    for actor, status in {"anonymous": 401, **expected}.items()
]


async def test_every_protected_route_refuses_the_wrong_callers(
    api: Client, login: Login, admin_headers: Headers
) -> None:
    """One world, every case (none of them may change anything); all mismatches reported."""
    world = await build_world(api, login, admin_headers)
    wrong: list[str] = []
    for method, path, body, actor, status in CASES:
        payload = await job_body(api) if body == ANY_JOB else body
        headers = {} if actor == "anonymous" else world.actor(actor)
        api.cookies.clear()
        url = path.format(**world.ids())
        response = await api.request(method, url, json=payload, headers=headers)
        problem = response.headers.get("content-type") == "application/problem+json"
        if response.status_code != status or not problem:
            wrong.append(f"{method} {path} as {actor}: {response.status_code} {response.text}")
    assert not wrong, "\n".join(wrong)
    assert len(CASES) > 80


def test_the_table_covers_every_route_that_needs_a_caller() -> None:
    from adapters.http.api import build_api

    app = build_api(_no_services)
    protected = {
        (method, route.path)
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if "principal" in handler.parsed_fn_signature.parameters
        for method in getattr(handler, "http_methods", ())
    }
    assert len(protected) > 30
    listed = {(m, _pattern(p)) for m, p, _, _ in ROUTES}
    missing = {(m, p) for m, p in protected if (m, p) not in listed}
    assert not missing, f"protected routes missing from the authorization table: {missing}"


def _pattern(path: str) -> str:
    """``/jobs/{pending}`` → the route's pattern ``/jobs/{job_id:int}``."""
    import re

    names = {
        "pending": "{job_id:int}",
        "upcoming": "{job_id:int}",
        "ongoing": "{job_id:int}",
        "applied_app": "{application_id:int}",
        "ongoing_app": "{application_id:int}",
        "dispute": "{dispute_id:int}",
        "payment": "{reference:str}",
        "review": "{review_id:int}",
    }
    path = re.sub(r"\{(\w+)\}", lambda m: names[m.group(1)], path)
    path = re.sub(r"/feedback/1/", "/feedback/{feedback_id:int}/", path)
    path = re.sub(r"/industries/1/", "/industries/{industry_id:int}/", path)
    path = re.sub(r"/notifications/1/", "/notifications/{notification_id:int}/", path)
    return re.sub(r"/withdrawals/1$", "/withdrawals/{withdrawal_id:int}", path)


def _no_services() -> Any:
    raise AssertionError("not started")
