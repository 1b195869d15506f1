"""Import of the national gazetteers: read, merge, and cache them as `Place`s.

Readers (each returns ``list[Place]`` and raises `GazetteerError` naming the file, the
line/row or field, and what to do, for any corrupt, truncated, empty, or wrong input):

- `read_ocha_communities` -- the OCHA Syria communities list, CSV or XLSX;
- `read_cod_ab` -- the OCHA COD-AB admin boundaries, GeoJSON or the shapefile zip;
- `read_wof_csv` -- the Who's On First flattened CSV (localities);
- `read_geonames` -- the GeoNames dump (``SY.txt`` or ``SY.zip``).

`detect_format` recognises a file by its content; `read_source` dispatches on it.
`merge_places` links the same place across sources and fills the admin hierarchy by
point-in-polygon. `import_sources` does all of it and writes the cache atomically;
`load_cached` / `load_cached_summary` read it back.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import shapely

from tracker.arabic import is_arabic, latin_key, name_keys, normalize, strip_article
from tracker.errors import GazetteerError
from tracker.geo import distance_km
from tracker.model import ADMIN_KINDS, ADMIN_LEVELS, Place

logger = logging.getLogger(__name__)

if TYPE_CHECKING:  # gazetteer.py is pure; load_gazetteer imports it lazily
    from tracker.gazetteer import Gazetteer

__all__ = [
    "CACHE_FILE",
    "FORMATS",
    "ImportSummary",
    "SourceSummary",
    "detect_format",
    "import_sources",
    "load_cached",
    "load_cached_summary",
    "merge_places",
    "read_cod_ab",
    "read_geonames",
    "read_ocha_communities",
    "read_source",
    "read_wof_csv",
]

Format = Literal[
    "ocha_communities_csv",
    "ocha_communities_xlsx",
    "cod_ab_geojson",
    "cod_ab_shapefile_zip",
    "wof_csv",
    "geonames_txt",
    "geonames_zip",
]
#: Every format `detect_format` can return, with a human description.
FORMATS: dict[str, str] = {
    "ocha_communities_csv": "OCHA Syria communities list (CSV)",
    "ocha_communities_xlsx": "OCHA Syria communities list (XLSX)",
    "cod_ab_geojson": "OCHA COD-AB admin boundaries (GeoJSON, adm0-3)",
    "cod_ab_shapefile_zip": "OCHA COD-AB admin boundaries (shapefile zip)",
    "wof_csv": "Who's On First places CSV",
    "geonames_txt": "GeoNames dump (SY.txt, tab-separated)",
    "geonames_zip": "GeoNames dump (SY.zip)",
}

#: File name of the national index inside the cache directory.
CACHE_FILE = "gazetteer.sqlite"
_CACHE_FORMAT = "tracker-gazetteer"
_CACHE_VERSION = 1

_OCHA_REQUIRED = ("Location_Pcode", "LocationName_ar", "LocationName_en", "Latitude_y",
                  "Longitude_x")
_WOF_REQUIRED = ("wof_id", "placetype", "wof_name", "name_ar_preferred", "names_ar_all",
                 "names_latin_variants", "geonameid", "lat", "lon", "deprecated")
_GEONAMES_COLUMNS = 19
_HINT_REDOWNLOAD = "Download the file again (the copy looks damaged) and re-run the import."
# Letters of Persian/Urdu/Kurdish script that are not Arabic: names with them are aliases only.
_NON_ARABIC_LETTERS = frozenset("پچژگکیہۀےڤێۆەڕڵۊ")
_MARKAZ = re.compile(r"^مركز\s*")
_PROGRESS = Callable[[str], None]


# ------------------------------------------------------------------------------- helpers


def _fail(path: str | os.PathLike[str], what: str, todo: str, *, where: str = "") -> GazetteerError:
    loc = f"{path}:{where}" if where else f"{path}"
    return GazetteerError(f"{loc}: {what}. {todo}")


def _check_file(path: Path) -> None:
    if not path.exists():
        raise _fail(path, "no such file", "Check the path given to `tracker gazetteer import`")
    if not path.is_file():
        raise _fail(path, "is not a file", "Give the path of a gazetteer file, not a directory")
    if path.stat().st_size == 0:
        raise _fail(path, "the file is empty", _HINT_REDOWNLOAD)


def _clean(value: Any) -> str:
    """A cell as a stripped string ('' for None/NaN)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    return str(value).strip()


def _float(path: Path, value: Any, column: str, where: str, lo: float, hi: float) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise _fail(path, f"column {column!r} is not a number: {value!r}",
                    "Fix or remove that row, or download the file again", where=where) from None
    if not lo <= out <= hi:
        raise _fail(path, f"column {column!r} is out of range [{lo}, {hi}]: {value!r}",
                    "Fix or remove that row, or download the file again", where=where)
    return out


def _unique(names: Iterable[str], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Non-empty names in first-seen order, without the excluded ones."""
    seen = {n for n in exclude if n}
    out: list[str] = []
    for n in names:
        n = n.strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out)


def _split_multi(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()] if value else []


def _pure_arabic(name: str) -> bool:
    return is_arabic(name) and not any(c in _NON_ARABIC_LETTERS for c in name)


def _int_or_none(value: Any) -> int | None:
    try:
        n = int(float(value))
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _require_columns(path: Path, header: Sequence[str], required: Sequence[str], what: str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise _fail(path, f"missing required column(s) {', '.join(missing)} for {what}",
                    "Give the unmodified file as downloaded (columns must keep their "
                    "original names)", where="1")


# ---------------------------------------------------------------------- format detection


def _zip_members(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise _fail(path, f"not a readable zip archive ({exc})", _HINT_REDOWNLOAD) from None


def _decode_failure(path: str | os.PathLike[str], exc: UnicodeDecodeError,
                    after_line: int, member: str = "") -> GazetteerError:
    """The error for a UTF-8 decoding failure met while reading text line by line.

    Text is decoded in blocks, so the exact line is unknown: the message names the last
    line read before the bad bytes. A character cut at the very end of the data
    ("unexpected end of data") means the download stopped part-way.
    """
    inside = f"{member}: " if member else ""
    where = f"after line {after_line}" if after_line else "line 1"
    if exc.reason == "unexpected end of data":
        return _fail(path, f"{inside}the file ends in the middle of a character ({where}); "
                     "it looks truncated", _HINT_REDOWNLOAD)
    return _fail(path, f"{inside}not UTF-8 text ({exc.reason}, {where})",
                 "Save the file as UTF-8 or download it again")


def _text_head(path: Path, size: int = 65536) -> str:
    with path.open("rb") as fh:
        raw = fh.read(size)
    if b"\x00" in raw:
        raise _fail(path, "binary content, not a gazetteer file",
                    f"Give one of: {'; '.join(FORMATS.values())}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not just a character cut by the head limit
            line = raw[: exc.start].count(b"\n") + 1
            raise _fail(path, f"not UTF-8 text (byte {exc.start})", "Save the file as UTF-8 "
                        "or download it again", where=str(line)) from None
        text = raw[: exc.start].decode("utf-8")
    return text.removeprefix("\ufeff")


def _looks_geonames_line(line: str) -> bool:
    cols = line.rstrip("\r\n").split("\t")
    return len(cols) == _GEONAMES_COLUMNS and cols[0].isdigit()


_ADM_PROPERTY = re.compile(rb'"ADM\d_PCODE"')


def _has_adm_property(path: Path, head: str) -> bool:
    """True when the JSON has an ``ADMn_PCODE`` key (in the head, else further on)."""
    if _ADM_PROPERTY.search(head.encode("utf-8")):
        return True
    with path.open("rb") as fh:  # properties may follow a long first geometry
        tail = b""
        while chunk := fh.read(1 << 20):
            if _ADM_PROPERTY.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def detect_format(path: str | os.PathLike[str]) -> str:
    """Recognise a gazetteer file by its content (header, zip members, JSON properties).

    Parameters
    ----------
    path
        A file as downloaded by the user.

    Returns
    -------
    str
        One of the keys of `FORMATS`: ``ocha_communities_csv``, ``ocha_communities_xlsx``,
        ``cod_ab_geojson``, ``cod_ab_shapefile_zip``, ``wof_csv``, ``geonames_txt``,
        ``geonames_zip``.

    Raises
    ------
    GazetteerError
        The file is missing, empty, not readable, or none of the known formats.
    """
    p = Path(path)
    _check_file(p)
    with p.open("rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK"):
        return _detect_zip(p)
    head = _text_head(p)
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        if '"features"' in head and _has_adm_property(p, head):
            return "cod_ab_geojson"
        raise _fail(p, "JSON that is not an OCHA COD-AB GeoJSON (no ADMn_PCODE properties)",
                    "Give the syr_adm{0..3} GeoJSON files of COD-AB")
    first = head.splitlines()[0] if head else ""
    header = {c.strip().strip('"') for c in first.split(",")}
    if {"Location_Pcode", "Latitude_y", "Longitude_x"} <= header:
        return "ocha_communities_csv"
    if {"wof_id", "placetype"} <= header:
        return "wof_csv"
    if _looks_geonames_line(first):
        return "geonames_txt"
    raise _fail(p, f"unrecognised gazetteer format (first line: {first[:80]!r})",
                f"Give one of: {'; '.join(FORMATS.values())}", where="1")


def _detect_zip(p: Path) -> str:
    members = _zip_members(p)
    lower = [m.lower() for m in members]
    if "xl/workbook.xml" in lower:
        header = _xlsx_header(p)
        if {"Location_Pcode", "Latitude_y", "Longitude_x"} <= set(header):
            return "ocha_communities_xlsx"
        raise _fail(p, f"a spreadsheet without the OCHA communities columns (header: "
                    f"{', '.join(header[:8])})", "Give the OCHA Syria communities list")
    if any(m.endswith(".shp") for m in lower):
        return "cod_ab_shapefile_zip"
    txts = [m for m in members if m.lower().endswith(".txt") and "readme" not in m.lower()]
    if txts:
        try:
            with zipfile.ZipFile(p) as zf, zf.open(txts[0]) as fh:
                first = fh.readline().decode("utf-8", errors="replace")
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _fail(p, f"damaged zip member {txts[0]} ({exc})", _HINT_REDOWNLOAD) from None
        if _looks_geonames_line(first):
            return "geonames_zip"
    raise _fail(p, f"a zip archive with no known gazetteer inside ({', '.join(members[:5])})",
                "Give the COD-AB shapefile zip, a GeoNames SY.zip or the OCHA XLSX")


# ------------------------------------------------------------------------ OCHA communities


def _strip_qualifier_ar(name: str) -> str:
    return name.split(" - ", 1)[0].strip()


def _strip_qualifier_en(name: str) -> str:
    return name.split(" (", 1)[0].strip()


def _ocha_place(path: Path, row: Mapping[str, Any], where: str) -> Place:
    pcode = _clean(row.get("Location_Pcode"))
    if not pcode:
        raise _fail(path, "empty Location_Pcode", "Fix or remove that row", where=where)
    full_ar = _clean(row.get("LocationName_ar"))
    full_en = _clean(row.get("LocationName_en"))
    bare_ar = _strip_qualifier_ar(full_ar)
    bare_en = _strip_qualifier_en(full_en)
    alts_ar = [a.strip() for a in bare_ar.split("_") if a.strip()]
    alts_en = [bare_en]
    if len(alts_ar) > 1 and " - " in bare_en:  # "Sayah - Sayah Thahriyeh" mirrors "a_b"
        alts_en = [a.strip() for a in bare_en.split(" - ") if a.strip()]
    name_ar = alts_ar[0] if alts_ar else ""
    name_en = alts_en[0] if alts_en else ""
    extra = [_clean(row.get(c)) for c in ("admin4Name_ar", "admin4Name_en", "Column1")]
    extra_bare = [_strip_qualifier_ar(extra[0]), _strip_qualifier_en(extra[1]),
                  _strip_qualifier_en(extra[2])]
    for x in list(extra[:1]):
        extra_bare += [a for a in x.split("_") if "_" in x]
    aliases = _unique([*alts_ar[1:], *alts_en[1:], full_ar, full_en, *extra, *extra_bare],
                      exclude=(name_ar, name_en))
    if "_" in full_ar:  # "a_b" as a whole is not a name anyone writes
        aliases = tuple(a for a in aliases if "_" not in a)
    lat = _float(path, row.get("Latitude_y"), "Latitude_y", where, -90, 90)
    lon = _float(path, row.get("Longitude_x"), "Longitude_x", where, -180, 180)
    return Place(
        place_id=f"ocha:{pcode}",
        name_ar=name_ar,
        name_en=name_en,
        lat=lat,
        lon=lon,
        kind="community",
        admin1=_clean(row.get("admin1Name_en")),
        admin2=_clean(row.get("admin2Name_en")),
        admin3=_clean(row.get("admin3Name_en")),
        admin_pcodes=(_clean(row.get("admin1Pcode")), _clean(row.get("admin2Pcode")),
                      _clean(row.get("admin3Pcode"))),
        aliases=aliases,
        source_ids=(),
    )


def _csv_rows(path: Path, required: Sequence[str],
              what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a UTF-8 CSV, checking the header and each row's width."""
    reader = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise _fail(path, "the file is empty", _HINT_REDOWNLOAD) from None
            header = [h.strip() for h in header]
            _require_columns(path, header, required, what)
            n = len(header)
            for cells in reader:
                if not cells:
                    continue
                line = reader.line_num
                if len(cells) != n:
                    raise _fail(path, f"row has {len(cells)} columns, the header has {n}; "
                                "the file looks truncated or damaged", _HINT_REDOWNLOAD,
                                where=str(line))
                yield line, dict(zip(header, cells, strict=True))
    except UnicodeDecodeError as exc:
        raise _decode_failure(path, exc, reader.line_num if reader else 0) from None
    except csv.Error as exc:
        raise _fail(path, f"CSV syntax error ({exc})", _HINT_REDOWNLOAD) from None


def _xlsx_rows(path: Path) -> tuple[list[str], Generator[tuple[int, dict[str, Any]], None, None]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise _fail(path, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})",
                    _HINT_REDOWNLOAD) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        first = next(rows, None)
    except Exception as exc:
        wb.close()
        raise _fail(path, f"damaged worksheet ({type(exc).__name__}: {exc})",
                    _HINT_REDOWNLOAD) from None
    header = [_clean(h) for h in (first or ())]

    def gen() -> Generator[tuple[int, dict[str, Any]], None, None]:
        try:
            for i, values in enumerate(rows, start=2):
                if values is None or all(v is None for v in values):
                    continue
                yield i, dict(zip(header, values, strict=False))
        except GazetteerError:
            raise
        except Exception as exc:
            raise _fail(path, f"damaged worksheet ({type(exc).__name__}: {exc})",
                        _HINT_REDOWNLOAD) from None
        finally:
            wb.close()

    return header, gen()


def _xlsx_header(path: Path) -> list[str]:
    header, rows = _xlsx_rows(path)
    rows.close()
    return header


def read_ocha_communities(path: str | os.PathLike[str]) -> list[Place]:
    """Read the OCHA Syria communities list (CSV or XLSX, first sheet).

    Each row becomes a ``community`` with id ``ocha:<Location_Pcode>``. The
    disambiguation qualifier is stripped from the name (Arabic ``<name> - <sub-district>``,
    English ``<name> (<qualifier>)``) and the full form kept as an alias; Arabic ``a_b``
    alternatives become ``name_ar = a`` and alias ``b``; ``admin4Name_ar``,
    ``admin4Name_en`` and ``Column1`` are aliases when they differ.

    Parameters
    ----------
    path
        ``syr_ocha_locations_communities.csv`` or ``.xlsx`` (any name; the content decides).

    Returns
    -------
    list[Place]
        One place per row, in file order.

    Raises
    ------
    GazetteerError
        Missing/empty/damaged file, missing columns, or a row with bad coordinates.
    """
    p = Path(path)
    fmt = detect_format(p)
    if fmt == "ocha_communities_csv":
        rows: Iterable[tuple[int, Mapping[str, Any]]] = _csv_rows(
            p, _OCHA_REQUIRED, "the OCHA communities list")
        label = "line"
    elif fmt == "ocha_communities_xlsx":
        header, xrows = _xlsx_rows(p)
        try:
            _require_columns(p, header, _OCHA_REQUIRED, "the OCHA communities list")
        except GazetteerError:
            xrows.close()
            raise
        rows, label = xrows, "row"
    else:
        raise _wrong(p, fmt, "the OCHA communities list (CSV or XLSX)")
    places = [_ocha_place(p, row, f"{label} {n}" if label == "row" else str(n))
              for n, row in rows]
    if not places:
        raise _fail(p, "no community rows after the header", _HINT_REDOWNLOAD)
    return places


def _wrong(path: Path, fmt: str, expected: str) -> GazetteerError:
    return _fail(path, f"this is a {FORMATS.get(fmt, fmt)}, not {expected}",
                 "Use `read_source`/`tracker gazetteer import`, which pick the reader by content")


# ------------------------------------------------------------------------------- COD-AB


def _admin_level(props: Iterable[str]) -> int | None:
    levels = [int(m.group(1)) for k in props if (m := re.fullmatch(r"ADM(\d)_PCODE", k))]
    return max(levels) if levels else None


def _admin_place(path: Path, props: Mapping[str, Any], geom: Any, level: int, where: str) -> Place:
    pcode = _clean(props.get(f"ADM{level}_PCODE"))
    if not pcode:
        raise _fail(path, f"empty ADM{level}_PCODE", _HINT_REDOWNLOAD, where=where)
    name_ar = _clean(props.get(f"ADM{level}_AR"))
    name_en = _clean(props.get(f"ADM{level}_EN"))
    alt = [_clean(props.get(f"ADM{level}{k}")) for k in ("ALT1EN", "ALT2EN", "ALT1AR", "ALT2AR")]
    alt.append(_clean(props.get(f"ADM{level}_REF")))
    bare = _MARKAZ.sub("", name_ar) if level == 3 else name_ar
    if bare != name_ar and bare:
        alt.append(bare)
    names_en = [_clean(props.get(f"ADM{i}_EN")) for i in (1, 2, 3)]
    pcodes = [_clean(props.get(f"ADM{i}_PCODE")) for i in (1, 2, 3)]
    for i in range(level, 3):  # levels below this unit are empty
        names_en[i], pcodes[i] = "", ""
    return _polygon_place(path, f"adm:{pcode}", name_ar, name_en, ADMIN_LEVELS[level], geom,
                          names_en, pcodes, alt, where)


def _polygon_place(path: Path, pid: str, name_ar: str, name_en: str, kind: str, geom: Any,
                   names_en: Sequence[str], pcodes: Sequence[str], alt: Sequence[str],
                   where: str) -> Place:
    if geom is None or geom.is_empty:
        raise _fail(path, f"{pid} has no geometry", _HINT_REDOWNLOAD, where=where)
    pt = geom.representative_point()
    return Place(
        place_id=pid,
        name_ar=name_ar,
        name_en=name_en,
        lat=float(pt.y),
        lon=float(pt.x),
        kind=kind,
        admin1=names_en[0],
        admin2=names_en[1],
        admin3=names_en[2],
        admin_pcodes=(pcodes[0], pcodes[1], pcodes[2]),
        aliases=_unique(alt, exclude=(name_ar, name_en)),
        geometry=geom,
    )


def _neighbourhood_place(path: Path, props: Mapping[str, Any], geom: Any, where: str) -> Place:
    pcode = _clean(props.get("PCODE"))
    if not pcode:
        raise _fail(path, "empty PCODE", _HINT_REDOWNLOAD, where=where)
    alt = [_clean(props.get(k)) for k in ("NAME_REF", "NAME_ALT1E", "NAME_ALT2E", "NAME_ALT1A",
                                          "NAME_ALT2A")]
    return _polygon_place(
        path, f"ocha:{pcode}", _clean(props.get("NAME_AR")), _clean(props.get("NAME_EN")),
        "neighbourhood", geom, [_clean(props.get(f"ADM{i}_EN")) for i in (1, 2, 3)],
        [_clean(props.get(f"ADM{i}_PCODE")) for i in (1, 2, 3)], alt, where)


def _read_cod_geojson(p: Path) -> list[Place]:
    try:
        with p.open(encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except json.JSONDecodeError as exc:
        raise _fail(p, f"invalid JSON ({exc.msg}); the file looks truncated or damaged",
                    _HINT_REDOWNLOAD, where=f"{exc.lineno}:{exc.colno}") from None
    except UnicodeDecodeError as exc:
        raise _fail(p, f"not UTF-8 text (byte {exc.start})", _HINT_REDOWNLOAD) from None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        raise _fail(p, "not a GeoJSON FeatureCollection (no 'features' list)",
                    "Give a COD-AB syr_admN GeoJSON file")
    places: list[Place] = []
    for i, feat in enumerate(feats):
        where = f"feature {i}"
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict):
            raise _fail(p, "feature without properties", _HINT_REDOWNLOAD, where=where)
        level = _admin_level(props)
        if level is None:
            raise _fail(p, "feature without an ADMn_PCODE property", "Give a COD-AB "
                        "admin-boundary GeoJSON (syr_adm0..3)", where=where)
        try:
            geom = shapely.geometry.shape(feat["geometry"]) if feat.get("geometry") else None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError,
                shapely.errors.ShapelyError) as exc:
            raise _fail(p, f"invalid geometry ({exc})", _HINT_REDOWNLOAD, where=where) from None
        places.append(_admin_place(p, props, geom, level, where))
    if not places:
        raise _fail(p, "the FeatureCollection has no features", _HINT_REDOWNLOAD)
    return places


def _read_cod_zip(p: Path) -> list[Place]:
    import pyogrio

    members = _zip_members(p)
    places: list[Place] = []
    layers = 0
    for member in sorted(members):
        if not member.lower().endswith(".shp"):
            continue
        vsi = f"/vsizip/{p.resolve()}/{member}"
        try:
            info = pyogrio.read_info(vsi, encoding="utf-8")
            fields = [str(f) for f in info["fields"]]
            gtype = str(info.get("geometry_type") or "")
            if "Polygon" not in gtype:
                continue  # boundary lines, label points
            level = _admin_level(fields)
            is_nbhd = "PCODE" in fields and "NAME_AR" in fields
            if level is None and not is_nbhd:
                continue
            if is_nbhd:
                level = None
            elif level is None or f"ADM{level}_EN" not in fields or level > 3:
                continue
            df = pyogrio.read_dataframe(vsi, encoding="utf-8")
        except Exception as exc:  # pyogrio/GDAL errors for damaged members
            raise _fail(p, f"cannot read shapefile {member} ({type(exc).__name__}: {exc})",
                        _HINT_REDOWNLOAD) from None
        layers += 1
        records = df.drop(columns="geometry").to_dict("records")
        for i, (props, geom) in enumerate(zip(records, df.geometry.array, strict=True)):
            where = f"{member} record {i}"
            if level is None:
                places.append(_neighbourhood_place(p, props, geom, where))
            else:
                places.append(_admin_place(p, props, geom, level, where))
    if not layers:
        raise _fail(p, "no admin-boundary or neighbourhood polygon layer in the zip",
                    "Give the COD-AB zip syr_admbnda_uncs_unocha_<date>.zip")
    return places


def read_cod_ab(path: str | os.PathLike[str]) -> list[Place]:
    """Read OCHA COD-AB admin boundaries (GeoJSON of one level, or the shapefile zip).

    Admin units get id ``adm:<PCODE>`` and kind ``country``/``governorate``/``district``/
    ``subdistrict`` by level; the neighbourhood polygons of the zip get ``ocha:<Nnnnn>``
    and kind ``neighbourhood``. ``ADMnALT*`` and ``ADMn_REF`` names become aliases, and a
    sub-district named ``مركز X`` also gets ``X``. `geometry` is the shapely polygon
    (lon/lat), and lat/lon a representative point inside it.

    Parameters
    ----------
    path
        ``syr_adm{0..3}_*.geojson`` or ``syr_admbnda_uncs_unocha_*.zip``.

    Returns
    -------
    list[Place]

    Raises
    ------
    GazetteerError
        Missing/empty/truncated file, invalid JSON or geometry, missing properties.
    """
    p = Path(path)
    fmt = detect_format(p)
    if fmt == "cod_ab_geojson":
        return _read_cod_geojson(p)
    if fmt == "cod_ab_shapefile_zip":
        return _read_cod_zip(p)
    raise _wrong(p, fmt, "COD-AB admin boundaries")


# ---------------------------------------------------------------------- WOF and GeoNames


def _pick_arabic(*candidates: str) -> str:
    for c in candidates:
        if c and _pure_arabic(c):
            return c
    return ""


def read_wof_csv(path: str | os.PathLike[str], *, include_deprecated: bool = False) -> list[Place]:
    """Read the localities of the Who's On First flattened CSV.

    Only ``placetype == locality`` rows; deprecated records are skipped unless
    `include_deprecated`. The id is ``geonames:<geonameid>`` when the record has one
    (then ``wof:<wof_id>`` goes into `source_ids`), else ``wof:<wof_id>``. ``names_ar_all``
    and ``names_latin_variants`` become aliases. Admin fields are left empty
    (`merge_places` fills them by point-in-polygon).

    Parameters
    ----------
    path
        ``wof_admin_sy_places.csv``.
    include_deprecated
        Keep records with a ``deprecated`` date.

    Returns
    -------
    list[Place]

    Raises
    ------
    GazetteerError
        Missing/empty/truncated file, missing columns, bad coordinates.
    """
    p = Path(path)
    fmt = detect_format(p)
    if fmt != "wof_csv":
        raise _wrong(p, fmt, "a Who's On First CSV")
    places: list[Place] = []
    for line, row in _csv_rows(p, _WOF_REQUIRED, "the Who's On First CSV"):
        if row["placetype"] != "locality":
            continue
        if row["deprecated"] and not include_deprecated:
            continue
        where = str(line)
        wof_id, gid = row["wof_id"].strip(), row["geonameid"].strip()
        if not wof_id:
            raise _fail(p, "empty wof_id", "Fix or remove that row", where=where)
        ar_all = _split_multi(row["names_ar_all"])
        name_ar = _pick_arabic(row["name_ar_preferred"], *ar_all)
        name_en = row["wof_name"].strip()
        aliases = _unique([*ar_all, *_split_multi(row["names_latin_variants"])],
                          exclude=(name_ar, name_en))
        pid = f"geonames:{gid}" if gid else f"wof:{wof_id}"
        places.append(Place(
            place_id=pid,
            name_ar=name_ar,
            name_en=name_en,
            lat=_float(p, row["lat"], "lat", where, -90, 90),
            lon=_float(p, row["lon"], "lon", where, -180, 180),
            kind="locality",
            aliases=aliases,
            source_ids=(f"wof:{wof_id}",) if gid else (),
            population=_int_or_none(row.get("gn_population")),
        ))
    if not places:
        raise _fail(p, "no locality rows", "Give the WOF places CSV with its locality records")
    return places


def _geonames_lines(p: Path, fmt: str) -> Iterator[tuple[str, str]]:
    """(where, line) of a GeoNames dump, plain or zipped."""
    if fmt == "geonames_txt":
        done = 0
        try:
            with p.open(encoding="utf-8", newline="") as fh:
                for i, line in enumerate(fh, start=1):
                    done = i
                    yield str(i), line
        except UnicodeDecodeError as exc:
            raise _decode_failure(p, exc, done) from None
        return
    members = [m for m in _zip_members(p)
               if m.lower().endswith(".txt") and "readme" not in m.lower()]
    member = members[0]
    done = 0
    try:
        with zipfile.ZipFile(p) as zf, zf.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            for i, line in enumerate(text, start=1):
                done = i
                yield f"{member}:{i}", line
    except UnicodeDecodeError as exc:
        raise _decode_failure(p, exc, done, member) from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _fail(p, f"damaged zip member {member} ({exc}); the archive looks truncated",
                    _HINT_REDOWNLOAD) from None


def read_geonames(path: str | os.PathLike[str]) -> list[Place]:
    """Read a GeoNames country dump (``SY.txt``, or ``SY.zip`` holding it).

    The 19 tab-separated columns of the standard dump; feature class ``P`` (populated
    places) only, as ``locality`` with id ``geonames:<geonameid>``. ``name`` is the English
    name, the first Arabic entry of ``alternatenames`` the Arabic one; all other names
    (``asciiname``, ``alternatenames``) are aliases.

    Parameters
    ----------
    path
        ``SY.txt`` or ``SY.zip``.

    Returns
    -------
    list[Place]

    Raises
    ------
    GazetteerError
        Missing/empty/truncated file, a line without 19 columns, bad coordinates.
    """
    p = Path(path)
    fmt = detect_format(p)
    if fmt not in ("geonames_txt", "geonames_zip"):
        raise _wrong(p, fmt, "a GeoNames dump")
    places: list[Place] = []
    for where, line in _geonames_lines(p, fmt):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        cols = text.split("\t")
        if len(cols) != _GEONAMES_COLUMNS or not cols[0].isdigit():
            raise _fail(p, f"line has {len(cols)} tab-separated columns, a GeoNames dump has "
                        f"{_GEONAMES_COLUMNS}; the file looks truncated or damaged",
                        _HINT_REDOWNLOAD, where=where)
        if cols[6] != "P":
            continue
        alts = [a.strip() for a in cols[3].split(",") if a.strip()]
        name_en = cols[1].strip()
        name_ar = _pick_arabic(*alts)
        places.append(Place(
            place_id=f"geonames:{cols[0]}",
            name_ar=name_ar,
            name_en=name_en,
            lat=_float(p, cols[4], "latitude", where, -90, 90),
            lon=_float(p, cols[5], "longitude", where, -180, 180),
            kind="locality",
            aliases=_unique([cols[2], *alts], exclude=(name_ar, name_en)),
            population=_int_or_none(cols[14]),
        ))
    if not places:
        raise _fail(p, "no populated places (feature class P)", "Give a GeoNames country dump")
    return places


_READERS: dict[str, Callable[[Path], list[Place]]] = {
    "ocha_communities_csv": read_ocha_communities,
    "ocha_communities_xlsx": read_ocha_communities,
    "cod_ab_geojson": read_cod_ab,
    "cod_ab_shapefile_zip": read_cod_ab,
    "wof_csv": read_wof_csv,
    "geonames_txt": read_geonames,
    "geonames_zip": read_geonames,
}


def read_source(path: str | os.PathLike[str]) -> tuple[str, list[Place]]:
    """Detect the format of `path` and read it: ``(format, places)``.

    Raises
    ------
    GazetteerError
        As `detect_format` and the reader for that format.
    """
    fmt = detect_format(path)
    return fmt, _READERS[fmt](Path(path))


# ------------------------------------------------------------------------------- merging

_CELL_DEG = 0.1  # grid cell for linking; must exceed link_km in degrees (~11 km)


def _link_keys(place: Place) -> set[str]:
    """Arabic name keys and ``latin:``-prefixed Latin skeletons of every name."""
    keys: set[str] = set()
    for n in place.names:
        if is_arabic(n):
            keys |= name_keys(n)
        else:
            k = latin_key(n)
            if len(k) >= 3:
                keys.add("latin:" + k)
    return keys


def _source_of(pid: str) -> str:
    return pid.split(":", 1)[0]


def _absorb(primary: Place, other: Place) -> Place:
    names = [other.name_ar, other.name_en, *other.aliases]
    return replace(
        primary,
        aliases=_unique([*primary.aliases, *names], exclude=(primary.name_ar, primary.name_en)),
        source_ids=_unique([*primary.source_ids, other.place_id, *other.source_ids],
                           exclude=(primary.place_id,)),
        population=primary.population or other.population,
        name_ar=primary.name_ar or other.name_ar,
        name_en=primary.name_en or other.name_en,
    )


def _dedupe_ids(places: Iterable[Place]) -> list[Place]:
    """One place per id (the same GeoNames id from WOF and a GeoNames dump)."""
    by_id: dict[str, Place] = {}
    for pl in places:
        prev = by_id.get(pl.place_id)
        by_id[pl.place_id] = _absorb(prev, pl) if prev else pl
    return list(by_id.values())


def _assign_admin(points: list[Place], adm3: list[Place], max_deg: float = 0.05) -> list[Place]:
    """Fill admin names/P-codes of `points` from the admin polygon that holds each one.

    Points just outside every polygon (border villages, coarse coordinates) take the
    nearest sub-district within `max_deg` degrees.
    """
    if not points or not adm3:
        return points
    tree = shapely.STRtree([a.geometry for a in adm3])
    pts = shapely.points(np.array([[p.lon, p.lat] for p in points]))
    found: dict[int, int] = {}
    src, dst = tree.query(pts, predicate="within")
    for i, j in zip(src.tolist(), dst.tolist(), strict=True):
        found.setdefault(i, j)
    rest = [i for i in range(len(points)) if i not in found]
    if rest:
        idx = tree.query_nearest(pts[rest], max_distance=max_deg, all_matches=False)
        for k, j in zip(idx[0].tolist(), idx[1].tolist(), strict=True):
            found.setdefault(rest[k], j)
    out = list(points)
    for i, j in found.items():
        a = adm3[j]
        out[i] = replace(out[i], admin1=a.admin1, admin2=a.admin2, admin3=a.admin3,
                         admin_pcodes=a.admin_pcodes)
    return out


def merge_places(*lists: Iterable[Place], link_km: float = 5.0,
                 stats: dict[str, int] | None = None) -> list[Place]:
    """Merge places from several sources into one entry per real place.

    A point place of another source (GeoNames/WOF ``locality``) is linked to an OCHA
    ``community`` when they share a normalised name key (`tracker.arabic.name_keys`, or
    `latin_key` for Latin names) and lie within `link_km`; the nearest such community
    wins, an Arabic key match before a Latin one (`latin_key` drops articles also when
    glued on, "Alsafafnah" = "As Safafinah"; a Latin-only match needs alike Arabic names,
    and more alike ones for a skeleton of three letters or fewer between points more than
    2.5 km apart). The OCHA record stays primary: it gets
    the other id in `source_ids` and the other names in `aliases`. Unlinked points keep
    their own entry, and those without admin fields get them by point-in-polygon against
    the imported sub-district (adm3) polygons (or district/governorate polygons when no
    sub-districts were imported). Admin units and neighbourhoods stay as
    their own places. Places with the same id are merged first.

    Parameters
    ----------
    *lists
        Outputs of the readers, in any order.
    link_km
        Largest distance between two points of the same place.
    stats
        When given, receives ``links`` (points merged into a community) and
        ``admin_assigned`` (points that got admin fields by point-in-polygon).

    Returns
    -------
    list[Place]
        Communities, then other points, then neighbourhoods and admin units.
    """
    allp = _dedupe_ids(pl for lst in lists for pl in lst)
    primary = [pl for pl in allp if pl.kind == "community" and pl.geometry is None]
    areas = [pl for pl in allp if pl.geometry is not None or pl.kind in ADMIN_KINDS]
    area_ids = {pl.place_id for pl in areas}
    primary_ids = {pl.place_id for pl in primary}
    others = [pl for pl in allp if pl.place_id not in area_ids and pl.place_id not in primary_ids]

    grid: dict[tuple[str, int, int], list[int]] = {}
    for i, pl in enumerate(primary):
        cx, cy = math.floor(pl.lon / _CELL_DEG), math.floor(pl.lat / _CELL_DEG)
        for k in _link_keys(pl):
            grid.setdefault((k, cx, cy), []).append(i)

    absorbed: dict[int, list[Place]] = {}
    unlinked: list[Place] = []
    for pl in others:
        best = _best_link(pl, primary, grid, link_km)
        if best is None:
            unlinked.append(pl)
        else:
            absorbed.setdefault(best, []).append(pl)
    merged = list(primary)
    for i, extra in absorbed.items():
        for pl in sorted(extra, key=lambda q, c=merged[i]: distance_km(q.lat, q.lon, c.lat, c.lon)):
            merged[i] = _absorb(merged[i], pl)

    polygons: list[Place] = []
    for kind in ("subdistrict", "district", "governorate"):  # the finest level imported
        polygons = [a for a in areas if a.kind == kind and a.geometry is not None]
        if polygons:
            break
    need = [i for i, pl in enumerate(unlinked) if not any(pl.admin_pcodes)]
    filled = _assign_admin([unlinked[i] for i in need], polygons)
    for i, pl in zip(need, filled, strict=True):
        unlinked[i] = pl
    if stats is not None:
        stats["links"] = sum(len(v) for v in absorbed.values())
        stats["admin_assigned"] = sum(1 for pl in filled if any(pl.admin_pcodes))
    return merged + unlinked + areas


def _best_link(pl: Place, primary: list[Place], grid: Mapping[tuple[str, int, int], list[int]],
               link_km: float) -> int | None:
    """Index of the community `pl` is the same place as, or None.

    Arabic key matches come before Latin ones, then the nearest. A Latin-only match
    between two places that both have Arabic names also needs the Arabic names to be
    alike (`_LATIN_LINK_MIN_AR`), since consonant skeletons of short names collide.
    """
    cx, cy = math.floor(pl.lon / _CELL_DEG), math.floor(pl.lat / _CELL_DEG)
    found: dict[int, tuple[int, float, int]] = {}
    for k in _link_keys(pl):
        rank = 1 if k.startswith("latin:") else 0
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for i in grid.get((k, cx + dx, cy + dy), ()):
                    q = primary[i]
                    d = distance_km(pl.lat, pl.lon, q.lat, q.lon)
                    # longest matching skeleton kept as a tie-breaker of equal (rank, d)
                    if d <= link_km and (rank, d, -len(k)) < found.get(i, (2, 0.0, 0)):
                        found[i] = (rank, d, -len(k))
    for i, (rank, d, neg_len) in sorted(found.items(), key=lambda item: item[1]):
        if rank == 0:
            return i
        # a short skeleton ("hms": Hamis, Homs, al-Haymis) collides often: further than
        # `_SHORT_LATIN_LINK_KM` apart it needs closer Arabic names
        loose = -neg_len - len("latin:") <= _SHORT_LATIN_KEY and d > _SHORT_LATIN_LINK_KM
        if _arabic_compatible(pl, primary[i],
                              _LATIN_LINK_MIN_AR_LOOSE if loose else _LATIN_LINK_MIN_AR):
            return i
    return None


_LATIN_LINK_MIN_AR = 45.0
#: Latin skeletons this short collide often: a link on one between points further apart
#: than `_SHORT_LATIN_LINK_KM` needs Arabic names `_LATIN_LINK_MIN_AR_LOOSE` alike.
_SHORT_LATIN_KEY = 3
_SHORT_LATIN_LINK_KM = 2.5
_LATIN_LINK_MIN_AR_LOOSE = 60.0


def _arabic_skeleton(name: str) -> str:
    return "".join(strip_article(w) for w in normalize(name).split())


def _arabic_compatible(a: Place, b: Place, min_ratio: float = _LATIN_LINK_MIN_AR) -> bool:
    """False when both places have Arabic names and none of them is `min_ratio` alike
    (rapidfuzz ratio of the article-less skeletons)."""
    from rapidfuzz import fuzz

    ar_a = [_arabic_skeleton(n) for n in a.names if _pure_arabic(n)]
    ar_b = [_arabic_skeleton(n) for n in b.names if _pure_arabic(n)]
    if not ar_a or not ar_b:
        return True
    return max(fuzz.ratio(x, y) for x in ar_a for y in ar_b) >= min_ratio


# --------------------------------------------------------------------------------- cache


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One imported file: its path, detected format, and how many places it gave."""

    path: str
    format: str
    places: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What `import_sources` did.

    Fields
    ------
    sources
        One `SourceSummary` per input file, in the order given.
    by_source
        Merged places by id prefix (``ocha``, ``adm``, ``geonames``, ``wof``).
    by_kind
        Merged places by kind (``community``, ``locality``, ``subdistrict``...).
    by_governorate
        Merged places by English governorate (``admin1``; ``""`` = none known).
    links
        Points of other sources merged into an OCHA community.
    admin_assigned
        Points given their admin hierarchy by point-in-polygon.
    total
        Places in the index.
    cache_path
        The written index file.
    seconds
        Wall time of the whole import.
    created
        UTC time of the import, ISO 8601.
    """

    sources: tuple[SourceSummary, ...]
    by_source: dict[str, int]
    by_kind: dict[str, int]
    by_governorate: dict[str, int]
    links: int
    admin_assigned: int
    total: int
    cache_path: str
    seconds: float
    created: str = field(default="")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for `tracker gazetteer import --json` and `info`)."""
        return {
            "sources": [{"path": s.path, "format": s.format, "places": s.places,
                         "seconds": round(s.seconds, 3)} for s in self.sources],
            "by_source": dict(self.by_source),
            "by_kind": dict(self.by_kind),
            "by_governorate": dict(self.by_governorate),
            "links": self.links,
            "admin_assigned": self.admin_assigned,
            "total": self.total,
            "cache_path": self.cache_path,
            "seconds": round(self.seconds, 3),
            "created": self.created,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportSummary:
        """Inverse of `to_json`."""
        return cls(
            sources=tuple(SourceSummary(s["path"], s["format"], int(s["places"]),
                                        float(s["seconds"])) for s in data["sources"]),
            by_source=dict(data["by_source"]),
            by_kind=dict(data["by_kind"]),
            by_governorate=dict(data["by_governorate"]),
            links=int(data["links"]),
            admin_assigned=int(data["admin_assigned"]),
            total=int(data["total"]),
            cache_path=str(data["cache_path"]),
            seconds=float(data["seconds"]),
            created=str(data.get("created", "")),
        )


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    seq INTEGER PRIMARY KEY,
    place_id TEXT NOT NULL UNIQUE,
    name_ar TEXT NOT NULL,
    name_en TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    kind TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    admin2 TEXT NOT NULL,
    admin3 TEXT NOT NULL,
    pcode1 TEXT NOT NULL,
    pcode2 TEXT NOT NULL,
    pcode3 TEXT NOT NULL,
    aliases TEXT NOT NULL,
    source_ids TEXT NOT NULL,
    population INTEGER,
    geometry BLOB
);
"""


def _write_cache(places: Sequence[Place], summary: ImportSummary, target: Path) -> None:
    """Write the index to a temp file beside `target`, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        geoms = [pl.geometry for pl in places]
        wkb = shapely.to_wkb(np.array(geoms, dtype=object))
        con = sqlite3.connect(tmp)
        try:
            con.executescript(_SCHEMA)
            con.executemany(
                "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                ((i, pl.place_id, pl.name_ar, pl.name_en, pl.lat, pl.lon, pl.kind, pl.admin1,
                  pl.admin2, pl.admin3, *pl.admin_pcodes, "\x1f".join(pl.aliases),
                  "\x1f".join(pl.source_ids), pl.population, w)
                 for i, (pl, w) in enumerate(zip(places, wkb, strict=True))),
            )
            con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("format", _CACHE_FORMAT), ("version", str(_CACHE_VERSION)),
                ("summary", json.dumps(summary.to_json(), ensure_ascii=False))])
            con.commit()
        finally:
            con.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _split_field(value: str) -> tuple[str, ...]:
    return tuple(value.split("\x1f")) if value else ()


def _damaged_cache(path: Path, exc: Exception) -> GazetteerError:
    return _fail(path, f"the gazetteer cache is damaged ({exc})",
                 "Delete it and run `tracker gazetteer import` again")


def _query_cache(cache_dir: str | os.PathLike[str], sql: str) -> list[Any] | None:
    """All rows of `sql` on the cache, or None when there is no cache."""
    con = _open_cache(cache_dir)
    if con is None:
        return None
    try:
        return con.execute(sql).fetchall()
    except sqlite3.DatabaseError as exc:
        raise _damaged_cache(Path(cache_dir) / CACHE_FILE, exc) from None
    finally:
        con.close()


def _open_cache(cache_dir: str | os.PathLike[str]) -> sqlite3.Connection | None:
    path = Path(cache_dir) / CACHE_FILE
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise _damaged_cache(path, exc) from None
    if meta.get("format") != _CACHE_FORMAT or meta.get("version") != str(_CACHE_VERSION):
        con.close()
        raise _fail(path, f"gazetteer cache of another format/version ({meta.get('version')})",
                    "Run `tracker gazetteer import` again to rebuild it")
    return con


def load_cached(cache_dir: str | os.PathLike[str]) -> list[Place] | None:
    """The national index written by `import_sources`, or None when there is none.

    Parameters
    ----------
    cache_dir
        The directory given to `import_sources` (``Settings.cache_dir``).

    Returns
    -------
    list[Place] | None
        The places in the order they were written; polygons restored from WKB.

    Raises
    ------
    GazetteerError
        The cache file exists but is damaged or of another version.
    """
    rows = _query_cache(cache_dir, "SELECT * FROM places ORDER BY seq")
    if rows is None:
        return None
    geoms = shapely.from_wkb(np.array([r[16] for r in rows], dtype=object))
    return [
        Place(place_id=r[1], name_ar=r[2], name_en=r[3], lat=r[4], lon=r[5], kind=r[6],
              admin1=r[7], admin2=r[8], admin3=r[9], admin_pcodes=(r[10], r[11], r[12]),
              aliases=_split_field(r[13]), source_ids=_split_field(r[14]), population=r[15],
              geometry=g)
        for r, g in zip(rows, geoms, strict=True)
    ]


def load_cached_summary(cache_dir: str | os.PathLike[str]) -> ImportSummary | None:
    """The `ImportSummary` stored with the cached index, or None when there is no cache.

    Raises
    ------
    GazetteerError
        The cache file exists but is damaged or of another version.
    """
    rows = _query_cache(cache_dir, "SELECT value FROM meta WHERE key = 'summary'")
    if not rows:
        return None
    return ImportSummary.from_json(json.loads(rows[0][0]))


def import_sources(paths: Iterable[str | os.PathLike[str]], cache_dir: str | os.PathLike[str],
                   *, progress: _PROGRESS | None = None, link_km: float = 5.0) -> ImportSummary:
    """Read every gazetteer file, merge them, and write the national index to the cache.

    The index replaces ``<cache_dir>/gazetteer.sqlite`` atomically (temp file in the same
    directory, then `os.replace`): if any file fails to read, nothing is written and the
    previous index stays as it was.

    Parameters
    ----------
    paths
        Gazetteer files in any of the `FORMATS` (recognised by content), any order.
    cache_dir
        Directory of the cache (created when missing).
    progress
        Called with a one-line message after each step (e.g. ``click.echo`` to stderr).
    link_km
        Largest distance for linking the same place across sources (see `merge_places`).

    Returns
    -------
    ImportSummary

    Raises
    ------
    GazetteerError
        A file is missing, empty, corrupt, truncated or of an unknown format; or no paths.
    """
    t0 = time.perf_counter()
    paths = [Path(p) for p in paths]
    if not paths:
        msg = ("no gazetteer files given. Pass the OCHA communities CSV/XLSX, COD-AB "
               "GeoJSON/zip, WOF CSV or GeoNames SY.txt/SY.zip")
        raise GazetteerError(msg)
    say = progress or (lambda _msg: None)
    lists: list[list[Place]] = []
    sources: list[SourceSummary] = []
    for p in paths:
        t = time.perf_counter()
        fmt, places = read_source(p)
        dt_s = time.perf_counter() - t
        sources.append(SourceSummary(str(p), fmt, len(places), dt_s))
        lists.append(places)
        say(f"read {len(places)} places from {p} ({FORMATS[fmt]}) in {dt_s:.2f} s")
    stats: dict[str, int] = {}
    t = time.perf_counter()
    merged = merge_places(*lists, link_km=link_km, stats=stats)
    say(f"merged into {len(merged)} places, {stats['links']} links, "
        f"{stats['admin_assigned']} placed in sub-districts, in {time.perf_counter() - t:.2f} s")
    target = Path(cache_dir) / CACHE_FILE
    summary = ImportSummary(
        sources=tuple(sources),
        by_source=dict(Counter(_source_of(pl.place_id) for pl in merged).most_common()),
        by_kind=dict(Counter(pl.kind for pl in merged).most_common()),
        by_governorate=dict(Counter(pl.admin1 for pl in merged).most_common()),
        links=stats["links"],
        admin_assigned=stats["admin_assigned"],
        total=len(merged),
        cache_path=str(target),
        seconds=time.perf_counter() - t0,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    t = time.perf_counter()
    try:
        _write_cache(merged, summary, target)
    except (OSError, sqlite3.Error) as exc:
        raise _fail(target, f"cannot write the gazetteer cache ({exc})",
                    "Check that the cache directory ($TRACKER_CACHE) is writable and has "
                    "space") from None
    say(f"wrote {target} in {time.perf_counter() - t:.2f} s")
    summary = replace(summary, seconds=time.perf_counter() - t0)
    return summary


# =============================================================================================
# Bundled national gazetteer and the active index (added by the "gazetteer index" engineer;
# owned with tracker/gazetteer.py). load_bundled / load_gazetteer / load_context_layers.
# =============================================================================================

#: Files of the committed national gazetteer (``gazetteer/``).
BUNDLED_PLACES = "places.csv"
BUNDLED_ALIASES = "aliases.csv"
BUNDLED_ADMIN = "admin.geojson"
BUNDLED_NEIGHBOURHOODS = "neighbourhoods.geojson"
BUNDLED_CONTEXT = "context.geojson"
BUNDLED_LANDMARKS = "landmarks.csv"
_LANDMARK_COLUMNS = ("place_id", "name_ar", "name_en", "lat", "lon", "aliases", "source", "note")
_BUNDLED_COLUMNS = ("place_id", "name_ar", "name_en", "lat", "lon", "kind", "admin1", "admin2",
                    "admin3", "pcode1", "pcode2", "pcode3", "aliases", "source_ids", "population")
_ALIAS_COLUMNS = ("place_id", "alias", "lang", "absorbs", "note")
_HINT_BUNDLED = ("Restore the file from git (`git checkout -- gazetteer/`) or rebuild it with "
                 "`python tools/build_gazetteer.py`")


def _read_csv_rows(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    _check_file(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = tuple(reader.fieldnames or ())
            missing = [c for c in columns if c not in header]
            if missing:
                raise _fail(path, f"missing column(s) {', '.join(missing)}", _HINT_BUNDLED,
                            where="line 1")
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise _fail(path, "wrong number of fields", _HINT_BUNDLED,
                                where=f"line {reader.line_num}")
                rows.append((reader.line_num, row))
            return rows
    except UnicodeDecodeError as exc:
        raise _fail(path, f"not UTF-8 text ({exc.reason})", _HINT_BUNDLED) from None
    except csv.Error as exc:
        raise _fail(path, f"not a valid CSV file ({exc})", _HINT_BUNDLED) from None


def read_alias_rows(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """The hand-curated aliases (``gazetteer/aliases.csv``): place_id, alias, lang, absorbs, note.

    ``absorbs`` optionally names a duplicate record of another source (e.g. a GeoNames
    point with a different spelling at the same spot) that is folded into ``place_id``.
    Raises `GazetteerError` naming the file and line of a malformed row.
    """
    p = Path(path)
    out = []
    for line, row in _read_csv_rows(p, _ALIAS_COLUMNS):
        if not row["place_id"].strip() or not row["alias"].strip():
            raise _fail(p, "place_id and alias must not be empty", "Fill them in or delete "
                        "the row", where=f"line {line}")
        out.append({k: (row.get(k) or "").strip() for k in _ALIAS_COLUMNS})
    return out


def read_landmarks(path: str | os.PathLike[str],
                   admin: Sequence[Place] = ()) -> list[Place]:
    """The hand-curated landmarks (``gazetteer/landmarks.csv``): airbases, dams, castles
    that reports name as places ("مطار التيفور", "سد الفرات", "Palmyra Castle") and no
    settlement source has. Columns: place_id (``landmark:...``), name_ar, name_en, lat,
    lon, aliases (``|``-joined), source, note. Each becomes a `Place` of kind ``landmark``
    whose admin names and P-codes are those of the sub-district of `admin` (admin unit
    places with polygons) that holds its point.

    Raises `GazetteerError` naming the file and line of a malformed row.
    """
    p = Path(path)
    subs = [a for a in admin if a.kind == "subdistrict" and a.geometry is not None]
    tree = shapely.STRtree([a.geometry for a in subs]) if subs else None
    out: list[Place] = []
    seen: set[str] = set()
    for line, row in _read_csv_rows(p, _LANDMARK_COLUMNS):
        where = f"line {line}"
        pid = row["place_id"].strip()
        if not pid.startswith("landmark:") or pid in seen:
            raise _fail(p, f"place_id {pid!r} must be a new id starting with 'landmark:'",
                        "Give each landmark its own landmark:NAME id", where=where)
        if not (row["name_ar"].strip() or row["name_en"].strip()) or not row["source"].strip():
            raise _fail(p, "a landmark needs a name and a source", "Fill them in or delete "
                        "the row", where=where)
        seen.add(pid)
        lat = _float(p, row["lat"], "lat", where, -90, 90)
        lon = _float(p, row["lon"], "lon", where, -180, 180)
        unit = None
        if tree is not None:
            hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
            unit = subs[int(hits[0])] if len(hits) else None
        out.append(Place(
            place_id=pid, name_ar=row["name_ar"].strip(), name_en=row["name_en"].strip(),
            lat=lat, lon=lon, kind="landmark",
            admin1=unit.admin1 if unit else "", admin2=unit.admin2 if unit else "",
            admin3=(unit.admin3 or unit.name_en) if unit else "",
            admin_pcodes=unit.admin_pcodes if unit else ("", "", ""),
            aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
        ))
    return out


def with_landmarks(places: Sequence[Place], path: Path) -> list[Place]:
    """`places` plus the landmarks of `path` (when it exists) not already among them."""
    if not path.is_file():
        return list(places)
    have = {pl.place_id for pl in places}
    admin = [pl for pl in places if pl.kind in ("subdistrict",)]
    return [*places, *(lm for lm in read_landmarks(path, admin) if lm.place_id not in have)]


def apply_aliases(places: Sequence[Place], rows: Iterable[Mapping[str, str]]) -> list[Place]:
    """Add curated spellings to their places and fold absorbed duplicates into them.

    Rows whose place is not in `places` are skipped (a national index may lack a place of
    a user's own table). Pure: returns a new list.
    """
    out = list(places)
    idx = {pl.place_id: i for i, pl in enumerate(out)}
    drop: set[str] = set()
    for row in rows:
        i = idx.get(row["place_id"])
        if i is None:
            continue
        pl = out[i]
        names = [row["alias"]]
        ids: list[str] = []
        other = row.get("absorbs", "")
        if other and other != pl.place_id and other in idx:
            o = out[idx[other]]
            names += list(o.names)
            ids += [o.place_id, *o.source_ids]
            drop.add(other)
        own = set(pl.names)
        new_aliases = tuple(dict.fromkeys([*pl.aliases, *(n for n in names if n and n not in own)]))
        new_ids = tuple(dict.fromkeys([*pl.source_ids, *(x for x in ids if x != pl.place_id)]))
        out[i] = replace(pl, aliases=new_aliases, source_ids=new_ids)
    return [pl for pl in out if pl.place_id not in drop]


def _polygon_shapes(path: Path, key: str, prefix: str) -> dict[str, Any]:
    """``{place id: polygon}`` of a bundled polygon file (empty when it does not exist)."""
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        feats = doc["features"]
        keys = [prefix + f["properties"][key] for f in feats]
        geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats])
        return dict(zip(keys, geoms, strict=True))
    except (ValueError, KeyError, TypeError, AttributeError,
            shapely.errors.ShapelyError) as exc:
        raise _fail(path, f"not a valid polygon GeoJSON ({type(exc).__name__}: {exc})",
                    _HINT_BUNDLED) from None


def load_bundled(directory: str | os.PathLike[str]) -> list[Place]:
    """Read the committed national gazetteer: places.csv (+ admin and neighbourhood polygons,
    + aliases.csv).

    Raises
    ------
    GazetteerError
        A file is missing, not UTF-8, or a row is malformed (names the file and line).
    """
    d = Path(directory)
    path = d / BUNDLED_PLACES
    shapes = _polygon_shapes(d / BUNDLED_ADMIN, "pcode", "adm:")
    shapes.update(_polygon_shapes(d / BUNDLED_NEIGHBOURHOODS, "place_id", ""))
    places: list[Place] = []
    for line, row in _read_csv_rows(path, _BUNDLED_COLUMNS):
        where = f"line {line}"
        pid = row["place_id"].strip()
        if ":" not in pid:
            raise _fail(path, f"place_id {pid!r} has no source prefix", _HINT_BUNDLED,
                        where=where)
        lat = _float(path, row["lat"], "lat", where, -90, 90)
        lon = _float(path, row["lon"], "lon", where, -180, 180)
        pop = row["population"].strip()
        if pop and not pop.isdigit():
            raise _fail(path, f"population {pop!r} is not a whole number", _HINT_BUNDLED,
                        where=where)
        places.append(Place(
            place_id=pid, name_ar=row["name_ar"], name_en=row["name_en"], lat=lat, lon=lon,
            kind=row["kind"] or "community", admin1=row["admin1"], admin2=row["admin2"],
            admin3=row["admin3"], admin_pcodes=(row["pcode1"], row["pcode2"], row["pcode3"]),
            aliases=tuple(a for a in row["aliases"].split("|") if a),
            source_ids=tuple(s for s in row["source_ids"].split("|") if s and s != pid),
            population=int(pop) if pop else None,
            geometry=shapes.get(pid),
        ))
    if not places:
        raise _fail(path, "holds no places", _HINT_BUNDLED)
    places = with_landmarks(places, d / BUNDLED_LANDMARKS)
    alias_path = d / BUNDLED_ALIASES
    if alias_path.is_file():
        places = apply_aliases(places, read_alias_rows(alias_path))
    return places


def load_context_layers(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The map context lines of the bundled gazetteer as shapely geometries (lon/lat).

    Returns ``{key: geometry}``: the rivers by their id in the river table
    (``euphrates``, ``tigris``, ``khabur``, ``orontes``, ``yarmouk``), ``lake_assad``,
    ``syria_border`` and ``syria_iraq_border`` (a key is missing when its feature is);
    an empty dict when ``context.geojson`` does not exist.
    """
    path = Path(directory) / BUNDLED_CONTEXT
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        out: dict[str, Any] = {}
        for f in doc["features"]:
            props = f["properties"]
            kind = props.get("kind", "")
            key = props.get("key") or {"river": "euphrates",
                                       "border": "syria_iraq_border"}.get(kind, kind)
            out[key] = shapely.geometry.shape(f["geometry"])
        return out
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _fail(path, f"not a valid context GeoJSON ({exc})", _HINT_BUNDLED) from None


def river_lines(layers: Mapping[str, Any]) -> dict[str, Any]:
    """The context lines that are rivers with banks (ids of `tracker.banks.load_rivers`)."""
    from tracker.banks import known_rivers

    return {k: layers[k] for k in known_rivers(layers)}


#: Bump when the compiled (pickled) index changes in a way the hashed files do not show.
_COMPILED_VERSION = 1
#: Modules whose code shapes the built index: a change to any of them recompiles it.
_INDEX_CODE = ("gazetteer.py", "arabic.py", "model.py", "gazetteer_io.py", "banks.py",
               "data/rivers.csv")
_COMPILED_DIR = ".cache"
_COMPILED_KEEP = 3


def _bundled_files(gdir: Path) -> list[Path]:
    return [gdir / n for n in (BUNDLED_PLACES, BUNDLED_ALIASES, BUNDLED_ADMIN,
                               BUNDLED_NEIGHBOURHOODS, BUNDLED_CONTEXT, BUNDLED_LANDMARKS)]


def _stat_stamp(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(p), -1, 0))
    return tuple(out)


def _compiled_key(contents: Iterable[tuple[str, bytes]]) -> str:
    """A hash of the index inputs (file names + bytes), the index code and Python."""
    h = hashlib.sha256(f"{_CACHE_FORMAT}/{_COMPILED_VERSION}/{sys.version_info[:2]}".encode())
    here = Path(__file__).resolve().parent
    for name in _INDEX_CODE:
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    for name, data in contents:
        h.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:24]


def _read_compiled(dirs: Sequence[Path], key: str) -> Gazetteer | None:
    """The pickled index of this key from the first dir that has it (None: not there)."""
    import pickle

    for d in dirs:
        path = d / f"index-{key}.pickle"
        try:
            with path.open("rb") as fh:
                gaz = pickle.load(fh)
        except FileNotFoundError:
            continue
        except Exception:  # a damaged or foreign file: ignore it, it is rebuilt
            logger.warning("ignoring an unreadable compiled gazetteer %s", path)
            continue
        if type(gaz).__name__ == "Gazetteer":
            return gaz  # type: ignore[no-any-return]
    return None


def _write_compiled(dirs: Sequence[Path], key: str, gaz: Gazetteer) -> Path | None:
    """Pickle the index into the first writable dir (temp file + `os.replace`, so a
    reader never sees half a file); older compiled indexes there beyond a few are removed.
    A read-only location is not an error: the index just is not cached."""
    import pickle

    for d in dirs:
        try:
            d.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=d)
        except OSError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
            target = d / f"index-{key}.pickle"
            os.replace(tmp, target)
        except (OSError, pickle.PicklingError) as exc:
            Path(tmp).unlink(missing_ok=True)
            logger.warning("cannot cache the compiled gazetteer in %s (%s)", d, exc)
            continue
        old = sorted(d.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_COMPILED_KEEP:]:
            stale.unlink(missing_ok=True)
        return target
    return None


def _build_index(settings: Any) -> tuple[Gazetteer, str]:
    """The active index (from the compiled cache when its inputs are unchanged)."""
    from tracker.gazetteer import Gazetteer  # local: gazetteer.py is pure and imports nothing here

    gdir = Path(settings.gazetteer_dir)
    cache = Path(settings.cache_dir) / CACHE_FILE
    compiled_dirs = [Path(settings.cache_dir) / "compiled"]
    if cache.is_file():
        st = cache.stat()
        inputs = [(f"{cache}:{st.st_size}:{st.st_mtime_ns}", b"")]
        inputs += [(p.name, p.read_bytes()) for p in _bundled_files(gdir)
                   if p.name in (BUNDLED_ALIASES, BUNDLED_CONTEXT, BUNDLED_LANDMARKS)
                   and p.is_file()]
    else:
        compiled_dirs.insert(0, gdir / _COMPILED_DIR)
        inputs = [(p.name, p.read_bytes()) for p in _bundled_files(gdir) if p.is_file()]
    key = _compiled_key(inputs)
    gaz = _read_compiled(compiled_dirs, key)
    if gaz is not None:
        return gaz, key
    national = load_cached(settings.cache_dir)
    rivers = river_lines(load_context_layers(gdir))
    if national:
        places = with_landmarks(list(national), gdir / BUNDLED_LANDMARKS)
        alias_path = gdir / BUNDLED_ALIASES
        if alias_path.is_file():
            places = apply_aliases(places, read_alias_rows(alias_path))
        desc = f"national index {cache} ({len(places)} places) + bundled aliases"
    else:
        places = load_bundled(gdir)
        desc = f"bundled national gazetteer {gdir} ({len(places)} places)"
    gaz = Gazetteer(places, rivers=rivers, description=desc)
    gaz.precompute()
    _write_compiled(compiled_dirs, key, gaz)
    return gaz, key


def load_gazetteer(settings: Any) -> Gazetteer:
    """The active `Gazetteer`.

    The national index from the cache when `tracker gazetteer import` wrote one (with the
    bundled aliases applied); otherwise the bundled national gazetteer (``gazetteer/``).
    River lines (Euphrates, Tigris, Khabur, Orontes, Yarmouk) come from the bundled
    context layer, for river-bank cues of any of them.

    The built index is kept compiled (pickled) under ``gazetteer/.cache/`` (or
    ``<cache_dir>/compiled/`` when that is read-only, and always for an imported index),
    named by a hash of its input files and of the index code: a changed file or a new
    version of the code builds it afresh, and it is written to a temp file and moved into
    place, so it is never read half-written. In one process the index is also kept in
    memory while its files are unchanged.

    Parameters
    ----------
    settings
        A `tracker.settings.Settings` (uses ``cache_dir`` and ``gazetteer_dir``).

    Raises
    ------
    GazetteerError
        A bundled file or the imported cache is missing, damaged or malformed (names the
        file and line).
    """
    gdir = Path(settings.gazetteer_dir)
    cache = Path(settings.cache_dir) / CACHE_FILE
    stamp = _stat_stamp([cache, *_bundled_files(gdir)])
    cached_gaz = _GAZETTEER_CACHE.get(stamp)
    if cached_gaz is not None:
        return cached_gaz
    gaz, _key = _build_index(settings)
    _GAZETTEER_CACHE.clear()
    _GAZETTEER_CACHE[stamp] = gaz
    return gaz


_GAZETTEER_CACHE: dict[tuple[tuple[str, int, int], ...], Gazetteer] = {}

__all__ += ["apply_aliases", "load_bundled", "load_context_layers", "load_gazetteer",
            "read_alias_rows", "read_landmarks", "river_lines", "with_landmarks"]
# ================================================================ end of bundled gazetteer ==
