"""Commands of the gazetteer stage: ``tracker resolve`` and ``tracker gazetteer ...``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from tracker import gazetteer_io as gio
from tracker._cli_common import echo_json, fail, in_opt, json_opt, settings_for, warn
from tracker.errors import GazetteerError, TrackerError, UnknownPlaceError
from tracker.gazetteer import Context, Gazetteer, Resolution
from tracker.settings import Settings


def context_for(gaz: Gazetteer, within: str | None) -> Context | None:
    """The `Context` named by ``--in``: an admin unit of any level (name, unit phrase such
    as "ناحية الباب" / "Afrin district", P-code, or ``adm:`` id) or a place (id or name).

    Raises
    ------
    UnknownPlaceError
        When `within` names neither an admin unit nor a place that resolves.
    """
    if within is None:
        return None
    code = within.strip().upper()
    if re.fullmatch(r"SY\d{2}(?:\d{2}){0,2}", code):
        if f"adm:{code}" not in gaz and not any(code in p.admin_pcodes for p in gaz):
            raise UnknownPlaceError(within, ())  # a P-code of no admin unit in the index
        return Context(admin_pcodes=(code,))
    if within in gaz:  # a place id: an admin unit's is that unit, any other's is a point
        p = gaz.get(within)
        if p.place_id.startswith("adm:"):
            return Context(admin_pcodes=(p.place_id[4:],))
        return Context(near=((p.lat, p.lon),))
    admin = gaz.find_unit(within)  # "ناحية الباب", "Afrin district", "ريف حماة", "Hama"
    if admin is not None:
        code = admin.place_id[4:] if admin.place_id.startswith("adm:") else admin.admin_pcodes[0]
        return Context(admin_pcodes=(code,))
    r = gaz.resolve(within)
    if r.status == "resolved" and r.place is not None:
        return Context(near=((r.place.lat, r.place.lon),))
    raise UnknownPlaceError(within, tuple(c.place.place_id for c in r.candidates))


def _load(settings: Settings) -> Gazetteer:
    try:
        return gio.load_gazetteer(settings)
    except TrackerError as err:
        raise fail(err) from None


_SHOWN_QUERY = 60


def _shown(query: str) -> str:
    """A query as shown in the table: long ones cut (``--json`` keeps them whole)."""
    return query if len(query) <= _SHOWN_QUERY else query[: _SHOWN_QUERY - 1] + "…"


def _row(r: Resolution) -> list[str]:
    p = r.place
    if p is not None:
        where = ", ".join(x for x in (p.admin3, p.admin1) if x)
        return [_shown(r.query), r.status, p.place_id, p.name_ar, p.name_en, where,
                f"{p.lat:.5f},{p.lon:.5f}", f"{r.score:.2f}"]
    return [_shown(r.query), r.status, "-", "", "", "", "", f"{r.score:.2f}"]


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=False)).rstrip()
             for r in (header, *rows)]
    return "\n".join(lines)


def _candidate_lines(r: Resolution) -> list[str]:
    out = []
    for c in r.candidates:
        p = c.place
        where = ", ".join(x for x in (p.admin3, p.admin2, p.admin1) if x)
        out.append(f"    {c.score:.2f}  {p.place_id}  {p.name_ar} / {p.name_en}  ({where})"
                   f"  {p.lat:.5f},{p.lon:.5f}  [{c.reason}]")
    return out


def register(main: click.Group) -> None:
    """Add ``resolve`` and the ``gazetteer`` group to the `tracker` command."""

    @main.command("resolve")
    @click.argument("names", nargs=-1, required=True)
    @in_opt
    @json_opt
    def resolve_cmd(names: tuple[str, ...], within: str | None, as_json: bool) -> None:
        """Resolve place NAMEs (Arabic or Latin) against the active gazetteer.

        Prints the place, or says ambiguous / unresolved with the candidates. Exit 0 even
        for unresolved names; exit 1 for an empty name.
        """
        for n in names:
            if not n.strip():
                msg = ("an empty place name was given. Pass one or more names, e.g. "
                       "`tracker resolve هجين \"Abu Kamal\"`")
                raise click.ClickException(msg)
        gaz = _load(settings_for())
        try:
            ctx = context_for(gaz, within)
        except TrackerError as err:
            raise fail(err) from None
        results = [gaz.resolve(n, ctx) for n in names]
        if as_json:
            echo_json([r.to_json() for r in results])
            return
        header = ["query", "status", "id", "name_ar", "name_en", "where", "lat,lon", "score"]
        click.echo(_table([_row(r) for r in results], header))
        for r in results:
            if r.status != "resolved" and r.candidates:
                click.echo(f"\n{_shown(r.query)}: {r.status}; candidates:")
                click.echo("\n".join(_candidate_lines(r)))
        click.echo(f"\n({gaz.description})", err=True)

    @main.group("gazetteer")
    def gazetteer_group() -> None:
        """Import national gazetteers, inspect and search the active index."""

    @gazetteer_group.command("import")
    @click.argument("paths", nargs=-1, required=True,
                    type=click.Path(path_type=Path, dir_okay=False))
    @json_opt
    def import_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
        """Read national gazetteer files (OCHA communities CSV/XLSX, COD-AB GeoJSON/zip,
        WOF CSV, GeoNames SY.txt/SY.zip), merge them and cache the national index."""
        settings = settings_for()
        try:
            summary = gio.import_sources(paths, settings.cache_dir, progress=warn)
        except GazetteerError as err:
            raise fail(err) from None
        if as_json:
            echo_json(summary.to_json())
            return
        click.echo(f"imported {summary.total} places in {summary.seconds:.1f} s "
                   f"({summary.links} cross-source links) into {summary.cache_path}")
        click.echo("by source: " + ", ".join(f"{k} {v}" for k, v in summary.by_source.items()))
        click.echo("by kind:   " + ", ".join(f"{k} {v}" for k, v in summary.by_kind.items()))

    @gazetteer_group.command("info")
    @json_opt
    def info_cmd(as_json: bool) -> None:
        """Which index is active and its counts by source, kind and governorate."""
        settings = settings_for()
        gaz = _load(settings)
        doc = gazetteer_info(gaz, settings)
        if as_json:
            echo_json(doc)
            return
        click.echo(f"active index: {doc['active']}")
        click.echo(f"places: {doc['total']}")
        for key in ("by_source", "by_kind", "by_governorate"):
            click.echo(f"{key.replace('_', ' ')}:")
            for k, v in doc[key].items():
                click.echo(f"  {k or '(none)':<24} {v:>6}")
        if doc["national"]:
            click.echo(f"national cache: {doc['national']['cache_path']} "
                       f"(imported {doc['national']['created']})")
        else:
            click.echo("national cache: none (run `tracker gazetteer import PATH...`)")

    @gazetteer_group.command("search")
    @click.argument("text")
    @click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
    @json_opt
    def search_cmd(text: str, limit: int, as_json: bool) -> None:
        """Places whose names match TEXT exactly or approximately, best first."""
        if not text.strip():
            msg = "an empty search text was given. Pass a name or part of one"
            raise click.ClickException(msg)
        gaz = _load(settings_for())
        found = gaz.search(text, limit=limit)
        if as_json:
            echo_json([c.to_json() for c in found])
            return
        if not found:
            click.echo(f"nothing matches {text!r}")
            return
        rows = [[f"{c.score:.2f}", c.place.place_id, c.place.name_ar, c.place.name_en,
                 c.place.kind, ", ".join(x for x in (c.place.admin3, c.place.admin1) if x),
                 f"{c.place.lat:.5f},{c.place.lon:.5f}"] for c in found]
        click.echo(_table(rows, ["score", "id", "name_ar", "name_en", "kind", "where",
                                 "lat,lon"]))


def gazetteer_info(gaz: Gazetteer, settings: Settings) -> dict[str, Any]:
    """Counts of the active index and what the national cache holds (for ``info``)."""
    summary = gio.load_cached_summary(settings.cache_dir)
    return {
        "active": gaz.description,
        "total": len(gaz),
        "by_source": dict(Counter(p.place_id.split(":", 1)[0] for p in gaz).most_common()),
        "by_kind": dict(Counter(p.kind for p in gaz).most_common()),
        "by_governorate": dict(Counter(p.admin1 for p in gaz).most_common()),
        "national": summary.to_json() if summary is not None else None,
        "bundled_dir": str(settings.gazetteer_dir),
    }
