"""Cached public reads stay correct (ARCHITECTURE.md Caching; ``cached_reads.py``).

Each test reads anonymously first (that fills the cache), writes, then reads again as
somebody else: the change must show at once. The first test proves the reads really are
served from the cache, so the others could fail. Viewer-specific parts (a viewer's own
application) never reach the shared entries.
"""

from __future__ import annotations

from typing import Any

from adapters.memory.cache import MemoryCache
from paeshift_core.application.context import Deps
from paeshift_core.application.read_models import CATALOG, FEED, JOBS, PROFILES
from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, accepted, apply, fund_with_sandbox, post_job


def _cache(deps: Deps) -> MemoryCache:
    assert isinstance(deps.cache, MemoryCache)
    return deps.cache


async def _detail(api: Client, job_id: int, headers: Headers | None = None) -> dict[str, Any]:
    response = await api.get(f"/api/v1/jobs/{job_id}", headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _feed_item(api: Client, job_id: int, headers: Headers | None = None) -> Any:
    response = await api.get("/api/v1/jobs", params={"limit": 100}, headers=headers or {})
    assert response.status_code == 200, response.text
    found = [item for item in response.json()["items"] if item["id"] == job_id]
    return found[0] if found else None


async def _profile(api: Client, user_id: int) -> dict[str, Any]:
    response = await api.get(f"/api/v1/users/{user_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _funded_job(api: Client, owner: Headers) -> int:
    job: int = (await post_job(api, owner))["id"]
    await fund_with_sandbox(api, owner, job)
    return job


async def _user_id(api: Client, headers: Headers) -> int:
    user_id: int = (await api.get("/api/v1/me", headers=headers)).json()["id"]
    return user_id


async def test_anonymous_reads_are_served_from_the_cache(
    api: Client, login: Login, deps: Deps
) -> None:
    owner = await login("client")
    job = await _funded_job(api, owner)
    cache = _cache(deps)
    for _ in range(2):
        await _detail(api, job)
        await _feed_item(api, job)
        await _profile(api, await _user_id(api, owner))
        assert (await api.get("/api/v1/catalog/industries")).status_code == 200
    for namespace in (JOBS, FEED, PROFILES, CATALOG):
        assert cache.hits[namespace] >= 1, namespace


async def test_edit_then_fund_shows_the_edited_job(api: Client, login: Login) -> None:
    owner = await login("client")
    job = (await post_job(api, owner, title="Before the edit"))["id"]
    assert (await api.get(f"/api/v1/jobs/{job}")).status_code == 404  # pending: not public
    edited = await api.patch(f"/api/v1/jobs/{job}", json={"title": "After the edit"}, headers=owner)
    assert edited.status_code == 200, edited.text
    assert (await _detail(api, job, owner))["job"]["title"] == "After the edit"
    await fund_with_sandbox(api, owner, job)
    assert (await _detail(api, job))["job"]["title"] == "After the edit"


async def test_funding_puts_the_job_in_the_cached_feed(api: Client, login: Login) -> None:
    owner = await login("client")
    job = (await post_job(api, owner))["id"]
    assert await _feed_item(api, job) is None
    await fund_with_sandbox(api, owner, job)
    assert (await _feed_item(api, job))["free_seats"] == 2
    assert (await _detail(api, job))["job"]["status"] == "upcoming"


async def test_wallet_funding_shows_at_once(api: Client, login: Login, deps: Deps) -> None:
    """Funding from the wallet (another write path than the gateway) invalidates too."""
    owner = await login("client")
    job = (await post_job(api, owner))["id"]
    refund_source = (await post_job(api, owner))["id"]
    await fund_with_sandbox(api, owner, refund_source)
    assert (await api.post(f"/api/v1/jobs/{refund_source}/cancel", headers=owner)).is_success
    assert await _feed_item(api, job) is None
    funded = await api.post(f"/api/v1/jobs/{job}/funding", json={"method": "wallet"}, headers=owner)
    assert funded.status_code == 201, funded.text
    assert await _feed_item(api, job) is not None


async def test_apply_reject_withdraw_update_the_counts(api: Client, login: Login) -> None:
    owner, worker, other = await login("client"), await login("applicant"), await login("applicant")
    job = await _funded_job(api, owner)
    assert (await _detail(api, job))["counts"]["applicants"] == 0
    first = await apply(api, worker, job)
    assert (await _detail(api, job, other))["counts"]["by_status"] == {"applied": 1}
    assert (await _detail(api, job))["counts"]["by_status"] == {"applied": 1}
    assert (await api.post(f"/api/v1/applications/{first}/reject", headers=owner)).is_success
    assert (await _detail(api, job))["counts"]["by_status"] == {"rejected": 1}
    second = await apply(api, other, job)
    assert (await api.post(f"/api/v1/applications/{second}/withdraw", headers=other)).is_success
    assert (await _detail(api, job))["counts"]["by_status"] == {"rejected": 1, "withdrawn": 1}


async def test_application_writes_store_the_job_detail_its_next_reader_gets(
    api: Client, login: Login, deps: Deps
) -> None:
    """Write-through (``jobs_routes.refresh_job_detail``): after apply, accept, reject and
    withdraw the next anonymous read is a hit, and it shows the write."""
    owner, worker, other = await login("client"), await login("applicant"), await login("applicant")
    job = await _funded_job(api, owner)
    cache = _cache(deps)

    async def read_hits(expected: dict[str, int]) -> None:
        hits, misses = cache.hits[JOBS], cache.misses[JOBS]
        assert (await _detail(api, job))["counts"]["by_status"] == expected
        assert (cache.hits[JOBS], cache.misses[JOBS]) == (hits + 1, misses)

    first = await apply(api, worker, job)
    await read_hits({"applied": 1})
    assert (await api.post(f"/api/v1/applications/{first}/reject", headers=owner)).is_success
    await read_hits({"rejected": 1})
    second = await apply(api, other, job)
    assert (await api.post(f"/api/v1/applications/{second}/withdraw", headers=other)).is_success
    await read_hits({"rejected": 1, "withdrawn": 1})
    await accepted(api, owner, await login("applicant"), job)
    await read_hits({"rejected": 1, "withdrawn": 1, "accepted": 1})


async def test_accept_updates_free_seats_in_detail_and_feed(api: Client, login: Login) -> None:
    owner, worker = await login("client"), await login("applicant")
    job = await _funded_job(api, owner)
    assert (await _feed_item(api, job))["free_seats"] == 2
    assert (await _detail(api, job))["job"]["accepted_count"] == 0
    application = await accepted(api, owner, worker, job)
    assert (await _feed_item(api, job))["free_seats"] == 1
    assert (await _detail(api, job))["job"]["accepted_count"] == 1
    withdrawn = await api.post(f"/api/v1/applications/{application}/withdraw", headers=worker)
    assert withdrawn.is_success, withdrawn.text  # a late withdrawal frees the seat again
    assert (await _feed_item(api, job))["free_seats"] == 2
    reliability = (await _profile(api, await _user_id(api, worker)))["reliability"]
    assert reliability["late_withdrawals"] == 1


async def test_cancel_hides_the_job_from_anonymous_readers(api: Client, login: Login) -> None:
    owner = await login("client")
    job = await _funded_job(api, owner)
    assert (await _detail(api, job))["job"]["status"] == "upcoming"
    assert await _feed_item(api, job) is not None
    assert (await api.post(f"/api/v1/jobs/{job}/cancel", headers=owner)).status_code == 200
    assert (await api.get(f"/api/v1/jobs/{job}")).status_code == 404
    assert await _feed_item(api, job) is None


async def test_start_no_show_end_and_review(api: Client, login: Login) -> None:
    owner, worker, absent = (
        await login("client"),
        await login("applicant"),
        await login("applicant"),
    )
    job = await _funded_job(api, owner)
    await accepted(api, owner, worker, job)
    missing = await accepted(api, owner, absent, job)
    worker_id, absent_id = await _user_id(api, worker), await _user_id(api, absent)
    assert (await _profile(api, worker_id))["completed_shifts"] == 0
    assert (await _profile(api, absent_id))["reliability"]["no_shows"] == 0
    assert (await _detail(api, job))["job"]["status"] == "upcoming"
    assert (await api.post(f"/api/v1/jobs/{job}/start", headers=owner)).status_code == 200
    assert (await _detail(api, job))["job"]["status"] == "ongoing"
    assert await _feed_item(api, job) is None
    no_show = await api.post(f"/api/v1/applications/{missing}/no-show", headers=owner)
    assert no_show.is_success, no_show.text
    assert (await _profile(api, absent_id))["reliability"]["no_shows"] == 1
    assert (await api.post(f"/api/v1/jobs/{job}/end", headers=owner)).status_code == 200
    assert (await _detail(api, job))["job"]["status"] == "completed"
    assert (await _profile(api, worker_id))["completed_shifts"] == 1
    assert (await _profile(api, worker_id))["rating"]["count"] == 0
    review = await api.post(
        f"/api/v1/jobs/{job}/reviews", json={"reviewee_id": worker_id, "rating": 4}, headers=owner
    )
    assert review.status_code == 201, review.text
    rating = (await _profile(api, worker_id))["rating"]
    assert (rating["count"], rating["average"], rating["stars"]["4"]) == (1, 4.0, 1)


async def test_profile_update_shows_in_the_public_profile(api: Client, login: Login) -> None:
    worker = await login("applicant")
    worker_id = await _user_id(api, worker)
    assert (await _profile(api, worker_id))["bio"] == ""
    changed = await api.patch("/api/v1/me", json={"bio": "Ten years of events."}, headers=worker)
    assert changed.is_success, changed.text
    assert (await _profile(api, worker_id))["bio"] == "Ten years of events."


async def test_catalog_addition_shows_at_once(api: Client, admin_headers: Headers) -> None:
    before = (await api.get("/api/v1/catalog/industries")).json()["items"]
    assert "Security" not in {i["name"] for i in before}
    added = await api.post(
        "/api/v1/admin/catalog/industries", json={"name": "Security"}, headers=admin_headers
    )
    assert added.status_code == 201, added.text
    after = (await api.get("/api/v1/catalog/industries")).json()["items"]
    assert "Security" in {i["name"] for i in after}


async def test_a_viewers_own_application_never_reaches_anonymous_reads(
    api: Client, login: Login
) -> None:
    owner, worker = await login("client"), await login("applicant")
    job = await _funded_job(api, owner)
    application = await apply(api, worker, job)
    mine = {"id": application, "status": "applied"}
    # The viewer reads first, then anonymously, then again as the viewer (after the fill).
    assert (await _detail(api, job, worker))["my_application"] == mine
    assert (await _feed_item(api, job, worker))["my_application"] == mine
    for _ in range(2):
        assert (await _detail(api, job))["my_application"] is None
        assert (await _feed_item(api, job))["my_application"] is None
    assert (await _detail(api, job, worker))["my_application"] == mine
    assert (await _feed_item(api, job, worker))["my_application"] == mine


async def test_a_viewer_who_applied_to_none_of_the_jobs_shown_gets_the_public_bytes(
    api: Client, login: Login
) -> None:
    """Decision (cached_reads.py): nothing to lay over, so the cached public JSON is served
    as it is; another viewer's application changes nothing for them."""
    owner, worker, other = (
        await login("client"),
        await login("applicant"),
        await login("applicant"),
    )
    job = await _funded_job(api, owner)
    await apply(api, other, job)
    for path in (f"/api/v1/jobs/{job}", "/api/v1/jobs"):
        public = await api.get(path)
        seen = await api.get(path, headers=worker)
        assert public.status_code == seen.status_code == 200
        assert seen.content == public.content
    await apply(api, worker, job)
    assert (await _detail(api, job, worker))["my_application"]["status"] == "applied"
    assert (await _feed_item(api, job, worker))["my_application"]["status"] == "applied"


async def test_viewer_reads_lay_their_application_over_the_cached_public_part(
    api: Client, login: Login, deps: Deps
) -> None:
    owner, worker = await login("client"), await login("applicant")
    job = await _funded_job(api, owner)
    application = await apply(api, worker, job)
    await _detail(api, job)
    await _feed_item(api, job)
    cache = _cache(deps)
    hits = (cache.hits[JOBS], cache.hits[FEED])
    mine = {"id": application, "status": "applied"}
    assert (await _detail(api, job, worker))["my_application"] == mine
    assert (await _feed_item(api, job, worker))["my_application"] == mine
    assert (cache.hits[JOBS], cache.hits[FEED]) == (hits[0] + 1, hits[1] + 1)
    withdrawn = await api.post(f"/api/v1/applications/{application}/withdraw", headers=worker)
    assert withdrawn.is_success, withdrawn.text
    gone = {"id": application, "status": "withdrawn"}
    assert (await _detail(api, job, worker))["my_application"] == gone
    assert (await _feed_item(api, job, worker))["my_application"] == gone


async def test_jobs_the_public_may_not_see_are_served_to_those_who_may(
    api: Client, login: Login
) -> None:
    owner, worker = await login("client"), await login("applicant")
    job = (await post_job(api, owner))["id"]
    assert (await api.get(f"/api/v1/jobs/{job}")).status_code == 404
    assert (await _detail(api, job, owner))["job"]["status"] == "pending"
    assert (await api.get(f"/api/v1/jobs/{job}", headers=worker)).status_code == 404
    await fund_with_sandbox(api, owner, job)
    application = await apply(api, worker, job)
    assert (await api.post(f"/api/v1/jobs/{job}/cancel", headers=owner)).status_code == 200
    assert (await api.get(f"/api/v1/jobs/{job}")).status_code == 404
    seen = await _detail(api, job, worker)  # they had applied: they may see it canceled
    assert seen["job"]["status"] == "canceled"
    assert seen["my_application"]["id"] == application


async def test_best_match_for_a_viewer_is_ranked_by_their_own_skills(
    api: Client, login: Login
) -> None:
    owner, worker = await login("client"), await login("applicant")
    await _funded_job(api, owner)
    params: dict[str, str | int] = {"sort": "best_match", "limit": 100}
    anonymous = (await api.get("/api/v1/jobs", params=params)).json()["items"]
    skills = {"skills": [anonymous[0]["subcategory"]]}
    assert (await api.patch("/api/v1/me", json=skills, headers=worker)).is_success
    personal = (await api.get("/api/v1/jobs", params=params, headers=worker)).json()["items"]
    assert personal[0]["match_score"] > anonymous[0]["match_score"]
    again = (await api.get("/api/v1/jobs", params=params)).json()["items"]
    assert again[0]["match_score"] == anonymous[0]["match_score"]


async def test_a_viewers_best_match_follows_funding_applying_and_accepting(
    api: Client, login: Login
) -> None:
    """The candidates are cached for everyone; the viewer's page still shows each change."""
    owner, worker, other = await login("client"), await login("applicant"), await login("applicant")
    params: dict[str, str | int] = {"sort": "best_match", "limit": 100}

    async def item(job_id: int) -> Any:
        items = (await api.get("/api/v1/jobs", params=params, headers=worker)).json()["items"]
        return next((i for i in items if i["id"] == job_id), None)

    job: int = (await post_job(api, owner, applicants_needed=2))["id"]
    assert await item(job) is None
    await fund_with_sandbox(api, owner, job)
    assert (await item(job))["free_seats"] == 2
    application = await apply(api, worker, job)
    assert (await item(job))["my_application"] == {"id": application, "status": "applied"}
    await accepted(api, owner, other, job)
    assert (await item(job))["free_seats"] == 1
