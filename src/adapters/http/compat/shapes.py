"""Translation between the legacy shapes and the core's values (COMPAT_API.md).

Input: the front end sends numbers as numbers or strings (``"12"``, ``"4500.00"``) and money
in naira; everything is parsed leniently here and anything malformed is ``InvalidInput``
naming the field. Output: money as naira strings with two decimals, dates and times as ISO
strings, lowercase job statuses and capitalised application statuses; never a null where the
front end expects a date. Legacy lists are page-numbered: :func:`page_numbers` cuts a page out
of the core's cursor pages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from attrs import frozen

from paeshift_core.application.pagination import MAX_LIMIT, Page, PageRequest
from paeshift_core.domain.applications import Application, ApplicationCounts, ApplicationStatus
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.money import Money

T = TypeVar("T")

#: The most rows a page-numbered legacy list walks through (the core pages by cursor).
MAX_WALK = 2000
DEFAULT_PAGE_SIZE = 10


# -- input --------------------------------------------------------------------------------


def as_int(value: object, field: str) -> int:
    """An integer given as a number or a string of digits."""
    if isinstance(value, bool):
        raise InvalidInput(field, "must be a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() or (text.startswith("-") and text[1:].isdigit()):
            return int(text)
    raise InvalidInput(field, "must be a whole number")


def as_id(value: object, field: str) -> int:
    number = as_int(value, field)
    if number <= 0:
        raise InvalidInput(field, "must be a positive id")
    return number


def as_kobo(value: object, field: str) -> int:
    """Naira given as a number or a string (``"4500.00"``), in kobo, rounded half-up."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(field, "must be an amount in naira")
    try:
        naira = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(field, "must be an amount in naira") from None
    if not naira.is_finite() or naira < 0:
        raise InvalidInput(field, "must be a non-negative amount in naira")
    return int((naira * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def as_date(value: object, field: str) -> date:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InvalidInput(field, "must be a date (YYYY-MM-DD)") from None


def as_time(value: object, field: str) -> time:
    try:
        return time.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInput(field, "must be a time (HH:MM)") from None


def as_text(value: object, field: str, *, default: str | None = None) -> str:
    if value is None:
        if default is None:
            raise InvalidInput(field, "is required")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput(field, "must be text")
    return str(value)


def as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def body_of(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput("body", "must be a JSON object")
    return data


# -- output -------------------------------------------------------------------------------


def naira(money: Money | int) -> str:
    """``Money(450000)`` -> ``"4500.00"``."""
    kobo = money.amount if isinstance(money, Money) else money
    sign = "-" if kobo < 0 else ""
    return f"{sign}{abs(kobo) // 100}.{abs(kobo) % 100:02d}"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def application_status(status: ApplicationStatus | None) -> str | None:
    """Legacy application statuses are capitalised (``Applied``, ``No_show``...)."""
    return None if status is None else status.value.capitalize()


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:g}"


@frozen(kw_only=True)
class ClientCard:
    """What a job object shows of its client (public fields only)."""

    first_name: str
    last_name: str
    rating: float
    picture: str


@frozen(kw_only=True)
class Viewing:
    """What the job object needs beyond the job: counts, the viewer's application, ..."""

    counts: ApplicationCounts
    mine: Application | None = None
    applicant_ids: Sequence[int] = ()


def catalog_names(industries: Sequence[Industry]) -> tuple[dict[int, str], dict[int, str]]:
    """Industry names by id and subcategory names by id."""
    subs = {s.id: s.name for i in industries for s in i.subcategories}
    return {i.id: i.name for i in industries}, subs


def job_object(
    job: Job,
    viewing: Viewing,
    client: ClientCard,
    catalog: tuple[dict[int, str], dict[int, str]],
) -> dict[str, Any]:
    """The legacy job object: every field present (COMPAT_API.md "The job object")."""
    s, p = job.schedule, job.pricing
    industries, subcategories = catalog
    mine = viewing.mine
    return {
        "id": job.id,
        "title": job.title,
        "description": job.description,
        "status": job.status.value,
        "payment_status": "pending" if job.funded_at is None else "paid",
        "location": job.address,
        "latitude": None if job.location is None else job.location.latitude,
        "longitude": None if job.location is None else job.location.longitude,
        "rate": naira(p.hourly_rate),
        "total_amount": naira(p.total_due),
        "service_fee": naira(p.service_fee),
        "duration": hours_text(s.billable_minutes),
        "applicants_needed": job.seats,
        "applicants_count": viewing.counts.applicants,
        "accepted_applicants_count": job.accepted_count,
        "applicants_user_ids": list(viewing.applicant_ids),
        "start_date": s.start_date.isoformat(),
        "end_date": s.end_date.isoformat(),
        "date": s.start_date.isoformat(),
        "start_time_str": s.start_time.strftime("%H:%M:%S"),
        "end_time_str": s.end_time.strftime("%H:%M:%S"),
        "start_time_human": s.start_time.strftime("%I:%M %p"),
        "end_time_human": s.end_time.strftime("%I:%M %p"),
        "date_human": s.start_date.strftime("%A, %B %d, %Y"),
        "date_posted_human": job.created_at.strftime("%B %d, %Y"),
        "industry_id": job.industry_id,
        "industry_name": industries.get(job.industry_id, ""),
        "subcategory": subcategories.get(job.subcategory_id, ""),
        "job_type": s.job_type.value,
        "shift_type": job.shift_type.value,
        "client_id": job.client_id,
        "client_first_name": client.first_name,
        "client_last_name": client.last_name,
        "client_username": client.first_name,
        "client_rating": client.rating,
        "client_profile_pic_url": client.picture,
        "employer_name": f"{client.first_name} {client.last_name}",
        "actual_shift_start": iso(job.started_at),
        "actual_shift_end": iso(job.ended_at),
        "has_applied": mine is not None,
        "application_status": application_status(None if mine is None else mine.status),
        "application_id": None if mine is None else mine.id,
        "created_at": job.created_at.isoformat(),
    }


# -- page numbers over cursors --------------------------------------------------------------


@frozen(kw_only=True)
class Numbered:
    """One page-numbered page (legacy ``pagination``)."""

    items: tuple[Any, ...]
    page: int
    page_size: int
    total: int

    def pagination(self) -> dict[str, Any]:
        pages = max(1, -(-self.total // self.page_size))
        return {
            "current_page": self.page,
            "total_pages": pages,
            "total_items": self.total,
            "items_per_page": self.page_size,
            "has_next": self.page < pages,
            "has_previous": self.page > 1,
        }


def page_params(
    page: object, page_size: object, *, default_size: int = DEFAULT_PAGE_SIZE
) -> tuple[int, int]:
    number = 1 if page in (None, "") else as_int(page, "page")
    size = default_size if page_size in (None, "") else as_int(page_size, "page_size")
    if number < 1:
        raise InvalidInput("page", "must be 1 or more")
    if not 1 <= size <= MAX_LIMIT:
        raise InvalidInput("page_size", f"must be between 1 and {MAX_LIMIT}")
    return number, size


async def walk(fetch: Callable[[PageRequest], Awaitable[Page[T]]]) -> list[T]:
    """Every item of a cursor-paged list, up to :data:`MAX_WALK`."""
    items: list[T] = []
    request = PageRequest(limit=MAX_LIMIT)
    while len(items) < MAX_WALK:
        page = await fetch(request)
        items.extend(page.items)
        if page.next_cursor is None:
            break
        request = PageRequest(limit=MAX_LIMIT, after=page.next_cursor)
    return items


def numbered(items: Sequence[T], page: int, page_size: int) -> Numbered:
    start = (page - 1) * page_size
    return Numbered(
        items=tuple(items[start : start + page_size]),
        page=page,
        page_size=page_size,
        total=len(items),
    )
