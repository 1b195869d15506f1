"""Small geodesy helpers shared by every stage (pure).

`distance_km` is the one great-circle distance of the package (resolution, merging of
sources, regions, territory); areas are never computed here but in an equal-area
projection (`tracker.territory.area_km2`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "distance_km", "distances_km"]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two lat/lon points (haversine).

    A sphere of radius `EARTH_RADIUS_KM`: within 0.3% of the ellipsoidal distance, which
    is far below the precision of any gazetteer point.

    Examples
    --------
    >>> round(distance_km(0, 0, 0, 1), 2)
    111.19
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """`distance_km` from one point to many (numpy arrays of lat/lon), vectorised."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
