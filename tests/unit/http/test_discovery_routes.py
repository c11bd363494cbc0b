"""Discovery over HTTP: the feed (public, personalised), job detail visibility, public
profiles, saved jobs, dispute lists and the admins' ledger check."""

from __future__ import annotations

from typing import Any

from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, apply, funded_job, post_job
from tests.unit.http.world import build_world

ABUJA = {"latitude": 9.0765, "longitude": 7.3986}
HERE = "6.5244,3.3792"


async def _feed(api: Client, headers: Headers | None = None, **params: Any) -> dict[str, Any]:
    response = await api.get("/api/v1/jobs", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


async def _user_id(api: Client, headers: Headers) -> int:
    user_id: int = (await api.get("/api/v1/me", headers=headers)).json()["id"]
    return user_id


async def test_the_feed_is_public_filtered_sorted_and_paged(api: Client, login: Login) -> None:
    owner = await login("client")
    wedding = (await funded_job(api, owner))["id"]
    club = (
        await funded_job(
            api,
            owner,
            title="Bartender at a club",
            description="Cocktails all night.",
            hourly_rate={"amount": 300_000, "currency": "NGN"},
            location=ABUJA,
        )
    )["id"]
    await post_job(api, owner, title="Unfunded draft")

    assert _ids(await _feed(api)) == [wedding, club]
    assert _ids(await _feed(api, sort="highest_pay")) == [club, wedding]
    assert _ids(await _feed(api, q="wedding")) == [wedding]
    near = await _feed(api, near=HERE, radius_km=10)
    assert _ids(near) == [wedding]
    assert near["items"][0]["distance_km"] == 0.0
    assert near["items"][0]["subcategory"]
    assert "total_due" not in near["items"][0]
    assert _ids(await _feed(api, sort="nearest", near=HERE)) == [wedding, club]
    assert _ids(await _feed(api, min_hourly_rate=200_000)) == [club]

    first = await _feed(api, limit=1)
    assert _ids(first) == [wedding]
    assert first["next_cursor"]
    second = await _feed(api, limit=1, cursor=first["next_cursor"])
    assert _ids(second) == [club]
    assert second["next_cursor"] is None


async def test_the_feed_shows_the_viewers_application(api: Client, login: Login) -> None:
    owner, worker = await login("client"), await login("applicant")
    job = (await funded_job(api, owner))["id"]
    application = await apply(api, worker, job)
    [mine] = (await _feed(api, worker))["items"]
    assert mine["my_application"] == {"id": application, "status": "applied"}
    [anonymous] = (await _feed(api))["items"]
    assert anonymous["my_application"] is None


async def test_best_match_prefers_the_viewers_skills(api: Client, login: Login) -> None:
    owner, worker = await login("client"), await login("applicant")
    nearby = (await funded_job(api, owner))["id"]
    skilled = (await funded_job(api, owner, title="Bartender at a club", location=ABUJA))["id"]
    assert (
        await api.patch("/api/v1/me", json={"skills": ["bartender"]}, headers=worker)
    ).is_success
    page = await _feed(api, worker, sort="best_match", near=HERE)
    assert _ids(page) == [skilled, nearby]
    scores = [item["match_score"] for item in page["items"]]
    assert scores[0] > scores[1] > 0
    # Without skills (anonymous), proximity decides.
    assert _ids(await _feed(api, sort="best_match", near=HERE)) == [nearby, skilled]


async def test_feed_input_errors_name_the_parameter(api: Client) -> None:
    cases: list[tuple[dict[str, str | int], str]] = [
        ({"sort": "nearest"}, "near"),
        ({"near": "lagos"}, "near"),
        ({"radius_km": 5}, "near"),
        ({"cursor": "garbage"}, "cursor"),
        ({"q": "a b c d e f g h i"}, "q"),
    ]
    for params, field in cases:
        response = await api.get("/api/v1/jobs", params=params)
        assert response.status_code == 422, (params, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, response.text


async def test_a_canceled_job_is_shown_to_its_client_admins_and_applicants_only(
    api: Client, login: Login, admin_headers: Headers
) -> None:
    owner, worker, stranger = await login("client"), await login("applicant"), await login()
    job = (await funded_job(api, owner))["id"]
    assert (await api.get(f"/api/v1/jobs/{job}")).status_code == 200
    await apply(api, worker, job)
    assert (await api.post(f"/api/v1/jobs/{job}/cancel", headers=owner)).status_code == 200
    seen = {
        name: (await api.get(f"/api/v1/jobs/{job}", headers=headers)).status_code
        for name, headers in {
            "anonymous": {},
            "stranger": stranger,
            "owner": owner,
            "worker": worker,
            "admin": admin_headers,
        }.items()
    }
    assert seen == {"anonymous": 404, "stranger": 404, "owner": 200, "worker": 200, "admin": 200}


async def test_a_public_profile_shows_reliability_and_rating_but_nothing_private(
    api: Client, login: Login
) -> None:
    worker = await login("applicant")
    worker_id = await _user_id(api, worker)
    response = await api.get(f"/api/v1/users/{worker_id}")
    assert response.status_code == 200, response.text
    profile = response.json()
    assert profile["id"] == worker_id
    assert profile["role"] == "applicant"
    assert profile["reliability"] == {
        "score_percent": None,
        "basis": 0,
        "completed": 0,
        "no_shows": 0,
        "late_withdrawals": 0,
    }
    assert profile["completed_shifts"] == 0
    assert profile["rating"]["count"] == 0
    assert profile["rating"]["average"] is None
    private = {"email", "phone", "payout_account", "address", "location", "balance"}
    assert not private & set(profile)
    assert (await api.get("/api/v1/users/999999999")).status_code == 404


async def test_saved_jobs_are_idempotent_and_show_the_current_status(
    api: Client, login: Login
) -> None:
    owner, worker = await login("client"), await login("applicant")
    job = (await funded_job(api, owner))["id"]
    draft = (await post_job(api, owner))["id"]
    first = await api.put(f"/api/v1/me/saved-jobs/{job}", headers=worker)
    again = await api.put(f"/api/v1/me/saved-jobs/{job}", headers=worker)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert (await api.put(f"/api/v1/me/saved-jobs/{draft}", headers=worker)).status_code == 404
    assert (await api.put(f"/api/v1/me/saved-jobs/{job}", headers=owner)).status_code == 403

    await api.post(f"/api/v1/jobs/{job}/cancel", headers=owner)
    listed = (await api.get("/api/v1/me/saved-jobs", headers=worker)).json()
    assert [(i["job_id"], i["job"]["status"]) for i in listed["items"]] == [(job, "canceled")]
    assert listed["next_cursor"] is None

    for _ in range(2):
        gone = await api.delete(f"/api/v1/me/saved-jobs/{job}", headers=worker)
        assert gone.status_code == 204
    assert (await api.get("/api/v1/me/saved-jobs", headers=worker)).json()["items"] == []


async def test_saved_jobs_page_newest_first(api: Client, login: Login) -> None:
    owner, worker = await login("client"), await login("applicant")
    jobs = [(await funded_job(api, owner, title=f"Shift {n}"))["id"] for n in range(3)]
    for job in jobs:
        assert (await api.put(f"/api/v1/me/saved-jobs/{job}", headers=worker)).is_success
    first = (await api.get("/api/v1/me/saved-jobs?limit=2", headers=worker)).json()
    rest = await api.get(
        f"/api/v1/me/saved-jobs?limit=2&cursor={first['next_cursor']}", headers=worker
    )
    seen = [i["job_id"] for i in first["items"]] + [i["job_id"] for i in rest.json()["items"]]
    assert sorted(seen) == sorted(jobs)
    assert len(set(seen)) == 3


async def test_dispute_lists_for_parties_and_admins(
    api: Client, login: Login, admin_headers: Headers
) -> None:
    world = await build_world(api, login, admin_headers)

    async def listed(url: str, headers: Headers) -> list[int]:
        response = await api.get(url, headers=headers)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["items"]]

    assert await listed("/api/v1/me/disputes", world.worker) == [world.dispute]
    assert await listed("/api/v1/me/disputes", world.owner) == [world.dispute]
    assert await listed("/api/v1/me/disputes", world.other_worker) == []
    assert await listed("/api/v1/admin/disputes", world.admin) == [world.dispute]
    assert await listed("/api/v1/admin/disputes?status=open", world.admin) == [world.dispute]
    assert await listed("/api/v1/admin/disputes?status=resolved", world.admin) == []


async def test_admins_check_the_ledger_over_http(
    api: Client, login: Login, admin_headers: Headers
) -> None:
    owner = await login("client")
    await funded_job(api, owner)
    report = (await api.get("/api/v1/admin/ledger/check", headers=admin_headers)).json()
    assert report["ok"] is True
    assert report["transactions"] >= 1
    assert report["violations"] == []
