"""Rivers: the river table (``tracker/data/rivers.csv``) and river-bank geometry (pure).

`load_rivers` reads the table: each river's id (the key of its line in
``gazetteer/context.geojson``), names, overall direction of flow and what reports call its
left and right banks (the Euphrates' left bank is its "east bank", الجزيرة; the Orontes
flows north, so its right bank is the east one; the Yarmouk flows west: north and south).

`bank_of` says which bank of a river a point lies on: the river's line is cut into
segments oriented downstream (each part so that it runs along the river's `downstream`
direction), the nearest segment is found, and the side of it the point lies on is the
left or right bank. `banks_of_all` does the same for many points at once.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tracker.errors import InputError
from tracker.geo import distance_km

__all__ = ["BANKS", "BANK_MAX_KM", "RIVERS_FILE", "River", "bank_of", "banks_of_all",
           "known_rivers", "load_rivers", "river_labels", "river_segments"]

#: The bundled river table; users add rivers in files named by ``$TRACKER_RIVERS``.
RIVERS_FILE = Path(__file__).resolve().parent / "data" / "rivers.csv"
_COLUMNS = ("id", "kind", "name_en", "name_ar", "names", "downstream", "left_bank",
            "right_bank", "note")
#: A point further than this from a river has no bank of it.
BANK_MAX_KM = 25.0
#: Bank labels a river may have.
BANKS: frozenset[str] = frozenset({"east", "west", "north", "south"})
_COMPASS = {"N": (0.0, 1.0), "S": (0.0, -1.0), "E": (1.0, 0.0), "W": (-1.0, 0.0),
            "NE": (1.0, 1.0), "SE": (1.0, -1.0), "SW": (-1.0, -1.0), "NW": (-1.0, 1.0)}


@dataclass(frozen=True, slots=True)
class River:
    """One row of the river table (``kind`` ``river`` or ``lake``; a lake has no banks)."""

    river_id: str
    kind: str
    name_en: str
    name_ar: str
    names: tuple[str, ...] = ()
    downstream: str = ""
    left_bank: str = ""
    right_bank: str = ""

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every name of the river, Arabic and English first."""
        return tuple(n for n in (self.name_ar, self.name_en, *self.names) if n)

    @property
    def has_banks(self) -> bool:
        return bool(self.downstream and self.left_bank and self.right_bank)


def _read_table(path: Path) -> list[River]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            lines = [ln for ln in fh if not ln.startswith("#")]
    except OSError as exc:
        msg = f"{path}: cannot read the river table ({exc})"
        raise InputError(msg) from None
    reader = csv.DictReader(lines)
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        msg = f"{path}: missing column(s) {', '.join(missing)}; the header is {', '.join(_COLUMNS)}"
        raise InputError(msg)
    out = []
    for n, row in enumerate(reader, start=2):
        rid = (row["id"] or "").strip()
        down = (row["downstream"] or "").strip().upper()
        left, right = (row["left_bank"] or "").strip(), (row["right_bank"] or "").strip()
        if not rid or (down and down not in _COMPASS) or any(
                b and b not in BANKS for b in (left, right)):
            msg = (f"{path}: row {n}: needs an id, a downstream direction of "
                   f"{'/'.join(_COMPASS)} (or none for a lake) and banks of "
                   f"{'/'.join(sorted(BANKS))}: {dict(row)!r}")
            raise InputError(msg)
        out.append(River(rid, (row["kind"] or "river").strip(), row["name_en"].strip(),
                         row["name_ar"].strip(),
                         tuple(x.strip() for x in (row["names"] or "").split("|") if x.strip()),
                         down, left, right))
    return out


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> dict[str, River]:
    out: dict[str, River] = {}
    for p in paths:
        for r in _read_table(Path(p)):
            out[r.river_id] = r  # later files win
    return out


def load_rivers(extra_paths: Iterable[str | os.PathLike[str]] = ()) -> dict[str, River]:
    """The river table: the bundled one, then ``$TRACKER_RIVERS`` files, then `extra_paths`
    (later rows of the same id win). Raises `InputError` naming the file and row."""
    env = [p for p in os.environ.get("TRACKER_RIVERS", "").split(os.pathsep) if p]
    return _load(tuple(str(p) for p in (RIVERS_FILE, *env, *extra_paths)))


def _as_lines(river: Any) -> list[list[tuple[float, float]]]:
    """Coordinate lists of a LineString / MultiLineString / list of (lon, lat) sequences."""
    if river is None:
        return []
    geoms = getattr(river, "geoms", None)
    if geoms is not None:
        return [list(g.coords) for g in geoms]
    coords = getattr(river, "coords", None)
    if coords is not None:
        return [list(coords)]
    seq = list(river)
    if seq and isinstance(seq[0][0], int | float):
        return [[(float(x), float(y)) for x, y in seq]]
    return [[(float(x), float(y)) for x, y in part] for part in seq]


def river_segments(river: Any, downstream: str = "SE") -> np.ndarray:
    """``(n, 4)`` array of segments ``x1, y1, x2, y2``, each part of the line oriented
    so that it runs along `downstream` (its end further that way than its start)."""
    vx, vy = _COMPASS[downstream]
    segs = []
    for line in _as_lines(river):
        if len(line) < 2:
            continue
        (x0, y0), (x1, y1) = line[0][:2], line[-1][:2]
        if (x1 - x0) * vx + (y1 - y0) * vy < 0:
            line = line[::-1]
        arr = np.asarray(line, dtype=float)[:, :2]
        segs.append(np.hstack([arr[:-1], arr[1:]]))
    return np.vstack(segs) if segs else np.zeros((0, 4))


def _side(cross: float, labels: tuple[str, str]) -> str | None:
    if cross == 0:
        return None
    return labels[0] if cross > 0 else labels[1]


def bank_of(lat: float, lon: float, river: Any, *, labels: tuple[str, str] = ("east", "west"),
            downstream: str = "SE", max_km: float = BANK_MAX_KM) -> str | None:
    """The bank of `river` a point lies on: ``labels[0]`` left going downstream,
    ``labels[1]`` right; None further than `max_km` from the river.

    The defaults are the Euphrates' (flowing south-east; left = east bank, الجزيرة).
    `river` may also be the array of `river_segments` (faster when called often).
    """
    segs = river if isinstance(river, np.ndarray) else river_segments(river, downstream)
    if segs.size == 0:
        return None
    coslat = math.cos(math.radians(lat))
    x1, y1, x2, y2 = segs[:, 0], segs[:, 1], segs[:, 2], segs[:, 3]
    ax, ay = (x2 - x1) * coslat, y2 - y1
    px, py = (lon - x1) * coslat, lat - y1
    seg2 = ax * ax + ay * ay
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(seg2 > 0, (px * ax + py * ay) / np.where(seg2 > 0, seg2, 1.0), 0.0)
    t = np.clip(t, 0.0, 1.0)
    dx, dy = px - t * ax, py - t * ay
    k = int(np.argmin(dx * dx + dy * dy))
    qx, qy = x1[k] + t[k] * (x2[k] - x1[k]), y1[k] + t[k] * (y2[k] - y1[k])
    if distance_km(lat, lon, float(qy), float(qx)) > max_km:
        return None
    return _side(float(ax[k] * py[k] - ay[k] * px[k]), labels)


def banks_of_all(points: Sequence[tuple[float, float]], segs: np.ndarray, *,
                 labels: tuple[str, str] = ("east", "west"), max_km: float = BANK_MAX_KM,
                 chunk: int = 512) -> tuple[list[str | None], np.ndarray]:
    """`bank_of` for many ``(lat, lon)`` points at once (vectorised), and each point's
    distance to the river in km (``inf`` without a river)."""
    banks: list[str | None] = []
    dist = np.full(len(points), np.inf)
    if segs.size == 0:
        return [None] * len(points), dist
    x1, y1, x2, y2 = (segs[:, j][None, :] for j in range(4))
    for start in range(0, len(points), chunk):
        part = points[start : start + chunk]
        lat = np.array([p[0] for p in part])[:, None]
        lon = np.array([p[1] for p in part])[:, None]
        coslat = np.cos(np.radians(lat))
        ax, ay = (x2 - x1) * coslat, np.broadcast_to(y2 - y1, (len(part), segs.shape[0]))
        px, py = (lon - x1) * coslat, lat - y1
        seg2 = ax * ax + ay * ay
        t = np.clip(np.divide(px * ax + py * ay, seg2, out=np.zeros_like(seg2),
                              where=seg2 > 0), 0.0, 1.0)
        dx, dy = px - t * ax, py - t * ay
        k = np.argmin(dx * dx + dy * dy, axis=1)
        rows = np.arange(len(part))
        tk = t[rows, k]
        qx = x1[0, k] + tk * (x2[0, k] - x1[0, k])
        qy = y1[0, k] + tk * (y2[0, k] - y1[0, k])
        cross = ax[rows, k] * py[rows, k] - ay[rows, k] * px[rows, k]
        for j, (la, lo) in enumerate(part):
            d = distance_km(la, lo, float(qy[j]), float(qx[j]))
            dist[start + j] = d
            banks.append(None if d > max_km else _side(float(cross[j]), labels))
    return banks, dist


def river_labels(river: River | None) -> tuple[str, str]:
    """(left, right) bank labels of a river (the Euphrates' when unknown)."""
    if river is None or not river.has_banks:
        return ("east", "west")
    return (river.left_bank, river.right_bank)


def known_rivers(lines: Mapping[str, Any]) -> dict[str, River]:
    """The rows of the river table that have a line among `lines` (by id) and banks."""
    table = load_rivers()
    return {k: table[k] for k in lines if k in table and table[k].has_banks}
