"""Reviews, achievements, leaderboards and feedback over HTTP (DOMAIN.md Reviews,
Gamification; issue 8)."""

from __future__ import annotations

from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, accepted, funded_job


async def _user_id(api: Client, headers: Headers) -> int:
    user_id: int = (await api.get("/api/v1/me", headers=headers)).json()["id"]
    return user_id


async def _finished_job(api: Client, client: Headers, worker: Headers) -> int:
    job_id: int = (await funded_job(api, client))["id"]
    await accepted(api, client, worker, job_id)
    assert (await api.post(f"/api/v1/jobs/{job_id}/start", headers=client)).status_code == 200
    assert (await api.post(f"/api/v1/jobs/{job_id}/end", headers=client)).status_code == 200
    return job_id


async def test_review_flow_and_public_list(api: Client, login: Login) -> None:
    client, worker = await login("client"), await login("applicant")
    job_id = await _finished_job(api, client, worker)
    worker_id = await _user_id(api, worker)
    body = {"reviewee_id": worker_id, "rating": 5, "comment": "Brilliant"}
    written = await api.post(f"/api/v1/jobs/{job_id}/reviews", json=body, headers=client)
    assert written.status_code == 201, written.text
    review = written.json()
    assert (review["rating"], review["comment"], review["reviewee_id"]) == (
        5,
        "Brilliant",
        worker_id,
    )
    again = await api.post(f"/api/v1/jobs/{job_id}/reviews", json=body, headers=client)
    assert (again.status_code, again.json()["code"]) == (409, "review_exists")
    bad = await api.post(
        f"/api/v1/jobs/{job_id}/reviews", json={**body, "rating": 6}, headers=client
    )
    assert bad.status_code == 422
    edited = await api.patch(f"/api/v1/reviews/{review['id']}", json={"rating": 4}, headers=client)
    assert (edited.status_code, edited.json()["rating"], edited.json()["comment"]) == (
        200,
        4,
        "Brilliant",
    )
    not_mine = await api.patch(f"/api/v1/reviews/{review['id']}", json={}, headers=worker)
    assert (not_mine.status_code, not_mine.json()["code"]) == (403, "not_author")
    listed = await api.get(f"/api/v1/users/{worker_id}/reviews?limit=5")
    assert listed.status_code == 200
    page = listed.json()
    assert [i["id"] for i in page["items"]] == [review["id"]]
    assert page["items"][0]["reviewer_name"] == "Ada Obi"
    assert page["next_cursor"] is None
    assert page["summary"] == {
        "average": 4.0,
        "count": 1,
        "stars": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }
    assert (await api.get("/api/v1/users/999999999/reviews")).status_code == 404


async def test_achievements_and_leaderboards(
    api: Client, login: Login, use_cases: UseCases, store: MemoryStore
) -> None:
    client, worker = await login("client"), await login("applicant")
    await _finished_job(api, client, worker)
    for item in list(store.outbox):  # what the worker's outbox relay does
        await use_cases.gamification_handlers.handle(item.event_id, item.event)
    mine = await api.get("/api/v1/me/achievements", headers=worker)
    assert mine.status_code == 200
    body = mine.json()
    assert (body["xp"], body["shifts_completed"], body["level"]["level"]) == (50, 1, 1)
    assert [b["badge"] for b in body["badges"]] == ["first_shift"]
    worker_id = await _user_id(api, worker)
    for path in ("/api/v1/leaderboards/weekly", "/api/v1/leaderboards/all-time?limit=3"):
        board = await api.get(path)
        assert board.status_code == 200, board.text
        assert board.json()["items"] == [
            {"rank": 1, "user_id": worker_id, "name": "Ada Obi", "points": 50}
        ]
    other_week = await api.get("/api/v1/leaderboards/weekly?week_of=2025-12-31")
    assert (other_week.json()["board"], other_week.json()["items"]) == ("week:2026-W01", [])


async def test_feedback_flow(api: Client, login: Login, admin_headers: Headers) -> None:
    worker = await login("applicant", complete_profile=False)
    body = {"category": "bug", "message": "The map does not load.", "rating": 3}
    sent = await api.post("/api/v1/feedback", json=body, headers=worker)
    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "open"
    short = await api.post("/api/v1/feedback", json={**body, "message": "short"}, headers=worker)
    assert short.status_code == 422
    listed = await api.get("/api/v1/admin/feedback?status=open", headers=admin_headers)
    assert [f["id"] for f in listed.json()["items"]] == [sent.json()["id"]]
    resolved = await api.post(
        f"/api/v1/admin/feedback/{sent.json()['id']}/resolve",
        json={"note": "Fixed"},
        headers=admin_headers,
    )
    assert (resolved.status_code, resolved.json()["status"]) == (200, "resolved")
    none_open = await api.get("/api/v1/admin/feedback?status=open", headers=admin_headers)
    assert none_open.json()["items"] == []
