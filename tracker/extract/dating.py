"""Which date a claim carries.

A claim takes the date expression of its own clause: the nearest one in its sentence that no
other trigger stands closer to (a date belongs to the event it is written with: "captured X
yesterday and will enter Y next week" dates X by "yesterday" only). A date later than the
publication date never dates a past event. With none in the sentence, a claim of a
publication-dated report takes the publication date (the news is of the day), and one of an
undated report the last day-precise date written in the three sentences before it (the
story's time). When its clause puts the event before the story ("كان قد سيطر", "had
captured", "first") and gives no date, it takes the publication date at month precision
(some time before the news), or stays undated in an undated report. A weekday alone in an
undated report keeps its weekday.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.extract.doc import Doc, Span, spans_from, spans_in
from tracker.extract.words import WordClasses

__all__ = ["ClaimDate", "date_of"]

#: Days after the publication date a past event's date may lie (time zones, late copy).
FUTURE_SLACK = 1
#: Sentences back an undated report's claim looks for the story's date.
CONTEXT_SENTENCES = 3


@dataclass(frozen=True, slots=True)
class ClaimDate:
    """A claim's date, its precision, where it came from, and a bare weekday if that is all."""

    date: dt.date | None
    precision: str
    source: str  # "clause", "published", "none"
    weekday: int | None = None


def _last(sp: Span) -> int:
    return sp.last


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[1] < b[0]:
        return b[0] - a[1]
    if b[1] < a[0]:
        return a[0] - b[1]
    return 0


def _pluperfect(doc: Doc, lo: int, first: int, words: WordClasses) -> bool:
    for j in range(max(lo, first - 6), first):
        t = doc.tokens[j]
        if t.is_word and words.is_a(t.norm, "pluperfect"):
            return True
    t = doc.tokens[first]
    return t.latin and t.norm in ("first",)


def _since(doc: Doc, i: int) -> bool:
    """The date at token i stands in a "since ..." phrase ("منذ بدء الحملة في أيلول")."""
    for j in range(max(0, i - 5), i + 1):
        n = doc.tokens[j].norm
        if n in ("منذ", "since", "ومنذ"):
            return True
    return False


def date_of(doc: Doc, first: int, last: int, *, triggers: Sequence[tuple[int, int]],
            published: dt.date | None, published_precision: str, words: WordClasses,
            clause_start: int, status: str = "captured", past_verb: bool = False) -> ClaimDate:
    """The date of the claim whose trigger spans tokens ``first..last`` (see module doc)."""
    s, e = doc.sentence(first)
    me = (first, last)
    triggers = [t for t in triggers if s <= t[0] < e]
    best = None
    best_d = 10**9
    for k in range(bisect.bisect_left(doc.dates, s, key=_last), len(doc.dates)):
        sp = doc.dates[k]
        if sp.first >= e:
            break
        dm = sp.value
        day = getattr(dm, "date", None)
        if day is not None and published is not None and (
                day - published).days > FUTURE_SLACK:
            continue  # a date after the news cannot date a past event
        if status != "held" and _since(doc, sp.first):
            continue  # "منذ بدء الحملة في أيلول": the start of a span, not the event's day
        d = _distance(me, (sp.first, sp.last))
        # a date belongs to the trigger nearest to it
        if any(_distance(t, (sp.first, sp.last)) < d for t in triggers if t != me):
            continue
        if d < best_d:
            best, best_d = dm, d
    if best is None and past_verb and not _pluperfect(doc, clause_start, first, words):
        # "سيطرت قسد يوم الاثنين على هجين، ثم حاصرت ...": a past verb with no date of its own
        # keeps the date of its sentence
        for sp in spans_in(doc.dates, s, e):
            if getattr(sp.value, "date", None) is not None and not (
                    published is not None and (sp.value.date - published).days > FUTURE_SLACK
            ) and not _since(doc, sp.first):
                best = sp.value
                break
    if best is not None:
        day = getattr(best, "date", None)
        if day is None:
            return ClaimDate(None, "unknown", "clause", getattr(best, "weekday", None))
        return ClaimDate(day, str(best.precision), "clause")
    if _pluperfect(doc, clause_start, first, words):
        # "وكانت قسد سيطرت على هجين": before the story's time, when is not said
        if published is not None:
            return ClaimDate(published, "month", "published")
        return ClaimDate(None, "unknown", "none")
    # the story's time: the last day-precise date written in the sentences just before
    for k in range(spans_from(doc.dates, s) - 1, -1, -1):
        sp = doc.dates[k]
        if doc.sent_of[sp.first] < doc.sent_of[first] - CONTEXT_SENTENCES:
            break
        if doc.para(sp.first) != doc.para(first) and published is not None:
            break
        day = getattr(sp.value, "date", None)
        if day is not None and str(sp.value.precision) in ("day", "week") and (
                published is None or (day - published).days <= FUTURE_SLACK):
            return ClaimDate(day, str(sp.value.precision), "context")
    if published is not None:
        return ClaimDate(published, published_precision or "day", "published")
    return ClaimDate(None, "unknown", "none")
