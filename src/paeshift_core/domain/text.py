"""Validation of free-text fields: trimmed, length-bounded, named in errors."""

from __future__ import annotations

from paeshift_core.domain.errors import InvalidInput


def bounded_text(field: str, value: str, *, min_len: int = 0, max_len: int) -> str:
    """Return ``value`` stripped, or raise :class:`InvalidInput` naming ``field``."""
    if not isinstance(value, str):
        raise InvalidInput(field, "must be text")
    cleaned = value.strip()
    if len(cleaned) < min_len:
        raise InvalidInput(field, f"must be at least {min_len} characters")
    if len(cleaned) > max_len:
        raise InvalidInput(field, f"must be at most {max_len} characters")
    return cleaned
