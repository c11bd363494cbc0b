"""Logging set-up for the service's processes (ARCHITECTURE.md Entry points).

One configuration for structlog and the standard library: our structured events (the access
line of every request) and plain ``logging`` records (uvicorn, SQLAlchemy, our adapters) go
through the same processors, so every line carries the request id bound for the request in
progress. JSON lines for log shippers when the output is not a terminal or
``PAESHIFT_LOG_FORMAT=json``; coloured, aligned lines for a developer's terminal otherwise.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog
from structlog.typing import Processor

#: uvicorn configures these itself unless told not to; they should reach our handler.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error")
#: uvicorn's own access line would repeat ours (which has the route, user, SQL count).
_REPLACED_LOGGERS = ("uvicorn.access",)


def wants_json(log_format: str | None, stream: TextIO) -> bool:
    if log_format is not None:
        return log_format == "json"
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def configure_logging(
    level: str = "INFO", log_format: str | None = None, *, stream: TextIO | None = None
) -> None:
    """Route structlog and ``logging`` to one handler on ``stream`` (stderr by default)."""
    out = stream if stream is not None else sys.stderr
    as_json = wants_json(log_format, out)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: list[Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if as_json
        else [structlog.dev.ConsoleRenderer()]
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: tests capture logs after the service configured them.
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers = []
        server_logger.propagate = True
    for name in _REPLACED_LOGGERS:
        replaced = logging.getLogger(name)
        replaced.handlers = []
        replaced.propagate = False
