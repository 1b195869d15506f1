"""``tracker evaluate``: score the extractor on annotated report folders.

Exit codes: 0 = scored; 1 = a TrackerError (a truth file that cannot be read, named with its
line); 2 = usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from tracker._cli_common import echo_json, fail, json_opt, warn
from tracker.errors import TrackerError

_SNIPPET = 160


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _table(scores: Sequence[Any]) -> list[str]:
    head = (f"{'folder':<18} {'reports':>7} {'rows':>5} {'found':>5} {'recall':>7} "
            f"{'claims':>6} {'correct':>7} {'precision':>9} {'dates ok':>10} {'date acc':>8} "
            f"{'undated':>7} {'unresolved':>10}")
    lines = [head, "-" * len(head)]
    for s in scores:
        lines.append(
            f"{s.folder:<18} {s.reports:>7} {s.rows:>5} {s.found:>5} {_pct(s.recall):>7} "
            f"{s.claims:>6} {s.correct:>7} {_pct(s.precision):>9} "
            f"{f'{s.dates_ok}/{s.dated_pairs}':>10} {_pct(s.date_accuracy):>8} "
            f"{s.undated_claims:>7} {s.unresolved_claims:>10}")
    return lines


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def _details(s: Any) -> list[str]:
    out = ["", f"== {s.folder}: {len(s.misses)} missed truth rows"]
    for r in s.misses:
        date = r.date.isoformat() if r.date else "undated"
        out.append(f"  MISS {r.report[:3]} line {r.line}: {r.place_en} / {r.place_ar}  "
                   f"{r.actor_before}->{r.actor_after} {r.status} {date} ({r.date_precision})")
        out.append(f"       \"{_short(r.quote)}\"")
    out.append(f"== {s.folder}: {len(s.false_claims)} false claims")
    for v in s.false_claims:
        c = v.claim
        date = c.date.isoformat() if c.date else "undated"
        why = " (right place/actor, date off)" if v.date_ok is False else ""
        extra = f" by {c.besieger}" if c.besieger else ""
        out.append(f"  FALSE {v.report[:3]}: {c.place_text} [{c.place_id or 'unresolved'}] "
                   f"{c.actor} {c.status}{extra} {date} ({c.date_precision}) "
                   f"rule={c.evidence.rule}{why}")
        out.append(f"       \"{_short(c.evidence.sentence)}\"")
    for p in s.problems:
        out.append(f"  SKIPPED {p}")
    return out


def register(main: click.Group) -> None:
    """Add ``evaluate`` to the command group."""

    @main.command("evaluate")
    @click.argument("folders", nargs=-1, required=True)
    @json_opt
    @click.option("--summary", is_flag=True,
                  help="Print only the table, not the misses and false claims.")
    def evaluate_cmd(folders: tuple[str, ...], as_json: bool, summary: bool) -> None:
        """Score the extractor on annotated corpus FOLDERS (each: reports/ and truth/).

        Runs extraction with the active gazetteer on each folder's reports and compares the
        claims with truth/control_events.csv by the matching rules of the corpus README
        (same place by id, 3 km or normalised name; same actor and compatible status; date
        within the row's precision). Prints recall, precision, date accuracy of matched
        claims, undated and unresolved claims per folder and overall, then every missed
        truth row and every false claim with its sentence.
        """
        from tracker._cli_reports import load_resources
        from tracker.evaluate import combine, corpus_folders, evaluate_folder

        try:
            paths, notes = corpus_folders(folders)
            for note in notes:
                warn(note)
            gazetteer, lexicon = load_resources()
            scores = [evaluate_folder(f, gazetteer, lexicon) for f in paths]
        except TrackerError as err:
            raise fail(err) from err
        overall = combine(scores)
        shown = [*scores, overall] if len(scores) > 1 else scores
        if as_json:
            echo_json({"folders": [s.to_json(details=not summary) for s in scores],
                       "overall": overall.to_json(details=False)})
            return
        for line in _table(shown):
            click.echo(line)
        if not summary:
            for s in scores:
                for line in _details(s):
                    click.echo(line)
