"""Commands of the control layer: ``ingest``, ``correct``, ``who-held``, ``history``,
``snapshot`` and ``changes``.

Each command is parse -> call the functions below (which the demo can call too) -> print.
Exit codes: 0 ok (including "nothing is known": that is an answer), 1 a TrackerError
(unknown place / actor / region, bad file, unreadable store), 2 usage, 3 ``ingest`` skipped
some input (the rest was stored).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from tracker._cli_common import DATE, echo_json, fail, in_opt, json_opt, settings_for, store_opt
from tracker.errors import AmbiguousPlaceError, TrackerError, UnknownPlaceError
from tracker.model import Place
from tracker.settings import Settings
from tracker.store import PlaceInfo, Store
from tracker.timeline import Holding, Timeline

logger = logging.getLogger(__name__)

#: Exit code of `tracker ingest` when some input was skipped.
EXIT_SKIPPED = 3
#: Exit code after Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
#: Suffixes `ingest` refuses: tables, not reports (corrections go to `tracker correct`).
NOT_REPORTS = frozenset({".csv", ".tsv", ".xlsx", ".xls", ".db", ".sqlite"})
#: Radius (km) of a region named by a settlement rather than an admin unit.
REGION_PLACE_KM = 25.0


# --------------------------------------------------------------------------- ingest


@dataclass
class IngestSummary:
    """What one `ingest` run did."""

    new: int = 0
    known: int = 0
    skipped: list[str] = field(default_factory=list)
    claims: int = 0
    unplaced_claims: int = 0
    unresolved: int = 0
    files: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "reports_new": self.new,
            "reports_known": self.known,
            "reports_skipped": len(self.skipped),
            "skipped": self.skipped,
            "claims": self.claims,
            "claims_without_place": self.unplaced_claims,
            "unresolved_mentions": self.unresolved,
        }

    def lines(self) -> list[str]:
        out = [
            f"reports: {self.new} new, {self.known} already known, {len(self.skipped)} skipped",
            f"claims: {self.claims} stored ({self.unplaced_claims} without a resolved place)",
            f"unresolved or ambiguous mentions: {self.unresolved}",
        ]
        out += [f"skipped: {s}" for s in self.skipped]
        return out


class IngestInterruptedError(KeyboardInterrupt):
    """Ctrl-C during `ingest_paths`: carries the summary of what was stored before it."""

    def __init__(self, summary: IngestSummary) -> None:
        super().__init__("ingest interrupted")
        self.summary = summary


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    gazetteer: Any,
    lexicon: Any,
    *,
    published: dt.date | None = None,
    progress: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Read, extract and store report files, one transaction per report.

    A directory stands for its report files, read recursively (`reports.expand_inputs`).
    A path that cannot be read, a bad report, or a report the extractor fails on is
    skipped and listed in the summary; the batch goes on.

    Parameters
    ----------
    store
        The open store.
    paths
        Report files (``.txt``, ``.jsonl``, ``.html``) and directories, as given.
    gazetteer, lexicon
        For the extractor.
    published
        Publication date for reports that carry none.
    progress
        Called after each file with the running summary.

    Returns
    -------
    IngestSummary

    Raises
    ------
    IngestInterruptedError
        On Ctrl-C (a KeyboardInterrupt), with the summary of the reports stored before it;
        the report in flight is not stored, and re-running the batch goes on from there.
    """
    from tracker.reports import expand_inputs

    summary = IngestSummary()
    start = store.counts()["reports"]
    try:
        for path in expand_inputs(paths):
            _ingest_one(store, path, gazetteer, lexicon, published, summary)
            summary.files += 1
            if progress is not None:
                progress(summary)
    except KeyboardInterrupt as err:
        try:  # count what is committed: the interrupt may fall between COMMIT and the count
            summary.new = store.counts()["reports"] - start
        except TrackerError:
            logger.debug("could not count the stored reports", exc_info=True)
        raise IngestInterruptedError(summary) from err
    return summary


def _ingest_one(store: Store, path: str, gazetteer: Any, lexicon: Any,
                published: dt.date | None, summary: IngestSummary) -> None:
    from tracker.extract import extract
    from tracker.reports import ReportProblem, read_reports

    if Path(path).suffix.lower() in NOT_REPORTS:
        summary.skipped.append(
            f"{path}: a {Path(path).suffix} file is not a report (reports are .txt, .jsonl "
            "or .html); load analyst corrections with `tracker correct FILE`")
        return
    for item in read_reports([path], published=published):
        if isinstance(item, ReportProblem):
            summary.skipped.append(str(item))
            continue
        try:
            extraction = extract(item, gazetteer, lexicon)
        except Exception as err:  # one report the extractor fails on never stops a batch
            logger.debug("extractor failed on %s", item.source_file, exc_info=True)
            where = f"{item.source_file}:{item.line}" if item.line else item.source_file
            summary.skipped.append(
                f"{where}: the extractor failed on this report ({type(err).__name__}: "
                f"{err}); nothing of it was stored. Please report this with the file.")
            continue
        if store.add_report(item, extraction):
            summary.new += 1
            summary.claims += len(extraction.claims)
            summary.unplaced_claims += sum(1 for c in extraction.claims if c.place_id is None)
            summary.unresolved += sum(1 for m in extraction.mentions if m.status != "resolved")
        else:
            summary.known += 1


# --------------------------------------------------------------------------- places


def _gazetteer(settings: Settings) -> Any:
    from tracker.gazetteer_io import load_gazetteer

    return load_gazetteer(settings)


def _lexicon() -> Any:
    from tracker.actors import ActorLexicon

    return ActorLexicon.load()


def _context(gazetteer: Any, within: str | None) -> Any:
    from tracker._cli_gazetteer import context_for

    return context_for(gazetteer, within)


def find_place(
    name: str, timeline: Container[str], gazetteer: Any, within: str | None = None
) -> tuple[str, Place | None]:
    """The place id `name` stands for: an id in the store or gazetteer, else a resolved name.

    `timeline` is a `Timeline` or any container of the place ids the store knows.

    When the gazetteer's place is known to the store under one of its other source ids,
    that id is used.

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        When the name resolves to nothing, or to several places.
    """
    if name in timeline:
        return name, gazetteer.get(name) if gazetteer is not None and name in gazetteer else None
    if gazetteer is None:
        raise UnknownPlaceError(name)
    if name in gazetteer:
        place = gazetteer.get(name)
    else:
        try:
            place = gazetteer.resolve_strict(name, _context(gazetteer, within))
        except AmbiguousPlaceError as err:
            # the store knows which one the reports meant when only one has claims
            known = [c for c in err.candidates if c in gazetteer and _in_store(
                gazetteer.get(c), timeline)]
            if len(known) != 1:
                raise
            place = gazetteer.get(known[0])
    for pid in (place.place_id, *place.source_ids):
        if pid in timeline:
            return pid, place
    return place.place_id, place


def _in_store(place: Place, timeline: Container[str]) -> bool:
    return any(pid in timeline for pid in (place.place_id, *place.source_ids))


def ambiguous_message(err: AmbiguousPlaceError, gazetteer: Any,
                      timeline: Container[str] = ()) -> str:
    """What to tell the user when a name matches several places: each candidate with its
    sub-district, district and governorate (and whether the store has claims about it),
    and how to pick one (`--in` with the sub-district, or the place id)."""
    lines = [f"{err.name!r} matches {len(err.candidates)} places; pick one with --in "
             "(a governorate, district or sub-district, by name or P-code) or give its id:"]
    for pid in err.candidates:
        if gazetteer is None or pid not in gazetteer:
            lines.append(f"  {pid}")
            continue
        p = gazetteer.get(pid)
        where = ", ".join(x for x in (p.admin3, p.admin2, p.admin1) if x) or "?"
        sub = p.admin_pcodes[2] or p.admin_pcodes[1] or p.admin_pcodes[0]
        names = " / ".join(n for n in (p.name_ar, p.name_en) if n)
        stored = "; claims in the store" if _in_store(p, timeline) else ""
        lines.append(f"  {pid:<18} {names}  ({p.kind} in {where}; --in {sub}){stored}")
    return "\n".join(lines)


def place_json(place_id: str, place: Place | None, info: PlaceInfo | None) -> dict[str, Any]:
    """The place as JSON: from the gazetteer, else from what its claims recorded."""
    if place is not None:
        return place.to_json()
    return {
        "id": place_id,
        "name_ar": info.name_ar if info else "",
        "name_en": info.name_en if info else "",
        "lat": info.lat if info else None,
        "lon": info.lon if info else None,
        "kind": None,
        "admin1": "",
        "admin2": "",
        "admin3": "",
    }


def _evidence(h: Holding) -> list[dict[str, Any]]:
    return [c.evidence_json() for c in h.evidence]


def who_held_doc(
    timeline: Timeline,
    place_id: str,
    place: dict[str, Any],
    on: dt.date,
    *,
    max_age: dt.timedelta | None = None,
) -> dict[str, Any]:
    """The `who-held` answer (``actor`` None with a ``reason`` when nothing is known)."""
    doc: dict[str, Any] = {"place": place, "date": on.isoformat()}
    h = timeline.held_by(place_id, on, max_age=max_age)
    if h is None:
        first = timeline.holdings(place_id)
        if not first:
            reason = "no claim about this place in the store"
        elif on < first[0].since:
            reason = (f"nothing known before the first claim about this place, on "
                      f"{first[0].since.isoformat()}")
        else:
            stale = timeline.held_by(place_id, on)
            last = stale.last_evidence(on).isoformat() if stale else "?"
            reason = f"the latest evidence ({last}) is older than --max-age"
        return {**doc, "actor": None, "status": None, "since": None, "until": None,
                "confidence": None, "fraction": None, "by": None, "evidence": [],
                "conflicts": [], "reason": reason}
    return {**doc, **h.to_json()}


def _holding_line(h: Holding) -> str:
    until = h.until.isoformat() if h.until else "now"
    extra = f", {h.fraction:.0%} held" if h.fraction is not None else ""
    extra += f", by {h.by}" if h.by else ""
    return (f"{h.since.isoformat()} .. {until}: {h.actor} ({h.status}{extra}), "
            f"confidence {h.confidence:.2f}")


def _evidence_lines(items: Iterable[dict[str, Any]], label: str) -> list[str]:
    return [f"  {label} {e['date']} {e['source_file']}: {e['sentence']}"
            + (f" [{e['dated_by']}]" if e.get("dated_by") else "") for e in items]


def _place_label(p: dict[str, Any]) -> str:
    names = " / ".join(n for n in (p.get("name_en"), p.get("name_ar")) if n)
    return f"{names} [{p['id']}]" if names else str(p["id"])


# --------------------------------------------------------------------------- snapshot


def region_filter(gazetteer: Any, region: str) -> Callable[[str], bool]:
    """A predicate on place ids: inside the admin unit `region`, or within
    `REGION_PLACE_KM` of the settlement it names.

    Raises
    ------
    UnknownPlaceError
        When `region` is neither an admin unit nor a place.
    """
    from tracker.geo import distance_km

    admin = gazetteer.find_unit(region) if hasattr(gazetteer, "find_unit") else (
        gazetteer.find_admin(region))
    if admin is not None:
        code = admin.place_id.removeprefix("adm:")

        def inside(pid: str) -> bool:
            return pid in gazetteer and code in gazetteer.get(pid).admin_pcodes

        return inside
    centre = gazetteer.get(region) if region in gazetteer else gazetteer.resolve_strict(region)

    def near(pid: str) -> bool:
        if pid not in gazetteer:
            return False
        p = gazetteer.get(pid)
        return distance_km(p.lat, p.lon, centre.lat, centre.lon) <= REGION_PLACE_KM

    return near


def snapshot_doc(
    timeline: Timeline,
    on: dt.date,
    *,
    places: dict[str, dict[str, Any]],
    actor: str | None = None,
    keep: Callable[[str], bool] | None = None,
    max_age: dt.timedelta | None = None,
) -> dict[str, Any]:
    """Every place's holder on `on` (filtered by actor and region)."""
    snap = timeline.snapshot(on, max_age=max_age)
    rows = []
    for pid in sorted(snap):
        h = snap[pid]
        if (actor is not None and h.actor != actor) or (keep is not None and not keep(pid)):
            continue
        rows.append({"place": places[pid], "actor": h.actor, "status": h.status,
                     "since": h.since.isoformat(),
                     "until": h.until.isoformat() if h.until else None,
                     "confidence": h.confidence, "fraction": h.fraction, "by": h.by,
                     "evidence_count": len(h.evidence), "conflict_count": len(h.conflicts)})
    counts = Counter(r["actor"] for r in rows)
    return {"date": on.isoformat(), "actor": actor, "places": rows,
            "counts": dict(sorted(counts.items()))}


# --------------------------------------------------------------------------- commands


def _open(settings: Settings, *, create: bool = False) -> Store:
    """The store for a writing command (`create`) or a query (read-only when it must be)."""
    return Store.open(settings.store, create=create, write=create)


def id_aliases(gazetteer: Any) -> dict[str, str]:
    """Other-source ids the gazetteer links to one of its places -> that place's id.

    Claims stored under an id the active gazetteer knows only as a link (e.g. ingested
    before a national import) are then filed under the place they belong to.
    """
    return {
        sid: p.place_id
        for p in gazetteer
        for sid in p.source_ids
        if sid != p.place_id and sid not in gazetteer
    }


def place_geography(
    gazetteer: Any, place_ids: Iterable[str], aliases: Mapping[str, str] | None = None
) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Where each place lies, from the gazetteer: id -> (bank of the Euphrates, admin P-codes).

    Places the gazetteer does not know (directly or through `aliases`) are left out.
    """
    from tracker import gazetteer as gazetteer_module

    method = getattr(gazetteer, "bank_of", None)
    river = getattr(gazetteer, "river", None)
    out: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for pid in place_ids:
        gid = pid if pid in gazetteer else (aliases or {}).get(pid)
        if gid is None or gid not in gazetteer:
            continue
        p = gazetteer.get(gid)
        if callable(method):
            bank = method(gid)
        elif river is not None:
            bank = gazetteer_module.bank_of(p.lat, p.lon, river)
        else:
            bank = None
        codes = [c for c in p.admin_pcodes if c]
        if gid.startswith("adm:"):
            codes.append(gid.removeprefix("adm:"))
        out[pid] = (bank, tuple(dict.fromkeys(codes)))
    return out


def record_geography(store: Store, gazetteer: Any, aliases: Mapping[str, str] | None = None
                     ) -> None:
    """Record in the store where its places lie (those not recorded yet)."""
    missing = store.places_without_geography()
    if missing:
        store.set_geography(place_geography(gazetteer, missing, aliases))


def load_timeline(store: Store, gazetteer: Any, *, places: Iterable[str] | None = None
                  ) -> Timeline:
    """The store's timeline with ids merged through the gazetteer's links, and pocket
    statements bounded by the banks and admin units of the places (cached in the store;
    `places` restricts it to those ids)."""
    aliases = id_aliases(gazetteer)
    record_geography(store, gazetteer, aliases)
    return store.timeline(aliases=aliases, places=places)


def locate_place(
    store: Store, gazetteer: Any, name: str, within: str | None = None
) -> tuple[str, Place | None, Timeline]:
    """`find_place` against the store, and the (cached) timeline of just that place."""
    aliases = id_aliases(gazetteer)
    record_geography(store, gazetteer, aliases)
    known = store.timeline_place_ids(aliases=aliases)
    pid, place = find_place(name, known, gazetteer, within)
    return pid, place, store.timeline(aliases=aliases, places=[pid])


def _locate_cli(
    store: Path | None, place: str, within: str | None
) -> tuple[str, dict[str, Any], Timeline]:
    """`locate_place` for a command: the place id, its JSON, and its timeline."""
    settings = settings_for(store)
    gaz = None
    try:
        with _open(settings) as st:
            gaz = _gazetteer(settings)
            try:
                pid, p, tl = locate_place(st, gaz, place, within)
            except AmbiguousPlaceError as err:
                known = st.timeline_place_ids(aliases=id_aliases(gaz))
                raise click.ClickException(ambiguous_message(err, gaz, known)) from None
            info = st.places().get(pid)
    except TrackerError as err:
        raise fail(err) from None
    return pid, place_json(pid, p, info), tl


def _place_docs(timeline: Timeline, store: Store, gazetteer: Any) -> dict[str, dict[str, Any]]:
    info = store.places()
    return {
        pid: place_json(pid, gazetteer.get(pid) if gazetteer is not None and pid in gazetteer
                        else None, info.get(pid))
        for pid in timeline.place_ids
    }


def _check_published(published: dt.date | None) -> None:
    """Refuse a ``--published`` date outside the plausible window, before any work."""
    from tracker.errors import InputError
    from tracker.reports import DateWindow

    if published is not None and (problem := DateWindow.from_env().problem(
            published, "--published")) is not None:
        raise InputError(problem)


def _max_age(days: int | None) -> dt.timedelta | None:
    return dt.timedelta(days=days) if days is not None else None


_max_age_opt = click.option(
    "--max-age", "max_age", type=click.IntRange(min=0), default=None, metavar="DAYS",
    help="Answer nothing when the latest evidence is older than DAYS (default: forward fill).")


def register(main: click.Group) -> None:
    """Add the control-layer commands to the `tracker` group."""

    @main.command("ingest")
    @click.argument("files", nargs=-1, required=True, metavar="FILE_OR_DIR...")
    @store_opt
    @click.option("--published", type=DATE, default=None,
                  help="Publication date for reports that carry none.")
    @json_opt
    def ingest_cmd(files: tuple[str, ...], store: Path | None, published: dt.date | None,
                   as_json: bool) -> None:
        """Extract control claims from report files and store them (one transaction each).

        FILE_OR_DIR: report files (.txt, .jsonl, .html) or directories, read recursively
        for *.txt, *.text, *.jsonl, *.ndjson, *.html and *.htm (hidden ones left out).
        Reports already in the store are recognised by their text and skipped, so a batch
        can be re-run after an interruption (Ctrl-C prints what was stored). A path that
        cannot be read and a bad report are named on stderr and skipped; the exit code is
        then 3.
        """
        from tqdm import tqdm

        from tracker._cli_reports import check_grammar
        from tracker.reports import expand_inputs

        settings = settings_for(store)
        inputs = expand_inputs(files)
        try:
            _check_published(published)
            lex = _lexicon()
            check_grammar()
            gaz = _gazetteer(settings)
            with _open(settings, create=True) as st, tqdm(
                total=len(inputs), unit="file", file=sys.stderr, desc="ingest",
                dynamic_ncols=True, leave=False,
            ) as bar:
                def tick(s: IngestSummary) -> None:
                    bar.update(1)
                    bar.set_postfix(new=s.new, known=s.known, skipped=len(s.skipped),
                                    claims=s.claims, refresh=False)

                summary = ingest_paths(st, inputs, gaz, lex, published=published,
                                       progress=tick)
                record_geography(st, gaz, id_aliases(gaz))
        except IngestInterruptedError as stop:
            s = stop.summary
            click.echo(f"\ninterrupted: {s.new} new report(s) were stored (from {s.files} of "
                       f"{len(inputs)} file(s) done); the report being read was not. Run the "
                       "same command again to go on: reports already stored are skipped.",
                       err=True)
            sys.exit(EXIT_INTERRUPTED)
        except TrackerError as err:
            raise fail(err) from None
        if as_json:
            echo_json(summary.to_json())
        for line in summary.lines():
            if not as_json or line.startswith("skipped"):
                click.echo(line, err=line.startswith("skipped"))
        if summary.skipped:
            sys.exit(EXIT_SKIPPED)

    @main.command("correct")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @store_opt
    @json_opt
    def correct_cmd(file: Path, store: Path | None, as_json: bool) -> None:
        """Load analyst corrections (CSV: place, actor, status, date, note) into the store.

        Corrections win over claims from reports. All or nothing: a bad row stores nothing.
        """
        from tracker.corrections import load_corrections

        settings = settings_for(store)
        try:
            gaz = _gazetteer(settings)
            fixes = load_corrections(file, gaz, _lexicon())
            with _open(settings, create=True) as st:
                new = st.add_corrections(fixes.claims, str(file), lines=fixes.lines)
                record_geography(st, gaz, id_aliases(gaz))
        except TrackerError as err:
            raise fail(err) from None
        doc = {"file": str(file), "rows": fixes.rows, "claims": len(fixes.claims),
               "new": new, "already_stored": len(fixes.claims) - new}
        if as_json:
            echo_json(doc)
        else:
            click.echo(f"{file}: {fixes.rows} rows -> {len(fixes.claims)} place corrections "
                       f"({new} new, {len(fixes.claims) - new} already stored)")

    @main.command("who-held")
    @click.argument("place")
    @click.option("--on", "on", type=DATE, required=True, help="The day asked about.")
    @in_opt
    @_max_age_opt
    @store_opt
    @json_opt
    def who_held_cmd(place: str, on: dt.date, within: str | None, max_age: int | None,
                     store: Path | None, as_json: bool) -> None:
        """Who held PLACE (a name or a place id) on a day, and on whose word."""
        pid, pdoc, tl = _locate_cli(store, place, within)
        doc = who_held_doc(tl, pid, pdoc, on, max_age=_max_age(max_age))
        if as_json:
            echo_json(doc)
            return
        label = _place_label(doc["place"])
        if doc["actor"] is None:
            click.echo(f"{label} on {on.isoformat()}: unknown ({doc['reason']})")
            return
        h = tl.held_by(pid, on)
        assert h is not None
        click.echo(f"{label} on {on.isoformat()}: {_holding_line(h)}")
        click.echo("\n".join(_evidence_lines(doc["evidence"], "evidence")))
        if doc["conflicts"]:
            click.echo("\n".join(_evidence_lines(doc["conflicts"], "conflict")))

    @main.command("history")
    @click.argument("place")
    @in_opt
    @store_opt
    @json_opt
    def history_cmd(place: str, within: str | None, store: Path | None, as_json: bool) -> None:
        """Every control interval of PLACE, oldest first, with its evidence."""
        pid, pdoc, tl = _locate_cli(store, place, within)
        holdings = tl.holdings(pid)
        undated = tl.undated_about(pid)
        if as_json:
            echo_json({"place": pdoc, "intervals": [
                {"start": h.since.isoformat(), "end": h.until.isoformat() if h.until else None,
                 **h.to_json()} for h in holdings], "undated": [u.to_json() for u in undated]})
            return
        click.echo(_place_label(pdoc))
        if not holdings and not undated:
            click.echo("  no claim about this place in the store")
        for h in holdings:
            click.echo(_holding_line(h))
            click.echo("\n".join(_evidence_lines(
                [c.evidence_json() for c in h.evidence], "evidence")))
            if h.conflicts:
                click.echo("\n".join(_evidence_lines(
                    [c.evidence_json() for c in h.conflicts], "conflict")))
        for u in undated:  # claims nothing dates: listed, never placed by a guess
            c = u.claim.claim
            click.echo(f"undated: {c.actor} {c.status} ({u.reason})")
            click.echo(f"  evidence {u.claim.claim.source_file}: {c.evidence.sentence}")

    @main.command("snapshot")
    @click.option("--on", "on", type=DATE, required=True, help="The day of the snapshot.")
    @click.option("--actor", default=None, help="Only places held by this actor.")
    @click.option("--region", default=None, metavar="NAME",
                  help="Only places in this admin unit (or near this place).")
    @_max_age_opt
    @store_opt
    @json_opt
    def snapshot_cmd(on: dt.date, actor: str | None, region: str | None, max_age: int | None,
                     store: Path | None, as_json: bool) -> None:
        """Who held every known place on a day."""
        settings = settings_for(store)
        try:
            canon = _lexicon().canonical(actor) if actor else None
            gaz = _gazetteer(settings)
            keep = region_filter(gaz, region) if region else None
            with _open(settings) as st:
                tl = load_timeline(st, gaz)
                places = _place_docs(tl, st, gaz)
        except TrackerError as err:
            raise fail(err) from None
        doc = snapshot_doc(tl, on, places=places, actor=canon, keep=keep,
                           max_age=_max_age(max_age))
        if as_json:
            echo_json(doc)
            return
        for row in doc["places"]:
            click.echo(f"{_place_label(row['place'])}: {row['actor']} ({row['status']}) since "
                       f"{row['since']}, confidence {row['confidence']:.2f}")
        counts = ", ".join(f"{a} {n}" for a, n in doc["counts"].items()) or "no place"
        click.echo(f"{on.isoformat()}: {counts}", err=True)

    @main.command("changes")
    @click.option("--from", "start", type=DATE, required=True, help="First day.")
    @click.option("--to", "end", type=DATE, required=True, help="Last day (inclusive).")
    @store_opt
    @json_opt
    def changes_cmd(start: dt.date, end: dt.date, store: Path | None, as_json: bool) -> None:
        """Every change of holder or status between two days (inclusive)."""
        settings = settings_for(store)
        try:
            with _open(settings) as st:
                gaz = _gazetteer(settings)
                tl = load_timeline(st, gaz)
                changes = tl.changes(start, end)
                places = _place_docs(tl, st, gaz)
        except TrackerError as err:
            raise fail(err) from None
        rows = [{**c.to_json(), "place": places[c.place_id]} for c in changes]
        if as_json:
            echo_json({"from": start.isoformat(), "to": end.isoformat(), "changes": rows})
            return
        for c, row in zip(changes, rows, strict=True):
            click.echo(f"{c.on.isoformat()} {_place_label(row['place'])}: "
                       f"{c.from_actor or '-'} -> {c.to_actor} ({c.after.status})")
        click.echo(f"{len(changes)} change(s)", err=True)


__all__ = [
    "IngestInterruptedError",
    "IngestSummary",
    "find_place",
    "id_aliases",
    "ingest_paths",
    "load_timeline",
    "locate_place",
    "place_geography",
    "place_json",
    "record_geography",
    "region_filter",
    "register",
    "snapshot_doc",
    "who_held_doc",
]
