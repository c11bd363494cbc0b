"""Assembles the Litestar application from its parts (the HTTP adapter's one assembly point).

``build_api`` takes everything the API needs as arguments: the services come from a factory
entered in the lifespan, so nothing is configured at import time and tests pass memory
services through the same assembly as production.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.types import ControllerRouterHandler

from adapters.http.applications_routes import (
    ApplicationsController,
    JobApplicationsController,
    MyApplicationsController,
)
from adapters.http.auth import DEPENDENCIES, SECURITY_SCHEMES
from adapters.http.auth_routes import AuthController
from adapters.http.catalog_routes import AdminCatalogController, CatalogController
from adapters.http.compat import compat_routers
from adapters.http.compression import compress_responses
from adapters.http.discovery_routes import FeedController, SavedJobsController, UsersController
from adapters.http.disputes_routes import (
    AdminDisputeQueueController,
    AdminDisputesController,
    ApplicationDisputesController,
    DisputesController,
    MyDisputesController,
)
from adapters.http.health_routes import HealthController, metrics
from adapters.http.jobs_routes import JobsController, MyJobsController
from adapters.http.ledger_routes import AdminLedgerController
from adapters.http.me_routes import MeController
from adapters.http.money_routes import (
    FundingController,
    WalletController,
    WithdrawalsController,
)
from adapters.http.notifications_routes import (
    NotificationPreferencesController,
    NotificationsController,
)
from adapters.http.payments_routes import (
    JobPaymentsController,
    MyPaymentsController,
    PaymentsController,
    SandboxCheckoutController,
)
from adapters.http.pictures_routes import MePictureController
from adapters.http.problems import exception_handlers
from adapters.http.reputation_routes import (
    AdminFeedbackController,
    FeedbackController,
    JobReviewsController,
    LeaderboardsController,
    MyAchievementsController,
    ReviewsController,
    UserReviewsController,
)
from adapters.http.request_id import HEADER as REQUEST_ID_HEADER
from adapters.http.request_id import echo_request_id, request_id_middleware
from adapters.http.request_limit import limit_requests
from adapters.http.request_metrics import observe_requests
from adapters.http.services import STATE_KEY, ApiServices
from adapters.http.spa import spa_not_found

API_PREFIX = "/api/v1"

ServicesFactory = Callable[[], AbstractAsyncContextManager[ApiServices]]


def api_route_handlers() -> list[ControllerRouterHandler]:
    return [
        AuthController,
        MeController,
        MePictureController,
        CatalogController,
        AdminCatalogController,
        JobsController,
        MyJobsController,
        JobApplicationsController,
        ApplicationsController,
        MyApplicationsController,
        FundingController,
        WalletController,
        WithdrawalsController,
        PaymentsController,
        JobPaymentsController,
        MyPaymentsController,
        SandboxCheckoutController,
        ApplicationDisputesController,
        DisputesController,
        AdminDisputesController,
        MyDisputesController,
        AdminDisputeQueueController,
        AdminLedgerController,
        FeedController,
        UsersController,
        SavedJobsController,
        NotificationsController,
        NotificationPreferencesController,
        JobReviewsController,
        ReviewsController,
        UserReviewsController,
        MyAchievementsController,
        LeaderboardsController,
        FeedbackController,
        AdminFeedbackController,
    ]


def build_api(
    services: ServicesFactory,
    *,
    cors_origins: Sequence[str] = (),
    debug: bool = False,
    version: str = "1.0.0",
    spa_dir: Path | None = None,
    media_dir: Path | None = None,
    extra_handlers: Sequence[ControllerRouterHandler] = (),
) -> Litestar:
    """The ASGI app: ``/api/v1``, ``/health``, ``/schema`` (+ interactive docs), the legacy
    front end's compat routes, and (with ``spa_dir``) the built front end itself."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with services() as built:
            app.state[STATE_KEY] = built
            try:
                yield
            finally:
                app.state.pop(STATE_KEY, None)

    cors = (
        CORSConfig(
            allow_origins=list(cors_origins),
            allow_credentials=True,
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
        if cors_origins
        else None
    )
    handlers = exception_handlers()
    handlers[NotFoundException] = spa_not_found(
        handlers[HTTPException], spa_dir=spa_dir, media_dir=media_dir
    )
    app = Litestar(
        route_handlers=[
            Router(API_PREFIX, route_handlers=api_route_handlers()),
            HealthController,
            metrics,
            *extra_handlers,  # e.g. the benchmark's reference endpoints (bench mode only)
            # A front end served elsewhere gets the payment return on its own origin.
            *compat_routers(frontend_url=cors_origins[0] if cors_origins else ""),
        ],
        lifespan=[lifespan],
        dependencies=DEPENDENCIES,
        exception_handlers=handlers,
        middleware=[compress_responses, request_id_middleware, limit_requests],
        before_send=[echo_request_id],
        cors_config=cors,
        openapi_config=OpenAPIConfig(
            title="Paeshift API",
            version=version,
            description=(
                "Short paid shifts with escrow. Errors are RFC 9457 problem documents with a "
                f"stable `code`; every response carries `{REQUEST_ID_HEADER}`."
            ),
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/"), JsonRenderPlugin()],
            components=Components(security_schemes=SECURITY_SCHEMES),
            use_handler_docstrings=True,
        ),
        debug=debug,
        # The entrypoint configures logging (structlog); Litestar must not replace the root
        # logger's handler when the app starts.
        logging_config=None,
    )
    # Outermost, around routing: route middleware never sees requests that match no route.
    app.asgi_handler = observe_requests(app.asgi_handler)
    return app
