"""What the HTTP adapter needs from the composition root, and how handlers receive it.

The entrypoint builds one :class:`ApiServices` in the app's lifespan (use cases over the
configured adapters) and stores it in ``app.state``; handlers receive it, or the principal,
through explicit ``NamedDependency`` parameters, never through globals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from attrs import define, field
from litestar.datastructures import State

from adapters.http.admission import Admission
from adapters.http.idempotency import IdempotencyStore
from adapters.http.request_budget import RequestBudget
from adapters.observability.metrics import MetricSource
from adapters.payments.sandbox import SandboxGateway
from paeshift_core.application.applications import ApplicationUseCases
from paeshift_core.application.catalog import CatalogUseCases
from paeshift_core.application.counterparts import CounterpartUseCases
from paeshift_core.application.disputes import DisputeUseCases
from paeshift_core.application.feed import FeedUseCases
from paeshift_core.application.feedback import FeedbackUseCases
from paeshift_core.application.funding import FundingUseCases
from paeshift_core.application.gamification import GamificationUseCases
from paeshift_core.application.identity import IdentityUseCases
from paeshift_core.application.jobs import JobUseCases
from paeshift_core.application.ledger_check import LedgerCheck
from paeshift_core.application.notifications import NotificationUseCases
from paeshift_core.application.payment_history import PaymentHistoryUseCases
from paeshift_core.application.payment_webhooks import PaymentWebhooks
from paeshift_core.application.pictures import PictureUseCases
from paeshift_core.application.profiles import ProfileUseCases
from paeshift_core.application.public_profiles import PublicProfileUseCases
from paeshift_core.application.read_models import UncachedReads
from paeshift_core.application.reviews import ReviewUseCases
from paeshift_core.application.saved_jobs import SavedJobUseCases
from paeshift_core.application.wallet import WalletUseCases
from paeshift_core.application.withdrawals import WithdrawalUseCases
from paeshift_core.ports.cache import Cache
from paeshift_core.ports.clock import Clock

#: A readiness check: returns when the dependency answers, raises otherwise.
Probe = Callable[[], Awaitable[None]]
#: One unit of reference work for the benchmark (a Redis GET, a primary-key SELECT of ``key``).
ReferenceWork = Callable[[int], Awaitable[object]]

STATE_KEY = "services"


class CoreUseCases(Protocol):
    """The use-case groups the routes call (the entrypoint's ``UseCases`` provides them)."""

    @property
    def identity(self) -> IdentityUseCases: ...

    @property
    def profiles(self) -> ProfileUseCases: ...

    @property
    def pictures(self) -> PictureUseCases: ...

    @property
    def catalog(self) -> CatalogUseCases: ...

    @property
    def jobs(self) -> JobUseCases: ...

    @property
    def applications(self) -> ApplicationUseCases: ...

    @property
    def funding(self) -> FundingUseCases: ...

    @property
    def payment_history(self) -> PaymentHistoryUseCases: ...

    @property
    def withdrawals(self) -> WithdrawalUseCases: ...

    @property
    def payment_webhooks(self) -> PaymentWebhooks: ...

    @property
    def disputes(self) -> DisputeUseCases: ...

    @property
    def ledger_check(self) -> LedgerCheck: ...

    @property
    def wallet(self) -> WalletUseCases: ...

    @property
    def feed(self) -> FeedUseCases: ...

    @property
    def saved_jobs(self) -> SavedJobUseCases: ...

    @property
    def public_profiles(self) -> PublicProfileUseCases: ...

    @property
    def notifications(self) -> NotificationUseCases: ...

    @property
    def reviews(self) -> ReviewUseCases: ...

    @property
    def gamification(self) -> GamificationUseCases: ...

    @property
    def feedback(self) -> FeedbackUseCases: ...

    @property
    def counterparts(self) -> CounterpartUseCases: ...


@define(kw_only=True)
class ApiServices:
    """The use cases and infrastructure hooks the routes call."""

    core: CoreUseCases
    clock: Clock
    idempotency: IdempotencyStore
    readiness: Mapping[str, Probe] = field(factory=dict)
    #: The configured provider's name (webhooks are accepted at its path only).
    payment_provider: str = "sandbox"
    #: The sandbox gateway when it is the provider: its checkout pages are served here.
    sandbox: SandboxGateway | None = None
    cookie_secure: bool = False
    public_base_url: str = "http://127.0.0.1:8000"
    #: Gauges computed when Prometheus scrapes ``/metrics`` (outbox backlog, ledger check).
    metric_sources: Mapping[str, MetricSource] = field(factory=dict)
    #: Benchmark mode only: the reference work of ``/bench/*`` (``bench_routes.py``).
    reference_work: Mapping[str, ReferenceWork] = field(factory=dict)
    #: The public read routes' cache (``cached_reads.py``); the same one the use cases
    #: invalidate (``Deps.cache``). Default: nothing cached.
    cache: Cache = field(factory=UncachedReads)
    #: The general per-client limit (``request_budget.py``); None: not limited.
    request_budget: RequestBudget | None = None
    #: Load shedding (``admission.py``); None: every request is admitted.
    admission: Admission | None = None


def services_of(state: State) -> ApiServices:
    services = state.get(STATE_KEY)
    if not isinstance(services, ApiServices):
        raise RuntimeError("ApiServices missing from app state: the lifespan did not run")
    return services
