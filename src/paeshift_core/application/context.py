"""What every use case receives: the ports (``Deps``), platform policy, and the principal.

Use cases are grouped in small classes per area (``IdentityUseCases``, ``JobUseCases``, ...)
built from one ``Deps``. Each write opens a new unit of work from ``deps.uow`` and commits
explicitly. Who is acting is always a :class:`Principal` built from the authenticated token,
never from request data.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import field, frozen

from paeshift_core.application.read_models import UncachedReads
from paeshift_core.domain.money import Money
from paeshift_core.domain.pricing import DEFAULT_FEE_RATE_BP
from paeshift_core.domain.users import Role
from paeshift_core.ports.cache import Cache
from paeshift_core.ports.clock import Clock
from paeshift_core.ports.email import EmailSender
from paeshift_core.ports.files import FileStore
from paeshift_core.ports.ids import IdGenerator
from paeshift_core.ports.payments import PaymentGateway
from paeshift_core.ports.rate_limit import RateLimiter
from paeshift_core.ports.security import PasswordHasher, TokenService
from paeshift_core.ports.unit_of_work import UnitOfWorkFactory


@frozen
class Principal:
    """The authenticated caller."""

    user_id: int
    role: Role


@frozen
class Policy:
    """Platform settings the rules depend on (DOMAIN.md: configurable values)."""

    fee_rate_bp: int = DEFAULT_FEE_RATE_BP
    timezone: str = "Africa/Lagos"
    start_lead: timedelta = timedelta(hours=2)
    geofence_m: int = 500
    auto_complete_after: timedelta = timedelta(hours=24)
    auto_cancel_after: timedelta = timedelta(hours=24)
    #: Withdrawals (DOMAIN.md Payments): minimum ₦1,000, at most 5 a day, a daily amount cap.
    withdrawal_minimum: Money = Money(100_000)
    withdrawals_per_day: int = 5
    withdrawal_daily_amount: Money = Money(50_000_000)
    #: Disputes may be opened up to this long after a shift ended (DOMAIN.md Disputes).
    dispute_window: timedelta = timedelta(hours=24)


@frozen
class Deps:
    """The ports a use case may use; built once by the entrypoint's bootstrap."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    hasher: PasswordHasher
    tokens: TokenService
    email: EmailSender
    rate_limiter: RateLimiter
    #: Profile pictures (memory in tests, local disk under ``var/media`` by default).
    files: FileStore
    policy: Policy = field(factory=Policy)
    #: The payment provider (sandbox by default); ``None`` where no payment use case runs.
    gateway: PaymentGateway | None = None
    #: Cached public read models (``application/read_models.py``): invalidated after every
    #: commit that changes one; nothing is cached by default.
    cache: Cache = field(factory=UncachedReads)
