"""Disputes through HTTP: open, read, admin review and resolve (money held then released)."""

from __future__ import annotations

from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client
from tests.unit.http.world import build_world


async def test_dispute_lifecycle(api: Client, login: Login, admin_headers: Headers) -> None:
    world = await build_world(api, login, admin_headers)
    path = f"/api/v1/disputes/{world.dispute}"
    seen_by_client = await api.get(path, headers=world.owner)
    assert seen_by_client.json()["status"] == "open"
    assert seen_by_client.json()["category"] == "hours"

    duplicate = await api.post(
        f"/api/v1/applications/{world.ongoing_app}/disputes",
        json={"category": "late", "reason": "again"},
        headers=world.owner,
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "dispute_exists")
    bad_category = await api.post(
        f"/api/v1/applications/{world.ongoing_app}/disputes",
        json={"category": "vibes", "reason": "?"},
        headers=world.owner,
    )
    assert (bad_category.status_code, bad_category.json()["errors"][0]["field"]) == (
        422,
        "category",
    )

    end = await api.post(f"/api/v1/jobs/{world.ongoing}/end", headers=world.owner)
    assert end.status_code == 200
    assert (await api.get(path, headers=world.worker)).json()["held"] is True
    before = (await api.get("/api/v1/me/wallet", headers=world.worker)).json()["balance"]
    assert before["amount"] == 0

    review = await api.post(f"/api/v1/admin/disputes/{world.dispute}/review", headers=world.admin)
    assert review.json()["status"] == "in_review"
    split_without_amount = await api.post(
        f"/api/v1/admin/disputes/{world.dispute}/resolve",
        json={"kind": "split"},
        headers=world.admin,
    )
    assert split_without_amount.json()["errors"][0]["field"] == "worker_amount"
    resolved = await api.post(
        f"/api/v1/admin/disputes/{world.dispute}/resolve",
        json={"kind": "release", "note": "hours confirmed"},
        headers=world.admin,
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolution"]["kind"]) == (
        "resolved",
        "release",
    )
    after = (await api.get("/api/v1/me/wallet", headers=world.worker)).json()["balance"]
    assert after["amount"] == 1_200_000
    reject = await api.post(
        f"/api/v1/admin/disputes/{world.dispute}/reject", json={}, headers=world.admin
    )
    assert reject.status_code == 409


async def test_unknown_dispute_is_404(api: Client, admin_headers: Headers) -> None:
    assert (await api.get("/api/v1/disputes/424242", headers=admin_headers)).status_code == 404
