"""Who may see and act on jobs and applications (authorization is decided in the core).

Rules, the same for every marketplace use case:

- Roles that gate an action (``client`` posts, ``applicant`` applies) are read from the stored
  user, not from the token, because a user may have switched role since the token was issued.
  ``admin`` is taken from the principal: it is granted only by an operator command.
- **Not visible → NotFound.** A ``pending`` job exists only for its client and admins; an
  application only for its applicant, the job's client and admins. Anyone else is told it
  does not exist, so ids of private things leak nothing.
- **Visible but not yours → PermissionDenied** (``not_owner``): e.g. an applicant accepting
  their own application, or another client starting a public job.

Admin-only actions elsewhere (catalog, disputes, feedback, the ledger check) use
:func:`require_admin`; use cases acting on a job as its client load it with :func:`owned_job`.
"""

from __future__ import annotations

from paeshift_core.application.context import Principal
from paeshift_core.domain.applications import Application
from paeshift_core.domain.errors import NotFound, PermissionDenied
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.users import Role, User
from paeshift_core.ports.unit_of_work import UnitOfWork


def is_admin(principal: Principal | None) -> bool:
    return principal is not None and principal.role is Role.ADMIN


def require_admin(principal: Principal, action: str, *, code: str = "admin_only") -> None:
    """Only an admin may ``action`` (e.g. "decide disputes"); anyone else: PermissionDenied."""
    if not is_admin(principal):
        raise PermissionDenied(f"only an admin may {action}", code=code)


def require_job_visible(job: Job, principal: Principal | None) -> None:
    mine = principal is not None and principal.user_id == job.client_id
    if not (job.is_public or mine or is_admin(principal)):
        raise NotFound(f"job {job.id} not found")


def require_job_owner(job: Job, principal: Principal, *, or_admin: bool = False) -> None:
    """Only the job's client (or, where allowed, an admin) may act on the job."""
    require_job_visible(job, principal)
    if principal.user_id == job.client_id or (or_admin and is_admin(principal)):
        return
    raise PermissionDenied("only the job's client may do this", code="not_owner")


async def owned_job(
    uow: UnitOfWork,
    principal: Principal,
    job_id: int,
    *,
    or_admin: bool = False,
    for_update: bool = False,
) -> Job:
    """Load a job the principal may act on as its client (see :func:`require_job_owner`)."""
    job = await uow.jobs.get(job_id, for_update=for_update)
    require_job_owner(job, principal, or_admin=or_admin)
    return job


def require_application_visible(application: Application, job: Job, principal: Principal) -> None:
    if principal.user_id in (application.applicant_id, job.client_id) or is_admin(principal):
        return
    raise NotFound(f"application {application.id} not found")


def require_applicant_self(application: Application, job: Job, principal: Principal) -> None:
    """Only the applicant acts on their application's own steps (withdraw, check-in/out)."""
    require_application_visible(application, job, principal)
    if principal.user_id != application.applicant_id:
        raise PermissionDenied("only the applicant may do this", code="not_owner")


async def acting_user(uow: UnitOfWork, principal: Principal, role: Role) -> User:
    """The stored user behind the principal, with ``role`` and complete contact details
    (DOMAIN.md: a client needs phone and address before posting, an applicant before
    applying)."""
    user = await uow.users.get(principal.user_id)
    user.require_role(role)
    user.require_contact_details()
    return user
