"""Actor names in real reports: coverage of the analysts' truth, suspect mentions, speed.

Run: ``python benchmarks/bench_actors.py [--corpus ../shared/corpus] [--misses] [--suspects]
[--repeat 20]``. Prints numbers; asserts nothing (``tests/test_actors.py`` keeps the floor).

*Coverage.* For every row of ``<folder>/truth/control_events.csv`` whose status is
``captured`` or ``held``, is its ``actor_after`` named by `ActorLexicon.find` (run on the
report body with the title as context, as the extractor runs it) inside the row's ``quote``,
inside the sentence(s) the quote spans, or in its paragraph (the line(s) of the body it is
on)? ``turkey`` and ``sna`` count for each other (the corpus README's matching rule). Printed
per folder and overall, at each level (and, for reference, anywhere in the report body);
``--misses`` lists the rows not found in their paragraph.

*Suspects.* A mention of an actor that none of its report's truth rows names (in
``actor_before`` / ``actor_after`` / ``notes``) is a suspect: often a real side note (an air
strike by the coalition), sometimes a false mention (a person's or a place's name read as an
actor). ``--suspects`` lists them with their context for review.

*Speed.* ``find`` over every body of the corpus, `--repeat` times (CPU time, one core):
reports/s, mentions/s, MB/s; plus a cold pass on a fresh lexicon (no token cache). Without
the corpus it times the bundled sample corpus only.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tracker.actors import ActorLexicon, ActorMention  # noqa: E402
from tracker.model import Report  # noqa: E402
from tracker.reports import read_reports  # noqa: E402
from tracker.settings import SAMPLE_DIR  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
STATUSES = ("captured", "held")
LEVELS = ("quote", "sentence", "paragraph", "report")
_SENTENCE_END = re.compile(r"[.!?؟؛\n]")
_SAME_SIDE = {"turkey": {"turkey", "sna"}, "sna": {"turkey", "sna"}}


@dataclass(frozen=True)
class CorpusReport:
    """One report of the shared corpus: folder, file name, title, body."""

    folder: str
    name: str
    title: str
    body: str


@dataclass(frozen=True)
class RowResult:
    """A truth row and the finest level at which its actor was found ("" = not found)."""

    folder: str
    report: str
    place: str
    actor: str
    quote: str
    level: str
    named: tuple[str, ...]  # actors found in the paragraph, for the miss list


def read_corpus(root: Path) -> Iterator[tuple[str, dict[str, CorpusReport], list[dict[str, str]]]]:
    """Each folder of the corpus: its name, reports by file name, truth rows."""
    for truth in sorted(root.glob("*/truth/control_events.csv")):
        folder = truth.parent.parent
        reports = {}
        for path in sorted((folder / "reports").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            head, _, body = text.partition("\n---\n")
            title = ""
            for line in head.splitlines():
                key, _, value = line.partition(":")
                if key.strip() == "title" and value.strip() != "unknown":
                    title = value.strip()
            reports[path.name] = CorpusReport(folder.name, path.name, title, body.strip())
        with truth.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        yield folder.name, reports, rows


def _span(body: str, start: int, end: int, boundary: re.Pattern[str]) -> tuple[int, int]:
    """Widen [start, end) to the nearest `boundary` characters on either side."""
    left = max((m.end() for m in boundary.finditer(body, 0, start)), default=0)
    right = boundary.search(body, end)
    return left, right.start() if right else len(body)


def row_level(body: str, quote: str, actor: str, mentions: list[ActorMention]) -> str:
    """The finest level of `LEVELS` at which `actor` is named; "" if not even in the report."""
    start = body.find(quote)
    if start < 0:
        return ""
    end = start + len(quote)
    wanted = _SAME_SIDE.get(actor, {actor})
    spans = {"quote": (start, end),
             "sentence": _span(body, start, end, _SENTENCE_END),
             "paragraph": _span(body, start, end, re.compile(r"\n")),
             "report": (0, len(body))}
    for level in LEVELS:
        lo, hi = spans[level]
        if any(m.actor in wanted and m.start < hi and lo < m.end for m in mentions):
            return level
    return ""


def coverage(lexicon: ActorLexicon, root: Path) -> list[RowResult]:
    """One result per captured/held truth row of every corpus folder under `root`."""
    out = []
    for folder, reports, rows in read_corpus(root):
        found: dict[str, list[ActorMention]] = {}
        for row in rows:
            if row["status"] not in STATUSES:
                continue
            rep = reports[row["report"]]
            if rep.name not in found:
                found[rep.name] = lexicon.find(rep.body, context=rep.title)
            mentions = found[rep.name]
            level = row_level(rep.body, row["quote"], row["actor_after"], mentions)
            start = rep.body.find(row["quote"])
            lo, hi = _span(rep.body, start, start + len(row["quote"]), re.compile(r"\n"))
            named = tuple(sorted({f"{m.text}={m.actor}" for m in mentions
                                  if m.start < hi and lo < m.end}))
            out.append(RowResult(folder, rep.name, row["place_en"], row["actor_after"],
                                 row["quote"], level, named))
    return out


def summary(results: list[RowResult]) -> dict[str, dict[str, float]]:
    """Per folder and ``overall``: rows and the share found at each level (cumulative), in %."""
    groups: dict[str, list[RowResult]] = {}
    for r in results:
        groups.setdefault(r.folder, []).append(r)
        groups.setdefault("overall", []).append(r)
    table = {}
    for name, rows in groups.items():
        line: dict[str, float] = {"rows": len(rows)}
        for i, level in enumerate(LEVELS):
            ok = sum(1 for r in rows if r.level in LEVELS[: i + 1])
            line[level] = 100.0 * ok / len(rows)
        table[name] = line
    return table


def suspects(lexicon: ActorLexicon, root: Path) -> list[tuple[CorpusReport, ActorMention]]:
    """Mentions of an actor that no truth row of their report names."""
    out = []
    for _folder, reports, rows in read_corpus(root):
        truth_actors: dict[str, set[str]] = {}
        for row in rows:
            names = truth_actors.setdefault(row["report"], set())
            names |= {row["actor_before"], row["actor_after"]}
            names |= set(re.findall(r"\b(?:isis|sdf|government|opposition|hts|sna|turkey|"
                                    r"coalition)\b", row["notes"]))
        for name, rep in reports.items():
            known = set().union(*(_SAME_SIDE.get(a, {a}) for a in truth_actors.get(name, set())))
            if not known:
                continue  # a report with no claim: nothing to compare with
            out.extend((rep, m) for m in lexicon.find(rep.body, context=rep.title)
                       if m.actor not in known)
    return out


def speed(bodies: list[tuple[str, str]], repeat: int) -> None:
    """Print find() throughput over (body, title) pairs."""
    size = sum(len(b.encode("utf-8")) for b, _ in bodies)
    lex = ActorLexicon.load()
    c0 = time.process_time()
    n = sum(len(lex.find(b, context=t)) for b, t in bodies)
    cold = time.process_time() - c0
    print(f"cold pass (fresh lexicon): {len(bodies) / cold:9.1f} reports/s  "
          f"{n / cold:10.1f} mentions/s  ({len(bodies)} reports, {n} mentions)")
    c0 = time.process_time()
    total = 0
    for _ in range(repeat):
        total += sum(len(lex.find(b, context=t)) for b, t in bodies)
    cpu = time.process_time() - c0
    print(f"warm x{repeat} (CPU, one core): {len(bodies) * repeat / cpu:9.1f} reports/s  "
          f"{total / cpu:10.1f} mentions/s  {size * repeat / 1e6 / cpu:6.2f} MB/s")
    t0 = time.process_time()
    ActorLexicon.load()
    print(f"lexicon load: {1000 * (time.process_time() - t0):.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--misses", action="store_true", help="list rows not found in their paragraph")
    ap.add_argument("--suspects", action="store_true", help="list mentions no truth row names")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    if not any(args.corpus.glob("*/truth/control_events.csv")):
        print(f"no corpus at {args.corpus} (expected <folder>/truth/control_events.csv); "
              f"timing the bundled sample corpus only")
        sample = [r for r in read_reports(sorted(SAMPLE_DIR.glob("*.txt")))
                  if isinstance(r, Report)]
        speed([(r.text, r.title or "") for r in sample], args.repeat)
        return 0
    lex = ActorLexicon.load()
    results = coverage(lex, args.corpus)
    print(f"actor_after of captured/held truth rows named by ActorLexicon.find ({args.corpus})")
    print(f"{'folder':<16}{'rows':>6}{'quote':>9}{'sentence':>10}{'paragraph':>11}{'report':>9}")
    for name, line in sorted(summary(results).items(), key=lambda kv: kv[0] == "overall"):
        print(f"{name:<16}{line['rows']:>6.0f}{line['quote']:>8.1f}%{line['sentence']:>9.1f}%"
              f"{line['paragraph']:>10.1f}%{line['report']:>8.1f}%")
    misses = [r for r in results if r.level in ("", "report")]
    print(f"not found in their paragraph: {len(misses)} rows")
    if args.misses:
        for r in misses:
            print(f"  {r.folder}/{r.report[:40]} {r.place} want={r.actor} "
                  f"have={', '.join(r.named) or '-'}\n      quote: {r.quote[:110]}")
    found = suspects(lex, args.corpus)
    kinds = Counter(f"{m.text}={m.actor}" for _, m in found)
    print(f"suspect mentions (actor named by no truth row of the report): {len(found)} "
          f"({len(kinds)} distinct)")
    if args.suspects:
        for rep, m in found:
            ctx = rep.body[max(0, m.start - 40): m.end + 40].replace("\n", " ")
            print(f"  {rep.folder}/{rep.name[:36]} {m.text}={m.actor}: …{ctx}…")
    speed([(r.body, r.title) for _f, reports, _rows in read_corpus(args.corpus)
           for r in reports.values()], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
