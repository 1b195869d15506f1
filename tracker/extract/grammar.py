"""The control grammar as data: frames read from ``tracker/data/phrases_<lang>.csv``.

A frame is one way a language says that control changed or holds: its trigger forms, the
status it states, which role gains and which loses, and where the places stand (see the
header comment of ``phrases_ar.csv`` for the columns). Users add frames without code in CSV
files named by ``$TRACKER_PHRASES`` (os.pathsep-separated; later files win on the same
trigger). `FrameMatcher.find` finds every trigger in a `Doc` in one pass over its tokens.
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
from tracker.extract.doc import _TOKEN_RE, _WORD_START, Doc, _norm
from tracker.model import ACTORS

__all__ = ["ENV_VAR", "GRAMMAR_VERSION", "Frame", "FrameMatcher", "Trigger", "load_frames"]

#: Environment variable naming extra phrase files.
ENV_VAR = "TRACKER_PHRASES"
#: Version of the bundled grammar (bump when a frame changes meaning).
GRAMMAR_VERSION = 1
_COLUMNS = ("trigger", "forms", "pos", "status", "gainer", "loser", "places", "example", "origin")
_STATUSES = frozenset({"captured", "held", "lost", "contested", "besieged", "pocket", "none"})
_POS = frozenset({"verb", "noun", "phrase", "participle"})
_ROLES = frozenset({"subject", "agent", "object", "from", "gap", "near", "other"})
_SLOTS = ("object", "gap", "before", "after", "front")
#: Words a gap (~) in a form may span.
GAP = 3
#: Words a long gap (~~) may span ("لم يبق تحت سيطرة التنظيم في المدينة سوى").
LONG_GAP = 10


@dataclass(frozen=True, slots=True)
class Frame:
    """One way a language says that control changed: who gains, who loses, where the places are."""

    trigger: str
    forms: tuple[tuple[str, ...], ...]  # each form: words, "~" for a gap, "x*" for a prefix
    pos: str
    status: str
    gainer: tuple[str, ...]
    loser: tuple[str, ...]
    places: tuple[tuple[str, tuple[str, ...]], ...]  # (slot, prepositions for "after")
    lang: str
    example: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Trigger:
    """A frame found in a doc: tokens ``first..last``, and the gap tokens (if the form has one)."""

    frame: Frame
    first: int
    last: int
    gap: tuple[int, int] | None  # (first, end) tokens inside the ~, end exclusive
    head: int  # the token of the form's first word


def _roles(value: str, where: str) -> tuple[str, ...]:
    out = []
    for r in (v.strip() for v in value.split("/") if v.strip()):
        if r.startswith("actor:"):
            if r[len("actor:"):] not in ACTORS:
                msg = (f"{where}: unknown actor id in {r!r}; write actor:<id> with one of "
                       f"{', '.join(ACTORS)}")
                raise InputError(msg)
        elif r not in _ROLES:
            msg = (f"{where}: unknown role {r!r}; use subject, agent, object, from, gap, near, "
                   "other or actor:<id>, alternatives separated by /")
            raise InputError(msg)
        out.append(r)
    return tuple(out)


def _places(value: str, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for part in (p.strip() for p in value.split(";") if p.strip()):
        slot, _, preps = part.partition(":")
        if slot not in _SLOTS:
            msg = (f"{where}: unknown place slot {part!r}; use object, gap, before or "
                   "after:<preposition>, several separated by ;")
            raise InputError(msg)
        if slot in ("after", "front") and not preps:
            msg = f"{where}: after needs a preposition, e.g. after:على or after:from"
            raise InputError(msg)
        words = tuple(normalize(p) for p in preps.split("/") if p.strip())
        if not all(words):
            msg = (f"{where}: a preposition in {part!r} has no letters once normalised; "
                   "write it in words")
            raise InputError(msg)
        out.append((slot, words))
    return tuple(out)


def _forms(value: str, where: str) -> tuple[tuple[str, ...], ...]:
    out = []
    for alt in (a.strip() for a in value.split("|") if a.strip()):
        words: list[str] = []
        for w in alt.split():
            if w in ("~", "~~"):
                words.append(w)
                continue
            # each word meets one token of a text, normalised as the doc normalises its
            # tokens ("north-east" stays one word); punctuation is never part of a form
            pieces = _TOKEN_RE.findall(w[:-1] if w.endswith("*") else w)
            parts = [_norm(t) for t in pieces if _WORD_START.match(t)]
            # a normal form must itself be one token ("a-" + a diacritic folds to "a-",
            # which a text would cut in two)
            if not parts or len(parts) < len(pieces) or not all(parts) or any(
                    _TOKEN_RE.findall(p) != [p] for p in parts):
                msg = (f"{where}: the word {w!r} of form {alt!r} is not made of letters or "
                       "digits (a hyphen or apostrophe inside a word is fine); write the "
                       "trigger's words separated by spaces")
                raise InputError(msg)
            if w.endswith("*"):
                parts[-1] += "*"
            words.extend(parts)
        if not words or words[0] in ("~", "~~") or words[-1] in ("~", "~~"):
            msg = f"{where}: form {alt!r} must begin and end with a word (~ only between words)"
            raise InputError(msg)
        out.append(tuple(words))
    if not out:
        msg = f"{where}: no forms; give the trigger's written forms separated by |"
        raise InputError(msg)
    return tuple(out)


def parse_frames(text: str, source: str, lang: str) -> list[Frame]:
    """Frames of one CSV text; a bad row raises InputError naming `source` and its line."""
    lines = text.splitlines()
    rows = [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]
    if not rows:
        return []
    hn, header = rows[0]
    cols = [c.strip() for c in next(csv.reader([header]))]
    if tuple(cols[: len(_COLUMNS)]) != _COLUMNS:
        msg = f"{source}:{hn}: the header must be {','.join(_COLUMNS)} (got {header!r})"
        raise InputError(msg)
    out = []
    for n, ln in rows[1:]:
        where = f"{source}:{n}"
        row = csv_line(ln, where, _COLUMNS, least=7)
        row = [*row, "", ""][: len(_COLUMNS)]
        trigger, forms, pos, status, gainer, loser, places, example, origin = (
            c.strip() for c in row)
        if status not in _STATUSES:
            msg = f"{where}: status {status!r} is not one of {', '.join(sorted(_STATUSES))}"
            raise InputError(msg)
        if pos not in _POS:
            msg = f"{where}: pos {pos!r} is not one of {', '.join(sorted(_POS))}"
            raise InputError(msg)
        pl = _places(places, where)
        if status != "none" and not pl:
            msg = f"{where}: a frame with status {status} needs a places slot"
            raise InputError(msg)
        out.append(Frame(trigger or forms.split("|")[0], _forms(forms, where), pos, status,
                         _roles(gainer, where), _roles(loser, where), pl, lang, example, origin))
    return out


def _lang_of(path: Path, text: str) -> str:
    stem = path.stem.lower()
    if stem.endswith("_en") or stem.endswith("-en"):
        return "en"
    if stem.endswith("_ar") or stem.endswith("-ar"):
        return "ar"
    return "en" if not any("\u0600" <= ch <= "\u06ff" for ch in text) else "ar"


def load_frames(*paths: str | os.PathLike[str]) -> tuple[Frame, ...]:
    """The bundled frames, then ``$TRACKER_PHRASES`` files, then `paths`; later files win.

    A user frame with the same trigger and language as an earlier one replaces it. The
    language of a user file comes from its name (``*_ar.csv`` / ``*_en.csv``) or its script.
    """
    frames: dict[tuple[str, str], Frame] = {}
    for lang in ("ar", "en"):
        name = f"data/phrases_{lang}.csv"
        text = resources.files("tracker").joinpath(name).read_text("utf-8")
        for f in parse_frames(text, f"tracker/{name}", lang):
            frames[(lang, f.trigger)] = f
    env = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    for k, p in enumerate([*env, *paths]):
        path = Path(p)
        var = ENV_VAR if k < len(env) else None
        text = read_text(path, "phrase file", var)
        lang = _lang_of(path, text)
        try:
            parsed = parse_frames(text, str(path), lang)
        except InputError as err:
            raise (from_env(err, ENV_VAR) if var else err) from None
        for f in parsed:
            frames[(lang, f.trigger)] = f
    return tuple(frames.values())


@lru_cache(maxsize=1 << 16)
def _readings(word: str, latin: bool) -> tuple[str, ...]:
    if latin:
        return (word,)
    out = [v for v, _ in proclitic_variants(word)]
    more = [v[2:] for v in out if v.startswith("ال") and len(v) > 4]
    return tuple(dict.fromkeys([*out, *more]))


def _word_ok(pattern: str, readings: Iterable[str], *, first: bool) -> bool:
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return any(r.startswith(stem) for r in readings)
    return pattern in readings


#: Distinct tokens whose starting frames a matcher keeps before it forgets them all.
_STARTS_MAX = 1 << 17


class FrameMatcher:
    """Finds the triggers of a set of frames in a doc, longest form first at each token."""

    def __init__(self, frames: Sequence[Frame]) -> None:
        self.frames = tuple(frames)
        self._exact: dict[str, list[tuple[Frame, tuple[str, ...]]]] = {}
        self._prefix: dict[str, list[tuple[str, Frame, tuple[str, ...]]]] = {}
        for f in frames:
            for form in f.forms:
                head = form[0]
                if head.endswith("*"):
                    stem = head[:-1]
                    self._prefix.setdefault(stem[:2], []).append((stem, f, form))
                else:
                    self._exact.setdefault(head, []).append((f, form))
        # (token norm, latin) -> the frames and forms that may begin at such a token (of its
        # script), each with its number of words: worked out once per distinct token
        self._starts: dict[tuple[str, bool], tuple[tuple[Frame, tuple[str, ...], int], ...]] = {}

    def _starting(self, norm: str, latin: bool) -> tuple[tuple[Frame, tuple[str, ...], int], ...]:
        got = self._starts.get((norm, latin))
        if got is None:
            lang = "en" if latin else "ar"
            got = tuple((frame, form, sum(1 for w in form if w not in ("~", "~~")))
                        for frame, form in self._candidates(_readings(norm, latin))
                        if frame.lang == lang or frame.lang not in ("ar", "en"))
            if len(self._starts) > _STARTS_MAX:
                self._starts.clear()
            self._starts[(norm, latin)] = got
        return got

    def _candidates(self, readings: Sequence[str]) -> list[tuple[Frame, tuple[str, ...]]]:
        out: list[tuple[Frame, tuple[str, ...]]] = []
        for r in readings:
            out.extend(self._exact.get(r, ()))
            for stem, f, form in self._prefix.get(r[:2], ()):
                if r.startswith(stem):
                    out.append((f, form))
        return out

    def find(self, doc: Doc) -> list[Trigger]:
        """Every trigger in reading order; a token belongs to at most one trigger."""
        toks = doc.tokens
        out: list[Trigger] = []
        used = -1
        for i, t in enumerate(toks):
            if not t.is_word or i <= used:
                continue
            starting = self._starts.get((t.norm, t.latin))
            if starting is None:
                starting = self._starting(t.norm, t.latin)
            if not starting:
                continue
            best: Trigger | None = None
            best_len = 0
            for frame, form, n in starting:
                m = self._match(doc, i, form)
                if m is None:
                    continue
                last, gap = m
                if n > best_len or (n == best_len and best is not None and last > best.last):
                    best, best_len = Trigger(frame, i, last, gap, i), n
            if best is not None:
                out.append(best)
                used = best.last
        return out

    @staticmethod
    def _match(doc: Doc, i: int, form: tuple[str, ...]
               ) -> tuple[int, tuple[int, int] | None] | None:
        toks = doc.tokens
        if not _word_ok(form[0], _readings(toks[i].norm, toks[i].latin), first=True):
            return None
        j = i + 1
        gap: tuple[int, int] | None = None
        k = 1
        sent_end = doc.sentence(i)[1]
        while k < len(form):
            w = form[k]
            if w in ("~", "~~"):
                nxt = form[k + 1]
                found = None
                reach = GAP if w == "~" else LONG_GAP
                for g in range(j, min(j + reach + 1, sent_end)):
                    if toks[g].is_word and _word_ok(nxt, _readings(toks[g].norm, toks[g].latin),
                                                    first=False):
                        found = g
                        break
                    if not toks[g].is_word and toks[g].text not in ("،", ",", "-", "(", ")", "\""):
                        break
                if found is None:
                    return None
                gap = (j, found)
                j = found + 1
                k += 2
                continue
            if j >= sent_end or not toks[j].is_word:
                return None
            if not _word_ok(w, _readings(toks[j].norm, toks[j].latin), first=False):
                return None
            j += 1
            k += 1
        return j - 1, gap
