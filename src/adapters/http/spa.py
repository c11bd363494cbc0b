"""Serving a built front end (``PAESHIFT_SPA_DIR``) and uploaded media (COMPAT_API.md
"Serving it securely").

Only requests that match **no route** reach here (Litestar's route-not-found), so API routes
are never shadowed: a GET/HEAD for a file of the build gets the file (hashed assets cached for
a year, ``immutable``; anything else revalidated), ``/media/...`` (also ``//media/...``) gets an
uploaded file, any other path without a file extension gets ``index.html`` (the SPA's router
shows the page: ``/``, ``/dashboard``, ``/jobdetails/5``, ``/jobs``). Paths under the v1 API,
health, schema and metrics keep their problem 404s. Files are resolved inside their directory
only (no ``..`` escapes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.response import File

#: Vite names built assets ``name-<hash>.ext``.
_HASHED = re.compile(r"[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_NOT_SPA = ("/api/", "/health", "/schema", "/metrics")

Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


def _inside(root: Path, relative: str) -> Path | None:
    try:
        candidate = (root / relative).resolve()
    except (OSError, ValueError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def cache_control(path: Path) -> str:
    return IMMUTABLE if _HASHED.search(path.name) else REVALIDATE


def _file(path: Path, cache: str) -> File:
    """The type comes from the extension (uploads get theirs from their content)."""
    return File(
        path,
        filename=path.name,
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
        content_disposition_type="inline",
    )


def spa_not_found(fallback: Handler, *, spa_dir: Path | None, media_dir: Path | None) -> Handler:
    """The app's handler for route-not-found; everything else goes to ``fallback``."""
    spa_root = None if spa_dir is None else spa_dir.resolve()
    media_root = None if media_dir is None else media_dir.resolve()
    index = None if spa_root is None else spa_root / "index.html"

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        routed = "route_handler" in request.scope
        if routed or request.method not in ("GET", "HEAD"):
            return fallback(request, exc)
        path = "/" + request.url.path.lstrip("/")
        if media_root is not None and path.startswith("/media/"):
            found = _inside(media_root, path.removeprefix("/media/"))
            return _file(found, "public, max-age=3600") if found else fallback(request, exc)
        if spa_root is None or index is None or path.startswith(_NOT_SPA):
            return fallback(request, exc)
        found = _inside(spa_root, path.lstrip("/"))
        if found is not None:
            return _file(found, cache_control(found))
        if "." in path.rsplit("/", 1)[-1] or not index.is_file():
            return fallback(request, exc)
        return _file(index, REVALIDATE)

    return handle
