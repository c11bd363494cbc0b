"""Composition root: builds the use cases from ports (ARCHITECTURE.md Entry points).

``build_use_cases(deps)`` is the one place the use-case classes are assembled; the HTTP app,
the CLI, the worker and the unit tests all go through it, so tests exercise the production
wiring. ``memory_deps`` builds ``Deps`` from the memory adapters (fast, no I/O) for unit
tests and quick experiments; the embedded and server deps are built by the app factory from
settings.
"""

from __future__ import annotations

from attrs import frozen

from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.files import MemoryFileStore
from adapters.memory.ids import SequentialIds
from adapters.memory.leaderboard import MemoryLeaderboard
from adapters.memory.passwords import MemoryPasswordHasher
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.memory.wiring import MemoryUnitOfWorkFactory, new_memory_store
from adapters.payments.sandbox import SandboxGateway
from adapters.security.tokens import JwtTokenService
from paeshift_core.application.applications import ApplicationUseCases
from paeshift_core.application.catalog import CatalogUseCases
from paeshift_core.application.context import Deps, Policy
from paeshift_core.application.counterparts import CounterpartUseCases
from paeshift_core.application.disputes import DisputeUseCases
from paeshift_core.application.feed import FeedUseCases
from paeshift_core.application.feedback import FeedbackUseCases
from paeshift_core.application.funding import FundingUseCases
from paeshift_core.application.gamification import GamificationHandlers, GamificationUseCases
from paeshift_core.application.identity import IdentityUseCases
from paeshift_core.application.jobs import JobUseCases
from paeshift_core.application.ledger_check import LedgerCheck
from paeshift_core.application.maintenance import Maintenance
from paeshift_core.application.notifications import (
    NotificationHandler,
    NotificationUseCases,
    ShiftReminders,
)
from paeshift_core.application.payment_history import PaymentHistoryUseCases
from paeshift_core.application.payment_webhooks import PaymentWebhooks
from paeshift_core.application.pictures import PictureUseCases
from paeshift_core.application.profiles import ProfileUseCases
from paeshift_core.application.public_profiles import PublicProfileUseCases
from paeshift_core.application.read_models import with_read_model_invalidation
from paeshift_core.application.reviews import ReviewUseCases
from paeshift_core.application.saved_jobs import SavedJobUseCases
from paeshift_core.application.settlement import JobDeadlines, LedgerJobMoney
from paeshift_core.application.wallet import WalletUseCases
from paeshift_core.application.withdrawals import WithdrawalUseCases
from paeshift_core.ports.gamification import Leaderboard
from paeshift_core.ports.payments import PaymentGateway

#: Signing secret of ``memory_deps`` only (tests); real deployments take it from settings.
MEMORY_TOKEN_SECRET = "paeshift-memory-deps-secret-not-for-production"


@frozen(kw_only=True)
class UseCases:
    """Every use-case group, built once per process from one ``Deps``."""

    identity: IdentityUseCases
    profiles: ProfileUseCases
    pictures: PictureUseCases
    catalog: CatalogUseCases
    jobs: JobUseCases
    applications: ApplicationUseCases
    funding: FundingUseCases
    payment_history: PaymentHistoryUseCases
    withdrawals: WithdrawalUseCases
    payment_webhooks: PaymentWebhooks
    disputes: DisputeUseCases
    deadlines: JobDeadlines
    ledger_check: LedgerCheck
    wallet: WalletUseCases
    feed: FeedUseCases
    saved_jobs: SavedJobUseCases
    public_profiles: PublicProfileUseCases
    notifications: NotificationUseCases
    #: Outbox handlers and periodic tasks run by the worker (or the embedded runner).
    notification_handler: NotificationHandler
    shift_reminders: ShiftReminders
    maintenance: Maintenance
    reviews: ReviewUseCases
    gamification: GamificationUseCases
    #: The outbox relay calls ``gamification_handlers.handle(event_id, event)``.
    gamification_handlers: GamificationHandlers
    feedback: FeedbackUseCases
    counterparts: CounterpartUseCases


def build_use_cases(deps: Deps, *, leaderboard: Leaderboard | None = None) -> UseCases:
    """``leaderboard``: Redis when configured; by default boards are kept in process.

    Every unit of work the use cases open invalidates ``deps.cache`` after its commit
    (``application/read_models.py``).
    """
    deps = with_read_model_invalidation(deps)
    boards = leaderboard or MemoryLeaderboard()
    money = LedgerJobMoney()
    funding = FundingUseCases(deps)
    withdrawals = WithdrawalUseCases(deps)
    return UseCases(
        identity=IdentityUseCases(deps),
        profiles=ProfileUseCases(deps),
        pictures=PictureUseCases(deps),
        catalog=CatalogUseCases(deps),
        jobs=JobUseCases(deps, money=money),
        applications=ApplicationUseCases(deps),
        funding=funding,
        payment_history=PaymentHistoryUseCases(deps),
        withdrawals=withdrawals,
        payment_webhooks=PaymentWebhooks(deps, funding, withdrawals),
        disputes=DisputeUseCases(deps),
        deadlines=JobDeadlines(deps, money),
        ledger_check=LedgerCheck(deps),
        wallet=WalletUseCases(deps),
        feed=FeedUseCases(deps),
        saved_jobs=SavedJobUseCases(deps),
        public_profiles=PublicProfileUseCases(deps),
        notifications=NotificationUseCases(deps),
        notification_handler=NotificationHandler(deps),
        shift_reminders=ShiftReminders(deps),
        maintenance=Maintenance(deps),
        reviews=ReviewUseCases(deps),
        gamification=GamificationUseCases(deps, boards),
        gamification_handlers=GamificationHandlers(deps, boards),
        feedback=FeedbackUseCases(deps),
        counterparts=CounterpartUseCases(deps),
    )


def memory_deps(
    clock: FakeClock | None = None,
    policy: Policy | None = None,
    gateway: PaymentGateway | None = None,
) -> Deps:
    """Deps on memory adapters: ``deps.uow.store``, ``deps.email.sent``, ``deps.files.files``
    are inspectable.

    The gateway is a fresh :class:`SandboxGateway` (in memory, no network) unless given.
    Password hashing is the fast memory hasher (the argon2 adapter has its own tests); access
    tokens are real JWTs signed with :data:`MEMORY_TOKEN_SECRET`.
    """
    clock = clock or FakeClock()
    return Deps(
        uow=MemoryUnitOfWorkFactory(new_memory_store(), clock),
        clock=clock,
        ids=SequentialIds(),
        hasher=MemoryPasswordHasher(),
        tokens=JwtTokenService(MEMORY_TOKEN_SECRET),
        email=MemoryEmailSender(),
        rate_limiter=MemoryRateLimiter(clock),
        files=MemoryFileStore(),
        policy=policy or Policy(),
        gateway=gateway or SandboxGateway(),
        cache=MemoryCache(clock),
    )
