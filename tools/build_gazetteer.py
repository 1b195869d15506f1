"""Build the bundled national gazetteer (``gazetteer/``) from the national sources.

Usage::

    .venv/bin/python tools/build_gazetteer.py [--data ../shared/data] [--out gazetteer]

Reads, with the readers of `tracker.gazetteer_io` (which name the file and line of any
truncated or damaged input):

- the OCHA communities list (``ocha_cod_ps/syr_ocha_locations_communities.csv``),
- the OCHA COD-AB admin layers adm0-3 (``ocha_cod_ab/syr_adm{0..3}_ocha_20201217.geojson``)
  and the neighbourhood polygons of the COD-AB shapefile zip,
- the Who's On First localities (``wof/wof_admin_sy_places.csv``),
- the context layers (``context/``: Natural Earth rivers and countries, GSHHG rivers),

merges them (`tracker.gazetteer_io.merge_places`: a GeoNames/WOF point named like an OCHA
community within 5 km is that community), folds in the hand-curated ``aliases.csv`` (checked:
every target must exist and every row needs a note) and writes

- ``places.csv``            every community, every locality no community absorbed, every
                            neighbourhood and every admin unit (coordinates rounded to 5
                            decimals, about 1 m);
- ``admin.geojson``         the polygons of all governorates, districts and sub-districts,
                            simplified as a coverage (neighbours keep shared edges);
- ``neighbourhoods.geojson`` the COD-AB city neighbourhood polygons, simplified the same way;
- ``context.geojson``       map context lines (see `tools/context_layers.py`).

Every output is generated in memory first, then each file is written to a temporary file
beside its target and moved into place (`os.replace`): a failed build leaves the previous
files as they were, and no file is ever half-written. The output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import context_layers  # noqa: E402

from tracker import gazetteer_io as gio  # noqa: E402
from tracker.errors import GazetteerError  # noqa: E402
from tracker.model import Place  # noqa: E402

PLACE_COLUMNS = (
    "place_id", "name_ar", "name_en", "lat", "lon", "kind", "admin1", "admin2", "admin3",
    "pcode1", "pcode2", "pcode3", "aliases", "source_ids", "population",
)
#: Simplification tolerance (degrees) by kind: ~1 km for governorates down to ~20 m for
#: neighbourhoods; applied per level as a coverage, so shared edges stay shared.
TOLERANCE = {"governorate": 0.01, "district": 0.005, "subdistrict": 0.002,
             "neighbourhood": 0.0002}
#: Decimals kept in polygon coordinates (4 = ~10 m, 5 = ~1 m).
POLYGON_DECIMALS = {"governorate": 4, "district": 4, "subdistrict": 4, "neighbourhood": 5}
POINT_DECIMALS = 5
ADMIN_LEVELS = ("governorate", "district", "subdistrict")


def sources(data: Path) -> dict[str, Path]:
    """The source files under the shared data folder, by role."""
    return {
        "ocha": data / "ocha_cod_ps" / "syr_ocha_locations_communities.csv",
        "adm0": data / "ocha_cod_ab" / "syr_adm0_ocha_20201217.geojson",
        "adm1": data / "ocha_cod_ab" / "syr_adm1_ocha_20201217.geojson",
        "adm2": data / "ocha_cod_ab" / "syr_adm2_ocha_20201217.geojson",
        "adm3": data / "ocha_cod_ab" / "syr_adm3_ocha_20201217.geojson",
        "codab_zip": data / "ocha_cod_ab" / "syr_admbnda_uncs_unocha_20201217.zip",
        "wof": data / "wof" / "wof_admin_sy_places.csv",
        "rivers": data / "context" / "ne10m_rivers_lake_centerlines_syria_iraq.geojson",
        "gshhg": data / "context" / "gshhg_wdbii_rivers_syria.geojson",
        "countries": data / "context" / "ne10m_admin0_syria_iraq_neighbours.geojson",
    }


def read_places(src: dict[str, Path]) -> tuple[list[Place], Any]:
    """Every place of the sources, merged; and the Syrian outline (adm0 polygon)."""
    adm0 = gio.read_cod_ab(src["adm0"])
    lists = [
        gio.read_ocha_communities(src["ocha"]),
        gio.read_cod_ab(src["adm1"]),
        gio.read_cod_ab(src["adm2"]),
        gio.read_cod_ab(src["adm3"]),
        [p for p in gio.read_cod_ab(src["codab_zip"]) if p.kind == "neighbourhood"],
        gio.read_wof_csv(src["wof"]),
    ]
    merged = [p for p in gio.merge_places(*lists) if p.kind != "country"]
    syria = shapely.union_all([p.geometry for p in adm0])
    return merged, syria


def check_aliases(path: Path, by_id: dict[str, Place]) -> list[dict[str, str]]:
    """The hand-curated aliases, checked: every target and absorbed id must exist."""
    rows = gio.read_alias_rows(path)
    problems = []
    for n, row in enumerate(rows, start=2):
        if row["place_id"] not in by_id:
            problems.append(f"{path}:line {n}: unknown place_id {row['place_id']!r}")
        if row["absorbs"] and row["absorbs"] not in by_id:
            problems.append(f"{path}:line {n}: absorbs unknown id {row['absorbs']!r}")
        if not row["note"].strip():
            problems.append(f"{path}:line {n}: every alias needs a note")
    if problems:
        raise GazetteerError("\n".join(problems))
    return rows


def _round(geom: Any, ndigits: int) -> Any:
    return shapely.make_valid(shapely.transform(geom, lambda xy: xy.round(ndigits)))


def simplified(places: Sequence[Place], kind: str) -> list[tuple[Place, Any]]:
    """The polygons of `places` of one kind, simplified together as a coverage."""
    chosen = [p for p in places if p.kind == kind and p.geometry is not None]
    if not chosen:
        return []
    geoms = shapely.make_valid(shapely.buffer([p.geometry for p in chosen], 0))
    try:
        simple = shapely.coverage_simplify(geoms, TOLERANCE[kind])
    except shapely.errors.GEOSException:  # not a clean coverage: one by one
        simple = shapely.simplify(geoms, TOLERANCE[kind], preserve_topology=True)
    out = []
    for p, g in zip(chosen, simple, strict=True):
        g = _round(g, POLYGON_DECIMALS[kind])
        if g.is_empty:  # a sliver below the tolerance: keep it unsimplified
            g = _round(p.geometry, POLYGON_DECIMALS[kind])
        out.append((p, g))
    return out


def places_csv(places: Sequence[Place]) -> str:
    """``places.csv`` as text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PLACE_COLUMNS)
    for p in places:
        w.writerow([
            p.place_id, p.name_ar, p.name_en, f"{p.lat:.{POINT_DECIMALS}f}",
            f"{p.lon:.{POINT_DECIMALS}f}", p.kind, p.admin1, p.admin2, p.admin3,
            *p.admin_pcodes, "|".join(a.replace("|", "/") for a in p.aliases),
            "|".join([p.place_id, *p.source_ids]),
            "" if p.population is None else str(p.population),
        ])
    return buf.getvalue()


def _collection(features: list[dict[str, Any]]) -> str:
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def admin_geojson(places: Sequence[Place]) -> str:
    """``admin.geojson``: one feature per admin unit, keyed by its P-code."""
    feats = []
    for kind in ADMIN_LEVELS:
        for p, g in simplified(places, kind):
            feats.append({"type": "Feature", "properties": {
                "pcode": p.place_id.removeprefix("adm:"), "kind": p.kind, "name_en": p.name_en,
                "name_ar": p.name_ar, "admin1": p.admin1, "admin2": p.admin2},
                "geometry": mapping(g)})
    return _collection(feats)


def neighbourhoods_geojson(places: Sequence[Place]) -> str:
    """``neighbourhoods.geojson``: one feature per city neighbourhood, keyed by place id."""
    feats = [{"type": "Feature", "properties": {
        "place_id": p.place_id, "name_en": p.name_en, "name_ar": p.name_ar,
        "admin3": p.admin3, "pcode3": p.admin_pcodes[2]}, "geometry": mapping(g)}
        for p, g in simplified(places, "neighbourhood")]
    return _collection(feats)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temp file beside it, then move them all into place."""
    temps: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.chmod(name, 0o666 & ~_umask())  # mkstemp makes it private; a data file is not
            temps.append((Path(name), target))
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)


def build(data: Path, out: Path) -> dict[str, int]:
    """Read the sources under `data` and write the gazetteer files into `out`.

    Returns the number of places by kind. Raises `GazetteerError` naming the file (and
    line) of a missing, truncated or damaged source, or of a bad alias row.
    """
    src = sources(data)
    for path in src.values():
        if not path.is_file():
            msg = f"{path}: missing. Pass --data with the shared data folder"
            raise GazetteerError(msg)
    alias_path = out / gio.BUNDLED_ALIASES
    if not alias_path.is_file():
        msg = (f"{alias_path}: missing. The hand-curated aliases are read from the --out "
               "folder: copy gazetteer/aliases.csv there first")
        raise GazetteerError(msg)
    merged, syria = read_places(src)
    aliases = check_aliases(alias_path, {p.place_id: p for p in merged})
    chosen = gio.apply_aliases(merged, aliases)
    context = context_layers.build_context(src, syria, chosen)
    write_atomically({
        out / gio.BUNDLED_PLACES: places_csv(chosen),
        out / gio.BUNDLED_ADMIN: admin_geojson(chosen),
        out / gio.BUNDLED_NEIGHBOURHOODS: neighbourhoods_geojson(chosen),
        out / gio.BUNDLED_CONTEXT: _collection(context),
    })
    return dict(Counter(p.kind for p in chosen).most_common())


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                    help="the shared data folder (default: ../shared/data)")
    ap.add_argument("--out", type=Path, default=REPO / "gazetteer",
                    help="the gazetteer folder to write (default: gazetteer/)")
    args = ap.parse_args(argv)
    try:
        kinds = build(args.data, args.out)
    except GazetteerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {sum(kinds.values())} places to {args.out}: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
