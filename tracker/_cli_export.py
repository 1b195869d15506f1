"""`tracker export`: the control layer as GeoJSON, GeoPackage, CSV or an interactive HTML map.

The command parses its options and calls `run_export`, which loads the store's timeline
and the gazetteer, builds the documents with the pure functions of `tracker.export` and
writes them with its atomic writers (or returns the text for stdout).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from tracker import export as ex
from tracker._cli_common import DATE, fail, overwrite_opt, settings_for, store_opt
from tracker.errors import InputError, StoreError, TrackerError
from tracker.model import Place
from tracker.settings import Settings

logger = logging.getLogger(__name__)

#: Formats each mode accepts.
SNAPSHOT_FORMATS = ("geojson", "gpkg", "csv")
TIMELINE_FORMATS = ("geojson", "gpkg", "csv")


@dataclass
class ExportSource:
    """The store's timeline, the places it names, and (lazily) the place cells."""

    timeline: Any
    places: dict[str, Place]
    settings: Settings
    gazetteer: Any = None
    _cells: Mapping[str, Any] | None = field(default=None, repr=False)
    _sites: Mapping[str, tuple[float, float]] | None = field(default=None, repr=False)

    def cells(self) -> Mapping[str, Any]:
        """Place cells as the maps use them (`tracker._cli_territory.load_territory_data`)."""
        if self._cells is None:
            from tracker._cli_territory import load_territory_data

            data = load_territory_data(
                self.settings, timeline=self.timeline, gazetteer=self.gazetteer
            )
            self._cells = data.cells
            self._sites = data.sites
        return self._cells

    def sites(self) -> Mapping[str, tuple[float, float]]:
        """Settlement points of the cells, to close territory as the maps draw it."""
        cells = self.cells()
        if self._sites is None:
            from tracker.territory import place_sites

            sites = place_sites(self.places.values())
            self._sites = {k: v for k, v in sites.items() if k in cells}
        return self._sites


def _store_places(store: Any) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for pid, info in store.places().items():
        lat, lon = getattr(info, "lat", None), getattr(info, "lon", None)
        if lat is None or lon is None:
            continue
        out[pid] = Place(
            pid, getattr(info, "name_ar", "") or "", getattr(info, "name_en", "") or "",
            float(lat), float(lon),
        )
    return out


def load_export_source(settings: Settings) -> ExportSource:
    """Open the store, build its timeline and collect the places it names.

    Places come from the active gazetteer; a place only the store knows (from a gazetteer
    no longer loaded) is taken from the store's own table of names and coordinates.

    Raises
    ------
    StoreError
        When there is no store, or it holds no dated control claims (the message then says
        how many undated ones it holds).
    """
    from tracker.gazetteer_io import load_gazetteer
    from tracker.store import Store

    with Store.open(settings.store, create=False, write=False) as store:
        timeline = store.timeline()
        stored = _store_places(store)
        total = store.counts()["claims"] if not timeline.place_ids else 0
    if not timeline.place_ids:
        undated = len(getattr(timeline, "undated", ()))
        if total:
            # claims that draw no interval (undated, or of no known place): say so, not
            # "no claims"
            msg = (
                f"the store {settings.store} holds {total} control claim(s) but none both "
                f"dated and of a place the gazetteer knows ({undated} undated; `tracker "
                f"history PLACE --store {settings.store}` lists them with the reason), so "
                f"there is nothing to export. Ingest reports that date them, or give a dated "
                f"baseline with `tracker correct FILE`"
            )
        else:
            msg = (
                f"the store {settings.store} holds no control claims; run `tracker ingest "
                f"FILE... --store {settings.store}` (and `tracker correct FILE` for a "
                f"baseline) first"
            )
        raise StoreError(msg)
    gaz = load_gazetteer(settings)
    places = dict(stored)
    for pid in timeline.place_ids:
        if pid in gaz:
            places[pid] = gaz.get(pid)
    return ExportSource(timeline, places, settings, gaz)


def _evidence_index(timeline: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pid in timeline.place_ids:
        for holding in timeline.holdings(pid):
            for sc in holding.evidence:
                out[sc.claim_id] = sc
    return out


def _leaflet_source(assets: Path, assets_from: Path | None) -> Path:
    candidates = [assets_from] if assets_from is not None else []
    env = os.environ.get("TRACKER_LEAFLET")
    if assets_from is None:
        candidates += [Path(env)] if env else []
        candidates += [assets, Path.cwd(), Path.cwd() / "node_modules" / "leaflet"]
    return ex.find_leaflet_package([c for c in candidates if c is not None])


def html_export(
    src: ExportSource,
    out: Path,
    *,
    what: str,
    overwrite: bool,
    assets: Path | None = None,
    assets_from: Path | None = None,
    tiles: str | None = "OpenStreetMap",
) -> Path:
    """Write the interactive map of the whole timeline (and its Leaflet files with `assets`).

    Raises
    ------
    OutputError
        When `out` exists without `overwrite`, or cannot be written.
    InputError
        When `assets` is asked for and no local Leaflet package of the right version is found.
    """
    ex._check_target(out, overwrite)
    intervals = list(src.timeline.intervals())
    territory = None
    if what in ("territory", "both"):
        territory = ex.territory_timeline(
            src.timeline.snapshot, src.cells(), ex.change_dates(intervals), sites=src.sites()
        )
    data = ex.html_map_data(
        intervals, src.places.values(), evidence=_evidence_index(src.timeline),
        territory_by_date=territory,
    )
    js = css = None
    if assets is not None:
        package = _leaflet_source(assets, assets_from)
        js_path, css_path = ex.write_leaflet_assets(package, assets, overwrite=overwrite)
        js, css = ex.relative_url(Path(js_path), out), ex.relative_url(Path(css_path), out)
    document = ex.html_document(data, tiles=tiles, leaflet_js=js, leaflet_css=css)
    return ex.write_html(document, out, overwrite=overwrite)


def snapshot_layers(src: ExportSource, on: dt.date, what: str) -> dict[str, dict[str, Any]]:
    """``{"places": fc, "territory": fc}`` (as `what` asks) on one date."""
    snapshot = src.timeline.snapshot(on)
    if not snapshot:
        msg = (
            f"nothing is known on {on.isoformat()}: the store's first claim is later; pick a "
            "later --on date (see `tracker history PLACE`)"
        )
        raise InputError(msg)
    territory = (
        ex.territory_on(snapshot, src.cells(), sites=src.sites()) if what != "places" else None
    )
    layers: dict[str, dict[str, Any]] = {}
    if what in ("places", "both"):
        layers["places"] = ex.to_feature_collection(src.places.values(), snapshot, on=on)
    if what in ("territory", "both"):
        layers["territory"] = ex.to_feature_collection(
            src.places.values(), snapshot, on=on, territory=territory, what="territory"
        )
    return layers


def timeline_layers(src: ExportSource, what: str) -> dict[str, dict[str, Any]]:
    """``{"intervals": fc, "territory": fc}`` over the whole timeline."""
    intervals = list(src.timeline.intervals())
    layers = {"intervals": ex.timeline_feature_collection(intervals, src.places.values())}
    if what in ("territory", "both"):
        days = ex.change_dates(intervals)
        territory = ex.territory_timeline(
            src.timeline.snapshot, src.cells(), days, sites=src.sites()
        )
        fc = ex.timeline_feature_collection([], [], territory_by_date=territory)
        layers["territory"] = fc
        if what == "territory":
            del layers["intervals"]
    return layers


def _merge(layers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [f for fc in layers.values() for f in fc["features"]],
    }


def run_export(
    settings: Settings,
    *,
    fmt: str,
    on: dt.date | None,
    timeline: bool,
    what: str | None,
    out: Path | None,
    overwrite: bool,
    assets: Path | None = None,
    assets_from: Path | None = None,
    tiles: str | None = "OpenStreetMap",
    loader: Callable[[Settings], ExportSource] = load_export_source,
) -> str | None:
    """Carry out one `tracker export`; returns the text for stdout when there is no `out`.

    Raises
    ------
    InputError
        On a combination of options that cannot work (the message says which to change).
    OutputError, StoreError
        From the writers and the store.
    """
    _check_options(fmt=fmt, on=on, timeline=timeline, out=out, assets=assets)
    if out is not None:
        ex._check_target(out, overwrite)  # fail before any slow work
    src = loader(settings)
    if fmt == "html":
        assert out is not None
        html_export(src, out, what=what or "both", overwrite=overwrite, assets=assets,
                    assets_from=assets_from, tiles=tiles)
        return None
    if timeline and fmt == "csv":
        tl = src.timeline
        rows = ex.corrections_rows(h for pid in tl.place_ids for h in tl.holdings(pid))
        if out is None:
            return ex.csv_text(rows, ex.CORRECTION_COLUMNS)
        ex.write_csv(rows, out, columns=ex.CORRECTION_COLUMNS, overwrite=overwrite)
        return None
    if timeline:
        layers = timeline_layers(src, what or "both")
    else:
        assert on is not None
        layers = snapshot_layers(src, on, what or "places")
    if fmt == "gpkg":
        assert out is not None
        ex.write_gpkg(layers, out, overwrite=overwrite)
        return None
    if fmt == "csv":
        rows = [r for fc in layers.values() for r in ex.feature_rows(fc, wkt=True)]
        if out is None:
            return ex.csv_text(rows)
        ex.write_csv(rows, out, overwrite=overwrite)
        return None
    fc = _merge(layers)
    if out is None:
        return ex.geojson_text(fc)
    ex.write_geojson(fc, out, overwrite=overwrite)
    return None


def _check_options(
    *, fmt: str, on: dt.date | None, timeline: bool, out: Path | None, assets: Path | None
) -> None:
    if fmt not in ex.FORMATS:
        msg = f"unknown format {fmt!r}; use one of {', '.join(ex.FORMATS)}"
        raise InputError(msg)
    if fmt == "html":
        if out is None:
            msg = "--format html needs --out FILE.html"
            raise InputError(msg)
        if on is not None or timeline:
            msg = "the HTML map always shows the whole timeline; drop --on / --timeline"
            raise InputError(msg)
        return
    if assets is not None:
        msg = "--assets only applies to --format html"
        raise InputError(msg)
    if fmt == "gpkg" and out is None:
        msg = "--format gpkg needs --out FILE.gpkg (a GeoPackage cannot go to stdout)"
        raise InputError(msg)
    if timeline and on is not None:
        msg = "--timeline exports every date; drop --on (or drop --timeline for one date)"
        raise InputError(msg)
    if not timeline and on is None:
        msg = "give --on YYYY-MM-DD for one date, or --timeline for the whole timeline"
        raise InputError(msg)


def register(main: click.Group) -> None:
    """Add `tracker export` to the command group."""

    @main.command("export")
    @click.option("--on", "on", type=DATE, default=None, help="The date (YYYY-MM-DD).")
    @click.option("--timeline", "timeline", is_flag=True,
                  help="Every control interval (start/end) instead of one date.")
    @click.option("--format", "fmt", required=True, metavar="|".join(ex.FORMATS),
                  help="geojson, gpkg, csv (with --timeline: the corrections CSV) or html.")
    @click.option("--what", type=click.Choice(ex.WHAT), default=None,
                  help="Place points, territory polygons or both (default: places for one "
                       "date, both for --timeline and html).")
    @click.option("--out", "-o", "out", type=click.Path(dir_okay=False, path_type=Path),
                  default=None, help="Output file (GeoJSON/CSV go to stdout without it).")
    @overwrite_opt
    @click.option("--assets", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="html: write Leaflet beside the page into DIR and load it from there.")
    @click.option("--assets-from", "assets_from", default=None,
                  type=click.Path(exists=True, path_type=Path),
                  help="html: the local Leaflet npm package (`npm pack leaflet@VERSION` .tgz "
                       "or a package directory); default: $TRACKER_LEAFLET, DIR, ./node_modules.")
    @click.option("--no-tiles", is_flag=True, help="html: no OpenStreetMap base map.")
    @store_opt
    def export_cmd(
        on: dt.date | None, timeline: bool, fmt: str, what: str | None, out: Path | None,
        overwrite: bool, assets: Path | None, assets_from: Path | None, no_tiles: bool,
        store: Path | None,
    ) -> None:
        """Export the control layer: GeoJSON, GeoPackage, CSV or an HTML map with a slider.

        \b
        tracker export --on 2018-12-20 --format geojson > hajin.geojson
        tracker export --on 2019-01-15 --format gpkg --what both --out pocket.gpkg
        tracker export --timeline --format geojson --out timeline.geojson
        tracker export --format html --out map.html --assets map_files
        """
        try:
            text = run_export(
                settings_for(store), fmt=fmt.lower(), on=on, timeline=timeline, what=what,
                out=out, overwrite=overwrite, assets=assets, assets_from=assets_from,
                tiles=None if no_tiles else "OpenStreetMap",
            )
        except TrackerError as err:
            raise fail(err) from err
        if text is not None:
            click.echo(text, nl=False)
        elif out is not None:
            click.echo(f"wrote {out}", err=True)
