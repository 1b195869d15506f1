"""Read news reports from disk: ``.txt`` (optional header block), ``.jsonl`` and ``.html``.

This is an I/O module: it turns files into `Report` values (dated, hashed, cleaned of obvious
site boilerplate) and turns every bad input into a `ReportProblem` that names the file and
line and says what to do, so one bad file never stops a batch.

Formats
-------
``.txt``
    One report per file. An optional header block of ``key: value`` lines ended by a line
    ``---``; known keys ``published`` (``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYY`` when only the
    month or year is known, giving `Report.published_precision` ``month``/``year`` and the
    first day; or ``unknown``), ``source_url``,
    ``title``, ``publisher``, ``language``; other keys are kept in `Report.metadata`.
    Without a header the whole file is the body.
``.jsonl``
    One JSON object per line with ``text`` and optionally ``published``, ``source_url``,
    ``title``, ``publisher``, ``language`` (other keys go to metadata). `Report.line` is set.
``.html`` / ``.htm``
    The article text extracted by trafilatura (navigation and boilerplate dropped); title and
    date come from the page metadata when present.

Dates: the header's (or the JSONL object's, or the page's) date wins; a report without one
is dated from its source URL (``/2018/12/14/``, ``2018-12-14``, ``20181214``; ``/2018/12/``
to the month), then by ``--published``, then from its text; a date taken from the URL or
the text has ``published_inferred=True`` and metadata ``published_from`` (``source_url`` or
``text``). A publication date outside `DateWindow` (default: 1900-01-01 to tomorrow; set
``$TRACKER_EARLIEST_DATE`` / ``$TRACKER_MAX_FUTURE_DAYS``) skips the report with a problem
naming it; an implausible date found in a URL or text is not used.

Encodings: a byte-order mark decides first (UTF-8, UTF-16, UTF-32); else UTF-8, else the
encoding charset-normalizer detects (Windows-1256 is common for Arabic). A NUL character
anywhere (a binary or damaged file, or ``\u0000`` in JSON) skips the input, saying where.
Files over `MAX_BYTES` are refused from their size, without being read.

Inputs are paths as given: a directory is read recursively (`REPORT_GLOBS`, hidden files
and folders left out), and a path that is missing, unreadable or a dangling link is a
problem like any other bad input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.arabic import normalize
from tracker.errors import InputError
from tracker.model import Report

logger = logging.getLogger(__name__)

#: Default size limit of one input file (bytes).
MAX_BYTES = 20 * 1024 * 1024

#: Header keys with a field of their own in `Report`.
KNOWN_KEYS: tuple[str, ...] = ("published", "source_url", "title", "publisher", "language")

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
#: The files a directory argument stands for (read recursively).
REPORT_GLOBS: tuple[str, ...] = ("*.txt", "*.text", "*.jsonl", "*.ndjson", "*.html", "*.htm")
_DIR_SUFFIXES = frozenset(g.removeprefix("*") for g in REPORT_GLOBS)

#: Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

#: Whole lines dropped from report bodies: cookie notices, comment and share widgets.
#: Each entry is a regular expression matched (case-insensitively) against a stripped line.
BOILERPLATE_LINES: tuple[str, ...] = (
    r"إضافة تعليق(?: جديد)?",
    r"أضف تعليق(?:ا|اً)?",
    r"(?:شارك|مشاركة)(?: (?:على|عبر))?(?: (?:فيسبوك|تويتر|واتساب|تلغرام)[ ،,]*)*",
    r"اقرأ أيضا(?:ً)?:?.{0,120}",
    r"تابعونا على .{0,80}",
    r"(?:share|tweet|share on (?:facebook|twitter|whatsapp|telegram)|print|email)",
    r"(?:related|read more|read also)[: ].{0,120}|related|read more",
    # cookie notices: a short line naming cookies and the site, its policy or consent
    r"(?=.{0,800}$)(?=.*(?:cookie|çerez|ملفات تعريف الارتباط|الكوكيز))"
    r"(?=.*(?:site|polic|accept|consent|brows|tamam|politika|kullan|\buse\b|موقع|سياسة|توافق)).*",
    r".{0,300}\"tamam\" ?ı tıklayarak.{0,300}",
    r"(?:all rights reserved|جميع الحقوق محفوظة).{0,120}|©.{0,120}",
)
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_LINES), re.IGNORECASE)

_HEADER_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_\-]*)\s*:\s?(.*?)\s*$")
_HEADER_END = re.compile(r"^\s*---+\s*$")
_MISSING_DATES = frozenset({"", "unknown", "none", "null", "n/a", "na", "?", "غير معروف"})
#: Control characters that do not occur in text (NUL and friends; not tab/newline/CR/FF).
_BINARY_CHARS = frozenset(range(0, 9)) | {
    11,
    14,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29,
    30,
    31,
}


def _env_date(name: str, default: dt.date) -> dt.date:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f"${name}={value!r} is not a date; write it as YYYY-MM-DD (e.g. 1900-01-01)"
        raise InputError(msg) from None


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        msg = f"${name}={value!r} is not a number of days (0 or more)"
        raise InputError(msg)
    return n


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The publication (and correction) dates accepted as plausible.

    Fields
    ------
    earliest
        The first accepted day (default 1900-01-01; ``$TRACKER_EARLIEST_DATE``).
    future_days
        How many days after `today` are still accepted (default 1, for time zones;
        ``$TRACKER_MAX_FUTURE_DAYS``).
    today
        The day the window is measured from (default: the system's today).
    """

    earliest: dt.date = dt.date(1900, 1, 1)
    future_days: int = 1
    today: dt.date | None = field(default=None, compare=False)

    @classmethod
    def from_env(cls) -> DateWindow:
        """The window with ``$TRACKER_EARLIEST_DATE`` / ``$TRACKER_MAX_FUTURE_DAYS`` applied.

        Raises
        ------
        InputError
            When one of them is not a date / a number of days.
        """
        return cls(_env_date("TRACKER_EARLIEST_DATE", dt.date(1900, 1, 1)),
                   _env_int("TRACKER_MAX_FUTURE_DAYS", 1))

    @property
    def latest(self) -> dt.date:
        """The last accepted day: today + `future_days`."""
        return (self.today or dt.date.today()) + dt.timedelta(days=self.future_days)

    def problem(self, day: dt.date, what: str = "published date") -> str | None:
        """None when `day` is inside the window, else what is wrong and what to do."""
        if day < self.earliest:
            return (f"{what} {day.isoformat()} is before {self.earliest.isoformat()}, which "
                    "no report of this tool's kind can be; check the year (for older "
                    "material set $TRACKER_EARLIEST_DATE)")
        if day > self.latest:
            return (f"{what} {day.isoformat()} is after {self.latest.isoformat()} (today + "
                    f"{self.future_days} day(s)); check the year, or set "
                    "$TRACKER_MAX_FUTURE_DAYS if the clock of this machine is behind")
        return None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.problem(day) is None


_ISO_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$")
_ISO_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")


def parse_published(value: str) -> tuple[dt.date, str] | None:
    """A publication date as written in a header: ``(date, precision)`` or None (unknown).

    ``YYYY-MM-DD`` (a time after it is ignored; ``/`` separators accepted) gives day
    precision, ``YYYY-MM`` month precision (the first of the month), ``YYYY`` year
    precision (1 January); ``unknown`` and friends give None.

    Raises
    ------
    ValueError
        When the value is none of these (the message says how to write it).
    """
    v = value.strip().strip('"').strip("'").strip()
    if v.lower() in _MISSING_DATES:
        return None
    try:
        if m := _ISO_DAY.match(v):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
        if m := _ISO_MONTH.match(v):
            return dt.date(int(m[1]), int(m[2]), 1), "month"
        if m := _ISO_YEAR.match(v):
            return dt.date(int(m[1]), 1, 1), "year"
    except ValueError:
        pass
    msg = (f"published date {value!r} is not a date; write it as YYYY-MM-DD (e.g. "
           "2018-12-27), YYYY-MM or YYYY when only the month or year is known, or `unknown`")
    raise ValueError(msg)


_URL_DAY_PATH = re.compile(r"(?<![0-9])((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?![0-9])")
_URL_DAY_ISO = re.compile(r"(?<![0-9])((?:19|20)\d{2})[-_](\d{2})[-_](\d{2})(?![0-9])")
_URL_DAY_COMPACT = re.compile(r"(?<![0-9])((?:19|20)\d{2})(\d{2})(\d{2})(?![0-9])")
_URL_MONTH_PATH = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})(?:/|$)")


def date_from_url(url: str, *, window: DateWindow | None = None) -> tuple[dt.date, str] | None:
    """The publication date a source URL carries, as ``(date, precision)``, or None.

    Patterns, strongest first: ``/2018/12/14/`` (day), ``2018-12-14`` or ``2018_12_14``
    (day), ``20181214`` standing alone (day), ``/2018/12/`` (month). The first pattern
    that matches decides; when it gives two different dates, or a date outside `window`,
    the URL dates nothing (a guess is worse than no date). Never raises.
    """
    if not url:
        return None
    window = window or DateWindow()
    # the query string and fragment hold ids and tracking codes, not dates
    path = url.split("#", 1)[0].split("?", 1)[0]
    for pattern, precision in ((_URL_DAY_PATH, "day"), (_URL_DAY_ISO, "day"),
                               (_URL_DAY_COMPACT, "day"), (_URL_MONTH_PATH, "month")):
        found: set[dt.date] = set()
        for m in pattern.finditer(path):
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]) if precision == "day" else 1)
            except (ValueError, IndexError):
                continue
            if day in window:
                found.add(day)
        if len(found) == 1:
            return found.pop(), precision
        if len(found) > 1:
            logger.debug("%s: several dates in the URL; not used", url)
            return None
    return None


@dataclass(frozen=True, slots=True)
class ReportProblem:
    """An input that was skipped (or a line of it): where, and what to do about it."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class _SkipError(Exception):
    """Internal: this input cannot be read (carries the problem)."""

    def __init__(self, problem: ReportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def report_id(text: str) -> str:
    """The report id: first 16 hex digits of the SHA-256 of the normalised text.

    Normalisation (`tracker.arabic.normalize`) folds letter forms, diacritics, punctuation
    and whitespace, so the same report copied from two sites gets the same id.
    """
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:16]


def strip_boilerplate(text: str) -> str:
    """Drop whole lines that are site boilerplate (`BOILERPLATE_LINES`); keep the rest as is."""
    kept = [ln for ln in text.split("\n") if not _BOILERPLATE.fullmatch(ln.strip())]
    return "\n".join(kept).strip("\n")


def decode_bytes(data: bytes, path: str) -> str:
    """Decode file bytes: by byte-order mark first, else UTF-8, else the detected encoding.

    UTF-16 without a mark is recognised by its zero bytes (every other byte). A NUL
    character left in the decoded text means a binary or damaged file.

    Raises
    ------
    _SkipError
        When the bytes look binary, hold a NUL, or no encoding fits.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as err:
                msg = (f"starts with a {codec.upper()} byte-order mark but is not valid "
                       f"{codec.upper()} (at byte {err.start + len(bom)}); save it as UTF-8")
                raise _SkipError(ReportProblem(path, None, msg)) from None
            return _refuse_nul(text, path)
    head = data[:8192]
    unmarked = _utf16_without_bom(data)
    if unmarked is not None:
        return _refuse_nul(unmarked, path)
    if b"\x00" in head or sum(b in _BINARY_CHARS for b in head) > max(2, len(head) // 100):
        raise _SkipError(
            ReportProblem(
                path,
                None,
                "looks like a binary file, not text; give a "
                ".txt, .jsonl or .html report (UTF-8 or Windows-1256)",
            )
        )
    try:
        return _refuse_nul(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    text = _detect_decode(data)
    if text is None:
        msg = "cannot tell its text encoding; save it as UTF-8 and try again"
        raise _SkipError(ReportProblem(path, None, msg))
    return _refuse_nul(text, path)


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes without a byte-order mark, recognised by their zero bytes."""
    head = data[:8192]
    if len(head) < 4 or len(data) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    # ASCII characters (spaces, digits, Latin text) put a zero in every other byte; Arabic
    # letters (U+06xx) put none, so Arabic text shows only its spaces and digits.
    if max(even, odd) < 0.05 * half or min(even, odd) > 0.01 * half:
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[:4096]
    if any(ord(c) in _BINARY_CHARS for c in sample):
        return None
    if sum(c.isalpha() or c.isspace() for c in sample) < 0.6 * len(sample):
        return None  # decodes, but not to text
    return text


def nul_problem(text: str) -> str | None:
    """None when `text` has no NUL character, else where the first one is and what to do."""
    at = text.find("\x00")
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    n = text.count("\x00")
    return (f"holds {n} NUL character(s), the first on line {line} (character {at}): a "
            "binary or damaged file, nothing was read from it; remove them (e.g. "
            "`tr -d '\\000' < IN > OUT`) if the rest is good text")


def _refuse_nul(text: str, path: str, line: int | None = None) -> str:
    problem = nul_problem(text)
    if problem is not None:
        raise _SkipError(ReportProblem(path, line, problem))
    return text


def _arabic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum("\u0600" <= c <= "\u06ff" for c in letters) / len(letters)


def _detect_decode(data: bytes) -> str | None:
    """charset-normalizer's best guess; Windows-1256 wins when it reads as Arabic."""
    from charset_normalizer import from_bytes

    guesses: list[str] = []
    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None:
        guesses.append(best.encoding)
    guesses += ["cp1256", "iso8859_6", "cp1252"]
    decoded: list[tuple[float, str]] = []
    for enc in dict.fromkeys(guesses):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if any(0x80 <= ord(c) <= 0x9F for c in text):  # C1 controls: wrong code page
            continue
        decoded.append((_arabic_share(text), text))
    if not decoded:
        return None
    # Prefer an Arabic reading when one exists (real Arabic text decodes to mostly Arabic
    # letters in its own code page, and to Latin mojibake in the others).
    arabic = [t for share, t in decoded if share >= 0.5]
    return arabic[0] if arabic else decoded[0][1]


def _parse_published(
    value: str, path: str, line: int | None, window: DateWindow | None = None
) -> tuple[dt.date, str] | None:
    """`parse_published` for a reader: a bad or implausible date is a `_SkipError`."""
    try:
        parsed = parse_published(value)
    except ValueError as err:
        raise _SkipError(ReportProblem(path, line, str(err))) from None
    if parsed is not None:
        problem = (window or DateWindow()).problem(parsed[0])
        if problem is not None:
            raise _SkipError(ReportProblem(path, line, f"{problem}; the report was skipped"))
    return parsed


def split_header(text: str, path: str) -> tuple[dict[str, str], str, int]:
    """Split a ``.txt`` report into its header fields, body and the body's first line number.

    A header is a run of ``key: value`` lines at the top ended by a ``---`` line. Text that
    does not start that way has no header. A header-like start that breaks off before its
    ``---`` (a line that is not ``key: value``) is a malformed header.
    """
    lines = text.split("\n")
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    first = i
    if i >= len(lines) or not _HEADER_LINE.match(lines[i]):
        return {}, text, 1
    # Only a header if a `---` ends the run of key: value lines.
    j = i
    while j < len(lines) and j - first < 200:
        ln = lines[j]
        if _HEADER_END.match(ln):
            break
        if not ln.strip():
            j += 1
            continue
        m = _HEADER_LINE.match(ln)
        if not m:
            known = any(k.lower() in KNOWN_KEYS for k in fields)
            if known and any(_HEADER_END.match(x) for x in lines[j : j + 50]):
                raise _SkipError(
                    ReportProblem(
                        path,
                        j + 1,
                        f"malformed header line {ln.strip()[:60]!r}: header lines "
                        "are `key: value`, ended by a line `---`",
                    )
                )
            return {}, text, 1
        fields[m.group(1).lower()] = m.group(2)
        j += 1
    if j >= len(lines) or not _HEADER_END.match(lines[j]):
        return {}, text, 1
    if not any(k in KNOWN_KEYS for k in fields):
        # "Note: ..." lines above a horizontal rule are text, not a header.
        return {}, text, 1
    body = "\n".join(lines[j + 1 :])
    return fields, body, j + 2


def _header_line_of(text: str, key: str) -> int | None:
    for n, ln in enumerate(text.split("\n"), start=1):
        m = _HEADER_LINE.match(ln)
        if m and m.group(1).lower() == key:
            return n
        if _HEADER_END.match(ln):
            return None
    return None


def _infer(text: str, window: DateWindow) -> tuple[dt.date | None, str]:
    from tracker.dates import infer_published

    try:
        date, precision = infer_published(text)
    except Exception:
        logger.debug("date inference failed", exc_info=True)
        return None, "unknown"
    if date is not None and date not in window:
        logger.info("date %s inferred from the text is implausible; not used", date)
        return None, "unknown"
    return date, (precision if date else "unknown")


def make_report(
    text: str,
    source_file: str,
    *,
    published: dt.date | None = None,
    published_precision: str = "day",
    default_published: dt.date | None = None,
    source_url: str = "",
    title: str = "",
    publisher: str = "",
    language: str = "",
    line: int | None = None,
    metadata: Iterable[tuple[str, str]] = (),
    window: DateWindow | None = None,
) -> Report:
    """Build a `Report`: clean the text, hash it, and date it.

    The date is `published` (with `published_precision`) when given; else the date in
    `source_url` (`date_from_url`, ``published_inferred=True``); else `default_published`
    (the CLI's ``--published``); else inferred from the text (``published_inferred=True``
    with the precision the text supports); else None with precision ``unknown``. An
    inferred date adds ``("published_from", "source_url" | "text")`` to the metadata.
    Dates from the URL or the text outside `window` are not used.
    """
    window = window or DateWindow()
    body = strip_boilerplate(text.replace("\r\n", "\n").replace("\r", "\n"))
    meta = list(metadata)
    precision, inferred = published_precision, False
    date = published
    if date is None and (from_url := date_from_url(source_url, window=window)) is not None:
        date, precision = from_url
        inferred = True
        meta.append(("published_from", "source_url"))
    if date is None and default_published is not None:
        date, precision = default_published, "day"
    if date is None:
        date, precision = _infer(body, window)
        inferred = date is not None
        if inferred:
            meta.append(("published_from", "text"))
    if language == "":
        from tracker.arabic import is_arabic

        language = "ar" if is_arabic(body[:4000]) else "en"
    return Report(
        report_id=report_id(body),
        text=body,
        source_file=source_file,
        published=date,
        published_precision=precision,
        published_inferred=inferred,
        source_url=source_url,
        title=title,
        publisher=publisher,
        language=language,
        line=line,
        metadata=tuple(meta),
    )


def _size(path: Path) -> int:
    """The file's size in bytes, 0 when it cannot be read (reading it then says why)."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _read_text_file(path: Path, label: str, max_bytes: int) -> str:
    try:
        st = path.stat()
    except OSError as err:
        raise _SkipError(
            ReportProblem(label, None, f"cannot read it ({err.strerror or err}); check the path")
        ) from None
    size = st.st_size
    if stat.S_ISDIR(st.st_mode):
        globs = ", ".join(REPORT_GLOBS)
        msg = f"is a directory with no report files ({globs}) in it or below it"
        raise _SkipError(ReportProblem(label, None, msg))
    if not stat.S_ISREG(st.st_mode):
        # a pipe would block the batch until something writes to it; a device never ends
        msg = ("is not a regular file (a pipe, socket or device); nothing was read from it; "
               "save the report to a file and give that path")
        raise _SkipError(ReportProblem(label, None, msg))
    if size > max_bytes:
        raise _SkipError(
            ReportProblem(
                label,
                None,
                f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit "
                "for one input; split it (e.g. into .jsonl lines) and try again",
            )
        )
    if size == 0:
        raise _SkipError(ReportProblem(label, None, "is empty; nothing to read"))
    try:
        data = path.read_bytes()
    except OSError as err:
        problem = ReportProblem(label, None, f"cannot read it ({err.strerror or err})")
        raise _SkipError(problem) from None
    text = decode_bytes(data, label)
    if not text.strip():
        raise _SkipError(ReportProblem(label, None, "has no text (only whitespace)"))
    return text


def _reports_from_txt(
    text: str, label: str, default: dt.date | None, window: DateWindow
) -> Iterator[Report]:
    fields, body, _ = split_header(text, label)
    parsed = None
    if "published" in fields:
        parsed = _parse_published(
            fields["published"], label, _header_line_of(text, "published"), window)
    if not body.strip():
        raise _SkipError(ReportProblem(label, None, "has a header but no report text after `---`"))
    meta = tuple((k, v) for k, v in fields.items() if k not in KNOWN_KEYS)
    yield make_report(
        body,
        label,
        published=parsed[0] if parsed else None,
        published_precision=parsed[1] if parsed else "day",
        default_published=default,
        source_url=fields.get("source_url", ""),
        title=fields.get("title", ""),
        publisher=fields.get("publisher", ""),
        language=fields.get("language", ""),
        metadata=meta,
        window=window,
    )


def _jsonl_lines(
    path: Path, label: str, max_bytes: int
) -> Iterator[tuple[int, str | ReportProblem]]:
    """The numbered lines of a large ``.jsonl`` file, read one at a time (not all at once).

    Each line is decoded on its own (UTF-8, else the detected encoding); a line that cannot
    be decoded, or is itself over `max_bytes`, becomes a `ReportProblem` with its number,
    and the rest of the file is still read.
    """
    try:
        fh = path.open("rb")
    except OSError as err:
        raise _SkipError(
            ReportProblem(label, None, f"cannot read it ({err.strerror or err})")
        ) from None
    with fh:
        for n, raw in enumerate(fh, start=1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if len(raw) > max_bytes:
                msg = (f"is {len(raw) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit "
                       "for one report; split the text")
                yield n, ReportProblem(label, n, msg)
                continue
            try:
                yield n, raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    yield n, decode_bytes(raw, label)
                except _SkipError as skip:
                    msg = f"{skip.problem.message} (this line)"
                    yield n, ReportProblem(label, n, msg)


def _reports_from_jsonl(
    text: str | Iterable[tuple[int, str | ReportProblem]], label: str, default: dt.date | None,
    window: DateWindow,
) -> Iterator[Report | ReportProblem]:
    lines: Iterable[tuple[int, str | ReportProblem]] = (
        enumerate(text.split("\n"), start=1) if isinstance(text, str) else text
    )
    for n, raw in lines:
        if isinstance(raw, ReportProblem):
            yield raw
            continue
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as err:
            yield ReportProblem(
                label,
                n,
                f"is not valid JSON ({err.msg} at column {err.colno}); "
                'each line must be one JSON object with a "text" field',
            )
            continue
        if (
            not isinstance(doc, dict)
            or not isinstance(doc.get("text"), str)
            or not doc["text"].strip()
        ):
            yield ReportProblem(
                label,
                n,
                'has no "text" string; each line must be one JSON '
                'object with a non-empty "text" field',
            )
            continue
        if (problem := nul_problem(doc["text"])) is not None:
            yield ReportProblem(label, n, f"its text {problem}")
            continue
        try:
            parsed = _parse_published(str(doc.get("published") or ""), label, n, window)
        except _SkipError as skip:
            yield skip.problem
            continue
        meta = tuple(
            (str(k), str(v))
            for k, v in doc.items()
            if k not in (*KNOWN_KEYS, "text") and v is not None
        )
        yield make_report(
            doc["text"],
            label,
            published=parsed[0] if parsed else None,
            published_precision=parsed[1] if parsed else "day",
            default_published=default,
            source_url=str(doc.get("source_url") or ""),
            title=str(doc.get("title") or ""),
            publisher=str(doc.get("publisher") or ""),
            language=str(doc.get("language") or ""),
            line=n,
            metadata=meta,
            window=window,
        )


def _reports_from_html(
    text: str, label: str, default: dt.date | None, window: DateWindow
) -> Iterator[Report]:
    import trafilatura

    found: Any = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False
    )
    doc: dict[str, Any] = {}
    if found is not None:
        doc = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    body = doc.get("text") or ""
    if not body.strip():
        raise _SkipError(
            ReportProblem(
                label,
                None,
                "no article text found in this HTML page; save the article as .txt and try again",
            )
        )
    parsed = None
    date_value = str(doc.get("date") or "")
    if date_value:
        try:
            parsed = parse_published(date_value)
        except ValueError:
            logger.info("%s: page date %r not understood; not used", label, date_value)
        if parsed is not None and (problem := window.problem(parsed[0])) is not None:
            raise _SkipError(ReportProblem(
                label, None, f"{problem.replace('published date', 'page date', 1)}; "
                "the report was skipped"))
    yield make_report(
        body,
        label,
        published=parsed[0] if parsed else None,
        published_precision=parsed[1] if parsed else "day",
        default_published=default,
        source_url=str(doc.get("url") or ""),
        title=str(doc.get("title") or ""),
        publisher=str(doc.get("sitename") or ""),
        language=str(doc.get("language") or ""),
        window=window,
    )


def expand_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The inputs as paths to read: a directory becomes its report files (`REPORT_GLOBS`),
    found recursively and sorted, hidden files and folders left out, links to folders not
    followed. Other paths are kept as given (missing ones too: reading them says why)."""
    out: list[str] = []
    for p in paths:
        label = os.fspath(p)
        if not os.path.isdir(label):
            out.append(label)
            continue
        found: list[str] = []
        for root, dirs, files in os.walk(label):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [os.path.join(root, f) for f in files
                      if not f.startswith(".") and Path(f).suffix.lower() in _DIR_SUFFIXES]
        out += sorted(found) if found else [label]
    return out


def read_reports(
    paths: Iterable[str | os.PathLike[str]],
    *,
    published: dt.date | None = None,
    max_bytes: int = MAX_BYTES,
    window: DateWindow | None = None,
) -> Iterator[Report | ReportProblem]:
    """Read reports from files, yielding a `Report` or a `ReportProblem` for each input.

    The same report read twice (same normalised text) is yielded once.

    Parameters
    ----------
    paths
        Report files (``.txt``, ``.jsonl``, ``.html``; other suffixes are read as ``.txt``)
        and directories (read recursively, `expand_inputs`). The path is kept as given in
        `Report.source_file`.
    published
        Default publication date for reports that carry none (the CLI's ``--published``);
        reports without either get one from their URL or their text.
    max_bytes
        Files larger than this are refused without being read.
    window
        Plausible publication dates (default `DateWindow.from_env()`); a report dated
        outside it is skipped with a problem.

    Returns
    -------
    Iterator of `Report` and `ReportProblem`; problems name the file (and line) and say
    what to do. The iterator never raises for bad input.

    Raises
    ------
    InputError
        When `published` itself is outside `window` (or the window's settings are bad),
        before anything is read.
    """
    window = window if window is not None else DateWindow.from_env()
    if published is not None and (problem := window.problem(published, "--published")):
        raise InputError(problem)
    return _read_reports(paths, published, max_bytes, window)


def _read_reports(
    paths: Iterable[str | os.PathLike[str]],
    published: dt.date | None,
    max_bytes: int,
    window: DateWindow,
) -> Iterator[Report | ReportProblem]:
    seen: set[str] = set()
    for label in expand_inputs(paths):
        path = Path(label)
        suffix = path.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES and _size(path) > max_bytes:
                # one report per line: a large file is streamed, not refused
                items: Iterator[Report | ReportProblem] = _reports_from_jsonl(
                    _jsonl_lines(path, label, max_bytes), label, published, window
                )
                text = ""
            else:
                text = _read_text_file(path, label, max_bytes)
            if text and suffix in JSONL_SUFFIXES:
                items = _reports_from_jsonl(text, label, published, window)
            elif not text:
                pass
            elif suffix in HTML_SUFFIXES:
                items = iter(list(_reports_from_html(text, label, published, window)))
            else:
                items = iter(list(_reports_from_txt(text, label, published, window)))
            for item in items:
                if isinstance(item, Report):
                    if item.report_id in seen:
                        logger.info("%s: same text as a report already read; skipped", label)
                        continue
                    seen.add(item.report_id)
                yield item
        except _SkipError as skip:
            yield skip.problem
