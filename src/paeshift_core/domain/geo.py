"""Geographic points and great-circle distances (geofence, distance filters)."""

from __future__ import annotations

import math

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8


def _check_lat(_: object, __: object, value: float) -> None:
    if not (math.isfinite(value) and -90.0 <= value <= 90.0):
        raise InvalidInput("latitude", "must be between -90 and 90")


def _check_lng(_: object, __: object, value: float) -> None:
    if not (math.isfinite(value) and -180.0 <= value <= 180.0):
        raise InvalidInput("longitude", "must be between -180 and 180")


@frozen
class GeoPoint:
    """A WGS84 point."""

    latitude: float = field(converter=float, validator=_check_lat)
    longitude: float = field(converter=float, validator=_check_lng)

    def distance_m(self, other: GeoPoint) -> float:
        """Haversine distance in metres."""
        lat1, lat2 = math.radians(self.latitude), math.radians(other.latitude)
        dlat = lat2 - lat1
        dlng = math.radians(other.longitude - self.longitude)
        a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
        return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
