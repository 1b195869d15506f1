"""Word classes of the extractor, read from ``tracker/data/words.csv`` (and ``$TRACKER_WORDS``).

Each row gives a word or phrase, its class (``negation``, ``intent``, ``kind`` ...: the CSV's
header comment lists them with their meaning), its language and a note. The engine asks
whether the token at a position begins a word of a class (`WordClasses.match`), so what a
language says stays in the data file and the code only knows the classes.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tracker._datafiles import csv_line, from_env, read_text
from tracker.arabic import normalize, proclitic_variants
from tracker.errors import InputError

__all__ = ["CLASSES", "ENV_VAR", "WordClasses", "load_words"]

#: Environment variable naming extra word files (os.pathsep-separated).
ENV_VAR = "TRACKER_WORDS"
CLASSES: frozenset[str] = frozenset({
    "kind", "landmark", "partial", "full", "remainder", "list_intro", "nonplace", "anaphor",
    "negation", "still", "denial", "intent", "future", "conditional", "fire", "pluperfect",
    "helper", "object", "agent", "become", "title", "stop", "direction", "people", "opener",
    "verb", "peaceful", "expect", "destination", "actor_tail", "name_tail", "except",
})
_COLUMNS = ("word", "class", "lang", "note")
#: Classes whose words are indefinite: the article is never stripped to find them
#: ("القريتين" is a town, not the kind word "قريتين"; "المدينة" is an anaphor).
_DEFINITE = frozenset({"kind"})
#: Classes whose words never take a proclitic (they are particles themselves).
_NO_PROCLITIC = frozenset({"stop", "object", "agent", "negation", "list_intro", "conditional",
                           "destination", "except"})
#: Answers of `WordClasses.is_a` kept (then forgotten all at once).
_IS_A_MAX = 1 << 18


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]
    prefix: bool  # the last word ends in *


def _token_norm(w: str) -> str:
    from tracker.extract.doc import _norm

    return _norm(w)


class WordClasses:
    """Word classes with lookup at a token position (exact, proclitic, prefix, multi-word)."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        by_first: dict[str, dict[str, list[_Entry]]] = {}
        prefixes: dict[str, list[tuple[str, _Entry]]] = {}
        for word, cls in rows:
            # each word normalised as the doc normalises a token ("north-east" stays one word)
            parts = tuple(_token_norm(w) if w != "*" else w for w in word.split())
            prefix = word.endswith("*")
            if prefix:
                parts = (*parts[:-1], _token_norm(word.split()[-1].rstrip("*")))
            parts = tuple(p for p in parts if p)
            if not parts:
                continue
            e = _Entry(parts, prefix)
            if prefix and len(parts) == 1:
                prefixes.setdefault(cls, []).append((parts[0], e))
            else:
                by_first.setdefault(cls, {}).setdefault(parts[0], []).append(e)
        self._by_first = by_first
        self._prefixes = prefixes
        self._prefix_stems = {cls: tuple(pre for pre, _e in es) for cls, es in prefixes.items()}
        # first word of an entry -> the classes with such an entry
        self._first_words: dict[str, set[str]] = {}
        for cls, table in by_first.items():
            for first in table:
                self._first_words.setdefault(first, set()).add(cls)
        self._begun: dict[tuple[str, bool, bool], frozenset[str]] = {}
        self._is_a: dict[tuple[str, str, bool | None], bool] = {}  # the classes never change
        #: (word, class, proclitics allowed) -> (a one-word entry or prefix matches, the
        #: entries of two words or more it may begin, longest first)
        self._starts: dict[tuple[str, str, bool], tuple[bool, tuple[_Entry, ...]]] = {}

    def words_of(self, cls: str) -> frozenset[str]:
        """The one-word entries of a class (normalised)."""
        return frozenset(k for k, es in self._by_first.get(cls, {}).items()
                         if any(len(e.words) == 1 for e in es))

    def is_a(self, word: str, cls: str, *, proclitics: bool | None = None) -> bool:
        """True when the normalised `word` is a one-word entry of `cls`."""
        got = self._is_a.get((word, cls, proclitics))
        if got is None:
            key = (word, cls, proclitics)
            if len(self._is_a) > _IS_A_MAX:
                self._is_a.clear()
            allow = (cls not in _NO_PROCLITIC) if proclitics is None else proclitics
            got = self._is_a[key] = self._starts_of(word, cls, allow)[0]
        return got

    def _starts_of(self, word: str, cls: str, allow: bool) -> tuple[bool, tuple[_Entry, ...]]:
        """What `word` may begin in `cls` (any of its proclitic readings): whether a one-word
        entry (or a prefix entry) matches it, and the longer entries whose first word it is,
        longest first. Cached: it depends on the word alone, not on its position."""
        key = (word, cls, allow)
        got = self._starts.get(key)
        if got is None:
            if len(self._starts) > _IS_A_MAX:
                self._starts.clear()
            table = self._by_first.get(cls, {})
            prefixes = self._prefix_stems.get(cls, ())
            definite = cls not in _DEFINITE
            if not prefixes and cls not in self._classes_begun(word, allow, definite):
                got = self._starts[key] = (False, ())  # most words begin no entry of any class
                return got
            variants = _variants(word, allow, definite)
            if table.keys().isdisjoint(variants):
                got = self._starts[key] = (
                    bool(prefixes) and any(v.startswith(prefixes) for v in variants), ())
                return got
            single = False
            longer: dict[_Entry, None] = {}
            for variant in variants:
                for e in table.get(variant, ()):
                    if len(e.words) == 1:
                        single = True
                    else:
                        longer.setdefault(e)
                if not single and prefixes and variant.startswith(prefixes):
                    single = True
            got = self._starts[key] = (single, tuple(sorted(longer, key=lambda e: -len(e.words))))
        return got

    def _classes_begun(self, word: str, allow: bool, definite: bool) -> frozenset[str]:
        """The classes with an entry whose first word is a reading of `word` (one answer for
        every class, kept per word)."""
        key = (word, allow, definite)
        got = self._begun.get(key)
        if got is None:
            if len(self._begun) > _IS_A_MAX:
                self._begun.clear()
            firsts = self._first_words
            got = self._begun[key] = frozenset(
                c for v in _variants(word, allow, definite) for c in firsts.get(v, ()))
        return got

    def match_words(self, words: Sequence[str], i: int, cls: str, *,
                    proclitics: bool | None = None, end: int | None = None) -> int:
        """Length (in words) of the longest entry of `cls` starting at ``words[i]``, or 0
        (an entry ends at `end` at the latest: ``words[i:end]`` is what is read)."""
        stop = len(words) if end is None or end > len(words) else end
        if i >= stop:
            return 0
        allow = (cls not in _NO_PROCLITIC) if proclitics is None else proclitics
        got = self._starts.get((words[i], cls, allow))
        single, longer = got if got is not None else self._starts_of(words[i], cls, allow)
        for e in longer:
            n = len(e.words)
            if i + n > stop:
                continue
            last = n - 1
            if all((words[i + k].startswith(w) if (e.prefix and k == last) else words[i + k] == w)
                   for k, w in enumerate(e.words[1:], start=1)):
                return n
        return 1 if single else 0


@lru_cache(maxsize=1 << 16)
def _variants(word: str, allow: bool, article: bool = True) -> tuple[str, ...]:
    if not allow:
        return (word,)
    out = [v for v, _ in proclitic_variants(word)]
    if not article:
        return tuple(v for v in out if not (v.startswith("ال") and not word.startswith("ال")
                                            and False))
    # "بالسيطرة" -> "السيطرة" -> "سيطرة": the article goes too
    more = [v[2:] for v in out if v.startswith("ال") and len(v) > 4]
    return tuple(dict.fromkeys([*out, *more]))


def _parse(text: str, source: str) -> list[tuple[str, str]]:
    lines = [ln for ln in text.splitlines()]
    body = [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]
    if not body:
        return []
    header_line, header = body[0]
    cols = next(csv.reader([header]))
    if tuple(c.strip() for c in cols[: len(_COLUMNS)]) != _COLUMNS:
        msg = (f"{source}:{header_line}: the header must be {','.join(_COLUMNS)} "
               f"(got {header!r})")
        raise InputError(msg)
    out = []
    for n, ln in body[1:]:
        row = csv_line(ln, f"{source}:{n}", _COLUMNS, least=2)
        if not row[0].strip() or not row[1].strip():
            msg = f"{source}:{n}: a row needs at least a word and a class: {ln!r}"
            raise InputError(msg)
        word, cls = row[0].strip(), row[1].strip()
        if cls != "-" and cls not in CLASSES:
            msg = (f"{source}:{n}: unknown word class {cls!r}; use one of "
                   f"{', '.join(sorted(CLASSES))} (or - to remove a word)")
            raise InputError(msg)
        out.append((word, cls))
    return out


def load_words(extra_paths: Sequence[str | os.PathLike[str]] = ()) -> WordClasses:
    """The bundled word classes, then ``$TRACKER_WORDS`` files, then `extra_paths`.

    A row of class ``-`` removes its word from every class read so far. A broken file raises
    `InputError` naming the file and line.
    """
    bundled = resources.files("tracker").joinpath("data/words.csv").read_text("utf-8")
    rows = _parse(bundled, "tracker/data/words.csv")
    env = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    for k, p in enumerate([*env, *extra_paths]):
        var = ENV_VAR if k < len(env) else None
        text = read_text(Path(p), "word file", var)
        try:
            parsed = _parse(text, str(p))
        except InputError as err:
            raise (from_env(err, ENV_VAR) if var else err) from None
        for word, cls in parsed:
            if cls == "-":
                key = normalize(word)
                rows = [r for r in rows if normalize(r[0]) != key]
            else:
                rows.append((word, cls))
    return WordClasses(rows)
