"""Building legacy job objects from the use cases (one catalog read and one public profile
per distinct client per request; the compat lists are bounded by their page size)."""

from __future__ import annotations

from functools import partial
from typing import Any

from adapters.http.compat.shapes import ClientCard, Viewing, catalog_names, job_object, walk
from adapters.http.services import ApiServices
from paeshift_core.application.context import Principal
from paeshift_core.domain.applications import ApplicationCounts
from paeshift_core.domain.jobs import Job


class JobViews:
    """Per-request memo of the catalog and the client cards."""

    def __init__(self, services: ApiServices, viewer: Principal | None) -> None:
        self._services = services
        self._viewer = viewer
        self._catalog: tuple[dict[int, str], dict[int, str]] | None = None
        self._clients: dict[int, ClientCard] = {}

    async def catalog(self) -> tuple[dict[int, str], dict[int, str]]:
        if self._catalog is None:
            self._catalog = catalog_names(await self._services.core.catalog.list_industries())
        return self._catalog

    async def client(self, client_id: int) -> ClientCard:
        if client_id not in self._clients:
            profile = await self._services.core.public_profiles.get(client_id)
            self._clients[client_id] = ClientCard(
                first_name=profile.first_name,
                last_name=profile.last_name,
                rating=profile.rating.average or 0.0,
                picture=profile.picture or "",
            )
        return self._clients[client_id]

    async def of(self, job: Job, viewing: Viewing) -> dict[str, Any]:
        return job_object(job, viewing, await self.client(job.client_id), await self.catalog())

    async def detail(self, job_id: int) -> dict[str, Any]:
        """``GET /jobs/{id}``: the job as the viewer may see it (the use case decides)."""
        core = self._services.core
        found = await core.jobs.get_job(self._viewer, job_id)
        applicant_ids: list[int] = []
        if self._viewer is not None and self._viewer.user_id == found.job.client_id:
            rows = await walk(
                partial(core.applications.list_job_applications, self._viewer, job_id)
            )
            applicant_ids = [row.applicant.id for row in rows]
        elif found.my_application is not None and self._viewer is not None:
            applicant_ids = [self._viewer.user_id]
        viewing = Viewing(
            counts=found.counts, mine=found.my_application, applicant_ids=applicant_ids
        )
        return await self.of(found.job, viewing)

    async def plain(self, job: Job, counts: ApplicationCounts | None = None) -> dict[str, Any]:
        return await self.of(job, Viewing(counts=counts or ApplicationCounts()))
