"""``tracker extract``: print the control claims found in report files (nothing stored).

Exit codes: 0 = every input read; 3 = some input (a file or a JSONL line) was skipped, each
named on stderr with what to do; 1 = a TrackerError (e.g. no gazetteer); 2 = usage.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import click

from tracker._cli_common import DATE, echo_json, fail, json_opt, warn
from tracker.errors import TrackerError

logger = logging.getLogger(__name__)

#: Exit code when some inputs were skipped (the rest was processed).
EXIT_SKIPPED = 3


def load_resources() -> tuple[Any, Any]:
    """The gazetteer (national if imported, else bundled) and the actor lexicon.

    The control grammar (bundled phrase and word files plus ``$TRACKER_PHRASES`` and
    ``$TRACKER_WORDS``) is read here too, so that a broken user file is one clear error
    before any report is read, not a failure of every report.
    """
    from tracker.actors import ActorLexicon
    from tracker.gazetteer_io import load_gazetteer
    from tracker.settings import Settings

    lexicon = ActorLexicon.load()
    check_grammar()
    return load_gazetteer(Settings()), lexicon


def check_grammar() -> None:
    """Read the control grammar now; a broken phrase or word file raises `InputError`."""
    from tracker.extract import default_grammar

    default_grammar()


def _human(extraction: Any) -> None:
    r = extraction.report
    when = r.published.isoformat() if r.published else "unknown"
    how = f"{r.published_precision}, inferred" if r.published_inferred else r.published_precision
    click.echo(
        f"== {r.source_file}"
        + (f":{r.line}" if r.line else "")
        + f"  report {r.report_id}  published {when} ({how})"
    )
    if not extraction.claims:
        click.echo("   no control claims")
    for c in extraction.claims:
        date = c.date.isoformat() if c.date else "?"
        place = c.name_en or c.place_text
        pid = c.place_id or "UNRESOLVED"
        extra = ""
        if c.fraction is not None:
            extra += f" fraction={c.fraction:g}"
        if c.exclusive_group:
            extra += " pocket"
        if c.besieger:
            extra += f" besieged-by={c.besieger}"
        click.echo(
            f"   {date} ({c.date_precision:5}) {c.actor:10} {c.status:9} "
            f"{place} [{pid}] {c.place_text}  conf={c.confidence:.2f} "
            f"rule={c.evidence.rule}{extra}"
        )
    unresolved = extraction.unresolved
    if unresolved:
        click.echo("   unresolved mentions:")
        for m in unresolved:
            cands = ", ".join(m.candidates[:5]) or "no candidates"
            click.echo(f"     {m.text!r} at {m.start}: {m.status}; candidates: {cands}")


def run_extract(
    paths: Sequence[str],
    *,
    published: dt.date | None,
    as_json: bool,
    resources: tuple[Any, Any] | None = None,
) -> int:
    """Extract every input and print; returns the exit code (0 or `EXIT_SKIPPED`).

    A directory stands for its report files (read recursively); a path that cannot be
    read, a bad report, or a report the extractor fails on is named on stderr and skipped.
    """
    from tracker.extract import extract
    from tracker.reports import ReportProblem, read_reports

    gazetteer, lexicon = resources or load_resources()
    skipped = 0
    claims: list[dict[str, Any]] = []
    for item in read_reports(paths, published=published):
        if isinstance(item, ReportProblem):
            skipped += 1
            warn(f"skipped {item}")
            continue
        try:
            extraction = extract(item, gazetteer, lexicon)
        except Exception as err:  # one report the extractor fails on never stops a batch
            logger.debug("extractor failed on %s", item.source_file, exc_info=True)
            skipped += 1
            where = f"{item.source_file}:{item.line}" if item.line else item.source_file
            warn(f"skipped {where}: the extractor failed on this report "
                 f"({type(err).__name__}: {err}). Please report this with the file.")
            continue
        if as_json:
            claims.extend(c.to_json() for c in extraction.claims)
        else:
            _human(extraction)
    if as_json:
        echo_json(claims)
    if skipped:
        warn(f"{skipped} input(s) skipped; the rest was processed (exit code {EXIT_SKIPPED})")
        return EXIT_SKIPPED
    return 0


def register(main: click.Group) -> None:
    """Add ``extract`` to the command group."""

    @main.command("extract")
    @click.argument("files", nargs=-1, required=True, metavar="FILE_OR_DIR...")
    @click.option(
        "--published",
        type=DATE,
        default=None,
        help="Publication date for reports that carry none (YYYY-MM-DD).",
    )
    @json_opt
    def extract_cmd(files: tuple[str, ...], published: dt.date | None, as_json: bool) -> None:
        """Print the control claims found in report files (.txt, .jsonl, .html).

        FILE_OR_DIR: report files or directories, read recursively for *.txt, *.text,
        *.jsonl, *.ndjson, *.html and *.htm (hidden ones left out). Nothing is stored
        (see `tracker ingest`). A path that cannot be read and a bad report are named on
        stderr and the rest is processed; the exit code is then 3.
        """
        try:
            code = run_extract(files, published=published, as_json=as_json)
        except TrackerError as err:
            raise fail(err) from err
        if code:
            raise SystemExit(code)
