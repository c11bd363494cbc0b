"""The ``paeshift`` command (ARCHITECTURE.md Entry points).

``paeshift serve`` with no settings runs the embedded default: SQLite under ``./var/``,
migrated and catalog-seeded on start, sandbox payments, one-time codes printed on the console.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from entrypoints.http_server import JoinedWritesProtocol
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings, SettingsError, load_settings, resolve_jwt_secret

#: The directory variable prometheus-client reads (multi-process metrics).
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

app = typer.Typer(
    name="paeshift",
    help="Paeshift: a marketplace for short paid shifts.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


@contextmanager
def _worker_metrics(workers: int) -> Iterator[None]:
    """Several workers share their metrics through files in ``PROMETHEUS_MULTIPROC_DIR``.

    Set before uvicorn starts the workers (each reads it when it first imports
    prometheus-client); a directory given by the operator is emptied first (stale files of
    an earlier run would be counted), one made here is removed afterwards.
    """
    given = os.environ.get(METRICS_DIR_ENV)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        yield
        return
    if workers == 1:
        yield
        return
    directory = tempfile.mkdtemp(prefix="paeshift-metrics-")
    os.environ[METRICS_DIR_ENV] = directory
    try:
        yield
    finally:
        os.environ.pop(METRICS_DIR_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Start the HTTP service (the embedded default when PAESHIFT_DATABASE_URL is unset)."""
    import uvicorn

    # Links the service hands out (sandbox checkout, payment callback) point at this server
    # unless a public URL is configured; worker processes read it from the environment.
    os.environ.setdefault("PAESHIFT_PUBLIC_BASE_URL", f"http://{host}:{port}")
    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    if workers > 1 and settings.node_id is not None:
        # Each worker process reads the same variable: two would make the same ids.
        typer.echo(
            "PAESHIFT_NODE_ID would give every worker process the same id-generator node: "
            "unset it (each process then leases its own) or serve with --workers 1",
            err=True,
        )
        raise typer.Exit(2)
    if settings.embedded:
        typer.echo(
            f"embedded default: SQLite at {settings.var_dir / 'paeshift.db'}, sandbox payments, "
            "codes printed below (PAESHIFT-CODE lines)"
        )
        if workers > 1:
            typer.echo("note: sandbox checkouts live in one process; use --workers 1 with it")
    if workers > 1 and settings.redis_url is None and settings.cache_enabled:
        # The in-process cache is invalidated by this process's writes only: several
        # workers without Redis would serve each other's stale pages, so they read uncached.
        os.environ["PAESHIFT_CACHE"] = "off"
        typer.echo("note: no PAESHIFT_REDIS_URL, so the read cache is off with several workers")
    # Prepare once, here, before worker processes start: several workers creating the token
    # signing secret, or migrating and seeding the same new SQLite file, at once would race.
    resolve_jwt_secret(settings)
    if settings.embedded:
        _prepare_embedded(settings)
    typer.echo(f"Paeshift on http://{host}:{port}  (API docs: http://{host}:{port}/schema)")
    with _worker_metrics(workers):
        uvicorn.run(
            "entrypoints.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level.lower(),
            log_config=None,  # our handler (configure_logging) formats uvicorn's records too
            access_log=False,  # the app logs one structured line per request
            proxy_headers=True,
            http=JoinedWritesProtocol,  # one send per response (http_server.py)
        )


def _prepare_embedded(settings: Settings) -> None:
    """Migrate the SQLite file and seed the catalog once, and tell the workers it is done."""
    from entrypoints.app import EMBEDDED_PREPARED_ENV, runtime

    async def prepare() -> None:
        async with runtime(settings):
            return

    asyncio.run(prepare())
    os.environ[EMBEDDED_PREPARED_ENV] = "1"  # read by app_from_environment in each worker


@app.command()
def worker() -> None:
    """Run the background worker (outbox relay, notifications, periodic tasks) on Redis."""
    from entrypoints.worker import lower_priority, run_worker

    settings = _settings()
    if settings.redis_url is None:
        typer.echo(
            "the worker needs PAESHIFT_REDIS_URL; without it `paeshift serve` runs the "
            "background tasks in process",
            err=True,
        )
        raise typer.Exit(2)
    # Its records are formatted like the server's (JSON off a terminal, PAESHIFT_LOG_LEVEL):
    # without this Python's last-resort handler printed warnings as bare text, dropped INFO.
    configure_logging(settings.log_level, settings.log_format)
    niceness = lower_priority(settings.worker_nice)
    typer.echo(
        "Paeshift worker: relaying the outbox and running periodic tasks at niceness "
        f"{niceness} (Ctrl-C stops)"
    )
    asyncio.run(run_worker(settings))


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema to the newest migration."""
    from adapters.sqlalchemy.migrate import upgrade_to_head

    settings = _settings()
    if settings.embedded:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(upgrade_to_head(settings.effective_database_url))
    typer.echo("database is at the newest migration")


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="the admin's e-mail address")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="password"),
    ],
    first_name: Annotated[str, typer.Option(prompt=True)] = "Admin",
    last_name: Annotated[str, typer.Option(prompt=True)] = "Paeshift",
) -> None:
    """Create a verified admin (the only way to grant the admin role)."""
    from entrypoints.app import runtime
    from paeshift_core.domain.errors import PaeshiftError

    async def run() -> int:
        async with runtime(_settings()) as wired:
            user = await wired.use_cases.identity.create_admin(
                email, password, first_name, last_name
            )
        return user.id

    try:
        user_id = asyncio.run(run())
    except PaeshiftError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"admin {email} created (id {user_id})")


@app.command("check-ledger")
def check_ledger() -> None:
    """Check the ledger invariants on the live database; exit status 1 on any violation.

    Each run is recorded in the database; ``/metrics`` reports the newest (alerts fire when it
    failed or is older than a day, ops/prometheus/alerts.yml).
    """
    from entrypoints.app import runtime
    from entrypoints.background import check_and_record_ledger

    async def run() -> tuple[bool, str]:
        async with runtime(_settings()) as wired:
            report = await check_and_record_ledger(wired)
        lines = [f"{report.transactions} transactions, {report.accounts} accounts"]
        lines += [str(v) for v in report.violations]
        return report.ok, "\n".join(lines)

    ok, text = asyncio.run(run())
    typer.echo(text)
    typer.echo("ledger OK" if ok else "ledger VIOLATIONS found")
    if not ok:
        raise typer.Exit(1)


@app.command()
def seed(
    jobs: Annotated[int, typer.Option(min=1, help="jobs to create")] = 1_000,
    applications: Annotated[
        int | None, typer.Option(min=0, help="applications (default: 5 per job)")
    ] = None,
    users: Annotated[
        int | None, typer.Option(min=25, help="users (default: one per two jobs)")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same data")] = 1,
    today: Annotated[
        str | None, typer.Option(help="the data's 'now' as YYYY-MM-DD (default: today, UTC)")
    ] = None,
    reset: Annotated[bool, typer.Option(help="empty every table but the catalog first")] = False,
) -> None:
    """Load a deterministic, realistic dataset (COPY on PostgreSQL); see entrypoints/seed.py."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from entrypoints.seed import (
        SEED_PASSWORD,
        SeedReport,
        plan_for,
        seed_database,
        seed_password_hash,
    )
    from paeshift_core.domain.errors import PaeshiftError

    settings = _settings()
    if settings.embedded:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        day = None if today is None else date.fromisoformat(today)
    except ValueError as exc:
        raise typer.BadParameter("must be YYYY-MM-DD", param_hint="--today") from exc
    plan = plan_for(jobs=jobs, applications=applications, seed=seed, today=day, users=users)
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as bar:
        task = bar.add_task("seeding", total=plan.jobs)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=f"seeding: {phase}", completed=done, total=total)

        async def run() -> SeedReport:
            password_hash = await seed_password_hash()
            return await seed_database(
                settings.effective_database_url,
                plan,
                password_hash=password_hash,
                reset=reset,
                progress=progress,
            )

        try:
            report = asyncio.run(run())
        except PaeshiftError as exc:
            typer.echo(f"error ({exc.code}): {exc.message}", err=True)
            raise typer.Exit(1) from exc
    for table, count in report.counts.items():
        typer.echo(f"{table:>22}: {count:>9,}")
    typer.echo(
        f"seeded {report.dialect} in {report.seconds:.1f} s (seed {seed}, "
        f"today {plan.anchor.date()}); every user's password is {SEED_PASSWORD!r}"
    )


def main() -> None:  # pragma: no cover - console entry for ``python -m``
    configure_logging()
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
