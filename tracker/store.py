"""The persistent claim store: one SQLite file (WAL mode, versioned schema, migrations).

Tables: ``reports`` (keyed by the report id, the hash of the normalised text), ``claims``
(append-only: a trigger refuses UPDATE and DELETE), ``mentions`` (unresolved and ambiguous
place mentions with their candidates), ``corrections`` (analyst rows, keyed by their
content so loading a file twice adds nothing) and ``places`` (the resolved place ids with
the names and coordinates their claims carried).

Each report is written in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): an
interrupted batch (Ctrl-C, a crash, SIGKILL) keeps every report already committed and
loses the one in flight entirely; re-running the batch skips the reports already stored.
Several processes may write at once: SQLite serialises the transactions and the report
id decides what is new.

The schema version lives in ``PRAGMA user_version``; `MIGRATIONS` upgrades an older store
in place when it is opened. A store written by a newer tracker is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tracker.errors import InputError, StoreError
from tracker.model import ControlClaim, Evidence, Mention, Report
from tracker.settings import DATA_DIR
from tracker.timeline import CORRECTION_RULE, Reliability, StoredClaim, Timeline

logger = logging.getLogger(__name__)

#: ``PRAGMA application_id`` of a tracker store ("TRKR").
APPLICATION_ID = 0x54524B52
#: Source reliability table shipped with the package (user-editable).
SOURCES_CSV = DATA_DIR / "sources.csv"
#: Publisher recorded on analyst corrections.
ANALYST = "analyst"

_V1 = [
    """CREATE TABLE reports (
        report_id TEXT PRIMARY KEY,
        source_file TEXT NOT NULL,
        published TEXT,
        precision TEXT NOT NULL,
        inferred INTEGER NOT NULL,
        publisher TEXT NOT NULL,
        source_url TEXT NOT NULL,
        title TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL,
        ingested_at TEXT NOT NULL)""",
    """CREATE TABLE claims (
        claim_id INTEGER PRIMARY KEY AUTOINCREMENT,
        report_id TEXT NOT NULL REFERENCES reports(report_id),
        source_file TEXT NOT NULL,
        place_text TEXT NOT NULL,
        place_id TEXT,
        actor TEXT NOT NULL,
        status TEXT NOT NULL,
        date TEXT,
        date_precision TEXT NOT NULL,
        confidence REAL NOT NULL,
        fraction REAL,
        exclusive_group TEXT,
        besieger TEXT,
        name_ar TEXT NOT NULL,
        name_en TEXT NOT NULL,
        lat REAL,
        lon REAL,
        ev_start INTEGER NOT NULL,
        ev_end INTEGER NOT NULL,
        sentence TEXT NOT NULL,
        rule TEXT NOT NULL)""",
    "CREATE INDEX claims_report ON claims(report_id)",
    """CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
        BEGIN SELECT RAISE(ABORT, 'claims are append-only'); END""",
    """CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
        BEGIN SELECT RAISE(ABORT, 'claims are append-only'); END""",
    """CREATE TABLE mentions (
        mention_id INTEGER PRIMARY KEY AUTOINCREMENT,
        report_id TEXT NOT NULL REFERENCES reports(report_id),
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        status TEXT NOT NULL,
        place_id TEXT,
        candidates TEXT NOT NULL,
        score REAL NOT NULL)""",
    """CREATE TABLE corrections (
        correction_id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        place_id TEXT NOT NULL,
        place_text TEXT NOT NULL,
        actor TEXT NOT NULL,
        status TEXT NOT NULL,
        date TEXT NOT NULL,
        note TEXT NOT NULL,
        fraction REAL,
        besieger TEXT,
        source_file TEXT NOT NULL,
        line INTEGER,
        name_ar TEXT NOT NULL,
        name_en TEXT NOT NULL,
        lat REAL,
        lon REAL,
        loaded_at TEXT NOT NULL)""",
]

_V2 = [
    """CREATE TABLE places (
        place_id TEXT PRIMARY KEY,
        name_ar TEXT NOT NULL,
        name_en TEXT NOT NULL,
        lat REAL,
        lon REAL)""",
    """INSERT OR IGNORE INTO places
        SELECT place_id, name_ar, name_en, lat, lon FROM claims
        WHERE place_id IS NOT NULL ORDER BY claim_id""",
    """INSERT OR IGNORE INTO places
        SELECT place_id, name_ar, name_en, lat, lon FROM corrections ORDER BY correction_id""",
    "CREATE INDEX claims_place ON claims(place_id)",
    "CREATE INDEX mentions_report ON mentions(report_id)",
]

#: Schema migrations: version N is reached by running ``MIGRATIONS[N - 1]``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (tuple(_V1), tuple(_V2))
#: The schema version this tracker writes.
SCHEMA_VERSION = len(MIGRATIONS)


class Extracted(Protocol):
    """What `Store.add_report` needs from an extraction (`tracker.extract.Extraction`)."""

    @property
    def claims(self) -> Sequence[ControlClaim]: ...

    @property
    def mentions(self) -> Sequence[Mention]: ...


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    """A resolved place as its claims described it (names and coordinates)."""

    place_id: str
    name_ar: str
    name_en: str
    lat: float | None
    lon: float | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


_T = TypeVar("_T")


def _reading(method: Callable[..., _T]) -> Callable[..., _T]:
    """Turn SQLite errors raised while reading into a `StoreError` naming the file."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as err:
            msg = (f"{self.path}: cannot read the claim store ({err}); it may be damaged. "
                   "Restore a backup, or move it away and rebuild it with `tracker ingest` "
                   "and `tracker correct`.")
            raise StoreError(msg) from err

    return wrapper


class Store:
    """An open claim store. Use `Store.open(path)`, ideally as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> Store:
        """Open (or create) the store at `path`, migrating an older schema.

        Parameters
        ----------
        path
            The SQLite file.
        create
            When False, a missing file is an error instead of a new empty store.

        Raises
        ------
        StoreError
            When the file is not a tracker store, is corrupt, comes from a newer tracker,
            or cannot be created.
        """
        p = Path(path)
        if not p.exists() and not create:
            msg = (f"{p}: no claim store here. Run `tracker ingest FILE... --store {p}` first, "
                   "or point --store / $TRACKER_STORE at an existing store.")
            raise StoreError(msg)
        if p.is_dir():
            msg = f"{p} is a directory; give --store a file path such as {p / 'tracker.db'}"
            raise StoreError(msg)
        try:
            if not p.parent.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(p, isolation_level=None, timeout=60.0)
        except (OSError, sqlite3.Error) as err:
            msg = f"{p}: cannot open the claim store ({err}); check the path and permissions."
            raise StoreError(msg) from err
        try:
            _prepare(conn, p)
        except sqlite3.DatabaseError as err:
            conn.close()
            msg = (f"{p} is not a tracker claim store, or it is corrupt ({err}). Move it away "
                   "and re-run `tracker ingest` to rebuild it, or pass another --store PATH.")
            raise StoreError(msg) from err
        except BaseException:
            conn.close()
            raise
        return cls(conn, p)

    def close(self) -> None:
        """Close the connection (the data is already committed)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # ----------------------------------------------------------------- writing
    @_reading
    def has_report(self, report_id: str) -> bool:
        """True when a report with this id is stored."""
        row = self._conn.execute("SELECT 1 FROM reports WHERE report_id = ?", (report_id,))
        return row.fetchone() is not None

    def add_report(self, report: Report, extraction: Extracted) -> bool:
        """Store a report with its claims and unresolved mentions, in one transaction.

        Parameters
        ----------
        report
            The report (its `report_id` is the key).
        extraction
            Its claims and mentions (resolved mentions are not stored: their claims are).

        Returns
        -------
        bool
            True when the report was new, False when it was already stored (nothing written).

        Raises
        ------
        StoreError
            When the write fails (the transaction is rolled back).
        """
        with self._transaction():
            if self.has_report(report.report_id):
                return False
            self._conn.execute(
                "INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (report.report_id, report.source_file, _iso(report.published),
                 report.published_precision, int(report.published_inferred), report.publisher,
                 report.source_url, report.title, report.language, report.text,
                 json.dumps(dict(report.metadata), ensure_ascii=False), _now()),
            )
            claims = list(extraction.claims)
            self._conn.executemany(
                "INSERT INTO claims (report_id, source_file, place_text, place_id, actor, status,"
                " date, date_precision, confidence, fraction, exclusive_group, besieger, name_ar,"
                " name_en, lat, lon, ev_start, ev_end, sentence, rule)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(report.report_id, c.source_file, c.place_text, c.place_id, c.actor, c.status,
                  _iso(c.date), c.date_precision, c.confidence, c.fraction, c.exclusive_group,
                  c.besieger, c.name_ar, c.name_en, c.lat, c.lon, c.evidence.start,
                  c.evidence.end, c.evidence.sentence, c.evidence.rule) for c in claims],
            )
            self._conn.executemany(
                "INSERT INTO mentions (report_id, text, start, end, status, place_id,"
                " candidates, score) VALUES (?,?,?,?,?,?,?,?)",
                [(report.report_id, m.text, m.start, m.end, m.status, m.place_id,
                  json.dumps(list(m.candidates)), m.score)
                 for m in extraction.mentions if m.status != "resolved"],
            )
            self._add_places(claims)
        return True

    def add_corrections(
        self, claims: Iterable[ControlClaim], source: str, *, lines: Sequence[int] | None = None
    ) -> int:
        """Store analyst corrections (all or nothing); rows already stored are skipped.

        Parameters
        ----------
        claims
            Correction claims (`tracker.corrections.load_corrections`), with a place id and
            a date each; the evidence sentence is the analyst's note.
        source
            The file they came from.
        lines
            The line of each claim in `source` (optional).

        Returns
        -------
        int
            How many corrections were new.
        """
        items = list(claims)
        new = 0
        with self._transaction():
            for k, c in enumerate(items):
                if c.place_id is None or c.date is None:
                    msg = f"correction for {c.place_text!r} needs a place id and a date"
                    raise StoreError(msg)
                key = json.dumps([c.place_id, c.actor, c.status, c.date.isoformat(),
                                  c.evidence.sentence, c.fraction, c.besieger], ensure_ascii=False)
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO corrections (key, place_id, place_text, actor, status,"
                    " date, note, fraction, besieger, source_file, line, name_ar, name_en, lat,"
                    " lon, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (key, c.place_id, c.place_text, c.actor, c.status, c.date.isoformat(),
                     c.evidence.sentence, c.fraction, c.besieger, source,
                     lines[k] if lines else None, c.name_ar, c.name_en, c.lat, c.lon, _now()),
                )
                new += cur.rowcount
            self._add_places(items)
        return new

    def _add_places(self, claims: Iterable[ControlClaim]) -> None:
        self._conn.executemany(
            "INSERT OR IGNORE INTO places VALUES (?,?,?,?,?)",
            [(c.place_id, c.name_ar, c.name_en, c.lat, c.lon) for c in claims if c.place_id],
        )

    class _Tx:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> None:
            self.conn.execute("BEGIN IMMEDIATE")

        def __exit__(self, kind: object, err: object, tb: object) -> None:
            if kind is None:
                self.conn.execute("COMMIT")
                return
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                msg = f"cannot write the claim store: {err}; nothing of this item was stored."
                raise StoreError(msg) from err  # type: ignore[misc]

    def _transaction(self) -> Store._Tx:
        return Store._Tx(self._conn)

    # ----------------------------------------------------------------- reading
    @_reading
    def claims(self) -> list[StoredClaim]:
        """Every claim, extracted ones first (by id), then the analyst corrections."""
        gc_was_on = gc.isenabled()
        gc.disable()  # millions of small acyclic objects: skip the collector's passes
        try:
            return [*self.extracted_claims(), *self.corrections()]
        finally:
            if gc_was_on:
                gc.enable()

    def extracted_claims(self) -> Iterator[StoredClaim]:
        """Claims taken from reports, in id order, with their report's date and publisher."""
        cur = self._conn.execute(
            "SELECT c.claim_id, c.report_id, c.source_file, c.place_text, c.place_id, c.actor,"
            " c.status, c.date, c.date_precision, c.confidence, c.fraction, c.exclusive_group,"
            " c.besieger, c.name_ar, c.name_en, c.lat, c.lon, c.ev_start, c.ev_end, c.sentence,"
            " c.rule, r.published, r.publisher FROM claims c JOIN reports r USING (report_id)"
            " ORDER BY c.claim_id"
        )
        fromiso = dt.date.fromisoformat
        for row in cur:
            (cid, rid, src, text, pid, actor, status, date, prec, conf, frac, group, bes,
             nar, nen, lat, lon, s, e, sentence, rule, pub, publisher) = row
            claim = ControlClaim(
                rid, src, text, pid, actor, status, fromiso(date) if date else None, prec,
                conf, Evidence(s, e, sentence, rule), frac, group, bes, nar, nen, lat, lon)
            yield StoredClaim(str(cid), claim, fromiso(pub) if pub else None, publisher)

    @_reading
    def corrections(self) -> list[StoredClaim]:
        """The analyst corrections, in the order they were loaded."""
        out: list[StoredClaim] = []
        cur = self._conn.execute(
            "SELECT correction_id, place_id, place_text, actor, status, date, note, fraction,"
            " besieger, source_file, line, name_ar, name_en, lat, lon FROM corrections"
            " ORDER BY correction_id"
        )
        for (cid, pid, text, actor, status, date, note, frac, bes, src, line, nar, nen, lat,
             lon) in cur:
            where = f"{src}:{line}" if line else src
            claim = ControlClaim(
                f"correction:{where}", src, text, pid, actor, status, dt.date.fromisoformat(date),
                "day", 1.0, Evidence(0, len(note), note or f"analyst correction ({where})",
                                     CORRECTION_RULE),
                frac, None, bes, nar, nen, lat, lon)
            out.append(StoredClaim(f"correction:{cid}", claim, None, ANALYST))
        return out

    _REPORT_COLUMNS = ("SELECT report_id, text, source_file, published, precision, inferred,"
                       " source_url, title, publisher, language, metadata FROM reports")

    @staticmethod
    def _report(row: tuple[Any, ...]) -> Report:
        rid, text, src, pub, prec, inf, url, title, publisher, lang, meta = row
        return Report(rid, text, src, _date(pub), prec, bool(inf), url, title, publisher, lang,
                      None, tuple(json.loads(meta).items()))

    @_reading
    def reports(self) -> list[Report]:
        """Every stored report, by ingestion order."""
        cur = self._conn.execute(f"{self._REPORT_COLUMNS} ORDER BY rowid")
        return [self._report(row) for row in cur]

    @_reading
    def report(self, report_id: str) -> Report | None:
        """One report by id (None when unknown)."""
        row = self._conn.execute(f"{self._REPORT_COLUMNS} WHERE report_id = ?",
                                 (report_id,)).fetchone()
        return self._report(row) if row else None

    @_reading
    def mentions(self) -> list[tuple[str, Mention]]:
        """Unresolved and ambiguous mentions as ``(report_id, Mention)``."""
        cur = self._conn.execute(
            "SELECT report_id, text, start, end, status, place_id, candidates, score"
            " FROM mentions ORDER BY mention_id"
        )
        return [(rid, Mention(text, s, e, st, pid, tuple(json.loads(cands)), score))
                for rid, text, s, e, st, pid, cands, score in cur]

    @_reading
    def places(self) -> dict[str, PlaceInfo]:
        """Resolved places named by claims or corrections -> names and coordinates."""
        cur = self._conn.execute("SELECT place_id, name_ar, name_en, lat, lon FROM places")
        return {row[0]: PlaceInfo(*row) for row in cur}

    @_reading
    def counts(self) -> dict[str, int]:
        """Row counts: reports, claims, mentions, corrections, places."""
        return {
            t: int(self._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("reports", "claims", "mentions", "corrections", "places")
        }

    def timeline(
        self, *, reliability: Reliability | None = None, **kwargs: Any
    ) -> Timeline:
        """The control timeline of every stored claim (see `Timeline.from_claims`).

        `reliability` defaults to `load_reliability()`; other keyword arguments go to
        `Timeline.from_claims`.
        """
        rel = reliability if reliability is not None else load_reliability()
        return Timeline.from_claims(self.claims(), reliability=rel, **kwargs)


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check what the file is, set WAL, and migrate it to `SCHEMA_VERSION`."""
    conn.execute("PRAGMA busy_timeout = 60000")
    app, version = _identity(conn)
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app != APPLICATION_ID and (tables or version):
        msg = (f"{path} is an SQLite database but not a tracker claim store. Pass another "
               "--store PATH (or unset $TRACKER_STORE).")
        raise StoreError(msg)
    if version > SCHEMA_VERSION:
        msg = (f"{path} was written by a newer tracker (store schema {version}; this tracker "
               f"reads up to {SCHEMA_VERSION}). Upgrade tracker, or pass another --store PATH.")
        raise StoreError(msg)
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if version < SCHEMA_VERSION:
        migrate(conn)


def _identity(conn: sqlite3.Connection) -> tuple[int, int]:
    app = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return app, version


def migrate(conn: sqlite3.Connection, *, upto: int = SCHEMA_VERSION) -> int:
    """Run the migrations from the store's version up to `upto`, each in one transaction.

    Safe when several processes open the same store: the version is re-read inside the
    write lock. Returns the version reached.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version >= upto:
                conn.execute("COMMIT")
                return version
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        logger.info("Store migrated to schema %d", version + 1)


# --------------------------------------------------------------------------- sources


def load_reliability(paths: Iterable[str | os.PathLike[str]] | None = None) -> Reliability:
    """The source reliability table: ``data/sources.csv`` plus ``$TRACKER_SOURCES``.

    Each file has the columns ``publisher,reliability`` (a value in [0, 1]); later files
    override earlier ones, and the row ``unknown`` sets the default.

    Raises
    ------
    InputError
        When a file is missing a column or a value is not a number in [0, 1].
    """
    if paths is None:
        extra = os.environ.get("TRACKER_SOURCES")
        paths = [SOURCES_CSV, *([Path(extra)] if extra else [])]
    rows: list[tuple[str, float]] = []
    for path in paths:
        rows.extend(_read_sources(Path(path)))
    return Reliability.from_rows(rows)


def _read_sources(path: Path) -> Iterator[tuple[str, float]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not {"publisher", "reliability"} <= set(reader.fieldnames or ()):
                msg = "needs the columns publisher,reliability"
                raise InputError(msg, path=str(path), line=1)
            for row in reader:
                name = (row["publisher"] or "").strip()
                if not name or name.startswith("#"):
                    continue
                try:
                    value = float(row["reliability"])
                except (TypeError, ValueError):
                    value = -1.0
                if not 0.0 <= value <= 1.0:
                    msg = (f"reliability of {name!r} must be a number from 0 to 1, "
                           f"got {row['reliability']!r}")
                    raise InputError(msg, path=str(path), line=reader.line_num)
                yield name, value
    except OSError as err:
        msg = f"cannot read the source table ({err.strerror}); check $TRACKER_SOURCES"
        raise InputError(msg, path=str(path)) from err
