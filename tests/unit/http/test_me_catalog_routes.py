"""``/api/v1/me`` and the catalog through HTTP."""

from __future__ import annotations

from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client


async def test_me_shows_and_changes_the_profile(api: Client, login: Login) -> None:
    me = await login("applicant", complete_profile=False)
    shown = (await api.get("/api/v1/me", headers=me)).json()
    assert (shown["role"], shown["phone"], shown["location"]) == ("applicant", None, None)
    changed = await api.patch(
        "/api/v1/me",
        json={"phone": "0803 123 4567", "skills": ["Waiter", "waiter", "Cook"], "bio": "Hi"},
        headers=me,
    )
    assert changed.status_code == 200
    assert changed.json()["phone"] == "+2348031234567"
    assert changed.json()["skills"] == ["waiter", "cook"]
    bad_phone = await api.patch("/api/v1/me", json={"phone": "12345"}, headers=me)
    assert (bad_phone.status_code, bad_phone.json()["errors"][0]["field"]) == (422, "phone")
    half_point = await api.patch("/api/v1/me", json={"latitude": 6.5}, headers=me)
    assert half_point.json()["errors"][0]["field"] == "longitude"


async def test_role_switch_and_payout_account(api: Client, login: Login) -> None:
    me = await login("client")
    switched = await api.put("/api/v1/me/role", json={"role": "applicant"}, headers=me)
    assert switched.json()["role"] == "applicant"
    admin = await api.put("/api/v1/me/role", json={"role": "admin"}, headers=me)
    assert (admin.status_code, admin.json()["errors"][0]["field"]) == (422, "role")
    account = {"bank": "GTBank", "account_number": "0123456789", "account_name": "Ada Obi"}
    saved = await api.put("/api/v1/me/payout-account", json=account, headers=me)
    assert saved.json()["payout_account"] == account
    short = await api.put(
        "/api/v1/me/payout-account", json={**account, "account_number": "123"}, headers=me
    )
    assert short.json()["errors"][0]["field"] == "account_number"


async def test_admin_cannot_switch_role(api: Client, admin_headers: Headers) -> None:
    response = await api.put("/api/v1/me/role", json={"role": "client"}, headers=admin_headers)
    assert response.status_code == 403


async def test_catalog_is_public_and_admins_extend_it(api: Client, admin_headers: Headers) -> None:
    catalog = (await api.get("/api/v1/catalog/industries")).json()["items"]
    names = [i["name"] for i in catalog]
    assert "Hospitality" in names
    assert names == sorted(names)
    added = await api.post(
        "/api/v1/admin/catalog/industries", json={"name": "Farming"}, headers=admin_headers
    )
    assert added.status_code == 201
    industry_id = added.json()["id"]
    duplicate = await api.post(
        "/api/v1/admin/catalog/industries", json={"name": "farming"}, headers=admin_headers
    )
    assert duplicate.status_code == 409
    sub = await api.post(
        f"/api/v1/admin/catalog/industries/{industry_id}/subcategories",
        json={"name": "Harvest hand"},
        headers=admin_headers,
    )
    assert (sub.status_code, sub.json()["name"]) == (201, "Harvest hand")
    missing = await api.post(
        "/api/v1/admin/catalog/industries/999999/subcategories",
        json={"name": "Harvest hand"},
        headers=admin_headers,
    )
    assert missing.status_code == 404
