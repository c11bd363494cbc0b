"""Which cached read models a committed change makes stale (ARCHITECTURE.md Caching).

The cached read models are public representations, the same for every viewer (the HTTP
adapter caches their serialized JSON; see ``adapters/http/cached_reads.py``):

==============  ===================  ===================================================
namespace       key                  read model
==============  ===================  ===================================================
``jobs``        the job id           a job's detail as an anonymous viewer sees it
``feed``        the query            an anonymous feed page (whole-namespace invalidation)
``profiles``    the user id          a public profile with reliability and rating summary
``catalog``     ``industries``       the catalog (whole-namespace invalidation)
``principals``  the user id          the role of a user who may log in (authentication)
``my_apps``     the user id          that user's applications by job (their own status,
                                     laid over public pages; a per-user key)
``unread``      the user id          how many of that user's notifications are unread
                                     (a per-user key; invalidated by ``notifications.py``,
                                     as notifications are not domain events)
==============  ===================  ===================================================

Invalidation is driven by the domain events a commit wrote, so every write (HTTP, webhooks,
periodic tasks, the worker) is covered by one table, :func:`stale_read_models`:

========================================  ==========================================
events                                    stale read models
========================================  ==========================================
any job event (created, edited, deleted)  ``jobs/<job>``
job funded, canceled, shift started       ``jobs/<job>`` and ``feed`` (feed membership)
any application event (apply, reject,     ``jobs/<job>`` (application counts),
start, check-in/out, ...)                 ``my_apps/<applicant>``
application accepted                      ``jobs/<job>``, ``feed`` (free seats)
withdrawn after acceptance (``late``)     ``jobs/<job>``, ``feed``, ``profiles/<worker>``
no-show, shift worked                     ``jobs/<job>``, ``profiles/<worker>`` (reliability)
review received or edited                 ``profiles/<reviewee>``, ``feed`` (best match
                                          uses the client's rating)
profile updated                           ``profiles/<user>``
role switched                             ``profiles/<user>``, ``principals/<user>``
user verified                             ``principals/<user>``
catalog changed                           ``catalog``
========================================  ==========================================

Money events invalidate nothing: money state is never cached. The invalidation runs right
after ``commit()`` returned, inside the use case's call, so the next read by anyone (any
process sharing the cache) sees the change; an outbox-driven invalidation would leave a
window where a read right after the write is stale. :class:`InvalidatingUnitOfWork` wraps every
unit of work the use cases open (``build_use_cases`` applies :func:`with_read_model_invalidation`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Self

import attrs

from paeshift_core.domain.catalog import CatalogChanged
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.marketplace_events import (
    ApplicationAccepted,
    ApplicationEvent,
    ApplicationWithdrawn,
    JobCanceled,
    JobEvent,
    JobFunded,
    ShiftStarted,
    ShiftWorked,
    WorkerMarkedNoShow,
)
from paeshift_core.domain.reviews import ReviewEvent
from paeshift_core.domain.users import ProfileUpdated, RoleSwitched, UserVerified
from paeshift_core.ports.cache import Cache
from paeshift_core.ports.feed import FeedQuery
from paeshift_core.ports.feedback import FeedbackRepository
from paeshift_core.ports.gamification import AchievementsRepository, AwardRepository
from paeshift_core.ports.ledger import Ledger
from paeshift_core.ports.notifications import (
    NotificationPreferencesRepository,
    NotificationRepository,
    ProcessedEventRepository,
)
from paeshift_core.ports.repositories import (
    ApplicationRepository,
    CatalogRepository,
    DisputeRepository,
    JobRepository,
    OneTimeCodeRepository,
    PaymentIntentRepository,
    RefreshTokenRepository,
    SavedJobRepository,
    UserRepository,
    WithdrawalRepository,
)
from paeshift_core.ports.reviews import RatingSummaries, ReviewRepository
from paeshift_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:  # context imports UncachedReads from here
    from paeshift_core.application.context import Deps

JOBS = "jobs"
FEED = "feed"
PROFILES = "profiles"
CATALOG = "catalog"
PRINCIPALS = "principals"
MY_APPLICATIONS = "my_apps"
MY_APPLICATIONS_TTL_S = 600
UNREAD_NOTIFICATIONS = "unread"
UNREAD_NOTIFICATIONS_TTL_S = 600
#: Seconds a cached principal lives: the bound on seeing a change made outside the use cases.
PRINCIPAL_TTL_S = 120
#: The one key of the ``catalog`` namespace.
CATALOG_KEY = "industries"

#: ``(namespace, key)``; ``key=None`` stands for the whole namespace.
Stale = tuple[str, str | None]

_FEED_MEMBERSHIP = (JobFunded, JobCanceled, ShiftStarted)
_RELIABILITY = (WorkerMarkedNoShow, ShiftWorked)


def stale_read_models(event: DomainEvent) -> list[Stale]:
    """The read models ``event`` changed: the table of the module docstring."""
    if isinstance(event, JobEvent):
        stale: list[Stale] = [(JOBS, str(event.job_id))]
        if isinstance(event, _FEED_MEMBERSHIP):
            stale.append((FEED, None))
        return stale
    if isinstance(event, ApplicationEvent):
        stale = [(JOBS, str(event.job_id)), (MY_APPLICATIONS, str(event.applicant_id))]
        late = isinstance(event, ApplicationWithdrawn) and event.late
        if isinstance(event, ApplicationAccepted) or late:
            stale.append((FEED, None))
        if isinstance(event, _RELIABILITY) or late:
            stale.append((PROFILES, str(event.applicant_id)))
        return stale
    if isinstance(event, ReviewEvent):
        return [(PROFILES, str(event.reviewee_id)), (FEED, None)]
    if isinstance(event, RoleSwitched):
        return [(PROFILES, str(event.user_id)), (PRINCIPALS, str(event.user_id))]
    if isinstance(event, ProfileUpdated):
        return [(PROFILES, str(event.user_id))]
    if isinstance(event, UserVerified):
        return [(PRINCIPALS, str(event.user_id))]
    if isinstance(event, CatalogChanged):
        return [(CATALOG, None)]
    return []


async def invalidate_for(cache: Cache, events: Iterable[DomainEvent]) -> None:
    """Bump each stale read model once (a namespace bump covers its keys)."""
    stale = {s for event in events for s in stale_read_models(event)}
    whole = {namespace for namespace, key in stale if key is None}
    for namespace, key in sorted(stale, key=lambda s: (s[0], s[1] or "")):
        if key is None or namespace not in whole:
            await cache.invalidate(namespace, key)


class UncachedReads:
    """A ``Cache`` that caches nothing: every read loads (``PAESHIFT_CACHE=off``, the default
    of ``Deps`` where no cache is wired)."""

    async def get_or_load(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> bytes:
        return await load()

    async def invalidate(self, namespace: str, key: str | None = None) -> None:
        return None

    async def refresh(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> None:
        return None  # nothing is read from a cache, so nothing is loaded ahead


class InvalidatingUnitOfWork:
    """A unit of work that, once its commit succeeded, invalidates the read models the
    committed events made stale (before the use case returns). A failed commit raises and
    invalidates nothing; the cache adapters never raise from ``invalidate``."""

    def __init__(self, inner: UnitOfWork, cache: Cache) -> None:
        self._inner = inner
        self._cache = cache

    @property
    def users(self) -> UserRepository:
        return self._inner.users

    @property
    def codes(self) -> OneTimeCodeRepository:
        return self._inner.codes

    @property
    def refresh_tokens(self) -> RefreshTokenRepository:
        return self._inner.refresh_tokens

    @property
    def catalog(self) -> CatalogRepository:
        return self._inner.catalog

    @property
    def jobs(self) -> JobRepository:
        return self._inner.jobs

    @property
    def applications(self) -> ApplicationRepository:
        return self._inner.applications

    @property
    def ledger(self) -> Ledger:
        return self._inner.ledger

    @property
    def payment_intents(self) -> PaymentIntentRepository:
        return self._inner.payment_intents

    @property
    def withdrawals(self) -> WithdrawalRepository:
        return self._inner.withdrawals

    @property
    def disputes(self) -> DisputeRepository:
        return self._inner.disputes

    @property
    def saved_jobs(self) -> SavedJobRepository:
        return self._inner.saved_jobs

    @property
    def feed(self) -> FeedQuery:
        return self._inner.feed

    @property
    def notifications(self) -> NotificationRepository:
        return self._inner.notifications

    @property
    def notification_preferences(self) -> NotificationPreferencesRepository:
        return self._inner.notification_preferences

    @property
    def processed_events(self) -> ProcessedEventRepository:
        return self._inner.processed_events

    @property
    def reviews(self) -> ReviewRepository:
        return self._inner.reviews

    @property
    def rating_summaries(self) -> RatingSummaries:
        return self._inner.rating_summaries

    @property
    def awards(self) -> AwardRepository:
        return self._inner.awards

    @property
    def achievements(self) -> AchievementsRepository:
        return self._inner.achievements

    @property
    def feedback(self) -> FeedbackRepository:
        return self._inner.feedback

    @property
    def committed_events(self) -> Sequence[DomainEvent]:
        return self._inner.committed_events

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        await self._inner.commit()
        await invalidate_for(self._cache, self._inner.committed_events)

    async def rollback(self) -> None:
        await self._inner.rollback()


@attrs.frozen
class InvalidatingUnitOfWorkFactory:
    inner: UnitOfWorkFactory
    cache: Cache

    def __call__(
        self, *, read_only: bool = False, snapshot: bool = False
    ) -> InvalidatingUnitOfWork:
        return InvalidatingUnitOfWork(
            self.inner(read_only=read_only, snapshot=snapshot), self.cache
        )


def with_read_model_invalidation(deps: Deps) -> Deps:
    """``deps`` whose units of work invalidate ``deps.cache`` after commit (idempotent)."""
    if isinstance(deps.uow, InvalidatingUnitOfWorkFactory):
        return deps
    return attrs.evolve(deps, uow=InvalidatingUnitOfWorkFactory(deps.uow, deps.cache))
