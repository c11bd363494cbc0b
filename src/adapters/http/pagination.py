"""HTTP side of cursor pagination (API.md: ``?limit=&cursor=`` → ``{items, next_cursor}``).

The cursor format and the keyset logic live in the core (``application/pagination.py``); this
module only declares the query parameters and the response shape, and converts a core page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

from paeshift_core.application.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from paeshift_core.application.pagination import Page as CorePage

T = TypeVar("T")
U = TypeVar("U")

#: The ``limit`` query parameter of every list route.
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"page size (1-{MAX_LIMIT})")]
#: The ``cursor`` query parameter: the ``next_cursor`` of the previous page.
Cursor = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=200, description="next_cursor of the previous page"),
]


class Page(msgspec.Struct, Generic[T]):
    """One page of a list; ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None = None


def page_request(limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> PageRequest:
    return PageRequest(limit=limit, after=cursor)


def page_out(page: CorePage[U], convert: Callable[[U], T]) -> Page[T]:
    return Page(items=[convert(item) for item in page.items], next_cursor=page.next_cursor)
