"""Report -> control claims with evidence (the extract stage).

The package has one concern per module: `doc` (tokens, sentences, spans), `grammar` (the
control phrasings, read from ``tracker/data/phrases_<lang>.csv`` and ``$TRACKER_PHRASES``),
`words` (word classes, ``tracker/data/words.csv`` and ``$TRACKER_WORDS``), `places` (the place
slot of a phrase), `roles` (who gains, who loses), `guards` (intent, negation, condition,
future, fire control), `dating` (which date a claim carries) and `engine` (the pass that
ties them together). Resolution of names to places stays in the gazetteer.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from tracker.extract.doc import split_sentences
from tracker.extract.engine import Extraction, Grammar, default_grammar, extract
from tracker.model import ControlClaim

if TYPE_CHECKING:
    from tracker.reports import ReportProblem

__all__ = ["Extraction", "Grammar", "claims_of", "default_grammar", "extract", "extract_paths",
           "split_sentences"]


def extract_paths(
    paths: Iterable[str | os.PathLike[str]],
    gazetteer: object,
    lexicon: object,
    *,
    published: dt.date | None = None,
) -> Iterator[Extraction | ReportProblem]:
    """Read report files and extract each: yields `Extraction` or `ReportProblem`.

    The reader is `tracker.reports.read_reports` (so `tracker extract` and `tracker ingest`
    share it); a problem with one input is yielded and the batch goes on.
    """
    from tracker.reports import ReportProblem, read_reports

    for item in read_reports(paths, published=published):
        if isinstance(item, ReportProblem):
            yield item
        else:
            yield extract(item, gazetteer, lexicon)  # type: ignore[arg-type]


def claims_of(extractions: Sequence[Extraction]) -> list[ControlClaim]:
    """All claims of several extractions, in order."""
    return [c for x in extractions for c in x.claims]
