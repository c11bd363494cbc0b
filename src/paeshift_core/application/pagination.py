"""Keyset (cursor) pagination, the one pagination helper of every list (API.md: ``?limit=&cursor=``,
``{items, next_cursor}``, limit 1-100, default 20).

Lists are ordered newest first by ``(created_at desc, id desc)``; a cursor is the opaque,
URL-safe encoding of the last item's ``(created_at, id)`` and the next page holds the rows
strictly after it in that order. A repository fetches ``limit + 1`` rows in one statement
(``WHERE (created_at, id) < (:at, :id) ORDER BY created_at DESC, id DESC LIMIT :n``) so
:func:`page_of` can tell whether a next page exists without counting. Keysets stay stable when
rows are inserted meanwhile, unlike offsets, and use the ``(owner, created_at, id)`` indexes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@frozen
class Keyset:
    """The position after which a page starts: the last item's ``(created_at, id)``."""

    created_at: datetime
    id: int

    def is_after(self, created_at: datetime, item_id: int) -> bool:
        """Whether a row at ``(created_at, item_id)`` comes after this position (newest first):
        the filter memory adapters and in-process lists apply, as SQL does with a row
        comparison."""
        return (created_at, item_id) < (self.created_at, self.id)

    def encode(self) -> str:
        micros = (self.created_at - _EPOCH) // _MICROSECOND
        raw = f"{micros}:{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Keyset:
        """Parse a cursor from a client; anything malformed is ``InvalidInput("cursor")``."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            micros, item_id = base64.urlsafe_b64decode(padded.encode()).decode().split(":")
            at = _EPOCH + int(micros) * _MICROSECOND
            position = cls(created_at=at, id=int(item_id))
        except (ValueError, binascii.Error, UnicodeError, OverflowError, OSError) as exc:
            raise InvalidInput("cursor", "is not a valid cursor") from exc
        if position.id <= 0:
            raise InvalidInput("cursor", "is not a valid cursor")
        return position


class Stamped(Protocol):
    """Anything listed by its own ``(created_at, id)``."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> int: ...


def by_created(item: Stamped) -> Keyset:
    """The position of an item listed by its own ``(created_at, id)``."""
    return Keyset(item.created_at, item.id)


def _check_limit(_: object, __: object, value: int) -> None:
    if isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")


def _decode(cursor: str | Keyset | None) -> Keyset | None:
    if cursor is None or isinstance(cursor, Keyset):
        return cursor
    return Keyset.decode(cursor)


@frozen
class PageRequest:
    """What a caller asks for: at most ``limit`` items after ``cursor`` (None: first page)."""

    limit: int = field(default=DEFAULT_LIMIT, validator=_check_limit)
    after: Keyset | None = field(default=None, converter=_decode)

    @property
    def after_key(self) -> tuple[datetime, int] | None:
        """The position as repositories take it: ``(created_at, id)``."""
        return None if self.after is None else (self.after.created_at, self.after.id)

    @property
    def fetch(self) -> int:
        """Rows to fetch: one more than the limit tells whether a next page exists."""
        return self.limit + 1


@frozen
class Page(Generic[T]):
    """One page of items and the cursor of the next page (None on the last page)."""

    items: tuple[T, ...]
    next_cursor: str | None


def page_of(rows: Sequence[T], request: PageRequest, position: Callable[[T], Keyset]) -> Page[T]:
    """Cut ``limit + 1`` fetched rows to a page; the extra row only says a next page exists."""
    items = tuple(rows[: request.limit])
    more = len(rows) > request.limit
    return Page(items=items, next_cursor=position(items[-1]).encode() if more else None)
