"""A small marketplace made through HTTP, for tests that need every kind of party:

- ``owner`` (client) posted ``pending`` (unfunded), ``upcoming`` (funded; ``worker`` applied:
  ``applied_app``) and ``ongoing`` (funded, ``worker`` accepted and started: ``ongoing_app``,
  with ``dispute`` opened by ``worker``), and a completed one-seat job on which ``owner``
  wrote ``review`` of its worker (a user who is none of the actors below);
- ``other_client``, ``other_worker`` and ``admin`` have nothing to do with them.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client, accepted, apply, fund_with_sandbox, post_job


@frozen(kw_only=True)
class World:
    owner: Headers
    other_client: Headers
    worker: Headers
    other_worker: Headers
    admin: Headers
    pending: int
    upcoming: int
    ongoing: int
    applied_app: int
    ongoing_app: int
    dispute: int
    payment: str
    #: ``owner``'s review of the worker of a completed one-seat job (not one of the actors).
    review: int

    def ids(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "upcoming": self.upcoming,
            "ongoing": self.ongoing,
            "applied_app": self.applied_app,
            "ongoing_app": self.ongoing_app,
            "dispute": self.dispute,
            "payment": self.payment,
            "review": self.review,
        }

    def actor(self, name: str) -> Headers:
        headers: Headers = getattr(self, name)
        return headers


async def build_world(api: Client, login: Login, admin: Headers) -> World:
    owner = await login("client")
    worker = await login("applicant")
    pending = (await post_job(api, owner, title="Still a draft"))["id"]
    upcoming = (await post_job(api, owner, title="Open for applications"))["id"]
    payment = await fund_with_sandbox(api, owner, upcoming)
    applied_app = await apply(api, worker, upcoming)
    ongoing = (await post_job(api, owner, title="Happening now"))["id"]
    await fund_with_sandbox(api, owner, ongoing)
    ongoing_app = await accepted(api, owner, worker, ongoing)
    assert (await api.post(f"/api/v1/jobs/{ongoing}/start", headers=owner)).status_code == 200
    opened = await api.post(
        f"/api/v1/applications/{ongoing_app}/disputes",
        json={"category": "hours", "reason": "I worked an extra hour"},
        headers=worker,
    )
    assert opened.status_code == 201, opened.text
    # One seat, worked by somebody outside the world: no wallet of the world's actors moves.
    done = (await post_job(api, owner, title="Done and reviewed", applicants_needed=1))["id"]
    await fund_with_sandbox(api, owner, done)
    reviewed = await login("applicant")
    await accepted(api, owner, reviewed, done)
    for step in ("start", "end"):
        assert (await api.post(f"/api/v1/jobs/{done}/{step}", headers=owner)).status_code == 200
    worker_id = (await api.get("/api/v1/me", headers=reviewed)).json()["id"]
    review = await api.post(
        f"/api/v1/jobs/{done}/reviews",
        json={"reviewee_id": worker_id, "rating": 5},
        headers=owner,
    )
    assert review.status_code == 201, review.text
    return World(
        owner=owner,
        other_client=await login("client"),
        worker=worker,
        other_worker=await login("applicant"),
        admin=admin,
        pending=pending,
        upcoming=upcoming,
        ongoing=ongoing,
        applied_app=applied_app,
        ongoing_app=ongoing_app,
        dispute=opened.json()["id"],
        payment=payment,
        review=review.json()["id"],
    )
