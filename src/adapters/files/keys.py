"""The keys every file store accepts (the ``FileStore`` port's rule: no path escapes).

A key is one or more segments of letters, digits, ``.``, ``_`` and ``-`` joined by ``/``; a
segment starts with a letter or digit, so ``.``, ``..`` and hidden names are impossible, and
there is no leading ``/`` or ``\\``. Keys come from the core, so a refused key is a bug and
raises ``ValueError`` rather than a domain error.
"""

from __future__ import annotations

import re

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: The ``users.picture`` column (500) holds the URL: the key plus the store's base URL.
MAX_KEY = 400


def checked_key(key: str) -> str:
    if len(key) > MAX_KEY or not all(_SEGMENT.fullmatch(part) for part in key.split("/")):
        raise ValueError(f"not a valid file key: {key!r}")
    return key


def url_for(base_url: str, key: str) -> str:
    return f"{base_url.rstrip('/')}/{checked_key(key)}"


def key_for(base_url: str, url: str) -> str | None:
    """The key of ``url`` if it is ``<base_url>/<valid key>``, else ``None``."""
    prefix = base_url.rstrip("/") + "/"
    if not url.startswith(prefix):
        return None
    try:
        return checked_key(url.removeprefix(prefix))
    except ValueError:
        return None
