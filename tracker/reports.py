"""Read news reports from disk: ``.txt`` (optional header block), ``.jsonl`` and ``.html``.

This is an I/O module: it turns files into `Report` values (dated, hashed, cleaned of obvious
site boilerplate) and turns every bad input into a `ReportProblem` that names the file and
line and says what to do, so one bad file never stops a batch.

Formats
-------
``.txt``
    One report per file. An optional header block of ``key: value`` lines ended by a line
    ``---``; known keys ``published`` (``YYYY-MM-DD``, or ``unknown``), ``source_url``,
    ``title``, ``publisher``, ``language``; other keys are kept in `Report.metadata`.
    Without a header the whole file is the body.
``.jsonl``
    One JSON object per line with ``text`` and optionally ``published``, ``source_url``,
    ``title``, ``publisher``, ``language`` (other keys go to metadata). `Report.line` is set.
``.html`` / ``.htm``
    The article text extracted by trafilatura (navigation and boilerplate dropped); title and
    date come from the page metadata when present.

Encodings: UTF-8 with or without BOM, else the encoding charset-normalizer detects
(Windows-1256 is common for Arabic). Files over `MAX_BYTES` are refused from their size,
without being read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.arabic import normalize
from tracker.model import Report

logger = logging.getLogger(__name__)

#: Default size limit of one input file (bytes).
MAX_BYTES = 20 * 1024 * 1024

#: Header keys with a field of their own in `Report`.
KNOWN_KEYS: tuple[str, ...] = ("published", "source_url", "title", "publisher", "language")

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

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
    """Decode file bytes: UTF-8 (BOM or not), else the detected encoding.

    Raises
    ------
    _SkipError
        When the bytes look binary or no encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:8192]
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
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _detect_decode(data)
    if text is None:
        msg = "cannot tell its text encoding; save it as UTF-8 and try again"
        raise _SkipError(ReportProblem(path, None, msg))
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


def _parse_published(value: str, path: str, line: int | None) -> dt.date | None:
    v = value.strip().strip('"').strip("'")
    if v.lower() in _MISSING_DATES:
        return None
    try:
        return (
            dt.date.fromisoformat(v[:10])
            if len(v) >= 10 and v[4] == "-"
            else dt.date.fromisoformat(v)
        )
    except (ValueError, IndexError):
        raise _SkipError(
            ReportProblem(
                path,
                line,
                f"published date {value!r} is not a date; write it as YYYY-MM-DD "
                "(e.g. 2018-12-27) or `unknown`",
            )
        ) from None


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


def _infer(text: str) -> tuple[dt.date | None, str]:
    from tracker.dates import infer_published

    try:
        date, precision = infer_published(text)
    except Exception:
        logger.debug("date inference failed", exc_info=True)
        return None, "unknown"
    return date, (precision if date else "unknown")


def make_report(
    text: str,
    source_file: str,
    *,
    published: dt.date | None = None,
    default_published: dt.date | None = None,
    source_url: str = "",
    title: str = "",
    publisher: str = "",
    language: str = "",
    line: int | None = None,
    metadata: Iterable[tuple[str, str]] = (),
) -> Report:
    """Build a `Report`: clean the text, hash it, and date it.

    The date is `published` when given, else `default_published` (the CLI's
    ``--published``), else inferred from the text (``published_inferred=True`` with the
    precision the text supports), else None with precision ``unknown``.
    """
    body = strip_boilerplate(text.replace("\r\n", "\n").replace("\r", "\n"))
    precision, inferred = "day", False
    date = published or default_published
    if date is None:
        date, precision = _infer(body)
        inferred = date is not None
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
        metadata=tuple(metadata),
    )


def _size(path: Path) -> int:
    """The file's size in bytes, 0 when it cannot be read (reading it then says why)."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _read_text_file(path: Path, label: str, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise _SkipError(
            ReportProblem(label, None, f"cannot read it ({err.strerror or err}); check the path")
        ) from None
    if path.is_dir():
        raise _SkipError(ReportProblem(label, None, "is a directory; give report files"))
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


def _reports_from_txt(text: str, label: str, default: dt.date | None) -> Iterator[Report]:
    fields, body, _ = split_header(text, label)
    published = None
    if "published" in fields:
        published = _parse_published(fields["published"], label, _header_line_of(text, "published"))
    if not body.strip():
        raise _SkipError(ReportProblem(label, None, "has a header but no report text after `---`"))
    meta = tuple((k, v) for k, v in fields.items() if k not in KNOWN_KEYS)
    yield make_report(
        body,
        label,
        published=published,
        default_published=default,
        source_url=fields.get("source_url", ""),
        title=fields.get("title", ""),
        publisher=fields.get("publisher", ""),
        language=fields.get("language", ""),
        metadata=meta,
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
    text: str | Iterable[tuple[int, str | ReportProblem]], label: str, default: dt.date | None
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
        try:
            published = _parse_published(str(doc.get("published") or ""), label, n)
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
            published=published,
            default_published=default,
            source_url=str(doc.get("source_url") or ""),
            title=str(doc.get("title") or ""),
            publisher=str(doc.get("publisher") or ""),
            language=str(doc.get("language") or ""),
            line=n,
            metadata=meta,
        )


def _reports_from_html(text: str, label: str, default: dt.date | None) -> Iterator[Report]:
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
    published = None
    date_value = doc.get("date")
    if date_value:
        try:
            published = dt.date.fromisoformat(str(date_value)[:10])
        except ValueError:
            published = None
    yield make_report(
        body,
        label,
        published=published,
        default_published=default,
        source_url=str(doc.get("url") or ""),
        title=str(doc.get("title") or ""),
        publisher=str(doc.get("sitename") or ""),
        language=str(doc.get("language") or ""),
    )


def read_reports(
    paths: Iterable[str | os.PathLike[str]],
    *,
    published: dt.date | None = None,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Report | ReportProblem]:
    """Read reports from files, yielding a `Report` or a `ReportProblem` for each input.

    The same report read twice (same normalised text) is yielded once.

    Parameters
    ----------
    paths
        Report files (``.txt``, ``.jsonl``, ``.html``; other suffixes are read as ``.txt``).
        The path is kept as given in `Report.source_file`.
    published
        Default publication date for reports that carry none (the CLI's ``--published``);
        reports without either get one inferred from their text.
    max_bytes
        Files larger than this are refused without being read.

    Returns
    -------
    Iterator of `Report` and `ReportProblem`; problems name the file (and line) and say
    what to do. The iterator never raises for bad input.
    """
    seen: set[str] = set()
    for p in paths:
        label = os.fspath(p)
        path = Path(p)
        suffix = path.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES and _size(path) > max_bytes:
                # one report per line: a large file is streamed, not refused
                items: Iterator[Report | ReportProblem] = _reports_from_jsonl(
                    _jsonl_lines(path, label, max_bytes), label, published
                )
                text = ""
            else:
                text = _read_text_file(path, label, max_bytes)
            if text and suffix in JSONL_SUFFIXES:
                items = _reports_from_jsonl(text, label, published)
            elif not text:
                pass
            elif suffix in HTML_SUFFIXES:
                items = iter(list(_reports_from_html(text, label, published)))
            else:
                items = iter(list(_reports_from_txt(text, label, published)))
            for item in items:
                if isinstance(item, Report):
                    if item.report_id in seen:
                        logger.info("%s: same text as a report already read; skipped", label)
                        continue
                    seen.add(item.report_id)
                yield item
        except _SkipError as skip:
            yield skip.problem
