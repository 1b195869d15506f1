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
in place when it is opened. A store written by a newer tracker, or with a version that makes
no sense (negative; none on a store with tables), is refused.

Faults: a store that cannot be written (file or folder modes, a read-only disk) still
answers queries (it is opened read-only; its timeline cache is kept in memory) and refuses
writes with `StoreReadOnlyError`, naming the file and what to do. Writing commands run
SQLite's ``quick_check`` when they open a store, and any SQLite error met while reading is
checked the same way: a damaged store gives `StoreDamagedError` and is never written. No
message advises deleting a store: it holds the analyst's corrections.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import json
import logging
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tracker.errors import InputError, StoreDamagedError, StoreError, StoreReadOnlyError
from tracker.model import ControlClaim, Evidence, Mention, Report
from tracker.settings import DATA_DIR
from tracker.timeline import (
    CORRECTION_RULE,
    RULE_VERSION,
    Holding,
    Reliability,
    StoredClaim,
    Timeline,
    UndatedClaim,
)

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

_V3 = [
    # The scope of a pocket statement ("its last pocket west of the Euphrates").
    "ALTER TABLE claims ADD COLUMN scope TEXT",
    # Where each place lies: bank of the Euphrates (NULL = off the river) and admin P-codes
    # (space-separated; NULL = not looked up yet). Filled from the gazetteer by the CLI.
    "ALTER TABLE places ADD COLUMN bank TEXT",
    "ALTER TABLE places ADD COLUMN admin TEXT",
    # Built control intervals, keyed by a fingerprint of the claims, the corrections, the
    # build parameters and the rule version (`Store.timeline`). Rebuilt when claims change.
    """CREATE TABLE timeline_cache (
        key TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        claims INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        intervals INTEGER NOT NULL)""",
    """CREATE TABLE cached_intervals (
        key TEXT NOT NULL,
        place_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        since INTEGER NOT NULL,
        until INTEGER,
        actor TEXT NOT NULL,
        status TEXT NOT NULL,
        confidence REAL NOT NULL,
        fraction REAL,
        by_actor TEXT,
        support TEXT NOT NULL,
        conflict TEXT NOT NULL,
        PRIMARY KEY (key, place_id, seq)) WITHOUT ROWID""",
]

_V4 = [
    # The weekday of a claim its report names only by a weekday ("اليوم الأحد" in an undated
    # report): 0 = Monday .. 6 = Sunday, NULL otherwise. The control layer dates it from
    # other reports (`timeline.date_by_weekday`).
    "ALTER TABLE claims ADD COLUMN weekday INTEGER",
    # Per interval cache: the claims the timeline dated by their weekday (date = ordinal,
    # note = how) and those it left undated (date NULL, note = why), so a cached timeline
    # shows the same evidence and the same list of undated claims.
    """CREATE TABLE cached_dates (
        key TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        place_id TEXT,
        date INTEGER,
        note TEXT NOT NULL,
        PRIMARY KEY (key, claim_id)) WITHOUT ROWID""",
]

#: Schema migrations: version N is reached by running ``MIGRATIONS[N - 1]``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (tuple(_V1), tuple(_V2), tuple(_V3), tuple(_V4))
#: Interval caches kept at once (e.g. one for the CLI's id aliases, one without).
CACHE_KEEP = 2
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
            raise self._read_failure(err) from err

    return wrapper


def _errname(err: BaseException) -> str:
    """The SQLite error name of an sqlite3 error (``SQLITE_CORRUPT``...), else ``""``."""
    return str(getattr(err, "sqlite_errorname", "") or "")


def _is_readonly_error(err: BaseException) -> bool:
    name = _errname(err)
    return name.startswith("SQLITE_READONLY") or "readonly database" in str(err)


def _is_damage_error(err: BaseException) -> bool:
    name = _errname(err)
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(err)


#: The first 16 bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def damaged_message(path: Path, detail: str) -> str:
    """What to say about a damaged store: what happened, that nothing was written, what to do.

    It never advises deleting the file: it holds the analyst's corrections.
    """
    return (f"{path}: the claim store is damaged ({detail}); nothing was written to it. Keep "
            "the file (it holds your corrections). Restore it from a backup, or try to salvage "
            f"its rows with `sqlite3 {path} .recover | sqlite3 salvaged.db`; or build a new store "
            "at another path with `tracker ingest FILE... --store NEW.db` and `tracker correct "
            "CORRECTIONS.csv --store NEW.db`.")


def readonly_message(path: Path, doing: str) -> str:
    """What to say when a write meets a store that cannot be written."""
    return (f"{path}: the claim store is read-only (the file or its folder {path.parent} "
            f"cannot be written), so {doing}; nothing was changed. Queries (who-held, history, "
            "snapshot, export, map) still work on it. To write, make the file and its folder "
            f"writable (e.g. `chmod u+w {path} {path.parent}`), or copy the store to a writable "
            "place and pass --store COPY.")


def quick_check(conn: sqlite3.Connection) -> str:
    """``"ok"``, or the first problem SQLite's ``PRAGMA quick_check`` finds (or its error)."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as err:
        return str(err)
    problems = [" ".join(str(r[0]).split()) for r in rows if r and r[0] != "ok"]
    return "ok" if not problems else "; ".join(problems)[:300]


def _ro_uri(path: Path, *, immutable: bool = False) -> str:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def _can_write(path: Path) -> bool:
    """True when this process may write the file and create files beside it (WAL, -shm)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class Store:
    """An open claim store. Use `Store.open(path)`, ideally as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._memo: dict[str, Timeline] = {}
        #: True when the store was opened read-only (see `Store.open`, ``write=False``).
        self.readonly = False
        #: True once a read found the file damaged: no write is attempted after that.
        self.damaged = False
        #: Geography recorded while the store cannot be written (kept for this connection).
        self._geo_overlay: dict[str, tuple[str | None, tuple[str, ...]]] = {}

    def _read_failure(self, err: sqlite3.DatabaseError) -> StoreError:
        """The `StoreError` for an SQLite error met while reading (damage is checked)."""
        verdict = str(err) if _is_damage_error(err) else quick_check(self._conn)
        if verdict != "ok":
            self.damaged = True
            return StoreDamagedError(damaged_message(self.path, verdict))
        msg = (f"{self.path}: cannot read the claim store ({err}); SQLite's quick_check finds "
               "the file intact. Check that no other program holds it locked and try again.")
        return StoreError(msg)

    def _check_writable(self, doing: str) -> None:
        if self.readonly:
            raise StoreReadOnlyError(readonly_message(self.path, doing))
        if self.damaged:
            raise StoreDamagedError(damaged_message(self.path, "a read found it malformed"))

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, create: bool = True, write: bool = True
    ) -> Store:
        """Open (or create) the store at `path`, migrating an older schema.

        Parameters
        ----------
        path
            The SQLite file.
        create
            When False, a missing file is an error instead of a new empty store.
        write
            True (ingest, correct): the store must be writable and undamaged; it is checked
            with SQLite's ``quick_check`` first, and a read-only or damaged store is refused
            before anything is written. False (queries): a store that cannot be written is
            opened read-only (its timeline cache and geography are then kept in memory).

        Raises
        ------
        StoreError
            When the file is not a tracker store, comes from a newer tracker, or cannot be
            created; `StoreReadOnlyError` when `write` and it cannot be written;
            `StoreDamagedError` when it is damaged.
        """
        p = Path(path)
        if not p.exists() and not create:
            msg = (f"{p}: no claim store here. Run `tracker ingest FILE... --store {p}` first, "
                   "or point --store / $TRACKER_STORE at an existing store.")
            raise StoreError(msg)
        if p.is_dir():
            msg = f"{p} is a directory; give --store a file path such as {p / 'tracker.db'}"
            raise StoreError(msg)
        existed = p.exists()
        if existed and not _can_write(p):
            if write:
                raise StoreReadOnlyError(readonly_message(p, "nothing can be stored in it"))
            return cls.open_readonly(p)
        try:
            if not p.parent.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(p, isolation_level=None, timeout=60.0)
        except (OSError, sqlite3.Error) as err:
            msg = f"{p}: cannot open the claim store ({err}); check the path and permissions."
            raise StoreError(msg) from err
        try:
            _prepare(conn, p)
            if write and existed:
                verdict = quick_check(conn)
                if verdict != "ok":
                    raise StoreDamagedError(damaged_message(p, f"SQLite quick_check: {verdict}"))
        except sqlite3.DatabaseError as err:
            conn.close()
            if _is_readonly_error(err) and existed:
                if write:
                    raise StoreReadOnlyError(
                        readonly_message(p, "nothing can be stored in it")) from err
                return cls.open_readonly(p)
            raise _open_failure(p, err) from err
        except BaseException:
            conn.close()
            raise
        return cls(conn, p)

    @classmethod
    def open_readonly(cls, path: str | os.PathLike[str]) -> Store:
        """Open an existing store for reading only: nothing is written, not even a cache.

        Queries work as on a writable store (the timeline cache and the geography are kept
        in memory for this connection); writes raise `StoreReadOnlyError`.

        Raises
        ------
        StoreError
            As `Store.open`; `StoreReadOnlyError` when the store has an older schema (which
            needs a write to upgrade) or its journal holds changes it cannot replay.
        """
        p = Path(path)
        if not p.is_file():
            msg = f"{p}: no claim store here; point --store at an existing store."
            raise StoreError(msg)
        wal = Path(f"{p}-wal")
        pending = wal.exists() and wal.stat().st_size > 0
        attempts = [False] if pending else [False, True]
        err: sqlite3.DatabaseError | None = None
        for immutable in attempts:
            try:
                conn = sqlite3.connect(_ro_uri(p, immutable=immutable), uri=True,
                                       isolation_level=None, timeout=60.0)
            except sqlite3.Error as e:
                err = e if isinstance(e, sqlite3.DatabaseError) else sqlite3.DatabaseError(str(e))
                continue
            try:
                _prepare(conn, p, readonly=True)
            except sqlite3.DatabaseError as e:
                conn.close()
                err = e
                if _is_damage_error(e):
                    break
                continue
            except BaseException:
                conn.close()
                raise
            store = cls(conn, p)
            store.readonly = True
            logger.info("%s: opened read-only", p)
            return store
        assert err is not None
        if pending and not _is_damage_error(err):
            msg = (f"{p}: the claim store is read-only and its journal {wal} holds changes "
                   "not yet written into it, which only a writable folder can replay. Make "
                   f"the folder writable (`chmod u+w {p.parent}`), or copy {p.name} together "
                   f"with {wal.name} to a writable place and pass --store COPY.")
            raise StoreReadOnlyError(msg) from err
        raise _open_failure(p, err) from err

    def close(self) -> None:
        """Close the connection (the data is already committed)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    @_reading
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
        with self._transaction(f"storing report {report.source_file}"):
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
                " date, date_precision, confidence, fraction, exclusive_group, besieger, scope,"
                " name_ar, name_en, lat, lon, ev_start, ev_end, sentence, rule, weekday)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(report.report_id, c.source_file, c.place_text, c.place_id, c.actor, c.status,
                  _iso(c.date), c.date_precision, c.confidence, c.fraction, c.exclusive_group,
                  c.besieger, c.scope, c.name_ar, c.name_en, c.lat, c.lon, c.evidence.start,
                  c.evidence.end, c.evidence.sentence, c.evidence.rule, c.weekday)
                 for c in claims],
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
        with self._transaction(f"storing the corrections of {source}"):
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
            "INSERT OR IGNORE INTO places (place_id, name_ar, name_en, lat, lon)"
            " VALUES (?,?,?,?,?)",
            [(c.place_id, c.name_ar, c.name_en, c.lat, c.lon) for c in claims if c.place_id],
        )

    class _Tx:
        def __init__(self, store: Store, doing: str) -> None:
            self.store = store
            self.conn = store._conn
            self.doing = doing

        def __enter__(self) -> None:
            self.store._check_writable(f"{self.doing} was refused")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise self.store._write_failure(err, self.doing) from err

        def __exit__(self, kind: object, err: object, tb: object) -> None:
            if kind is None:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error as e:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise self.store._write_failure(e, self.doing) from e
                return
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    logger.debug("rollback failed", exc_info=True)
            if isinstance(err, sqlite3.Error):
                raise self.store._write_failure(err, self.doing) from err  # type: ignore[misc]

    def _write_failure(self, err: sqlite3.Error, doing: str) -> StoreError:
        """The `StoreError` for an SQLite error met while writing (nothing was stored)."""
        if _is_readonly_error(err):
            self.readonly = True
            return StoreReadOnlyError(readonly_message(self.path, f"{doing} failed"))
        if _is_damage_error(err):
            self.damaged = True
            return StoreDamagedError(damaged_message(self.path, str(err)))
        msg = (f"{self.path}: cannot write the claim store ({err}) while {doing}; nothing of "
               "this item was stored. Check the disk space and permissions and run the "
               "command again (what is stored already is kept).")
        return StoreError(msg)

    def _transaction(self, doing: str = "storing") -> Store._Tx:
        return Store._Tx(self, doing)

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

    _CLAIM_COLUMNS = (
        "SELECT c.claim_id, c.report_id, c.source_file, c.place_text, c.place_id, c.actor,"
        " c.status, c.date, c.date_precision, c.confidence, c.fraction, c.exclusive_group,"
        " c.besieger, c.scope, c.name_ar, c.name_en, c.lat, c.lon, c.ev_start, c.ev_end,"
        " c.sentence, c.rule, r.published, r.publisher, c.weekday FROM claims c"
        " JOIN reports r USING (report_id)")

    def extracted_claims(self) -> Iterator[StoredClaim]:
        """Claims taken from reports, in id order, with their report's date and publisher."""
        try:
            cur = self._conn.execute(f"{self._CLAIM_COLUMNS} ORDER BY c.claim_id")
            yield from map(_extracted, cur)
        except sqlite3.DatabaseError as err:
            raise self._read_failure(err) from err

    _CORRECTION_COLUMNS = (
        "SELECT correction_id, place_id, place_text, actor, status, date, note, fraction,"
        " besieger, source_file, line, name_ar, name_en, lat, lon FROM corrections")

    @_reading
    def corrections(self) -> list[StoredClaim]:
        """The analyst corrections, in the order they were loaded."""
        cur = self._conn.execute(f"{self._CORRECTION_COLUMNS} ORDER BY correction_id")
        return [_correction(row) for row in cur]

    @_reading
    def claims_by_id(self, claim_ids: Iterable[str]) -> dict[str, StoredClaim]:
        """Claims by their `StoredClaim.claim_id` (``"17"``, ``"correction:3"``); unknown
        ids are left out."""
        ext: list[int] = []
        fix: list[int] = []
        for cid in set(claim_ids):
            if cid.startswith("correction:"):
                fix.append(int(cid.removeprefix("correction:")))
            elif cid.isdigit():
                ext.append(int(cid))
        out: dict[str, StoredClaim] = {}
        for ids, sql, make in ((ext, f"{self._CLAIM_COLUMNS} WHERE c.claim_id IN", _extracted),
                               (fix, f"{self._CORRECTION_COLUMNS} WHERE correction_id IN",
                                _correction)):
            for k in range(0, len(ids), 500):
                chunk = ids[k : k + 500]
                cur = self._conn.execute(f"{sql} ({','.join('?' * len(chunk))})", chunk)
                for row in cur:
                    sc = make(row)
                    out[sc.claim_id] = sc
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

    # ----------------------------------------------------------------- geography
    @_reading
    def geography(self) -> tuple[dict[str, str | None], dict[str, tuple[str, ...]]]:
        """``(banks, admins)``: place id -> bank of the Euphrates (None off the river) and
        place id -> admin P-codes, for the places `set_geography` has recorded."""
        banks: dict[str, str | None] = {}
        admins: dict[str, tuple[str, ...]] = {}
        cur = self._conn.execute("SELECT place_id, bank, admin FROM places"
                                 " WHERE admin IS NOT NULL")
        for pid, bank, admin in cur:
            banks[pid] = bank
            admins[pid] = tuple(admin.split())
        for pid, (bank, codes) in self._geo_overlay.items():
            banks[pid] = bank
            admins[pid] = tuple(c for c in codes if c)
        return banks, admins

    @_reading
    def places_without_geography(self) -> list[str]:
        """Place ids whose bank and admin units are not recorded yet."""
        cur = self._conn.execute("SELECT place_id FROM places WHERE admin IS NULL")
        return [row[0] for row in cur if row[0] not in self._geo_overlay]

    def set_geography(self, rows: Mapping[str, tuple[str | None, Sequence[str]]]) -> None:
        """Record where places lie: place id -> ``(bank or None, admin P-codes)``.

        Used by pocket statements scoped to a bank or an admin unit (`Timeline.from_claims`).
        """
        if not rows:
            return
        if self.readonly or self.damaged:  # a query on a store it cannot write: keep in memory
            self._geo_overlay.update({k: (b, tuple(c)) for k, (b, c) in rows.items()})
            return
        with self._transaction("recording where places lie"):
            self._conn.executemany(
                "UPDATE places SET bank = ?, admin = ? WHERE place_id = ?",
                [(bank, " ".join(c for c in codes if c), pid)
                 for pid, (bank, codes) in rows.items()])

    # ----------------------------------------------------------------- the timeline
    def timeline(
        self,
        *,
        reliability: Reliability | None = None,
        places: Iterable[str] | None = None,
        cache: bool = True,
        **kwargs: Any,
    ) -> Timeline:
        """The control timeline of every stored claim (see `Timeline.from_claims`).

        The built intervals are cached in the store, keyed by a fingerprint of the claims
        and corrections (largest row ids and counts), the build parameters and
        `timeline.RULE_VERSION`: the first query after the claims change rebuilds them, the
        others read them back.

        Parameters
        ----------
        reliability
            Source reliability; default `load_reliability()`.
        places
            Only these place ids (their intervals and evidence are read from the cache,
            which makes a one-place query fast on a large store).
        cache
            False to build from the claims without reading or writing the cache.
        **kwargs
            For `Timeline.from_claims` (``aliases``, ``regions``, ``pocket_radius_km``,
            ``banks``, ``admins``). ``banks`` and ``admins`` default to what
            `set_geography` recorded.
        """
        rel = reliability if reliability is not None else load_reliability()
        kwargs = self._build_args(kwargs)
        if not cache:
            return Timeline.from_claims(self.claims(), reliability=rel, **kwargs)
        key = self._cache_key(rel, kwargs)
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        if not self._cached(key):
            tl = Timeline.from_claims(self.claims(), reliability=rel, **kwargs)
            if not self._write_cache(key, tl):
                self._memo[key] = tl  # read-only store: keep it for this connection
            return tl
        return self._read_cache(key, None if places is None else set(places))

    @_reading
    def timeline_place_ids(self, *, reliability: Reliability | None = None,
                           **kwargs: Any) -> set[str]:
        """Every place id the timeline knows (building and caching it when needed), with
        the places of its undated claims."""
        rel = reliability if reliability is not None else load_reliability()
        args = self._build_args(kwargs)
        key = self._cache_key(rel, args)
        if key not in self._memo and not self._cached(key):
            tl = self.timeline(reliability=rel, **kwargs)
            return set(tl.place_ids) | {u.place_id for u in tl.undated if u.place_id}
        if key in self._memo:
            tl = self._memo[key]
            return set(tl.place_ids) | {u.place_id for u in tl.undated if u.place_id}
        cur = self._conn.execute(
            "SELECT DISTINCT place_id FROM cached_intervals WHERE key = ? UNION SELECT place_id"
            " FROM cached_dates WHERE key = ? AND date IS NULL AND place_id IS NOT NULL",
            (key, key))
        return {row[0] for row in cur}

    def _build_args(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        # Equivalent arguments give the same cache key: no aliases = empty aliases.
        args = {k: v for k, v in kwargs.items() if v is not None and not (k == "aliases" and not v)}
        if "banks" not in args and "admins" not in args:
            banks, admins = self.geography()
            args["banks"], args["admins"] = (banks or None), (admins or None)
        aliases = args.get("aliases") or {}
        for key in ("banks", "admins"):  # what is known of a linked id holds for its place
            table = args.get(key)
            if table and aliases:
                extra = {dst: table[src] for src, dst in aliases.items()
                         if src in table and dst not in table}
                args[key] = {**table, **extra}
        return args

    @_reading
    def fingerprint(self) -> tuple[int, int, int, int]:
        """``(max claim id, claims, max correction id, corrections)``: changes with any write."""
        a = self._conn.execute("SELECT coalesce(max(claim_id), 0), count(*) FROM claims")
        b = self._conn.execute(
            "SELECT coalesce(max(correction_id), 0), count(*) FROM corrections")
        return (*a.fetchone(), *b.fetchone())

    def _cache_key(self, rel: Reliability, args: Mapping[str, Any]) -> str:
        def plain(v: Any) -> Any:
            if isinstance(v, Mapping):
                return sorted((str(k), plain(x)) for k, x in v.items())
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            return v

        doc = [RULE_VERSION, list(self.fingerprint()), plain(rel.table), rel.default,
               plain(args)]
        return hashlib.sha256(json.dumps(doc, default=str).encode()).hexdigest()[:32]

    @_reading
    def _cached(self, key: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM timeline_cache WHERE key = ?", (key,))
        return row.fetchone() is not None

    def _write_cache(self, key: str, tl: Timeline) -> bool:
        rows = (
            (key, pid, seq, h.since.toordinal(), h.until.toordinal() if h.until else None,
             h.actor, h.status, h.confidence, h.fraction, h.by,
             ",".join(c.claim_id for c in h.evidence), ",".join(c.claim_id for c in h.conflicts))
            for pid in tl.place_ids for seq, h in enumerate(tl.holdings(pid)))
        if self.readonly or self.damaged:
            return False
        try:
            with self._transaction("caching the timeline"):
                if self._cached(key):  # another process got there first
                    return True
                old = [r[0] for r in self._conn.execute(
                    "SELECT key FROM timeline_cache ORDER BY built_at DESC, rowid DESC"
                    " LIMIT -1 OFFSET ?", (CACHE_KEEP - 1,))]
                for k in old:
                    self._conn.execute("DELETE FROM cached_intervals WHERE key = ?", (k,))
                    self._conn.execute("DELETE FROM cached_dates WHERE key = ?", (k,))
                    self._conn.execute("DELETE FROM timeline_cache WHERE key = ?", (k,))
                self._conn.executemany(
                    "INSERT INTO cached_intervals VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
                self._conn.executemany(
                    "INSERT OR IGNORE INTO cached_dates VALUES (?,?,?,?,?)", _dates_rows(key, tl))
                self._conn.execute(
                    "INSERT INTO timeline_cache VALUES (?,?,?,?,?)",
                    (key, _now(), tl.claims, tl.skipped, sum(1 for _ in tl.intervals())))
        except (StoreError, sqlite3.Error) as err:
            logger.warning("%s: timeline not cached (%s)", self.path, err)
            return False
        return True

    def _read_cache(self, key: str, places: set[str] | None) -> Timeline:
        gc_was_on = gc.isenabled()
        gc.disable()  # as in `claims`: many small acyclic objects
        try:
            return self._read_cache_rows(key, places)
        finally:
            if gc_was_on:
                gc.enable()

    @_reading
    def _read_cache_rows(self, key: str, places: set[str] | None) -> Timeline:
        n_claims, skipped = self._conn.execute(
            "SELECT claims, skipped FROM timeline_cache WHERE key = ?", (key,)).fetchone()
        sql = ("SELECT place_id, since, until, actor, status, confidence, fraction, by_actor,"
               " support, conflict FROM cached_intervals WHERE key = ?")
        if places is None:
            rows = self._conn.execute(f"{sql} ORDER BY place_id, seq", (key,)).fetchall()
            claims = {sc.claim_id: sc for sc in self.claims()}
        else:
            rows = []
            wanted = sorted(places)
            for k in range(0, len(wanted), 500):
                chunk = wanted[k : k + 500]
                rows += self._conn.execute(
                    f"{sql} AND place_id IN ({','.join('?' * len(chunk))})"
                    " ORDER BY place_id, seq", (key, *chunk)).fetchall()
            ids = {i for r in rows for col in (r[8], r[9]) if col for i in col.split(",")}
            claims = self.claims_by_id(ids)
        dated, undated = self._cached_dates(key, places, claims)
        claims.update(dated)
        holdings: dict[str, list[Holding]] = {}
        fromord = dt.date.fromordinal
        for pid, since, until, actor, status, conf, frac, by, sup, con in rows:
            evidence = tuple(claims[i] for i in sup.split(",") if i in claims) if sup else ()
            conflicts = tuple(claims[i] for i in con.split(",") if i in claims) if con else ()
            holdings.setdefault(pid, []).append(Holding(
                pid, actor, status, fromord(since), fromord(until) if until else None, conf,
                frac, by, evidence, conflicts,
                tuple(c.claim.date.toordinal() for c in evidence if c.claim.date)))
        return Timeline(holdings, skipped=skipped, claims=n_claims, undated=undated)

    def _cached_dates(self, key: str, places: set[str] | None,
                      claims: dict[str, StoredClaim]
                      ) -> tuple[dict[str, StoredClaim], list[UndatedClaim]]:
        """The weekday datings and undated claims cached with an interval cache."""
        rows = self._conn.execute(
            "SELECT claim_id, place_id, date, note FROM cached_dates WHERE key = ?",
            (key,)).fetchall()
        if places is not None:
            rows = [r for r in rows if r[1] in places]
            missing = {r[0] for r in rows} - set(claims)
            if missing:
                claims.update(self.claims_by_id(missing))
        dated: dict[str, StoredClaim] = {}
        undated: list[UndatedClaim] = []
        for cid, pid, day, note in rows:
            sc = claims.get(cid)
            if sc is None:
                continue
            if day is None:
                undated.append(UndatedClaim(sc, note, pid))
            else:
                dated[cid] = dataclasses.replace(
                    sc, claim=dataclasses.replace(sc.claim, date=dt.date.fromordinal(day),
                                                  date_precision="day"), dated_by=note)
        undated.sort(key=lambda u: _claim_order(u.claim.claim_id))
        return dated, undated


def _claim_order(claim_id: str) -> tuple[int, int]:
    """Store order of claim ids: extracted claims by row id, then corrections."""
    head, _, tail = claim_id.rpartition(":")
    return (1 if head else 0), int(tail) if tail.isdigit() else 0


def _dates_rows(key: str, tl: Timeline) -> Iterator[tuple[Any, ...]]:
    """`cached_dates` rows of a built timeline: weekday-dated evidence, undated claims."""
    for pid in tl.place_ids:
        for h in tl.holdings(pid):
            for c in (*h.evidence, *h.conflicts):
                if c.dated_by is not None and c.claim.date is not None:
                    yield key, c.claim_id, pid, c.claim.date.toordinal(), c.dated_by
    for u in tl.undated:
        yield key, u.claim.claim_id, u.place_id, None, u.reason


def _extracted(row: tuple[Any, ...]) -> StoredClaim:
    (cid, rid, src, text, pid, actor, status, date, prec, conf, frac, group, bes, scope,
     nar, nen, lat, lon, s, e, sentence, rule, pub, publisher, weekday) = row
    fromiso = dt.date.fromisoformat
    claim = ControlClaim(
        report_id=rid, source_file=src, place_text=text, place_id=pid, actor=actor,
        status=status, date=fromiso(date) if date else None, date_precision=prec,
        confidence=conf, evidence=Evidence(s, e, sentence, rule), fraction=frac,
        exclusive_group=group, besieger=bes, scope=scope, name_ar=nar, name_en=nen, lat=lat,
        lon=lon, weekday=weekday)
    return StoredClaim(str(cid), claim, fromiso(pub) if pub else None, publisher)


def _correction(row: tuple[Any, ...]) -> StoredClaim:
    cid, pid, text, actor, status, date, note, frac, bes, src, line, nar, nen, lat, lon = row
    where = f"{src}:{line}" if line else src
    claim = ControlClaim(
        report_id=f"correction:{where}", source_file=src, place_text=text, place_id=pid,
        actor=actor, status=status, date=dt.date.fromisoformat(date), date_precision="day",
        confidence=1.0, evidence=Evidence(0, len(note), note or f"analyst correction ({where})",
                                          CORRECTION_RULE),
        fraction=frac, besieger=bes, name_ar=nar, name_en=nen, lat=lat, lon=lon)
    return StoredClaim(f"correction:{cid}", claim, None, ANALYST)


def _prepare(conn: sqlite3.Connection, path: Path, *, readonly: bool = False) -> None:
    """Check what the file is, set WAL, and migrate it to `SCHEMA_VERSION`.

    Read-only (`readonly`), nothing is written: an older schema is then refused, since
    upgrading it needs a write.

    Raises
    ------
    StoreError
        When the file is another SQLite database, has a schema version this tracker does
        not know (newer, negative, or missing on a store with tables), or (read-only) an
        older schema.
    sqlite3.DatabaseError
        From SQLite (damaged file, read-only file); `Store.open` turns it into a message.
    """
    conn.execute("PRAGMA busy_timeout = 60000")
    # One read transaction: another process creating the store between the two reads
    # would otherwise show its tables without its application id ("not a claim store").
    conn.execute("BEGIN")
    try:
        app, version = _identity(conn)
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
    if app != APPLICATION_ID and (tables or version):
        msg = (f"{path} is an SQLite database but not a tracker claim store. Pass another "
               "--store PATH (or unset $TRACKER_STORE).")
        raise StoreError(msg)
    if version > SCHEMA_VERSION:
        msg = (f"{path} was written by a newer tracker (store schema {version}; this tracker "
               f"reads up to {SCHEMA_VERSION}). Upgrade tracker, or pass another --store PATH.")
        raise StoreError(msg)
    if version < 0 or (app == APPLICATION_ID and version == 0 and tables):
        msg = (f"{path}: a tracker claim store with an unknown schema version {version} "
               f"(this tracker knows 1 to {SCHEMA_VERSION}); it was not changed. Restore it "
               "from a backup, or pass another --store PATH.")
        raise StoreError(msg)
    if readonly:
        if version == 0 and not tables:
            msg = (f"{path} is empty, not a claim store yet, and read-only; give --store a "
                   "writable path to ingest into, or an existing store.")
            raise StoreReadOnlyError(msg)
        if version < SCHEMA_VERSION:
            msg = (f"{path}: the claim store has the older schema {version} and is read-only, "
                   f"so it cannot be upgraded to schema {SCHEMA_VERSION}; make it writable "
                   "(and its folder), or copy it to a writable place and pass --store COPY.")
            raise StoreReadOnlyError(msg)
        conn.execute("SELECT count(*) FROM reports").fetchone()  # reads the first pages
        return
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if version < SCHEMA_VERSION:
        migrate(conn)


def _open_failure(path: Path, err: sqlite3.DatabaseError) -> StoreError:
    """The `StoreError` for an SQLite error met while opening `path` (never says delete)."""
    if not _looks_like_sqlite(path):
        msg = (f"{path} is not an SQLite file, so not a tracker claim store ({err}); it was "
               "not changed. Pass another --store PATH (or unset $TRACKER_STORE); if this "
               "was your store, restore it from a backup.")
        return StoreError(msg)
    if _is_damage_error(err):
        return StoreDamagedError(damaged_message(path, str(err)))
    msg = (f"{path}: cannot open the claim store ({err}); it was not changed. Check the "
           "path, its permissions and the free disk space, then try again.")
    return StoreError(msg)


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
