"""Service settings, read from ``PAESHIFT_*`` environment variables (ARCHITECTURE.md Entry points).

Read once by the entrypoint through :func:`load_settings`, never at import time. Nothing is
required: without ``PAESHIFT_DATABASE_URL`` the service runs on the embedded default (SQLite
under ``./var/``, in-process cache and rate limiter, sandbox payments, console e-mail).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from attrs import Factory, field, frozen

from adapters.system.ids import MAX_NODE
from paeshift_core.domain.pricing import DEFAULT_FEE_RATE_BP

PAYMENT_PROVIDERS = frozenset({"sandbox", "paystack", "flutterwave"})
LOG_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
LOG_FORMATS = frozenset({"json", "console"})
#: Defaults of ``PAESHIFT_REDIS_TIMEOUT_MS`` and ``PAESHIFT_REDIS_RETRY_MS`` (why 250 ms: the
#: comment on ``adapters/redis/resilience.DEFAULT_TIMEOUT_S``).
REDIS_TIMEOUT_S = 0.25
REDIS_RETRY_S = 5.0
#: Default general limit per client: 1,200 requests a minute (20/s sustained: far above what
#: a person's app sends, well below a scraper or a retry loop).
REQUESTS_PER_MINUTE = 1_200
#: Defaults of ``PAESHIFT_MAX_CONCURRENT_REQUESTS`` and ``PAESHIFT_ADMISSION_WAIT_MS``: the
#: load shedding of ``adapters/http/admission.py``, per server process.
MAX_CONCURRENT_REQUESTS = 32
ADMISSION_WAIT_S = 0.25
#: Default and greatest ``PAESHIFT_STATEMENT_TIMEOUT_MS``: the longest a server's SQL
#: statement may run.
STATEMENT_TIMEOUT_S = 30.0
STATEMENT_TIMEOUT_MAX_S = 300.0
#: Default ``PAESHIFT_WORKER_NICE``: the background worker's scheduling niceness (why:
#: ``entrypoints/worker.py`` ``lower_priority``).
WORKER_NICE = 10


class SettingsError(ValueError):
    """A ``PAESHIFT_*`` variable has a value the service cannot run with."""


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@frozen(kw_only=True)
class Settings:
    """Everything the composition root needs; defaults give the embedded service."""

    database_url: str | None = None
    redis_url: str | None = None
    #: ``PAESHIFT_CACHE=off`` serves every public read from the database (the benchmark's
    #: "without cache" runs); on by default: Redis with ``redis_url``, else in process.
    cache_enabled: bool = True
    #: ``PAESHIFT_CACHE_PREFIX``: first part of every cache key in Redis (default ``psh``).
    cache_prefix: str = "psh"
    #: ``PAESHIFT_REDIS_TIMEOUT_MS``: the longest any Redis call may delay a request.
    redis_timeout_s: float = REDIS_TIMEOUT_S
    #: ``PAESHIFT_REDIS_RETRY_MS``: after Redis failed, how long it is skipped before a trial.
    redis_retry_s: float = REDIS_RETRY_S
    jwt_secret: str | None = None
    fee_rate_bp: int = DEFAULT_FEE_RATE_BP
    cors_origins: tuple[str, ...] = ()
    public_base_url: str = "http://127.0.0.1:8000"
    payment_provider: str = "sandbox"
    paystack_secret_key: str | None = None
    flutterwave_secret_key: str | None = None
    flutterwave_webhook_hash: str | None = None
    log_level: str = "INFO"
    #: ``json`` or ``console``; unset: console on a terminal, JSON otherwise.
    log_format: str | None = None
    var_dir: Path = field(factory=lambda: Path("var"))
    cookie_secure: bool = False
    debug: bool = False
    #: ``PAESHIFT_REQUESTS_PER_MINUTE``: the general per-client limit
    #: (``adapters/http/request_budget.py``).
    requests_per_minute: int = REQUESTS_PER_MINUTE
    #: ``PAESHIFT_MAX_CONCURRENT_REQUESTS``: requests a server process runs at once; the next
    #: wait up to ``PAESHIFT_ADMISSION_WAIT_MS``, then get a 503 (``0``: no limit).
    max_concurrent_requests: int = MAX_CONCURRENT_REQUESTS
    admission_wait_s: float = ADMISSION_WAIT_S
    #: ``PAESHIFT_STATEMENT_TIMEOUT_MS``: PostgreSQL cancels a server process's statement
    #: after this long and the request answers 503. Why, and why never more than 5 minutes:
    #: ``entrypoints/app.py`` ``runtime_services``.
    statement_timeout_s: float = STATEMENT_TIMEOUT_S
    #: ``PAESHIFT_NODE_ID`` (0-255): this process's id-generator node, which the deployment
    #: keeps unique per live process; unset, each process leases a free one
    #: (``entrypoints/app.py`` ``_node_id``).
    node_id: int | None = None
    #: ``PAESHIFT_WORKER_NICE`` (0-19): ``paeshift worker`` runs at least this nice.
    worker_nice: int = WORKER_NICE
    #: Benchmark mode (``bench/``): the reference endpoints under ``/bench`` are served.
    bench_mode: bool = False
    #: Redis of the ``/bench/redis-get`` reference (default: ``redis_url``).
    bench_redis_url: str | None = None
    #: SMTP e-mail (console e-mail when ``smtp_host`` is unset).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Paeshift <no-reply@paeshift.ng>"
    smtp_security: str = "starttls"
    #: A built front end to serve (``index.html`` + assets), for the compat API's SPA.
    spa_dir: Path | None = None
    #: Uploaded files (profile pictures), served at ``/media/``; default ``var_dir/media``.
    media_dir: Path = field(default=Factory(lambda self: self.var_dir / "media", takes_self=True))

    @property
    def embedded(self) -> bool:
        """No database configured: SQLite under ``var_dir``, migrated and seeded on start."""
        return self.database_url is None

    @property
    def effective_database_url(self) -> str:
        if self.database_url is not None:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.var_dir / 'paeshift.db').as_posix()}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``PAESHIFT_*`` variables (``os.environ`` by default)."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(f"PAESHIFT_{name}")
        return value if value not in (None, "") else None

    fee = get("FEE_RATE_BP")
    try:
        fee_rate_bp = int(fee) if fee is not None else DEFAULT_FEE_RATE_BP
    except ValueError as exc:
        raise SettingsError("PAESHIFT_FEE_RATE_BP must be an integer (basis points)") from exc
    if not 0 <= fee_rate_bp <= 10_000:
        raise SettingsError("PAESHIFT_FEE_RATE_BP must be between 0 and 10000")
    provider = (get("PAYMENT_PROVIDER") or "sandbox").lower()
    if provider not in PAYMENT_PROVIDERS:
        raise SettingsError(f"PAESHIFT_PAYMENT_PROVIDER must be one of {sorted(PAYMENT_PROVIDERS)}")
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"PAESHIFT_LOG_LEVEL must be one of {sorted(LOG_LEVELS)}")
    log_format = (get("LOG_FORMAT") or "").lower() or None
    if log_format is not None and log_format not in LOG_FORMATS:
        raise SettingsError(f"PAESHIFT_LOG_FORMAT must be one of {sorted(LOG_FORMATS)}")
    var_dir = Path(get("VAR_DIR") or "var")
    statement_timeout_ms = _integer(
        get,
        "STATEMENT_TIMEOUT_MS",
        round(STATEMENT_TIMEOUT_S * 1000),
        100,
        round(STATEMENT_TIMEOUT_MAX_S * 1000),
    )
    return Settings(
        database_url=get("DATABASE_URL"),
        redis_url=get("REDIS_URL"),
        **_cache(get),
        jwt_secret=get("JWT_SECRET"),
        fee_rate_bp=fee_rate_bp,
        cors_origins=_csv(get("CORS_ORIGINS") or ""),
        public_base_url=(get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
        payment_provider=provider,
        paystack_secret_key=get("PAYSTACK_SECRET_KEY"),
        flutterwave_secret_key=get("FLUTTERWAVE_SECRET_KEY"),
        flutterwave_webhook_hash=get("FLUTTERWAVE_WEBHOOK_HASH"),
        log_level=log_level,
        log_format=log_format,
        var_dir=var_dir,
        media_dir=Path(get("MEDIA_DIR") or var_dir / "media"),
        spa_dir=_spa_dir(get("SPA_DIR")),
        cookie_secure=(get("COOKIE_SECURE") or "").lower() in {"1", "true", "yes"},
        debug=(get("DEBUG") or "").lower() in {"1", "true", "yes"},
        requests_per_minute=_requests_per_minute(get("REQUESTS_PER_MINUTE")),
        **_admission(get),
        statement_timeout_s=statement_timeout_ms / 1000,
        node_id=None if get("NODE_ID") is None else _integer(get, "NODE_ID", 0, 0, MAX_NODE),
        worker_nice=_integer(get, "WORKER_NICE", WORKER_NICE, 0, 19),
        bench_mode=(get("BENCH_MODE") or "").lower() in {"1", "true", "yes"},
        bench_redis_url=get("BENCH_REDIS_URL") or get("REDIS_URL"),
        **_smtp(get),
    )


def _cache(get: Callable[[str], str | None]) -> dict[str, Any]:
    """``PAESHIFT_CACHE`` (on/off), ``PAESHIFT_CACHE_PREFIX``, ``PAESHIFT_REDIS_TIMEOUT_MS``,
    ``PAESHIFT_REDIS_RETRY_MS``."""
    switch = (get("CACHE") or "on").lower()
    if switch not in {"on", "off", "1", "0", "true", "false", "yes", "no"}:
        raise SettingsError("PAESHIFT_CACHE must be on or off")
    prefix = get("CACHE_PREFIX") or "psh"
    if not re.fullmatch(r"[a-z0-9_.-]{1,64}", prefix):
        raise SettingsError("PAESHIFT_CACHE_PREFIX must match [a-z0-9_.-]{1,64}")
    timeout_ms = _integer(get, "REDIS_TIMEOUT_MS", round(REDIS_TIMEOUT_S * 1000), 1, 600_000)
    retry_ms = _integer(get, "REDIS_RETRY_MS", round(REDIS_RETRY_S * 1000), 1, 600_000)
    return {
        "cache_enabled": switch in {"on", "1", "true", "yes"},
        "cache_prefix": prefix,
        "redis_timeout_s": timeout_ms / 1000,
        "redis_retry_s": retry_ms / 1000,
    }


def _requests_per_minute(value: str | None) -> int:
    if value is None:
        return REQUESTS_PER_MINUTE
    if not value.isdigit() or int(value) < 1:
        raise SettingsError("PAESHIFT_REQUESTS_PER_MINUTE must be a positive integer")
    return int(value)


def _admission(get: Callable[[str], str | None]) -> dict[str, Any]:
    """``PAESHIFT_MAX_CONCURRENT_REQUESTS`` and ``PAESHIFT_ADMISSION_WAIT_MS``."""
    limit = _integer(get, "MAX_CONCURRENT_REQUESTS", MAX_CONCURRENT_REQUESTS, 0, 100_000)
    wait_ms = _integer(get, "ADMISSION_WAIT_MS", round(ADMISSION_WAIT_S * 1000), 0, 600_000)
    return {"max_concurrent_requests": limit, "admission_wait_s": wait_ms / 1000}


def _integer(get: Callable[[str], str | None], name: str, default: int, low: int, high: int) -> int:
    """``PAESHIFT_<name>``, a whole number from ``low`` to ``high`` (``default`` when unset)."""
    value = get(name) or str(default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise SettingsError(f"PAESHIFT_{name} must be between {low} and {high}")
    return int(value)


def _spa_dir(value: str | None) -> Path | None:
    """``PAESHIFT_SPA_DIR`` must hold the build's ``index.html``."""
    if value is None:
        return None
    path = Path(value)
    if not (path / "index.html").is_file():
        raise SettingsError("PAESHIFT_SPA_DIR must be a directory holding index.html")
    return path


def _smtp(get: Callable[[str], str | None]) -> dict[str, Any]:
    """``PAESHIFT_SMTP_*``: host, port, username, password, from, security."""
    port = get("SMTP_PORT") or "587"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError("PAESHIFT_SMTP_PORT must be a TCP port number")
    security = (get("SMTP_SECURITY") or "starttls").lower()
    if security not in {"starttls", "tls", "none"}:
        raise SettingsError("PAESHIFT_SMTP_SECURITY must be starttls, tls or none")
    return {
        "smtp_host": get("SMTP_HOST"),
        "smtp_port": int(port),
        "smtp_username": get("SMTP_USERNAME"),
        "smtp_password": get("SMTP_PASSWORD"),
        "smtp_from": get("SMTP_FROM") or "Paeshift <no-reply@paeshift.ng>",
        "smtp_security": security,
    }


def resolve_jwt_secret(settings: Settings) -> str:
    """The configured JWT secret, or one generated once and kept in ``var_dir``.

    Persisting the generated secret lets the embedded service restart without logging
    everybody out; the file is created readable by its owner only.
    """
    if settings.jwt_secret is not None:
        return settings.jwt_secret
    path = settings.var_dir / "jwt_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret
