"""Private copies of aggregates for the memory unit of work, made fast.

``copy.deepcopy`` walks every frozen value object (``Money``, ``Pricing``, ``Schedule``, ...)
through ``__reduce_ex__``; those are immutable by construction (``attrs.frozen`` with
immutable fields, a rule of the domain), so sharing them is safe and copying them is waste.
Copying dominated the unit suite's stateful tests; this keeps the memory adapter's
isolation (every unit of work owns its mutable objects) at a fraction of the cost.
"""

from __future__ import annotations

import copy
import enum
from datetime import date, time, timedelta
from functools import cache
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

_ATOMIC = (int, float, str, bytes, bool, type(None), date, time, timedelta, enum.Enum, frozenset)


@cache
def _shared_as_is(cls: type) -> bool:
    """Frozen attrs classes are value objects: immutable, so copies may share them."""
    return getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs"


def clone(value: T) -> T:
    """A deep copy that shares immutable values instead of copying them."""
    return _clone(value)  # type: ignore[no-any-return]


def _clone(value: Any) -> Any:
    if isinstance(value, _ATOMIC):
        return value
    cls = type(value)
    if attrs.has(cls) and not hasattr(cls, "__deepcopy__"):
        if _shared_as_is(cls):
            return value
        twin = object.__new__(cls)
        for field in attrs.fields(cls):
            object.__setattr__(twin, field.name, _clone(getattr(value, field.name)))
        return twin
    if cls is list:
        return [_clone(item) for item in value]
    if cls is tuple:
        return tuple(_clone(item) for item in value)
    if cls is dict:
        return {key: _clone(item) for key, item in value.items()}
    return copy.deepcopy(value)
