"""Build the bundled regional gazetteer (``gazetteer/``) from the national sources.

Usage::

    .venv/bin/python tools/build_regional_gazetteer.py [--data ../shared/data] [--out gazetteer]

Reads the OCHA communities list, the OCHA COD-AB admin layers (adm1-3), the Who's On First
localities CSV and the Natural Earth context layers with the readers of
`tracker.gazetteer_io`, merges them (`merge_places`), keeps the places of the two theatres
and writes:

- ``places.csv``     one row per place (communities, unlinked GeoNames/WOF localities, admin
                     units) with names, position, kind, admin hierarchy, aliases and source ids;
- ``admin.geojson``  simplified polygons of the admin units listed in places.csv;
- ``context.geojson`` the Euphrates and the Syria-Iraq border, simplified, for maps and for
                     deciding the river bank;

``aliases.csv`` (hand-curated) is read, checked against the data, and left as it is.
The output is deterministic: running it twice gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import linemerge

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.arabic import normalize  # noqa: E402
from tracker.model import Place  # noqa: E402

#: Districts of the Euphrates theatre (all their sub-districts are kept).
EUPHRATES_DISTRICTS = ("SY0901", "SY0902", "SY0903")
#: Sub-districts of the NE Hama / SE Idlib / S Aleppo theatre and their neighbours.
HAMA_SUBDISTRICTS = (
    "SY050103",  # Hamra
    "SY050302",  # As-Saan
    "SY050303",  # Saboura
    "SY050100",  # Hama (centre)
    "SY050101",  # Suran
    "SY050300",  # As-Salamiyeh (centre)
    "SY050301",  # Eastern Bari
    "SY050304",  # Oqeirbat
    "SY070001",  # Abul Thohur (Idlib)
    "SY070202",  # Sanjar (Idlib)
    "SY070204",  # Tamanaah (Idlib)
    "SY020002",  # Tall Ed-daman (Aleppo)
    "SY020005",  # Zarbah (Aleppo)
    "SY020006",  # Hadher (Aleppo)
)
#: Towns elsewhere kept as well: at least this population (GeoNames), or the seat of a
#: sub-district (a community named like its sub-district).
MIN_POPULATION = 20_000

PLACE_COLUMNS = (
    "place_id", "name_ar", "name_en", "lat", "lon", "kind", "admin1", "admin2", "admin3",
    "pcode1", "pcode2", "pcode3", "aliases", "source_ids", "population",
)
#: Window for the context lines (lon/lat): the Syrian Euphrates to just inside Iraq.
CONTEXT_BOX = (37.8, 33.8, 41.9, 37.2)


def _sources(data: Path) -> dict[str, Path]:
    return {
        "ocha": data / "ocha_cod_ps" / "syr_ocha_locations_communities.csv",
        "adm1": data / "ocha_cod_ab" / "syr_adm1_ocha_20201217.geojson",
        "adm2": data / "ocha_cod_ab" / "syr_adm2_ocha_20201217.geojson",
        "adm3": data / "ocha_cod_ab" / "syr_adm3_ocha_20201217.geojson",
        "adm0": data / "ocha_cod_ab" / "syr_adm0_ocha_20201217.geojson",
        "wof": data / "wof" / "wof_admin_sy_places.csv",
        "rivers": data / "context" / "ne10m_rivers_lake_centerlines_syria_iraq.geojson",
        "countries": data / "context" / "ne10m_admin0_syria_iraq_neighbours.geojson",
    }


def _pcode(p: Place) -> str:
    return p.place_id[4:] if p.place_id.startswith("adm:") else ""


def _in_theatre(p: Place) -> bool:
    sub = p.admin_pcodes[2]
    return bool(sub) and (sub[:6] in EUPHRATES_DISTRICTS or sub in HAMA_SUBDISTRICTS)


def _is_seat(p: Place, admin_names: dict[str, set[str]]) -> bool:
    """True for a community named like its sub-district, district or governorate."""
    if not p.name_ar:
        return False
    own = normalize(p.name_ar)
    return any(own in admin_names.get(code, set()) for code in p.admin_pcodes if code)


def select_places(merged: Sequence[Place]) -> list[Place]:
    """The places of the bundled table: theatre points, towns and seats, admin units."""
    units = [p for p in merged if p.kind in ("governorate", "district", "subdistrict")]
    sub_names: dict[str, set[str]] = {}
    for s in units:
        names = {normalize(n) for n in (s.name_ar, *s.aliases) if n}
        names |= {n.removeprefix("مركز ").strip() for n in names}
        sub_names[_pcode(s)] = names
    keep_admin: set[str] = set()
    for p in merged:
        code = _pcode(p)
        theatre_sub = p.kind == "subdistrict" and (code[:6] in EUPHRATES_DISTRICTS
                                                   or code in HAMA_SUBDISTRICTS)
        if p.kind in ("governorate", "district") or theatre_sub:
            keep_admin.add(code)
    out: list[Place] = []
    for p in merged:
        if p.kind in ("country", "neighbourhood"):
            continue
        if p.place_id.startswith("adm:"):
            if _pcode(p) in keep_admin:
                out.append(p)
        elif _in_theatre(p) or (p.population or 0) >= MIN_POPULATION or (
            p.place_id.startswith("ocha:") and _is_seat(p, sub_names)
        ):
            out.append(p)
    return out


def read_aliases(path: Path, by_id: dict[str, Place]) -> list[dict[str, str]]:
    """The hand-curated aliases, checked: every target and absorbed id must exist."""
    rows = gio.read_alias_rows(path)
    problems = []
    for n, row in enumerate(rows, start=2):
        if row["place_id"] not in by_id:
            problems.append(f"{path}:{n}: unknown place_id {row['place_id']!r}")
        if row["absorbs"] and row["absorbs"] not in by_id:
            problems.append(f"{path}:{n}: absorbs unknown id {row['absorbs']!r}")
        if not row["note"].strip():
            problems.append(f"{path}:{n}: every alias needs a note")
    if problems:
        raise SystemExit("\n".join(problems))
    return rows


def _round_coords(geom: object, ndigits: int) -> object:
    return shapely.transform(geom, lambda xy: xy.round(ndigits))


def write_places(places: Sequence[Place], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PLACE_COLUMNS)
        for p in places:
            w.writerow([
                p.place_id, p.name_ar, p.name_en, f"{p.lat:.6f}", f"{p.lon:.6f}", p.kind,
                p.admin1, p.admin2, p.admin3, *p.admin_pcodes,
                "|".join(a.replace("|", "/") for a in p.aliases),
                "|".join([p.place_id, *p.source_ids]),
                "" if p.population is None else str(p.population),
            ])


def write_admin(places: Sequence[Place], path: Path) -> None:
    tolerance = {"governorate": 0.01, "district": 0.005, "subdistrict": 0.002}
    feats = []
    for p in places:
        if not p.place_id.startswith("adm:") or p.geometry is None:
            continue
        geom = p.geometry.simplify(tolerance.get(p.kind, 0.005), preserve_topology=True)
        geom = shapely.make_valid(_round_coords(geom, 4))
        feats.append({
            "type": "Feature",
            "properties": {
                "pcode": _pcode(p), "kind": p.kind, "name_en": p.name_en, "name_ar": p.name_ar,
                "admin1": p.admin1, "admin2": p.admin2,
            },
            "geometry": mapping(geom),
        })
    doc = {"type": "FeatureCollection", "features": feats}
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")


def context_lines(rivers: Path, countries: Path, adm0: Path) -> list[dict[str, object]]:
    """The Euphrates (Natural Earth) and the Syria-Iraq border (OCHA adm0 x NE Iraq)."""
    box = shapely.box(*CONTEXT_BOX)
    rdoc = json.loads(rivers.read_text(encoding="utf-8"))
    parts = [shape(f["geometry"]) for f in rdoc["features"]
             if f["properties"].get("name_ar") == "الفرات"]
    river = linemerge(shapely.union_all(parts)).intersection(box)
    river = _round_coords(river.simplify(0.002), 4)
    cdoc = json.loads(countries.read_text(encoding="utf-8"))
    iraq = next(shape(f["geometry"]) for f in cdoc["features"] if f["properties"]["name"] == "Iraq")
    sdoc = json.loads(adm0.read_text(encoding="utf-8"))
    syria = shapely.union_all([shape(f["geometry"]) for f in sdoc["features"]])
    border = syria.boundary.intersection(iraq.buffer(0.03))
    border = linemerge(border) if border.geom_type == "MultiLineString" else border
    border = _round_coords(border.simplify(0.002), 4)
    return [
        {"type": "Feature", "properties": {"kind": "river", "name_en": "Euphrates",
                                           "name_ar": "الفرات", "source": "Natural Earth 10m"},
         "geometry": mapping(river)},
        {"type": "Feature", "properties": {"kind": "border", "name_en": "Syria-Iraq border",
                                           "name_ar": "الحدود السورية العراقية",
                                           "source": "OCHA COD-AB adm0 / Natural Earth 10m"},
         "geometry": mapping(border)},
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "gazetteer")
    args = ap.parse_args(argv)
    src = _sources(args.data)
    for path in src.values():
        if not path.is_file():
            msg = f"{path}: missing; pass --data with the shared data folder"
            raise SystemExit(msg)
    if not (args.out / "aliases.csv").is_file():
        msg = (f"{args.out / 'aliases.csv'}: missing; the hand-curated aliases are read from "
               "the --out folder: copy gazetteer/aliases.csv there first")
        raise SystemExit(msg)
    lists = [
        gio.read_ocha_communities(src["ocha"]),
        gio.read_cod_ab(src["adm1"]),
        gio.read_cod_ab(src["adm2"]),
        gio.read_cod_ab(src["adm3"]),
        gio.read_wof_csv(src["wof"]),
    ]
    merged = gio.merge_places(*lists)
    by_id = {p.place_id: p for p in merged}
    aliases = read_aliases(args.out / "aliases.csv", by_id)
    chosen = select_places(merged)
    chosen_ids = {p.place_id for p in chosen}
    # alias targets outside the theatres come along (with what they absorb)
    for row in aliases:
        for pid in (row["place_id"], row["absorbs"]):
            if pid and pid not in chosen_ids:
                chosen.append(by_id[pid])
                chosen_ids.add(pid)
    chosen = gio.apply_aliases(chosen, aliases)
    write_places(chosen, args.out / "places.csv")
    write_admin(chosen, args.out / "admin.geojson")
    ctx = {"type": "FeatureCollection",
           "features": context_lines(src["rivers"], src["countries"], src["adm0"])}
    (args.out / "context.geojson").write_text(
        json.dumps(ctx, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for p in chosen:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    print(f"wrote {len(chosen)} places to {args.out / 'places.csv'}: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
